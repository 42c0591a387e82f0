"""Recorded landmarks (kiosk.training.devset): reading a landmarks.jsonl into the kiosk's
conventions, its hash, and landmark augmentation. The last test checks the conversion
against the real tracker on the dev photos themselves (skipped without the data)."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from kiosk.errors import InputError
from kiosk.training import devset
from kiosk.gestures.handgen import POSES, synth_hand
from kiosk.gestures.landmark_features import thumb_angle


def record(label="ok", source="alice", handedness="Right", n_hands=1, size=(640, 480), seed=0, **extra) -> dict:
    h = synth_hand(label if label in POSES else "ok", np.random.default_rng(seed))  # any hand will do
    return {"file": f"images/{label}/{source}_{seed}.jpg", "source": source, "label": label, "handedness": handedness,
            "n_hands": n_hands, "size": list(size), "landmarks": h.landmarks.tolist(),
            "world_landmarks": h.world.tolist(), **extra}


def write(path, records) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def test_read_converts_to_the_mirrored_frame_and_maps_labels(tmp_path):
    r = record("other", "bob", "Left", seed=3)
    write(tmp_path / "landmarks.jsonl", [r, record("ok", "alice", seed=4)])
    rec = devset.read(tmp_path)  # a folder holding the file
    world = np.array(r["world_landmarks"], dtype=np.float32)
    np.testing.assert_allclose(rec.data.world[0, :, 0], -world[:, 0])  # x negated: the kiosk mirrors frames
    np.testing.assert_allclose(rec.data.world[0, :, 1:], world[:, 1:])
    assert rec.data.handedness.tolist() == ["Left", "Right"]  # the label stays: the tracker swaps it back
    assert rec.data.label.tolist() == ["none", "ok"]  # "other" is no command
    assert rec.data.source.tolist() == ["bob", "alice"]
    assert rec.sources() == ["alice", "bob"]


def test_hand_size_in_pixels(tmp_path):
    r = record(size=(1000, 500))
    lm = np.array(r["landmarks"])
    lm[:, 0] = np.linspace(0.1, 0.3, 21)  # 0.2 of 1000 px = 200 px wide
    lm[:, 1] = np.linspace(0.5, 0.6, 21)  # 0.1 of 500 px = 50 px tall
    r["landmarks"] = lm.tolist()
    write(tmp_path / "l.jsonl", [r])
    assert devset.read(tmp_path / "l.jsonl").hand_px[0] == pytest.approx(200.0)


def test_only_single_hand_photos_by_default(tmp_path):
    write(tmp_path / "l.jsonl", [record(seed=1), record(seed=2, n_hands=2)])
    assert len(devset.read(tmp_path / "l.jsonl").data) == 1
    assert len(devset.read(tmp_path / "l.jsonl", single_hand=False).data) == 2


@pytest.mark.parametrize("change, message", [
    (lambda r: r.update(label="wave"), "label 'wave'"),
    (lambda r: r.update(handedness="Both"), "handedness"),
    (lambda r: r.update(world_landmarks=[[0, 0, 0]] * 20), "21 x"),
    (lambda r: r.pop("source"), "not a landmarks record"),
])
def test_a_bad_line_is_one_error_naming_the_file_and_line(tmp_path, change, message):
    bad = record(seed=5)
    change(bad)
    write(tmp_path / "l.jsonl", [record(seed=1), bad])
    with pytest.raises(InputError, match=message) as e:
        devset.read(tmp_path / "l.jsonl")
    assert "l.jsonl:2" in str(e.value)


def test_missing_file_and_empty_folder(tmp_path):
    with pytest.raises(InputError, match="not found"):
        devset.read(tmp_path / "nope.jsonl")
    with pytest.raises(InputError, match="no landmarks.jsonl"):
        devset.read(tmp_path)


def test_hash_follows_the_content(tmp_path):
    write(tmp_path / "a.jsonl", [record(seed=1), record("fist", seed=2)])
    write(tmp_path / "b.jsonl", [record(seed=1), record("fist", seed=2)])
    write(tmp_path / "c.jsonl", [record(seed=1), record("palm", seed=2)])
    a, b, c = (devset.read(tmp_path / f"{n}.jsonl").sha256 for n in "abc")
    assert a == b != c
    assert len(a) == 64


def test_augment_is_deterministic_and_keeps_labels_sources_and_thumb_direction(tmp_path):
    write(tmp_path / "l.jsonl", [record("thumbs_up", seed=k, source=f"s{k % 2}") for k in range(6)])
    data = devset.read(tmp_path / "l.jsonl").data
    one, two = devset.augment(data, 3, seed=1), devset.augment(data, 3, seed=1)
    other = devset.augment(data, 3, seed=2)
    assert len(one) == 4 * len(data)
    np.testing.assert_array_equal(one.world, two.world)
    assert not np.allclose(one.world[len(data):], other.world[len(data):])
    np.testing.assert_array_equal(one.world[: len(data)], data.world)  # the originals come first, untouched
    assert one.label.tolist() == data.label.tolist() * 4
    assert one.source.tolist() == data.source.tolist() * 4
    for k in range(len(data), len(one)):
        base = k % len(data)
        turn = abs(thumb_angle(one.world[k], one.handedness[k]) - thumb_angle(data.world[base], data.handedness[base]))
        assert turn <= 20.0 + 8.0  # at most max_roll, plus what 2% jitter can add


@pytest.mark.integration
def test_the_conversion_matches_the_kiosks_tracker_on_real_photos(data_dir, model):
    """The dev set's landmarks, converted, are what the kiosk computes from the same photo
    (mirrored before detection, detected with mirrored=True, as kiosk.training.dataset does):
    closer than the unconverted landmarks, which describe the mirror image of the hand."""
    import cv2

    from kiosk.gestures.landmark_features import hand_features
    from kiosk.vision.tracker import MediaPipeHandTracker

    path = data_dir / devset.DEV_SET / devset.FILE_NAME
    if not path.is_file():
        pytest.skip("dev photos not found")
    rec = devset.read(path)
    picks = np.linspace(0, len(rec.data) - 1, 24).astype(int)
    converted, unconverted, same_hand = [], [], 0
    with MediaPipeHandTracker(model, num_hands=2, min_hand_detection_confidence=0.3, video=False) as tracker:
        for k in picks:
            image = cv2.imread(str(path.parent / rec.files[k]))
            hands = tracker.detect(cv2.flip(image, 1), mirrored=True)
            if not hands:
                continue
            live = max(hands, key=lambda h: h.score)
            f = hand_features(live.world, live.handedness)
            w, handed = rec.data.world[k], str(rec.data.handedness[k])
            converted.append(float(np.linalg.norm(f - hand_features(w, handed))))
            unconverted.append(float(np.linalg.norm(f - hand_features(w * np.array([-1, 1, 1]), handed))))
            same_hand += live.handedness == handed
    assert len(converted) >= 18
    assert sum(a < b for a, b in zip(converted, unconverted)) >= 0.9 * len(converted)
    assert np.median(converted) < 0.5 * np.median(unconverted)
    assert same_hand >= 0.85 * len(converted)
    assert all(math.isfinite(v) for v in converted)
