"""Keeping native libraries' chatter (TFLite, glog, ALSA) off the operator's terminal."""
from __future__ import annotations

import contextlib
import os
import sys


@contextlib.contextmanager
def quiet_native_stderr():
    """Silence what native code writes to file descriptor 2 while the block runs.

    Python exceptions are unaffected; they still surface. Used only around start-up calls
    (model loading, the first inference, opening the audio mixer) whose lines mean nothing
    to an operator and would bury the kiosk's own one-line errors.
    """
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
