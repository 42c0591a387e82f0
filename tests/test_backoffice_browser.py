"""The back office in a real browser: served on a free localhost port in a thread, driven by Playwright
in Debian's headless Chromium (/usr/bin/chromium; `python3 dev.py test` installs it when it can).
Log in, open every page, read what a person would see, edit a price and see the new version.
Full-page screenshots of the health and sales pages go to tmp_path (and to $KIOSK_SCREENSHOTS)."""
from __future__ import annotations

import os
import shutil
import threading
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from kiosk.fleet import backoffice, central

pytestmark = [pytest.mark.integration]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
"""The network here is closed: without the last ones Chromium keeps trying to reach Google's servers."""
PASSWORD = "browser test password"
NOW = datetime(2025, 3, 2, 12, 0, 0, tzinfo=timezone.utc)


def order(uid, number, created_at, item_id, name, unit_cents, qty, total_cents):
    return {"uid": uid, "number": number, "created_at": created_at, "currency": "EUR", "total_cents": total_cents,
            "lines": [{"line_no": 1, "item_id": item_id, "name": name, "unit_cents": unit_cents, "qty": qty}]}


def beat(at: str, backlog: int) -> dict:
    return {"version": "1.4.0", "fps": 29.5, "tracking_ms": 11.0, "camera": "ok", "last_order_at": None,
            "backlog": backlog, "at": at}


@pytest.fixture(scope="module")
def served(postgres):
    """The back office over a small fleet, at http://127.0.0.1:PORT."""
    from werkzeug.serving import make_server

    dsn = postgres.create_database("backoffice_browser")
    conn = central.connect(dsn)
    try:
        central.migrate(conn)
        central.ingest(conn, "north-1", [
            order("b1", "N-0101", "2025-03-01T09:15:00+00:00", "coffee", "Coffee", 250, 2, 500),
            order("b2", "N-0102", "2025-03-02T10:05:00+00:00", "apple", "Apple", 45, 4, 180)])
        central.ingest(conn, "south-2", [
            order("b3", "S-0201", "2025-03-02T11:30:00+00:00", "coffee", "Coffee", 250, 1, 250)])
        central.record_heartbeat(conn, "north-1", beat("2025-03-02T11:59:40+00:00", 0))  # 20 s old
        central.record_heartbeat(conn, "south-2", beat("2025-03-02T11:50:00+00:00", 4))  # 10 min old: stale
        central.record_quality(conn, "north-1", date(2025, 3, 2), {
            "sessions": 9, "purchases": 5, "abandoned": 4, "abandoned_on": {"browse": 4},
            "first_click_median_s": 3.0, "quick_undos": 1, "dwell_uses": 2, "hand_lost": 1})
        central.publish_catalog(conn, {"currency": "EUR", "items": [
            {"id": "apple", "name": "Apple", "price": "0.45"}, {"id": "coffee", "name": "Coffee", "price": "2.50"}]},
            "test")
    finally:
        conn.close()
    app = backoffice.create_app(dsn, backoffice.hash_password(PASSWORD), 30.0, None, now=lambda: NOW)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.skip(f"no {CHROMIUM}: apt-get install chromium (python3 dev.py test does it as root)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def shoot(page, tmp_path: Path, name: str) -> None:
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 1000
    if os.environ.get("KIOSK_SCREENSHOTS"):
        folder = Path(os.environ["KIOSK_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, folder / name)


def test_a_person_logs_in_reads_every_page_and_changes_a_price(served, browser, tmp_path):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(10_000)

    page.goto(served + "/health")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.fill("#password", "wrong password")
    page.click("button:has-text('Log in')")
    expect(page.get_by_role("alert")).to_have_text("Wrong password.")
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Log in')")
    expect(page.get_by_role("heading", name="Kiosk health")).to_be_visible()  # back where it was going

    # Health: the word "stale" beside south-2 only.
    expect(page.locator("tr[data-kiosk='south-2']")).to_contain_text("stale")
    expect(page.locator("tr[data-kiosk='south-2']")).to_contain_text("10 min 0 s")
    expect(page.locator("tr[data-kiosk='north-1']")).not_to_contain_text("stale")
    expect(page.locator("tr[data-kiosk='north-1']")).to_contain_text("ok")
    shoot(page, tmp_path, "backoffice-health.png")

    # Orders: all of them, then one kiosk's through the form.
    page.click("nav >> text=Orders")
    expect(page.locator("td.order-number")).to_have_text(["S-0201", "N-0102", "N-0101"])
    page.select_option("select[name=kiosk]", "north-1")
    page.click("button:has-text('Show')")
    expect(page.locator("td.order-number")).to_have_text(["N-0102", "N-0101"])
    expect(page.locator("p.summary")).to_contain_text("total €6.80")  # 180 + 500 cents

    # Sales: two charts, drawn as SVG, with UTC hours.
    page.goto(served + "/sales?from=2025-03-01&to=2025-03-02&day=2025-03-02")
    expect(page.locator("svg.chart")).to_have_count(2)
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.locator("body")).to_contain_text("Hour of the day (UTC)")
    expect(page.locator("body")).to_contain_text("2 orders for €4.30 on 2025-03-02")  # 180 + 250 cents
    shoot(page, tmp_path, "backoffice-sales.png")

    page.click("nav >> text=Backlog")
    expect(page.locator("body")).to_contain_text("4 in all")
    page.goto(served + "/quality?from=2025-03-01&to=2025-03-02")
    expect(page.locator("svg.chart")).to_have_count(3)
    expect(page.locator("table.quality")).to_contain_text("browse 4")

    # Catalog: change coffee's price and save: version 2 carries it.
    page.click("nav >> text=Catalog")
    expect(page.locator("strong.version")).to_have_text("1")
    page.fill("input[name='price-coffee']", "2.75")
    page.click("button:has-text('Save as version 2')")
    expect(page.get_by_role("status")).to_have_text("Published version 2.")
    expect(page.locator("strong.version")).to_have_text("2")
    expect(page.locator("input[name='price-coffee']")).to_have_value("2.75")

    page.click("button:has-text('Log out')")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.close()
