"""The one typed config, validated when loaded. Every setting is documented where declared.

The file is TOML (see the README's example). It is found from `--config FILE`, else
$KIOSK_CONFIG, else `kiosk.toml` in the project root if present; otherwise the defaults
below apply. Relative paths inside it resolve from the config file's folder; the defaults
resolve from the project root, never from the working directory.

Sections that configure a pure module reuse that module's own settings class (PointerConfig,
KioskTimings, GestureConfig), and the [ui] section takes its defaults and ranges from the
modules it sets (DwellConfig, HoldConfig), so each default is written once, next to the code
that uses it. All of them are declared one way (kiosk/settings.py).
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kiosk import files
from kiosk.errors import InputError, invalid, read_toml
from kiosk.gestures.model import GestureConfig
from kiosk.interaction.dwell import DwellConfig, DwellSeconds, SettleSeconds
from kiosk.interaction.gesture_actions import HoldConfig
from kiosk.interaction.pointer import PointerConfig
from kiosk.settings import SETTINGS
from kiosk.shop.machine import KioskTimings
from kiosk.shop.payment import PaymentConfig
from kiosk.ui.theme import DEFAULT_THEME_FILE

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = PROJECT_ROOT / "models" / "hand_landmarker.task"
DEFAULT_CATALOG = PROJECT_ROOT / "assets" / "catalog.toml"


SCREEN_MIN, SCREEN_MAX = (320, 240), (7680, 4320)
"""Screen sizes the kiosk accepts, px (width, height): from a small test window to 8K."""
SCREEN_RANGE = f"{SCREEN_MIN[0]}x{SCREEN_MIN[1]} .. {SCREEN_MAX[0]}x{SCREEN_MAX[1]}"


MAX_CAMERA_INDEX = 99
"""The highest camera index accepted (OpenCV takes a C int; /dev/video99 is already far-fetched)."""


def parse_size(text: str) -> tuple[int, int]:
    """"1920x1080" -> (1920, 1080), within SCREEN_MIN..SCREEN_MAX; ValueError saying what is wrong.
    For --size flags, so they accept what [display] size accepts."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"size {text!r} must look like 1920x1080") from None
    if not (SCREEN_MIN[0] <= w <= SCREEN_MAX[0] and SCREEN_MIN[1] <= h <= SCREEN_MAX[1]):
        raise ValueError(f"size {text!r} must be within {SCREEN_RANGE}")
    return w, h


class _Section(BaseModel):
    model_config = ConfigDict(**SETTINGS, frozen=True)


class CameraConfig(_Section):
    index: int = Field(0, ge=0, le=MAX_CAMERA_INDEX, description="OpenCV camera index.")
    width: int = Field(640, ge=160, le=3840, description="Requested capture width, px.")
    height: int = Field(480, ge=120, le=2160, description="Requested capture height, px.")
    fallback: Literal["demo", "error"] = Field(
        "demo", description="No camera at start: run the built-in demo, or stop with an error.")


class TrackerConfig(_Section):
    model: Path = Field(DEFAULT_MODEL, description="hand_landmarker.task (built by set-up, or the official file).")
    num_hands: int = Field(1, ge=1, le=4, description=(
        "Most hands tracked at once; one of them is active, the others are drawn dimmed. Each slot not filled "
        "by a hand in view makes MediaPipe run its palm detector on every frame: 15 ms -> 32 ms per frame "
        "on a 2-core PC. With 1, the tracker keeps the hand it has, which is the 'active last' rule."))
    min_hand_detection_confidence: float = Field(0.5, ge=0.0, le=1.0)
    min_hand_presence_confidence: float = Field(0.5, ge=0.0, le=1.0)
    min_tracking_confidence: float = Field(0.5, ge=0.0, le=1.0)


class ShopConfig(_Section):
    catalog: Path = Field(DEFAULT_CATALOG, description="Catalog TOML file.")
    name: str = Field("Touchless checkout", min_length=1, max_length=60,
                      description="The shop's name, first line of the receipt a phone reads from the QR code.")


class OrdersConfig(_Section):
    db: Path | None = Field(None, description="SQLite file; default ~/.local/share/touchless-kiosk/orders.db.")


class FleetConfig(_Section):
    """[fleet]: this kiosk is one of several sending their orders to one central PostgreSQL (kiosk/fleet/).
    Absent: a stand-alone kiosk (SQLite only). The kiosk never needs the network to sell."""

    database: str = Field(min_length=1, description=(
        "The central PostgreSQL, as a libpq connection string, e.g. "
        "\"host=central.shop.lan dbname=kiosks user=kiosk sslmode=verify-full\" (the password in ~/.pgpass)."))
    kiosk_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", description=(
        "This kiosk's name in the fleet, unique per kiosk, e.g. \"berlin-1\"."))
    sync_interval: float = Field(10.0, ge=1.0, le=3600.0, description=(
        "Seconds between two sends of the orders waiting in the outbox (sooner after a sale)."))
    heartbeat_interval: float = Field(30.0, ge=5.0, le=3600.0, description=(
        "Seconds between two heartbeats (health and interaction figures)."))
    catalog_interval: float = Field(300.0, ge=10.0, le=86400.0, description=(
        "Seconds between two looks for a newer central catalog."))
    batch: int = Field(200, ge=1, le=10000, description="Orders sent per transaction.")


class BackofficeConfig(_Section):
    """[backoffice]: `python main.py backoffice`, the web page over a fleet's central database."""

    database: str | None = Field(None, description=(
        "The central PostgreSQL (a libpq connection string); default: [fleet] database."))
    host: str = Field("127.0.0.1", description="Address to serve on; 127.0.0.1 = this machine only.")
    port: int = Field(8080, ge=1, le=65535, description="Port to serve on.")
    password_hash: str | None = Field(None, description=(
        "The back office password, hashed (scrypt): set it with `python main.py backoffice --set-password`. "
        "There is no default password: without one the back office does not start."))
    heartbeat_interval: float = Field(30.0, ge=5.0, le=3600.0, description=(
        "The kiosks' heartbeat interval, s: a kiosk silent for three of them is shown as stale."))


class DisplayConfig(_Section):
    fullscreen: bool = Field(True, description="Fullscreen at the display's size; false = a window of `size`.")
    size: tuple[Annotated[int, Field(ge=SCREEN_MIN[0], le=SCREEN_MAX[0])],
                Annotated[int, Field(ge=SCREEN_MIN[1], le=SCREEN_MAX[1])]] = Field(
        (1280, 720), description=f"Window (or headless surface) size, px: {SCREEN_RANGE}, like --size.")
    max_fps: int = Field(60, ge=5, le=240, description="Upper bound on rendered frames per second.")


class UIConfig(_Section):
    theme: Path = Field(DEFAULT_THEME_FILE, description="Theme TOML: colours, fonts and sizes (see kiosk/ui/theme.py).")
    sound: bool = Field(True, description=(
        "Short sounds (click, added, paid, warning), generated in code. The kiosk runs silently when there "
        "is no audio device."))
    volume: float = Field(0.35, ge=0.0, le=1.0, description=(
        "Sound volume, 0-1: modest by default, heard at the kiosk but not across the shop."))
    speech: bool = Field(False, description=(
        "Speak the target under the cursor with its price, each new screen and the inactivity warning, "
        "through the local espeak-ng (no network). Without it installed: one warning line, then silent."))
    speech_rate: int = Field(160, ge=80, le=400, description="Speech: words per minute.")
    language: Literal["en", "de", "es"] = Field("en", description=(
        "The language each session starts in (English, Deutsch, Español); the shopper can switch on the "
        "attract, practice and shopping screens, and the next session starts in this one again."))
    practice: bool = Field(True, description=(
        "Each session starts with one practice target that teaches the 👌 click (and offers hold-still to "
        "select instead) before anything can be bought."))
    dwell: bool = Field(False, description=(
        "Dwell-to-select, an accessibility fallback for people who cannot make the 👌: holding the cursor "
        "still on a target selects it. Off by default: with it on, a cursor resting on a button while its "
        "owner reads would select it."))
    dwell_seconds: DwellSeconds = Field(DwellConfig.seconds, description="Dwell: seconds the ring takes to fill.")
    dwell_settle: SettleSeconds = Field(DwellConfig.settle, description=(
        "Dwell: seconds on a target before the ring starts filling, so passing over a button does nothing."))
    magnetism: float = Field(0.4, ge=0.0, le=0.8, description=(
        "Target magnetism: near a target the cursor is drawn this fraction of the way toward its centre "
        "line (0 = off). A cursor inside a target always stays inside it, so no target becomes unreachable."))
    magnet_radius: float = Field(0.05, ge=0.0, le=0.15, description=(
        "Magnetism reaches this far outside a target, as a fraction of the screen height."))
    gestures: bool = Field(True, description=(
        "Gesture shortcuts: ✋ held = Back on the cart and the order summary (never on a keypad), 👍 held = "
        "Confirm on the order summary, ✊ held and moved = scroll a list. Each shows a filling ring while held."))
    gesture_hold: float = Field(HoldConfig.hold, ge=0.2, le=2.0, description="Seconds ✋ must be held to go back.")
    confirm_hold: float = Field(HoldConfig.confirm_hold, ge=0.3, le=3.0, description=(
        "Seconds 👍 must be held to confirm the order. Any other pose meanwhile (👎, ✋) starts it over."))
    keypad_for_quantity: bool = Field(True, description=(
        "On the cart screen the quantity is a button that opens a keypad to type it."))


class Config(_Section):
    camera: CameraConfig = CameraConfig()
    tracker: TrackerConfig = TrackerConfig()
    pointer: PointerConfig = PointerConfig()
    timings: KioskTimings = KioskTimings()
    shop: ShopConfig = ShopConfig()
    orders: OrdersConfig = OrdersConfig()
    display: DisplayConfig = DisplayConfig()
    ui: UIConfig = UIConfig()
    gestures: GestureConfig = GestureConfig()
    payment: PaymentConfig = PaymentConfig()
    fleet: FleetConfig | None = None
    backoffice: BackofficeConfig = BackofficeConfig()


def find_config_file(explicit: Path | None) -> Path | None:
    if explicit is not None:
        return explicit
    env = os.environ.get("KIOSK_CONFIG")
    if env:
        return Path(env)
    default = PROJECT_ROOT / "kiosk.toml"
    return default if default.is_file() else None


def load_config(path: Path | None) -> Config:
    """Load and validate; any problem is one InputError naming the file and the key."""
    if path is None:
        return Config()
    return parse_config(read_toml(path, "config"), path)


def parse_config(data: dict, path: Path) -> Config:
    """Validate parsed TOML read from `path`; relative paths in it resolve from `path`'s folder."""
    try:
        config = Config.model_validate(data)
    except ValidationError as e:
        raise invalid("config", path, e) from None
    return _resolve_paths(config, path.parent.resolve())


def _resolve_paths(config: Config, base: Path) -> Config:
    def res(p: Path | None) -> Path | None:
        return None if p is None else (p if p.is_absolute() else base / p)

    return config.model_copy(update={
        "tracker": config.tracker.model_copy(update={"model": res(config.tracker.model)}),
        "shop": config.shop.model_copy(update={"catalog": res(config.shop.catalog)}),
        "orders": config.orders.model_copy(update={"db": res(config.orders.db)}),
        "ui": config.ui.model_copy(update={"theme": res(config.ui.theme)}),
        "gestures": replace(config.gestures, model=res(config.gestures.model)),
    })


@dataclass(frozen=True)
class Tunable:
    """A [tracker] setting the operator steps with the arrow keys in the debug overlay, and saves."""

    key: str
    """Key in the config's [tracker] table."""
    lo: float
    hi: float
    """The overlay's range: within the key's own, checked where TRACKER_TUNABLES is built."""
    step: float
    integer: bool = False


def _tunable(key: str, step: float, lo: float | None = None, hi: float | None = None) -> Tunable:
    """A Tunable whose range is the field's own (ge/le in TrackerConfig), or narrower where given."""
    field = TrackerConfig.model_fields[key]
    ge = next(m.ge for m in field.metadata if hasattr(m, "ge"))
    le = next(m.le for m in field.metadata if hasattr(m, "le"))
    lo, hi = ge if lo is None else lo, le if hi is None else hi
    if not ge <= lo < hi <= le:
        raise ValueError(f"tracker.{key}: tuning range {lo}..{hi} is outside {ge}..{le}")
    return Tunable(key, lo, hi, step, integer=field.annotation in (int, "int"))


TRACKER_TUNABLES = (
    _tunable("num_hands", 1),
    # 0 would report every blob as a hand and 1 none: the overlay stops a step short of both.
    _tunable("min_hand_detection_confidence", 0.05, 0.05, 0.95),
    _tunable("min_hand_presence_confidence", 0.05, 0.05, 0.95),
    _tunable("min_tracking_confidence", 0.05, 0.05, 0.95),
)
TRACKER_TUNABLE = tuple(t.key for t in TRACKER_TUNABLES)
"""Tracker settings the operator can change from the debug overlay and save."""


def default_config_path() -> Path:
    """Where settings are saved when the kiosk runs without a config file."""
    return PROJECT_ROOT / "kiosk.toml"


def save_tracker_settings(path: Path, changes: dict[str, int | float]) -> None:
    """Write `changes` (keys of TRACKER_TUNABLE) into the [tracker] table of the config file at `path`
    (see save_settings)."""
    unknown = set(changes) - set(TRACKER_TUNABLE)
    if unknown:
        raise ValueError(f"not tunable: {', '.join(sorted(unknown))}")
    save_settings(path, "tracker", changes)


def save_settings(path: Path, section: str, changes: dict) -> None:
    """Write `changes` into the [section] table of the config file at `path` (the debug overlay's tracker
    settings, the back office's password hash).

    Only those keys change: the rest of the file, its comments and layout included, stays
    byte for byte as it was (tomlkit edits the parsed document, not the text). The new
    file is validated like any config, then replaces the old one atomically
    (kiosk/files.py), so a crash leaves either file whole. Raises InputError (one line) if
    the file cannot be read, written or validated.
    """
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    old = read_toml(path, "config") if path.is_file() else {}  # a broken file is refused, never overwritten
    before = path.read_bytes().decode("utf-8") if path.is_file() else ""
    doc = tomlkit.parse(before)
    table = doc.setdefault(section, tomlkit.table())
    if not isinstance(table, dict):
        raise InputError(f"config {path}: {section}: must be a table [{section}]")
    try:
        _set_keys(table, changes)
        text = tomlkit.dumps(doc)
    except TOMLKitError as e:  # a layout tomlkit cannot extend
        raise InputError(f"config {path}: cannot edit {section} ({e})") from None
    if "\r\n" in before and "\n" not in before.replace("\r\n", ""):  # tomlkit writes new lines with \n
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    data = tomllib.loads(text)
    if data != {**old, section: {**old.get(section, {}), **changes}}:
        raise InputError(f"config {path}: editing [{section}] would change other keys; edit the file by hand")
    parse_config(data, path)  # never replace a working config with one the kiosk would refuse
    try:
        files.write_atomic(path, text.encode("utf-8"))
    except OSError as e:
        raise InputError(f"config {path}: cannot write ({e.strerror})") from None


def _set_keys(table, changes: dict) -> None:
    """Keys already in the tomlkit `table` change in place. New ones go right after its last key,
    not after the comments and blank lines that lead into the next table (where tomlkit's own
    append puts them)."""
    from tomlkit.items import Table

    body = table.value.body if isinstance(table, Table) else []
    last = next((key for key, _ in reversed(body) if key is not None), None)
    for key, value in changes.items():
        if key in table or last is None:
            table[key] = value
        else:
            table.value._insert_after(last, key, value)  # private, but tomlkit's version is pinned
            last = key
