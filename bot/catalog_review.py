"""Reviewing interface texts in the console: each key with English beside the language's
text, what a text costs by SMS, the checks a text must pass, and saving it.

A text is refused when it is empty, when its `{placeholders}` differ from English's
(the code fills in exactly those), when its braces would break formatting, when a
Telegram variant carries markup Telegram would reject, or when a text SMS members get
does not fit the SMS budget on its own (a longer one would reach them in pages, and a
question with its numbered options would no longer fit). Texts are stored normalised
(services.language.normalize): Burmese typed in Zawgyi is converted to Unicode first,
and the reviewer is told.

English is the source: every language translates it, every language falls back to it,
and its placeholders are the code's. Only admins may change it, always as reviewed
(there is no English draft), and a change there leaves the other languages' texts as
they are: their reviewers see the new English beside them.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.catalog import SOURCE, Catalog, Override, placeholders
from content.channels import Capabilities, kinds
from content.models import CatalogText
from services import catalog_texts
from services.access import Principal, allowed, edits_language
from services.language.normalize import normalize_inbound
from services.sms import count, gsm_friendly

MAX_TEXT = 2000
_MARKUP = re.compile(r"</?(b|i)>")


class Refused(ValueError):
    """The text cannot be saved; `problems` say why, one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Meter:
    """What a text costs as one SMS: encoding, segments, characters (UTF-16 units for
    UCS-2), counted without its placeholders; `over` when it needs more than the budget."""

    encoding: str
    segments: int
    units: int
    over: bool
    placeholders: bool


@dataclass(frozen=True)
class Entry:
    """One key of a language as the console shows it."""

    key: str
    folder: str  # the flow folder of bot/locale that defines it ("" = core)
    english: str
    text: str
    draft: bool
    row: CatalogText | None  # the console's saved text, if any
    meter: Meter | None  # None for the variants of channels without SMS segments

    @property
    def channel(self) -> str | None:
        """The channel of a channel variant ("sms", "telegram", ...), else None."""
        caps = variant(self.key)
        return caps.channel if caps else None


def variant(key: str) -> Capabilities | None:
    """The channel a key is a variant for (`menu.title.telegram`), else None."""
    tail = key.rsplit(".", 1)[-1]
    return next((caps for caps in kinds() if caps.channel == tail), None)


def may_edit(principal: Principal, lang: str) -> bool:
    """Translators their languages, admins every language; English only admins."""
    if lang == SOURCE:
        return principal.is_admin
    return allowed(principal, "texts.review") and edits_language(principal, lang)


def entries(catalog: Catalog, rows: list[CatalogText], lang: str,
            budget: int = 2) -> list[Entry]:
    """Every key the source defines, in the language, with the saved rows laid on."""
    saved = {row.key: row for row in rows if row.lang == lang}
    texts, drafts = catalog.layered(saved.values())
    result = []
    for key in catalog.keys():
        text = texts.get(lang, {}).get(key, "")
        result.append(Entry(key, catalog.origins.get(key, ""),
                            texts[SOURCE][key], text, key in drafts.get(lang, ()),
                            saved.get(key), meter(key, text, budget)))
    return result


def meter(key: str, text: str, budget: int = 2) -> Meter | None:
    """The SMS cost of a text (None for a variant of a channel without segments)."""
    caps = variant(key)
    if caps is not None and not caps.segmented:
        return None
    bare = _without_placeholders(text)
    info = count(gsm_friendly(bare))
    return Meter(info.encoding, info.segments, info.units, info.segments > budget,
                 bare != text)


def check(catalog: Catalog, lang: str, key: str, text: str, budget: int = 2) -> list[str]:
    """What stops the text from being saved for the key; [] when nothing does."""
    if not text.strip():
        return ["The text is empty."]
    problems = _braces(text)
    if not problems:
        problems = _placeholders(text, catalog.file_text(SOURCE, key) or "")
    caps = variant(key)
    if caps is not None and caps.markup == "HTML":
        problems += _markup(text)
    if sent_by_sms(catalog, key):
        shown = meter(key, text, budget)
        if shown.over:
            problems.append(
                f"An SMS text must fit {budget} segments; this one takes {shown.segments} "
                f"({shown.encoding}, {shown.units} characters"
                + (" before its placeholders are filled in" if shown.placeholders else "")
                + "). Shorten it.")
    if len(text) > MAX_TEXT:
        problems.append(f"A text has at most {MAX_TEXT} characters; this one {len(text)}.")
    return problems


def save(session: Session, catalog: Catalog, *, actor: Principal, lang: str, key: str,
         text: str, reviewed: bool, now: datetime, budget: int = 2) -> tuple[CatalogText, bool]:
    """Normalises, checks and saves the text; (the row, whether it came in as Zawgyi).
    Raises Refused with the problems. The caller lays the row on its catalog once the
    transaction is committed (`Catalog.override`)."""
    normal = normalize_inbound(text)
    problems = check(catalog, lang, key, normal.text, budget)
    if lang == SOURCE and not reviewed:
        problems.append("English is the source: it is saved as reviewed, never as a draft.")
    if problems:
        raise Refused(problems)
    row = catalog_texts.save(session=session, actor=actor, lang=lang, key=key,
                             text=normal.text, reviewed=reviewed, now=now)
    return row, normal.zawgyi


def as_override(row: CatalogText) -> Override:
    """The row as the catalog lays it on."""
    return Override(row.lang, row.key, row.text, row.reviewed)


def sent_by_sms(catalog: Catalog, key: str) -> bool:
    """Whether SMS members get this text: not another channel's variant, and no SMS
    variant of the key takes its place."""
    caps = variant(key)
    if caps is not None:
        return caps.segmented
    return not any(f"{key}.{k.channel}" in catalog.origins for k in kinds() if k.segmented)


def _without_placeholders(text: str) -> str:
    try:
        return "".join(literal for literal, *_ in string.Formatter().parse(text))
    except ValueError:
        return text


def _braces(text: str) -> list[str]:
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(text)
                  if name is not None]
    except ValueError:
        return ['A single "{" or "}" breaks the text: write {{ or }} to show a brace, '
                "or complete the placeholder."]
    if any(not name or name.isdigit() for name, _, _ in fields):
        return ["Placeholders have names, as in English: {} and {0} are never filled in."]
    if any(spec or conv for _, spec, conv in fields):
        return ["Write placeholders as plain {name}, without ! or : after the name."]
    return []


def _placeholders(text: str, english: str) -> list[str]:
    mine, theirs = placeholders(text), placeholders(english)
    problems = [f"Missing placeholder {{{name}}}: English has it, and the bot fills it in."
                for name in sorted(theirs - mine)]
    expected = ", ".join(f"{{{name}}}" for name in sorted(theirs))
    hint = (f"English has {expected}: copy the names exactly, only the words around them "
            "are translated.") if theirs else "English has none, so nothing fills it in."
    problems += [f"Unknown placeholder {{{name}}}. {hint}" for name in sorted(mine - theirs)]
    return problems


def _markup(text: str) -> list[str]:
    tags = _MARKUP.findall(text)
    bare = _MARKUP.sub("", text)
    if "<" in bare or any(tags.count(t) % 2 for t in set(tags)):
        return ["A Telegram text may use only <b>…</b> and <i>…</i>, in pairs; "
                "Telegram refuses any other < and does not send the message."]
    return []
