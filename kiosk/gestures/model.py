"""The landmark gesture model: file format, loading, inference, and the classifier. Pure numpy.

A model file (`models/gestures.npz`) is a zip of .npy arrays, read with
`numpy.load(allow_pickle=False)`, so loading it never runs code:

- `meta`: a 0-d unicode array holding one JSON object: `format` ("kiosk-gesture-mlp"),
  `format_version`, `feature_version` (kiosk.gestures.landmark_features), `labels`
  (including "none" and "ok"), `activation` ("relu"), and how it was made (`recipe`: the
  synthetic-data recipe, `training`: hyperparameters, seed, data counts);
- `mean`, `scale`: (D,) float32, the feature standardisation (x - mean) / scale;
- `W0`, `b0`, `W1`, `b1`, ...: float32 dense layers, W (in, out); ReLU between them and
  a softmax after the last, whose width is the number of labels.

`load_model` checks all of it (format, versions, labels, every shape, dtype and value)
and reports any problem as one InputError naming the file. `save_model` writes the same
bytes for the same model (fixed zip timestamps) into a temporary file beside the target,
then renames it, so a model file is never half-written.

`ModelClassifier` is a GestureClassifier. Its `scores["ok"]`, which drives the click,
comes from the model, from the geometric rule (classifier.ok_strength), or from both
(the smaller of the two), per `click` (see docs/gestures.md for the measurements that chose
the default).
"""
from __future__ import annotations

import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

import numpy as np
from pydantic.dataclasses import dataclass as settings_dataclass

from kiosk import files
from kiosk.errors import InputError
from kiosk.gestures import classifier as rule
from kiosk.gestures.landmark_features import FEATURE_NAMES, FEATURE_VERSION, NUM_FEATURES, hand_features, thumb_angle
from kiosk.gestures.stabilizer import HoldSeconds, MinFrames, MinScore, StabilizerConfig
from kiosk.settings import SETTINGS
from kiosk.types import Gesture, Hand

FORMAT = "kiosk-gesture-mlp"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 8 * 1024 * 1024
"""A larger file is refused before it is parsed (a model is ~100 KB; a file is input)."""
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
"""The arrays may unpack to this much at most (by the zip directory and each array's header, checked
before numpy reads them): a small file whose arrays unpack to gigabytes is refused, not loaded."""
REQUIRED_LABELS = ("none", "ok")
MAX_LABELS = 64
DEFAULT_MODEL = Path(__file__).resolve().parent.parent.parent / "models" / "gestures.npz"

ClickSource = Literal["rule", "model", "both"]
CLICK_SOURCES: tuple[str, ...] = get_args(ClickSource)


@dataclass(frozen=True, eq=False)
class GestureModel:
    """A standardisation and a stack of dense layers; `labels[i]` is output i."""

    labels: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Inference in float64: as fast as float32 at this size, and the same on every machine.
        object.__setattr__(self, "_w", tuple(np.asarray(w, np.float64) for w in self.weights))
        object.__setattr__(self, "_b", tuple(np.asarray(b, np.float64) for b in self.biases))
        object.__setattr__(self, "_mean", np.asarray(self.mean, np.float64))
        object.__setattr__(self, "_inv_scale", 1.0 / np.asarray(self.scale, np.float64))

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """(N, D) or (D,) feature vectors -> (N, K) or (K,) probabilities."""
        x = (np.asarray(features, np.float64) - self._mean) * self._inv_scale
        last = len(self._w) - 1
        for i, (w, b) in enumerate(zip(self._w, self._b)):
            x = x @ w + b
            if i < last:
                x = np.maximum(x, 0.0)
        x = np.exp(x - x.max(axis=-1, keepdims=True))
        return x / x.sum(axis=-1, keepdims=True)

    def proba(self, hand: Hand) -> np.ndarray:
        """(K,) probabilities of `labels` for one hand."""
        return self.predict_proba(hand_features(hand.world, hand.handedness))

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays of the file, metadata included (JSON with sorted keys)."""
        meta = {**self.meta, "format": FORMAT, "format_version": FORMAT_VERSION,
                "feature_version": FEATURE_VERSION, "labels": list(self.labels), "activation": "relu"}
        out = {"meta": np.array(json.dumps(meta, sort_keys=True)),
               "mean": np.asarray(self.mean, np.float32), "scale": np.asarray(self.scale, np.float32)}
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            out[f"W{i}"] = np.asarray(w, np.float32)
            out[f"b{i}"] = np.asarray(b, np.float32)
        return out


# --------------------------------------------------------------------------- saving


def model_bytes(model: GestureModel) -> bytes:
    """The file's bytes: the same for the same model, on any machine, at any time."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, arr in sorted(model.arrays().items()):
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            npy = io.BytesIO()
            np.lib.format.write_array(npy, np.asarray(arr), allow_pickle=False)
            zf.writestr(info, npy.getvalue())
    return buf.getvalue()


def save_model(model: GestureModel, path: Path) -> None:
    """Write `model` to `path` atomically. The folder must exist."""
    try:
        files.write_atomic(Path(path), model_bytes(model))
    except OSError as e:
        raise InputError(f"gesture model {path}: cannot write ({e.strerror or e})") from None


# --------------------------------------------------------------------------- loading


def load_model(path: Path) -> GestureModel:
    """Read and validate a model file; every problem is one InputError naming `path`."""
    path = Path(path)

    def bad(why: str) -> InputError:
        return InputError(f"gesture model {path}: {why}")

    data = files.read_bytes(path, "gesture model", MAX_FILE_BYTES)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise bad("not a gesture model (not an .npz archive)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            files.check_npz(zf, "gesture model", path, MAX_UNPACKED_BYTES)
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except ValueError as e:
        if "pickle" in str(e).lower():
            raise bad("contains pickled objects, which are never loaded") from None
        raise bad(f"not a gesture model ({_first_line(e)})") from None
    except (OSError, zipfile.BadZipFile, EOFError, KeyError, RuntimeError, NotImplementedError, zlib.error) as e:
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression method
        raise bad(f"not a gesture model (not a readable .npz archive: {_first_line(e)})") from None
    return _from_arrays(arrays, bad)


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _from_arrays(arrays: dict[str, np.ndarray], bad) -> GestureModel:
    if "meta" not in arrays:
        raise bad("not a gesture model (no 'meta' array)")
    meta_arr = arrays["meta"]
    if meta_arr.dtype.kind != "U" or meta_arr.shape != ():
        raise bad("'meta' must be one JSON string")
    try:
        meta = json.loads(str(meta_arr))
    except json.JSONDecodeError as e:
        raise bad(f"'meta' is not valid JSON ({e})") from None
    if not isinstance(meta, dict):
        raise bad("'meta' must be a JSON object")
    if meta.get("format") != FORMAT:
        raise bad(f"format {meta.get('format')!r}, expected {FORMAT!r}")
    if meta.get("format_version") != FORMAT_VERSION:
        raise bad(f"format version {meta.get('format_version')!r}; this kiosk reads version {FORMAT_VERSION}")
    if meta.get("feature_version") != FEATURE_VERSION:
        raise bad(f"built for feature version {meta.get('feature_version')!r}; this kiosk computes version "
                  f"{FEATURE_VERSION} (rebuild it: python main.py build-gesture-model)")
    if meta.get("activation", "relu") != "relu":
        raise bad(f"activation {meta.get('activation')!r}; only 'relu' is supported")
    labels = meta.get("labels")
    if (not isinstance(labels, list) or not all(isinstance(x, str) and x for x in labels)
            or len(set(labels)) != len(labels) or not 2 <= len(labels) <= MAX_LABELS):
        raise bad(f"'labels' must be 2..{MAX_LABELS} distinct non-empty names")
    missing = [x for x in REQUIRED_LABELS if x not in labels]
    if missing:
        raise bad(f"labels {labels} lack {', '.join(map(repr, missing))}")

    n_layers = sum(1 for k in arrays if k.startswith("W"))
    expected = {"meta", "mean", "scale"} | {f"{p}{i}" for i in range(n_layers) for p in "Wb"}
    if set(arrays) != expected:
        extra = sorted(set(arrays) - expected)
        lacking = sorted(expected - set(arrays))
        raise bad(f"arrays {'unexpected: ' + ', '.join(extra) if extra else ''}"
                  f"{'; ' if extra and lacking else ''}{'missing: ' + ', '.join(lacking) if lacking else ''}")
    if n_layers < 1:
        raise bad("no layers")

    def check(name: str, ndim: int) -> np.ndarray:
        a = arrays[name]
        if a.dtype != np.float32:
            raise bad(f"'{name}' has dtype {a.dtype}, expected float32")
        if a.ndim != ndim:
            raise bad(f"'{name}' has shape {a.shape}, expected {ndim} dimension(s)")
        if not np.all(np.isfinite(a)):
            raise bad(f"'{name}' holds NaN or infinite values")
        return a

    mean, scale = check("mean", 1), check("scale", 1)
    for name, a in (("mean", mean), ("scale", scale)):
        if a.shape != (NUM_FEATURES,):
            raise bad(f"'{name}' has shape {a.shape}, expected ({NUM_FEATURES},) for feature version {FEATURE_VERSION}")
    if np.any(scale <= 0):
        raise bad("'scale' must be positive")
    weights, biases = [], []
    width = NUM_FEATURES
    for i in range(n_layers):
        w, b = check(f"W{i}", 2), check(f"b{i}", 1)
        if w.shape[0] != width:
            raise bad(f"'W{i}' has shape {w.shape}, expected ({width}, n)")
        if b.shape != (w.shape[1],):
            raise bad(f"'b{i}' has shape {b.shape}, expected ({w.shape[1]},)")
        weights.append(w)
        biases.append(b)
        width = w.shape[1]
    if width != len(labels):
        raise bad(f"the last layer has {width} outputs for {len(labels)} labels")
    return GestureModel(tuple(labels), mean, scale, tuple(weights), tuple(biases), meta)


# --------------------------------------------------------------------------- the classifier

_PINCH_XY = FEATURE_NAMES.index("pinch_xy")
_EXT = {f: FEATURE_NAMES.index(f"extension_{f}") for f in ("index", "middle", "ring", "pinky")}


def rule_ok_strength(features: np.ndarray) -> float:
    """classifier.ok_strength, from a landmark_features vector (the same classifier.ok_formula;
    it reuses the pinch and extensions already computed, so "both" costs nothing extra)."""
    others = min(features[_EXT["middle"]], features[_EXT["ring"]], features[_EXT["pinky"]])
    return float(rule.ok_formula(float(features[_PINCH_XY]), float(features[_EXT["index"]]), float(others)))


def combine_ok(p_model: float, p_rule: float, click: ClickSource, pinch: float) -> float:
    """The 👌 strength from the model's p(ok) and the rule's strength, per `click`.

    "model" is p(ok) scaled by classifier.pinch_gate(pinch) (pinch: thumb-index tip
    distance / palm size, image plane), so no model can click with the tips apart.
    "both" is the smaller of p(ok) and the rule: the model can only veto a click.
    """
    if click == "model":
        return float(p_model) * rule.pinch_gate(float(pinch))
    if click == "rule":
        return float(p_rule)
    return float(min(p_model, p_rule))


class ModelClassifier:
    """GestureClassifier from a GestureModel. Invariant to position, size, in-plane rotation
    and handedness (see landmark_features).

    label: the most probable label, except that "ok" is the label exactly when the 👌
    strength is at least 0.5 (so the label agrees with what the click sees), and that
    "thumbs_up" is never the label of a thumb more than classifier.THUMBS_UP_MAX_ANGLE
    from the image's up (its score is then 0).
    scores: the model's probabilities, with scores["ok"] replaced by the 👌 strength.
    """

    def __init__(self, model: GestureModel, click: ClickSource = "model"):
        if click not in CLICK_SOURCES:
            raise ValueError(f"click must be one of {CLICK_SOURCES}, got {click!r}")
        self.model = model
        self.click = click
        self.labels = model.labels
        self._ok = model.labels.index("ok")
        self._up = model.labels.index("thumbs_up") if "thumbs_up" in model.labels else None

    def classify(self, hand: Hand) -> Gesture:
        f = hand_features(hand.world, hand.handedness)
        p = self.model.predict_proba(f)
        if self._up is not None and thumb_angle(hand.world, hand.handedness) > rule.THUMBS_UP_MAX_ANGLE:
            p = p.copy()
            p[self._up] = 0.0
        ok = combine_ok(float(p[self._ok]), rule_ok_strength(f) if self.click != "model" else 0.0, self.click,
                        f[_PINCH_XY])
        if ok >= 0.5:
            label, score = "ok", ok
        else:
            q = p.copy()
            q[self._ok] = -1.0
            best = int(q.argmax())
            label, score = self.labels[best], float(p[best])
        scores = {name: float(v) for name, v in zip(self.labels, p)}
        scores["ok"] = ok
        return Gesture(label, score, scores)


def load_classifier(path: Path | None = None, click: ClickSource = "model") -> ModelClassifier:
    """A ModelClassifier from a model file (default: the shipped models/gestures.npz)."""
    return ModelClassifier(load_model(DEFAULT_MODEL if path is None else path), click)


# --------------------------------------------------------------------------- configuration


@settings_dataclass(frozen=True, config=SETTINGS)
class GestureConfig:
    """The `[gestures]` config section: which classifier labels hands, and what drives the click."""

    classifier: Literal["model", "rule"] = "model"
    """"model": the landmark model (ModelClassifier); "rule": the geometric RuleClassifier."""
    model: Path | None = None
    """Gesture model file (.npz); default: the shipped models/gestures.npz."""
    click: ClickSource = "model"
    """What scores["ok"] (the click) comes from with the model: "model" (its p(ok)), "rule" (the
    geometric ok_strength) or "both" (the smaller). Chosen on people the model never saw
    (eval-gestures --loso, docs/gestures.md): the rule misses a quarter of real 👌 (recall
    0.73), the model misses under 1% with no more false clicks."""
    hold: HoldSeconds = StabilizerConfig.hold
    """Stabiliser: seconds a new label must win before it is reported."""
    min_frames: MinFrames = StabilizerConfig.min_frames
    """Stabiliser: ...and the consecutive frames it must win."""
    min_score: MinScore = StabilizerConfig.min_score
    """Stabiliser: a label scored below this counts as "none"."""

    def stabilizer(self) -> StabilizerConfig:
        return StabilizerConfig(hold=self.hold, min_frames=self.min_frames, min_score=self.min_score)


def build_classifier(config: GestureConfig = GestureConfig(), model: Path | None = None):
    """The classifier `config` asks for; `model` (e.g. a --gesture-model flag) overrides config.model."""
    if config.classifier == "rule":
        return rule.RuleClassifier()
    return load_classifier(model or config.model, config.click)
