"""Leave-one-source-out (kiosk.training.loso): no model ever sees the source it is tested
on, and the figures are counted as defined (expected values worked out by hand)."""
from __future__ import annotations

import numpy as np
import pytest

from kiosk.training import loso
from kiosk.training.devset import LABELS, Recorded
from kiosk.gestures.handgen import synth_hand
from kiosk.gestures.model import GestureModel
from kiosk.gestures.landmark_features import NUM_FEATURES
from kiosk.training.synthetic import LandmarkSet


def constant_model(label: str) -> GestureModel:
    """A model that answers `label` for every hand (a zero layer and a bias)."""
    bias = np.full(len(LABELS), -10.0, np.float32)
    bias[LABELS.index(label)] = 10.0
    return GestureModel(LABELS, np.zeros(NUM_FEATURES, np.float32), np.ones(NUM_FEATURES, np.float32),
                        (np.zeros((NUM_FEATURES, len(LABELS)), np.float32),), (bias,))


def recorded(sources: dict[str, list[str]]) -> Recorded:
    worlds, hands, labels, srcs = [], [], [], []
    rng = np.random.default_rng(0)
    for source, names in sources.items():
        for label in names:
            worlds.append(synth_hand("fist", rng).world)
            hands.append("Right")
            labels.append(label)
            srcs.append(source)
    n = len(worlds)
    data = LandmarkSet(np.array(worlds, np.float32), np.array(hands), np.array(labels), np.array(srcs))
    return Recorded(data, np.array([""] * n), np.full(n, 200.0), None, "x")


def test_no_model_sees_the_source_it_is_tested_on():
    rec = recorded({"a": ["ok", "fist"], "b": ["palm"], "c": ["point", "ok", "none"]})
    seen = []

    def fit(real, synth):
        seen.append((set(real.source.tolist()), len(real), synth))
        return constant_model("fist")

    p = loso.predict(rec, "real", None, fit, progress=False)
    assert seen == [({"b", "c"}, 4, None), ({"a", "c"}, 5, None), ({"a", "b"}, 3, None)]
    assert set(p.label["model"].tolist()) == {"fist"}
    assert p.true.tolist() == rec.data.label.tolist()


def test_both_adds_the_synthetic_set_and_synthetic_trains_once():
    rec = recorded({"a": ["ok"], "b": ["palm"]})
    synthetic = LandmarkSet(rec.data.world[:1], np.array(["Left"]), np.array(["none"]), np.array(["synthetic:x"]))
    calls = []

    def fit(real, synth):
        calls.append((None if real is None else sorted(set(real.source.tolist())), synth is synthetic))
        return constant_model("palm")

    loso.predict(rec, "both", synthetic, fit, progress=False)
    assert calls == [(["b"], True), (["a"], True)]
    calls.clear()
    loso.predict(rec, "synthetic", synthetic, fit, progress=False)
    assert calls == [(None, True)]


def predictions(rows: list[tuple[str, str, str, float]]) -> loso.Predictions:
    """rows: (source, true, predicted label, 👌 strength); the same for every click source."""
    source, true, label, ok = (np.array(col) for col in zip(*rows))
    return loso.Predictions(source, true, {c: label for c in ("model", "rule", "both")},
                            {c: ok.astype(float) for c in ("model", "rule", "both")})


def test_figures_count_as_defined():
    p = predictions([
        ("a", "ok", "ok", 0.9), ("a", "ok", "none", 0.2), ("a", "fist", "fist", 0.0), ("a", "palm", "ok", 0.7),
        ("b", "thumbs_down", "thumbs_up", 0.0), ("b", "thumbs_down", "thumbs_down", 0.0),
        ("b", "thumbs_up", "thumbs_up", 0.0), ("b", "ok", "ok", 0.6),
    ])
    s = loso.summarise(p, np.array([200.0] * 4 + [80.0] * 4), "model", press_at=0.6)
    o = s["overall"]
    assert o["hands"] == 8 and o["accuracy"] == pytest.approx(5 / 8)
    assert (o["ok_hands"], o["ok_recall"]) == (3, pytest.approx(2 / 3))  # 0.6 is at the threshold: a click
    assert (o["other_hands"], o["false_clicks"]) == (5, 1)
    assert (o["thumbs_down_hands"], o["down_as_up"]) == (2, 1)
    a, b = s["per_source"]["a"], s["per_source"]["b"]
    assert a["ok_recall"] == 0.5 and b["ok_recall"] == 1.0
    assert (a["median_hand_px"], b["median_hand_px"]) == (200.0, 80.0)
    assert s["per_class"]["ok"] == {"precision": pytest.approx(2 / 3), "recall": pytest.approx(2 / 3), "support": 3}
    assert s["per_class"]["thumbs_up"]["precision"] == 0.5
    m = np.array(s["confusion"])
    assert m[LABELS.index("ok"), LABELS.index("none")] == 1
    assert m[LABELS.index("thumbs_down"), LABELS.index("thumbs_up")] == 1
    assert m.sum() == 8
    # a's 0.5 misses the per-source target; b is exempt as its hands are under 100 px
    assert s["below_per_source_target"] == ["a"]
    assert s["met"] == {"ok_recall": False, "ok_recall_per_source": False, "false_click_rate": False,
                        "down_as_up_rate": False, "accuracy": False}


def test_all_targets_met():
    rows = [("a", "ok", "ok", 1.0)] * 40 + [("a", "fist", "fist", 0.0)] * 300 + [("b", "thumbs_down", "thumbs_down", 0.0)] * 10
    s = loso.summarise(predictions(rows), np.full(350, 150.0), "model")
    assert all(s["met"].values())
    text = loso.format_report(s, "title")
    assert "targets: ok_recall met" in text and "MISSED" not in text
