"""The console's own texts. The console is in English; every text in its templates and
pages goes through `_()` so it can be translated later: `make console-pot` (pybabel
extract with the Jinja2 extractor) writes `web/console/locale/console.pot`, and a
`<lang>.po` beside it would be compiled here at start-up. tests/web/console checks that
the template is up to date.
"""

from __future__ import annotations

import gettext
from io import BytesIO
from pathlib import Path

import jinja2
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from markupsafe import Markup

LOCALE_DIR = Path(__file__).parent / "locale"
POT = LOCALE_DIR / "console.pot"


def translations(lang: str = "en") -> gettext.NullTranslations:
    """The console's texts in a language; English (the source) needs no catalog."""
    path = LOCALE_DIR / f"{lang}.po"
    if lang == "en" or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def install(env: jinja2.Environment, texts: gettext.NullTranslations) -> None:
    """Jinja's new-style gettext (`_("%(n)s rows", n=3)`, values escaped), with a short
    way for the commonest call, a text without values: Jinja formats each through
    `Markup % {}`, a sixth of a 50-row queue page's rendering (bench/console.py)."""
    env.install_gettext_translations(texts, newstyle=True)
    full = env.globals["gettext"]

    @jinja2.pass_context
    def gettext_(context, string: str, /, **values):
        if values:
            return full(context, string, **values)
        text = texts.gettext(string)
        return Markup(text) if context.eval_ctx.autoescape else text

    env.globals["gettext"] = gettext_
