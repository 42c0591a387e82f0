"""Provision and check the hand model, `models/hand_landmarker.task`.

The official `hand_landmarker.task` is a zip of two TFLite files. They are byte-identical
to two files inside the `mediapipe==0.10.21` wheel on PyPI, so set-up downloads that wheel
(pip, from PyPI only), takes the two files out, checks their SHA-256 and writes the
bundle. An operator may instead supply an official `hand_landmarker.task` (`--model FILE`
or `tracker.model` in the config); it is checked for the same two members.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

from kiosk import files
from kiosk.errors import InputError, KioskError
from kiosk.files import cache_dir

WHEEL_VERSION = "0.10.21"
# bundle member -> (path inside the wheel, SHA-256 of the official file)
MEMBERS = {
    "hand_detector.tflite": (
        "mediapipe/modules/palm_detection/palm_detection_full.tflite",
        "1b14e9422c6ad006cde6581a46c8b90dd573c07ab7f3934b5589e7cea3f89a54",
    ),
    "hand_landmarks_detector.tflite": (
        "mediapipe/modules/hand_landmark/hand_landmark_full.tflite",
        "11c272b891e1a99ab034208e23937a8008388cf11ed2a9d776ed3d01d0ba00e3",
    ),
}
MARKERS = {
    "hand_detector.tflite": (b"palm", "the palm detector"),
    "hand_landmarks_detector.tflite": (b"landmark", "the hand landmarks model"),
}
"""Bytes each member's TFLite metadata has and the other's lacks (tensor and model names): how a
bundle with its two members swapped, or another model in their place, is told from the real one."""
MAX_BUNDLE_BYTES = 64 * 1024 * 1024
"""The official bundle is 7.8 MB; a larger file is refused unread."""
MAX_BUNDLE_UNPACKED = 64 * 1024 * 1024
"""Its members may unpack to this much at most (by the zip directory; a zip bomb is never inflated)."""
HOW_TO_PROVISION = "run `python main.py setup-model` (or `python3 dev.py kiosk`), or pass --model FILE"
_ALIGN = 64  # TFLite maps the model in place only if its bytes are aligned in the zip


def check_model(path: Path) -> None:
    """Raise KioskError (one line naming the file) unless `path` is a usable hand model bundle: a regular
    file the kiosk may read, within MAX_BUNDLE_BYTES, whose members unpack to at most MAX_BUNDLE_UNPACKED,
    with both MEMBERS, each a TFLite model of its own kind (MARKERS: two members swapped are named)."""
    path = Path(path)
    try:
        f = files.open_regular(path, "hand model", MAX_BUNDLE_BYTES)
    except InputError as e:
        if "file not found" in str(e):
            raise KioskError(f"hand model {path} not found: {HOW_TO_PROVISION}") from None
        raise KioskError(str(e)) from None  # permission denied (and who the kiosk runs as), not a file, too large
    try:
        with f, zipfile.ZipFile(f) as z:
            try:
                files.check_zip(z, "hand model", path, MAX_BUNDLE_UNPACKED)
            except InputError as e:
                raise KioskError(f"{e}: {HOW_TO_PROVISION}") from None
            names = set(z.namelist())
            for member in MEMBERS:
                if member not in names:
                    raise KioskError(f"hand model {path} is not a hand_landmarker.task (no {member}): {HOW_TO_PROVISION}")
            bad = z.testzip()
            if bad is not None:
                raise KioskError(f"hand model {path} is corrupt ({bad} fails its checksum): {HOW_TO_PROVISION}")
            for member, (marker, kind) in MARKERS.items():
                data = z.read(member)
                if data[4:8] != b"TFL3":
                    raise KioskError(f"hand model {path}: {member} is not a TFLite model: {HOW_TO_PROVISION}")
                if marker not in data:
                    held = [k for m, (other, k) in MARKERS.items() if m != member and other in data]
                    what = f"holds {held[0]}, not {kind} (are the two members swapped?)" if held else f"is not {kind}"
                    raise KioskError(f"hand model {path}: {member} {what}: {HOW_TO_PROVISION}")
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, zlib.error, ValueError) as e:
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression method.
        raise KioskError(f"hand model {path} is corrupt ({type(e).__name__}): {HOW_TO_PROVISION}") from None


def is_official(path: Path) -> bool:
    """True when both members match the official files byte for byte."""
    with zipfile.ZipFile(path) as z:
        return all(hashlib.sha256(z.read(m)).hexdigest() == sha for m, (_, sha) in MEMBERS.items())


def build_bundle(wheel: Path, out: Path) -> None:
    """Write `out` from the two files in `wheel`, after checking their SHA-256. Atomic."""
    try:
        with zipfile.ZipFile(wheel) as z:
            blobs = {member: z.read(src) for member, (src, _) in MEMBERS.items()}
    except (zipfile.BadZipFile, KeyError, OSError) as e:
        raise KioskError(f"mediapipe wheel {wheel} is not usable ({e}); delete it and run set-up again") from None
    for member, (src, sha) in MEMBERS.items():
        got = hashlib.sha256(blobs[member]).hexdigest()
        if got != sha:
            raise KioskError(f"mediapipe wheel {wheel}: {src} has SHA-256 {got}, expected {sha}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with files.open_atomic(out, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as z:
        for member, data in blobs.items():
            info = zipfile.ZipInfo(member, date_time=(2025, 1, 31, 0, 0, 0))
            info.extra = _alignment_padding(f.tell() + 30 + len(member.encode()))
            z.writestr(info, data)


def _alignment_padding(data_offset: int) -> bytes:
    """A zip extra field that moves data starting at `data_offset` onto an _ALIGN boundary.

    30 is the size of a zip local file header before its name; the extra field is an id
    (0xD935, the one Android's zipalign uses), a length, and zero bytes.
    """
    pad = -data_offset % _ALIGN
    if pad == 0:
        return b""
    if pad < 4:
        pad += _ALIGN
    return b"\x35\xd9" + (pad - 4).to_bytes(2, "little") + bytes(pad - 4)


def download_wheel(dest: Path) -> Path:
    """`pip download --no-deps mediapipe==0.10.21` into dest (PyPI only). Returns the wheel path."""
    existing = sorted(dest.glob(f"mediapipe-{WHEEL_VERSION}-*.whl"))
    if existing:
        return existing[0]
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--platform", "manylinux_2_28_x86_64", "--python-version", "3.11",
           "-d", str(dest), f"mediapipe=={WHEEL_VERSION}"]
    print(f"Downloading mediapipe=={WHEEL_VERSION} (35 MB) from PyPI to build the hand model ...", file=sys.stderr)
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wheels = sorted(dest.glob(f"mediapipe-{WHEEL_VERSION}-*.whl"))
    if done.returncode != 0 or not wheels:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise KioskError(f"could not download mediapipe=={WHEEL_VERSION} from PyPI: {last}")
    return wheels[0]


def ensure_model(path: Path, wheel: Path | None = None) -> bool:
    """Build `path` unless it is already a usable model. Returns True when it built one."""
    try:
        check_model(path)
        return False
    except KioskError:
        pass
    build_bundle(wheel or download_wheel(cache_dir()), path)
    check_model(path)
    return True
