"""Tests for kiosk.tools.annotate: the `annotate PHOTO_OR_FOLDER... --out DIR` command's logic.

All but the last test use a fake detector (a Hand built from a known array), so they need
no MediaPipe; the photos are generated here with numpy + cv2.imwrite.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.tools.annotate import annotate
from kiosk.types import Gesture, Hand

REPO = Path(__file__).resolve().parents[1]

# Landmark i at (0.1 + 0.04 i, 0.1 + 0.04 i): a diagonal from (0.1, 0.1) to (0.9, 0.9).
DIAG = np.array([[0.1 + 0.04 * i, 0.1 + 0.04 * i, -0.01 * i] for i in range(21)], dtype=np.float64)


def make_hand(landmarks: np.ndarray = DIAG, handedness: str = "Right", score: float = 0.87654) -> Hand:
    return Hand(landmarks=landmarks.copy(), world=landmarks.copy() * 0.1, handedness=handedness, score=score)


class FakeDetector:
    def __init__(self, hands: list[Hand] | None = None):
        self.hands = [make_hand()] if hands is None else hands
        self.calls: list[tuple[tuple[int, ...], bool]] = []

    def detect(self, image_bgr: np.ndarray, mirrored: bool = False) -> list[Hand]:
        self.calls.append((image_bgr.shape, mirrored))
        return list(self.hands)


class FakeClassifier:
    def __init__(self, label: str = "point"):
        self.label = label

    def classify(self, hand: Hand) -> Gesture:
        return Gesture(self.label, 0.9, {self.label: 0.9})


def photo(path: Path, w: int = 320, h: int = 240, value: int = 60) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = np.full((h, w, 3), value, dtype=np.uint8)
    assert cv2.imwrite(str(path), image)
    return path


def run(inputs, out_dir, detector=None, classifier=None):
    out, err = io.StringIO(), io.StringIO()
    code = annotate([Path(p) for p in inputs], Path(out_dir), detector or FakeDetector(),
                    classifier or FakeClassifier(), out, err)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    return code, lines, err.getvalue()


def tree(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


def test_output_named_annotated_and_never_overwritten(tmp_path):
    src = photo(tmp_path / "in" / "shelf.png")
    out_dir = tmp_path / "out" / "nested"  # created by annotate
    code, lines, err = run([src], out_dir)
    assert code == 0 and err == ""
    first = out_dir / "shelf_annotated.png"
    assert lines[0]["output"] == str(first) and first.is_file()
    first_bytes = first.read_bytes()

    code, lines, err = run([src], out_dir)
    assert code == 0 and err == ""
    second = out_dir / "shelf_annotated-1.png"
    assert lines[0]["output"] == str(second) and second.is_file()
    assert first.read_bytes() == first_bytes  # the first run's file is untouched

    code, lines, _ = run([src], out_dir)
    assert lines[0]["output"] == str(out_dir / "shelf_annotated-2.png")
    # No temp files or other leftovers in out_dir.
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "shelf_annotated-1.png", "shelf_annotated-2.png", "shelf_annotated.png"]


def test_same_stem_from_two_folders_gets_distinct_names(tmp_path):
    a = photo(tmp_path / "a" / "hand.jpg", value=10)
    b = photo(tmp_path / "b" / "hand.jpg", value=250)
    code, lines, err = run([a, b], tmp_path / "out")
    assert code == 0 and err == ""
    outs = [Path(line["output"]) for line in lines]
    assert [p.name for p in outs] == ["hand_annotated.jpg", "hand_annotated-1.jpg"]
    # Each output is the annotation of its own input (far corner keeps the input's grey).
    assert abs(int(cv2.imread(str(outs[0]))[0, -1, 0]) - 10) <= 3
    assert abs(int(cv2.imread(str(outs[1]))[0, -1, 0]) - 250) <= 3


def test_json_line_carries_the_detected_hand(tmp_path):
    src = photo(tmp_path / "p.png")
    left = make_hand(DIAG[::-1].copy(), handedness="Left", score=0.5)
    detector = FakeDetector([make_hand(), left])
    code, lines, err = run([src], tmp_path / "out", detector, FakeClassifier("ok"))
    assert code == 0 and err == ""
    assert len(lines) == 1
    rec = lines[0]
    assert rec["path"] == str(src)
    assert Path(rec["output"]).is_file()
    assert [h["handedness"] for h in rec["hands"]] == ["Right", "Left"]
    assert [h["gesture"] for h in rec["hands"]] == ["ok", "ok"]
    assert rec["hands"][0]["score"] == pytest.approx(0.87654, abs=1e-4)
    assert len(rec["hands"][0]["landmarks"]) == 21
    np.testing.assert_allclose(np.array(rec["hands"][0]["landmarks"]), DIAG, atol=1e-5)
    np.testing.assert_allclose(np.array(rec["hands"][1]["landmarks"]), DIAG[::-1], atol=1e-5)
    # Photos are not mirrored: the detector is asked with mirrored=False, on the photo's pixels.
    assert detector.calls == [((240, 320, 3), False)]


def test_landmarks_are_drawn_and_the_rest_is_untouched(tmp_path):
    src = photo(tmp_path / "p.png", w=320, h=240, value=60)
    before = cv2.imread(str(src))
    code, lines, _ = run([src], tmp_path / "out")
    assert code == 0
    after = cv2.imread(lines[0]["output"])
    assert after.shape == before.shape
    for i in (0, 8, 10, 20):
        x, y = int(round(DIAG[i, 0] * 320)), int(round(DIAG[i, 1] * 240))
        assert not np.array_equal(after[y, x], before[y, x]), f"landmark {i} not drawn"
    # The top-right corner is far from the diagonal hand and its label.
    assert np.array_equal(after[0, 319], before[0, 319])
    assert np.array_equal(after[:20, 250:], before[:20, 250:])
    # The input photo itself is not modified.
    assert np.array_equal(cv2.imread(str(src)), before)


@pytest.mark.parametrize("w,h", [(64, 48), (2000, 1500)])
def test_drawing_scales_with_image_size(tmp_path, w, h):
    src = photo(tmp_path / "p.png", w=w, h=h, value=60)
    code, lines, _ = run([src], tmp_path / "out")
    assert code == 0
    after = cv2.imread(lines[0]["output"])
    changed = np.any(after != 60, axis=2)
    # Something is drawn, and it stays a modest part of the image.
    assert 0 < changed.mean() < 0.5
    # The dot around landmark 10 reaches 1% of the image's short side away from it,
    # perpendicular to the diagonal (so not on a connection line).
    cx, cy = DIAG[10, 0] * w, DIAG[10, 1] * h
    d = np.array([w, h], dtype=float)
    perp = np.array([-d[1], d[0]]) / np.linalg.norm(d)
    off = max(2.0, 0.01 * min(w, h))
    px, py = int(round(cx + perp[0] * off)), int(round(cy + perp[1] * off))
    assert changed[py, px]
    assert changed.sum() > (min(w, h) / 200) ** 2 * 21  # dots grow with the image


def test_unreadable_file_is_reported_and_skipped(tmp_path):
    good1 = photo(tmp_path / "photos" / "a.png")
    bad = tmp_path / "photos" / "x.jpg"
    bad.write_bytes(b"\x00garbage, not a jpeg\xff" * 10)
    good2 = photo(tmp_path / "photos" / "z.png")
    out_dir = tmp_path / "out"
    code, lines, err = run([good1, bad, good2], out_dir)
    assert code == 1
    assert err.strip() == f"annotate: skipped {bad}: not a readable image"
    assert [line["path"] for line in lines] == [str(good1), str(good2)]
    assert sorted(p.name for p in out_dir.iterdir()) == ["a_annotated.png", "z_annotated.png"]


def test_missing_input_is_reported_like_an_unreadable_file(tmp_path):
    good = photo(tmp_path / "a.png")
    missing = tmp_path / "nope.jpg"
    code, lines, err = run([missing, good], tmp_path / "out")
    assert code == 1
    assert err.startswith(f"annotate: skipped {missing}: ")
    assert len(err.strip().splitlines()) == 1
    assert [line["path"] for line in lines] == [str(good)]


def test_folder_expands_to_its_images_sorted(tmp_path):
    folder = tmp_path / "photos"
    for name in ("c.png", "a.jpg", "B.bmp", "b.PNG"):
        photo(folder / name)
    (folder / "notes.txt").write_text("not a photo")
    photo(folder / "sub" / "deeper.png")  # not recursive
    (folder / "album.png").mkdir()  # a folder named like an image is not a photo
    single = photo(tmp_path / "single.png")
    code, lines, err = run([folder, single], tmp_path / "out")
    assert code == 0 and err == ""
    expected = sorted(folder / n for n in ("c.png", "a.jpg", "B.bmp", "b.PNG"))
    assert [line["path"] for line in lines] == [str(p) for p in expected] + [str(single)]
    assert all(Path(line["output"]).parent == tmp_path / "out" for line in lines)


def test_photo_without_hands_gets_a_plain_copy(tmp_path):
    src = photo(tmp_path / "empty.png", value=123)
    code, lines, err = run([src], tmp_path / "out", FakeDetector([]))
    assert code == 0 and err == ""
    assert lines[0]["hands"] == []
    out_file = Path(lines[0]["output"])
    assert out_file.name == "empty_annotated.png"
    assert np.array_equal(cv2.imread(str(out_file)), cv2.imread(str(src)))


def test_nothing_is_written_outside_out_dir(tmp_path):
    photos = tmp_path / "photos"
    photo(photos / "a.png")
    photo(photos / "b.jpg")
    (photos / "bad.png").write_bytes(b"nope")
    out_dir = tmp_path / "out"
    before = tree(tmp_path)
    cwd_before = set(Path.cwd().iterdir())
    code, _, _ = run([photos], out_dir)
    assert code == 1  # bad.png
    new = tree(tmp_path) - before
    assert new == {out_dir, out_dir / "a_annotated.png", out_dir / "b_annotated.jpg"}
    assert set(Path.cwd().iterdir()) == cwd_before


@pytest.mark.integration
def test_real_tracker_on_hand_photos(tmp_path, data_dir, model):
    ok, heart = data_dir / "hand-photos" / "ok.jpg", data_dir / "hand-photos" / "heart.jpg"
    if not (ok.is_file() and heart.is_file()):
        pytest.skip(f"hand photos not found under {data_dir}")
    from kiosk.gestures.classifier import RuleClassifier
    from kiosk.vision.tracker import MediaPipeHandTracker

    with MediaPipeHandTracker(model, num_hands=2, min_hand_detection_confidence=0.3, video=False) as tracker:
        code, lines, err = run([ok, heart], tmp_path / "out", tracker, RuleClassifier())
    assert code == 0, err
    assert [len(line["hands"]) for line in lines] == [1, 2]
    for line in lines:
        assert Path(line["output"]).is_file()
        for hand in line["hands"]:
            lm = np.array(hand["landmarks"])
            assert lm.shape == (21, 3)
            assert ((lm[:, :2] >= 0) & (lm[:, :2] <= 1)).all()
            assert hand["handedness"] in ("Left", "Right")


def test_tiny_huge_and_fifo_photos_are_skipped_with_one_line_each(tmp_path):
    # Before: the 2-px photo went to the detector and the drawing, the 48 MP one was decoded whole
    # (144 MB) and the FIFO blocked cv2.imread forever. Run in a thread so a regression fails, not hangs.
    import os
    import threading

    from tests.test_files import png_bomb

    good = photo(tmp_path / "in" / "good.png")
    narrow = photo(tmp_path / "in" / "narrow.png", w=2, h=64)
    huge = tmp_path / "in" / "huge.png"
    huge.write_bytes(png_bomb(8000, 6000))
    fifo = tmp_path / "in" / "fifo.png"
    os.mkfifo(fifo)
    detector = FakeDetector()
    got: list = []
    worker = threading.Thread(target=lambda: got.append(run([good, narrow, huge, fifo], tmp_path / "out", detector)),
                              daemon=True)
    worker.start()
    worker.join(20)
    if worker.is_alive():
        with open(fifo, "wb"):
            pass
        pytest.fail("annotate blocked on a FIFO")
    code, lines, err = got[0]
    assert code == 1
    assert [line["path"] for line in lines] == [str(good)]
    assert detector.calls == [((240, 320, 3), False)]
    assert err.splitlines() == [
        f"annotate: skipped {narrow}: image size 2x64 px is out of range (each side must be 16-8192 px)",
        f"annotate: skipped {huge}: 8000x6000 px, over the cap of 40000000 pixels",
        f"annotate: skipped {fifo}: not a regular file"]
