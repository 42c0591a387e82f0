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
AUGMENT_COPIES = 3
"""Augmented copies of every recorded hand in the shipped recipe (devset.augment)."""




def _mixed_synthetic():
    from kiosk.training.synthetic import Recipe

    return Recipe(poses_per_gesture=200, views=2)


MIXED_SYNTHETIC = _mixed_synthetic()
"""The synthetic hands `eval-gestures --loso` adds to the recorded ones for its "both"
variant, and trains alone on for "synthetic". Leave-one-source-out chose the shipped
recipe on these: recorded hands alone (docs/gestures.md)."""


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
    from kiosk.training.training import HParams

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
    from kiosk.training.synthetic import Recipe

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
    src.add_argument("--loso", action="store_true",
                     help="leave-one-source-out on recorded landmarks (--data): train without each source, "
                          "test on it, for every source")
    ev.add_argument("--data", type=Path,
                    help="with --loso: a landmarks.jsonl or a folder holding one (default: $KIOSK_DATA/dev-photos)")
    ev.add_argument("--variants", type=_variants, default=("real", "synthetic", "both"),
                    help="with --loso: training data to compare, of real,synthetic,both (default: all three)")
    ev.add_argument("--export-dir", type=Path,
                    help="with --loso: write loso.json and a confusion PNG per variant here")
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
                        help="rebuild the shipped gesture model from recorded and synthetic hands (deterministic)")
    bu.add_argument("--out", type=Path, default=SHIPPED_MODEL, help="model file (default: models/gestures.npz)")
    bu.add_argument("--export-dir", type=Path, help="also write report.json, confusion.png and curves.png here")
    bu.add_argument("--data", type=Path,
                    help="recorded landmarks: a landmarks.jsonl or a folder holding one "
                         "(default: $KIOSK_DATA/dev-photos when present; without it, synthetic hands only)")
    bu.add_argument("--exclude-source", action="append", default=[], metavar="SOURCE",
                    help="leave this source of --data out (repeatable), e.g. to test the model on its photos")
    bu.add_argument("--copies", type=int, default=AUGMENT_COPIES,
                    help=f"augmented copies of every recorded hand (default {AUGMENT_COPIES})")
    bu.add_argument("--poses", type=int, default=None,
                    help=f"synthetic poses per gesture, 0 for none ('none' gets {r.none_factor:g}x) (default: 0 "
                         f"with recorded landmarks, which measured better without them; {r.poses_per_gesture} without)")
    bu.add_argument("--views", type=int, default=r.views, help=f"photographs of each pose (default {r.views})")
    bu.add_argument("--data-seed", type=int, default=r.seed, help=f"synthetic data seed (default {r.seed})")
    bu.add_argument("--workers", type=int, default=None,
                    help="processes generating data (default: CPUs; the result does not depend on it)")
    _add_hparams(bu)

    sc = sub.add_parser("make-scenario", help="a labelled scenario video of one person from recorded photos")
    sc.add_argument("--source", required=True, help="the person: a source id of the photos' landmarks.jsonl")
    sc.add_argument("--out", type=Path, required=True, help="video file (.mp4); its truth goes beside it as .json")
    sc.add_argument("--data", type=Path, help="folder with landmarks.jsonl and the photos "
                                              "(default: $KIOSK_DATA/dev-photos)")
    sc.add_argument("--ok-frames", type=int, default=8, help="frames each 👌 is held (default 8: 0.27 s at 30 fps)")
    sc.add_argument("--thumbs-down-source", help="whose 👎 photo to use (default: the person's, else harshit's)")
    sc.add_argument("--seed", type=int, default=0, help="which photos are picked (default 0)")


def _variants(text: str) -> tuple[str, ...]:
    from kiosk.training.loso import VARIANTS

    names = tuple(v.strip() for v in text.split(",") if v.strip())
    bad = [v for v in names if v not in VARIANTS]
    if bad or not names:
        raise argparse.ArgumentTypeError(f"{text!r}: expected some of {','.join(VARIANTS)}")
    return names


def _maps() -> dict:
    from kiosk.training.evaluate import MAPS

    return MAPS


def _hparams(args):
    from kiosk.training.training import HParams

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

    from kiosk.training.synthetic import generate

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


def _synthetic_set(recipe, workers: int):
    """The synthetic hands of `recipe`, 👍 relabelled by where the thumb points (synthetic.orient_thumbs)."""
    from kiosk.training.synthetic import LABELS, orient_thumbs

    return orient_thumbs(_generate(recipe, LABELS, workers))


def _recorded(path: Path | None, exclude: list[str] | None = None):
    """Recorded landmarks from --data (or $KIOSK_DATA's dev set), minus excluded sources; None when there are none."""
    import numpy as np

    from kiosk.training import devset

    path = path if path is not None else devset.default_path()
    if path is None:
        return None
    rec = devset.read(path)
    unknown = sorted(set(exclude or ()) - set(rec.sources()))
    if unknown:
        raise InputError(f"--exclude-source {', '.join(unknown)}: no such source in {rec.path}")
    if exclude:
        rec = rec.take(np.flatnonzero(~np.isin(rec.data.source, list(exclude))))
    return rec


def recipe_meta(recorded, synthetic_recipe, copies: int, synthetic_hands: int) -> dict:
    """What a model file records about its data: enough to rebuild it and to know what it saw."""
    from kiosk.training.devset import LABEL_MAP
    from kiosk.training.synthetic import LABELS as SYNTHETIC_LABELS

    real = None
    if recorded is not None:
        counts = {}
        for label in recorded.data.label.tolist():
            counts[label] = counts.get(label, 0) + 1
        real = {"file": recorded.path.name, "sha256": recorded.sha256, "hands": len(recorded.data),
                "sources": recorded.sources(), "labels": dict(sorted(counts.items())), "label_map": LABEL_MAP,
                "augment_copies": copies}
    return {"recipe": synthetic_recipe.to_dict() if synthetic_recipe is not None else None,
            "synthetic_labels": list(SYNTHETIC_LABELS) if synthetic_recipe is not None else [],
            "recorded_labels": sorted(set(recorded.data.label.tolist())) if recorded is not None else [],
            "data": {"recorded": real, "synthetic_hands": synthetic_hands,
                     "synthetic_thumbs": "relabelled by thumb direction (synthetic.orient_thumbs)"}}


def cmd_build_gesture_model(args, config) -> int:
    from kiosk.training.synthetic import Recipe
    from kiosk.training.training import export, train_gestures

    if (args.poses is not None and args.poses < 0) or args.views < 1 or args.copies < 0:
        raise InputError("--poses and --copies must be >= 0, --views >= 1")
    hp = _hparams(args)
    if args.export_dir is not None and args.export_dir.exists() and not args.export_dir.is_dir():
        raise InputError(f"--export-dir {args.export_dir} is not a folder")
    recorded = _recorded(args.data, args.exclude_source)
    if recorded is None:
        if args.exclude_source:
            raise InputError("--exclude-source needs recorded data (--data or $KIOSK_DATA)")
        print("build-gesture-model: no recorded landmarks (--data, or $KIOSK_DATA with dev-photos/): "
              "synthetic hands only, which do not generalise to real hands as well", file=sys.stderr)
    poses = args.poses if args.poses is not None else (0 if recorded is not None else Recipe().poses_per_gesture)
    if poses == 0 and recorded is None:
        raise InputError("nothing to train on: --poses 0 and no recorded landmarks")
    recipe = Recipe(seed=args.data_seed, poses_per_gesture=poses, views=args.views) if poses else None
    synthetic = _synthetic_set(recipe, _workers(args.workers)) if recipe is not None else None
    meta = recipe_meta(recorded, recipe, args.copies, len(synthetic) if synthetic is not None else 0)
    out = train_gestures(recorded.data if recorded is not None else None, synthetic, hp, args.copies, meta)
    files = export(out, args.export_dir, model_path=args.out)
    what = (f"{len(recorded.data)} recorded hands from {len(recorded.sources())} sources"
            if recorded is not None else "no recorded hands")
    print(f"labels: {', '.join(out.model.labels)}; trained on {what} (x{args.copies + 1} with augmentation) "
          f"and {meta['data']['synthetic_hands']} synthetic hands, {hp.epochs} epochs")
    for path in files.values():
        print(f"wrote {path}")
    return 0


# --------------------------------------------------------------------------- train


def _base_recordings(base, where: Path):
    """The recorded landmarks a --base model learned from, when they are here (same hash), else None with a note."""
    from kiosk.training import devset

    wanted = ((base.meta.get("data") or {}).get("recorded") or {}).get("sha256")
    if not wanted:
        return None
    path = devset.default_path()
    recorded = devset.read(path) if path is not None else None
    if recorded is None or recorded.sha256 != wanted:
        print(f"train: --base {where} also learned from recorded landmarks (sha256 {wanted[:12]}...) that are not "
              "here ($KIOSK_DATA); its classes come from its synthetic recipe alone this time", file=sys.stderr)
        return None
    return recorded


def cmd_train(args, config) -> int:
    import numpy as np

    from kiosk.training.dataset import CACHE_NAME, detector_settings, extract, scan_dataset
    from kiosk.gestures.landmark_features import batch_features
    from kiosk.gestures.model import load_model
    from kiosk.training.synthetic import LandmarkSet, Recipe
    from kiosk.training.training import check_ratios, conflicting_none, export, train

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
            recipe = Recipe.from_dict(base.meta["recipe"]) if base.meta.get("recipe") is not None else None
            synthetic_labels = tuple(base.meta.get("synthetic_labels") or ())
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
        synth = _synthetic_set(recipe, _workers(args.workers)) if recipe is not None else None
        recorded = _base_recordings(base, args.base)
        if recorded is not None:  # the hands the base model learned from, augmented as it was
            from kiosk.training.devset import augment

            copies = int(base.meta["data"]["recorded"].get("augment_copies", AUGMENT_COPIES))
            synth = LandmarkSet.concat([augment(recorded.data, copies, hp.seed), *([synth] if synth is not None else [])])
        if synth is None:
            raise InputError(f"--base {args.base}: it learned from recorded landmarks that are not here "
                             "(set KIOSK_DATA) and has no synthetic recipe: its classes cannot be kept")
        new_labels = [label for label in with_hands if label not in base.labels]
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
        labels = tuple(dict.fromkeys(["none", *base.labels, *sorted(with_hands)]))
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
    from kiosk.training.evaluate import MAPS, format_summary, photo_labels, run_photos, summarise

    _check_confidence(args.min_detection_confidence)
    if not 1 <= args.max_hands <= 4:
        raise InputError("--max-hands must be 1..4")
    if args.synthetic:
        from kiosk.training.evaluate import format_synthetic, synthetic_click_report
        from kiosk.gestures.model import load_model

        cfg = _gesture_config(config)
        path = args.gesture_model or cfg.model or SHIPPED_MODEL
        report = synthetic_click_report(load_model(path))
        print(json.dumps(report, sort_keys=True) if args.json else
              f"eval-gestures --synthetic: model {path}\n" + format_synthetic(report))
        return 0
    if args.loso:
        return _eval_loso(args, config)
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
    from kiosk.training.evaluate import format_video, summarise_video
    from kiosk.gestures.stabilizer import Stabilizer
    from kiosk.interaction.active_hand import ActiveHandSelector
    from kiosk.interaction.pointer import Pointer
    from kiosk.types import NO_GESTURE
    from kiosk.bootstrap import make_tracker
    from kiosk.vision.sources import VideoFileSource

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
        with make_tracker(args.model or t.model, t) as tracker:
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


# --------------------------------------------------------------------------- eval-gestures --loso


def _eval_loso(args, config) -> int:
    from kiosk.training import loso
    from kiosk.training.training import plot_confusion, train_gestures

    from kiosk.training.training import HParams

    recorded = _recorded(args.data)
    if recorded is None:
        raise InputError("eval-gestures --loso needs recorded landmarks: --data FILE_OR_FOLDER, or set KIOSK_DATA")
    hp = HParams()
    cfg = _gesture_config(config)
    click = args.click or cfg.click
    synthetic = None
    if any(v != "real" for v in args.variants):
        synthetic = _synthetic_set(MIXED_SYNTHETIC, _workers(None))

    def fit(real, synth):
        return train_gestures(real, synth, hp, AUGMENT_COPIES, {}, progress=False).model

    reports = {}
    for variant in args.variants:
        predictions = loso.predict(recorded, variant, synthetic, fit)
        reports[variant] = loso.summarise(predictions, recorded.hand_px, click, config.pointer.press_at)
    result = {"data": str(recorded.path), "data_sha256": recorded.sha256, "hands": len(recorded.data),
              "sources": len(recorded.sources()), "hparams": hp.to_dict(), "augment_copies": AUGMENT_COPIES,
              "synthetic_recipe": MIXED_SYNTHETIC.to_dict(), "variants": reports}
    if args.export_dir is not None:
        from kiosk.files import write_atomic

        if args.export_dir.exists() and not args.export_dir.is_dir():
            raise InputError(f"--export-dir {args.export_dir} is not a folder")
        args.export_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(args.export_dir / "loso.json", (json.dumps(result, indent=1, sort_keys=True) + "\n").encode())
        for variant, s in reports.items():
            o = s["overall"]
            title = (f"leave-one-source-out, trained on {variant}\n"
                     f"accuracy {o['accuracy']:.3f}, ok (click) recall {o['ok_recall']:.3f}")
            write_atomic(args.export_dir / f"loso-confusion-{variant}.png",
                         plot_confusion(s["confusion"], tuple(s["labels"]), title))
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        for variant, s in reports.items():
            print(loso.format_report(s, f"== leave-one-source-out, trained on {variant}: {recorded.path}, "
                                        f"{len(recorded.data)} hands, {len(recorded.sources())} sources =="))
            print()
    return 0


# --------------------------------------------------------------------------- make-scenario


def cmd_make_scenario(args, config) -> int:
    from kiosk.training import devset
    from kiosk.training.scenario import compose

    if not 2 <= args.ok_frames <= 300:
        raise InputError("--ok-frames must be 2..300")
    folder = args.data
    if folder is None:
        default = devset.default_path()
        if default is None:
            raise InputError("make-scenario needs the photos: --data FOLDER, or set KIOSK_DATA")
        folder = default.parent
    if args.out.suffix.lower() != ".mp4":
        raise InputError(f"--out {args.out}: the video must be an .mp4 file")
    truth = compose(folder, args.source, args.out, args.seed, args.ok_frames, args.thumbs_down_source)
    oks = sum(1 for s in truth["segments"] if s["label"] == "ok")
    print(f"wrote {args.out} ({len(truth['frames'])} frames, {oks} 👌 segments) and {args.out.with_suffix('.json')}")
    return 0
