"""`collect`: only frames with a hand are saved, unmirrored, under names that never collide.

The loop is tested with rendered frames (a synthetic hand skeleton drawn on a textured,
left-right asymmetric picture) and a fake tracker that says which frames have a hand;
MediaPipe would not see a hand in a drawing. One end-to-end run uses the real photos
(../shared/data/hand-photos) through ImageFolderSource and the real HandLandmarker.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re

import cv2
import numpy as np
import pytest

from kiosk.tools.annotate import draw_hands
from kiosk.config import Config
from kiosk.errors import InputError, KioskError
from kiosk.training import collect as C
from kiosk.gestures.handgen import POSES, pose_world, render
from kiosk.types import Frame, Hand
from kiosk.vision.sources import IMAGE_SUFFIXES, mirror

SUMMARY = re.compile(r"^saved (\d+) images with a hand to (.+) \((\d+) frames without a hand skipped\)$")


def synth_hand(anchor=(0.4, 0.45)) -> Hand:
    s = render(pose_world(POSES["palm"]), anchor=anchor)
    return Hand(s.landmarks, s.world, s.handedness, 0.99)


def picture(i: int, with_hand: bool, size=(320, 240)) -> np.ndarray:
    """A distinct, left-right asymmetric picture (as the camera saw it), with a drawn hand or not."""
    w, h = size
    rng = np.random.default_rng(i)
    img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    img[:, : w // 4] = (30 * (i % 8), 200, 90)  # a band on the left only
    cv2.putText(img, str(i), (10, 40), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 2)
    if with_hand:
        img = draw_hands(img, [synth_hand()], [""])
    return img


class FakeSource:
    """Frames as a real source makes them: mirrored, t = i / fps."""

    live = False

    def __init__(self, pictures, fps=10.0, interrupt_at=None):
        self.name, self.fps = "fake", fps
        self.pictures = list(pictures)
        self.reads = 0
        self.interrupt_at = interrupt_at
        self.closed = False

    def read(self):
        if self.interrupt_at is not None and self.reads == self.interrupt_at:
            raise KeyboardInterrupt
        if self.reads >= len(self.pictures):
            return None
        i = self.reads
        self.reads += 1
        return Frame(mirror(self.pictures[i]), i / self.fps, i)

    def close(self):
        self.closed = True


class FakeTracker:
    """Reports a hand in the frames whose index is in `with_hand`."""

    def __init__(self, with_hand):
        self.with_hand = set(with_hand)
        self.seen: list[int] = []

    def process(self, frame):
        self.seen.append(frame.index)
        return [synth_hand()] if frame.index in self.with_hand else []

    def close(self):
        pass


def scene(n, with_hand):
    return [picture(i, i in with_hand) for i in range(n)]


def read(path):
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert image is not None, path
    return image


def files(folder):
    return sorted(p for p in folder.iterdir())


# -- the loop -----------------------------------------------------------------------------------

def test_only_frames_with_a_hand_are_saved_unmirrored(tmp_path):
    with_hand = {1, 2, 4, 7}
    pics = scene(9, with_hand)
    out = tmp_path / "ds" / "palm"
    result = C.collect(FakeSource(pics), FakeTracker(with_hand), out, count=100, fmt="png")
    assert result.stopped == "end"
    assert result.frames == 9 and result.without_hand == 5
    assert [p.name for p in result.saved] == ["palm_00001.png", "palm_00002.png", "palm_00003.png", "palm_00004.png"]
    assert files(out) == result.saved  # and nothing else: no temp files
    for path, i in zip(result.saved, sorted(with_hand)):
        assert np.array_equal(read(path), pics[i])  # exactly the camera's picture, not the mirrored frame
        assert not np.array_equal(read(path), mirror(pics[i]))


def test_jpeg_is_the_default_and_looks_like_the_picture(tmp_path):
    pics = scene(2, {0, 1})
    result = C.collect(FakeSource(pics), FakeTracker({0, 1}), tmp_path / "fist", count=5)
    assert [p.suffix for p in result.saved] == [".jpg", ".jpg"]
    for path, pic in zip(result.saved, pics):
        with open(path, "rb") as f:
            assert f.read(3) == b"\xff\xd8\xff"
        # JPEG is lossy and the picture is noise; compare 8x8 block means, which JPEG keeps.
        def small(image):
            return cv2.resize(image, (40, 30), interpolation=cv2.INTER_AREA).astype(int)

        saved = small(read(path))
        assert np.abs(saved - small(pic)).mean() < 4
        assert np.abs(saved - small(mirror(pic))).mean() > 20


def test_stops_after_count_without_reading_further(tmp_path):
    source, tracker = FakeSource(scene(10, set(range(10)))), FakeTracker(range(10))
    result = C.collect(source, tracker, tmp_path / "ok", count=3, fmt="png")
    assert result.stopped == "count" and len(result.saved) == 3
    assert source.reads == 3 and tracker.seen == [0, 1, 2]


def test_every_spaces_saved_frames_on_the_frame_clock(tmp_path):
    pics = scene(11, set(range(11)))  # t = 0.0, 0.1, ..., 1.0 s
    result = C.collect(FakeSource(pics, fps=10), FakeTracker(range(11)), tmp_path / "ok", count=100, every=0.25,
                       fmt="png")
    # >= 0.25 s after the previous save: t = 0.0, 0.3, 0.6, 0.9
    kept = [i for path in result.saved for i in range(11) if np.array_equal(read(path), pics[i])]
    assert kept == [0, 3, 6, 9]
    assert result.without_hand == 0  # frames held back by --every are not "without a hand"


def test_a_second_run_never_overwrites(tmp_path):
    out = tmp_path / "peace"
    out.mkdir()
    (out / "peace_00001.png").write_bytes(b"someone else's file")
    (out / "peace_00003.png").write_bytes(b"another one")
    first = C.collect(FakeSource(scene(3, {0, 1, 2})), FakeTracker({0, 1, 2}), out, count=3, fmt="png")
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files(out)}
    second = C.collect(FakeSource(scene(2, {0, 1})), FakeTracker({0, 1}), out, count=2, fmt="png")
    assert (out / "peace_00001.png").read_bytes() == b"someone else's file"
    assert (out / "peace_00003.png").read_bytes() == b"another one"
    assert all(hashlib.sha256(p.read_bytes()).hexdigest() == h for p, h in before.items())
    names = [p.name for p in first.saved + second.saved]
    assert len(set(names)) == 5
    assert len(files(out)) == 7


def test_two_writers_in_one_folder_do_not_collide(tmp_path):
    a, b = C.ImageWriter(tmp_path, "x", "png"), C.ImageWriter(tmp_path, "x", "png")
    images = [picture(i, False, (40, 30)) for i in range(4)]
    paths = [a.write(images[0]), b.write(images[1]), b.write(images[2]), a.write(images[3])]
    assert len(set(paths)) == 4
    for path, image in zip(paths, images):
        assert np.array_equal(read(path), image)


def test_without_hard_links_it_still_writes_complete_files(tmp_path, monkeypatch):
    def no_links(src, dst):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    (tmp_path / "x_00001.png").write_bytes(b"taken")
    w = C.ImageWriter(tmp_path, "x", "png")
    image = picture(5, False, (40, 30))
    path = w.write(image)
    assert path.name == "x_00002.png" and np.array_equal(read(path), image)
    assert (tmp_path / "x_00001.png").read_bytes() == b"taken"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x_00001.png", "x_00002.png"]


def test_ctrl_c_keeps_what_was_saved(tmp_path):
    source = FakeSource(scene(5, set(range(5))), interrupt_at=2)
    result = C.collect(source, FakeTracker(range(5)), tmp_path / "ok", count=10, fmt="png")
    assert result.stopped == "interrupt" and len(result.saved) == 2
    assert files(tmp_path / "ok") == result.saved


def test_a_view_that_returns_false_stops_the_run(tmp_path):
    calls = []

    def view(frame, hands, saved):
        calls.append((frame.index, len(hands), saved))
        return frame.index < 2

    result = C.collect(FakeSource(scene(6, {0, 2, 3})), FakeTracker({0, 2, 3}), tmp_path / "ok", count=10,
                       on_frame=view)
    assert result.stopped == "quit"
    assert calls == [(0, 1, 1), (1, 0, 1), (2, 1, 2)]


def test_progress_lines_and_summary(tmp_path):
    import io

    out = io.StringIO()
    result = C.collect(FakeSource(scene(4, {1, 3})), FakeTracker({1, 3}), tmp_path / "ok", count=10, out=out)
    lines = out.getvalue().splitlines()
    assert lines == [f"[1/10] saved {result.saved[0]}", f"[2/10] saved {result.saved[1]}"]
    m = SUMMARY.match(C.summary(result, tmp_path / "ok"))
    assert m and m.groups() == ("2", str(tmp_path / "ok"), "2")


# -- the window ----------------------------------------------------------------------------------

def test_the_window_draws_landmarks_and_quits_on_close(tmp_path):
    import pygame

    view = C.PygameView("palm", 10)
    frame = Frame(mirror(picture(0, False)), 0.0, 0)
    hand = synth_hand(anchor=(0.7, 0.6))
    try:
        assert view(frame, [hand], 3) is True
        surface = pygame.display.get_surface()
        w, h = surface.get_size()
        assert (w, h) == frame.size
        x, y = hand.landmarks[0, :2]
        assert surface.get_at((round(x * w), round(y * h)))[:3] == (80, 230, 160)
        pygame.event.clear()
        pygame.event.post(pygame.event.Event(pygame.QUIT))
        assert view(frame, [], 3) is False
    finally:
        view.close()


def test_ctrl_q_quits_the_window():
    import pygame

    view = C.PygameView("palm", 10)
    frame = Frame(mirror(picture(0, False)), 0.0, 0)
    try:
        assert view(frame, [], 0) is True
        pygame.event.clear()
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_q, mod=pygame.KMOD_LCTRL))
        assert view(frame, [], 0) is False
    finally:
        view.close()


# -- validation and the command -----------------------------------------------------------------

@pytest.mark.parametrize("label", ["ok", "thumbs_up", "peace-2", "a", "x" * 64])
def test_safe_labels(label):
    assert C.validate_label(label) == label


@pytest.mark.parametrize("label", ["OK", "thumbs up", "../x", "", ".hidden", "-x", "_x", "a/b", "é", "x" * 65, "ok\n"])
def test_unsafe_labels_are_one_line_input_errors(label):
    with pytest.raises(InputError) as e:
        C.validate_label(label)
    assert "\n" not in str(e.value)


def parse(*argv):
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="command")
    C.add_parser(sub)
    return p.parse_args(["collect", *argv])


def test_defaults_of_the_command():
    args = parse("--label", "ok", "--dataset", "d")
    assert (args.count, args.every, args.headless, args.source, args.format) == (100, None, False, None, "jpg")


def test_bad_dataset_paths(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    (tmp_path / "ds").mkdir()
    (tmp_path / "ds" / "ok").write_text("x")
    for dataset, label in ((a_file, "ok"), (a_file / "sub", "ok"), (tmp_path / "ds", "ok")):
        with pytest.raises(InputError) as e:
            C.cmd_collect(parse("--label", label, "--dataset", str(dataset), "--headless"), Config())
        assert "\n" not in str(e.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds", "file"]


@pytest.mark.integration
@pytest.mark.parametrize("argv, exc, words", [
    (("--label", "Bad Label"), InputError, "--label"),
    (("--label", "ok", "--count", "0"), InputError, "--count"),
    (("--label", "ok", "--every", "-1"), InputError, "--every"),
    (("--label", "ok", "--source", "demo"), InputError, "demo"),
    (("--label", "ok", "--source", "nowhere.mp4"), InputError, "nowhere.mp4"),
    (("--label", "ok", "--source", "57"), KioskError, "no camera at index 57"),
    (("--label", "ok", "--model", "absent.task"), KioskError, "absent.task"),
])
def test_one_line_errors(tmp_path, model, argv, exc, words):
    with pytest.raises(exc) as e:
        C.cmd_collect(parse(*argv, "--dataset", str(tmp_path / "ds"), "--headless"), Config())
    assert words in str(e.value) and "\n" not in str(e.value)
    assert not (tmp_path / "ds").exists()  # nothing created on an error before the first frame


# -- end to end with the real tracker on real photos ----------------------------------------------

@pytest.mark.integration
def test_real_photos_end_to_end(tmp_path, model, data_dir, capsys):
    photos = data_dir / "hand-photos"
    if not photos.is_dir():
        pytest.skip(f"{photos} not found")
    chosen = [photos / n for n in ("fist.jpg", "like.jpg", "ok.jpg", "palm.jpg")]
    if not all(p.is_file() for p in chosen):
        pytest.skip("photos missing")
    # A folder of links to 4 real photos plus 2 pictures with no hand, in between.
    folder = tmp_path / "in"
    folder.mkdir()
    for k, p in enumerate(chosen):
        (folder / f"{2 * k}_{p.name}").symlink_to(p)
    for k in (1, 5):
        cv2.imwrite(str(folder / f"{k}_empty.png"), np.full((480, 640, 3), 60 + 30 * k, np.uint8))
    dataset = tmp_path / "ds"

    code = C.cmd_collect(parse("--label", "mixed", "--dataset", str(dataset), "--source", str(folder), "--headless",
                               "--format", "png"), Config())
    assert code == 0
    out = capsys.readouterr().out.splitlines()
    m = SUMMARY.match(out[-1])
    assert m and m.groups() == ("4", str(dataset / "mixed"), "2"), out[-1]
    assert len(out) == 5  # one progress line per saved image, then the summary
    saved = files(dataset / "mixed")
    assert len(saved) == 4
    for path, original in zip(saved, chosen):
        assert np.array_equal(read(path), read(original)), path  # unmirrored, pixel for pixel

    # A second run adds, under new names, and leaves the first run's files alone.
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in saved}
    assert C.cmd_collect(parse("--label", "mixed", "--dataset", str(dataset), "--source", str(folder), "--headless",
                               "--count", "2"), Config()) == 0
    after = files(dataset / "mixed")
    assert len(after) == 6 and len({p.name for p in after}) == 6
    assert all(hashlib.sha256(p.read_bytes()).hexdigest() == h for p, h in before.items())
    new = [p for p in after if p not in before]
    assert [p.suffix for p in new] == [".jpg", ".jpg"]
    assert all(p.suffix.lower() in IMAGE_SUFFIXES for p in after)
