"""eval-gestures: labels from folders and file names, the HaGRID map, the metrics (checked
against counts worked out by hand), the command with a fake detector, and, when the
shared data is present, the shipped model on the 33 real photos against the issue's targets."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.errors import InputError
from kiosk.training.evaluate import (HAGRID, NO_HAND, TWO_HANDS, HandResult, format_summary, photo_labels,
                                     summarise, summarise_video)
from kiosk.gestures.handgen import synth_hand
from kiosk.types import Gesture, Hand
from tests.test_training import FakeDetector, run, write_image

LABELS = ("none", "point", "ok", "fist", "palm", "thumbs_up", "thumbs_down", "peace")


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.zeros((4, 4, 3), np.uint8))
    return path


# --------------------------------------------------------------------------- labels


def test_labels_from_folders_and_file_names(tmp_path):
    touch(tmp_path / "ok.jpg")
    touch(tmp_path / "palm_2.png")
    touch(tmp_path / "fist-10.jpeg")
    touch(tmp_path / "peace" / "a.jpg")
    touch(tmp_path / "peace" / "b.webp")
    (tmp_path / "peace" / "notes.txt").write_text("ignored")
    got = {p.name: label for p, label in photo_labels(tmp_path, LABELS)}
    assert got == {"ok.jpg": "ok", "palm_2.png": "palm", "fist-10.jpeg": "fist", "a.jpg": "peace", "b.webp": "peace"}


def test_hagrid_names_are_mapped(tmp_path):
    for name in ("one", "like", "dislike", "stop_inv", "two_up", "three2", "grip", "heart2", "mute"):
        touch(tmp_path / f"{name}.jpg")
    got = {p.stem: label for p, label in photo_labels(tmp_path, LABELS, HAGRID)}
    assert got == {"one": "point", "like": "thumbs_up", "dislike": "thumbs_down", "stop_inv": "palm", "two_up": "peace",
                   "three2": "none", "grip": "none", "heart2": TWO_HANDS, "mute": "point"}


def test_every_hagrid_label_is_ours_or_two_hands():
    assert set(HAGRID.values()) <= set(LABELS) | {TWO_HANDS}
    assert {HAGRID[k] for k in ("ok", "one", "fist", "palm", "like", "dislike", "peace")} == set(LABELS) - {"none"}


def test_unknown_labels_are_one_error(tmp_path):
    touch(tmp_path / "ok.jpg")
    touch(tmp_path / "timeout.jpg")
    with pytest.raises(InputError, match="timeout") as e:
        photo_labels(tmp_path, LABELS)
    assert "--map hagrid" in str(e.value) and "\n" not in str(e.value)


def test_bad_folders(tmp_path):
    with pytest.raises(InputError, match="not a folder"):
        photo_labels(tmp_path / "missing", LABELS)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no images"):
        photo_labels(tmp_path / "empty", LABELS)


# --------------------------------------------------------------------------- metrics


def gesture(label: str, ok: float) -> Gesture:
    return Gesture(label, 0.9 if label != "ok" else ok, {"ok": ok, label: 0.9 if label != "ok" else ok})


def test_summary_figures_worked_out_by_hand():
    results = [
        HandResult("ok1", "ok", gesture("ok", 0.95)),       # a click
        HandResult("ok2", "ok", gesture("ok", 0.55)),       # labelled ok, but under press_at: no click
        HandResult("ok3", "ok", None),                      # no hand found: a miss
        HandResult("p1", "point", gesture("point", 0.0)),
        HandResult("p2", "point", gesture("ok", 0.7)),      # a false click
        HandResult("f1", "fist", gesture("fist", 0.1)),
        HandResult("n1", "none", gesture("palm", 0.0)),
        HandResult("two", TWO_HANDS, gesture("ok", 0.8)),   # a false click, outside the matrix
        HandResult("two", TWO_HANDS, gesture("none", 0.0)),
    ]
    s = summarise(results, LABELS, press_at=0.6)
    m = np.array(s["confusion"]["matrix"])
    cols = s["confusion"]["columns"]
    assert cols[-1] == NO_HAND and m.sum() == 7
    assert m[LABELS.index("ok"), LABELS.index("ok")] == 2 and m[LABELS.index("ok"), -1] == 1
    assert m[LABELS.index("point"), LABELS.index("ok")] == 1
    assert s["accuracy"] == pytest.approx(4 / 7)  # ok1, ok2, p1, f1
    assert s["ok_recall"] == pytest.approx(1 / 3)
    assert s["missed_clicks"] == ["ok2", "ok3"]
    assert s["other_hands"] == 6 and s["false_clicks"] == 2  # p2 and one two-hand hand
    assert s["false_click_rate"] == pytest.approx(2 / 6)
    assert s["per_class"]["ok"]["precision"] == pytest.approx(2 / 3)  # predicted ok: ok1, ok2, p2
    assert s["per_class"]["ok"]["recall"] == pytest.approx(2 / 3)
    assert s["per_class"]["palm"]["precision"] == 0.0 and s["per_class"]["palm"]["recall"] is None
    assert s["two_hand_hands"] == 2 and s["two_hand_predictions"] == {"none": 1, "ok": 1}
    text = format_summary(s)
    assert "8-class accuracy: 0.571 (4/7 hands)" in text
    assert "false-click rate: 0.333 (2/6 other hands)" in text
    json.dumps(s)  # the --json output is plain JSON


def test_video_summary_worked_out_by_hand():
    truth = {"frames": [{"label": x} for x in ["point"] * 4 + ["ok"] * 3 + ["point"] * 3],
             "segments": [{"label": "point", "start": 0, "end": 4}, {"label": "ok", "start": 4, "end": 7},
                          {"label": "point", "start": 7, "end": 10}]}
    raw = ["point", "fist", "point", "point", "point", "ok", "ok", "ok", "point", "point"]
    stable = ["none", "none", "point", "point", "point", "point", "ok", "ok", "ok", "point"]
    ok = [0, 0, 0, 0, 0.3, 0.7, 0.9, 0.5, 0.1, 0]
    events = [[]] * 5 + [["press"]] + [[]] * 2 + [["release", "click"]] + [[]]
    frames = [{"label": a, "stable": b, "ok": c, "events": e} for a, b, c, e in zip(raw, stable, ok, events)]
    s = summarise_video(frames, truth, LABELS)
    assert s["frame_accuracy_raw"] == pytest.approx(7 / 10)  # wrong: 1 (fist), 4 and 7 (late)
    assert s["frame_accuracy_stable"] == pytest.approx(4 / 10)  # right: 2, 3, 6, 9
    assert (s["ok_frames"], s["ok_frames_pressing"], s["other_frames_pressing"]) == (3, 2, 0)
    assert s["clicks"] == 1 and s["ok_segments_clicked"] == 1 and s["presses_outside_ok"] == []
    assert (s["label_changes_truth"], s["label_changes_raw"], s["label_changes_stable"]) == (2, 4, 3)


# --------------------------------------------------------------------------- the command, with a fake detector


@pytest.fixture
def fake_detector(monkeypatch):
    import kiosk.vision.tracker

    FakeDetector.hands, FakeDetector.calls, FakeDetector.created = {}, 0, []
    monkeypatch.setattr(kiosk.vision.tracker, "MediaPipeHandTracker", FakeDetector)
    return FakeDetector


def make_photos(root: Path) -> None:
    rng = np.random.default_rng(5)
    index = 1
    for label, n in (("ok", 4), ("palm", 4), ("fist", 4)):
        for k in range(n):
            s = synth_hand(label, rng)
            FakeDetector.hands[index] = Hand(s.landmarks, s.world.astype(np.float64), s.handedness, 0.9)
            write_image(root / label / f"{k}.png", index)
            index += 1
    write_image(root / "fist" / "nothing.png", 4000)


def test_eval_command_json(tmp_path, capsys, fake_detector):
    make_photos(tmp_path / "photos")
    code, out, err = run(["eval-gestures", "--photos", str(tmp_path / "photos"), "--json", "--classifier", "rule"],
                         capsys)
    assert code == 0, err
    s = json.loads(out)
    assert s["photos"] == 13 and s["hands"] == 13 and s["ok_hands"] == 4
    assert s["no_hand_photos"] == [str(tmp_path / "photos" / "fist" / "nothing.png")]
    assert s["classifier"] == "rule" and s["labels"] == list(LABELS)
    assert fake_detector.created[0]["num_hands"] == 2


def test_eval_command_text_with_the_shipped_model(tmp_path, capsys, fake_detector):
    make_photos(tmp_path / "photos")
    code, out, err = run(["eval-gestures", "--photos", str(tmp_path / "photos")], capsys)
    assert code == 0, err
    assert "confusion matrix" in out and "precision" in out and "false-click rate" in out
    assert "gestures.npz, click from model" in out


def test_eval_command_bad_input(tmp_path, capsys, fake_detector):
    code, _, err = run(["eval-gestures", "--photos", str(tmp_path / "nope")], capsys)
    assert code == 2 and err.count("\n") == 1 and "not a folder" in err
    bad_model = tmp_path / "bad.npz"
    bad_model.write_text("nope")
    make_photos(tmp_path / "photos")
    code, _, err = run(["eval-gestures", "--photos", str(tmp_path / "photos"), "--gesture-model", str(bad_model)],
                       capsys)
    assert code == 2 and str(bad_model) in err and err.count("\n") == 1


# --------------------------------------------------------------------------- the real photos


@pytest.fixture(scope="module")
def real_results(data_dir, model):
    from kiosk.training.evaluate import run_photos
    from kiosk.gestures.model import load_classifier
    from kiosk.vision.tracker import MediaPipeHandTracker

    photos = data_dir / "hand-photos"
    if not photos.is_dir():
        pytest.skip("hand photos not found")
    clf = load_classifier()
    items = photo_labels(photos, tuple(clf.labels), HAGRID)
    with MediaPipeHandTracker(model, num_hands=2, min_hand_detection_confidence=0.5, video=False) as detector:
        results, unreadable = run_photos(items, detector, clf, err=sys.stderr, progress=False)
    assert not unreadable
    return summarise(results, tuple(clf.labels))


@pytest.mark.integration
def test_shipped_model_clicks_on_the_ok_photo_and_on_no_other_single_hand(real_results):
    """These 33 HaGRID photos are no part of the model's training data (docs/gestures.md)."""
    s = real_results
    assert s["ok_hands"] == 1 and s["ok_recall"] == 1.0
    assert s["other_hands"] >= 30  # every photo's hands were found
    single = [d for d in s["details"] if d["true"] not in ("ok", TWO_HANDS)]
    assert len(single) == 25 and not [d["path"] for d in single if d["ok"] >= 0.6]
    # One hand of the two-hand heart sign reads as a loose 👌 (docs/gestures.md): nothing else.
    assert [p.rsplit("/", 1)[-1] for p in s["false_click_photos"]] in ([], ["heart2.jpg"])


@pytest.mark.integration
def test_shipped_model_never_reads_the_thumbs_down_photo_as_thumbs_up(real_results):
    down = [d for d in real_results["details"] if d["true"] == "thumbs_down"]
    assert len(down) == 1 and down[0]["predicted"] == "thumbs_down"


@pytest.mark.integration
def test_shipped_model_accuracy_on_real_photos(real_results):
    # 0.808 (21/26) measured; the figure that counts is leave-one-source-out on the dev set.
    assert real_results["hands"] == 26  # the 26 single-hand photos, one hand each
    assert real_results["accuracy"] >= 0.8
