"""The product catalog: a TOML file, validated on load. Pure (reads a file, no UI).

Format (see assets/catalog.toml)::

    currency = "EUR"

    [[items]]
    id = "apple"            # lowercase letters, digits, '-' or '_'; unique
    name = "Apple"          # shown on screen, at most 40 characters, each with a glyph in the kiosk's fonts
    price = "0.45"          # a decimal string (or integer), > 0, at most 2 decimals
    image = "images/apple.png"  # optional, relative to the catalog file; see read_picture

A picture must exist when the catalog loads; it is read when it is first drawn, by
`read_picture`: a picture over MAX_PICTURE_BYTES or MAX_PICTURE_PIXELS (by its header, before
anything is decoded), or no image at all, is drawn as the item's letter tile, with one warning.

Prices become integer cents; floats are refused because 0.1 + 0.2 != 0.3.

`CatalogFile` is the file's typed form (pydantic, like the config and the theme): an error
is one line naming the file and the key path, `catalog FILE: items[1].price (item 'milk'):
...`, with [[items]] counted from 0. `Catalog` and `Item` are the values the shop uses.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from kiosk import files
from kiosk.errors import invalid, read_toml

MAX_ITEMS = 500
MAX_PRICE_CENTS = 1_000_000  # 10 000.00 in the catalog's currency
MAX_NAME_CHARS = 40
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF "}
MAX_PICTURE_PIXELS = 4096 * 4096
"""A picture with more pixels (by its header) is never decoded. Pictures ship at 512 x 512 and are
drawn at most a few hundred px wide; this still takes a 12 MP phone photo as it is."""
MAX_PICTURE_BYTES = 16 * 1024 * 1024
"""A picture file larger than this is not read."""


@dataclass(frozen=True)
class Item:
    id: str
    name: str
    price_cents: int
    image: Path | None = None
    names: tuple[tuple[str, str], ...] = ()
    """(language code, name) for the languages the catalog translates the name into."""

    def label(self, lang: str) -> str:
        """The item's name in `lang`, or its own name when the catalog has no translation."""
        return dict(self.names).get(lang, self.name)


@dataclass(frozen=True)
class Catalog:
    currency: str
    items: tuple[Item, ...]

    def get(self, item_id: str) -> Item | None:
        for item in self.items:
            if item.id == item_id:
                return item
        return None

    def format(self, cents: int) -> str:
        """Money for display: 1234 -> '€12.34'."""
        sign = "-" if cents < 0 else ""
        symbol = CURRENCY_SYMBOLS.get(self.currency, self.currency + " ")
        return f"{sign}{symbol}{abs(cents) // 100}.{abs(cents) % 100:02d}"


_PRICE = re.compile(r"^\d{1,7}(\.\d{1,2})?$")


def parse_price_cents(value: object) -> int:
    """'1.20' or 3 -> cents. Raises ValueError with a reason for anything else.

    A strict pattern (digits, optionally a point and 1-2 decimals) rather than Decimal
    arithmetic alone: exponents like '1e-9999999' would underflow or overflow it.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"must be a decimal string like \"1.20\" or an integer, not {value!r}")
    text = str(value).strip()
    if not _PRICE.match(text):
        raise ValueError(f"{value!r} must be a positive amount with at most 2 decimals, like \"1.20\"")
    cents = int(Decimal(text) * 100)
    if cents <= 0:
        raise ValueError(f"{value!r} must be greater than 0")
    if cents > MAX_PRICE_CENTS:
        raise ValueError(f"{value!r} is over the maximum {MAX_PRICE_CENTS // 100}")
    return cents


# --------------------------------------------------------------------------- the file


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ItemEntry(_Table):
    """One [[items]] table of the catalog file."""

    id: str = Field(description="1-32 of a-z, 0-9, '-', '_', starting with a letter or digit; unique.")
    name: str = Field(description=f"Shown on screen, 1-{MAX_NAME_CHARS} characters, each drawn by a font of "
                                  "kiosk.ui.fonts (Latin, Greek, Cyrillic, Arabic, Hebrew, Indic, Thai, emoji...; "
                                  "no Chinese, Japanese or Korean).")
    price: Annotated[int, BeforeValidator(parse_price_cents)] = Field(description=(
        "A decimal string like \"1.20\" (or an integer), > 0, at most 2 decimals; held as integer cents. "
        "A float is refused: 0.1 + 0.2 != 0.3."))
    image: Path | None = Field(None, description="Optional picture, relative to the catalog file.")
    names: dict[str, str] = Field({}, description=(
        "Optional translations of the name, by language code: names = { de = \"Apfel\", es = \"Manzana\" }."))

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"{value!r} must be 1-32 of a-z, 0-9, '-', '_', starting with a letter or digit")
        return value

    @field_validator("names")
    @classmethod
    def _names(cls, value: dict[str, str]) -> dict[str, str]:
        for lang, name in value.items():
            if not re.fullmatch(r"[a-z]{2}", lang):
                raise ValueError(f"{lang!r} must be a 2-letter language code like \"de\"")
            cls._name(name)
        return {lang: name.strip() for lang, name in value.items()}

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip() or len(value) > MAX_NAME_CHARS:
            raise ValueError(f"must be 1-{MAX_NAME_CHARS} characters")
        if not value.isprintable():
            raise ValueError("has control characters")
        # Refused here, not shown as empty boxes at the till. The font chain is the UI's, but
        # its coverage check is pure (fontTools cmaps): imported here, so the shop stays pygame-free.
        from kiosk.ui.fonts import missing_glyphs

        missing = missing_glyphs(value)
        if missing:
            chars = ", ".join(repr(c) for c in missing)
            raise ValueError(f"{chars} {'has' if len(missing) == 1 else 'have'} no glyph in the kiosk's fonts")
        return value.strip()

    @field_validator("image", mode="before")
    @classmethod
    def _image(cls, value: object, info: ValidationInfo) -> object:
        if not isinstance(value, str) or not value:
            raise ValueError("must be a file path")
        path = (info.context["base"] / value).resolve()
        if not path.is_file():
            raise ValueError(f"{value!r} not found at {str(path)!r}")
        return path


class CatalogFile(_Table):
    """The catalog file. Validate with `parse_catalog` (it gives the folder images resolve from)."""

    currency: str = Field("EUR", description="ISO 4217 code, like \"EUR\".")
    items: list[ItemEntry] = Field((), validate_default=True, description=f"1-{MAX_ITEMS} [[items]] tables.")

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z]{3}", value):
            raise ValueError(f"{value!r} must be a 3-letter code like \"EUR\"")
        return value

    @field_validator("items", mode="before")
    @classmethod
    def _count(cls, value: object) -> object:  # before validating 10 000 tables one by one
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError("the catalog needs at least one [[items]] table")
            if len(value) > MAX_ITEMS:
                raise ValueError(f"{len(value)} items is over the maximum of {MAX_ITEMS}")
        return value

    @field_validator("items")
    @classmethod
    def _unique_ids(cls, items: list[ItemEntry]) -> list[ItemEntry]:
        first: dict[str, int] = {}
        for n, item in enumerate(items):
            if first.setdefault(item.id, n) != n:
                # raised as a ValidationError so the error names items[n].id, not the whole list
                raise ValidationError.from_exception_data("catalog", [InitErrorDetails(
                    type=PydanticCustomError("duplicate_id",  # ids are [a-z0-9_-]: no {} to format
                                             f"duplicate id {item.id!r}: items[{first[item.id]}] has it already"),
                    loc=(n, "id"), input=item.id)])
        return items

    def catalog(self) -> Catalog:
        return Catalog(self.currency, tuple(Item(i.id, i.name, i.price, i.image, tuple(sorted(i.names.items())))
                                            for i in self.items))


def parse_catalog(data: dict, base_dir: Path) -> Catalog:
    """Validate parsed TOML; images resolve from base_dir. Raises pydantic.ValidationError."""
    return CatalogFile.model_validate(data, context={"base": base_dir}).catalog()


def load_catalog(path: Path) -> Catalog:
    """Load and validate a catalog file; any problem is one InputError line naming the file and the key:
    `catalog FILE: items[2].price (item 'milk'): ...` (items counted from 0)."""
    data = read_toml(path, "catalog")
    try:
        return parse_catalog(data, path.parent)
    except ValidationError as e:
        raise invalid("catalog", path, e, note=lambda loc: _item_id(data, loc)) from None


def check_catalog(data: dict, source: str, base_dir: Path) -> Catalog:
    """load_catalog's validation for a catalog that is not a file (the fleet's central catalog): the same
    checks on the same dict shape, images resolved from base_dir; any problem is one InputError line
    `catalog SOURCE: items[2].price (item 'milk'): ...`."""
    try:
        return parse_catalog(data, base_dir)
    except ValidationError as e:
        raise invalid("catalog", source, e, note=lambda loc: _item_id(data, loc)) from None


def read_picture(path: Path) -> bytes:
    """An item picture's bytes, for the UI to decode: a regular file within MAX_PICTURE_BYTES whose
    header says an image of at most MAX_PICTURE_PIXELS. Anything else is one InputError line
    (`picture FILE: 20000x20000 px, over the cap of ... pixels`); nothing is decoded here."""
    return files.read_image(path, "picture", MAX_PICTURE_PIXELS, MAX_PICTURE_BYTES)


def _item_id(data: dict, loc: tuple) -> str:
    """"item 'milk'" when the error is inside an [[items]] table that has a usable id: easier to find than an index."""
    if len(loc) > 2 and loc[0] == "items" and isinstance(loc[1], int) and loc[2] != "id":
        items = data.get("items")
        entry = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) and _ID.match(entry["id"]):
            return f"item {entry['id']!r}"
    return ""
