"""The headless kiosk on the real scenario video (../shared/data/scenarios/point-and-click.mp4).

Ground truth: 👌 twice, each after the pointing hand rests; palm, fist, thumbs up and
peace never click. Skipped when the data is absent.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from kiosk.interaction.pointer import Pointer, PointerConfig
from tests.conftest import REPO

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SIZE = (1920, 1080)
TOLERANCE_PX = 40


@pytest.fixture(scope="module")
def run(data_dir, model, tmp_path_factory):
    video = data_dir / "scenarios" / "point-and-click.mp4"
    truth = data_dir / "scenarios" / "point-and-click.json"
    if not (video.is_file() and truth.is_file()):
        pytest.skip("scenario video not found")
    out = tmp_path_factory.mktemp("scenario")
    events = out / "events.jsonl"
    done = subprocess.run(
        [sys.executable, "main.py", "--source", str(video), "--headless", "--size", f"{SIZE[0]}x{SIZE[1]}",
         "--events", str(events), "--db", str(out / "orders.db")],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in events.read_text().splitlines()]
    return lines, json.loads(truth.read_text())


def test_every_frame_is_logged_with_its_own_time(run):
    lines, truth = run
    frames = [e for e in lines if e["type"] == "frame"]
    assert [e["i"] for e in frames] == list(range(len(truth["frames"])))
    assert all(abs(e["t"] - e["i"] / truth["fps"]) < 1e-4 for e in frames)


def test_fingertip_matches_ground_truth(run):
    """The tracked fingertip (mirrored frame) is where the video says it is, mirrored."""
    lines, truth = run
    frames = {e["i"]: e for e in lines if e["type"] == "frame"}
    errors = [math.dist(frames[g["i"]]["tip"], (1 - g["tip"][0], g["tip"][1]))
              for g in truth["frames"] if g["label"] == "point" and frames[g["i"]]["tip"] is not None]
    assert len(errors) > 100
    assert sorted(errors)[len(errors) // 2] < 0.01  # median under 1% of the frame


def test_exactly_two_clicks_where_the_cursor_rested(run):
    lines, truth = run
    clicks = [e for e in lines if e["type"] == "click"]
    oks = [s for s in truth["segments"] if s["label"] == "ok"]
    assert len(clicks) == len(oks) == 2
    frames = {e["i"]: e for e in lines if e["type"] == "frame"}
    pointer = Pointer(SIZE, PointerConfig())
    for click, seg in zip(clicks, oks):
        assert seg["start"] <= click["i"] <= seg["end"] + 5, "the click belongs to this 👌"
        rest = frames[seg["start"] - 1]["cursor"]  # the kiosk's own cursor, resting before the 👌
        assert math.dist(click["pos"], rest) <= TOLERANCE_PX
        g = truth["frames"][seg["start"] - 1]["tip"]  # and where the ground truth says it rested
        assert math.dist(click["pos"], pointer.to_screen((1 - g[0], g[1]))) <= TOLERANCE_PX


def test_no_press_during_poses_that_must_not_click(run):
    lines, truth = run
    quiet = [s for s in truth["segments"] if s["label"] in ("palm", "fist", "thumbs_up", "peace")]
    assert {s["label"] for s in quiet} == {"palm", "fist", "thumbs_up", "peace"}
    presses = [e for e in lines if e["type"] in ("press", "click")]
    for s in quiet:
        assert not [e for e in presses if s["start"] <= e["i"] < s["end"]], s["label"]
