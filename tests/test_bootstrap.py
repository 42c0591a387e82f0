"""The one builder (kiosk/bootstrap.py): what `run`, `soak` and `bench` build is the shipped
kiosk, every camera reconnects, and a live source that ends is an error, not a clean exit."""
from __future__ import annotations

import numpy as np
import pytest

from kiosk import bootstrap
from kiosk.config import Config
from kiosk.errors import KioskError
from kiosk.gestures.model import ModelClassifier
from kiosk.types import Frame
from kiosk.vision.demo import DemoHandTracker, DemoSource
from kiosk.vision.resilient import ResilientSource


class FakeCamera:
    live = True
    opened: list[int] = []

    def __init__(self, index: int, width: int = 640, height: int = 480):
        FakeCamera.opened.append(index)
        self.name = f"fake camera {index}"
        self.i = 0

    def read(self):
        self.i += 1
        image = np.zeros((48, 64, 3), np.uint8)
        image[0, :3] = (self.i % 256, self.i // 256 % 256, 7)  # a new picture each time: a live camera
        return Frame(image, self.i / 30, self.i)

    def close(self):
        pass


def test_an_explicit_camera_index_reconnects_like_the_default_one(monkeypatch):
    import kiosk.vision.sources as sources

    FakeCamera.opened.clear()
    monkeypatch.setattr(sources, "OpenCVCamera", FakeCamera)
    for spec in ("3", None):
        source, notes, demo, kind = bootstrap.open_source(spec, Config())
        assert isinstance(source, ResilientSource) and not demo
    assert FakeCamera.opened == [3, Config().camera.index]


def test_a_missing_explicit_camera_is_an_error_not_the_demo(monkeypatch):
    import kiosk.vision.sources as sources

    def no_camera(index, width=640, height=480):
        raise KioskError(f"no camera at index {index}")

    monkeypatch.setattr(sources, "OpenCVCamera", no_camera)
    with pytest.raises(KioskError, match="index 5"):
        bootstrap.open_source("5", Config())
    source, notes, demo, kind = bootstrap.open_source(None, Config())  # the configured camera may fall back
    assert isinstance(source, bootstrap.DemoUntilCamera) and demo and "no camera" in notes[0]


@pytest.mark.integration
def test_a_recording_builds_the_shipped_pipeline(tmp_path, data_dir, model):
    video = data_dir / "scenarios" / "point-and-click.mp4"
    if not video.is_file():
        pytest.skip("scenario video not found")
    db = tmp_path / "orders.db"
    with bootstrap.build(Config(), bootstrap.Overrides(source=str(video), headless=True, size=(640, 480),
                                                       db=db)) as kiosk:
        app = kiosk.app
        assert isinstance(app.p.classifier, ModelClassifier) and app.p.classifier.click == "model"
        assert app.vision.stabilizer is not None and app.p.journal is not None
        assert db.exists()
        text = kiosk.describe()
        assert "journal on" in text and f"SQLite {db}" in text and "stabiliser 0.1 s / 3 frames" in text


def test_the_demo_keeps_orders_in_memory_unless_told(tmp_path):
    with bootstrap.build(Config(), bootstrap.Overrides(source="demo", headless=True, size=(640, 480),
                                                       db=tmp_path / "a.db")) as kiosk:
        assert isinstance(kiosk.app.vision.tracker, DemoHandTracker) and kiosk.app.vision.tracker.keys
        assert "memory" in kiosk.describe() and not (tmp_path / "a.db").exists()
    with bootstrap.build(Config(), bootstrap.Overrides(source="demo", headless=True, size=(640, 480),
                                                       db=tmp_path / "b.db", store_demo_orders=True)) as kiosk:
        assert "journal on" in kiosk.describe() and (tmp_path / "b.db").exists()


class EndingCamera:
    """A live source that delivers a few frames, then nothing: an unplugged camera without reconnection."""

    live = True
    name = "ending camera"

    def __init__(self, n: int):
        self.n, self.i = n, 0

    def read(self):
        if self.i >= self.n:
            return None
        self.i += 1
        return Frame(np.zeros((48, 64, 3), np.uint8), self.i / 30, self.i)

    def close(self):
        pass


class NoHands:
    def process(self, frame):
        return []

    def close(self):
        pass


def test_a_live_source_that_ends_is_an_error_exit(tmp_path):
    from kiosk.app import App, Parts
    from kiosk.gestures.classifier import RuleClassifier
    from kiosk.loop import open_display, run
    from kiosk.shop.catalog import load_catalog
    from kiosk.store.orders import MemoryOrderStore
    from tests.conftest import REPO

    surface = open_display((320, 240), fullscreen=False, headless=True)
    parts = Parts(source=EndingCamera(5), tracker=NoHands(), classifier=RuleClassifier(),
                  catalog=load_catalog(REPO / "assets" / "catalog.toml"), store=MemoryOrderStore(), size=(320, 240))
    with pytest.raises(KioskError, match="stopped sending frames"):
        run(App(parts, surface))


def test_the_demo_standing_in_for_a_camera_ends_when_one_appears():
    now, answers = [0.0], iter([False, False, True])
    waiting = bootstrap.DemoUntilCamera(DemoSource(), lambda: next(answers), lambda: now[0], every=5.0)
    frames = []
    for t in (1.0, 4.9, 5.0, 7.0, 10.5, 15.6):
        now[0] = t
        frames.append(waiting.read())
    # looked at 5.0 (no), 10.5 (no), 15.6 (yes): demo frames until then, then the end
    assert [f is not None for f in frames] == [True] * 5 + [False]
    assert waiting.camera_appeared and waiting.read() is None


@pytest.mark.integration
def test_a_camera_that_appears_after_start_takes_over_from_the_demo(monkeypatch, tmp_path, model, capsys):
    import kiosk.vision.sources as sources
    from kiosk import cli

    opened = []

    def late_camera(index, width=640, height=480):
        opened.append(index)
        if len(opened) == 1:  # not there at start ...
            raise KioskError(f"no camera at index {index}")
        return FakeCamera(index)  # ... there at the first look

    monkeypatch.setattr(sources, "OpenCVCamera", late_camera)
    monkeypatch.setattr(bootstrap, "CAMERA_POLL_SECONDS", 0.0)
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[tracker]\nmodel = "{model}"\n')
    code = cli.main(["--config", str(config), "--headless", "--size", "640x480", "--max-frames", "15",
                     "--db", str(tmp_path / "orders.db")])
    err = capsys.readouterr().err
    assert code == 0
    assert "running the built-in demo" in err and "a camera appeared" in err
    assert len(opened) >= 3  # at start (missing), the look that found it, the live kiosk's own
