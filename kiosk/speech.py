"""Speaking what is on screen, for people who cannot read it well (optional, `[ui] speech`).

The session decides what to say (the target under the cursor with its price, a new
screen, the inactivity warning) and hands it to a `Speaker`. Speaking never blocks the
frame loop: `EspeakSpeaker` keeps only the newest line in a one-slot buffer and a worker
thread speaks it with the local espeak-ng (no network); a newer line cuts the one being
spoken short, so what is heard is always what is on screen now. When no engine is found the
builder prints one warning line and the kiosk runs silent (`NoSpeaker`).
"""
from __future__ import annotations

import shutil
import subprocess
import threading
from typing import Protocol

from kiosk.threads import LatestSlot


class Speaker(Protocol):
    def say(self, text: str) -> None:
        """Speak `text` soon; returns at once."""

    def close(self) -> None:
        ...


class NoSpeaker:
    """Says nothing (speech off, or no engine)."""

    def say(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


ENGINE = "espeak-ng"


def find_engine() -> str | None:
    """The text-to-speech program's path, or None."""
    return shutil.which(ENGINE)


class EspeakSpeaker:
    """Speaks through a command (espeak-ng by default) on its own thread; `say` only fills a slot."""

    def __init__(self, command: list[str], rate_wpm: int = 160):
        self.command, self.rate = command, rate_wpm
        self._slot: LatestSlot[str] = LatestSlot()
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self.failures = 0
        """Lines the engine could not be started for (it vanished): they are skipped, silently."""
        self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
        self._thread.start()

    def say(self, text: str) -> None:
        self._hush()  # what is being said is out of date now: cut it short (before the new line is there)
        self._slot.put(text)

    def _hush(self) -> None:
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                self._process.terminate()

    def _run(self) -> None:
        while not self._slot.closed:
            text = self._slot.take(0.5)
            if text is None:
                continue
            try:
                with self._lock:
                    self._process = subprocess.Popen([*self.command, "-s", str(self.rate), text],
                                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                self._process.wait()
            except OSError:  # the engine went away: stay silent rather than stop the kiosk
                self.failures += 1

    def close(self) -> None:
        self._slot.close()
        self._hush()
        self._thread.join(timeout=2)
