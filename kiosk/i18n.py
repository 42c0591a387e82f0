"""The shopper's language: gettext catalogs (Babel) and money in the language's own format. Pure.

Every string a shopper reads or hears goes through a `Tr` for the session's language:
`tr.gettext("Your cart")`, `tr.ngettext("{n} item", "{n} items", n)`, `tr.money(cents, "EUR")`.
The catalogs are `kiosk/locale/<lang>.po` (edited by hand or any PO editor), read and
compiled in memory when first used, so there is no build step; `kiosk/locale/kiosk.pot`
lists every message and is made by `python main.py extract-messages` (Babel's extractor
over kiosk/). English is the source language. A test proves that no user-facing string
escapes the catalogs (it renders every screen in a pseudo-language).
"""
from __future__ import annotations

import gettext
import io
from decimal import Decimal
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = {"en": "English", "de": "Deutsch", "es": "Español"}
"""Language code -> its name in itself: what the language switch shows (words, not flags)."""
KEYWORDS = ("_", "_t", "gettext", "ngettext", "N_")
"""The calls Babel's extractor takes messages from (N_ marks a message translated elsewhere)."""
_LOADED: dict[str, Tr] = {}


class Tr:
    """Translations for one language, and its way of writing money."""

    def __init__(self, lang: str, translations: gettext.NullTranslations):
        self.lang = lang
        self._t = translations

    def gettext(self, message: str) -> str:
        return self._t.gettext(message)

    def text(self, message: str, **fields) -> str:
        """A message translated, its {fields} filled in (the `_t` of the state machine and the session)."""
        return self._t.gettext(message).format(**fields)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def money(self, cents: int, currency: str) -> str:
        """1234, "EUR" -> "€12.34" (en), "12,34 €" (de, es)."""
        return format_currency(Decimal(cents) / 100, currency, locale=_babel_locale(self.lang))


def N_(message: str) -> str:
    """Marks a message for extraction where it is declared; it is translated where it is shown."""
    return message


def _babel_locale(lang: str) -> str:
    return lang if lang in LANGUAGES else "en"


def tr(lang: str) -> Tr:
    """The Tr for a language code (read once); English, the source strings, for "en" or one without a catalog."""
    found = _LOADED.get(lang)
    if found is None:
        po = LOCALE_DIR / f"{lang}.po"
        if lang == "en" or not po.is_file():
            found = Tr(lang, gettext.NullTranslations())
        else:
            found = Tr(lang, compile_po(po.read_bytes(), lang))
        _LOADED[lang] = found
    return found


def install(lang: str, translations: gettext.NullTranslations) -> None:
    """Use these translations for `lang` from now on (a test's pseudo-language)."""
    _LOADED[lang] = Tr(lang, translations)


def extract(root: Path = LOCALE_DIR.parent):
    """Every message the code marks for translation (Babel's Python extractor over kiosk/), as a catalog."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="touchless-kiosk", charset="utf-8")
    keywords = {"_": None, "_t": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    for filename, lineno, message, comments, context in extract_from_dir(
            root, method_map=[("**.py", "python")], keywords=keywords, comment_tags=()):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def write_template(path: Path = LOCALE_DIR / "kiosk.pot") -> int:
    """Write kiosk.pot (no line numbers or dates, so it changes only when messages do); -> messages in it."""
    from babel.messages.pofile import write_po

    from kiosk.files import write_atomic

    catalog = extract()
    out = io.BytesIO()
    write_po(out, catalog, omit_header=True, no_location=True, sort_output=True)
    write_atomic(path, out.getvalue())
    return len(catalog)


def compile_po(data: bytes, lang: str) -> gettext.GNUTranslations:
    """A .po file's bytes -> translations, compiled in memory (Babel)."""
    catalog = read_po(io.BytesIO(data), locale=_babel_locale(lang))
    mo = io.BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return gettext.GNUTranslations(mo)
