"""Tests for kiosk.ui.sounds: sounds made in code; silence without a device."""
from __future__ import annotations

import numpy as np
import pytest

from kiosk.ui.sounds import NAMES, RATE, Sounds, synth


@pytest.mark.parametrize("name", NAMES)
def test_every_sound_is_short_bounded_and_not_silent(name):
    s = synth(name)
    assert s.dtype == np.float32 and s.ndim == 1
    assert 0.03 * RATE < len(s) < 1.0 * RATE
    assert np.abs(s).max() <= 1.0 and np.abs(s).max() > 0.2
    assert abs(float(s[0])) < 0.05 and abs(float(s[-1])) < 0.05  # soft start and end: no click


def test_sounds_differ():
    peaks = {name: int(np.argmax(np.abs(np.fft.rfft(synth(name))))) for name in NAMES}
    assert len(set(peaks.values())) >= 5


def test_dummy_audio_driver_makes_every_sound(monkeypatch):
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    import pygame

    pygame.mixer.quit()
    sounds = Sounds.open(True, 0.5)
    try:
        assert sounds.audible
        for name in NAMES:
            sounds.play(name)
        sounds.play("no-such-sound")  # unknown names are ignored
    finally:
        pygame.mixer.quit()


def test_no_audio_device_runs_silently(monkeypatch):
    import pygame

    pygame.mixer.quit()

    def fail(*a, **k):
        raise pygame.error("ALSA: Couldn't open audio device")

    monkeypatch.setattr(pygame.mixer, "init", fail)
    sounds = Sounds.open(True, 0.5)
    assert not sounds.audible
    sounds.play("click")  # does nothing, raises nothing


def test_muted_by_config_never_starts_the_mixer(monkeypatch):
    import pygame

    pygame.mixer.quit()
    monkeypatch.setattr(pygame.mixer, "init", lambda *a, **k: pytest.fail("mixer started"))
    assert not Sounds.open(False, 0.5).audible
    assert not Sounds.open(True, 0.0).audible
