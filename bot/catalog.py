"""Interface text: one gettext PO catalog per language, read with Babel.

The core texts are `locale/<lang>.po`; each flow of the peer loop keeps its own texts in
`locale/<flow>/<lang>.po`, merged into one catalog per language. Message ids are keys
such as `menu.title`; `key.sms` and `key.telegram` are optional
channel variants (shorter text for SMS, markup for Telegram). A translation marked
`#, fuzzy` is a draft nobody has reviewed yet: it is used, and counted as unreviewed,
so moderators see which languages need a native speaker. A key missing from a
language falls back to English.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"


@dataclass
class Catalog:
    """All languages' texts, loaded once by the composition root."""

    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    unreviewed: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path = LOCALE_DIR) -> Catalog:
        """Reads every `<lang>.po` in the folder and its subfolders (one per flow)."""
        catalog = cls()
        for path in sorted(folder.rglob("*.po")):
            with path.open("rb") as fh:
                po = read_po(fh)
            lang = path.stem
            texts = {m.id: m.string for m in po if m.id and m.string}
            duplicate = set(texts) & set(catalog.texts.get(lang, {}))
            if duplicate:
                raise ValueError(f"{path}: keys defined twice: {sorted(duplicate)}")
            catalog.texts.setdefault(lang, {}).update(texts)
            catalog.unreviewed.setdefault(lang, set()).update(
                m.id for m in po if m.id and m.fuzzy)
        return catalog

    def text(self, lang: str, key: str, channel: str | None = None, **params: object) -> str:
        """The text for a key in a language, channel variant first, English as fallback."""
        template, _ = self.template(lang, key, channel)
        return template.format(**params) if params else template

    def template(self, lang: str, key: str, channel: str | None = None) -> tuple[str, bool]:
        """The raw text for a key and whether it is the channel's own variant."""
        for code in (lang, "en"):
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
        return {lang: (len(texts), len(self.unreviewed.get(lang, ())))
                for lang, texts in self.texts.items()}


def placeholders(template: str) -> set[str]:
    """The `{name}` fields a text uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
