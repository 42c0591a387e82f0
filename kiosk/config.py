"""The one typed config, validated when loaded. Every setting is documented where declared.

The file is TOML (see assets/kiosk.example.toml). It is found from `--config FILE`, else
$KIOSK_CONFIG, else `kiosk.toml` in the project root if present; otherwise the defaults
below apply. Relative paths inside it resolve from the config file's folder; the defaults
resolve from the project root, never from the working directory.

Sections that configure a pure module reuse that module's own dataclass (PointerConfig,
KioskTimings), so each default is written once, next to the code that uses it.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kiosk.errors import InputError, read_toml
from kiosk.interaction.pointer import PointerConfig
from kiosk.shop.machine import KioskTimings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = PROJECT_ROOT / "models" / "hand_landmarker.task"
DEFAULT_CATALOG = PROJECT_ROOT / "assets" / "catalog.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CameraConfig(_Section):
    index: int = Field(0, ge=0, description="OpenCV camera index.")
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


class OrdersConfig(_Section):
    db: Path | None = Field(None, description="SQLite file; default ~/.local/share/touchless-kiosk/orders.db.")


class DisplayConfig(_Section):
    fullscreen: bool = Field(True, description="Fullscreen at the display's size; false = a window of `size`.")
    size: tuple[int, int] = Field((1280, 720), description="Window (or headless surface) size, px.")
    max_fps: int = Field(60, ge=5, le=240, description="Upper bound on rendered frames per second.")


class Config(_Section):
    camera: CameraConfig = CameraConfig()
    tracker: TrackerConfig = TrackerConfig()
    pointer: PointerConfig = PointerConfig()
    timings: KioskTimings = KioskTimings()
    shop: ShopConfig = ShopConfig()
    orders: OrdersConfig = OrdersConfig()
    display: DisplayConfig = DisplayConfig()


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
    data = read_toml(path, "config")
    try:
        config = Config.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        key = ".".join(str(part) for part in err["loc"]) or "(top level)"
        raise InputError(f"config {path}: {key}: {err['msg']}") from None
    return _resolve_paths(config, path.parent.resolve())


def _resolve_paths(config: Config, base: Path) -> Config:
    def res(p: Path | None) -> Path | None:
        return None if p is None else (p if p.is_absolute() else base / p)

    return config.model_copy(update={
        "tracker": config.tracker.model_copy(update={"model": res(config.tracker.model)}),
        "shop": config.shop.model_copy(update={"catalog": res(config.shop.catalog)}),
        "orders": config.orders.model_copy(update={"db": res(config.orders.db)}),
    })
