"""Writing files so that a reader, or a crash, sees the old file or the new one, never half of one.

Every file the kiosk and its tools write (the config, gesture models, the hand model
bundle, caches, exports, annotated photos) goes through here. The recipe, once:
write a temporary file beside the target (same folder, so the rename never crosses a
file system), fsync it, rename it over the target, then fsync the folder so the rename
itself survives a power cut.

The temporary file gets the target's permissions when the target exists (an operator's
0640 config stays 0640), else what a plain open() would give (0666 less the umask);
`mode` overrides both.
"""
from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

TMP_SUFFIX = ".tmp"
"""Temporary files are named `.<target name>.<random>.tmp`: hidden, and easy to clean up."""


def cache_dir() -> Path:
    """Where the kiosk keeps what it makes once and reuses (the mediapipe wheel, the bold font instance):
    $XDG_CACHE_HOME/touchless-kiosk, else ~/.cache/touchless-kiosk. Never a camera frame."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "touchless-kiosk"


def stage(path: Path, data: bytes, *, mode: int | None = None) -> Path:
    """Write `data` to a new fsynced temporary file beside `path` and return its name.

    The caller renames it into place (`commit`) or deletes it; nothing is left behind if
    this raises.
    """
    with _temporary(Path(path), "wb", mode) as (tmp, f):
        f.write(data)
    return tmp


def commit(tmp: Path, path: Path) -> None:
    """Rename a staged file over `path`, and make the rename durable."""
    os.replace(tmp, path)
    _sync_folder(Path(path).parent)


def discard(*tmps: Path) -> None:
    """Delete staged files that will not be committed; never raises."""
    for tmp in tmps:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def write_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace `path` with `data` atomically. The folder must exist."""
    tmp = stage(path, data, mode=mode)
    try:
        commit(tmp, path)
    except BaseException:
        discard(tmp)
        raise


def write_all_atomic(files: Mapping[Path, bytes]) -> None:
    """Write several files: all are staged first, and only when every one is written are they
    renamed into place, so an error (a full disk) leaves none of them half-written and,
    short of a crash between two renames, none of them new."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            staged.append((stage(path, data), Path(path)))
        for tmp, path in staged:
            commit(tmp, path)
    except BaseException:
        discard(*(tmp for tmp, _ in staged))
        raise


@contextlib.contextmanager
def open_atomic(path: Path, mode: str = "wb", *, file_mode: int | None = None, **kwargs) -> Iterator[IO]:
    """`with open_atomic(path, "w", encoding="utf-8") as f:` for writers that stream into a file
    (zip, csv). `path` is replaced when the block ends normally; an exception leaves it as it was."""
    if mode not in ("w", "wb"):
        raise ValueError(f"open_atomic writes a whole file: mode 'w' or 'wb', not {mode!r}")
    with _temporary(Path(path), mode, file_mode, **kwargs) as (tmp, f):
        yield f
    try:
        commit(tmp, path)
    except BaseException:
        discard(tmp)
        raise


@contextlib.contextmanager
def _temporary(path: Path, mode: str, file_mode: int | None, **kwargs) -> Iterator[tuple[Path, IO]]:
    """A new temporary file beside `path`, open for writing; flushed, fsynced and closed after the
    block. Deleted if anything in the block (or the fsync) fails."""
    if file_mode is None:
        try:
            file_mode = path.stat().st_mode & 0o7777
        except OSError:
            file_mode = None
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}{TMP_SUFFIX}")
        try:
            # O_EXCL: never follow or reuse someone else's file; 0o666 lets the umask decide, like open()
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, mode, **kwargs) as f:
            if file_mode is not None:
                os.fchmod(f.fileno(), file_mode)
            yield tmp, f
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        discard(tmp)
        raise


def _sync_folder(folder: Path) -> None:
    """fsync a folder, so a rename in it is on disk; some file systems cannot, and that is no error."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
