"""Errors a user can act on. The CLI prints them as one line, with no traceback.

- InputError: bad input from the user (a file, a flag, a config value): exit code 2.
- KioskError: the environment failed us (no camera, model missing): exit code 1.
"""
from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class KioskError(Exception):
    exit_code = 1


class InputError(KioskError):
    exit_code = 2


TOML_MAX_BYTES = 1024 * 1024
"""A config, catalog or theme file larger than this is refused unread (the shipped ones are a few KB)."""
TOML_MAX_DEPTH = 32
"""Arrays and tables nested deeper than this are refused (no file of the kiosk nests more than 3)."""


def read_toml(path: Path, what: str) -> dict:
    """Parse a TOML file; any problem is one InputError like "catalog FILE: not valid TOML (...)".

    Hostile files too: only a regular file of at most TOML_MAX_BYTES is read (a FIFO is refused,
    never waited on), and nesting deeper than TOML_MAX_DEPTH is refused, as is one so deep
    that the parser runs out of stack."""
    from kiosk import files  # kiosk.files raises this module's errors

    data = files.read_bytes(path, what, TOML_MAX_BYTES)
    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{what} {path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{what} {path}: not valid TOML ({e})") from None
    except RecursionError:
        raise InputError(f"{what} {path}: nested deeper than {TOML_MAX_DEPTH} levels") from None
    if _depth_over(parsed, TOML_MAX_DEPTH):
        raise InputError(f"{what} {path}: nested deeper than {TOML_MAX_DEPTH} levels")
    return parsed


def _depth_over(data: dict, limit: int) -> bool:
    """True if arrays and tables nest more than `limit` levels (the top table is level 1). Iterative:
    a stack of (value, its level), so no nesting can exhaust Python's own stack."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, level = stack.pop()
        if level > limit:
            return True
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return False


_MESSAGES = {
    "extra_forbidden": "unknown key",
    "unexpected_keyword_argument": "unknown key",  # the same, in a pydantic dataclass
    "missing": "missing",
    "model_type": "must be a table",
    "dataclass_type": "must be a table",
    "model_attributes_type": "must be a table",
    "dict_type": "must be a table",
}
"""pydantic's wording for the errors an operator meets most, said the way a TOML file is written."""


def key_path(loc: Sequence[str | int]) -> str:
    """("items", 2, "price") -> "items[2].price". A key that would break the line is shown as repr()."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            key = part if part.isprintable() and part.strip() == part and part else repr(part)
            out += f".{key}" if out else key
    return out or "(top level)"


def invalid(what: str, path: Path, error: ValidationError, note=None) -> InputError:
    """The first error of a pydantic ValidationError as one line naming the file and the key path:
    `catalog FILE: items[2].price: ...`. note(loc) may add words after the key path (an item's id)."""
    first = error.errors(include_url=False)[0]
    loc = tuple(first["loc"])
    message = _MESSAGES.get(first["type"]) or first["msg"].removeprefix("Value error, ")
    extra = note(loc) if note else ""
    line = f"{what} {path}: {key_path(loc)}{f' ({extra})' if extra else ''}: {message}"
    return InputError(" ".join(line.splitlines()))
