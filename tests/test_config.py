"""Tests for kiosk.config: the TOML config, validated on load, errors as one InputError line."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import Config, find_config_file, load_config
from kiosk.errors import InputError
from kiosk.interaction.pointer import PointerConfig
from tests.conftest import within
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


# -- the [ui] section -------------------------------------------------------------------------

def test_ui_defaults_keep_the_scenario_safe():
    """Dwell off by default: with it on, a cursor resting on a button while its owner reads would select it."""
    ui = Config().ui
    assert ui.dwell is False and 0.3 <= ui.dwell_seconds <= 2.0
    assert ui.sound is True and 0 < ui.volume <= 0.5 and ui.gestures is True and ui.keypad_for_quantity is True
    assert ui.practice is True  # every session teaches the click before anything can be bought
    assert 0 < ui.magnetism <= 0.8
    assert ui.theme == ROOT / "assets" / "theme.toml"


def test_holds_and_undo_default_and_can_be_set(tmp_path):
    c = Config()
    assert c.ui.confirm_hold == 0.6 and c.ui.gesture_hold == 0.5 and c.timings.undo_seconds == 5.0
    c = load_config(write(tmp_path, "[ui]\nconfirm_hold = 1.2\n\n[timings]\nundo_seconds = 8\n"))
    assert c.ui.confirm_hold == 1.2 and c.timings.undo_seconds == 8


def test_ui_values_override_and_theme_resolves_from_the_config_folder(tmp_path):
    c = load_config(write(tmp_path, """
[ui]
dwell = true
dwell_seconds = 1.5
sound = false
magnetism = 0
theme = "looks/theme.toml"
"""))
    assert c.ui.dwell is True and c.ui.dwell_seconds == 1.5 and c.ui.sound is False and c.ui.magnetism == 0
    assert c.ui.theme == tmp_path / "looks" / "theme.toml"


@pytest.mark.parametrize("text, key", [
    ("[ui]\ndwell_seconds = 0.2\n", "ui.dwell_seconds"),
    ("[ui]\ndwell_seconds = 2.5\n", "ui.dwell_seconds"),
    ("[ui]\nmagnetism = 1.5\n", "ui.magnetism"),
    ("[ui]\nvolume = -1\n", "ui.volume"),
    ("[ui]\nconfirm_hold = 0.1\n", "ui.confirm_hold"),
    ("[ui]\nerase_repeat = 0.4\n", "ui.erase_repeat"),  # gone with the keypad's ✋ = erase: named, not ignored
    ("[timings]\nundo_seconds = 0\n", "timings"),
    ("[ui]\ndwel = true\n", "ui.dwel"),
    ("[ui]\nsound = 'loud'\n", "ui.sound"),
])
def test_bad_ui_values_name_the_key(tmp_path, text, key):
    assert key in error(write(tmp_path, text))


def test_every_ui_key_is_documented_where_it_is_declared():
    from kiosk.config import UIConfig

    for name, f in UIConfig.model_fields.items():
        assert f.description, name


# -- saving tracker settings from the debug overlay ----------------------------------------------

ORIGINAL = """# the kiosk at the front door
[camera]
index = 1  # the USB one

[tracker]
# tuned on site
num_hands = 2   # two shoppers at once
min_tracking_confidence = 0.5

[display]
fullscreen = false
"""


def test_saving_changes_only_the_changed_keys_and_keeps_comments(tmp_path):
    from kiosk.config import save_tracker_settings

    path = write(tmp_path, ORIGINAL)
    save_tracker_settings(path, {"num_hands": 3, "min_hand_detection_confidence": 0.65})
    text = path.read_text()
    assert text.replace("num_hands = 3   # two shoppers at once\nmin_tracking_confidence = 0.5\n"
                        "min_hand_detection_confidence = 0.65\n",
                        "num_hands = 2   # two shoppers at once\nmin_tracking_confidence = 0.5\n") == ORIGINAL
    c = load_config(path)
    assert (c.tracker.num_hands, c.tracker.min_hand_detection_confidence, c.tracker.min_tracking_confidence) == \
        (3, 0.65, 0.5)
    assert c.camera.index == 1 and c.display.fullscreen is False
    assert not list(tmp_path.glob(".*.tmp"))  # written beside, then renamed


def test_saving_into_a_file_without_tracker_table_or_without_a_file(tmp_path):
    from kiosk.config import save_tracker_settings

    path = write(tmp_path, "[camera]\nindex = 2\n")
    save_tracker_settings(path, {"min_tracking_confidence": 0.7})
    c = load_config(path)
    assert c.camera.index == 2 and c.tracker.min_tracking_confidence == 0.7
    fresh = tmp_path / "new" / "kiosk.toml"
    fresh.parent.mkdir()
    save_tracker_settings(fresh, {"num_hands": 2})
    assert load_config(fresh).tracker.num_hands == 2 and "num_hands = 2" in fresh.read_text()


def test_saving_keeps_the_file_mode(tmp_path):
    from kiosk.config import save_tracker_settings

    path = write(tmp_path, ORIGINAL)
    path.chmod(0o640)
    save_tracker_settings(path, {"num_hands": 1})
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_value_the_kiosk_would_refuse_is_not_saved(tmp_path):
    from kiosk.config import save_tracker_settings

    path = write(tmp_path, ORIGINAL)
    with pytest.raises(InputError) as exc:
        save_tracker_settings(path, {"num_hands": 9})
    assert "tracker.num_hands" in str(exc.value) and str(path) in str(exc.value)
    assert path.read_text() == ORIGINAL
    assert not list(tmp_path.glob(".*.tmp"))
    with pytest.raises(ValueError):
        save_tracker_settings(path, {"model": "/tmp/x.task"})  # only the tunable keys


def test_a_broken_config_file_is_not_overwritten(tmp_path):
    from kiosk.config import save_tracker_settings

    path = write(tmp_path, "[tracker\nnum_hands = 2\n")
    with pytest.raises(InputError):
        save_tracker_settings(path, {"num_hands": 1})
    assert path.read_text() == "[tracker\nnum_hands = 2\n"


OPERATOR_FILE = """\
# Front door kiosk -- edited by hand, keep these notes.
#   ask Sam before changing the camera

[camera]
index    = 1          # the USB one, not the laptop's
width = 1280
height = 720

[tracker]
model = "models/hand_landmarker.task"   # copied from the USB stick
# tuned on site, 2024-05
num_hands = 2   # two shoppers at once
min_tracking_confidence = 0.5

# the rest is the shop's

[pointer]
active_region = [
    0.2, 0.15,   # top left
    0.8, 0.75,   # bottom right
]

[ui]
sound = false # the manager hates beeps
theme = 'looks/dark.toml'
"""


def test_saving_keeps_every_other_byte_of_an_operators_file(tmp_path):
    from kiosk.config import save_tracker_settings

    path = write(tmp_path, OPERATOR_FILE)
    save_tracker_settings(path, {"num_hands": 3, "min_tracking_confidence": 0.65,
                                 "min_hand_presence_confidence": 0.4})
    expected = OPERATOR_FILE.replace(
        "num_hands = 2   # two shoppers at once\nmin_tracking_confidence = 0.5\n",
        "num_hands = 3   # two shoppers at once\nmin_tracking_confidence = 0.65\n"
        "min_hand_presence_confidence = 0.4\n")
    assert expected != OPERATOR_FILE
    assert path.read_text(encoding="utf-8") == expected


@pytest.mark.parametrize("before, after", [
    ("tracker.num_hands = 2  # dotted\n[camera]\nindex = 1\n",
     "tracker.num_hands = 4  # dotted\n[camera]\nindex = 1\n"),
    ("tracker = { num_hands = 2 }\n", "tracker = { num_hands = 4 }\n"),
    ("[tracker]\r\nnum_hands = 2\r\n", "[tracker]\r\nnum_hands = 4\r\n"),  # Windows line ends stay
])
def test_saving_keeps_the_files_own_style(tmp_path, before, after):
    from kiosk.config import save_tracker_settings

    path = tmp_path / "kiosk.toml"
    path.write_bytes(before.encode())
    save_tracker_settings(path, {"num_hands": 4})
    assert path.read_bytes() == after.encode()
    assert load_config(path).tracker.num_hands == 4


@pytest.mark.parametrize("text, where", [
    ("[pointer]\nmin_cutoff = 0\n", ": pointer.min_cutoff: "),
    ("[pointer]\npress_at = 0.3\nrelease_at = 0.5\n", ": pointer.release_at: must be below press_at"),
    ("[pointer]\nactive_region = [0.8, 0.1, 0.2, 0.9]\n", ": pointer.active_region: must be x0 < x1"),
    ("[pointer]\nactive_region = [0.1, 0.1, 0.9]\n", ": pointer.active_region[3]: missing"),
    ("[pointer]\nbeta = inf\n", ": pointer.beta: "),
    ("[pointer]\nbogus = 1\n", ": pointer.bogus: unknown key"),
    ("[timings]\ninactivity_warn = 50\ninactivity_reset = 45\n",
     ": timings.inactivity_reset: must be at least 20 s longer than inactivity_warn"),
    ("[timings]\nundo_seconds = 61\n", ": timings.undo_seconds: "),
    ("[gestures]\nhold = -1\n", ": gestures.hold: "),
    ("[gestures]\nmin_frames = 0\n", ": gestures.min_frames: "),
    ("[gestures]\nclick = 'sometimes'\n", ": gestures.click: "),
    ("[display]\nsize = [1280, 100]\n", ": display.size[1]: "),
    ("[camera]\n\"a\\nb\" = 1\n", r": camera.'a\nb': unknown key"),
])
def test_a_bad_value_in_any_section_names_its_key_path(tmp_path, text, where):
    assert where in error(write(tmp_path, text))


@pytest.mark.parametrize("text, size", [("1920x1080", (1920, 1080)), ("320X240", (320, 240)),
                                        ("7680x4320", (7680, 4320))])
def test_parse_size_accepts_what_the_display_section_accepts(tmp_path, text, size):
    from kiosk.config import parse_size

    assert parse_size(text) == size
    w, h = size
    assert tuple(load_config(write(tmp_path, f"[display]\nsize = [{w}, {h}]\n")).display.size) == size


@pytest.mark.parametrize("text, why", [("319x240", "within 320x240 .. 7680x4320"),
                                       ("7680x4321", "within 320x240 .. 7680x4320"),
                                       ("1920", "look like 1920x1080"), ("axb", "look like 1920x1080")])
def test_parse_size_refuses_what_the_display_section_refuses(tmp_path, text, why):
    from kiosk.config import parse_size

    with pytest.raises(ValueError, match=why):
        parse_size(text)
    if text[0].isdigit() and "x" in text:
        w, h = text.split("x")
        assert ": display.size[" in error(write(tmp_path, f"[display]\nsize = [{w}, {h}]\n"))


# -- hostile config files: a FIFO, a bomb of nesting, a file of megabytes -----------------------------



def test_a_fifo_config_is_refused_at_once(tmp_path):
    fifo = tmp_path / "kiosk.toml"
    os.mkfifo(fifo)
    assert within(5, error, fifo) == f"config {fifo}: not a regular file"


def test_a_device_or_a_folder_is_not_a_config(tmp_path):
    assert within(5, error, Path("/dev/zero")) == "config /dev/zero: not a regular file"
    assert within(5, error, tmp_path) == f"config {tmp_path}: not a regular file"


def test_deep_nesting_is_one_line_not_a_recursion_error(tmp_path):
    # Before: 5000 nested arrays raised RecursionError out of tomllib, a traceback.
    deep = write(tmp_path, "a = " + "[" * 5000 + "]" * 5000 + "\n")
    assert within(10, error, deep) == f"config {deep}: nested deeper than 32 levels"
    # 33 levels parse fine, and are still refused: no config nests more than 3
    just_over = write(tmp_path, "[camera]\nx = " + "[" * 32 + "]" * 32 + "\n", "over.toml")
    assert within(10, error, just_over) == f"config {just_over}: nested deeper than 32 levels"


def test_a_config_over_a_mebibyte_is_refused_unread(tmp_path):
    big = write(tmp_path, "# padding\n" * 110_000)  # 1.1 MB of comments: valid TOML, and defaults, before
    assert within(5, error, big) == f"config {big}: 1100000 bytes, over the cap of 1048576 bytes"


@pytest.mark.integration
def test_main_with_a_fifo_config_exits_2_with_one_line_instead_of_hanging(tmp_path):
    fifo = tmp_path / "kiosk.toml"
    os.mkfifo(fifo)
    try:
        done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--config", str(fifo)], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("main.py --config FIFO hung")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"error: config {fifo}: not a regular file"]
