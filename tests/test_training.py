"""Training: the split, determinism of the rebuild, `train` end to end on a dataset of tiny
generated images with a fake hand detector (the real one is exercised in
test_eval_gestures), `--base`, the landmark cache, and every bad-input case.

Settings are tiny (a few synthetic poses, a few epochs): these tests check the plumbing
and the guarantees, not the accuracy of the shipped model (test_gesture_model does).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.config import load_config
from kiosk.errors import KioskError
from kiosk.gestures import model as M
from kiosk.training import toolkit
from kiosk.training.dataset import CACHE_NAME
from kiosk.gestures.handgen import POSES, HandPose, pose_world, random_shape, synth_hand
from kiosk.training import devset
from kiosk.training.synthetic import LABELS, Recipe, generate, sample
from kiosk.training.training import conflicting_none, split_indices
from kiosk.types import Hand

TINY = ["--epochs", "3", "--layer-widths", "8", "--batch-size", "16"]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    toolkit.add_parsers(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


COMMANDS = {"train": toolkit.cmd_train, "build-gesture-model": toolkit.cmd_build_gesture_model,
            "eval-gestures": toolkit.cmd_eval_gestures}


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """Like kiosk.cli.main: a KioskError becomes one line on stderr and its exit code."""
    args = parse(argv)
    try:
        code = COMMANDS[args.command](args, load_config(None))
    except KioskError as e:
        print(f"error: {e}", file=__import__("sys").stderr)
        code = e.exit_code
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- split


def test_split_keeps_groups_together_and_follows_the_ratios():
    labels = np.repeat(["none", "ok", "palm"], [300, 150, 90])
    groups = np.array([f"{lab}:{i // 3}" for i, lab in enumerate(labels)])  # 3 views per pose
    tr, va, te = split_indices(labels, groups, (0.8, 0.1, 0.1), seed=3)
    assert len(np.intersect1d(tr, va)) == len(np.intersect1d(tr, te)) == len(np.intersect1d(va, te)) == 0
    assert sorted(np.concatenate([tr, va, te]).tolist()) == list(range(len(labels)))
    for part in (tr, va, te):
        for other in {(tr is part), (va is part), (te is part)} and (tr, va, te):
            if other is not part:
                assert not set(groups[part]) & set(groups[other])
    for label, n in (("none", 300), ("ok", 150), ("palm", 90)):
        assert np.sum(labels[va] == label) == pytest.approx(0.1 * n, abs=3)
        assert np.sum(labels[te] == label) == pytest.approx(0.1 * n, abs=3)
    again = split_indices(labels, groups, (0.8, 0.1, 0.1), seed=3)
    assert all(np.array_equal(a, b) for a, b in zip((tr, va, te), again))
    other = split_indices(labels, groups, (0.8, 0.1, 0.1), seed=4)
    assert not np.array_equal(te, other[2])


def test_split_of_a_tiny_class_keeps_one_for_training():
    labels = np.array(["none"] * 20 + ["rock"])
    tr, va, te = split_indices(labels, np.arange(21).astype(str), (0.8, 0.1, 0.1), seed=0)
    assert 20 in tr.tolist()


# --------------------------------------------------------------------------- the rebuild


@pytest.mark.integration
def test_synthetic_set_is_deterministic_and_does_not_depend_on_workers():
    recipe = Recipe(poses_per_gesture=3, views=2, seed=5)
    one = generate(recipe, workers=1)
    two = generate(recipe, workers=2)
    for field in ("world", "handedness", "label", "source"):
        np.testing.assert_array_equal(getattr(one, field), getattr(two, field))
    assert len(one) == 2 * sum(recipe.count(label) for label in LABELS)
    other = generate(Recipe(poses_per_gesture=3, views=2, seed=6), workers=1)
    assert not np.array_equal(one.world, other.world)


def test_synthetic_none_keeps_clear_of_the_click():
    """No synthetic "none" pose is a 👌: seen face-on (views turned only in the image
    plane, no noise), every one has its thumb and index tips apart, or not all of middle,
    ring and pinky up. (Turned out of the plane, a few can look like one from the camera;
    they stay "none", as they are.)"""
    from kiosk.gestures.classifier import ok_strength

    face_on = Recipe(poses_per_gesture=60, views=1, seed=9, max_pitch=0.0, side_fraction=0.0, back_fraction=0.0,
                     max_front_yaw=0.0, noise_std=0.0, depth_stretch=(1.0, 1.0), depth_bend=0.0, depth_noise=0.0)
    strengths = [ok_strength(sample("none", i, face_on)[0][0].astype(np.float64))
                 for i in range(face_on.count("none"))]
    assert max(strengths) < 0.6
    assert sum(s > 0 for s in strengths) > 5  # near misses are in there: the check is not vacuous


@pytest.mark.slow
def test_build_is_byte_for_byte_reproducible(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KIOSK_DATA", str(tmp_path / "no-data-here"))  # no recorded hands: synthetic only
    argv = ["build-gesture-model", "--poses", "4", "--views", "2", "--workers", "1", *TINY]
    code_a, out_a, err_a = run([*argv, "--out", str(tmp_path / "a.npz"), "--export-dir", str(tmp_path / "rep")], capsys)
    code_b, _, _ = run([*argv, "--out", str(tmp_path / "b.npz")], capsys)
    assert code_a == code_b == 0
    assert "synthetic hands only" in err_a
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    code_c, _, _ = run([*argv, "--out", str(tmp_path / "c.npz"), "--seed", "1"], capsys)
    assert code_c == 0 and (tmp_path / "c.npz").read_bytes() != (tmp_path / "a.npz").read_bytes()
    model = M.load_model(tmp_path / "a.npz")
    assert model.labels == devset.LABELS
    assert model.meta["recipe"]["poses_per_gesture"] == 4 and model.meta["training"]["hparams"]["epochs"] == 3
    assert model.meta["data"]["recorded"] is None
    report = json.loads((tmp_path / "rep" / "report.json").read_text())
    assert report["training"]["hands"]["train"]["thumbs_down"] > 0  # the synthetic 👍 turned over
    assert len(report["history"]) == 3
    for png in ("confusion.png", "curves.png"):
        assert cv2.imread(str(tmp_path / "rep" / png)) is not None
    assert "wrote" in out_a


def test_build_from_recorded_landmarks_records_their_hash(tmp_path, capsys):
    from tests.test_devset import record, write

    labels = ["ok", "fist", "palm", "other", "thumbs_up", "thumbs_down", "point", "peace"]
    write(tmp_path / "landmarks.jsonl",
          [record(label, source=f"p{k % 3}", seed=10 * k + j) for k, label in enumerate(labels) for j in range(3)])
    argv = ["build-gesture-model", "--data", str(tmp_path), "--workers", "1", *TINY]
    assert run([*argv, "--out", str(tmp_path / "a.npz")], capsys)[0] == 0
    assert run([*argv, "--out", str(tmp_path / "b.npz")], capsys)[0] == 0
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    model = M.load_model(tmp_path / "a.npz")
    rec = model.meta["data"]["recorded"]
    assert rec["sha256"] == devset.read(tmp_path).sha256 and rec["hands"] == 24
    assert rec["sources"] == ["p0", "p1", "p2"] and model.meta["data"]["synthetic_hands"] == 0  # the default: real only
    assert model.meta["training"]["hands"]["train"]["none"] == 3 * 4  # "other" is none; 3 augmented copies each
    code, _, err = run([*argv, "--out", str(tmp_path / "c.npz"), "--exclude-source", "p1"], capsys)
    assert code == 0 and M.load_model(tmp_path / "c.npz").meta["data"]["recorded"]["sources"] == ["p0", "p2"]
    code, _, err = run([*argv, "--out", str(tmp_path / "d.npz"), "--exclude-source", "nobody"], capsys)
    assert code == 2 and "nobody" in err and not (tmp_path / "d.npz").exists()


# --------------------------------------------------------------------------- train, with a fake detector


def rock_pose() -> HandPose:
    """Index and pinky up, middle and ring curled: a gesture the shipped model does not know."""
    f = POSES["palm"].fingers
    c = POSES["fist"].fingers
    return HandPose(fingers=(f[0], c[1], c[2], f[3]), thumb=POSES["fist"].thumb)


class FakeDetector:
    """Stands in for MediaPipeHandTracker: a uniform image's colour says which hand it shows."""

    hands: dict[int, Hand] = {}
    calls = 0
    created: list[dict] = []

    def __init__(self, model, **kwargs):
        FakeDetector.created.append(kwargs)

    def detect(self, image_bgr, mirrored=False):
        assert mirrored is True  # photos are detected the way the kiosk sees them
        FakeDetector.calls += 1
        b, g, _ = (int(v) for v in image_bgr[0, 0])
        hand = FakeDetector.hands.get(b + 256 * g)
        return [] if hand is None else [hand]

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def write_image(path: Path, index: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.full((6, 6, 3), (index % 256, index // 256, 99), np.uint8))


@pytest.fixture
def fake_detector(monkeypatch):
    import kiosk.vision.tracker

    FakeDetector.hands, FakeDetector.calls, FakeDetector.created = {}, 0, []
    monkeypatch.setattr(kiosk.vision.tracker, "MediaPipeHandTracker", FakeDetector)
    return FakeDetector


def make_dataset(root: Path, counts: dict[str, int], seed: int = 0) -> None:
    """counts per label; hands from handgen (rock from rock_pose), one image each."""
    rng = np.random.default_rng(seed)
    recipe = Recipe(seed=seed + 100, views=1)
    index = 1
    for label, n in counts.items():
        for k in range(n):
            if label == "none":
                world, handedness = sample("none", k, recipe)
                world = world[0]
            elif label == "rock":
                handedness = ("Left", "Right")[k % 2]
                world = pose_world(rock_pose(), random_shape(rng), handedness)
            else:
                s = synth_hand(label, rng)
                world, handedness = s.world, s.handedness
            FakeDetector.hands[index] = Hand(np.zeros((21, 3)), np.asarray(world, np.float64), handedness, 0.9)
            write_image(root / label / f"{label}_{k:03d}.png", index)
            index += 1


@pytest.fixture
def hand_model(tmp_path) -> Path:
    path = tmp_path / "fake_hand_landmarker.task"
    path.write_bytes(b"not a real model: the detector is faked")
    return path


def test_train_end_to_end(tmp_path, capsys, fake_detector, hand_model):
    data = tmp_path / "data"
    make_dataset(data, {"none": 24, "ok": 16, "rock": 16})
    write_image(data / "ok" / "empty.png", 4000)  # no hand in it
    (data / "rock" / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    (data / "rock" / "notes.txt").write_text("not an image")
    out_dir = tmp_path / "out"
    argv = ["train", str(data), "--export-dir", str(out_dir), "--model", str(hand_model), *TINY]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == ["confusion.png", "curves.png", "gestures.npz", "report.json"]
    model = M.load_model(out_dir / "gestures.npz")
    assert model.labels == ("none", "ok", "rock")
    report = json.loads((out_dir / "report.json").read_text())
    ds = report["dataset"]
    assert ds["hands"] == {"none": 24, "ok": 16, "rock": 16}
    assert [Path(p).name for p in ds["no_hand"]] == ["empty.png"]
    assert [Path(p).name for p in ds["unreadable"]] == ["broken.jpg"]
    assert [Path(p).name for p in ds["ignored"]] == ["notes.txt"]
    assert sum(sum(row) for row in report["test"]["confusion"]) == report["test"]["hands"] > 0
    assert report["test"]["loss"] > 0 and 0 <= report["test"]["accuracy"] <= 1
    # One line per skipped file, naming it.
    assert len([line for line in err.splitlines() if "broken.jpg" in line]) == 1
    assert len([line for line in err.splitlines() if "notes.txt" in line]) == 1
    assert fake_detector.calls == 24 + 16 + 16 + 1
    assert fake_detector.created[0]["min_hand_detection_confidence"] == 0.5

    # The cache: a second run detects nothing; new detector settings detect everything again.
    assert (data / CACHE_NAME).is_file()
    fake_detector.calls = 0
    code, _, _ = run(argv, capsys)
    assert code == 0 and fake_detector.calls == 0
    assert json.loads((out_dir / "report.json").read_text())["dataset"]["from_cache"] == 57
    code, _, _ = run([*argv, "--min-detection-confidence", "0.4"], capsys)
    assert code == 0 and fake_detector.calls == 57
    # A changed image is detected again, and only it.
    fake_detector.calls = 0
    write_image(data / "ok" / "ok_000.png", 4001)
    code, _, _ = run(argv, capsys)
    assert code == 0 and fake_detector.calls == 1


def test_default_export_dir_is_beside_the_dataset(tmp_path, capsys, fake_detector, hand_model):
    data = tmp_path / "photos"
    make_dataset(data, {"none": 6, "ok": 6})
    code, _, err = run(["train", str(data), "--model", str(hand_model), *TINY], capsys)
    assert code == 0, err
    assert (tmp_path / "photos-model" / "gestures.npz").is_file()
    assert not (data / "gestures.npz").exists()


def test_train_learns_the_new_class(tmp_path, capsys, fake_detector, hand_model):
    data = tmp_path / "data"
    make_dataset(data, {"none": 40, "ok": 30, "rock": 30})
    argv = ["train", str(data), "--export-dir", str(tmp_path / "out"), "--model", str(hand_model),
            "--epochs", "30", "--layer-widths", "16"]
    assert run(argv, capsys)[0] == 0
    clf = M.load_classifier(tmp_path / "out" / "gestures.npz", click="model")
    rng = np.random.default_rng(123)
    rocks = [Hand(np.zeros((21, 3)), pose_world(rock_pose(), random_shape(rng), h), h, 0.9)
             for h in ("Left", "Right") * 5]
    assert sum(clf.classify(h).label == "rock" for h in rocks) >= 8


def train_rock_on(base, tmp_path, hand_model, capsys, out: str = "out") -> tuple[int, str]:
    """`train --base BASE` on a dataset adding a "rock" class; -> (exit code, stderr)."""
    data = tmp_path / "data"
    if not data.exists():
        make_dataset(data, {"none": 6, "rock": 10})
    argv = ["train", str(data), "--export-dir", str(tmp_path / out), "--model", str(hand_model),
            "--base", str(base), "--workers", "1", *TINY]
    code, _, err = run(argv, capsys)
    return code, err


def test_train_with_base_keeps_the_synthetic_classes(tmp_path, capsys, fake_detector, hand_model, monkeypatch):
    monkeypatch.setenv("KIOSK_DATA", str(tmp_path / "no-data-here"))  # a synthetic-only base
    base = tmp_path / "base.npz"
    build = ["build-gesture-model", "--poses", "6", "--views", "1", "--workers", "1", "--out", str(base), *TINY]
    assert run(build, capsys)[0] == 0
    code, err = train_rock_on(base, tmp_path, hand_model, capsys)
    assert code == 0, err
    model = M.load_model(tmp_path / "out" / "gestures.npz")
    assert model.labels == (*devset.LABELS, "rock")
    assert model.meta["recipe"] == M.load_model(base).meta["recipe"]
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["training"]["hands"]["train"]["palm"] > 0  # regenerated, not collected
    assert report["dataset"]["base"] == str(base)


def test_train_with_base_keeps_the_recorded_hands_it_learned_from(tmp_path, capsys, fake_detector, hand_model,
                                                                  monkeypatch):
    from tests.test_devset import record, write

    (tmp_path / "shared" / "dev-photos").mkdir(parents=True)
    write(tmp_path / "shared" / "dev-photos" / "landmarks.jsonl",
          [record(label, source=f"p{j}", seed=7 * j + len(label)) for label in ("ok", "thumbs_down", "fist")
           for j in range(4)])
    monkeypatch.setenv("KIOSK_DATA", str(tmp_path / "shared"))
    base = tmp_path / "base.npz"
    assert run(["build-gesture-model", "--out", str(base), "--workers", "1", *TINY], capsys)[0] == 0
    assert M.load_model(base).meta["recipe"] is None  # recorded hands only
    code, err = train_rock_on(base, tmp_path, hand_model, capsys)
    assert code == 0, err
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    hands = {k: sum(split[k] for split in report["training"]["hands"].values()) for k in ("thumbs_down", "rock")}
    assert hands == {"thumbs_down": 4 * 4, "rock": 10}  # the base's 4 recorded 👎, x4 with augmentation
    # Without those recordings here, a base with no synthetic recipe cannot keep its classes: one line.
    monkeypatch.setenv("KIOSK_DATA", str(tmp_path / "elsewhere"))
    code, err = train_rock_on(base, tmp_path, hand_model, capsys, out="out2")
    assert code == 2 and "cannot be kept" in err and not (tmp_path / "out2").exists()


def test_conflicting_none_drops_only_the_none_hands_inside_a_new_class():
    rng = np.random.default_rng(0)
    d = 105
    none = rng.normal(0, 1, (400, d))
    centre = np.full(d, 4.0)
    new = centre + rng.normal(0, 0.3, (30, d))
    inside = centre + rng.normal(0, 0.1, (5, d))
    drop = conflicting_none(np.concatenate([none, inside]), [new])
    assert drop[400:].all()
    assert not drop[:400].any()


# --------------------------------------------------------------------------- bad input


def expect_input_error(argv, capsys, needle: str, out_dir: Path) -> None:
    code, out, err = run(argv, capsys)
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 2, err
    assert len(lines) == 1 and needle in lines[0], err
    assert not out_dir.exists() or not any(out_dir.iterdir())  # nothing written


@pytest.mark.parametrize("layout, needle", [
    ({}, "no label folders"),
    ({"ok": 3, "rock": 3}, "no 'none' folder"),
    ({"none": 3}, "only one label"),
    ({"none": 0, "ok": 0}, "no images"),
    ({"none": 0, "ok": 3}, "'none' folder has no images"),
])
def test_bad_dataset_layouts(tmp_path, capsys, fake_detector, hand_model, layout, needle):
    data = tmp_path / "data"
    data.mkdir()
    index = 1
    for label, n in layout.items():
        (data / label).mkdir()
        for k in range(n):
            fake_detector.hands[index] = synth_hand("ok", np.random.default_rng(k))
            write_image(data / label / f"{k}.png", index)
            index += 1
    out_dir = tmp_path / "out"
    expect_input_error(["train", str(data), "--export-dir", str(out_dir), "--model", str(hand_model), *TINY],
                       capsys, needle, out_dir)
    assert fake_detector.calls == 0  # refused before any detection


def test_missing_dataset_folder(tmp_path, capsys, hand_model):
    out_dir = tmp_path / "out"
    expect_input_error(["train", str(tmp_path / "nope"), "--export-dir", str(out_dir), "--model", str(hand_model)],
                       capsys, "folder not found", out_dir)


def test_a_dataset_of_corrupt_images(tmp_path, capsys, fake_detector, hand_model):
    data = tmp_path / "data"
    for label in ("none", "ok"):
        (data / label).mkdir(parents=True)
        for k in range(3):
            (data / label / f"{k}.jpg").write_bytes(b"garbage" * k)
    out_dir = tmp_path / "out"
    code, _, err = run(["train", str(data), "--export-dir", str(out_dir), "--model", str(hand_model)], capsys)
    assert code == 2
    assert len([line for line in err.splitlines() if "not a readable image" in line]) == 6
    assert err.strip().splitlines()[-1].startswith("error:") and "no hand found" in err
    assert not out_dir.exists()


def test_no_hand_in_the_none_images(tmp_path, capsys, fake_detector, hand_model):
    data = tmp_path / "data"
    make_dataset(data, {"ok": 4, "rock": 4})
    write_image(data / "none" / "blank.png", 5000)
    out_dir = tmp_path / "out"
    expect_input_error(["train", str(data), "--export-dir", str(out_dir), "--model", str(hand_model)],
                       capsys, "no hand found in any 'none' image", out_dir)


@pytest.mark.parametrize("extra, needle", [
    (["--split", "0.5,0.1,0.1"], "sum to 1"),
    (["--epochs", "0"], "--epochs"),
    (["--learning-rate", "-1"], "--learning-rate"),
    (["--dropout-rate", "1.5"], "--dropout-rate"),
    (["--min-detection-confidence", "2"], "--min-detection-confidence"),
])
def test_bad_options(tmp_path, capsys, fake_detector, hand_model, extra, needle):
    data = tmp_path / "data"
    make_dataset(data, {"none": 3, "ok": 3})
    out_dir = tmp_path / "out"
    expect_input_error(["train", str(data), "--export-dir", str(out_dir), "--model", str(hand_model), *extra],
                       capsys, needle, out_dir)


def test_bad_base_model(tmp_path, capsys, fake_detector, hand_model):
    data = tmp_path / "data"
    make_dataset(data, {"none": 3, "rock": 3})
    bad = tmp_path / "base.npz"
    bad.write_bytes(b"PK\x03\x04 not really")
    out_dir = tmp_path / "out"
    expect_input_error(["train", str(data), "--export-dir", str(out_dir), "--model", str(hand_model),
                        "--base", str(bad)], capsys, "gesture model", out_dir)


def test_export_dir_that_is_a_file(tmp_path, capsys, fake_detector, hand_model):
    data = tmp_path / "data"
    make_dataset(data, {"none": 3, "ok": 3})
    target = tmp_path / "out"
    target.write_text("a file")
    code, _, err = run(["train", str(data), "--export-dir", str(target), "--model", str(hand_model)], capsys)
    assert code == 2 and "not a folder" in err and target.read_text() == "a file"


def test_a_failed_export_leaves_no_file(tmp_path, capsys, fake_detector, hand_model, monkeypatch):
    """Files are staged first and renamed only when all are written: a failure part-way leaves nothing."""
    import kiosk.files as files

    data = tmp_path / "data"
    make_dataset(data, {"none": 6, "ok": 6})
    real_stage, staged = files.stage, []

    def failing_stage(path, blob, **kw):
        if out_dir not in Path(path).parents:  # the landmark cache
            return real_stage(path, blob, **kw)
        if len(staged) == 2:
            raise OSError(28, "No space left on device", str(path))
        staged.append(real_stage(path, blob, **kw))
        return staged[-1]

    out_dir = tmp_path / "out"
    monkeypatch.setattr(files, "stage", failing_stage)  # export writes through kiosk.files
    code, _, err = run(["train", str(data), "--export-dir", str(out_dir), "--model", str(hand_model), *TINY], capsys)
    assert code == 2 and "No space left" in err
    assert list(out_dir.iterdir()) == []  # neither final files nor temporary ones
