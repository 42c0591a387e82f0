"""Tests for kiosk.shop.catalog: loading, validation (one InputError line naming file and entry) and money display."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kiosk.errors import InputError
from kiosk.shop.catalog import MAX_ITEMS, Catalog, Item, load_catalog
from tests.conftest import REPO, within
from tests.test_files import png_bomb

MAX_PRICE_TEXT = "10000.00"  # the documented maximum price: 10 000.00 in the catalog's currency
MAX_CENTS = 1_000_000


def toml_str(s: str) -> str:
    """A TOML basic string for any text without surrogates (every non-ASCII-printable char escaped)."""
    return '"' + "".join(c if (" " <= c <= "~" and c not in '"\\') else f"\\U{ord(c):08X}" for c in s) + '"'


def toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    assert isinstance(v, str)
    return toml_str(v)


def catalog_text(items: list[dict], currency: str | None = "EUR", extra: str = "") -> str:
    out = []
    if currency is not None:
        out.append(f"currency = {toml_str(currency)}")
    out.append(extra)
    for item in items:
        out.append("[[items]]")
        out += [f"{k} = {toml_value(v)}" for k, v in item.items()]
        out.append("")
    return "\n".join(out)


def write_catalog(tmp_path: Path, items: list[dict], **kw) -> Path:
    path = tmp_path / "catalog.toml"
    path.write_text(catalog_text(items, **kw), encoding="utf-8")
    return path


GOOD = {"id": "apple", "name": "Apple", "price": "0.45"}


def load_error(path: Path) -> str:
    with pytest.raises(InputError) as exc:
        load_catalog(path)
    msg = str(exc.value)
    assert "\n" not in msg, "the error must be one line"
    assert str(path) in msg, f"the error must name the file: {msg}"
    return msg


# --- valid catalogs -------------------------------------------------------------------------------

def test_valid_catalog_prices_become_integer_cents(tmp_path):
    path = write_catalog(tmp_path, [
        {"id": "apple", "name": "Apple", "price": "0.45"},
        {"id": "bread", "name": "Bread", "price": 3},
        {"id": "tea_2", "name": "Green tea", "price": "1.5"},
        {"id": "cake-1", "name": "Cake", "price": "12"},
        {"id": "max", "name": "Most expensive", "price": MAX_PRICE_TEXT},
    ])
    cat = load_catalog(path)
    assert cat.currency == "EUR"
    assert [i.id for i in cat.items] == ["apple", "bread", "tea_2", "cake-1", "max"]
    assert [i.price_cents for i in cat.items] == [45, 300, 150, 1200, MAX_CENTS]
    assert all(type(i.price_cents) is int for i in cat.items)
    assert cat.get("bread").name == "Bread"
    assert cat.get("bread").image is None
    assert cat.get("nope") is None


def test_currency_defaults_to_eur_and_can_be_set(tmp_path):
    assert load_catalog(write_catalog(tmp_path, [GOOD], currency=None)).currency == "EUR"
    assert load_catalog(write_catalog(tmp_path, [GOOD], currency="USD")).currency == "USD"


def test_image_relative_to_catalog_file(tmp_path, monkeypatch):
    (tmp_path / "images").mkdir()
    png = tmp_path / "images" / "apple.png"
    png.write_bytes(b"\x89PNG fake")
    path = write_catalog(tmp_path, [{**GOOD, "image": "images/apple.png"}])
    monkeypatch.chdir(tmp_path.parent)  # not the catalog's folder
    item = load_catalog(path).items[0]
    assert item.image is not None and item.image.resolve() == png.resolve()


def test_shipped_catalog_loads():
    path = Path(__file__).resolve().parent.parent / "assets" / "catalog.toml"
    cat = load_catalog(path)
    assert cat.items
    assert cat.get("apple") is not None and cat.get("apple").price_cents == 45  # "0.45" in the file
    assert len({i.id for i in cat.items}) == len(cat.items)


def test_exactly_max_items_loads(tmp_path):
    items = [{"id": f"i{n}", "name": f"Item {n}", "price": "1.00"} for n in range(MAX_ITEMS)]
    assert len(load_catalog(write_catalog(tmp_path, items)).items) == MAX_ITEMS


# --- format ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("currency, cents, text", [
    ("EUR", 1234, "€12.34"),
    ("EUR", 5, "€0.05"),
    ("EUR", 0, "€0.00"),
    ("EUR", 100, "€1.00"),
    ("EUR", 50, "€0.50"),
    ("EUR", 1_000_000, "€10000.00"),
    ("USD", 1999, "$19.99"),
    ("GBP", 7, "£0.07"),
    ("EUR", -5, "-€0.05"),
])
def test_format(currency, cents, text):
    assert Catalog(currency, (Item("a", "A", 1),)).format(cents) == text


# --- malformed catalogs ---------------------------------------------------------------------------

def test_bad_toml(tmp_path):
    path = tmp_path / "catalog.toml"
    path.write_text('currency = "EUR"\n[[items]\nid = "apple"\n', encoding="utf-8")
    assert "TOML" in load_error(path)


def test_not_utf8(tmp_path):
    path = tmp_path / "catalog.toml"
    path.write_bytes(b"\xff\xfe" + 'currency = "EUR"\n'.encode("utf-16-le"))
    assert "UTF-8" in load_error(path)


def test_missing_file(tmp_path):
    assert "not found" in load_error(tmp_path / "nope.toml")


@pytest.mark.parametrize("text", ['currency = "EUR"\n', 'currency = "EUR"\nitems = []\n'])
def test_no_items(tmp_path, text):
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    assert "items" in load_error(path)


def test_duplicate_id(tmp_path):
    path = write_catalog(tmp_path, [GOOD, {"id": "milk", "name": "Milk", "price": "1"},
                                    {"id": "apple", "name": "Apple again", "price": "0.50"}])
    msg = load_error(path)
    assert "duplicate" in msg and "'apple'" in msg and ": items[2].id: " in msg and "items[0]" in msg


@pytest.mark.parametrize("bad_id", ["Apple", "ap ple", "apple!", "-apple", "", "é", "a" * 33])
def test_bad_id(tmp_path, bad_id):
    msg = load_error(write_catalog(tmp_path, [GOOD, {"id": bad_id, "name": "X", "price": "1"}]))
    assert ": items[1].id: " in msg


@pytest.mark.parametrize("name", ["", "   ", "N" * 41])
def test_bad_name(tmp_path, name):
    msg = load_error(write_catalog(tmp_path, [GOOD, {"id": "milk", "name": name, "price": "1"}]))
    assert ": items[1].name (item 'milk'): " in msg


def test_a_name_with_a_character_no_font_has_is_refused_naming_the_item(tmp_path):
    msg = load_error(write_catalog(tmp_path, [GOOD, {"id": "tea", "name": "Tea", "price": "1"},
                                              {"id": "dumplings", "name": "Dumplings 饺子", "price": "3"}]))
    assert msg.endswith(": items[2].name (item 'dumplings'): '饺', '子' have no glyph in the kiosk's fonts"), msg
    msg = load_error(write_catalog(tmp_path, [{"id": "kimchi", "name": "김치 Kimchi 김", "price": "1"}]))
    assert msg.endswith(": items[0].name (item 'kimchi'): '김', '치' have no glyph in the kiosk's fonts"), msg
    msg = load_error(write_catalog(tmp_path, [{"id": "nori", "name": "Nori 海", "price": "1"}]))
    assert msg.endswith(": items[0].name (item 'nori'): '海' has no glyph in the kiosk's fonts"), msg


def test_names_in_other_scripts_and_with_emoji_load(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pygame", None)  # the check is the shop's: no pygame
    names = ["Café ☕️", "قهوة بالحليب", "חלב", "चाय", "Croissant 🥐", "Ψωμί", "Хлеб"]
    catalog = load_catalog(write_catalog(tmp_path, [{"id": f"i{n}", "name": name, "price": "1"}
                                                    for n, name in enumerate(names)]))
    assert [item.name for item in catalog.items] == names


def test_name_of_40_chars_is_fine(tmp_path):
    assert load_catalog(write_catalog(tmp_path, [{**GOOD, "name": "N" * 40}])).items[0].name == "N" * 40


@pytest.mark.parametrize("price", [
    0.1,            # a float: refused, 0.1 + 0.2 != 0.3
    1.0,            # a float even when whole
    "-1.00", -3,    # negative
    "0", "0.00", 0,  # zero
    "1.234", "0.001",  # 3 decimals
    "10000.01", 1_000_001,  # over the maximum
    "abc", "", "1,20", "NaN", "Infinity",
    True,
], ids=repr)
def test_bad_price(tmp_path, price):
    msg = load_error(write_catalog(tmp_path, [GOOD, {"id": "milk", "name": "Milk", "price": price}]))
    assert ": items[1].price (item 'milk'): " in msg


def test_missing_price(tmp_path):
    msg = load_error(write_catalog(tmp_path, [{"id": "milk", "name": "Milk"}]))
    assert ": items[0].price (item 'milk'): missing" in msg


def test_unknown_item_key(tmp_path):
    msg = load_error(write_catalog(tmp_path, [GOOD, {"id": "milk", "name": "Milk", "price": "1", "colour": "white"}]))
    assert ": items[1].colour (item 'milk'): unknown key" in msg


def test_unknown_top_level_key(tmp_path):
    msg = load_error(write_catalog(tmp_path, [GOOD], extra='shop_name = "Corner shop"'))
    assert ": shop_name: unknown key" in msg


def test_bad_currency(tmp_path):
    assert ": currency: " in load_error(write_catalog(tmp_path, [GOOD], currency="euro"))


def test_image_not_found(tmp_path):
    msg = load_error(write_catalog(tmp_path, [GOOD, {"id": "milk", "name": "Milk", "price": "1",
                                                     "image": "images/nope.png"}]))
    assert ": items[1].image (item 'milk'): " in msg and "nope.png" in msg


def test_image_that_is_a_folder(tmp_path):
    (tmp_path / "images").mkdir()
    msg = load_error(write_catalog(tmp_path, [{**GOOD, "image": "images"}]))
    assert ": items[0].image (item 'apple'): " in msg


def test_too_many_items(tmp_path):
    items = [{"id": f"i{n}", "name": f"Item {n}", "price": "1.00"} for n in range(MAX_ITEMS + 1)]
    msg = load_error(write_catalog(tmp_path, items))
    assert f": items: {MAX_ITEMS + 1} items is over the maximum of {MAX_ITEMS}" in msg


# --- prices given as text: never loaded silently wrong --------------------------------------------

_STRICT = re.compile(r"[0-9]+(\.[0-9]{1,2})?")


def exact_cents(text: str) -> Fraction | None:
    """The exact value of a number text, in cents (no rounding anywhere), or None if it is not a number."""
    try:
        d = Decimal(text.strip())  # construction is exact: no context precision applies
    except InvalidOperation:
        return None
    return Fraction(d) * 100 if d.is_finite() else None


def check_price_text(path: Path, text: str) -> None:
    path.write_text(catalog_text([{"id": "x", "name": "X", "price": text}]), encoding="utf-8")
    if _STRICT.fullmatch(text):
        whole, _, frac = text.partition(".")
        cents = int(whole) * 100 + int(frac.ljust(2, "0"))
        if 0 < cents <= MAX_CENTS:
            assert load_catalog(path).items[0].price_cents == cents
            return
    try:
        loaded = load_catalog(path).items[0].price_cents
    except InputError as e:
        assert str(path) in str(e) and "price" in str(e)
        return
    exact = exact_cents(text)
    assert exact is not None, f"{text!r} is not a number but loaded as {loaded}"
    assert exact.denominator == 1 and 0 < exact <= MAX_CENTS, f"{text!r} loaded as {loaded}"
    assert loaded == exact, f"{text!r} loaded as {loaded} cents, exactly it is {exact}"


_number_like = st.from_regex(r"\A ?[+-]?[0-9]{0,8}(\.[0-9]{0,18})?([eE][+-]?[0-9]{1,2})? ?\Z")
_amounts = st.builds(lambda c, two: f"{c // 100}.{c % 100:02d}" if two else f"{c / 100:g}",
                     st.integers(-10, MAX_CENTS + 10), st.booleans())


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(text=st.one_of(st.text(st.characters(exclude_categories=("Cs",)), max_size=16), _number_like, _amounts))
@example(text="0.45")
@example(text="1.234")
@example(text="1.200")
@example(text="1e2")
@example(text=" 3 ")
def test_text_price_never_loads_silently(tmp_path, text):
    check_price_text(tmp_path / "catalog.toml", text)


# Extreme texts once slipped through `amount * 100` in the default decimal context (28 significant
# digits, exponent limits): rounded to 45 cents, underflowed to 0 cents, or raised decimal.Overflow.

@pytest.mark.parametrize("text", [
    "0.450000000000000000000000000001",  # more than 2 decimals, beyond 28 significant digits
    "1e-9999999",  # would underflow to 0 cents
    "1e9999999",  # would raise decimal.Overflow, not an InputError
    "-0", "0e5",
])
def test_extreme_price_texts_are_refused(tmp_path, text):
    msg = load_error(write_catalog(tmp_path, [{**GOOD, "price": text}]))
    assert ": items[0].price (item 'apple'): " in msg


def test_an_entry_that_is_not_a_table_is_named_by_its_index(tmp_path):
    path = tmp_path / "catalog.toml"
    path.write_text('items = [{ id = "apple", name = "Apple", price = "1" }, 7]\n', encoding="utf-8")
    assert load_error(path) == f"catalog {path}: items[1]: must be a table"


# -- hostile catalog files and pictures ----------------------------------------------------------------




def test_a_fifo_catalog_is_refused_at_once(tmp_path):
    fifo = tmp_path / "catalog.toml"
    os.mkfifo(fifo)
    assert within(5, load_error, fifo) == f"catalog {fifo}: not a regular file"


def test_deeply_nested_catalog_is_one_line(tmp_path):
    path = tmp_path / "catalog.toml"
    path.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n" + catalog_text([GOOD]))
    assert within(10, load_error, path) == f"catalog {path}: nested deeper than 32 levels"


def test_a_catalog_over_a_mebibyte_is_refused_unread(tmp_path):
    path = tmp_path / "catalog.toml"
    path.write_text(catalog_text([GOOD]) + "# padding\n" * 110_000)
    assert within(5, load_error, path).endswith("bytes, over the cap of 1048576 bytes")


@pytest.mark.integration
def test_layout_with_a_fifo_catalog_exits_2_with_one_line_instead_of_hanging(tmp_path):
    fifo = tmp_path / "catalog.toml"
    os.mkfifo(fifo)
    try:
        done = subprocess.run([sys.executable, str(REPO / "main.py"), "layout", "--catalog", str(fifo)], cwd=REPO,
                              capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("layout --catalog FIFO hung")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"error: catalog {fifo}: not a regular file"]


def test_a_picture_bomb_is_a_letter_tile_with_one_warning_and_is_never_decoded(tmp_path, monkeypatch, capsys):
    # Before: pygame.image.load decoded this 100 KB PNG into 20000 x 20000 pixels (2.8 GB, 9 s).
    import pygame

    from kiosk.ui.layout import Picture, Rect
    from kiosk.ui.renderer import PygameRenderer
    from kiosk.ui.theme import THEME

    (tmp_path / "bomb.png").write_bytes(png_bomb(20000, 20000))
    (tmp_path / "big.png").write_bytes(png_bomb(5000, 4000))  # 20 MP: under Pillow's cap, over the picture cap
    red = pygame.Surface((40, 20))
    red.fill((250, 10, 10))
    pygame.image.save(red, str(tmp_path / "red.png"))
    items = [{**GOOD, "image": "bomb.png"}, {"id": "pear", "name": "Pear", "price": "1", "image": "big.png"},
             {"id": "plum", "name": "Plum", "price": "1", "image": "red.png"}]
    catalog = load_catalog(write_catalog(tmp_path, items))  # a picture is only found at load, not read
    decoded: list = []
    real_load = pygame.image.load

    def spy(source, *args):
        decoded.append(getattr(source, "name", None) or args[0] if args else str(source))
        if "bomb" in str(source) or "big" in str(source):
            raise pygame.error("the test refuses to decode a bomb")  # so the old code fails without 2.8 GB
        return real_load(source, *args)

    monkeypatch.setattr(pygame.image, "load", spy)
    renderer = PygameRenderer(pygame.Surface((400, 400)))
    capsys.readouterr()
    bomb, big, plum = catalog.items
    tiles = {}
    for side in (120, 80):  # two sizes: two surfaces, one read and one warning per file
        for item in (bomb, big):
            tiles[item.id, side] = renderer._picture_surface(Picture(item.image, Rect(0, 0, side, side), item.id,
                                                                     item.name))
    assert decoded == []
    palette = {tuple(c) for c in THEME.colors.confetti}
    for (item_id, side), tile in tiles.items():
        assert tile.get_size() == (side, side)
        assert tuple(tile.get_at((side // 6, side // 4)))[:3] in palette  # the letter tile's colour
    assert capsys.readouterr().err.splitlines() == [
        f"warning: picture {bomb.image}: more than 178956970 pixels, over the cap of 16777216 pixels: "
        "drawn as a letter tile",
        f"warning: picture {big.image}: 5000x4000 px, over the cap of 16777216 pixels: drawn as a letter tile"]
    shown = renderer._picture_surface(Picture(plum.image, Rect(0, 0, 80, 80), "plum", "Plum"))
    assert decoded == ["red.png"] and tuple(shown.get_at((40, 20)))[:3] == (250, 10, 10)
