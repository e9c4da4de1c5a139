"""Interface text: one gettext PO catalog per language, read with Babel, and the texts
reviewed in the console on top.

The core texts are `locale/<lang>.po`; each flow of the peer loop keeps its own texts in
`locale/<flow>/<lang>.po`, merged into one catalog per language (`origins` remembers
which folder defines a key). Message ids are keys such as `menu.title`; `key.sms` and
`key.telegram` are optional channel variants (shorter text for SMS, markup for
Telegram). A translation marked `#, fuzzy` is a draft nobody has reviewed yet: it is
used, and counted as unreviewed, so moderators see which languages need a native
speaker. A key missing from a language falls back to English.

Layers: what the files say is kept apart (`file_text`, `file_draft`); texts saved in
the console (content.models.CatalogText, as `Override`s) replace the file's text for
their language and key, and a reviewed one is no longer a draft. `use` puts a whole set
of overrides in place, `override` one; both swap in new dictionaries instead of changing
the ones a turn in another thread may be reading. `freshen` lets the process pick up
texts another process saved (bot/catalog_sync.py decides when it asks the database).
"""

from __future__ import annotations

import string
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE = "en"  # the language every other one translates
# Command words (`keyword.story`) live in the same files but are no interface text:
# bot/keywords.py reads them, this catalog and the console leave them out.
KEYWORD_PREFIX = "keyword."


@dataclass(frozen=True)
class Override:
    """A text saved in the console for one language and key (a CatalogText row has the
    same fields, so rows serve as overrides)."""

    lang: str
    key: str
    text: str
    reviewed: bool


@dataclass
class Catalog:
    """All languages' texts, loaded once by the composition root."""

    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    unreviewed: dict[str, set[str]] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # key -> folder ("" = core)
    refresher: Callable[[], object] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        # What the files say, kept apart so that overrides can be laid on afresh.
        self._files = ({lang: dict(texts) for lang, texts in self.texts.items()},
                       {lang: set(keys) for lang, keys in self.unreviewed.items()})
        self._writing = threading.Lock()  # readers never wait; two writers take turns

    @classmethod
    def load(cls, folder: Path = LOCALE_DIR) -> Catalog:
        """Reads every `<lang>.po` in the folder and its subfolders (one per flow)."""
        texts: dict[str, dict[str, str]] = {}
        unreviewed: dict[str, set[str]] = {}
        origins: dict[str, str] = {}
        for path in sorted(folder.rglob("*.po")):
            with path.open("rb") as fh:
                po = read_po(fh)
            lang, where = path.stem, path.parent.relative_to(folder).as_posix().strip(".")
            found = {m.id: m.string for m in po if _is_text(m.id) and m.string}
            duplicate = set(found) & set(texts.get(lang, {}))
            if duplicate:
                raise ValueError(f"{path}: keys defined twice: {sorted(duplicate)}")
            elsewhere = {k for k in found if origins.setdefault(k, where) != where}
            if elsewhere:
                raise ValueError(f"{path}: keys of another folder: {sorted(elsewhere)}")
            texts.setdefault(lang, {}).update(found)
            unreviewed.setdefault(lang, set()).update(m.id for m in po
                                                      if _is_text(m.id) and m.fuzzy)
        return cls(texts, unreviewed, origins)

    def text(self, lang: str, key: str, channel: str | None = None, **params: object) -> str:
        """The text for a key in a language, channel variant first, English as fallback."""
        template, _ = self.template(lang, key, channel)
        return template.format(**params) if params else template

    def template(self, lang: str, key: str, channel: str | None = None) -> tuple[str, bool]:
        """The raw text for a key and whether it is the channel's own variant."""
        for code in (lang, SOURCE):
            texts = self.texts.get(code, {})
            if channel and f"{key}.{channel}" in texts:
                return texts[f"{key}.{channel}"], True
            if key in texts:
                return texts[key], False
        raise KeyError(f"no text for {key!r}")

    def has(self, lang: str, key: str) -> bool:
        """Tells whether the language itself (not the fallback) has the key."""
        return key in self.texts.get(lang, {})

    def review_status(self) -> dict[str, tuple[int, int]]:
        """Per language: (texts, unreviewed texts)."""
        texts, unreviewed = self.texts, self.unreviewed
        return {lang: (len(found), len(unreviewed.get(lang, ())))
                for lang, found in texts.items()}

    # The files, and the console's texts on top ----------------------------------------

    def keys(self) -> list[str]:
        """Every key the source language's files define: the core file's first, then
        each flow folder's, each in the file's order."""
        order = {key: n for n, key in enumerate(self._files[0].get(SOURCE, {}))}
        return sorted(order, key=lambda k: (self.origins.get(k, ""), order[k]))

    def file_text(self, lang: str, key: str) -> str | None:
        """The text the language's file has for the key (None: the file lacks it)."""
        return self._files[0].get(lang, {}).get(key)

    def file_draft(self, lang: str, key: str) -> bool:
        """Whether the file marks the key's text a draft (`#, fuzzy`)."""
        return key in self._files[1].get(lang, ())

    def layered(self, overrides: Iterable[Override]) -> tuple[dict, dict]:
        """The files' texts and drafts with the overrides laid on (keys the source
        language no longer defines are left out)."""
        texts = {lang: dict(found) for lang, found in self._files[0].items()}
        drafts = {lang: set(keys) for lang, keys in self._files[1].items()}
        known = self._files[0].get(SOURCE, {})
        for row in overrides:
            if row.key in known:
                _lay(texts, drafts, row)
        return texts, drafts

    def use(self, overrides: Iterable[Override]) -> None:
        """Puts this set of overrides in place of the previous one."""
        texts, drafts = self.layered(overrides)
        with self._writing:
            self.texts, self.unreviewed = texts, drafts

    def override(self, row: Override) -> None:
        """Lays one more override on the texts in use (a text saved in this process)."""
        if row.key not in self._files[0].get(SOURCE, {}):
            return
        with self._writing:
            texts, drafts = dict(self.texts), dict(self.unreviewed)
            texts[row.lang] = dict(texts.get(row.lang, {}))
            drafts[row.lang] = set(drafts.get(row.lang, ()))
            _lay(texts, drafts, row)
            self.texts, self.unreviewed = texts, drafts

    def freshen(self) -> None:
        """Picks up texts other processes saved, if the refresher says it is time."""
        if self.refresher is not None:
            self.refresher()


def _is_text(key: str) -> bool:
    """Whether a message id is an interface text (not the header, not command words)."""
    return bool(key) and not key.startswith(KEYWORD_PREFIX)


def _lay(texts: dict, drafts: dict, row: Override) -> None:
    texts.setdefault(row.lang, {})[row.key] = row.text
    keys = drafts.setdefault(row.lang, set())
    if row.reviewed:
        keys.discard(row.key)
    else:
        keys.add(row.key)


def placeholders(template: str) -> set[str]:
    """The `{name}` fields a text uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
