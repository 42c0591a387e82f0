"""`python main.py [COMMAND] ...`: one function per subcommand, `main(argv) -> exit code`.

Exit codes: 0 ok, 1 failure (no camera, model missing, I/O), 2 usage or bad input.
Expected errors print one line on stderr, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from kiosk.config import Config, find_config_file, load_config, parse_size
from kiosk.errors import InputError, KioskError

COMMANDS = ("run", "orders", "sync", "backoffice", "bench-sync", "layout", "screens", "extract-messages", "annotate", "setup-model", "transitions", "bench", "collect", "soak",
            "train", "eval-gestures", "build-gesture-model", "make-scenario")


def _size(text: str) -> tuple[int, int]:
    try:
        return parse_size(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _count(text: str) -> int:
    """A whole number >= 0 (argparse turns the ValueError into a usage error, exit 2)."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="Touchless checkout kiosk.")
    parser.add_argument("--config", type=Path, help="config TOML (default: $KIOSK_CONFIG or ./kiosk.toml)")
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser("run", help="run the kiosk (the default command)")
    run.add_argument("--source", help="camera index, video file, image folder, or 'demo' (default: camera, else demo)")
    run.add_argument("--headless", action="store_true", help="no window (SDL dummy driver); exit when the source ends")
    run.add_argument("--windowed", action="store_true", help="a window instead of fullscreen")
    run.add_argument("--size", type=_size, help="window / headless surface size, WxH (default from config: 1280x720)")
    run.add_argument("--events", type=Path, help="write one JSON event per line to this file")
    run.add_argument("--model", type=Path, help="hand_landmarker.task to use")
    run.add_argument("--gesture-model", type=Path, help="a gesture model .npz from `train` (default: the shipped one)")
    run.add_argument("--gesture-task", type=Path,
                     help="a MediaPipe gesture_recognizer.task (e.g. from Model Maker) to use instead of the hand "
                          "model and the built-in classifier")
    run.add_argument("--catalog", type=Path, help="catalog TOML to use")
    run.add_argument("--db", type=Path, help="orders SQLite file")
    run.add_argument("--max-frames", type=int, help="stop after this many frames")
    run.add_argument("--store-demo-orders", action="store_true",
                     help="the demo stores its orders and journals its cart in the database (a trial of the full stack)")
    run.add_argument("--screenshot", type=Path, help="save the last frame drawn as PNG when the run ends")

    orders = sub.add_parser("orders", help="list stored orders, or export them as CSV")
    orders.add_argument("--db", type=Path, help="orders SQLite file")
    orders.add_argument("--csv", help="write CSV to this file ('-' for stdout)")
    orders.add_argument("--limit", type=_count, help="only the newest N orders")

    sync = sub.add_parser("sync", help="send the orders waiting in the outbox to the fleet's central database")
    sync.add_argument("--once", action="store_true", required=True,
                      help="send what is pending now and exit: 0 when nothing is left, 1 otherwise")
    sync.add_argument("--db", type=Path, help="orders SQLite file")

    lay = sub.add_parser("layout", help="print every screen's targets (id, rect in px) as JSON")
    lay.add_argument("--size", type=_size, default=(1920, 1080))
    lay.add_argument("--catalog", type=Path)

    shots = sub.add_parser("screens", help="draw every screen (sample contents) as PNG pictures, no camera needed")
    shots.add_argument("--size", type=_size, default=(1920, 1080))
    shots.add_argument("--out", type=Path, required=True, help="folder for the pictures")
    shots.add_argument("--catalog", type=Path)
    shots.add_argument("--language", choices=("en", "de", "es"), default="en", help="the sessions' language")

    sub.add_parser("extract-messages", help="rewrite kiosk/locale/kiosk.pot from the messages in the code")

    ann = sub.add_parser("annotate", help="draw hand landmarks on photos and save copies")
    ann.add_argument("inputs", nargs="+", type=Path, metavar="PHOTO_OR_FOLDER")
    ann.add_argument("--out", type=Path, required=True, help="folder for the annotated copies")
    ann.add_argument("--max-hands", type=int, default=2)
    ann.add_argument("--min-detection-confidence", type=float, default=0.5)
    ann.add_argument("--model", type=Path)
    ann.add_argument("--gesture-task", type=Path, help="classify with a MediaPipe gesture_recognizer.task")

    setup = sub.add_parser("setup-model", help="build models/hand_landmarker.task from the mediapipe wheel")
    setup.add_argument("--wheel", type=Path, help="a downloaded mediapipe-0.10.21 wheel (default: pip download)")
    setup.add_argument("--out", type=Path, help="where to write the bundle (default: the config's tracker.model)")

    sub.add_parser("transitions", help="print the state machine's transition table (Markdown)")

    bench = sub.add_parser("bench", help="measure the pipeline on a recording against the straightforward loop")
    bench.add_argument("--source", type=Path, help="recording with a hand (default: $KIOSK_DATA scenario video)")
    bench.add_argument("--seconds", type=float, default=10.0, help="how long to run the pipeline and the baseline")
    bench.add_argument("--json", action="store_true", help="print one JSON object")

    from kiosk.training import collect  # light: its heavy imports happen when it runs

    collect.add_parser(sub)
    from kiosk.tools import soak
    from kiosk.training import toolkit

    soak.add_parser(sub)
    from kiosk.tools import sync_bench

    sync_bench.add_parser(sub)
    from kiosk.fleet import backoffice  # light: Flask, psycopg and waitress are imported when it runs

    backoffice.add_parser(sub)
    toolkit.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `python main.py --source x` means `python main.py run --source x`; keep --config in front.
    head = argv[:2] if argv[:1] == ["--config"] else []
    rest = argv[len(head):]
    if not rest or (rest[0] not in COMMANDS and rest[0] not in ("-h", "--help")):
        rest = ["run", *rest]
    args = build_parser().parse_args(head + rest)
    try:
        config = load_config(find_config_file(args.config))
        return COMMAND_FUNCTIONS[args.command](args, config)
    except KioskError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `orders --csv - | head -1`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        return 0
    except PermissionError as e:  # a file the kiosk's user may not read or write: the deployment's to fix
        from kiosk.files import user_name

        print(f"error: {e.filename or 'a file'}: permission denied (the kiosk runs as {user_name()})", file=sys.stderr)
        return 2
    except OSError as e:  # the environment failed (a full disk, an I/O error): one line, and a restart may help
        print(f"error: {e.filename + ': ' if e.filename else ''}{e.strerror or e}", file=sys.stderr)
        return 1


# -- subcommands -------------------------------------------------------------------------

def cmd_run(args, config: Config) -> int:
    from kiosk.bootstrap import Overrides, build
    from kiosk.outputs import check_output, own_files

    if args.screenshot:  # checked now: an hour's run must not end in "cannot write"
        check_output(args.screenshot, "--screenshot", own_files(config, args.db, args.catalog,
                                                                find_config_file(args.config), args.model,
                                                                args.gesture_model))

    overrides = Overrides(source=args.source, headless=args.headless, windowed=args.windowed, size=args.size,
                          model=args.model, gesture_model=args.gesture_model, gesture_task=args.gesture_task,
                          catalog=args.catalog, db=args.db, events=args.events,
                          store_demo_orders=args.store_demo_orders,
                          config_path=find_config_file(args.config))
    while True:
        with build(config, overrides) as kiosk:
            code = kiosk.run(max_frames=args.max_frames, screenshot=str(args.screenshot) if args.screenshot else None)
            if not kiosk.camera_appeared:
                return code
        # The demo stood in for a camera that has now appeared: the same kiosk, built again, live.


def cmd_orders(args, config: Config) -> int:
    from kiosk.files import open_atomic
    from kiosk.outputs import check_output, own_files
    from kiosk.store.orders import SQLiteOrderStore, default_db_path, format_orders, write_csv

    path = args.db or config.orders.db or default_db_path()
    if not path.exists():
        print(f"no orders database at {path} yet")
        return 0
    with SQLiteOrderStore(path) as store:
        orders = store.list(limit=args.limit)
    if args.csv is None:
        print(format_orders(orders))
    elif args.csv == "-":
        write_csv(orders, sys.stdout)
    else:
        check_output(Path(args.csv), "--csv", own_files(config, path, None, find_config_file(args.config)))
        try:
            with open_atomic(Path(args.csv), "w", newline="", encoding="utf-8") as f:
                rows = write_csv(orders, f)
        except OSError as e:
            raise InputError(f"cannot write {args.csv}: {e.strerror or e}") from None
        print(f"wrote {rows} line(s) of {len(orders)} order(s) to {args.csv}")
    return 0


def cmd_sync(args, config: Config) -> int:
    from kiosk.fleet.sync import Outbox, sync_once
    from kiosk.store.orders import default_db_path

    if config.fleet is None:
        raise InputError("sync: the config has no [fleet] section (database, kiosk_id)")
    path = args.db or config.orders.db or default_db_path()
    if not path.exists():
        raise InputError(f"sync: no orders database at {path}")
    outbox = Outbox(path)
    try:
        try:
            result = sync_once(outbox, config.fleet.database, config.fleet.kiosk_id, config.fleet.batch)
        except KioskError as e:
            print(f"error: {e}; {outbox.backlog()} order(s) still waiting", file=sys.stderr)
            return 1
    finally:
        outbox.close()
    print(f"sent {result.sent} order(s) to the central database; {result.left} waiting")
    return 0 if result.left == 0 else 1


def cmd_layout(args, config: Config) -> int:
    from kiosk.shop.catalog import load_catalog
    from kiosk.ui.layout import sample_views, layout

    catalog = load_catalog(args.catalog or config.shop.catalog)
    screens = {}
    for name, view in sample_views(catalog, every=True):
        lay = layout(view, catalog, args.size, _layout_options(config))
        screens[name] = {
            "screen": view.screen.value,
            "panel": _rect(lay.panel),
            "targets": [{"id": b.id, "rect": _rect(b.rect), "enabled": b.enabled} for b in lay.buttons],
        }
    print(json.dumps({"size": list(args.size), "screens": screens}, indent=1))
    return 0


def _rect(r) -> list[int]:
    return [r.x, r.y, r.w, r.h]


def _layout_options(config: Config):
    from kiosk.ui.layout import LayoutOptions
    from kiosk.ui.theme import load_theme

    return LayoutOptions(load_theme(config.ui.theme).sizes, config.ui.keypad_for_quantity, config.ui.gestures)


def cmd_extract_messages(args, config: Config) -> int:
    from kiosk.i18n import LOCALE_DIR, write_template

    n = write_template()
    print(f"{n} messages in {LOCALE_DIR / 'kiosk.pot'}; translate the new ones in each .po beside it")
    return 0


def cmd_screens(args, config: Config) -> int:
    from kiosk.shop.catalog import load_catalog
    from kiosk.tools.screens import render_screens
    from kiosk.ui.theme import load_theme

    catalog = load_catalog(args.catalog or config.shop.catalog)
    try:
        files = render_screens(catalog, args.size, args.out, load_theme(config.ui.theme), _layout_options(config),
                               config.pointer, args.language)
    except OSError as e:
        raise InputError(f"cannot write pictures to {args.out}: {e.strerror or e}") from None
    print(f"wrote {len(files)} pictures to {args.out}")
    return 0


def cmd_annotate(args, config: Config) -> int:
    from kiosk.tools.annotate import annotate
    from kiosk.vision.tracker import MediaPipeHandTracker

    if not 0.0 <= args.min_detection_confidence <= 1.0:
        raise InputError("--min-detection-confidence must be within 0..1")
    if not 1 <= args.max_hands <= 4:
        raise InputError("--max-hands must be 1..4")
    settings = dict(num_hands=args.max_hands, min_hand_detection_confidence=args.min_detection_confidence, video=False)
    if args.gesture_task:
        from kiosk.gestures.recognizer_task import MediaPipeGestureRecognizer, TaskGestureClassifier

        detector, classifier = MediaPipeGestureRecognizer(args.gesture_task, **settings), TaskGestureClassifier()
    else:
        from kiosk.gestures.model import build_classifier

        detector = MediaPipeHandTracker(args.model or config.tracker.model, **settings)
        classifier = build_classifier(config.gestures)
    try:
        return annotate(args.inputs, args.out, detector, classifier, sys.stdout, sys.stderr)
    finally:
        detector.close()


def cmd_setup_model(args, config: Config) -> int:
    from kiosk.vision.model import build_bundle, ensure_model, is_official

    out = args.out or config.tracker.model
    if args.wheel:
        build_bundle(args.wheel, out)
        built = True
    else:
        built = ensure_model(out)
    state = "built" if built else "already present"
    print(f"hand model {out}: {state} ({'official files, SHA-256 checked' if is_official(out) else 'operator-supplied'})")
    return 0


def cmd_transitions(args, config: Config) -> int:
    from kiosk.shop.machine import TRANSITIONS

    print("| screen | intent | next screen |\n|---|---|---|")
    for (screen, act), nxt in TRANSITIONS.items():
        print(f"| {screen.value} | {act.value} | {nxt.value} |")
    return 0


def cmd_bench(args, config: Config) -> int:
    from kiosk.tools.bench import cmd_bench as bench

    return bench(args, config)


def cmd_soak(args, config: Config) -> int:
    from kiosk.tools.soak import cmd_soak as soak

    return soak(args, config)


def cmd_backoffice(args, config: Config) -> int:
    from kiosk.fleet.backoffice import cmd_backoffice as serve

    return serve(args, config)


def cmd_bench_sync(args, config: Config) -> int:
    from kiosk.tools.sync_bench import cmd_bench_sync as bench

    return bench(args, config)


def cmd_collect(args, config: Config) -> int:
    from kiosk.training.collect import cmd_collect as collect

    return collect(args, config)


def cmd_train(args, config: Config) -> int:
    from kiosk.training.toolkit import cmd_train as train

    return train(args, config)


def cmd_eval_gestures(args, config: Config) -> int:
    from kiosk.training.toolkit import cmd_eval_gestures as evaluate

    return evaluate(args, config)


def cmd_build_gesture_model(args, config: Config) -> int:
    from kiosk.training.toolkit import cmd_build_gesture_model as build

    return build(args, config)


def cmd_make_scenario(args, config: Config) -> int:
    from kiosk.training.toolkit import cmd_make_scenario as make

    return make(args, config)


COMMAND_FUNCTIONS = {
    "run": cmd_run,
    "orders": cmd_orders,
    "sync": cmd_sync,
    "layout": cmd_layout,
    "screens": cmd_screens,
    "extract-messages": cmd_extract_messages,
    "annotate": cmd_annotate,
    "setup-model": cmd_setup_model,
    "transitions": cmd_transitions,
    "bench": cmd_bench,
    "bench-sync": cmd_bench_sync,
    "backoffice": cmd_backoffice,
    "collect": cmd_collect,
    "soak": cmd_soak,
    "train": cmd_train,
    "eval-gestures": cmd_eval_gestures,
    "build-gesture-model": cmd_build_gesture_model,
    "make-scenario": cmd_make_scenario,
}
