"""The product catalog: a TOML file, validated on load. Pure (reads a file, no UI).

Format (see assets/catalog.toml)::

    currency = "EUR"

    [[items]]
    id = "apple"            # lowercase letters, digits, '-' or '_'; unique
    name = "Apple"          # shown on screen, at most 40 characters
    price = "0.45"          # a decimal string (or integer), > 0, at most 2 decimals
    image = "images/apple.png"  # optional, relative to the catalog file

Prices become integer cents; floats are refused because 0.1 + 0.2 != 0.3.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from kiosk.errors import InputError, read_toml

MAX_ITEMS = 500
MAX_PRICE_CENTS = 1_000_000  # 10 000.00 in the catalog's currency
MAX_NAME_CHARS = 40
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF "}


@dataclass(frozen=True)
class Item:
    id: str
    name: str
    price_cents: int
    image: Path | None = None


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
        raise ValueError("price must be a decimal string like \"1.20\" or an integer")
    text = str(value).strip()
    if not _PRICE.match(text):
        raise ValueError(f"price {value!r} must be a positive amount with at most 2 decimals, like \"1.20\"")
    cents = int(Decimal(text) * 100)
    if cents <= 0:
        raise ValueError(f"price {value!r} must be greater than 0")
    if cents > MAX_PRICE_CENTS:
        raise ValueError(f"price {value!r} is over the maximum {MAX_PRICE_CENTS // 100}")
    return cents


def parse_catalog(data: dict, base_dir: Path) -> Catalog:
    """Validate parsed TOML. Raises ValueError naming the entry and the field."""
    currency = data.get("currency", "EUR")
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        raise ValueError(f"currency {currency!r} must be a 3-letter code like \"EUR\"")
    unknown = set(data) - {"currency", "items"}
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(repr(k) for k in sorted(unknown))}")
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise ValueError("no [[items]]: the catalog needs at least one item")
    if len(raw_items) > MAX_ITEMS:
        raise ValueError(f"{len(raw_items)} items is over the maximum of {MAX_ITEMS}")
    items: list[Item] = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_items, start=1):
        where = f"item {n}" + (f" ({raw.get('id')!r})" if isinstance(raw, dict) and "id" in raw else "")
        try:
            items.append(_parse_item(raw, base_dir))
        except ValueError as e:
            raise ValueError(f"{where}: {e}") from None
        if items[-1].id in seen:
            raise ValueError(f"{where}: duplicate id")
        seen.add(items[-1].id)
    return Catalog(currency=currency, items=tuple(items))


def _parse_item(raw: object, base_dir: Path) -> Item:
    if not isinstance(raw, dict):
        raise ValueError("must be a table with id, name and price")
    unknown = set(raw) - {"id", "name", "price", "image"}
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(repr(k) for k in sorted(unknown))}")
    for key in ("id", "name", "price"):
        if key not in raw:
            raise ValueError(f"missing {key}")
    item_id, name = raw["id"], raw["name"]
    if not isinstance(item_id, str) or not _ID.match(item_id):
        raise ValueError(f"id {item_id!r} must be 1-32 of a-z, 0-9, '-', '_'")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS:
        raise ValueError(f"name must be 1-{MAX_NAME_CHARS} characters")
    if not name.isprintable():
        raise ValueError("name has control characters")
    image = raw.get("image")
    image_path = None
    if image is not None:
        if not isinstance(image, str) or not image:
            raise ValueError("image must be a file path")
        image_path = (base_dir / image).resolve()
        if not image_path.is_file():
            raise ValueError(f"image {image!r} not found at {str(image_path)!r}")
    return Item(id=item_id, name=name.strip(), price_cents=parse_price_cents(raw["price"]), image=image_path)


def load_catalog(path: Path) -> Catalog:
    """Load and validate a catalog file; any problem is one InputError line naming the file."""
    data = read_toml(path, "catalog")
    try:
        return parse_catalog(data, path.parent)
    except ValueError as e:
        raise InputError(f"catalog {path}: {e}") from None
