"""Hostile files, property-based: every malformed catalog, config, model or orders database gives
exactly one InputError/KioskError line (never another exception) and writes nothing. And the
video and image-folder sources: frames a camera could not give are one line, or skipped.

Known bugs elsewhere are pinned as strict xfails with explicit examples, so they fail
every run until fixed (and then the xfail must go).
"""
from __future__ import annotations

import contextlib
import io
import math
import os
import sqlite3
import struct
import tempfile
import zipfile
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from kiosk.config import Config, load_config
from kiosk.errors import InputError, KioskError
from kiosk.shop.cart import MAX_QTY_PER_LINE, Cart, Order, OrderLine
from kiosk.shop.catalog import MAX_ITEMS, MAX_NAME_CHARS, MAX_PRICE_CENTS, Catalog, load_catalog
from kiosk.store.orders import SQLiteOrderStore
from kiosk.vision.model import MARKERS, MEMBERS, check_model

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


# -- a small TOML writer (tomllib only reads; tomli_w is not a dependency) --------------------

def toml_str(s: str) -> str:
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v == math.inf else "-inf" if v == -math.inf else repr(v))
    if isinstance(v, str):
        return toml_str(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{toml_str(k)} = {toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def toml_doc(data: dict) -> str:
    """Top-level keys as `key = value`, arrays of tables as [[key]] so the file looks like a real one."""
    lines, tables = [], []
    for k, v in data.items():
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            tables.append((k, v))
        else:
            lines.append(f"{toml_str(k)} = {toml_value(v)}")
    for k, items in tables:
        for item in items:
            lines.append(f"\n[[{toml_str(k)}]]")
            lines.extend(f"{toml_str(ik)} = {toml_value(iv)}" for ik, iv in item.items())
    return "\n".join(lines) + "\n"


NO_BREAKS = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12)
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
scalars = (st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats() | ANY_TEXT)


def values(keys=ANY_TEXT):
    return st.recursive(scalars,
                        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
                        max_leaves=12)


def one_line(message: str) -> bool:
    return len(message.splitlines()) == 1


@contextlib.contextmanager
def scratch():
    """A temp folder; yields (folder, snapshot()) where snapshot lists every file and its bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)

        def snapshot():
            return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}

        yield root, snapshot


def load_quietly(loader, path: Path, what: str):
    """-> the loaded value or the InputError; any other exception fails the test."""
    try:
        return loader(path)
    except InputError as e:
        assert str(e).startswith(f"{what} {path}: "), str(e)
        return e


# -- catalog -----------------------------------------------------------------------------

@SETTINGS
@given(data=st.binary(max_size=300))
def test_catalog_random_bytes(data):
    with scratch() as (root, snap):
        path = root / "catalog.toml"
        path.write_bytes(data)
        before = snap()
        got = load_quietly(load_catalog, path, "catalog")
        assert isinstance(got, (InputError, Catalog))
        assert snap() == before


@SETTINGS
@given(data=st.dictionaries(ANY_TEXT, values(), max_size=5))
def test_catalog_random_toml_structures(data):
    with scratch() as (root, snap):
        path = root / "catalog.toml"
        path.write_text(toml_doc(data), encoding="utf-8")
        before = snap()
        got = load_quietly(load_catalog, path, "catalog")
        assert isinstance(got, (InputError, Catalog))
        assert snap() == before


ids = st.one_of(st.from_regex(r"[a-z0-9][a-z0-9_-]{0,31}", fullmatch=True), NO_BREAKS, st.integers())
names = st.one_of(st.text(min_size=1, max_size=50), NO_BREAKS, st.just(" " * 3), st.integers())
prices = st.one_of(
    st.integers(-(10**12), 10**12),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.decimals(-10**6, 10**6, places=2).map(str),
    st.floats(),
    st.sampled_from(["1e3", "1e-9999999", " 1.20 ", "1,20", "", "-0", "0.00", "10000.00", "10000.01", "NaN"]),
)
items = st.dictionaries(st.sampled_from(["id", "name", "price", "image", "extra"]),
                        st.one_of(ids, names, prices), max_size=5) | st.fixed_dictionaries(
    {"id": ids, "name": names, "price": prices})


def check_catalog_invariants(cat: Catalog) -> None:
    assert 1 <= len(cat.items) <= MAX_ITEMS
    assert len({i.id for i in cat.items}) == len(cat.items)
    for item in cat.items:
        assert isinstance(item.price_cents, int) and 0 < item.price_cents <= MAX_PRICE_CENTS
        assert 0 < len(item.name) <= MAX_NAME_CHARS and item.name.isprintable()


@SETTINGS
@given(currency=st.one_of(st.just("EUR"), NO_BREAKS, st.integers()), entries=st.lists(items, max_size=6))
def test_catalog_shaped_files_are_valid_or_one_line_errors(currency, entries):
    with scratch() as (root, snap):
        path = root / "catalog.toml"
        path.write_text(toml_doc({"currency": currency, "items": entries}), encoding="utf-8")
        before = snap()
        got = load_quietly(load_catalog, path, "catalog")
        if isinstance(got, Catalog):
            check_catalog_invariants(got)
        else:
            assert one_line(str(got))
        assert snap() == before


@SETTINGS
@given(price=prices)
def test_prices_are_exact_cents_within_bounds_or_refused(price):
    with scratch() as (root, _):
        path = root / "catalog.toml"
        path.write_text(toml_doc({"items": [{"id": "x", "name": "X", "price": price}]}), encoding="utf-8")
        got = load_quietly(load_catalog, path, "catalog")
    if isinstance(got, Catalog):
        assert not isinstance(price, float)  # floats are refused: 0.1 + 0.2 != 0.3
        cents = got.items[0].price_cents
        assert Decimal(str(price).strip()) * 100 == cents
        assert 0 < cents <= MAX_PRICE_CENTS
    else:
        assert "price" in str(got)


@SETTINGS
@given(extra_keys=st.dictionaries(NO_BREAKS, values(NO_BREAKS), min_size=1, max_size=3))
def test_catalog_errors_are_one_line(extra_keys):
    assume(not set(extra_keys) & {"currency", "items"})
    with scratch() as (root, _):
        path = root / "catalog.toml"
        path.write_text(toml_doc({**extra_keys, "items": [{"id": "x", "name": "X", "price": "1"}]}), encoding="utf-8")
        got = load_quietly(load_catalog, path, "catalog")
    assert isinstance(got, InputError) and one_line(str(got))


@settings(max_examples=20, deadline=None)
@given(key=ANY_TEXT)
@example(key="a\nb")
def test_catalog_error_for_a_key_with_a_line_break_is_one_line(key):
    assume(key not in ("id", "name", "price", "image"))
    with scratch() as (root, _):
        path = root / "catalog.toml"
        path.write_text(toml_doc({"items": [{"id": "x", "name": "X", "price": "1", key: 1}]}), encoding="utf-8")
        got = load_quietly(load_catalog, path, "catalog")
    assert isinstance(got, InputError) and one_line(str(got))


@SETTINGS
@given(bad=st.binary(min_size=1, max_size=8).filter(lambda b: not _utf8(b)), at=st.integers(0, 5))
def test_a_name_that_is_not_utf8_is_refused(bad, at):
    with scratch() as (root, snap):
        path = root / "catalog.toml"
        name = b"Apple"
        path.write_bytes(b'[[items]]\nid = "apple"\nname = "' + name[:at] + bad + name[at:] + b'"\nprice = "1.00"\n')
        before = snap()
        got = load_quietly(load_catalog, path, "catalog")
        assert isinstance(got, InputError) and "not UTF-8" in str(got)
        assert snap() == before


def _utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def test_a_huge_catalog_is_refused(tmp_path):
    def write(n):
        path = tmp_path / f"c{n}.toml"
        path.write_text("".join(f'[[items]]\nid = "i{k}"\nname = "Item {k}"\nprice = "1"\n' for k in range(n)))
        return path

    assert len(load_catalog(write(MAX_ITEMS)).items) == MAX_ITEMS
    with pytest.raises(InputError, match=f"over the maximum of {MAX_ITEMS}"):
        load_catalog(write(MAX_ITEMS + 1))
    with pytest.raises(InputError, match="over the maximum"):
        load_catalog(write(20 * MAX_ITEMS))


@SETTINGS
@given(ops=st.lists(st.tuples(st.sampled_from(["add", "set"]), st.sampled_from(["a", "b"]),
                              st.integers(-(2**80), 2**80)), max_size=20))
def test_absurd_quantities_are_bounded(ops):
    cat = Catalog("EUR", ())
    from kiosk.shop.catalog import Item

    stock = {"a": Item("a", "A", 100), "b": Item("b", "B", MAX_PRICE_CENTS)}
    cart = Cart()
    for op, item_id, qty in ops:
        cart = cart.add(stock[item_id], qty) if op == "add" else cart.set_qty(stock[item_id], qty)
        assert all(1 <= line.qty <= MAX_QTY_PER_LINE for line in cart.lines)
    order = Order.from_cart("u", cart, Catalog("EUR", tuple(stock.values())))
    assert order.total_cents <= 2 * MAX_QTY_PER_LINE * MAX_PRICE_CENTS
    assert cat.items == ()


# -- config ------------------------------------------------------------------------------

SECTIONS = {
    "camera": ["index", "width", "height", "fallback"],
    "tracker": ["model", "num_hands", "min_hand_detection_confidence"],
    "pointer": ["active_region", "min_cutoff", "beta", "press_at", "release_at", "min_hold", "lost_grace"],
    "timings": ["start_hold", "inactivity_warn", "inactivity_reset", "receipt_seconds"],
    "shop": ["catalog"], "orders": ["db"], "display": ["fullscreen", "size", "max_fps"],
}
config_values = values(NO_BREAKS)
config_docs = st.fixed_dictionaries({}, optional={
    section: st.dictionaries(st.sampled_from(keys) | NO_BREAKS, config_values, max_size=4)
    for section, keys in SECTIONS.items()
})


@SETTINGS
@given(data=st.dictionaries(ANY_TEXT, values(), max_size=5))
def test_config_random_toml(data):
    with scratch() as (root, snap):
        path = root / "kiosk.toml"
        path.write_text(toml_doc(data), encoding="utf-8")
        before = snap()
        got = load_quietly(load_config, path, "config")
        assert isinstance(got, (InputError, Config))
        assert snap() == before


@SETTINGS
@given(data=config_docs)
def test_config_shaped_files_load_or_give_one_line(data):
    with scratch() as (root, snap):
        path = root / "kiosk.toml"
        path.write_text(toml_doc(data), encoding="utf-8")
        before = snap()
        got = load_quietly(load_config, path, "config")
        if isinstance(got, InputError):
            assert one_line(str(got))
        assert snap() == before


@SETTINGS
@given(data=st.binary(max_size=200))
def test_config_random_bytes(data):
    with scratch() as (root, _):
        path = root / "kiosk.toml"
        path.write_bytes(data)
        assert isinstance(load_quietly(load_config, path, "config"), (InputError, Config))


def test_config_error_for_a_key_with_a_line_break_is_one_line(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('[camera]\n"a\\nb" = 1\n')
    got = load_quietly(load_config, path, "config")
    assert isinstance(got, InputError) and one_line(str(got))


@settings(max_examples=30, deadline=None)
@given(field=st.sampled_from(["min_cutoff", "beta"]), value=st.floats(-1e3, 0.0) | st.just(math.inf))
@example(field="min_cutoff", value=0.0)
def test_a_config_that_loads_builds_a_pointer(field, value):
    from kiosk.interaction.pointer import Pointer

    assume(not (field == "beta" and value == 0.0))
    with scratch() as (root, _):
        path = root / "kiosk.toml"
        path.write_text(toml_doc({"pointer": {field: value}}))
        got = load_quietly(load_config, path, "config")
    if isinstance(got, Config):
        Pointer(got.display.size, got.pointer)


@pytest.mark.parametrize("text", ["[display]\nsize = [-5, 0]", "[display]\nsize = [100000000, 3]",
                                  "[timings]\nstart_hold = nan", "[timings]\ninactivity_reset = inf"])
def test_absurd_config_values_are_refused(tmp_path, text):
    path = tmp_path / "kiosk.toml"
    path.write_text(text + "\n")
    assert isinstance(load_quietly(load_config, path, "config"), InputError)


# -- the hand model ----------------------------------------------------------------------

def load_model(path: Path):
    """-> None when check_model accepts, else its KioskError; any other exception fails the test."""
    try:
        check_model(path)
        return None
    except KioskError as e:
        assert one_line(str(e)) and str(path) in str(e)
        return e


def bundle(members: dict[str, bytes], method=zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


TFLITE = b"\x1c\x00\x00\x00TFL3" + bytes(24)
GOOD = {name: TFLITE + MARKERS[name][0] for name in MEMBERS}  # a TFLite header and each model's own name
member_names = st.sampled_from(list(MEMBERS)) | st.text(min_size=1, max_size=20).filter(lambda s: "\x00" not in s)
member_data = (st.binary(max_size=40) | st.just(TFLITE) | st.sampled_from(list(GOOD.values()))
               | st.binary(max_size=8).map(lambda b: b"\0\0\0\0TFL3" + b))
methods = st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])


@SETTINGS
@given(data=st.binary(max_size=400))
def test_model_random_bytes(data):
    with scratch() as (root, snap):
        path = root / "hand_landmarker.task"
        path.write_bytes(data)
        before = snap()
        assert isinstance(load_model(path), KioskError)
        assert snap() == before


@SETTINGS
@given(members=st.dictionaries(member_names, member_data, max_size=4), method=methods)
def test_model_zips_with_random_members(members, method):
    with scratch() as (root, snap):
        path = root / "hand_landmarker.task"
        path.write_bytes(bundle(members, method))
        before = snap()
        got = load_model(path)
        usable = all(members.get(m, b"")[4:8] == b"TFL3" and MARKERS[m][0] in members[m] for m in MEMBERS)
        assert (got is None) == usable
        assert snap() == before


@SETTINGS
@given(cut=st.integers(0, len(bundle(GOOD)) - 1))
def test_model_truncated_anywhere(cut):
    with scratch() as (root, _):
        path = root / "hand_landmarker.task"
        path.write_bytes(bundle(GOOD)[:cut])
        assert isinstance(load_model(path), KioskError)


def _with_flag_bits(raw: bytes, flag: int) -> bytes:
    b = bytearray(raw)
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        j = b.find(sig)
        while j != -1:
            b[j + off] |= flag
            j = b.find(sig, j + 1)
    return bytes(b)


def _with_method(raw: bytes, method: int) -> bytes:
    b = bytearray(raw)
    j = b.find(b"PK\x01\x02")
    while j != -1:
        b[j + 10:j + 12] = struct.pack("<H", method)
        j = b.find(b"PK\x01\x02", j + 1)
    return bytes(b)


def _bad_deflate() -> bytes:
    b = bytearray(bundle(GOOD, zipfile.ZIP_DEFLATED))
    i = b.find(b"hand_detector.tflite") + len("hand_detector.tflite")
    b[i:i + 4] = b"\xff\xff\xff\xff"
    return bytes(b)


@settings(max_examples=60, deadline=None)
@given(data=st.one_of(
    st.tuples(st.integers(0, len(bundle(GOOD)) - 1), st.integers(1, 255)).map(
        lambda p: (lambda b: bytes(b[:p[0]]) + bytes([b[p[0]] ^ p[1]]) + bytes(b[p[0] + 1:]))(bundle(GOOD))),
))
@example(data=_with_flag_bits(bundle(GOOD), 1))
@example(data=_with_method(bundle(GOOD), 77))
@example(data=_bad_deflate())
def test_model_with_damaged_zip_headers(data):
    with scratch() as (root, _):
        path = root / "hand_landmarker.task"
        path.write_bytes(data)
        load_model(path)


# -- the orders database and its CSV export ---------------------------------------------------

def export(db: Path, out: Path) -> tuple[int, str]:
    from kiosk.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        rc = main(["orders", "--db", str(db), "--csv", str(out)])
    return rc, err.getvalue()


def check_export_failed_cleanly(rc: int, err: str, out: Path) -> None:
    assert rc in (1, 2)
    assert len(err.splitlines()) == 1 and err.startswith("error: ")
    assert not out.exists()


@SETTINGS
@given(data=st.binary(min_size=2, max_size=2000))
def test_orders_export_from_random_bytes(data):
    # (SQLite takes a 0- or 1-byte file for an empty database, and the store makes it one.)
    with scratch() as (root, snap):
        db, out = root / "orders.db", root / "out.csv"
        db.write_bytes(data)
        before = snap()
        rc, err = export(db, out)
        check_export_failed_cleanly(rc, err, out)
        assert snap() == before  # the broken database is left exactly as it was


def make_db(path: Path) -> None:
    with SQLiteOrderStore(path) as store:
        store.save(Order("u1", "EUR", (OrderLine("apple", "Apple", 45, 2), OrderLine("pear", "Pear", 60, 1))),
                   datetime(2025, 3, 1, tzinfo=timezone.utc))


@pytest.mark.parametrize("damage", [
    "PRAGMA user_version = 99",
    "DROP TABLE order_lines",
    "ALTER TABLE orders RENAME TO old_orders",
    "UPDATE orders SET total_cents = total_cents + 1",
])
def test_orders_export_from_a_damaged_schema(tmp_path, damage):
    db, out = tmp_path / "orders.db", tmp_path / "out.csv"
    make_db(db)
    con = sqlite3.connect(db)
    con.execute(damage)
    con.commit(), con.close()
    check_export_failed_cleanly(*export(db, out), out)


cells = st.sampled_from([("orders", "created_at"), ("orders", "currency"), ("orders", "uid"),
                         ("order_lines", "unit_cents"), ("order_lines", "qty"), ("order_lines", "name"),
                         ("order_lines", "item_id")])
sqlite_values = st.one_of(st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=False), st.text(max_size=20),
                          st.binary(max_size=8))


@settings(max_examples=100, deadline=None)
@given(cell=cells, value=sqlite_values)
@example(cell=("orders", "created_at"), value="garbage")
@example(cell=("order_lines", "unit_cents"), value="x")
def test_orders_export_with_a_damaged_cell(cell, value):
    with scratch() as (root, _):
        db, out = root / "orders.db", root / "out.csv"
        make_db(db)
        con = sqlite3.connect(db)
        con.execute("PRAGMA ignore_check_constraints = ON")
        con.execute(f"UPDATE {cell[0]} SET {cell[1]} = ?", (value,))
        con.commit(), con.close()
        rc, err = export(db, out)
        if rc == 0:
            assert out.read_text(encoding="utf-8").startswith("order_id,")
        else:
            check_export_failed_cleanly(rc, err, out)


def test_orders_export_to_an_unwritable_place_is_one_line(tmp_path):
    db = tmp_path / "orders.db"
    make_db(db)
    rc, err = export(db, tmp_path / "missing" / "dir" / "out.csv")
    assert rc in (1, 2) and len(err.splitlines()) == 1


def test_the_orders_file_is_owner_only_even_if_it_was_not(tmp_path):
    db = tmp_path / "orders.db"
    make_db(db)
    os.chmod(db, 0o644)
    export(db, tmp_path / "out.csv")
    assert db.stat().st_mode & 0o777 == 0o600


# -- video files and image folders ----------------------------------------------------------------

def write_video(path: Path, width: int, height: int, frames: int = 3) -> Path:
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (width, height))
    assert writer.isOpened()
    for _ in range(frames):
        writer.write(np.full((height, width, 3), 120, np.uint8))
    writer.release()
    return path


def test_a_video_2_px_wide_is_one_line_before_any_frame_is_drawn(tmp_path):
    # Before: VideoFileSource took it, and the drawing failed later with a traceback.
    from kiosk.vision.sources import VideoFileSource

    good = VideoFileSource(write_video(tmp_path / "good.avi", 64, 48))
    assert good.read().image.shape == (48, 64, 3)
    good.close()
    narrow = write_video(tmp_path / "narrow.avi", 2, 64)
    with pytest.raises(InputError) as e:
        VideoFileSource(narrow)
    assert str(e.value) == f"video {narrow}: 2x64 px frames; each side must be 16-8192 px"


def test_a_video_frame_outside_the_camera_sizes_is_one_line_naming_the_frame(tmp_path):
    # A stream whose frames change size after a good first one (OpenCV reports the first size only).
    import numpy as np

    from kiosk.vision.sources import VideoFileSource

    source = VideoFileSource(write_video(tmp_path / "v.avi", 64, 48))
    real = source._cap

    class Shrinking:
        def read(self):
            return True, np.zeros((48, 3, 3), np.uint8)

        def release(self):
            real.release()

    source._cap = Shrinking()
    assert source.read().index == 0  # the first frame, read when the file was opened
    with pytest.raises(InputError) as e:
        source.read()
    assert str(e.value) == (f"video {tmp_path / 'v.avi'}: frame 1: image size 3x48 px is out of range "
                            "(each side must be 16-8192 px)")


def test_an_image_folder_skips_tiny_huge_and_broken_images_with_a_reason_each(tmp_path, monkeypatch):
    # Before: the 2-px image was a frame (a traceback later, in drawing) and the 48 MP one was decoded whole.
    import cv2
    import numpy as np

    from kiosk.vision.sources import ImageFolderSource
    from tests.test_files import png_bomb

    cv2.imwrite(str(tmp_path / "a-good.png"), np.full((48, 64, 3), 9, np.uint8))
    cv2.imwrite(str(tmp_path / "b-narrow.png"), np.full((64, 2, 3), 9, np.uint8))
    (tmp_path / "c-huge.png").write_bytes(png_bomb(8000, 6000))
    (tmp_path / "d-broken.jpg").write_bytes(b"not a jpeg")
    decoded: list = []
    for name in ("imread", "imdecode"):
        real = getattr(cv2, name)
        monkeypatch.setattr(cv2, name, lambda *a, _real=real: decoded.append(1) or _real(*a))
    source = ImageFolderSource(tmp_path)
    frames = []
    while (frame := source.read()) is not None:
        frames.append(frame)
    assert [f.image.shape for f in frames] == [(48, 64, 3)]
    assert len(decoded) == 2  # the good image and the narrow one; never the 48 MP one
    assert [p.name for p in source.skipped] == ["b-narrow.png", "c-huge.png", "d-broken.jpg"]
    assert [source.reasons[p] for p in source.skipped] == [
        f"image {tmp_path / 'b-narrow.png'}: image size 2x64 px is out of range (each side must be 16-8192 px)",
        f"image {tmp_path / 'c-huge.png'}: 8000x6000 px, over the cap of 40000000 pixels",
        f"image {tmp_path / 'd-broken.jpg'}: not a readable image"]


def test_an_image_folder_skips_a_fifo_instead_of_waiting_on_it(tmp_path):
    import threading

    import cv2
    import numpy as np

    from kiosk.vision.sources import ImageFolderSource

    os.mkfifo(tmp_path / "a.png")
    cv2.imwrite(str(tmp_path / "b.png"), np.full((48, 64, 3), 9, np.uint8))
    source = ImageFolderSource(tmp_path)
    got: list = []
    worker = threading.Thread(target=lambda: got.append(source.read()), daemon=True)
    worker.start()
    worker.join(5)
    if worker.is_alive():
        with open(tmp_path / "a.png", "wb"):
            pass
        pytest.fail("reading an image folder blocked on a FIFO")
    assert got[0].image.shape == (48, 64, 3)
    assert source.reasons == {tmp_path / "a.png": f"image {tmp_path / 'a.png'}: not a regular file"}
