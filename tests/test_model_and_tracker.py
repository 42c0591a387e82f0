"""Hand model provisioning and the MediaPipe adapter."""
from __future__ import annotations

import struct
import zipfile

import cv2
import numpy as np
import pytest

from kiosk.errors import KioskError
from kiosk.types import Frame
from kiosk.vision.model import MEMBERS, build_bundle, check_model, is_official
from kiosk.vision.tracker import MediaPipeHandTracker, _person_hand


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
