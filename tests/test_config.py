"""Tests for kiosk.config: the TOML config, validated on load, errors as one InputError line."""
from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import Config, find_config_file, load_config
from kiosk.errors import InputError
from kiosk.interaction.pointer import PointerConfig
from kiosk.shop.machine import KioskTimings

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str, name: str = "kiosk.toml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error(path: Path) -> str:
    with pytest.raises(InputError) as exc:
        load_config(path)
    msg = str(exc.value)
    assert "\n" not in msg, "one line"
    assert str(path) in msg, f"names the file: {msg}"
    return msg


def test_no_file_gives_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # defaults never depend on the working directory
    c = load_config(None)
    assert (c.camera.index, c.camera.width, c.camera.height, c.camera.fallback) == (0, 640, 480, "demo")
    assert c.tracker.num_hands == 1
    assert c.tracker.min_hand_detection_confidence == 0.5
    assert c.tracker.model == ROOT / "models" / "hand_landmarker.task"
    assert c.shop.catalog == ROOT / "assets" / "catalog.toml"
    assert c.orders.db is None
    assert c.display.fullscreen is True and tuple(c.display.size) == (1280, 720) and c.display.max_fps == 60
    assert c.timings == KioskTimings()
    assert c.pointer == PointerConfig()


def test_empty_file_gives_defaults(tmp_path):
    c = load_config(write(tmp_path, ""))
    assert c.camera == Config().camera and c.timings == Config().timings and c.display == Config().display
    assert c.shop.catalog == ROOT / "assets" / "catalog.toml"  # defaults are absolute: not moved


def test_valid_file_overrides(tmp_path):
    c = load_config(write(tmp_path, """
[camera]
index = 2
width = 1280
fallback = "error"

[tracker]
num_hands = 3
min_tracking_confidence = 0.8

[pointer]
press_at = 0.7
release_at = 0.2

[timings]
inactivity_warn = 20
inactivity_reset = 40

[display]
fullscreen = false
size = [1920, 1080]
max_fps = 30
"""))
    assert (c.camera.index, c.camera.width, c.camera.fallback) == (2, 1280, "error")
    assert c.camera.height == 480  # untouched: default
    assert c.tracker.num_hands == 3 and c.tracker.min_tracking_confidence == 0.8
    assert c.tracker.min_hand_detection_confidence == 0.5
    assert isinstance(c.pointer, PointerConfig) and (c.pointer.press_at, c.pointer.release_at) == (0.7, 0.2)
    assert isinstance(c.timings, KioskTimings)
    assert (c.timings.inactivity_warn, c.timings.inactivity_reset) == (20, 40)
    assert c.timings.receipt_seconds == KioskTimings().receipt_seconds
    assert c.display.fullscreen is False and tuple(c.display.size) == (1920, 1080) and c.display.max_fps == 30


@pytest.mark.parametrize("text, key", [
    ("[bogus]\nx = 1\n", "bogus"),
    ("colour = 'red'\n", "colour"),
    ("[camera]\nnope = 1\n", "camera.nope"),
    ("[tracker]\nmodle = 'x.task'\n", "tracker.modle"),
    ("[pointer]\nbogus = 1\n", "pointer.bogus"),
    ("[timings]\nwarn = 3\n", "timings.warn"),
    ("[display]\nvsync = true\n", "display.vsync"),
])
def test_unknown_section_or_key(tmp_path, text, key):
    assert key in error(write(tmp_path, text))


@pytest.mark.parametrize("text, key", [
    ("[tracker]\nmin_hand_detection_confidence = 1.5\n", "tracker.min_hand_detection_confidence"),
    ("[tracker]\nnum_hands = 0\n", "tracker.num_hands"),
    ("[camera]\nindex = -1\n", "camera.index"),
    ("[camera]\nfallback = 'maybe'\n", "camera.fallback"),
    ("[camera]\nwidth = 'wide'\n", "camera.width"),
    ("[display]\nmax_fps = 1000\n", "display.max_fps"),
    ("[display]\nsize = [1, 2, 3]\n", "display.size"),
    ("camera = 3\n", "camera"),
])
def test_bad_value_names_dotted_key(tmp_path, text, key):
    assert key in error(write(tmp_path, text))


@pytest.mark.parametrize("press, release", [(0.3, 0.5), (0.4, 0.4)])
def test_pointer_press_must_be_above_release(tmp_path, press, release):
    msg = error(write(tmp_path, f"[pointer]\npress_at = {press}\nrelease_at = {release}\n"))
    assert "pointer" in msg and "press_at" in msg


@pytest.mark.parametrize("warn, reset", [(45, 45), (50, 45)])
def test_timings_warn_must_be_before_reset(tmp_path, warn, reset):
    msg = error(write(tmp_path, f"[timings]\ninactivity_warn = {warn}\ninactivity_reset = {reset}\n"))
    assert "timings" in msg and "inactivity_warn" in msg


def test_relative_paths_resolve_from_config_folder(tmp_path, monkeypatch):
    conf_dir = tmp_path / "etc" / "kiosk"
    path = write(conf_dir, """
[tracker]
model = "models/hand.task"
[shop]
catalog = "../shared/catalog.toml"
[orders]
db = "data/orders.db"
""")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    c = load_config(path)
    assert c.tracker.model.is_absolute()
    assert c.tracker.model.resolve() == (conf_dir / "models" / "hand.task").resolve()
    assert c.shop.catalog.resolve() == (tmp_path / "etc" / "shared" / "catalog.toml").resolve()
    assert c.orders.db.resolve() == (conf_dir / "data" / "orders.db").resolve()
    for p in (c.tracker.model, c.shop.catalog, c.orders.db):
        assert elsewhere not in p.resolve().parents


def test_relative_config_path_given_on_the_command_line(tmp_path, monkeypatch):
    write(tmp_path / "conf", '[shop]\ncatalog = "cat.toml"\n')
    monkeypatch.chdir(tmp_path)
    c = load_config(Path("conf/kiosk.toml"))
    monkeypatch.chdir(ROOT)  # a later chdir must not move the resolved path
    assert c.shop.catalog.is_absolute()
    assert c.shop.catalog.resolve() == (tmp_path / "conf" / "cat.toml").resolve()


def test_absolute_paths_are_kept(tmp_path):
    target = tmp_path / "abs" / "model.task"
    c = load_config(write(tmp_path / "conf", f"[tracker]\nmodel = '{target}'\n"))
    assert c.tracker.model == target


def test_bad_toml(tmp_path):
    assert "TOML" in error(write(tmp_path, "[camera\nindex = 1\n"))


def test_not_utf8(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_bytes(b"\xff\xfe[\x00c\x00")
    assert "UTF-8" in error(path)


def test_missing_file(tmp_path):
    assert "not found" in error(tmp_path / "nope.toml")


def test_find_config_file(tmp_path, monkeypatch):
    import kiosk.config as config

    env_file = tmp_path / "env.toml"
    explicit = tmp_path / "explicit.toml"
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.setattr(config, "PROJECT_ROOT", project)

    monkeypatch.setenv("KIOSK_CONFIG", str(env_file))
    assert find_config_file(None) == env_file
    assert find_config_file(explicit) == explicit  # --config wins

    monkeypatch.delenv("KIOSK_CONFIG")
    assert find_config_file(None) is None  # no kiosk.toml in the project root: defaults
    (project / "kiosk.toml").write_text("", encoding="utf-8")
    assert find_config_file(None) == project / "kiosk.toml"
    monkeypatch.setenv("KIOSK_CONFIG", str(env_file))
    assert find_config_file(None) == env_file  # the env var beats the project file


def test_kiosk_config_env_end_to_end(tmp_path, monkeypatch):
    path = write(tmp_path, "[camera]\nindex = 3\n", name="from_env.toml")
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    assert load_config(find_config_file(None)).camera.index == 3
