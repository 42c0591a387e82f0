"""The central catalog on a kiosk: the last good copy, kept beside the orders database.

Prices are set once, centrally (kiosk/fleet/central.py keeps each edit as a new version). The
sync thread offers every version it sees (`offer`); a newer one is checked with the catalog
file's own validation (kiosk/shop/catalog.py check_catalog: pictures resolve from the local
catalog file's folder), written atomically to `<database>.catalog.json`, and handed to the UI
thread (`take`). At start the kiosk sells from that copy when there is one (`load`), so it works
offline with the last prices it was given; a copy that no longer validates is ignored with one
line, and the catalog file is used.

The rule for prices: a new catalog applies only between sessions, when the kiosk shows the
attract screen with an empty cart (kiosk/app.py). A cart in progress keeps the items and prices
it was started with, to the receipt.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.files import read_bytes, write_atomic
from kiosk.shop.catalog import Catalog, check_catalog
from kiosk.threads import LatestSlot

MAX_BYTES = 4 << 20
"""A catalog copy bigger than this is not one we wrote."""


class CatalogCache:
    def __init__(self, path: Path, base_dir: Path):
        self.path, self.base_dir = Path(path), Path(base_dir)
        self.version = 0
        self._fresh: LatestSlot[tuple[int, Catalog]] = LatestSlot()

    def load(self) -> tuple[int, Catalog] | None:
        """The kept copy, checked; None when there is none or it does not validate (said in one line)."""
        if not self.path.exists():
            return None
        try:
            record = json.loads(read_bytes(self.path, "central catalog copy", MAX_BYTES))
            version = int(record["version"])
            catalog = check_catalog(record["catalog"], str(self.path), self.base_dir)
        except (KioskError, ValueError, TypeError, KeyError) as e:
            print(f"warning: central catalog copy {self.path}: not usable ({' '.join(str(e).split())}); "
                  "using the catalog file", file=sys.stderr)
            return None
        self.version = version
        return version, catalog

    def offer(self, version: int, data: dict) -> bool:
        """A version seen centrally (sync thread). Newer and valid: kept and handed to the UI; -> True."""
        if version <= self.version:
            return False
        try:
            catalog = check_catalog(data, f"central version {version}", self.base_dir)
        except KioskError as e:
            print(f"fleet: {e}; keeping version {self.version}", file=sys.stderr)
            self.version = version  # said once; the next edit may mend it
            return False
        write_atomic(self.path, json.dumps({"version": version, "catalog": data}).encode(), mode=0o600)
        self.version = version
        self._fresh.put((version, catalog))
        return True

    def take(self) -> tuple[int, Catalog] | None:
        """The newest catalog offered since the last take (UI thread), else None."""
        return self._fresh.take(timeout=0)
