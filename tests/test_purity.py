"""The pure core imports without pygame, OpenCV or MediaPipe; the UI and the tracker need them.

Each check runs in a fresh interpreter, so module caches from other tests cannot hide an import.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration]

ROOT = Path(__file__).resolve().parent.parent

PURE = [
    "kiosk.types",
    "kiosk.gestures.features",
    "kiosk.gestures.classifier",
    "kiosk.gestures.handgen",
    "kiosk.interaction.one_euro",
    "kiosk.interaction.pointer",
    "kiosk.interaction.active_hand",
    "kiosk.interaction.activity",
    "kiosk.interaction.dwell",
    "kiosk.interaction.magnetism",
    "kiosk.interaction.gesture_actions",
    "kiosk.shop.catalog",
    "kiosk.shop.cart",
    "kiosk.shop.machine",
    "kiosk.shop.payment",
    "kiosk.ui.layout",
    "kiosk.ui.theme",
    "kiosk.ui.fonts",  # its pygame part imports pygame inside
    "kiosk.ui.hud",
    "kiosk.ui.sounds",
    "kiosk.store.orders",
    "kiosk.events",
    "kiosk.vision.demo",
    "kiosk.demo_script",
    "kiosk.vision.stage",
    "kiosk.interaction.session",
    "kiosk.effects",
    "kiosk.bootstrap",  # it chooses the adapters, but imports each only when it builds one
]
NEEDS_HEAVY = ["kiosk.vision.tracker", "kiosk.ui.renderer", "kiosk.ui.overlay"]
HEAVY = ("pygame", "cv2", "mediapipe")

BLOCK = 'import sys\nsys.modules["pygame"] = sys.modules["cv2"] = sys.modules["mediapipe"] = None\n'


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("module", PURE)
def test_pure_module_imports_without_heavy_libraries(module):
    code = BLOCK + f"import importlib\nimportlib.import_module({module!r})\n" + \
        f"assert all(sys.modules[m] is None for m in {HEAVY!r})\nprint('imported')\n"
    r = run(code)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "imported"


def test_all_pure_modules_together():
    code = BLOCK + "".join(f"import {m}\n" for m in PURE) + "print('imported')\n"
    r = run(code)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "imported"


@pytest.mark.parametrize("module", NEEDS_HEAVY)
def test_blocking_is_effective(module):
    """The converse: modules that do need them fail in the same blocked environment."""
    r = run(BLOCK + f"import {module}\n")
    assert r.returncode != 0
    assert "ModuleNotFoundError" in r.stderr or "ImportError" in r.stderr
    assert any(m in r.stderr for m in HEAVY), r.stderr


@pytest.mark.parametrize("module", NEEDS_HEAVY)
def test_heavy_modules_import_when_available(module):
    """Control: without the block they import, so the failure above comes from the block alone."""
    pytest.importorskip("cv2")
    pytest.importorskip("pygame")
    r = run(f"import {module}\n")
    assert r.returncode == 0, r.stderr


def test_the_kiosk_runs_without_the_training_toolkit():
    """The runtime (vision, gestures, session, UI, builder) never imports kiosk.training or torch."""
    code = ("import sys\n"
            "sys.modules['kiosk.training'] = None\n"
            "sys.modules['torch'] = None\n"
            "from kiosk.bootstrap import Overrides, build\n"
            "from kiosk.config import Config\n"
            "with build(Config(), Overrides(source='demo', headless=True, size=(640, 480))) as kiosk:\n"
            "    kiosk.run(max_frames=40)\n"
            "    assert kiosk.app.frames == 40\n"
            "print('ran')\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                       env={**__import__("os").environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"})
    assert r.returncode == 0 and "ran" in r.stdout, r.stderr[-2000:]
    # Control: the same block does stop a module of the toolkit.
    r = subprocess.run([sys.executable, "-c", "import sys\nsys.modules['kiosk.training'] = None\n"
                        "import kiosk.training.toolkit\n"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode != 0


def test_the_demo_adapter_knows_nothing_of_screens():
    """The demo's hand is an adapter like the camera: its script comes from the builder."""
    code = ("import sys\nsys.modules['kiosk.ui'] = None\nsys.modules['kiosk.shop'] = None\n"
            "import kiosk.vision.demo\nprint('ok')\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr
