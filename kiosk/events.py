"""The `--events FILE` log: one JSON object per line, for tests, demos and benchmarks.

Every line has `type`, `t` (seconds, the source frame's own time) and `i` (the source
frame's index), so a replay gives the same log however fast it runs. Types: frame,
press, release, click, cancel, state, order, error.
"""
from __future__ import annotations

import json
from pathlib import Path
from collections.abc import Callable, Iterable
from typing import TextIO

from kiosk.outputs import open_stream


class EventLog:
    """Writes events to a file, or nowhere when path is None. Line-buffered: a crash loses at most one line."""

    def __init__(self, path: Path | None, protected: Iterable[Path | None] = (),
                 observer: Callable[[str, float, dict], None] | None = None):
        """protected: files the log must never replace (the orders database, the catalog...; see kiosk/outputs.py).
        observer(type, t, fields): sees every event, with or without a file (a fleet's interaction figures)."""
        self._out: TextIO | None = open_stream(path, "--events", protected) if path else None
        self.observer = observer

    def emit(self, type_: str, t: float, i: int, **fields) -> None:
        if self.observer is not None:
            self.observer(type_, t, fields)
        if self._out is None:
            return
        record = {"type": type_, "t": round(t, 6), "i": i, **fields}
        self._out.write(json.dumps(record, separators=(",", ":")) + "\n")

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


def rounded(p: tuple[float, float] | None, digits: int = 1) -> list[float] | None:
    return None if p is None else [round(float(p[0]), digits), round(float(p[1]), digits)]
