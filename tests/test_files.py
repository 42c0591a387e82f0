"""Tests for kiosk.files: a write replaces the whole file or leaves the old one, never half, never litter."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk import files


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
