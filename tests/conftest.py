"""Shared fixtures. Real data (../shared/data) is read from $KIOSK_DATA when set; tests that
need it skip cleanly when it is absent. The hand model is built by set-up (dev.py)."""
from __future__ import annotations

import functools
import multiprocessing.process
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    data = Path(os.environ.get("KIOSK_DATA", REPO.parent / "shared" / "data"))
    if not data.is_dir():
        pytest.skip(f"real data not found at {data} (set KIOSK_DATA)")
    return data


@pytest.fixture(scope="session")
def model() -> Path:
    path = REPO / "models" / "hand_landmarker.task"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `python3 dev.py test`, which builds it")
    return path


# -- tests organised by cost ----------------------------------------------------------------
# pytest.ini registers `integration` and `slow`. A test that starts a process or needs the real
# data or the hand model must say so with `integration`, or `-m "not integration"` would not be
# the quick, self-contained run the README promises. These hooks make an unmarked one fail.

INTEGRATION_FIXTURES = ("data_dir", "model")
_running: list = [None]  # the test item whose set-up, call or teardown is running
_spawned: set[str] = set()  # node ids of the items that started a process
_unwrap: list = []


def _watch(owner, name: str) -> None:
    real = getattr(owner, name)

    @functools.wraps(real)
    def spawn(*args, **kwargs):
        if _running[0] is not None:
            _spawned.add(_running[0].nodeid)
        return real(*args, **kwargs)

    setattr(owner, name, spawn)
    _unwrap.append((owner, name, real))


def pytest_configure(config):
    # Every way a test (or the code it calls) starts a process: subprocess.run/Popen/check_output,
    # multiprocessing (Process, Pool, ProcessPoolExecutor), os.fork, os.system.
    for owner, name in ((subprocess.Popen, "__init__"), (multiprocessing.process.BaseProcess, "start"),
                        (os, "fork"), (os, "system")):
        _watch(owner, name)


def pytest_unconfigure(config):
    while _unwrap:
        owner, name, real = _unwrap.pop()
        setattr(owner, name, real)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _running[0] = item
    try:
        return (yield)
    finally:
        _running[0] = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    used = [name for name in INTEGRATION_FIXTURES if name in item.fixturenames]
    if used and item.get_closest_marker("integration") is None:
        pytest.fail(f"{item.nodeid} uses the {', '.join(used)} fixture(s) but is not marked "
                    "@pytest.mark.integration", pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if (call.when == "call" and item.nodeid in _spawned and report.outcome != "failed"
            and item.get_closest_marker("integration") is None):
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid} started a process but is not marked @pytest.mark.integration"
    return report


def within(seconds: float, load, path: Path):
    """load(path) in a thread: a load that blocks (on a FIFO) fails the test instead of hanging the suite.
    -> what load returned (it must not raise: the thread's traceback would show, and this fails)."""
    import threading

    got: list = []
    worker = threading.Thread(target=lambda: got.append(load(path)), daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        if path.is_fifo():  # a writer appears: the blocked open returns
            with open(path, "wb"):
                pass
        pytest.fail(f"loading {path} blocked for {seconds} s")
    assert got, f"loading {path} raised (see the thread's traceback)"
    return got[0]


def deny_open(monkeypatch, path: Path) -> None:
    """os.open of `path` fails as it does for a user without read permission (tests run as root)."""
    real_open = os.open

    def denied(p, *args, **kwargs):
        if Path(p) == path:
            raise PermissionError(13, "Permission denied", str(p))
        return real_open(p, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)


from tests.pg import postgres  # noqa: F401  (the fixture)
