"""Short sounds generated in code (no audio files), played through pygame.mixer when there is one.

`synth(name, rate)` is pure numpy: each sound is a few sine notes with a quick attack
and an exponential decay, so it is soft and never clicks. `Sounds.open(...)` makes
them into mixer Sounds once, at start; if the mixer cannot start (no audio device),
or sound is off in the config, every `play` does nothing, and the kiosk runs silently.
pygame is only imported by `open`, so this module imports without it.
"""
from __future__ import annotations

import numpy as np

from kiosk.native import quiet_native_stderr

RATE = 22050
"""Samples per second."""

# name -> notes: (frequency Hz, start s, length s, loudness 0..1); "sweep" notes glide to a second frequency.
_NOTES: dict[str, list[tuple]] = {
    "click": [(1800.0, 0.0, 0.05, 0.6)],
    "key": [(1320.0, 0.0, 0.06, 0.5)],
    "add": [(1046.5, 0.0, 0.09, 0.5), (1318.5, 0.07, 0.14, 0.5)],
    "erase": [(("sweep", 740.0, 520.0), 0.0, 0.08, 0.45)],
    "back": [(783.99, 0.0, 0.08, 0.45), (523.25, 0.07, 0.12, 0.45)],
    "error": [(220.0, 0.0, 0.12, 0.5), (207.65, 0.13, 0.16, 0.5)],
    "warning": [(880.0, 0.0, 0.12, 0.5), (880.0, 0.2, 0.12, 0.5)],
    "start": [(("sweep", 523.25, 1046.5), 0.0, 0.18, 0.45)],
    "success": [(523.25, 0.0, 0.12, 0.4), (659.25, 0.1, 0.12, 0.4), (783.99, 0.2, 0.12, 0.4),
                (1046.5, 0.3, 0.45, 0.45)],
}
NAMES = tuple(_NOTES)


def synth(name: str, rate: int = RATE) -> np.ndarray:
    """The sound `name` as float32 mono samples in [-1, 1]."""
    notes = _NOTES[name]
    total = max(start + length for _, start, length, _ in notes) + 0.02
    out = np.zeros(int(total * rate), np.float32)
    for freq, start, length, loud in notes:
        n = int(length * rate)
        t = np.arange(n, dtype=np.float32) / rate
        if isinstance(freq, tuple):  # a glide from one frequency to another
            _, f0, f1 = freq
            phase = 2 * np.pi * (f0 * t + (f1 - f0) * t * t / (2 * length))
        else:
            phase = 2 * np.pi * freq * t
        # a little second harmonic makes it audible on small speakers
        wave = np.sin(phase) + 0.25 * np.sin(2 * phase)
        attack = np.minimum(1.0, t / 0.005)
        envelope = attack * np.exp(-t * 5.0 / length)
        i = int(start * rate)
        out[i:i + n] += (loud / 1.25) * wave * envelope
    return np.clip(out, -1.0, 1.0)


class Sounds:
    """Plays the kiosk's sounds; silent when made with nothing to play through."""

    def __init__(self, sounds: dict[str, object] | None = None):
        self._sounds = sounds or {}

    @property
    def audible(self) -> bool:
        return bool(self._sounds)

    @classmethod
    def open(cls, enabled: bool = True, volume: float = 0.5) -> Sounds:
        """Start the mixer and make every sound once; a Sounds that does nothing if that is not possible."""
        if not enabled or volume <= 0:
            return cls()
        try:
            import pygame

            if not pygame.mixer.get_init():
                with quiet_native_stderr():  # ALSA prints several lines when there is no sound card
                    pygame.mixer.init(RATE, -16, 1, 512)
            rate, fmt, channels = pygame.mixer.get_init()
            made = {}
            for name in NAMES:
                samples = synth(name, rate)
                if abs(fmt) == 16:
                    data = (samples * 32767).astype(np.int16)
                elif fmt == -8:
                    data = (samples * 127).astype(np.int8)
                elif fmt == 8:
                    data = (samples * 127 + 128).astype(np.uint8)
                else:  # 32-bit float mixers
                    data = samples
                if channels > 1:
                    data = np.repeat(data[:, None], channels, axis=1)
                sound = pygame.sndarray.make_sound(np.ascontiguousarray(data))
                sound.set_volume(volume)
                made[name] = sound
            return cls(made)
        except Exception:  # no pygame, no audio device, a driver error, an odd mixer format: run silently
            return cls()

    def play(self, name: str) -> None:
        sound = self._sounds.get(name)
        if sound is not None:
            sound.play()
