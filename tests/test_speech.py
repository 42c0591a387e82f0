"""Speech: what the kiosk says, that saying it never waits on the engine, and silence without one."""
from __future__ import annotations

import sys
import time

import pytest

from kiosk.bootstrap import open_speaker
from kiosk.config import UIConfig
from kiosk.shop.machine import Screen
from kiosk.speech import EspeakSpeaker, NoSpeaker
from tests.test_app_features import Script, make_app


class Said:
    def __init__(self):
        self.lines: list[str] = []

    def say(self, text: str) -> None:
        self.lines.append(text)

    def close(self) -> None:
        pass


def wait_for(predicate, seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_the_shopper_hears_targets_prices_screens_and_the_warning(tmp_path):
    from kiosk.shop.machine import KioskTimings

    said = Said()
    app = make_app(tmp_path, speaker=said, timings=KioskTimings(inactivity_warn=5.0, inactivity_reset=25.0))
    s = Script(app)
    s.run(0.6, "point", (200, 300))
    assert said.lines[-1].startswith("Try it once")
    s.click("practice")
    assert said.lines[-1] == "Choose your items."
    s.run(0.5, "point", s.button("add:apple").rect.center)
    s.run(0.5, "point", s.button("add:apple").rect.center)  # staying on it: said once
    assert said.lines[-1] == "Apple, €0.45" and said.lines.count("Apple, €0.45") == 1
    s.click("add:apple")
    s.click("cart")
    assert said.lines[-1] == "Your cart. Total €0.45."
    s.run(0.5, "point", s.button("inc:apple").rect.center)
    assert said.lines[-1] == "One more Apple"
    s.run(6.0, "point", s.button("inc:apple").rect.center)  # still: the warning
    assert said.lines[-1] == "Still there? The cart is cleared in 20 seconds. Move your hand to go on."


def test_speech_off_or_without_an_engine_is_silent_with_one_warning(monkeypatch, capsys):
    assert isinstance(open_speaker(UIConfig()), NoSpeaker)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr("kiosk.speech.find_engine", lambda: None)
    assert isinstance(open_speaker(UIConfig(speech=True)), NoSpeaker)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "espeak-ng" in err[0] and "silent" in err[0]


@pytest.mark.integration
def test_saying_never_waits_and_a_newer_line_cuts_the_old_one_short(tmp_path):
    """A fake engine that takes 30 s per line: say() returns at once, and the newer line replaces it."""
    log = tmp_path / "spoken.log"
    engine = tmp_path / "engine.py"
    engine.write_text("import sys, time\n"
                      f"open({str(log)!r}, 'a').write('start ' + sys.argv[-1] + '\\n')\n"
                      "time.sleep(30)\n"
                      f"open({str(log)!r}, 'a').write('end ' + sys.argv[-1] + '\\n')\n")
    speaker = EspeakSpeaker([sys.executable, str(engine)])
    try:
        speaker.say("first")
        assert wait_for(lambda: log.is_file() and "start first" in log.read_text())
        speaker.say("second")  # returns while "first" would still be speaking for 29 s
        assert wait_for(lambda: "start second" in log.read_text())
    finally:
        speaker.close()
    assert "end first" not in log.read_text() and "end second" not in log.read_text()


@pytest.mark.integration
def test_an_engine_that_vanishes_is_silence_not_a_crash(tmp_path):
    speaker = EspeakSpeaker([str(tmp_path / "no-such-engine")])
    speaker.say("hello")
    assert wait_for(lambda: speaker.failures == 1)  # the worker tried the line
    speaker.say("again")
    assert wait_for(lambda: speaker.failures == 2)  # and is still there for the next one
    speaker.close()
    assert not speaker._thread.is_alive()
