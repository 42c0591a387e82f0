"""The gesture commands: `train`, `eval-gestures`, `build-gesture-model` (wired by kiosk/cli.py).

    python main.py build-gesture-model                 # rebuild models/gestures.npz (deterministic)
    python main.py train DATASET --export-dir OUT      # a custom model from labelled photos
    python main.py eval-gestures --photos DIR --map hagrid [--json]
    python main.py eval-gestures --video clip.mp4      # a labelled scenario video (clip.json beside it)
    python main.py eval-gestures --synthetic           # click sources compared on unseen synthetic hands

Each `cmd_*(args, config) -> exit code`; expected problems raise InputError (exit 2) or
KioskError (exit 1), which the CLI prints as one line. Heavy imports (torch, MediaPipe,
OpenCV, matplotlib) happen inside the commands.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kiosk.errors import InputError

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
SHIPPED_MODEL = PROJECT_ROOT / "models" / "gestures.npz"


def _widths(text: str) -> tuple[int, ...]:
    text = text.strip()
    if text in ("", "none", "-"):
        return ()
    try:
        return tuple(int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected comma-separated integers, e.g. 64,32") from None


def _ratios(text: str) -> tuple[float, float, float]:
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected three ratios, e.g. 0.8,0.1,0.1") from None
    if len(values) != 3:
        raise argparse.ArgumentTypeError(f"{text!r}: expected three ratios (train, validation, test)")
    return values


def _add_hparams(p: argparse.ArgumentParser) -> None:
    from kiosk.gestures.training import HParams

    d = HParams()
    g = p.add_argument_group("training (MediaPipe Model Maker's names)")
    g.add_argument("--learning-rate", type=float, default=d.learning_rate, help=f"default {d.learning_rate}")
    g.add_argument("--batch-size", type=int, default=d.batch_size, help=f"default {d.batch_size}")
    g.add_argument("--epochs", type=int, default=d.epochs, help=f"default {d.epochs}")
    g.add_argument("--shuffle", action=argparse.BooleanOptionalAction, default=d.shuffle,
                   help="shuffle before the split and every epoch (default: yes)")
    g.add_argument("--lr-decay", type=float, default=d.lr_decay,
                   help=f"learning rate multiplied by this each epoch (default {d.lr_decay})")
    g.add_argument("--dropout-rate", type=float, default=d.dropout_rate, help=f"default {d.dropout_rate}")
    g.add_argument("--layer-widths", type=_widths, default=d.layer_widths,
                   help="hidden layer widths, e.g. 64,32 ('none': linear) "
                        f"(default {','.join(map(str, d.layer_widths))})")
    g.add_argument("--weight-decay", type=float, default=d.weight_decay, help=f"default {d.weight_decay}")
    g.add_argument("--input-noise", type=float, default=d.input_noise,
                   help=f"noise on the standardised features while training (default {d.input_noise})")
    g.add_argument("--seed", type=int, default=d.seed, help="split, initial weights, batch order (default 0)")
    g.add_argument("--split", type=_ratios, default=(0.8, 0.1, 0.1),
                   help="train,validation,test ratios (default 0.8,0.1,0.1)")


def add_parsers(sub) -> None:
    """Add `train`, `eval-gestures` and `build-gesture-model` to an argparse subparsers object."""
    from kiosk.gestures.synthetic import Recipe

    tr = sub.add_parser("train", help="train a gesture model from labelled photos (one folder per label)")
    tr.add_argument("dataset", type=Path, metavar="DATASET_DIR",
                    help="one sub-folder of images per label; a 'none' folder is required")
    tr.add_argument("--export-dir", type=Path,
                    help="where to write gestures.npz, report.json, confusion.png and curves.png "
                         "(default: DATASET_DIR-model, beside the dataset)")
    tr.add_argument("--base", type=Path, metavar="MODEL",
                    help="keep this model's synthetic classes and add the dataset's "
                         "(e.g. models/gestures.npz, the shipped model)")
    tr.add_argument("--min-detection-confidence", type=float, default=0.5, help="hand detector threshold (default 0.5)")
    tr.add_argument("--model", type=Path, help="hand_landmarker.task (default: the config's tracker.model)")
    tr.add_argument("--workers", type=int, default=None, help="processes for --base's synthetic data (default: CPUs)")
    _add_hparams(tr)

    ev = sub.add_parser("eval-gestures", help="confusion matrix and click figures on labelled photos or a video")
    src = ev.add_mutually_exclusive_group(required=True)
    src.add_argument("--photos", type=Path, help="photos: one folder per label, or label = file name")
    src.add_argument("--video", type=Path, help="a video with a ground-truth JSON (frames[i].label) beside it")
    src.add_argument("--synthetic", action="store_true",
                     help="compare the click sources (rule, model, both) on unseen synthetic hands")
    ev.add_argument("--truth", type=Path, help="the video's ground-truth JSON (default: the video's name, .json)")
    ev.add_argument("--map", choices=sorted(_maps()), help="translate dataset gesture names (hagrid: HaGRID's)")
    ev.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    ev.add_argument("--classifier", choices=("model", "rule"), help="default: the config's gestures.classifier")
    ev.add_argument("--click", choices=("rule", "model", "both"), help="default: the config's gestures.click")
    ev.add_argument("--gesture-model", type=Path,
                    help="gesture model .npz (default: the config's, else the shipped one)")
    ev.add_argument("--model", type=Path, help="hand_landmarker.task (default: the config's tracker.model)")
    ev.add_argument("--augment", action="store_true",
                    help="also evaluate each photo turned +-30 and +-60 degrees, smaller, and mirrored")
    ev.add_argument("--max-hands", type=int, default=2, help="hands detected per photo (default 2)")
    ev.add_argument("--min-detection-confidence", type=float, default=0.5, help="default 0.5")

    r = Recipe()
    bu = sub.add_parser("build-gesture-model",
                        help="rebuild the shipped gesture model from synthetic hands (deterministic)")
    bu.add_argument("--out", type=Path, default=SHIPPED_MODEL, help="model file (default: models/gestures.npz)")
    bu.add_argument("--export-dir", type=Path, help="also write report.json, confusion.png and curves.png here")
    bu.add_argument("--poses", type=int, default=r.poses_per_gesture,
                    help=f"synthetic poses per gesture ('none' gets {r.none_factor:g}x) "
                         f"(default {r.poses_per_gesture})")
    bu.add_argument("--views", type=int, default=r.views, help=f"photographs of each pose (default {r.views})")
    bu.add_argument("--data-seed", type=int, default=r.seed, help=f"synthetic data seed (default {r.seed})")
    bu.add_argument("--workers", type=int, default=None,
                    help="processes generating data (default: CPUs; the result does not depend on it)")
    _add_hparams(bu)


def _maps() -> dict:
    from kiosk.gestures.evaluate import MAPS

    return MAPS


def _hparams(args):
    from kiosk.gestures.training import HParams

    return HParams(learning_rate=args.learning_rate, batch_size=args.batch_size, epochs=args.epochs,
                   lr_decay=args.lr_decay, dropout_rate=args.dropout_rate, layer_widths=tuple(args.layer_widths),
                   weight_decay=args.weight_decay, input_noise=args.input_noise, shuffle=args.shuffle, seed=args.seed)


def _workers(n: int | None) -> int:
    if n is None:
        return max(1, min(os.cpu_count() or 1, 8))
    if not 1 <= n <= 64:
        raise InputError("--workers must be 1..64")
    return n


def _check_confidence(value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise InputError("--min-detection-confidence must be within 0..1")


def _generate(recipe, labels, workers: int):
    from tqdm import tqdm

    from kiosk.gestures.synthetic import generate

    total = sum(recipe.count(label) for label in labels)
    with tqdm(total=total, desc="synthetic hands", unit="pose", file=sys.stderr, leave=False) as bar:
        return generate(recipe, labels, workers=workers, progress=bar.update)


def _print_result(out, files: dict, extra: str = "") -> None:
    test = out.report["test"]
    acc = f"{test['accuracy']:.3f} on {test['hands']} test hands" if test["hands"] else "no test split"
    print(f"labels: {', '.join(out.model.labels)}; best epoch {out.report['training']['best_epoch']}; "
          f"test accuracy {acc}{extra}")
    for name, path in files.items():
        print(f"wrote {path}")


# --------------------------------------------------------------------------- build-gesture-model


def cmd_build_gesture_model(args, config) -> int:
    from kiosk.gestures.synthetic import LABELS, Recipe
    from kiosk.gestures.training import check_ratios, export, train

    if args.poses < 1 or args.views < 1:
        raise InputError("--poses and --views must be >= 1")
    hp = _hparams(args)
    ratios = check_ratios(args.split)
    if args.export_dir is not None and args.export_dir.exists() and not args.export_dir.is_dir():
        raise InputError(f"--export-dir {args.export_dir} is not a folder")
    recipe = Recipe(seed=args.data_seed, poses_per_gesture=args.poses, views=args.views)
    data = _generate(recipe, LABELS, _workers(args.workers))
    meta = {"recipe": recipe.to_dict(), "synthetic_labels": list(LABELS), "recorded_labels": [],
            "data": {"synthetic_hands": len(data)}}
    out = train(data.world, data.handedness, data.label, data.source, LABELS, hp, ratios, meta)
    files = export(out, args.export_dir, model_path=args.out)
    _print_result(out, files)
    return 0


# --------------------------------------------------------------------------- train


def cmd_train(args, config) -> int:
    import numpy as np

    from kiosk.gestures.dataset import CACHE_NAME, detector_settings, extract, scan_dataset
    from kiosk.gestures.landmark_features import batch_features
    from kiosk.gestures.model import load_model
    from kiosk.gestures.synthetic import LandmarkSet, Recipe
    from kiosk.gestures.training import check_ratios, conflicting_none, export, train

    _check_confidence(args.min_detection_confidence)
    hp = _hparams(args)
    ratios = check_ratios(args.split)
    export_dir = args.export_dir or args.dataset.parent / f"{args.dataset.name}-model"
    if export_dir.exists() and not export_dir.is_dir():
        raise InputError(f"--export-dir {export_dir} is not a folder")
    base = recipe = None
    if args.base is not None:
        base = load_model(args.base)
        try:
            recipe = Recipe.from_dict(base.meta["recipe"])
            synthetic_labels = tuple(base.meta["synthetic_labels"])
        except (KeyError, TypeError, ValueError) as e:
            raise InputError(f"--base {args.base}: no usable synthetic recipe to regenerate its classes "
                             f"({e})") from None
    scan = scan_dataset(args.dataset)
    for path, why in scan.ignored:
        print(f"train: ignored {path}: {why}", file=sys.stderr)
    hand_model = args.model or config.tracker.model
    settings = detector_settings(hand_model, args.min_detection_confidence, 2)

    def detector():
        from kiosk.vision.tracker import MediaPipeHandTracker

        return MediaPipeHandTracker(hand_model, num_hands=2,
                                    min_hand_detection_confidence=args.min_detection_confidence, video=False)

    ex = extract(scan, detector, settings, args.dataset / CACHE_NAME)
    user = ex.data
    found = {label: int(np.sum(user.label == label)) for label in scan.labels}
    print(f"train: {len(scan.items)} images: {len(user)} with a hand ({ex.cached} from the cache), "
          f"{len(ex.no_hand)} without, {len(ex.unreadable)} unreadable, {len(scan.ignored)} ignored", file=sys.stderr)
    if len(user) == 0:
        raise InputError(f"dataset {args.dataset}: no hand found in any of its {len(scan.items)} images")
    if found.get("none", 0) == 0:
        raise InputError(f"dataset {args.dataset}: no hand found in any 'none' image")
    with_hands = [label for label, n in found.items() if n]
    if base is None and len(with_hands) < 2:
        raise InputError(f"dataset {args.dataset}: hands found for only one label ({with_hands[0]})")

    parts, dropped = [user], 0
    if base is not None:
        synth = _generate(recipe, synthetic_labels, _workers(args.workers))
        new_labels = [label for label in with_hands if label not in synthetic_labels]
        if new_labels:
            is_none = synth.label == "none"
            new_x = [batch_features(user.world[user.label == label], user.handedness[user.label == label])
                     for label in new_labels]
            drop = conflicting_none(batch_features(synth.world[is_none], synth.handedness[is_none]), new_x)
            keep = np.ones(len(synth), dtype=bool)
            keep[np.flatnonzero(is_none)[drop]] = False
            dropped = int((~keep).sum())
            synth = synth.take(np.flatnonzero(keep))
        parts.append(synth)
        labels = tuple(dict.fromkeys(["none", *synthetic_labels, *sorted(with_hands)]))
    else:
        labels = tuple(dict.fromkeys(["none", *sorted(with_hands)]))
    if "ok" not in labels:
        raise InputError(f"dataset {args.dataset}: no 'ok' images with a hand; the kiosk's click needs the 'ok' class "
                         "(add an ok/ folder, or use --base to keep the shipped classes)")
    data = LandmarkSet.concat(parts)
    meta = {"recipe": recipe.to_dict() if recipe else None,
            "synthetic_labels": list(synthetic_labels) if base is not None else [],
            "recorded_labels": sorted(with_hands),
            "data": {"recorded_hands": found, "synthetic_hands": len(data) - len(user),
                     "synthetic_none_dropped": dropped}}
    out = train(data.world, data.handedness, data.label, data.source, labels, hp, ratios, meta)
    out.report["dataset"] = {
        "path": str(args.dataset), "images": len(scan.items), "hands": found,
        "no_hand": [str(p) for p in ex.no_hand], "unreadable": [str(p) for p in ex.unreadable],
        "ignored": [str(p) for p, _ in scan.ignored], "from_cache": ex.cached, "detected": ex.detected,
        "base": str(args.base) if args.base is not None else None, "synthetic_none_dropped": dropped,
    }
    files = export(out, export_dir)
    _print_result(out, files)
    return 0


# --------------------------------------------------------------------------- eval-gestures


def _gesture_config(config):
    from kiosk.gestures.model import GestureConfig

    return getattr(config, "gestures", None) or GestureConfig()


def _classifier(args, config):
    """(classifier, its GestureConfig, a description) per the flags, falling back to the config."""
    from dataclasses import replace

    from kiosk.gestures.model import build_classifier

    cfg = _gesture_config(config)
    cfg = replace(cfg, classifier=args.classifier or cfg.classifier, click=args.click or cfg.click)
    clf = build_classifier(cfg, args.gesture_model)
    if cfg.classifier == "rule":
        return clf, cfg, "rule"
    model = args.gesture_model or cfg.model or SHIPPED_MODEL
    return clf, cfg, f"model {model}, click from {cfg.click}"


def cmd_eval_gestures(args, config) -> int:
    from kiosk.gestures.evaluate import MAPS, format_summary, photo_labels, run_photos, summarise

    _check_confidence(args.min_detection_confidence)
    if not 1 <= args.max_hands <= 4:
        raise InputError("--max-hands must be 1..4")
    if args.synthetic:
        from kiosk.gestures.evaluate import format_synthetic, synthetic_click_report
        from kiosk.gestures.model import load_model

        cfg = _gesture_config(config)
        path = args.gesture_model or cfg.model or SHIPPED_MODEL
        report = synthetic_click_report(load_model(path))
        print(json.dumps(report, sort_keys=True) if args.json else
              f"eval-gestures --synthetic: model {path}\n" + format_synthetic(report))
        return 0
    classifier, cfg, description = _classifier(args, config)
    if args.video is not None:
        return _eval_video(args, config, classifier, cfg, description)
    items = photo_labels(args.photos, tuple(classifier.labels), MAPS.get(args.map) if args.map else None)
    from kiosk.vision.tracker import MediaPipeHandTracker

    with MediaPipeHandTracker(args.model or config.tracker.model, num_hands=args.max_hands,
                              min_hand_detection_confidence=args.min_detection_confidence, video=False) as detector:
        results, unreadable = run_photos(items, detector, classifier, augment=args.augment)
    summary = summarise(results, tuple(classifier.labels), config.pointer.press_at)
    summary.update({"photos": len(items), "unreadable": unreadable, "classifier": description,
                    "map": args.map, "augmented": bool(args.augment)})
    if args.json:
        print(json.dumps(summary, sort_keys=True))
    else:
        header = (f"eval-gestures: {len(items)} photos{' (each also augmented 6 ways)' if args.augment else ''}, "
                  f"{summary['hands']} hands in the matrix; classifier: {description}"
                  + (f"; names mapped from {args.map}" if args.map else ""))
        print(format_summary(summary, header))
    return 0


def _eval_video(args, config, classifier, cfg, description) -> int:
    from kiosk.gestures.evaluate import format_video, summarise_video
    from kiosk.gestures.stabilizer import Stabilizer
    from kiosk.interaction.active_hand import ActiveHandSelector
    from kiosk.interaction.pointer import Pointer
    from kiosk.types import NO_GESTURE
    from kiosk.vision.sources import VideoFileSource
    from kiosk.vision.tracker import MediaPipeHandTracker

    truth_path = args.truth or args.video.with_suffix(".json")
    try:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        labels = [f["label"] for f in truth["frames"]]
    except FileNotFoundError:
        raise InputError(f"eval-gestures: ground truth {truth_path} not found (use --truth)") from None
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InputError(f"eval-gestures: ground truth {truth_path}: expected JSON with frames[i].label "
                         f"({e})") from None
    unknown = sorted(set(labels) - set(classifier.labels))
    if unknown:
        raise InputError(f"eval-gestures: ground truth {truth_path} has labels the classifier lacks: "
                         f"{', '.join(unknown)}")
    source = VideoFileSource(args.video)
    t = config.tracker
    stabilizer = Stabilizer(cfg.stabilizer())
    selector = ActiveHandSelector()
    pointer = Pointer((1920, 1080), config.pointer)
    frames = []
    from kiosk.gestures.features import pinch_ratio

    try:
        with MediaPipeHandTracker(args.model or t.model, num_hands=t.num_hands,
                                  min_hand_detection_confidence=t.min_hand_detection_confidence,
                                  min_hand_presence_confidence=t.min_hand_presence_confidence,
                                  min_tracking_confidence=t.min_tracking_confidence) as tracker:
            while (frame := source.read()) is not None:
                hands = tracker.process(frame)
                active = selector.select(hands)
                hand = hands[active] if active is not None else None
                gesture = classifier.classify(hand) if hand is not None else NO_GESTURE
                stable = stabilizer.update(gesture, frame.t)
                if hand is not None:
                    state = pointer.update(frame.t, hand.tip, gesture.p("ok"), pinch_ratio(hand.world))
                else:
                    state = pointer.update(frame.t, None, 0.0)
                frames.append({"label": gesture.label if hand is not None else None, "stable": stable.label,
                               "ok": gesture.p("ok"), "events": [e.kind.value for e in state.events]})
    finally:
        source.close()
    summary = summarise_video(frames, truth, tuple(classifier.labels))
    summary.update({"video": str(args.video), "classifier": description})
    if args.json:
        print(json.dumps(summary, sort_keys=True))
    else:
        print(format_video(summary, f"eval-gestures: {args.video}; classifier: {description}"))
    return 0
