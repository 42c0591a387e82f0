"""Shared fixtures. Real data (../shared/data) is read from $KIOSK_DATA when set; tests that
need it skip cleanly when it is absent. The hand model is built by set-up (dev.py)."""
from __future__ import annotations

import os
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
