#!/usr/bin/env python3
"""One-command set-up for a fresh machine with Python 3.11.

    python3 dev.py kiosk [ARGS]   set up, then run the kiosk (camera, else the built-in demo)
    python3 dev.py test  [ARGS]   set up, then run the test suite (pytest ARGS)

Set-up is idempotent and quick when nothing changed: it creates .venv, installs
requirements.txt (kiosk) or requirements-dev.txt (kiosk + training + tests) again only
when the file changes, and builds models/hand_landmarker.task from the mediapipe 0.10.21
wheel on PyPI. For the tests it also installs Debian's Chromium (the back office's browser
test) when it is missing and this is root with apt-get; otherwise that test skips.
Stdlib only, so it runs before anything is installed.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
STAMP = VENV / ".requirements.sha256"
DEBIAN_PACKAGES = {"chromium": Path("/usr/bin/chromium"), "postgresql": Path("/usr/lib/postgresql")}
"""Debian package -> what it installs that the tests look for (see ensure_test_packages)."""


def sh(*cmd: str) -> None:
    done = subprocess.run(cmd, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"set-up failed: {' '.join(cmd)} exited with {done.returncode}")


def set_up(requirements: str) -> None:
    if sys.version_info[:2] != (3, 11):
        print(f"note: this project is tested with Python 3.11; this is {sys.version.split()[0]}", file=sys.stderr)
    if not PY.exists():
        print("Creating .venv ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    files = ["requirements.txt"] + ([requirements] if requirements != "requirements.txt" else [])
    wanted = requirements + ":" + "".join(hashlib.sha256((ROOT / f).read_bytes()).hexdigest() for f in files)
    stamps = STAMP.read_text().split() if STAMP.exists() else []
    if wanted not in stamps:
        print(f"Installing {requirements} ...", file=sys.stderr)
        sh(str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", requirements)
        STAMP.write_text("\n".join([s for s in stamps if not s.startswith(requirements + ":")] + [wanted]))
    sh(str(PY), "main.py", "setup-model")


def ensure_test_packages() -> None:
    """Debian packages the tests use, installed when missing and we are root with apt-get: Chromium for
    the back office's browser test (Playwright drives it; no browser download) and the PostgreSQL
    server the fleet tests start a throwaway cluster of. Without them those tests skip, saying why."""
    missing = [name for name, there in DEBIAN_PACKAGES.items() if not there.exists()]
    if not missing or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return
    print(f"Installing {', '.join(missing)} (apt-get) for the tests ...", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    done = subprocess.run(install, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:  # the package lists may be stale or absent (a fresh container)
        subprocess.run(["apt-get", "update"], cwd=ROOT, env=env, capture_output=True)
        done = subprocess.run(install, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["no message"])[-1]
        print(f"note: {', '.join(missing)} not installed ({why}); the tests that need them will skip", file=sys.stderr)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("kiosk", "test", "setup"):
        print(__doc__, file=sys.stderr)
        return 2
    set_up("requirements-dev.txt" if argv[0] in ("test", "setup") else "requirements.txt")
    if argv[0] in ("test", "setup"):
        ensure_test_packages()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if argv[0] == "kiosk":
        return subprocess.call([str(PY), "main.py", *argv[1:]], cwd=ROOT, env=env)
    if argv[0] == "test":
        env.setdefault("SDL_VIDEODRIVER", "dummy")
        env.setdefault("SDL_AUDIODRIVER", "dummy")
        return subprocess.call([str(PY), "-m", "pytest", *argv[1:]], cwd=ROOT, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
