"""Interface texts: everyone reads, translators (their languages) and admins review."""

from __future__ import annotations

from bot.catalog import Catalog
from tests.web.console.routes import row

EVERYONE = dict(admin=200, moderator=200, translator=200, viewer=200)
# The Khmer help text as the file has it: saving it changes no word, only the review.
KHMER_HELP = Catalog.load().texts["km"]["help"]


def khmer_help(_db, _world) -> dict:
    """A Khmer key, in the translator's languages."""
    return {"lang": "km", "key": "help"}


ROWS = [
    row("GET", "/admin/texts", **EVERYONE),
    row("GET", "/admin/texts/{lang}", **EVERYONE, setup=lambda db, w: {"lang": "lo"}),
    row("POST", "/admin/texts/{lang}/{key}", admin=303, moderator=403, translator=303,
        viewer=403, setup=khmer_help, form={"text": KHMER_HELP, "action": "review"},
        note="saved and marked reviewed: redirected back to the list"),
    row("POST", "/admin/texts/{lang}/{key}/check", admin=200, moderator=403, translator=200,
        viewer=403, setup=khmer_help, form={"text": KHMER_HELP}),
]
