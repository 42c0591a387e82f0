"""How a setting is declared, once for the whole kiosk: pydantic, with the range on the field.

A pure module declares its settings as a frozen pydantic dataclass
(`@dataclass(frozen=True, config=SETTINGS)`, from pydantic.dataclasses): it is still
built positionally and copied with dataclasses.replace, and the constructor refuses a bad
value with a ValueError (pydantic's ValidationError) naming the field. The config file
(kiosk/config.py), the theme and the catalog use models with the same rules, so a bad
value anywhere reads `FILE: section.key: reason` (kiosk.errors.invalid).
"""
from __future__ import annotations

from pydantic import ConfigDict

SETTINGS = ConfigDict(extra="forbid", allow_inf_nan=False, use_attribute_docstrings=True)
"""Unknown keys are errors, NaN and infinity are never a setting, and the docstring under a
field is its documentation (pydantic's description)."""
