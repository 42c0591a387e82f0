"""Every reader of a file, fed hostile bytes: the only outcomes are a valid result or a KioskError whose
message is one line naming the file. Never another exception type, never a hang.

Each reader gets arbitrary bytes, a valid file mutated (bytes changed, cut short) and, for the TOML
files, random TOML-ish text. Examples are small and few, so the whole file runs in well under a
minute; tests/test_bad_input.py has the deeper property tests of the catalog, config and model.
"""
from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pygame
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kiosk.config import Config, load_config
from kiosk.errors import KioskError
from kiosk.gestures import model as gesture_model
from kiosk.shop.catalog import Catalog, load_catalog
from kiosk.training.dataset import read_cache
from kiosk.ui.fonts import FontChain, Typeface, default_chain
from kiosk.ui.theme import Theme, load_theme
from kiosk.vision.model import MARKERS, check_model
from kiosk.vision.sources import ImageFolderSource, VideoFileSource
from tests.conftest import REPO

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(load, path: Path):
    """load(path), or the KioskError it raised, checked to be one line naming the file."""
    try:
        return load(path)
    except KioskError as e:
        text = str(e)
        assert "\n" not in text and "\r" not in text, text
        assert str(path) in text, text
        return e


def mutated(original: bytes):
    """`original` with up to 8 bytes changed and perhaps cut short."""
    n = len(original)
    return st.tuples(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, 255)), max_size=8),
                     st.integers(0, n)).map(lambda t: _apply(original, *t))


def _apply(original: bytes, changes, cut: int) -> bytes:
    data = bytearray(original)
    for at, value in changes:
        data[at] = value
    return bytes(data[:cut])


def file_of(data: bytes, name: str):
    """A fresh folder holding one file; yields the file's path."""
    tmp = tempfile.TemporaryDirectory()
    path = Path(tmp.name) / name
    path.write_bytes(data)
    return tmp, path


TOMLISH = st.text(st.sampled_from(list("[]{}=\"'.,#\n ab01_-+:ä\\tTfinl")), max_size=120)
"""Text made of TOML's own punctuation: tables, arrays, strings and numbers half-formed."""


def toml_inputs(valid: bytes):
    return st.binary(max_size=200) | mutated(valid) | TOMLISH.map(lambda t: t.encode("utf-8"))


# -- the TOML files ----------------------------------------------------------------------------------

CONFIG = b"""[camera]
index = 0
width = 640
[pointer]
active_region = [0.1, 0.1, 0.9, 0.9]
[timings]
inactivity_reset = 60
"""


@FAST
@given(data=toml_inputs(CONFIG))
@example(data=b"a = " + b"[" * 3000 + b"]" * 3000)
@example(data=b"[" + b"a." * 40 + b"a]")
def test_config(data):
    tmp, path = file_of(data, "kiosk.toml")
    with tmp:
        assert isinstance(outcome(load_config, path), (Config, KioskError))


@FAST
@given(data=toml_inputs((REPO / "assets" / "catalog.toml").read_bytes()))
@example(data=b"x = " + b"{a = " * 2000 + b"1" + b"}" * 2000)
def test_catalog(data):
    tmp, path = file_of(data, "catalog.toml")
    with tmp:
        assert isinstance(outcome(load_catalog, path), (Catalog, KioskError))


@FAST
@given(data=toml_inputs((REPO / "assets" / "theme.toml").read_bytes()))
def test_theme(data):
    tmp, path = file_of(data, "theme.toml")
    with tmp:
        assert isinstance(outcome(load_theme, path), (Theme, KioskError))


DEJAVU = default_chain().faces[-1].read_bytes()


@SLOW
@given(font=mutated(DEJAVU[:4096]).map(lambda head: head + DEJAVU[4096:]) | st.binary(max_size=300)
       | st.integers(0, len(DEJAVU)).map(lambda cut: DEJAVU[:cut]))
def test_theme_font_file(font):
    """A theme naming a damaged font: refused at load (naming the theme), or it draws, or its first
    text is one line naming the font file."""
    tmp, path = file_of(b"[fonts]\nfile = 'f.ttf'\n", "theme.toml")
    with tmp:
        (path.parent / "f.ttf").write_bytes(font)
        theme = outcome(load_theme, path)
        if isinstance(theme, Theme):
            pygame.font.init()
            drawn = outcome(lambda _: Typeface(FontChain(theme.fonts.file, fallbacks=[])).render("Ab", 24, (0, 0, 0)),
                            path.parent / "f.ttf")
            assert isinstance(drawn, (pygame.Surface, KioskError))


# -- models --------------------------------------------------------------------------------------------

def tiny_gesture_model() -> bytes:
    from kiosk.gestures.landmark_features import NUM_FEATURES

    rng = np.random.default_rng(0)
    w0, w1 = rng.normal(size=(NUM_FEATURES, 4)).astype(np.float32), rng.normal(size=(4, 2)).astype(np.float32)
    return gesture_model.model_bytes(gesture_model.GestureModel(
        ("none", "ok"), np.zeros(NUM_FEATURES, np.float32), np.ones(NUM_FEATURES, np.float32),
        (w0, w1), (np.zeros(4, np.float32), np.zeros(2, np.float32))))


GESTURE_MODEL = tiny_gesture_model()


@FAST
@given(data=st.binary(max_size=300) | mutated(GESTURE_MODEL))
@example(data=GESTURE_MODEL)
def test_gesture_model(data):
    tmp, path = file_of(data, "gestures.npz")
    with tmp:
        got = outcome(gesture_model.load_model, path)
        assert isinstance(got, (gesture_model.GestureModel, KioskError))
        if data == GESTURE_MODEL:
            assert isinstance(got, gesture_model.GestureModel)


def _bundle() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, (marker, _) in MARKERS.items():
            z.writestr(name, b"\x1c\x00\x00\x00TFL3" + bytes(16) + marker * 4)
    return buf.getvalue()


HAND_MODEL = _bundle()


@FAST
@given(data=st.binary(max_size=300) | mutated(HAND_MODEL))
@example(data=HAND_MODEL)
def test_hand_model(data):
    tmp, path = file_of(data, "hand_landmarker.task")
    with tmp:
        got = outcome(check_model, path)
        assert got is None or isinstance(got, KioskError)
        if data == HAND_MODEL:
            assert got is None


def _landmark_cache() -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, format=np.array("kiosk-landmarks-cache-1"), key=np.array(["k" * 64]),
                        found=np.array([True]), world=np.zeros((1, 21, 3), np.float32),
                        handedness=np.array(["Left"]), settings=np.array(["s" * 16]))
    return buf.getvalue()


LANDMARK_CACHE = _landmark_cache()


@FAST
@given(data=st.binary(max_size=300) | mutated(LANDMARK_CACHE))
@example(data=LANDMARK_CACHE)
def test_landmark_cache(data):
    """The training set's landmark cache: damage of any kind means an empty cache, never an error."""
    tmp, path = file_of(data, ".landmarks-cache.npz")
    with tmp:
        got = read_cache(path)
        assert isinstance(got, dict)
        if data == LANDMARK_CACHE:
            assert len(got) == 1


# -- frames ----------------------------------------------------------------------------------------------

def _video() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "v.avi"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (32, 24))
        for i in range(3):
            writer.write(np.full((24, 32, 3), 40 * i, np.uint8))
        writer.release()
        return path.read_bytes()


VIDEO = _video()


@SLOW
@given(data=st.binary(max_size=300) | mutated(VIDEO))
@example(data=VIDEO)
def test_video_source(data):
    tmp, path = file_of(data, "clip.avi")
    with tmp:
        source = outcome(VideoFileSource, path)
        if isinstance(source, KioskError):
            return
        try:
            frames = 0
            while frames < 10:
                frame = outcome(lambda _: source.read(), path)
                if frame is None or isinstance(frame, KioskError):
                    break
                assert 16 <= frame.image.shape[0] and 16 <= frame.image.shape[1]
                frames += 1
        finally:
            source.close()


PNG = cv2.imencode(".png", np.arange(24 * 32 * 3, dtype=np.uint8).reshape(24, 32, 3))[1].tobytes()
JPEG = cv2.imencode(".jpg", np.full((24, 32, 3), 90, np.uint8))[1].tobytes()


@FAST
@given(data=st.binary(max_size=300) | mutated(PNG) | mutated(JPEG), suffix=st.sampled_from([".png", ".jpg"]))
@example(data=PNG, suffix=".png")
def test_image_folder_source(data, suffix):
    tmp, path = file_of(data, "frame" + suffix)
    with tmp:
        source = ImageFolderSource(path.parent)
        frame = source.read()
        if frame is None:  # skipped, with one line naming the file
            assert source.skipped == [path]
            reason = source.reasons[path]
            assert "\n" not in reason and str(path) in reason
        else:
            h, w = frame.image.shape[:2]
            assert frame.image.dtype == np.uint8 and 16 <= h and 16 <= w and source.skipped == []
        if data == PNG:
            assert frame is not None and frame.image.shape == (24, 32, 3)


@pytest.fixture(autouse=True, scope="module")
def _pygame_quiet():
    yield
    pygame.font.quit()


def test_a_landmark_cache_bomb_is_an_empty_cache_without_inflating_it(tmp_path):
    # Before: np.load inflated every array of the cache (a 4 MB file used 5 GB) before it was found
    # wanting. Here a ~300 KB cache whose landmarks unpack to 302 MB: empty, and under 20 MB spent.
    import tracemalloc

    from kiosk.training.dataset import CACHE_MAX_UNPACKED
    from tests.test_files import npy_header, zip_of_zeros

    n = 1_200_000
    path = tmp_path / ".landmarks-cache.npz"
    zip_of_zeros(path, "world.npy", npy_header((n, 21, 3)), len(npy_header((n, 21, 3))) + n * 21 * 3 * 4)
    assert n * 21 * 3 * 4 > CACHE_MAX_UNPACKED
    with zipfile.ZipFile(small_cache_file(tmp_path)) as small, zipfile.ZipFile(path, "a") as zf:
        for name in small.namelist():
            if name != "world.npy":
                zf.writestr(name, small.read(name))
    assert path.stat().st_size < 1_000_000
    tracemalloc.start()
    try:
        got = read_cache(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got == {} and peak < 20 * 1024 * 1024


def small_cache_file(folder: Path) -> Path:
    path = folder / "small.npz"
    path.write_bytes(LANDMARK_CACHE)
    return path
