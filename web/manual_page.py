"""A printed manual (services/manuals) as one HTML page, for the web and for printing
from a browser: the same contents and marks as the PDF, QR codes as PNG data URLs (the
Content-Security-Policy allows `data:` images), practice text autoescaped. On the site
it links /static/manual.css; written to a file (`peerlearn manual --out x.html`) it
carries that stylesheet inside, so the file stands alone."""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from content.languages import BY_CODE
from services.manuals.gather import Manual
from services.manuals.pdf import qr_png
from services.manuals.words import SECTION_KEYS, Words

WEB = Path(__file__).resolve().parent
STYLESHEET = WEB / "static" / "manual.css"


@cache
def _environment() -> jinja2.Environment:
    """The templates' environment, made on first use (nothing is built at import)."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(WEB / "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def render_page(manual: Manual, words: Words, *, standalone: bool = False) -> str:
    """The manual's HTML page; `standalone` puts the stylesheet inside it."""
    return _environment().get_template("manual.html").render(
        manual=manual, say=words.say, tried=words.tried, country=words.country,
        language=BY_CODE[manual.lang], section_keys=SECTION_KEYS, qr=_qr,
        # our own stylesheet, not text from anyone: safe to put in a <style> as it is
        stylesheet=Markup(STYLESHEET.read_text(encoding="utf-8")) if standalone else None)


def _qr(link: str) -> str:
    """The link's QR code as a data URL."""
    return "data:image/png;base64," + base64.b64encode(qr_png(link)).decode("ascii")
