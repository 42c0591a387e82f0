"""Languages: the catalogs are complete and current, money is written the language's way, the shopper
can switch, and no user-facing string escapes the catalogs (every screen drawn in a pseudo-language)."""
from __future__ import annotations

import gettext
import io
import re

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kiosk.i18n import LANGUAGES, LOCALE_DIR, extract, install, tr
from kiosk.shop.catalog import load_catalog
from kiosk.shop.machine import Act, Intent, Kiosk, KioskTimings, Screen
from kiosk.ui.layout import layout, sample_views
from tests.conftest import REPO
from tests.test_app_features import Script, make_app

CATALOG = load_catalog(REPO / "assets" / "catalog.toml")
FIELD = re.compile(r"\{\w+\}")


def test_the_template_lists_exactly_the_messages_in_the_code():
    in_code = {m.id for m in extract() if m.id}
    in_template = {m.id for m in read_po((LOCALE_DIR / "kiosk.pot").open("rb")) if m.id}
    assert in_code == in_template, "run: python main.py extract-messages"
    assert len(in_code) > 60


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_every_message_is_translated_with_the_same_fields(lang):
    catalog = read_po((LOCALE_DIR / f"{lang}.po").open("rb"), locale=lang)
    template = {m.id for m in read_po((LOCALE_DIR / "kiosk.pot").open("rb")) if m.id}
    got = {m.id: m.string for m in catalog if m.id}
    assert set(got) == template
    for msgid, msgstr in got.items():
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        strs = msgstr if isinstance(msgstr, tuple) else (msgstr,)
        assert all(strs), f"{lang}: {msgid!r} untranslated"
        for s in strs:
            assert sorted(FIELD.findall(s)) == sorted(FIELD.findall(ids[0])), (lang, msgid, s)


def test_money_is_written_the_languages_way():
    assert tr("en").money(465, "EUR") == "€4.65"
    assert tr("de").money(465, "EUR") == "4,65\xa0€"
    assert tr("es").money(123456, "EUR") == "1.234,56\xa0€"
    assert tr("de").gettext("Your cart") == "Ihr Warenkorb" and tr("es").gettext("Your cart") == "Su cesta"


def pseudo() -> str:
    """A language in which every catalogued message is itself in ⟦brackets⟧: what shows unbracketed escaped."""
    catalog = read_po((LOCALE_DIR / "kiosk.pot").open("rb"))
    for m in catalog:
        if m.id:
            m.string = tuple(f"⟦{x}⟧" for x in m.id) if isinstance(m.id, tuple) else f"⟦{m.id}⟧"
    mo = io.BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    install("xx", gettext.GNUTranslations(mo))
    return "xx"


DATA = re.compile(r"^(\d+|A-\d+|×\d+|€\d+\.\d\d|👌|[−+×]|[0-9A-F]{8})$")
"""What may show unbracketed: digits, an order number, a count, an amount, the 👌 sign, the − + × signs,
an out-of-order reference."""


def escaped(text: str) -> bool:
    return not ("⟦" in text or DATA.match(text) or text in LANGUAGES.values()
                or text in {item.label("xx") for item in CATALOG.items})


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)], ids=["landscape", "portrait"])
def test_no_text_on_any_screen_escapes_the_catalogs(size):
    lang = pseudo()
    for name, view in sample_views(CATALOG, every=True, language=lang):
        lay = layout(view, CATALOG, size)
        texts = [t.text for t in lay.texts] + [b.text for b in lay.buttons if b.style != "tile"]
        texts += [t.text for t in lay.modal.texts] if lay.modal else []
        assert not [t for t in texts if escaped(t)], name
        if lay.qr is not None:
            lines = lay.qr.text.splitlines()  # the shop's name and the time are data
            assert not [x for x in lines[1:] if x[:4] != "2026" and escaped(x)]


def test_what_the_machine_says_and_what_is_spoken_go_through_the_catalogs(tmp_path):
    lang = pseudo()
    k = Kiosk(CATALOG, KioskTimings(), lambda: "uid", practice=False, language=lang)
    k.handle(Intent(Act.START), 1.0)
    k.handle(Intent(Act.ADD, "apple"), 1.0)
    assert k.view().toast.text.startswith("⟦Added")
    k.handle(Intent(Act.CHECKOUT), 2.0)
    k.handle(Intent(Act.CONFIRM), 2.0)
    k.handle(Intent(Act.PAYMENT_FAILED, "declined"), 3.0)
    assert k.view().message.startswith("⟦")

    class Said:
        lines: list[str] = []

        def say(self, text):
            self.lines.append(text)

        def close(self):
            pass

    said = Said()
    from kiosk.config import UIConfig

    app = make_app(tmp_path, ui=UIConfig(language="en"), speaker=said)
    app.kiosk.default_language = app.kiosk.language = lang
    s = Script(app)
    s.run(0.6, "point", (200, 300))
    s.click("practice")
    s.run(0.5, "point", s.button("add:apple").rect.center)
    assert said.lines and all(line.startswith("⟦") for line in said.lines), said.lines


def test_the_shopper_switches_language_and_the_next_session_starts_in_the_default(tmp_path):
    app = make_app(tmp_path)
    s = Script(app)
    s.run(0.6, "point", (200, 300))
    assert app.kiosk.screen is Screen.PRACTICE
    s.click("lang:de")
    assert any(t.text == "Einmal üben" for t in app.layout().texts)
    s.click("practice")
    s.click("add:apple")
    texts = [t.text for t in app.layout().texts] + [b.text for b in app.layout().buttons]
    assert "Apfel" in texts and "0,45\xa0€" in texts and "Wählen Sie aus" in texts
    assert "Warenkorb  0,45\xa0€" in texts
    app.kiosk.handle(Intent(Act.TIMEOUT), s.i / 30)
    assert app.kiosk.view().language == "en"
    s.run(0.6, "point", (200, 300))
    assert any(t.text == "Try it once" for t in app.layout().texts)
