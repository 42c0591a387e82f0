"""The central catalog on a kiosk: the last good copy kept, and a new one applied only between sessions."""
from __future__ import annotations

import tomllib

from kiosk.fleet.catalog_cache import CatalogCache
from kiosk.shop.machine import Act, Intent, Screen
from tests.conftest import REPO
from tests.test_app_features import started

ASSETS = REPO / "assets"


def central(apple_price: str) -> dict:
    """The shipped catalog as the central database holds it, with the apple at another price."""
    data = tomllib.loads((ASSETS / "catalog.toml").read_text())
    for item in data["items"]:
        if item["id"] == "apple":
            item["price"] = apple_price
    return data


def test_a_newer_valid_version_is_kept_and_handed_over_an_older_or_bad_one_is_not(tmp_path, capsys):
    cache = CatalogCache(tmp_path / "orders.db.catalog.json", ASSETS)
    assert cache.load() is None
    assert cache.offer(3, central("0.50"))
    version, catalog = cache.take()
    assert version == 3 and catalog.get("apple").price_cents == 50 and cache.take() is None
    assert not cache.offer(2, central("0.99"))  # older: ignored
    assert not cache.offer(4, central("-1"))  # refused with one line; version 3 stays
    assert "central version 4" in capsys.readouterr().err
    again = CatalogCache(tmp_path / "orders.db.catalog.json", ASSETS)  # the next start, offline
    version, catalog = again.load()
    assert version == 3 and catalog.get("apple").price_cents == 50


def test_a_damaged_copy_is_ignored_with_one_line(tmp_path, capsys):
    path = tmp_path / "orders.db.catalog.json"
    path.write_text('{"version": 5, "catalog": {"currency": "EUR", "items": [{"id": "x"}]}}')
    assert CatalogCache(path, ASSETS).load() is None
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"warning: central catalog copy {path}: not usable") and "\n" not in err


def test_a_price_change_never_alters_a_cart_in_progress(tmp_path):
    cache = CatalogCache(tmp_path / "orders.db.catalog.json", ASSETS)
    app, s = started(tmp_path, catalog_updates=cache)
    s.click("add:apple")
    assert app.kiosk.cart.total_cents == 45
    cache.offer(7, central("0.60"))  # the price changes centrally mid-session
    s.click("add:apple")
    s.run(1.0, "point", (200, 300))
    assert app.kiosk.cart.total_cents == 90 and app.p.catalog.get("apple").price_cents == 45
    app.kiosk.handle(Intent(Act.TIMEOUT), s.i / 30)  # the session ends
    s.run(0.2, None)
    assert app.kiosk.screen is Screen.ATTRACT and app.p.catalog.get("apple").price_cents == 60
    s.run(0.6, "point", (200, 300))
    s.click("practice")
    s.click("add:apple")
    assert app.kiosk.cart.total_cents == 60  # the next shopper pays the new price
