"""`python main.py backoffice`: the back office, a server-rendered web page over a fleet's central
PostgreSQL (kiosk/fleet/central.py does all the SQL). Flask, served by waitress; no front-end build,
no JavaScript: HTML tables, forms, and charts drawn here as inline SVG.

Pages (all behind the login): orders across kiosks (filter by kiosk and UTC day, CSV download), sales
by item and by hour, kiosk health (stale heartbeats marked), the kiosks' outbox backlog, interaction
quality per kiosk and day, and the central catalog's names and prices (saving publishes a new version).

- The password: only its scrypt hash is stored, in the config's [backoffice] password_hash, written by
  `backoffice --set-password`. There is no default: without a hash the back office does not start.
  A login compares hashes with hmac.compare_digest; a failed one waits LOGIN_DELAY_S, one at a time.
- The session is Flask's signed cookie with a random key made at start (a restart logs everyone out).
- Every POST form carries the session's random CSRF token, checked with hmac.compare_digest.
- Each request opens its own connection. The server failing is one line on the page with HTTP 503,
  never a traceback; a bad filter value is one line with 400.
- Times are UTC and labelled so; money is integer cents, shown with its currency and 2 decimals.

The module imports Flask and psycopg only when the back office runs, so `main.py`'s other commands do
not pay for them.
"""
from __future__ import annotations

import getpass
import hashlib
import hmac
import html
import math
import re
import secrets
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from kiosk.errors import InputError, KioskError

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
"""scrypt cost for new hashes: 32 MiB and about 0.1 s per check on a small PC."""
SCRYPT_MAX_N = 2**20
"""A stored hash asking for more (1 GiB) is refused as malformed rather than run."""
MIN_PASSWORD_CHARS = 8
LOGIN_DELAY_S = 1.0
"""A failed login answers after this long, and failed logins wait in line: about one guess a second."""
SESSION_HOURS = 12
ORDERS_LIMIT = 500
"""Orders shown on the page (the newest)."""
CSV_LIMIT = 100_000
"""Orders in one CSV download (the newest)."""
MAX_PERIOD_DAYS = 366
CHANGED_BY = "backoffice"
"""The catalog's changed_by for versions published from the back office (one shared password: no names)."""
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#7f7f7f", "#000000")
"""Okabe-Ito colours: told apart also by people with colour vision deficiency."""
UTC = timezone.utc
_HASH = re.compile(r"scrypt:(\d{1,8}):(\d{1,3}):(\d{1,3})\$([0-9a-f]{16,128})\$([0-9a-f]{64,256})")


# --------------------------------------------------------------------------- the password


def hash_password(password: str) -> str:
    """'scrypt:N:r:p$salt$hash' (hex; the format werkzeug.security also reads)."""
    salt = secrets.token_hex(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt.encode("ascii"), n=SCRYPT_N, r=SCRYPT_R,
                            p=SCRYPT_P, maxmem=_maxmem(SCRYPT_N, SCRYPT_R), dklen=64)
    return f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}${salt}${digest.hex()}"


def _maxmem(n: int, r: int) -> int:
    return 2 * 128 * n * r + 1024 * 1024


def _parse_hash(stored: str) -> tuple[int, int, int, str, bytes]:
    """(n, r, p, salt, digest) of a stored hash, or InputError (one line) when it is not one."""
    m = _HASH.fullmatch(stored.strip()) if isinstance(stored, str) else None
    n, r, p = (int(m.group(i)) for i in (1, 2, 3)) if m else (0, 0, 0)
    if not m or n < 2 or n & (n - 1) or n > SCRYPT_MAX_N or not 1 <= r <= 32 or not 1 <= p <= 16:
        raise InputError("[backoffice] password_hash is not a hash made by `main.py backoffice --set-password`")
    return n, r, p, m.group(4), bytes.fromhex(m.group(5))


def check_password(password: str, stored: str) -> bool:
    """Whether `password` matches the stored scrypt hash (constant-time comparison)."""
    n, r, p, salt, digest = _parse_hash(stored)
    got = hashlib.scrypt(password.encode("utf-8"), salt=salt.encode("ascii"), n=n, r=r, p=p,
                         maxmem=_maxmem(n, r), dklen=len(digest))
    return hmac.compare_digest(got, digest)


def _read_new_password() -> str:
    """Twice at the terminal (getpass), or one line from stdin when it is not a terminal."""
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass("New back office password: ")
        if getpass.getpass("Once more: ") != first:
            raise InputError("the two passwords differ; nothing was changed")
        password = first
    else:
        password = (sys.stdin.readline() if sys.stdin is not None else "").rstrip("\r\n")
    if len(password) < MIN_PASSWORD_CHARS:
        raise InputError(f"the password needs at least {MIN_PASSWORD_CHARS} characters; nothing was changed")
    return password


# --------------------------------------------------------------------------- the command


def add_parser(sub) -> None:
    """The `backoffice` subcommand."""
    bo = sub.add_parser("backoffice", help="serve the back office: the fleet's orders, sales, kiosk health, "
                                           "quality and catalog as a web page")
    bo.add_argument("--set-password", action="store_true",
                    help="ask for a new password (twice; or one line from stdin) and store its scrypt hash in "
                         "the config file's [backoffice], then exit")
    bo.add_argument("--host", help="address to serve on (default from config: 127.0.0.1, this machine only)")
    bo.add_argument("--port", type=_port, help="port to serve on (default from config: 8080)")


def _port(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be 1-65535, not {value}")
    return value


def cmd_backoffice(args, config) -> int:
    from kiosk.config import default_config_path, find_config_file, save_settings

    if getattr(args, "set_password", False):
        path = find_config_file(getattr(args, "config", None)) or default_config_path()
        save_settings(path, "backoffice", {"password_hash": hash_password(_read_new_password())})
        print(f"password set: its scrypt hash is in [backoffice] password_hash of {path}")
        return 0
    bo = config.backoffice
    if not bo.password_hash:
        raise InputError("the back office has no password: set one with `python main.py backoffice --set-password`")
    _parse_hash(bo.password_hash)
    dsn = bo.database or (config.fleet.database if config.fleet is not None else None)
    if not dsn:
        raise InputError("no central database: set [backoffice] database (or [fleet] database) in the config")
    host = args.host or bo.host
    port = args.port or bo.port
    app = create_app(dsn, bo.password_hash, bo.heartbeat_interval, Path(config.shop.catalog).parent,
                     catalog_file=Path(config.shop.catalog))
    import waitress
    from kiosk.fleet.central import _where_dsn

    where = f"[{host}]" if ":" in host else host
    print(f"back office on http://{where}:{port}/ over the central database {_where_dsn(dsn)}; Ctrl+C stops",
          flush=True)
    waitress.serve(app, host=host, port=port, threads=4, ident="kiosk-backoffice", _quiet=True)
    return 0


# --------------------------------------------------------------------------- formatting


def money(cents: int | None, currency: str) -> str:
    """1234, 'EUR' -> '€12.34' (the kiosk's own formatting; integer arithmetic)."""
    from kiosk.shop.catalog import Catalog

    return "–" if cents is None else Catalog(currency=currency, items=()).format(int(cents))


def utc(when: datetime | None, seconds: bool = False) -> str:
    """An aware time as 'YYYY-MM-DD HH:MM' in UTC (the column headers say UTC)."""
    if when is None:
        return "–"
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def number(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None else f"{value:,.{decimals}f}"


def age(seconds: float | None) -> str:
    """90 -> '1 min 30 s', for a heartbeat's age."""
    if seconds is None:
        return "never"
    s = max(0, int(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s"
    if s < 86400:
        return f"{s // 3600} h {s % 3600 // 60} min"
    return f"{s // 86400} d {s % 86400 // 3600} h"


def _tick_text(value: float, step: float, cents: bool) -> str:
    if cents:
        from kiosk.store.orders import cents_to_decimal

        whole = int(round(value))
        return str(whole // 100) if step % 100 == 0 else cents_to_decimal(whole)
    return f"{value:g}" if step >= 1 or value == 0 else f"{value:.1f}"


# --------------------------------------------------------------------------- charts (inline SVG)


def _nice_step(top: float, ticks: int, integer: bool) -> float:
    """A step of 1, 2, 2.5 or 5 x 10^k giving about `ticks` gridlines up to `top`."""
    raw = max(top, 1e-9) / ticks
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        step = m * mag
        if step >= raw and (not integer or float(step).is_integer()):
            return max(step, 1) if integer else step
    return 10 * mag


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _svg_open(width: int, height: int, title: str) -> list[str]:
    return [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label="{_esc(title)}" '
            'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="13">',
            f"<title>{_esc(title)}</title>",
            f'<text x="0" y="18" font-size="15" font-weight="600" fill="#222">{_esc(title)}</text>']


def column_chart(title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *,
                 x_label: str, y_label: str, cents: bool = False, integer: bool = True,
                 value_text: Callable[[float], str] = str, width: int = 960, height: int = 320) -> str:
    """Vertical bars, one group per category and one bar per series (a legend when more than one),
    a y axis with gridlines and both axes labelled. A value of None draws no bar. -> SVG markup."""
    left, right, top, bottom = 64, 16, 52 if len(series) > 1 else 36, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, vs in series for v in vs if v is not None]
    highest = max(values, default=0) or (100 if cents else 1)
    step = _nice_step(highest, 5, integer or cents)
    y_max = math.ceil(highest / step) * step
    out = _svg_open(width, height, title)
    if len(series) > 1:  # legend, on one line under the title
        x = left
        for n, (name, _) in enumerate(series):
            out.append(f'<rect x="{x}" y="28" width="12" height="12" fill="{PALETTE[n % len(PALETTE)]}"/>'
                       f'<text x="{x + 17}" y="38.5" fill="#222">{_esc(name)}</text>')
            x += 34 + 8 * len(str(name))
    ticks = int(round(y_max / step))
    for i in range(ticks + 1):
        value = i * step
        y = top + plot_h - plot_h * value / y_max
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="{"#888" if i == 0 else "#e3e3e3"}" stroke-width="1"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#444">'
                   f'{_esc(_tick_text(value, step, cents))}</text>')
    group_w = plot_w / max(1, len(categories))
    bar_w = min(40.0, group_w * 0.8 / max(1, len(series)))
    every = max(1, math.ceil(len(categories) * 7 * max((len(c) for c in categories), default=1) / plot_w))
    label_bars = len(categories) * len(series) <= 12  # few bars: each carries its value
    for c, category in enumerate(categories):
        x0 = left + c * group_w + (group_w - bar_w * len(series)) / 2
        for n, (name, vs) in enumerate(series):
            v = vs[c]
            mid = x0 + (n + 0.5) * bar_w
            if v is None:  # no figure: a dash on the axis, so it does not read as a zero
                out.append(f'<text x="{mid:.1f}" y="{top + plot_h - 3}" text-anchor="middle" font-size="16" font-weight="700" fill="#777">–'
                           f'<title>{_esc(name)}, {_esc(category)}: no figure</title></text>')
                continue
            h = plot_h * v / y_max
            tip = f"{category}: {value_text(v)}" if len(series) == 1 else f"{name}, {category}: {value_text(v)}"
            out.append(f'<rect x="{x0 + n * bar_w:.1f}" y="{top + plot_h - h:.1f}" width="{max(bar_w - 1, 1):.1f}" '
                       f'height="{h:.1f}" fill="{PALETTE[n % len(PALETTE)]}"><title>{_esc(tip)}</title></rect>')
            if label_bars:
                out.append(f'<text x="{mid:.1f}" y="{top + plot_h - h - 5:.1f}" text-anchor="middle" fill="#222">'
                           f'{_esc(value_text(v))}</text>')
        if c % every == 0:
            out.append(f'<text x="{left + (c + 0.5) * group_w:.1f}" y="{top + plot_h + 17}" text-anchor="middle" '
                       f'fill="#444">{_esc(category)}</text>')
    out.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle" fill="#222">'
               f'{_esc(x_label)}</text>')
    out.append(f'<text transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" text-anchor="middle" '
               f'fill="#222">{_esc(y_label)}</text>')
    out.append("</svg>")
    return "".join(out)


def bar_list_chart(title: str, rows: Sequence[tuple[str, float, str]], *, x_label: str, cents: bool = False,
                   width: int = 960, row_h: int = 26) -> str:
    """Horizontal bars, one row per (label, value, text shown after the bar), largest first as given;
    an x axis with gridlines, labelled. -> SVG markup."""
    label_w, right, top, bottom = 200, 150, 36, 48
    plot_w = width - label_w - right
    height = top + max(1, len(rows)) * row_h + bottom
    highest = max((v for _, v, _ in rows), default=0) or (100 if cents else 1)
    step = _nice_step(highest, 5, True)
    x_max = math.ceil(highest / step) * step
    out = _svg_open(width, height, title)
    plot_bottom = top + max(1, len(rows)) * row_h
    for i in range(int(round(x_max / step)) + 1):
        value = i * step
        x = label_w + plot_w * value / x_max
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{plot_bottom}" '
                   f'stroke="{"#888" if i == 0 else "#e3e3e3"}" stroke-width="1"/>'
                   f'<text x="{x:.1f}" y="{plot_bottom + 16}" text-anchor="middle" fill="#444">'
                   f'{_esc(_tick_text(value, step, cents))}</text>')
    if not rows:
        out.append(f'<text x="{label_w + 8}" y="{top + row_h * 0.65:.1f}" fill="#666">no sales</text>')
    for n, (label, value, text) in enumerate(rows):
        y = top + n * row_h
        w = plot_w * value / x_max
        shown = label if len(label) <= 26 else label[:25] + "…"
        out.append(f'<text x="{label_w - 8}" y="{y + row_h * 0.65:.1f}" text-anchor="end" fill="#222">'
                   f'<title>{_esc(label)}</title>{_esc(shown)}</text>'
                   f'<rect x="{label_w}" y="{y + 4}" width="{max(w, 1):.1f}" height="{row_h - 8}" '
                   f'fill="{PALETTE[0]}"><title>{_esc(label)}: {_esc(text)}</title></rect>'
                   f'<text x="{label_w + w + 6:.1f}" y="{y + row_h * 0.65:.1f}" fill="#222">{_esc(text)}</text>')
    out.append(f'<text x="{label_w + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle" fill="#222">'
               f'{_esc(x_label)}</text>')
    out.append("</svg>")
    return "".join(out)


# --------------------------------------------------------------------------- the web app


def _today(now: datetime) -> date:
    return now.astimezone(UTC).date()


def _day_param(args, name: str, default: date | None) -> date | None:
    text = (args.get(name) or "").strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{name}: {text[:40]!r} is not a day like 2025-03-01") from None


def _period(args, today: date, days: int = 7) -> tuple[date, date]:
    """?from=&to= (UTC days, both included), by default the last `days` days up to today."""
    day_to = _day_param(args, "to", today)
    day_from = _day_param(args, "from", day_to - timedelta(days=days - 1))
    if day_to < day_from:
        raise InputError(f"the period ends ({day_to}) before it starts ({day_from})")
    if (day_to - day_from).days >= MAX_PERIOD_DAYS:
        raise InputError(f"a period of at most {MAX_PERIOD_DAYS} days, please")
    return day_from, day_to


def _price_text(price: object) -> str:
    """A catalog item's price as the decimal string the form shows ('0.45'; 3 -> '3.00')."""
    from kiosk.shop.catalog import parse_price_cents
    from kiosk.store.orders import cents_to_decimal

    try:
        return cents_to_decimal(parse_price_cents(price))
    except ValueError:
        return str(price)


def _csv_text(orders: list[dict]) -> str:
    """One row per order line: kiosk_id, then the columns of `main.py orders --csv` (order_id is the uid)."""
    import csv
    import io

    from kiosk.store.orders import CSV_HEADER, cents_to_decimal

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("kiosk_id", *CSV_HEADER))
    for o in orders:
        for line in o["lines"]:
            writer.writerow((o["kiosk_id"], o["uid"], o["number"], o["created_at"].astimezone(UTC).isoformat(),
                             o["currency"], line["item_id"], line["name"], cents_to_decimal(line["unit_cents"]),
                             line["qty"], cents_to_decimal(line["unit_cents"] * line["qty"]),
                             cents_to_decimal(o["total_cents"])))
    return out.getvalue()


def create_app(dsn: str, password_hash: str, heartbeat_interval: float = 30.0, images_dir: Path | None = None, *,
               now: Callable[[], datetime] = lambda: datetime.now(UTC), catalog_file: Path | None = None,
               login_delay: float = LOGIN_DELAY_S):
    """The back office as a Flask app over the central database at `dsn`. `now` is the clock (aware);
    `images_dir` is where catalog pictures are checked (the folder of the config's shop.catalog);
    `catalog_file` is offered for publishing while the central database has no catalog yet."""
    from flask import Flask, Response, abort, g, redirect, render_template, request, session, url_for
    from markupsafe import Markup
    from werkzeug.exceptions import HTTPException

    from kiosk.fleet import central

    _parse_hash(password_hash)  # a malformed hash fails here, not at the first login
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secrets.token_bytes(32), SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_NAME="kiosk_backoffice",
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS), MAX_CONTENT_LENGTH=1024 * 1024)
    failed_logins = threading.Lock()
    migrated: list[bool] = []
    nav = (("orders", "Orders"), ("sales", "Sales"), ("health", "Kiosk health"), ("backlog", "Backlog"),
           ("quality", "Quality"), ("catalog", "Catalog"))

    def db():
        """This request's connection (closed when it ends); the schema is brought up to date once."""
        if "db" not in g:
            g.db = central.connect(dsn)
            if not migrated:
                central.migrate(g.db)
                migrated.append(True)
        return g.db

    @app.teardown_appcontext
    def _close(_exc):
        conn = g.pop("db", None)
        if conn is not None:
            conn.close()

    def csrf_token() -> str:
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(32)
        return session["csrf"]

    def currency() -> str:
        """The fleet's currency: the current catalog's, else the newest order's, else EUR."""
        current = central.current_catalog(db())
        if current is not None:
            return current[1]["currency"]
        newest = central.orders(db(), limit=1)
        return newest[0]["currency"] if newest else "EUR"

    app.jinja_env.globals.update(csrf_token=csrf_token, nav=nav)
    app.jinja_env.filters.update(money=money, utc=utc, number=number, age=age)

    @app.before_request
    def _guard():
        if request.endpoint == "static":
            return None
        if request.method == "POST":
            sent = request.form.get("csrf", "")
            expected = session.get("csrf", "")
            if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
                abort(400, "the form's security token is missing or out of date: reload the page and try again")
        if request.endpoint != "login" and not session.get("in"):
            return redirect(url_for("login", next=request.full_path.rstrip("?")))
        return None

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy",
                                     "default-src 'self'; style-src 'self'; img-src 'self' data:; "
                                     "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(KioskError)
    def _server_down(e):  # the central database failed (InputError: a bad filter value)
        status = 400 if isinstance(e, InputError) else 503
        return render_template("error.html", message=" ".join(str(e).split()), status=status), status

    @app.errorhandler(HTTPException)
    def _http(e):
        return render_template("error.html", message=e.description, status=e.code), e.code

    @app.errorhandler(Exception)
    def _bug(e):
        app.logger.exception("back office: unexpected error")
        return render_template("error.html", message=f"internal error ({type(e).__name__}); see the back "
                               "office's log", status=500), 500

    @app.route("/login", methods=["GET", "POST"])
    def login():
        target = request.values.get("next", "")
        if not target.startswith("/") or target.startswith("//") or "\\" in target:
            target = url_for("orders")
        if request.method == "GET":
            return render_template("login.html", next=target, error=None)
        password = request.form.get("password", "")
        if check_password(password, password_hash):
            session.clear()
            session.permanent = True
            session["in"] = True
            session["csrf"] = secrets.token_urlsafe(32)
            return redirect(target)
        with failed_logins:  # failed logins queue up here: about one guess per LOGIN_DELAY_S in all
            time.sleep(login_delay)
        return render_template("login.html", next=target, error="Wrong password."), 401

    @app.post("/logout")
    def logout():
        session.clear()
        return redirect(url_for("login"))

    @app.get("/")
    def index():
        return redirect(url_for("orders"))

    def _orders_filter():
        kiosk = (request.args.get("kiosk") or "").strip() or None
        day = _day_param(request.args, "day", None)
        return kiosk, day

    @app.get("/orders")
    def orders():
        kiosk, day = _orders_filter()
        conn = db()
        rows = central.orders(conn, kiosk_id=kiosk, day=day, limit=ORDERS_LIMIT)
        kiosks = [k["kiosk_id"] for k in central.kiosk_health(conn, now(), heartbeat_interval)]
        totals: dict[str, int] = {}
        for o in rows:
            totals[o["currency"]] = totals.get(o["currency"], 0) + o["total_cents"]
        return render_template("orders.html", page="orders", orders=rows, kiosks=kiosks, kiosk=kiosk, day=day,
                               totals=totals, limit=ORDERS_LIMIT,
                               csv_url=url_for("orders_csv", **{k: v for k, v in request.args.items()
                                                               if k in ("kiosk", "day") and v}))

    @app.get("/orders.csv")
    def orders_csv():
        kiosk, day = _orders_filter()
        text = _csv_text(central.orders(db(), kiosk_id=kiosk, day=day, limit=CSV_LIMIT))
        name = "orders" + (f"-{kiosk}" if kiosk else "") + (f"-{day}" if day else "") + ".csv"
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
        return Response(text, mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/sales")
    def sales():
        today = _today(now())
        day_from, day_to = _period(request.args, today)
        day = _day_param(request.args, "day", today)
        conn = db()
        cur = currency()
        items = central.sales_by_item(conn, day_from, day_to)
        hours = central.sales_by_hour(conn, day)
        item_chart = bar_list_chart(
            f"Sales by item, {day_from} to {day_to} (UTC days)",
            [(name, cents, f"{money(cents, cur)} · {qty} sold") for _, name, qty, cents in items],
            x_label=f"Sales ({cur})", cents=True)
        hour_chart = column_chart(
            f"Sales by hour on {day} (UTC)", [f"{h:02d}" for h, _, _ in hours],
            [("Sales", [cents for _, _, cents in hours])], x_label="Hour of the day (UTC)",
            y_label=f"Sales ({cur})", cents=True, value_text=lambda c: money(int(c), cur))
        return render_template("sales.html", page="sales", currency=cur, day_from=day_from, day_to=day_to,
                               day=day, items=items, hours=hours, item_chart=Markup(item_chart),
                               hour_chart=Markup(hour_chart),
                               items_total=sum(c for *_, c in items), items_qty=sum(q for _, _, q, _ in items),
                               day_total=sum(c for *_, c in hours), day_orders=sum(n for _, n, _ in hours))

    @app.get("/health")
    def health():
        at = now()
        return render_template("health.html", page="health", kiosks=central.kiosk_health(db(), at, heartbeat_interval),
                               now=at, interval=heartbeat_interval, stale_after=3 * heartbeat_interval)

    @app.get("/backlog")
    def backlog():
        at = now()
        rows = [(kiosk, waiting, when, (at - when).total_seconds()) for kiosk, waiting, when in central.backlog(db())]
        chart = column_chart("Orders waiting in each kiosk's outbox", [k for k, *_ in rows],
                             [("Orders waiting", [w for _, w, *_ in rows])], x_label="Kiosk",
                             y_label="Orders waiting", height=260) if rows else None
        return render_template("backlog.html", page="backlog", rows=rows, now=at,
                               total=sum(w for _, w, *_ in rows), chart=Markup(chart) if chart else None)

    @app.get("/quality")
    def quality():
        day_from, day_to = _period(request.args, _today(now()))
        rows = central.quality(db(), day_from, day_to)
        days = [day_from + timedelta(days=n) for n in range((day_to - day_from).days + 1)]
        kiosks = sorted({r["kiosk_id"] for r in rows})
        by = {(r["kiosk_id"], r["day"]): r for r in rows}
        labels = [d.strftime("%a %m-%d") for d in days]

        def chart(title: str, key: str, y_label: str, integer: bool = True, text=str) -> Markup:
            series = [(k, [(by[(k, d)][key] if (k, d) in by else None) for d in days]) for k in kiosks]
            return Markup(column_chart(title, labels, series, x_label="Day (UTC)", y_label=y_label,
                                       integer=integer, value_text=text, height=300))

        charts = [chart("Sessions per day, by kiosk", "sessions", "Sessions"),
                  chart("Abandoned sessions per day, by kiosk", "abandoned", "Abandoned sessions"),
                  chart("Median time from first hand to first click, by kiosk", "first_click_median_s",
                        "Seconds", integer=False, text=lambda v: f"{v:.1f} s")] if rows else []
        totals = []
        for k in kiosks:
            mine = [r for r in rows if r["kiosk_id"] == k]
            total = {key: sum(r[key] for r in mine) for key in ("sessions", "purchases", "abandoned", "quick_undos",
                                                                 "dwell_uses", "hand_lost")}
            total["kiosk_id"], total["days"] = k, len(mine)
            total["bought_pct"] = 100 * total["purchases"] / total["sessions"] if total["sessions"] else None
            totals.append(total)
        return render_template("quality.html", page="quality", rows=rows, day_from=day_from, day_to=day_to,
                               charts=charts, totals=totals)

    def _catalog_page(current, error=None, notice=None, form=None, status=200):
        return render_template("catalog.html", page="catalog", current=current, error=error, notice=notice,
                               form=form or {}, price_text=_price_text, catalog_file=catalog_file), status

    @app.route("/catalog", methods=["GET", "POST"])
    def catalog():
        conn = db()
        current = central.current_catalog(conn)
        if request.method == "GET":
            return _catalog_page(current, notice=request.args.get("published") and
                                 f"Published version {request.args['published']}.")
        if request.form.get("action") == "publish-file":
            if current is not None or catalog_file is None:
                abort(409, "the central database has a catalog already: edit it below")
            from kiosk.errors import read_toml

            try:
                data = read_toml(catalog_file, "catalog")
                version = central.publish_catalog(conn, {"currency": data.get("currency", "EUR"),
                                                         "items": data.get("items")}, CHANGED_BY, images_dir)
            except InputError as e:
                return _catalog_page(current, error=" ".join(str(e).split()), status=400)
            return redirect(url_for("catalog", published=version))
        if current is None:
            abort(409, "there is no catalog to edit yet")
        version, data = current
        form = request.form
        if form.get("version") != str(version):
            return _catalog_page(current, status=409, error=(
                f"The catalog changed while you edited it (now version {version}); your changes were not "
                "saved: make them again below."))
        items, changed = [], False
        for item in data["items"]:
            new = dict(item)
            for key in ("name", "price"):
                field = f"{key}-{item.get('id')}"
                if field in form:
                    value = form[field].strip()
                    if value != (_price_text(item.get(key)) if key == "price" else str(item.get(key))):
                        new[key] = value
                        changed = True
            items.append(new)
        if not changed:
            return _catalog_page(current, notice=f"Nothing changed: version {version} stays current.")
        try:
            published = central.publish_catalog(conn, {"currency": data["currency"], "items": items}, CHANGED_BY,
                                                images_dir)
        except InputError as e:
            return _catalog_page(current, error=" ".join(str(e).split()), form=form, status=400)
        return redirect(url_for("catalog", published=published))

    return app
