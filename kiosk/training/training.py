"""Landmarks -> a trained GestureModel, a report and its plots. PyTorch (imported only inside `fit`).

The one path every model takes, the shipped one (`build-gesture-model`, synthetic data)
and custom ones (`train`, landmarks from photos, optionally plus the shipped synthetic
set): features (kiosk.gestures.landmark_features) -> a split into train / validation /
test by *group* (all views of one synthetic pose, or one photo, stay in one split, so
the test set never holds a near-copy of a training hand) -> standardisation from the
training split -> a small MLP trained with AdamW, class-balanced cross-entropy, dropout,
Gaussian noise on the standardised features, and the learning rate decayed each epoch;
the epoch with the lowest validation loss is kept -> the test split's loss, accuracy and
confusion matrix.

Deterministic: one seed drives the split, the initial weights, the batch order and the
noise, on one CPU thread with torch's deterministic algorithms, so the same data and
settings give the same weights, and `model.model_bytes` the same file.
"""
from __future__ import annotations

import io
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from kiosk import files
from kiosk.errors import InputError
from kiosk.gestures.landmark_features import batch_features
from kiosk.gestures.model import GestureModel, model_bytes

MIN_SCALE = 0.05
"""Floor for the standardisation's scale: a feature that barely varies in training (a
finger's extension saturating at 1.0) must not turn a small real-world difference into
a huge input."""


@dataclass(frozen=True)
class HParams:
    """Training settings; names follow MediaPipe Model Maker's gesture recognizer where they exist."""

    learning_rate: float = 0.003
    batch_size: int = 128
    epochs: int = 60
    lr_decay: float = 0.95
    """The learning rate is multiplied by this after each epoch."""
    dropout_rate: float = 0.2
    layer_widths: tuple[int, ...] = (128, 64)
    """Hidden layers' widths; () is a linear model."""
    weight_decay: float = 1e-3
    input_noise: float = 0.2
    """Std of Gaussian noise added to the standardised features of each training batch."""
    shuffle: bool = True
    """Shuffle the data before the split, and the training batches every epoch."""
    seed: int = 0

    def __post_init__(self) -> None:
        checks = [
            (self.learning_rate > 0, "--learning-rate must be > 0"),
            (self.batch_size >= 1, "--batch-size must be >= 1"),
            (self.epochs >= 1, "--epochs must be >= 1"),
            (0 < self.lr_decay <= 1, "--lr-decay must be within (0, 1]"),
            (0 <= self.dropout_rate < 1, "--dropout-rate must be within [0, 1)"),
            (all(1 <= w <= 4096 for w in self.layer_widths), "--layer-widths must be 1..4096 each"),
            (self.weight_decay >= 0, "--weight-decay must be >= 0"),
            (self.input_noise >= 0, "--input-noise must be >= 0"),
        ]
        for ok, message in checks:
            if not ok:
                raise InputError(message)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["layer_widths"] = list(self.layer_widths)
        return d


def check_ratios(ratios: tuple[float, float, float]) -> tuple[float, float, float]:
    if len(ratios) != 3 or any(r < 0 for r in ratios) or ratios[0] <= 0 or abs(sum(ratios) - 1.0) > 1e-6:
        raise InputError(f"--split {','.join(map(str, ratios))}: need three ratios >= 0 (train > 0) that sum to 1")
    return tuple(float(r) for r in ratios)


def split_indices(labels: np.ndarray, groups: np.ndarray, ratios: tuple[float, float, float], seed: int,
                  shuffle: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices of the train, validation and test splits: per label, whole groups go to one
    split, in the given ratios (rounded; a label with any group gets at least one in train)."""
    rng = np.random.default_rng([seed, 1])
    parts: tuple[list, list, list] = ([], [], [])
    for label in sorted(set(labels.tolist())):
        idx = np.flatnonzero(labels == label)
        names, inverse = np.unique(groups[idx], return_inverse=True)
        order = rng.permutation(len(names)) if shuffle else np.arange(len(names))
        n = len(names)
        n_val = int(round(ratios[1] * n))
        n_test = int(round(ratios[2] * n))
        while n_val + n_test >= n and (n_val or n_test):
            if n_test >= n_val and n_test:
                n_test -= 1
            else:
                n_val -= 1
        cut = {int(g): 0 for g in order[: n - n_val - n_test]}
        cut.update({int(g): 1 for g in order[n - n_val - n_test: n - n_test]})
        cut.update({int(g): 2 for g in order[n - n_test:]})
        for i, g in zip(idx, inverse):
            parts[cut[int(g)]].append(int(i))
    return tuple(np.array(sorted(p), dtype=np.int64) for p in parts)


def standardisation(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = np.maximum(x.std(axis=0), MIN_SCALE)
    return mean.astype(np.float32), scale.astype(np.float32)


@dataclass
class FitResult:
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    history: list[dict] = field(default_factory=list)
    best_epoch: int = 0


def fit(x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray, n_classes: int,
        hp: HParams, progress: bool | None = None) -> FitResult:
    """Train the MLP on standardised features. Returns the weights of the epoch with the
    lowest validation loss (the last epoch when there is no validation data)."""
    import torch
    from tqdm import tqdm

    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        torch.manual_seed(hp.seed)
        gen = torch.Generator().manual_seed(hp.seed)
        layers: list = []
        width = x_train.shape[1]
        for w in hp.layer_widths:
            layers += [torch.nn.Linear(width, w), torch.nn.ReLU(), torch.nn.Dropout(hp.dropout_rate)]
            width = w
        layers.append(torch.nn.Linear(width, n_classes))
        net = torch.nn.Sequential(*layers)
        counts = np.bincount(y_train, minlength=n_classes).astype(np.float64)
        weight = np.where(counts > 0, counts.sum() / (n_classes * np.maximum(counts, 1)), 0.0)
        loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(weight, dtype=torch.float32))
        eval_loss = torch.nn.CrossEntropyLoss(weight=torch.tensor(weight, dtype=torch.float32), reduction="sum")
        opt = torch.optim.AdamW(net.parameters(), lr=hp.learning_rate, weight_decay=hp.weight_decay)
        sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=hp.lr_decay)
        xt = torch.tensor(x_train, dtype=torch.float32)
        yt = torch.tensor(y_train, dtype=torch.int64)
        xv = torch.tensor(x_val, dtype=torch.float32)
        yv = torch.tensor(y_val, dtype=torch.int64)

        def measure(x, y) -> tuple[float | None, float | None]:
            if len(y) == 0:
                return None, None
            net.eval()
            with torch.no_grad():
                out = net(x)
                w_sum = float(loss_fn.weight[y].sum())
                loss = float(eval_loss(out, y)) / max(w_sum, 1e-12)
                acc = float((out.argmax(dim=1) == y).float().mean())
            return loss, acc

        result = FitResult([], [])
        best = None
        bar = tqdm(range(hp.epochs), desc="training", unit="epoch", file=sys.stderr, disable=progress is False,
                   leave=False)
        for epoch in bar:
            net.train()
            order = torch.randperm(len(xt), generator=gen) if hp.shuffle else torch.arange(len(xt))
            for start in range(0, len(xt), hp.batch_size):
                b = order[start:start + hp.batch_size]
                xb = xt[b]
                if hp.input_noise > 0:
                    xb = xb + hp.input_noise * torch.randn(xb.shape, generator=gen)
                opt.zero_grad()
                loss = loss_fn(net(xb), yt[b])
                loss.backward()
                opt.step()
            lr = opt.param_groups[0]["lr"]
            sched.step()
            train_loss, train_acc = measure(xt, yt)
            val_loss, val_acc = measure(xv, yv)
            result.history.append({"epoch": epoch + 1, "lr": lr, "train_loss": train_loss, "train_accuracy": train_acc,
                                   "val_loss": val_loss, "val_accuracy": val_acc})
            bar.set_postfix(loss=f"{train_loss:.3f}", val=f"{val_loss:.3f}" if val_loss is not None else "-")
            key = val_loss if val_loss is not None else -epoch
            if best is None or key < best:
                best = key
                result.best_epoch = epoch + 1
                linear = [m for m in net if isinstance(m, torch.nn.Linear)]
                result.weights = [m.weight.detach().numpy().T.copy() for m in linear]
                result.biases = [m.bias.detach().numpy().copy() for m in linear]
        bar.close()
        return result
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)


# --------------------------------------------------------------------------- evaluation


def confusion(y_true: np.ndarray, y_pred: np.ndarray, n: int) -> np.ndarray:
    """(n, n) counts: row = true label, column = predicted."""
    m = np.zeros((n, n), dtype=np.int64)
    np.add.at(m, (y_true, y_pred), 1)
    return m


def per_class(matrix: np.ndarray, labels: tuple[str, ...]) -> dict:
    """Precision and recall per label from a confusion matrix (None where undefined)."""
    out = {}
    for i, label in enumerate(labels):
        predicted, actual = int(matrix[:, i].sum()), int(matrix[i].sum())
        tp = int(matrix[i, i])
        out[label] = {"precision": tp / predicted if predicted else None,
                      "recall": tp / actual if actual else None, "support": actual}
    return out


def test_metrics(model: GestureModel, x: np.ndarray, y: np.ndarray) -> dict:
    """Loss (mean cross-entropy, unweighted), accuracy and confusion matrix on raw features."""
    k = len(model.labels)
    if len(y) == 0:
        return {"hands": 0, "loss": None, "accuracy": None, "confusion": confusion(y, y, k).tolist(),
                "per_class": per_class(confusion(y, y, k), model.labels)}
    p = model.predict_proba(x)
    pred = p.argmax(axis=1)
    loss = float(-np.mean(np.log(np.maximum(p[np.arange(len(y)), y], 1e-12))))
    m = confusion(y, pred, k)
    return {"hands": int(len(y)), "loss": loss, "accuracy": float((pred == y).mean()), "confusion": m.tolist(),
            "per_class": per_class(m, model.labels)}


# --------------------------------------------------------------------------- the whole run


@dataclass
class TrainOutput:
    model: GestureModel
    report: dict


def train(world: np.ndarray, handedness: np.ndarray, label_names: np.ndarray, groups: np.ndarray,
          labels: tuple[str, ...], hp: HParams, ratios: tuple[float, float, float], meta: dict,
          progress: bool | None = None) -> TrainOutput:
    """Features -> split -> fit -> test. `labels` fixes the output order; `meta` goes into
    the model file (recipe, data description)."""
    ratios = check_ratios(ratios)
    x = batch_features(world, handedness)
    y = np.array([labels.index(str(v)) for v in label_names], dtype=np.int64)
    tr, va, te = split_indices(np.asarray(label_names), np.asarray(groups), ratios, hp.seed, hp.shuffle)
    mean, scale = standardisation(x[tr])

    def std(i: np.ndarray) -> np.ndarray:
        return ((x[i] - mean) / scale).astype(np.float32)

    fitted = fit(std(tr), y[tr], std(va), y[va], len(labels), hp, progress)
    training = {"hparams": hp.to_dict(), "split": list(ratios), "best_epoch": fitted.best_epoch,
                "hands": {name: {label: int(np.sum(y[i] == k)) for k, label in enumerate(labels)}
                          for name, i in (("train", tr), ("validation", va), ("test", te))}}
    model = GestureModel(labels, mean, scale, tuple(w.astype(np.float32) for w in fitted.weights),
                         tuple(b.astype(np.float32) for b in fitted.biases), {**meta, "training": training})
    report = {"labels": list(labels), "training": training, "history": fitted.history,
              "test": test_metrics(model, x[te], y[te]),
              "validation": test_metrics(model, x[va], y[va])}
    return TrainOutput(model, report)


# --------------------------------------------------------------------------- export


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    return buf.getvalue()


def plot_confusion(matrix: list[list[int]], labels: tuple[str, ...], title: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    m = np.asarray(matrix)
    k = len(labels)
    fig = Figure(figsize=(1.2 + 0.75 * k, 1.0 + 0.7 * k))
    ax = fig.add_subplot()
    rows = m.sum(axis=1, keepdims=True)
    ax.imshow(np.where(rows > 0, m / np.maximum(rows, 1), 0.0), cmap="Blues", vmin=0, vmax=1)
    for i in range(k):
        for j in range(k):
            if m[i, j]:
                share = m[i, j] / max(rows[i, 0], 1)
                ax.text(j, i, str(m[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if share > 0.5 else "black")
    ax.set_xticks(range(k), labels, rotation=45, ha="right")
    ax.set_yticks(range(k), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    fig.tight_layout()
    return _png(fig)


def plot_curves(history: list[dict], best_epoch: int) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 3.5))
    epochs = [h["epoch"] for h in history]
    for n, (key, name) in enumerate((("loss", "loss"), ("accuracy", "accuracy"))):
        ax = fig.add_subplot(1, 2, n + 1)
        ax.plot(epochs, [h[f"train_{key}"] for h in history], label="train")
        if any(h[f"val_{key}"] is not None for h in history):
            ax.plot(epochs, [h[f"val_{key}"] for h in history], label="validation")
        ax.axvline(best_epoch, color="grey", linestyle=":", label=f"kept (epoch {best_epoch})")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.legend()
    fig.tight_layout()
    return _png(fig)


MODEL_NAME = "gestures.npz"


def export(out: TrainOutput, export_dir: Path | None, model_path: Path | None = None) -> dict[str, Path]:
    """Write the model (to `model_path`, default export_dir/gestures.npz) and, when
    export_dir is given, report.json, confusion.png and curves.png into it.

    Everything is rendered in memory first, then written to temporary files beside the
    targets, and only when all are written are they renamed into place: an error leaves
    no half-written file (and almost never a partial set).
    """
    if export_dir is None and model_path is None:
        raise ValueError("export: nothing to write to")
    if export_dir is not None:
        export_dir = Path(export_dir)
        if export_dir.exists() and not export_dir.is_dir():
            raise InputError(f"--export-dir {export_dir} is not a folder")
    model_path = Path(model_path) if model_path is not None else export_dir / MODEL_NAME
    blobs: dict[Path, bytes] = {model_path: model_bytes(out.model)}
    if export_dir is not None:
        report = {**out.report, "model": str(model_path)}
        blobs[export_dir / "report.json"] = (json.dumps(report, indent=1, sort_keys=True) + "\n").encode("utf-8")
        test = out.report["test"]
        title = (f"test split: accuracy {test['accuracy']:.3f} ({test['hands']} hands)" if test["hands"]
                 else "test split: empty")
        blobs[export_dir / "confusion.png"] = plot_confusion(test["confusion"], out.model.labels, title)
        blobs[export_dir / "curves.png"] = plot_curves(out.report["history"], out.report["training"]["best_epoch"])
    try:
        for path in blobs:
            path.parent.mkdir(parents=True, exist_ok=True)
        files.write_all_atomic(blobs)
    except OSError as e:
        raise InputError(f"cannot write {getattr(e, 'filename', None) or model_path} ({e.strerror or e})") from None
    return {p.name: p for p in blobs}


def conflicting_none(none_x: np.ndarray, new_x: list[np.ndarray]) -> np.ndarray:
    """Mask of synthetic "none" hands that sit inside a new gesture's cloud of examples.

    The synthetic "none" is made of every finger combination that is not a shipped
    gesture, so a gesture added by the user (say, index and pinky up) is in there,
    labelled "none". Those hands are dropped: one whose distance to the nearest example
    of a new gesture (features standardised together) is within that gesture's own
    typical spacing (the median distance from each example to its nearest sibling;
    with one example, the median spacing of the "none" hands themselves).
    """
    if len(none_x) == 0 or not new_x:
        return np.zeros(len(none_x), dtype=bool)
    allx = np.concatenate([none_x, *new_x])
    mean, scale = allx.mean(axis=0), np.maximum(allx.std(axis=0), MIN_SCALE)
    z_none = (none_x - mean) / scale

    def nearest(a: np.ndarray, b: np.ndarray, exclude_self: bool = False) -> np.ndarray:
        out = np.empty(len(a))
        for start in range(0, len(a), 512):
            d = np.sqrt(np.maximum(((a[start:start + 512, None, :] - b[None]) ** 2).sum(-1), 0.0))
            if exclude_self:
                d[np.arange(len(d)), np.arange(start, start + len(d))] = np.inf
            out[start:start + 512] = d.min(axis=1)
        return out

    sample = z_none[:: max(1, len(z_none) // 2000)]
    none_spacing = float(np.median(nearest(sample, sample, exclude_self=True))) if len(sample) > 1 else 1.0
    drop = np.zeros(len(none_x), dtype=bool)
    for x in new_x:
        z = (x - mean) / scale
        radius = float(np.median(nearest(z, z, exclude_self=True))) if len(z) > 1 else none_spacing
        drop |= nearest(z_none, z) <= radius
    return drop


# --------------------------------------------------------------------------- the kiosk's gesture model


def train_gestures(real, synthetic, hp: HParams, copies: int, meta: dict, labels: tuple[str, ...] | None = None,
                   progress: bool | None = None) -> TrainOutput:
    """The one recipe for the kiosk's model, shipped or measured: recorded hands (a
    LandmarkSet, augmented `copies` times, see devset.augment) plus synthetic hands (a
    LandmarkSet, or None), all of them trained on (no split: the epochs are fixed, and
    leave-one-source-out is the measurement)."""
    from kiosk.training.devset import LABELS, augment
    from kiosk.training.synthetic import LandmarkSet

    parts = []
    if real is not None and len(real):
        parts.append(augment(real, copies, hp.seed))
    if synthetic is not None and len(synthetic):
        parts.append(synthetic)
    data = LandmarkSet.concat(parts)
    if len(data) == 0:
        raise InputError("no hands to train on")
    return train(data.world, data.handedness, data.label, data.source, labels or LABELS, hp, (1.0, 0.0, 0.0), meta,
                 progress)
