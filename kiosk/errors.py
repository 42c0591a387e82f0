"""Errors a user can act on. The CLI prints them as one line, with no traceback.

- InputError: bad input from the user (a file, a flag, a config value): exit code 2.
- KioskError: the environment failed us (no camera, model missing): exit code 1.
"""
from __future__ import annotations

import tomllib
from pathlib import Path


class KioskError(Exception):
    exit_code = 1


class InputError(KioskError):
    exit_code = 2


def read_toml(path: Path, what: str) -> dict:
    """Parse a TOML file; any problem is one InputError like "catalog FILE: not valid TOML (...)"."""
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise InputError(f"{what} {path}: file not found") from None
    except UnicodeDecodeError:
        raise InputError(f"{what} {path}: not UTF-8 text") from None
    except OSError as e:
        raise InputError(f"{what} {path}: cannot read ({e.strerror})") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{what} {path}: not valid TOML ({e})") from None
