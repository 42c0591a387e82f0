"""Hand model provisioning and the MediaPipe adapter."""
from __future__ import annotations

import getpass
import os
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.errors import KioskError
from kiosk.types import Frame
from kiosk.vision.model import MARKERS, MAX_BUNDLE_UNPACKED, MEMBERS, build_bundle, check_model, is_official
from kiosk.vision.tracker import MediaPipeHandTracker, _person_hand
from tests.conftest import REPO, deny_open


def data_offsets(path):
    """Offset of each member's bytes, read from its local header (30 bytes + name + extra)."""
    offsets = {}
    with open(path, "rb") as f, zipfile.ZipFile(path) as z:
        for info in z.infolist():
            f.seek(info.header_offset)
            header = f.read(30)
            name_len, extra_len = struct.unpack("<HH", header[26:30])
            offsets[info.filename] = info.header_offset + 30 + name_len + extra_len
    return offsets


@pytest.mark.integration
def test_setup_built_the_official_model_with_aligned_members(model):
    assert is_official(model)
    assert all(offset % 64 == 0 for offset in data_offsets(model).values())


def test_bundle_from_a_wheel_with_wrong_files_is_refused(tmp_path):
    wheel = tmp_path / "mediapipe-0.10.21-fake.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        for src, _ in MEMBERS.values():
            z.writestr(src, b"\0\0\0\0TFL3 but not the real weights")
    out = tmp_path / "m.task"
    with pytest.raises(KioskError, match="SHA-256"):
        build_bundle(wheel, out)
    assert not out.exists() and list(tmp_path.iterdir()) == [wheel]  # nothing half-written


def test_check_model_names_the_file_and_the_fix(tmp_path):
    missing_member = tmp_path / "one.task"
    with zipfile.ZipFile(missing_member, "w") as z:
        z.writestr("hand_detector.tflite", b"\0\0\0\0TFL3")
    for path in (tmp_path / "absent.task", missing_member):
        with pytest.raises(KioskError) as e:
            check_model(path)
        assert str(path) in str(e.value) and "setup-model" in str(e.value)


def test_handedness_swaps_only_for_mirrored_frames():
    assert _person_hand("Left", mirrored=True) == "Right"
    assert _person_hand("Right", mirrored=True) == "Left"
    assert _person_hand("Left", mirrored=False) == "Left"


@pytest.mark.integration
def test_no_hand_in_a_blank_frame_and_timestamps_never_go_back(model):
    blank = np.full((240, 320, 3), 128, np.uint8)
    with MediaPipeHandTracker(model) as tracker:
        # Two frames with the same time would make MediaPipe's VIDEO mode throw; the adapter must not.
        assert tracker.process(Frame(blank, 1.0, 0)) == []
        assert tracker.process(Frame(blank, 1.0, 1)) == []


@pytest.mark.integration
def test_the_person_hand_is_the_same_in_a_photo_and_its_mirror(model, data_dir):
    photo = data_dir / "hand-photos" / "palm.jpg"
    if not photo.is_file():
        pytest.skip("palm.jpg not found")
    image = cv2.imread(str(photo))
    with MediaPipeHandTracker(model, video=False, min_hand_detection_confidence=0.3) as tracker:
        raw = tracker.detect(image, mirrored=False)
        mirrored = tracker.detect(cv2.flip(image, 1), mirrored=True)
    assert len(raw) == len(mirrored) == 1
    assert raw[0].handedness == mirrored[0].handedness
    # Mirroring moves the fingertip to 1 - x.
    assert abs(raw[0].tip[0] - (1 - mirrored[0].tip[0])) < 0.02


# -- hostile hand model files -------------------------------------------------------------------------



DETECTOR = b"\x1c\x00\x00\x00TFL3" + bytes(16) + b"classifiers_palm"  # a TFLite header and each model's own name
LANDMARKS = b"\x1c\x00\x00\x00TFL3" + bytes(16) + b"conv_world_landmarks"


def write_bundle(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_a_bundle_with_its_members_swapped_names_the_wrong_member(tmp_path):
    # Before: both are TFLite files, so check_model took it, and MediaPipe failed later with a traceback.
    good = write_bundle(tmp_path / "good.task", {"hand_detector.tflite": DETECTOR,
                                                "hand_landmarks_detector.tflite": LANDMARKS})
    check_model(good)
    swapped = write_bundle(tmp_path / "swapped.task", {"hand_detector.tflite": LANDMARKS,
                                                      "hand_landmarks_detector.tflite": DETECTOR})
    with pytest.raises(KioskError) as e:
        check_model(swapped)
    assert str(e.value).startswith(f"hand model {swapped}: hand_detector.tflite holds the hand landmarks model, "
                                   "not the palm detector (are the two members swapped?): ")
    other = write_bundle(tmp_path / "other.task", {"hand_detector.tflite": DETECTOR,
                                                  "hand_landmarks_detector.tflite": DETECTOR[:8] + bytes(40)})
    with pytest.raises(KioskError, match="hand_landmarks_detector.tflite is not the hand landmarks model: "):
        check_model(other)


@pytest.mark.integration
def test_the_real_bundle_with_its_members_swapped_is_refused(tmp_path, model):
    with zipfile.ZipFile(model) as z:
        real = {name: z.read(name) for name in MEMBERS}
    assert all(marker in real[name] for name, (marker, _) in MARKERS.items())
    swapped = write_bundle(tmp_path / "swapped.task", {"hand_detector.tflite": real["hand_landmarks_detector.tflite"],
                                                      "hand_landmarks_detector.tflite": real["hand_detector.tflite"]})
    with pytest.raises(KioskError, match="hand_detector.tflite holds the hand landmarks model"):
        check_model(swapped)


def test_an_unreadable_model_is_a_permission_problem_not_corrupt(tmp_path, monkeypatch):
    # Before: "hand model FILE is corrupt (PermissionError)". As root every file is readable, so the
    # refusal a 0600 file owned by another user gets is simulated at the open.
    path = write_bundle(tmp_path / "hand_landmarker.task", {"hand_detector.tflite": DETECTOR,
                                                           "hand_landmarks_detector.tflite": LANDMARKS})
    deny_open(monkeypatch, path)
    with pytest.raises(KioskError) as e:
        check_model(path)
    assert str(e.value) == f"hand model {path}: permission denied (the kiosk runs as user {getpass.getuser()!r})"


@pytest.mark.integration
def test_a_0600_model_owned_by_root_is_a_permission_problem_for_another_user():
    """For real: the check runs as `nobody` on a root-owned 0600 bundle (root only, and only if `nobody` exists)."""
    import pwd

    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user 'nobody'")
    if os.geteuid() != 0:
        pytest.skip("only root can run a check as another user")
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        path = write_bundle(Path(tmp) / "hand_landmarker.task", {"hand_detector.tflite": DETECTOR,
                                                                "hand_landmarks_detector.tflite": LANDMARKS})
        os.chmod(path, 0o600)
        code = ("import sys\nfrom pathlib import Path\nfrom kiosk.errors import KioskError\n"
                "from kiosk.vision.model import check_model\n"
                "try:\n    check_model(Path(sys.argv[1]))\nexcept KioskError as e:\n    print(e)\n")
        env = {**os.environ, "USER": "nobody", "LOGNAME": "nobody", "PYTHONPATH": str(REPO)}
        done = subprocess.run([sys.executable, "-c", code, str(path)], cwd="/", env=env, user=nobody.pw_uid,
                              group=nobody.pw_gid, extra_groups=[], capture_output=True, text=True, timeout=60)
    if done.returncode != 0 and "Permission denied" in done.stderr and "kiosk" not in done.stderr:
        pytest.skip(f"`nobody` cannot run the venv's python here: {done.stderr.strip()[-200:]}")
    assert done.stdout.strip() == f"hand model {path}: permission denied (the kiosk runs as user 'nobody')", done.stderr


def test_a_zip_bomb_bundle_is_refused_by_its_directory(tmp_path):
    from tests.test_files import zip_of_zeros

    path = tmp_path / "bomb.task"
    zip_of_zeros(path, "hand_detector.tflite", DETECTOR, MAX_BUNDLE_UNPACKED + 1)
    with zipfile.ZipFile(path, "a") as z:  # otherwise a good bundle: only its size is wrong
        z.writestr("hand_landmarks_detector.tflite", LANDMARKS)
    with pytest.raises(KioskError) as e:
        check_model(path)
    assert str(e.value).startswith(f"hand model {path}: unpacks to {MAX_BUNDLE_UNPACKED + 1 + len(LANDMARKS)} bytes, "
                                   f"over the cap of {MAX_BUNDLE_UNPACKED} bytes: ")


def test_a_fifo_model_is_refused_at_once(tmp_path):
    fifo = tmp_path / "hand_landmarker.task"
    os.mkfifo(fifo)
    with pytest.raises(KioskError) as e:
        check_model(fifo)
    assert str(e.value) == f"hand model {fifo}: not a regular file"
