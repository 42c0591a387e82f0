"""Tests for kiosk.files: a write replaces the whole file or leaves the old one, never half, never litter."""
from __future__ import annotations

import getpass
import io
import os
import struct
import threading
import zipfile
import zlib
from pathlib import Path

import pytest

from kiosk import files
from kiosk.errors import InputError
from tests.conftest import deny_open


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_write_atomic_creates_and_replaces(tmp_path, umask_022):
    path = tmp_path / "a.bin"
    files.write_atomic(path, b"first")
    assert path.read_bytes() == b"first"
    assert path.stat().st_mode & 0o777 == 0o644  # like open(): 0666 less the umask, not mkstemp's 0600
    files.write_atomic(path, b"second")
    assert path.read_bytes() == b"second"
    assert names(tmp_path) == ["a.bin"]


def test_replacing_keeps_the_files_permissions_unless_told(tmp_path, umask_022):
    path = tmp_path / "kiosk.toml"
    path.write_bytes(b"old")
    path.chmod(0o640)
    files.write_atomic(path, b"new")
    assert path.stat().st_mode & 0o777 == 0o640
    files.write_atomic(path, b"newer", mode=0o600)
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    path.write_bytes(b"old")

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        files.write_atomic(path, b"new")
    assert path.read_bytes() == b"old"
    assert names(tmp_path) == ["model.npz"]


def test_write_all_atomic_renames_nothing_until_every_file_is_written(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "missing-folder" / "b.png"
    a.write_bytes(b"old a")
    with pytest.raises(FileNotFoundError):
        files.write_all_atomic({a: b"new a", b: b"new b"})
    assert a.read_bytes() == b"old a"
    assert names(tmp_path) == ["a.json"]
    b.parent.mkdir()
    files.write_all_atomic({a: b"new a", b: b"new b"})
    assert (a.read_bytes(), b.read_bytes()) == (b"new a", b"new b")
    assert names(tmp_path) == ["a.json", "missing-folder"] and names(b.parent) == ["b.png"]


def test_open_atomic_streams_and_an_error_in_the_block_keeps_the_old_file(tmp_path):
    path = tmp_path / "orders.csv"
    with files.open_atomic(path, "w", encoding="utf-8", newline="") as f:
        f.write("id,total\r\n")
        assert not path.exists()  # nothing at the target until the block ends
    assert path.read_bytes() == b"id,total\r\n"
    with pytest.raises(RuntimeError):
        with files.open_atomic(path, "w", encoding="utf-8") as f:
            f.write("half")
            raise RuntimeError("the writer failed")
    assert path.read_bytes() == b"id,total\r\n"
    assert names(tmp_path) == ["orders.csv"]
    with pytest.raises(ValueError):
        with files.open_atomic(path, "a"):
            pass


def test_stage_then_commit_or_discard(tmp_path):
    path = tmp_path / "x.txt"
    tmp = files.stage(path, b"data")
    assert tmp.parent == tmp_path and tmp.name.startswith(".x.txt.") and tmp.name.endswith(".tmp")
    assert not path.exists()
    files.commit(tmp, path)
    assert path.read_bytes() == b"data" and names(tmp_path) == ["x.txt"]
    files.discard(files.stage(path, b"other"), tmp_path / "never-existed")
    assert path.read_bytes() == b"data" and names(tmp_path) == ["x.txt"]


# -- reading hostile files ----------------------------------------------------------------------




def png_bomb(width: int, height: int) -> bytes:
    """A real 1-bit greyscale PNG of width x height zero pixels: a few KB per 10^8 pixels on disk, and
    width x height x 4 bytes once a decoder expands it. The rows are compressed one at a time, so
    making it never holds more than one row."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    z = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)  # filter byte 0, then the row's bits
    idat = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def zip_of_zeros(path: Path, name: str, header: bytes, size: int) -> None:
    """A zip with one deflated member: `header` then zeros up to `size` bytes, written 1 MB at a time."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as f:
            f.write(header)
            left, block = size - len(header), bytes(1 << 20)
            while left > 0:
                f.write(block[:left])
                left -= len(block)


def npy_header(shape: tuple[int, ...], dtype: str = "<f4") -> bytes:
    """The .npy header (format 1.0) numpy writes for an array of `shape`, without the array."""
    import numpy as np

    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, {"descr": dtype, "fortran_order": False, "shape": shape})
    return out.getvalue()


def message(call) -> str:
    with pytest.raises(InputError) as e:
        call()
    text = str(e.value)
    assert "\n" not in text
    return text


def test_read_bytes_reads_a_regular_file_and_names_the_file_in_every_refusal(tmp_path):
    good = tmp_path / "a.toml"
    good.write_bytes(b"x = 1\n")
    assert files.read_bytes(good, "config", 100) == b"x = 1\n"
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * 101)
    assert message(lambda: files.read_bytes(big, "config", 100)) == \
        f"config {big}: 101 bytes, over the cap of 100 bytes"
    assert message(lambda: files.read_bytes(tmp_path / "no", "config", 100)) == f"config {tmp_path / 'no'}: file not found"
    # /proc files say they are 0 bytes long: the cap holds on what is read, not on what fstat says
    assert message(lambda: files.read_bytes(Path("/proc/self/status"), "config", 100)) == \
        "config /proc/self/status: more than the cap of 100 bytes"
    for special in (tmp_path, Path("/dev/zero"), Path("/dev/null")):
        assert message(lambda: files.read_bytes(special, "config", 100)) == f"config {special}: not a regular file"


def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path):
    # Before: open() of a FIFO with no writer blocked forever. Run in a thread so a regression fails, not hangs.
    fifo = tmp_path / "kiosk.toml"
    os.mkfifo(fifo)
    got: list = []

    def read():
        try:
            got.append(files.read_bytes(fifo, "config", 100))
        except InputError as e:
            got.append(str(e))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(5)
    if reader.is_alive():  # let the blocked open return (a writer appears), then fail
        with open(fifo, "wb"):
            pass
        reader.join(5)
        pytest.fail("reading a FIFO blocked")
    assert got == [f"config {fifo}: not a regular file"]


def test_permission_denied_says_so_and_names_the_user(tmp_path, monkeypatch):
    # The tests run as root, who reads any file: the refusal of a 0600 file owned by someone else is
    # simulated at the open (test_readers_fuzz runs it for real as another user when it can).
    path = tmp_path / "model.npz"
    path.write_bytes(b"x")
    deny_open(monkeypatch, path)
    assert message(lambda: files.read_bytes(path, "gesture model", 100)) == \
        f"gesture model {path}: permission denied (the kiosk runs as user {getpass.getuser()!r})"


def test_an_image_header_is_checked_before_anything_is_decoded(tmp_path, monkeypatch):
    import cv2
    import numpy as np

    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_bomb(20000, 20000))
    assert bomb.stat().st_size < 200_000  # tiny on disk; 1.6 GB as RGBA
    small = tmp_path / "small.png"
    cv2.imwrite(str(small), np.full((20, 30, 3), 7, np.uint8))
    decoded: list = []
    real = cv2.imdecode
    monkeypatch.setattr(cv2, "imdecode", lambda *a: decoded.append(1) or real(*a))
    assert message(lambda: files.read_photo(bomb, "image", 40_000_000)) == \
        f"image {bomb}: more than 178956970 pixels, over the cap of 40000000 pixels"  # Pillow's own bomb cap
    bomb.write_bytes(png_bomb(8000, 6000))
    assert message(lambda: files.read_photo(bomb, "image", 40_000_000)) == \
        f"image {bomb}: 8000x6000 px, over the cap of 40000000 pixels"
    assert decoded == []
    assert files.read_photo(small, "image").shape == (20, 30, 3) and decoded == [1]
    (tmp_path / "text.png").write_text("not an image")
    assert message(lambda: files.read_photo(tmp_path / "text.png", "image")) == \
        f"image {tmp_path / 'text.png'}: not a readable image"


def test_a_zip_is_sized_by_its_directory_and_an_npy_by_its_header(tmp_path):
    import numpy as np

    bomb = tmp_path / "bomb.npz"
    zip_of_zeros(bomb, "W0.npy", npy_header((20 * 1024 * 1024,)), 80 * 1024 * 1024 + 128)
    assert bomb.stat().st_size < 200_000
    with zipfile.ZipFile(bomb) as zf:
        assert message(lambda: files.check_npz(zf, "gesture model", bomb, 64 * 1024 * 1024)).startswith(
            f"gesture model {bomb}: unpacks to {80 * 1024 * 1024 + 128} bytes, over the cap of 67108864 bytes")
    liar = tmp_path / "liar.npz"  # a 128-byte member whose header declares 4 TB: numpy would allocate it
    with zipfile.ZipFile(liar, "w") as zf:
        zf.writestr("W0.npy", npy_header((2**40,)))
    with zipfile.ZipFile(liar) as zf:
        assert message(lambda: files.check_npz(zf, "gesture model", liar, 64 * 1024 * 1024)) == \
            f"gesture model {liar}: array 'W0' declares {4 * 2**40} bytes, more than the 128 its member holds"
    fine = io.BytesIO()
    np.savez(fine, a=np.zeros(10), b=np.array("text"))
    with zipfile.ZipFile(fine) as zf:
        files.check_npz(zf, "gesture model", tmp_path / "fine.npz", 10_000)
