"""Where the kiosk may write a file an operator names: `orders --csv`, `--events`, `--screenshot`.

A path on the command line is hostile until checked. `check_output` allows only a new name
in an existing folder, or an existing regular file that is not one of the kiosk's own
(its orders database and that database's companions, the catalog, the config) and not
any SQLite database. A symbolic link, a FIFO, a device or a folder is refused, as is a
missing folder: one line, exit code 2, nothing written. The whole-file outputs (CSV,
screenshot) are then written atomically (kiosk/files.py); the events log is a stream,
opened with O_NOFOLLOW so a link swapped in after the check is refused too.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from kiosk.errors import InputError

SQLITE_MAGIC = b"SQLite format 3\x00"


def database_files(db: Path) -> tuple[Path, ...]:
    """An orders database and the files that belong to it: SQLite's WAL and shared memory, the kiosk lock,
    the folder of orders kept aside, a fleet's kept central catalog."""
    db = Path(db)
    suffixes = ("-wal", "-shm", ".lock", ".unsaved", ".catalog.json")
    return (db, *(db.with_name(db.name + suffix) for suffix in suffixes))


def own_files(config, db: Path | None = None, catalog: Path | None = None, config_path: Path | None = None,
              *more: Path | None) -> tuple[Path, ...]:
    """Every file the kiosk reads or keeps, which no output may replace: the orders database (the one in
    use: `db`, else the config's, else the default) and its companions, the catalog, the config file, the
    theme, the hand and gesture models, and `more`."""
    from kiosk.store.orders import default_db_path

    files = (*database_files(db or config.orders.db or default_db_path()), catalog or config.shop.catalog,
             config_path, config.ui.theme, config.tracker.model, config.gestures.model, *more)
    return tuple(Path(f) for f in files if f is not None)


def check_output(path: Path, what: str, protected: Iterable[Path | None] = ()) -> Path:
    """`path` if the kiosk may write it; else an InputError naming `what` (e.g. "--events") and why."""
    path = Path(path)
    where = f"{what} {path}"
    parent = path.parent
    if not parent.is_dir():
        raise InputError(f"{where}: the folder {parent} does not exist")
    try:
        st = path.lstat()
    except FileNotFoundError:
        return path
    except OSError as e:
        raise InputError(f"{where}: {e.strerror or e}") from None
    if stat.S_ISLNK(st.st_mode):
        raise InputError(f"{where}: is a symbolic link; name a regular file")
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a FIFO" if stat.S_ISFIFO(st.st_mode) \
            else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "not a regular file"
        raise InputError(f"{where}: is {kind}; name a regular file")
    for own in protected:
        if own is not None and Path(own).exists() and os.path.samefile(own, path):
            raise InputError(f"{where}: is the kiosk's own {Path(own).name}; choose another file")
    try:
        with open(path, "rb") as f:
            if f.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC:
                raise InputError(f"{where}: is a SQLite database; choose another file")
    except OSError as e:
        raise InputError(f"{where}: {e.strerror or e}") from None
    return path


def open_stream(path: Path, what: str, protected: Iterable[Path | None] = ()):
    """A checked output opened for writing text line by line (truncated), never through a symbolic link."""
    check_output(path, what, protected)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                     0o644)
    except OSError as e:
        raise InputError(f"{what} {path}: {e.strerror or e}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else since the check
        os.close(fd)
        raise InputError(f"{what} {path}: is not a regular file; name a regular file")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "w", buffering=1, encoding="utf-8")
