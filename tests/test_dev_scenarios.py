"""The real kiosk on scenario videos of people its gesture model never saw.

For three people of the dev photos (the first three, by name, who have pointing, 👌, ✊
and ✋ photos): a gesture model is built without them (`build-gesture-model
--exclude-source`), a scenario video is made of their photos (`make-scenario`: point,
rest, 👌 for 0.27 s, move on, twice; then 👎, ✊, ✋), and the headless kiosk is run on it
with that model. It must click exactly once per 👌, where the cursor rested before it,
and never press during 👎, ✊ or ✋. Skipped without the dev photos.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SIZE = (1920, 1080)
TOLERANCE_PX = 40
PEOPLE = ("akhil", "cankaya", "carbonara")


@pytest.fixture(scope="module")
def dev_photos(data_dir):
    folder = data_dir / "dev-photos"
    if not (folder / "landmarks.jsonl").is_file():
        pytest.skip("dev photos not found")
    return folder


@pytest.fixture(scope="module")
def unseen_model(dev_photos, tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "gestures.npz"
    excluded = [arg for p in PEOPLE for arg in ("--exclude-source", p)]
    done = subprocess.run([sys.executable, "main.py", "build-gesture-model", "--data", str(dev_photos), "--out",
                           str(path), *excluded], cwd=REPO, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    return path


def run_scenario(person: str, dev_photos, model, out) -> tuple[list[dict], dict]:
    video = out / f"{person}.mp4"
    made = subprocess.run([sys.executable, "main.py", "make-scenario", "--data", str(dev_photos), "--source", person,
                           "--out", str(video)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr[-2000:]
    events = out / f"{person}.jsonl"
    done = subprocess.run(
        [sys.executable, "main.py", "--source", str(video), "--headless", "--size", f"{SIZE[0]}x{SIZE[1]}",
         "--events", str(events), "--db", str(out / "orders.db"), "--gesture-model", str(model)],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return [json.loads(line) for line in events.read_text().splitlines()], json.loads(video.with_suffix(".json").read_text())


@pytest.mark.parametrize("person", PEOPLE)
def test_clicks_exactly_once_per_ok_where_the_cursor_rested(person, dev_photos, unseen_model, tmp_path):
    from kiosk.gestures.model import load_model

    assert person not in load_model(unseen_model).meta["data"]["recorded"]["sources"]
    lines, truth = run_scenario(person, dev_photos, unseen_model, tmp_path)
    frames = {e["i"]: e for e in lines if e["type"] == "frame"}
    assert len(frames) == len(truth["frames"])
    oks = [s for s in truth["segments"] if s["label"] == "ok"]
    assert len(oks) == 2 and all(s["end"] - s["start"] == 8 for s in oks)  # 0.27 s each
    clicks = [e for e in lines if e["type"] == "click"]
    assert len(clicks) == len(oks), [(c["i"], c["target"]) for c in clicks]
    for click, seg in zip(clicks, oks):
        assert seg["start"] <= click["i"] <= seg["end"] + 5, "the click belongs to this 👌"
        rest = frames[seg["start"] - 1]["cursor"]
        assert math.dist(click["pos"], rest) <= TOLERANCE_PX
    quiet = [s for s in truth["segments"] if s["label"] in ("thumbs_down", "fist", "palm")]
    assert {s["label"] for s in quiet} == {"thumbs_down", "fist", "palm"}
    presses = [e for e in lines if e["type"] in ("press", "click")]
    for s in quiet:
        assert not [e for e in presses if s["start"] <= e["i"] < s["end"]], s["label"]
