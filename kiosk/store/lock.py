"""One running kiosk per orders database.

The cart journal is one row per database (kiosk/store/journal.py): a second kiosk started on
the same file would resume, and sell, the first one's live cart. So a kiosk that opens its
database for selling first takes an exclusive lock on `<database>.lock` beside it, and a
second one is refused with one line naming the holder's pid. Several kiosks each have their
own database (`--db`, `[orders] db`).

The lock is `flock(2)`: the kernel releases it when the process ends, however it ends
(`kill -9` included), so a stale lock file never keeps a restarted kiosk out. Reading the
orders (`main.py orders`) takes no lock: SQLite's WAL lets it read beside a running kiosk.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

from kiosk.errors import KioskError


class DatabaseLock:
    """Held from construction until close() (or the process's end)."""

    def __init__(self, db: Path):
        self.path = Path(db).with_name(Path(db).name + ".lock")
        try:
            self._fd: int | None = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError as e:
            raise KioskError(f"orders database {db}: cannot create its lock file {self.path} "
                             f"({e.strerror or e})") from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self._fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            self.close()
            raise KioskError(f"orders database {db} is in use by another kiosk (pid {holder}); "
                             "each kiosk needs its own database (--db or [orders] db)") from None
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, f"{os.getpid()}\n".encode(), 0)

    def close(self) -> None:
        """Release the lock (the file stays: removing it could race a kiosk that is taking it)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
