"""The back office (kiosk/fleet/backoffice.py) in-process with Flask's test client, over a real
PostgreSQL (tests/pg.py) holding a small hand-made fleet: the login, the orders filter and its CSV,
the health page's stale kiosk, the catalog edit (refused, then published), CSRF, and the server gone.
Every expected value is written out by hand below, never computed by the code under test."""
from __future__ import annotations

import re
import time
from datetime import date, datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kiosk.errors import InputError
from kiosk.fleet import backoffice, central

pytestmark = [pytest.mark.integration]

UTC = timezone.utc
PASSWORD = "correct horse battery"
NOW = datetime(2025, 3, 2, 12, 0, 0, tzinfo=UTC)
"""The back office's clock in these tests; heartbeats are stale after 3 x 30 s = 90 s."""


def order(uid, number, created_at, *lines):
    """lines: (item_id, name, unit_cents, qty); the total is given by hand in each call below."""
    *lines, total = lines
    return {"uid": uid, "number": number, "created_at": created_at, "currency": "EUR", "total_cents": total,
            "lines": [{"line_no": n, "item_id": i, "name": name, "unit_cents": unit, "qty": qty}
                      for n, (i, name, unit, qty) in enumerate(lines, 1)]}


NORTH = [
    order("n1", "N-0001", "2025-03-01T09:15:00+00:00", ("coffee", "Coffee", 250, 2), ("croissant", "Croissant", 120, 1), 620),
    order("n2", "N-0002", "2025-03-01T10:40:00+00:00", ("apple", 'Apple, "Gala"', 45, 3), 135),
    order("n3", "N-0003", "2025-03-02T08:05:00+00:00", ("water", "Water 0.5 l", 100, 1), 100),
    order("n4", "N-0004", "2025-03-01T23:59:59+00:00", ("banana", "Banana", 30, 1), 30),
    # 23:30 on the 1st at UTC-2 is 01:30 UTC on the 2nd: not an order of the 1st (days are UTC).
    order("n5", "N-0005", "2025-03-01T23:30:00-02:00", ("banana", "Banana", 30, 2), 60),
]
SOUTH = [
    order("s1", "S-0001", "2025-03-01T09:30:00+00:00", ("coffee", "Coffee", 250, 1), 250),
    order("s2", "S-0002", "2025-03-02T00:00:00+00:00", ("croissant", "Croissant", 120, 2), 240),
]


def beat(at: str) -> dict:
    return {"version": "1.4.0", "fps": 29.5, "tracking_ms": 11.0, "camera": "ok",
            "last_order_at": "2025-03-02T08:05:00+00:00", "backlog": 2, "at": at}


CATALOG_V1 = {"currency": "EUR", "items": [{"id": "apple", "name": "Apple", "price": "0.45"},
                                            {"id": "coffee", "name": "Coffee", "price": "2.50"}]}
CATALOG_V2 = {"currency": "EUR", "items": [{"id": "apple", "name": "Apple", "price": "0.45"},
                                            {"id": "coffee", "name": "Coffee", "price": "2.60"}]}


@pytest.fixture(scope="module")
def fleet(postgres):
    dsn = postgres.create_database("backoffice")
    conn = central.connect(dsn)
    try:
        central.migrate(conn)
        assert central.ingest(conn, "north-1", NORTH) == 5
        assert central.ingest(conn, "south-2", SOUTH) == 2
        central.record_heartbeat(conn, "north-1", beat("2025-03-02T11:59:30+00:00"))  # 30 s old: ok
        central.record_heartbeat(conn, "south-2", beat("2025-03-02T11:55:00+00:00"))  # 300 s old: stale
        central.record_heartbeat(conn, "east-3", beat("2025-03-02T11:58:31+00:00"))  # 89 s old: still ok
        central.record_quality(conn, "north-1", date(2025, 3, 1), {
            "sessions": 12, "purchases": 4, "abandoned": 8, "abandoned_on": {"browse": 5, "cart": 3},
            "first_click_median_s": 2.5, "quick_undos": 1, "dwell_uses": 0, "hand_lost": 2})
        central.record_quality(conn, "south-2", date(2025, 3, 2), {
            "sessions": 3, "purchases": 1, "abandoned": 2, "abandoned_on": {"practice": 2},
            "first_click_median_s": None, "quick_undos": 0, "dwell_uses": 4, "hand_lost": 0})
        assert central.publish_catalog(conn, CATALOG_V1, "test") == 1
        assert central.publish_catalog(conn, CATALOG_V2, "test") == 2
    finally:
        conn.close()
    return dsn


@pytest.fixture(scope="module")
def app(fleet):
    app = backoffice.create_app(fleet, backoffice.hash_password(PASSWORD), 30.0, None, now=lambda: NOW)
    app.config["TESTING"] = True
    return app


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def log_in(client, password: str = PASSWORD):
    token = csrf_of(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"csrf": token, "password": password, "next": "/orders"})


@pytest.fixture
def client(app):
    c = app.test_client()
    assert log_in(c).status_code == 302
    return c


class Texts(HTMLParser):
    """The text of each element carrying a class, and of each <tr data-kiosk=...> row."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.by_class: dict[str, list[str]] = {}
        self.rows: dict[str, str] = {}
        self.open: list[tuple[str, list[str], str | None, list[str]]] = []  # tag, classes, kiosk, text
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag in ("input", "br", "meta", "link", "img", "rect", "line"):
            return
        a = dict(attrs)
        self.open.append((tag, (a.get("class") or "").split(), a.get("data-kiosk"), []))

    def handle_endtag(self, tag):
        if not self.open or self.open[-1][0] != tag:
            return
        _, classes, kiosk, text = self.open.pop()
        joined = " ".join("".join(text).split())
        for c in classes:
            self.by_class.setdefault(c, []).append(joined)
        if kiosk is not None:
            self.rows[kiosk] = joined
        if self.open:  # a cell or block is a word apart from its neighbours; inline text is not
            inline = tag in ("span", "strong", "a", "em", "b", "small", "title")
            self.open[-1][3].append("".join(text) if inline else " " + "".join(text) + " ")

    def handle_data(self, data):
        if self.open:
            self.open[-1][3].append(data)


def text_of(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


# --------------------------------------------------------------------------- the login


def test_every_page_needs_the_login(app):
    c = app.test_client()
    for path in ("/", "/orders", "/orders.csv", "/sales", "/health", "/backlog", "/quality", "/catalog"):
        r = c.get(path)
        assert r.status_code == 302, path
        assert r.headers["Location"].startswith("/login"), path
    assert "Log in" in c.get("/login").get_data(as_text=True)


def test_a_wrong_password_is_refused_after_a_delay_and_the_right_one_lets_in(app):
    c = app.test_client()
    started = time.monotonic()
    r = log_in(c, "not the password")
    assert time.monotonic() - started >= 1.0
    assert r.status_code == 401
    assert "Wrong password." in r.get_data(as_text=True)
    assert c.get("/orders").status_code == 302  # still out
    r = log_in(c)
    assert r.status_code == 302 and r.headers["Location"] == "/orders"
    assert c.get("/orders").status_code == 200
    logout = c.post("/logout", data={"csrf": csrf_of(c.get("/orders").get_data(as_text=True))})
    assert logout.status_code == 302
    assert c.get("/orders").status_code == 302


def test_the_hash_is_scrypt_in_the_format_werkzeug_reads_too():
    from werkzeug.security import check_password_hash

    stored = backoffice.hash_password("s3cret-enough")
    assert stored.startswith("scrypt:32768:8:1$")
    assert check_password_hash(stored, "s3cret-enough") and not check_password_hash(stored, "s3cret-enougH")
    assert backoffice.check_password("s3cret-enough", stored)
    assert not backoffice.check_password("s3cret-enougH", stored)
    with pytest.raises(InputError, match="password_hash is not a hash"):
        backoffice.check_password("x", "plain text")


def test_a_login_redirect_never_leaves_the_site(app):
    c = app.test_client()
    token = csrf_of(c.get("/login").get_data(as_text=True))
    r = c.post("/login", data={"csrf": token, "password": PASSWORD, "next": "//evil.example/"})
    assert r.headers["Location"] == "/orders"


# --------------------------------------------------------------------------- orders


def test_the_orders_page_shows_exactly_one_kiosks_orders_of_one_utc_day_newest_first(client):
    page = client.get("/orders?kiosk=north-1&day=2025-03-01").get_data(as_text=True)
    assert Texts(page).by_class["order-number"] == ["N-0004", "N-0002", "N-0001"]
    assert "total €7.85" in text_of(page)  # 30 + 135 + 620 cents
    everything = Texts(client.get("/orders").get_data(as_text=True)).by_class["order-number"]
    assert everything == ["N-0003", "N-0005", "S-0002", "N-0004", "N-0002", "S-0001", "N-0001"]


def test_the_csv_download_is_the_filtered_orders_line_by_line(client):
    r = client.get("/orders.csv?kiosk=north-1&day=2025-03-01")
    assert r.status_code == 200
    assert r.mimetype == "text/csv"
    assert 'filename="orders-north-1-2025-03-01.csv"' in r.headers["Content-Disposition"]
    assert r.get_data(as_text=True) == (
        "kiosk_id,order_id,number,created_at,currency,item_id,name,unit_price,qty,line_total,order_total\r\n"
        "north-1,n4,N-0004,2025-03-01T23:59:59+00:00,EUR,banana,Banana,0.30,1,0.30,0.30\r\n"
        'north-1,n2,N-0002,2025-03-01T10:40:00+00:00,EUR,apple,"Apple, ""Gala""",0.45,3,1.35,1.35\r\n'
        "north-1,n1,N-0001,2025-03-01T09:15:00+00:00,EUR,coffee,Coffee,2.50,2,5.00,6.20\r\n"
        "north-1,n1,N-0001,2025-03-01T09:15:00+00:00,EUR,croissant,Croissant,1.20,1,1.20,6.20\r\n")


def test_a_day_that_is_not_a_date_is_one_line_with_400(client):
    r = client.get("/orders?day=yesterday")
    assert r.status_code == 400
    assert Texts(r.get_data(as_text=True)).by_class["error"] == ["day: 'yesterday' is not a day like 2025-03-01"]


# --------------------------------------------------------------------------- the other pages


def test_the_health_page_marks_exactly_the_stale_kiosk(client):
    rows = Texts(client.get("/health").get_data(as_text=True)).rows
    assert sorted(rows) == ["east-3", "north-1", "south-2"]
    assert [k for k, text in rows.items() if "stale" in text] == ["south-2"]
    assert "5 min 0 s" in rows["south-2"] and "30 s" in rows["north-1"] and "1 min 29 s" in rows["east-3"]


def test_sales_quality_and_backlog_show_their_figures(client):
    sales = client.get("/sales?from=2025-03-01&to=2025-03-02&day=2025-03-01").get_data(as_text=True)
    assert sales.count("<svg") == 2
    assert "Hour of the day (UTC)" in sales
    # 1st March: 620 + 135 + 30 + 250 cents in 4 orders; both days: 13 items for 1035 + 100 + 60 + 240 cents
    assert "4 orders for €10.35 on 2025-03-01" in text_of(sales)
    assert "13 items sold for €14.35" in text_of(sales)
    quality = client.get("/quality?from=2025-03-01&to=2025-03-02").get_data(as_text=True)
    assert quality.count("<svg") == 3
    assert Texts(quality).by_class["abandoned-on"] == ["browse 5, cart 3", "practice 2"]
    backlog = text_of(client.get("/backlog").get_data(as_text=True))
    assert "6 in all" in backlog


# --------------------------------------------------------------------------- the catalog


def current(fleet):
    conn = central.connect(fleet)
    try:
        return central.current_catalog(conn)
    finally:
        conn.close()


def test_a_catalog_edit_is_checked_like_the_file_and_a_valid_one_is_the_next_version(client, fleet):
    before = current(fleet)
    version = before[0]
    page = client.get("/catalog").get_data(as_text=True)
    assert f"Current version: {version}" in text_of(page)
    token = csrf_of(page)
    form = {"csrf": token, "version": str(version), "name-apple": "Apple", "price-apple": "-1.00",
            "name-coffee": "Coffee", "price-coffee": "2.60"}
    r = client.post("/catalog", data=form)
    assert r.status_code == 400
    errors = Texts(r.get_data(as_text=True)).by_class["error"]
    assert errors == ["catalog central: items[0].price (item 'apple'): '-1.00' must be a positive "
                      "amount with at most 2 decimals, like \"1.20\""]
    assert current(fleet) == before
    r = client.post("/catalog", data={**form, "price-apple": "0.55"})
    assert r.status_code == 302
    assert current(fleet) == (version + 1, {"currency": "EUR", "items": [
        {"id": "apple", "name": "Apple", "price": "0.55"}, {"id": "coffee", "name": "Coffee", "price": "2.60"}]})
    assert f"Current version: {version + 1}" in text_of(client.get(r.headers["Location"]).get_data(as_text=True))


def test_a_post_without_the_csrf_token_is_refused(client, fleet):
    before = current(fleet)
    form = {"version": str(before[0]), "name-apple": "Apple", "price-apple": "0.99",
            "name-coffee": "Coffee", "price-coffee": "2.60"}
    r = client.post("/catalog", data=form)
    assert r.status_code == 400
    assert "security token" in r.get_data(as_text=True)
    assert client.post("/catalog", data={**form, "csrf": "guessed"}).status_code == 400
    assert current(fleet) == before


# --------------------------------------------------------------------------- the server gone


def test_with_the_server_down_a_page_is_one_line_with_503(client, postgres):
    postgres.stop()
    try:
        r = client.get("/orders")
        page = r.get_data(as_text=True)
        assert r.status_code == 503
        [error] = Texts(page).by_class["error"]
        assert error.startswith(f"central database 127.0.0.1:{postgres.port}: cannot connect")
        assert "\n" not in error and "Traceback" not in page
    finally:
        postgres.start()
    assert client.get("/orders").status_code == 200


# --------------------------------------------------------------------------- the command


def parse(*argv: str, config=None):
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path)
    backoffice.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args([*(["--config", str(config)] if config else []), "backoffice", *argv])


def test_set_password_reads_a_line_from_stdin_and_stores_only_its_hash_keeping_the_file(tmp_path, monkeypatch, capsys):
    import io

    from kiosk.config import load_config

    config = tmp_path / "kiosk.toml"
    config.write_text("# the operator's comment\n[backoffice]\nport = 8099  # behind the firewall\n")
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough secret\n"))
    assert backoffice.cmd_backoffice(parse("--set-password", config=config), load_config(config)) == 0
    assert capsys.readouterr().out == f"password set: its scrypt hash is in [backoffice] password_hash of {config}\n"
    text = config.read_text()
    assert text.startswith("# the operator's comment\n[backoffice]\nport = 8099  # behind the firewall\n")
    assert "a long enough secret" not in text
    stored = load_config(config).backoffice.password_hash
    assert backoffice.check_password("a long enough secret", stored)
    assert not backoffice.check_password("a long enough secret\n", stored)

    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(InputError, match="at least 8 characters"):
        backoffice.cmd_backoffice(parse("--set-password", config=config), load_config(config))
    assert load_config(config).backoffice.password_hash == stored


def test_without_a_password_the_back_office_refuses_to_start_in_one_line(tmp_path):
    from kiosk.config import load_config

    config = tmp_path / "kiosk.toml"
    config.write_text('[backoffice]\ndatabase = "host=127.0.0.1 port=1 dbname=x"\n')
    with pytest.raises(InputError) as refused:
        backoffice.cmd_backoffice(parse("--port", "8123", config=config), load_config(config))
    assert str(refused.value) == ("the back office has no password: set one with "
                                  "`python main.py backoffice --set-password`")
    assert refused.value.exit_code == 2
    with pytest.raises(SystemExit):
        parse("--port", "70000")
