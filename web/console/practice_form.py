"""The practice editor's form: its fields read back into changes to the practice's draft
(services/practice_edits.py), and the validator's problems placed next to the fields
they name.

Field names: facts `country`, `organisation`, `topics`, `sectors`, `visitors_welcome`,
`source_{title,publisher,url,year}_{i}`; texts per language `title_{lang}`,
`body_{lang}`, `{template field}_{lang}`, `snippet_{lang}_{i}`,
`faq_{q,a,ref}_{lang}_{i}` (ref: the pair's row when the form was drawn, so a pair
promoted from a member's answer keeps its answer and attribution), `keywords_{lang}` (one
keyword per line, or separated by commas). Blank rows are
dropped; only what the account may change is read (translators: their languages' texts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from content.drafts import TEMPLATE_FIELDS, FaqDraft, PracticeDraft
from content.frontmatter import Problem
from content.languages import LANGUAGE_CODES, SECTORS, TOPICS
from services.access import STAFF, Principal, edits_language

MAX_VALUE = 20_000  # characters in one field
MAX_ROWS = 20  # snippets, FAQ pairs or sources read per language
_ITEM = re.compile(r"^item (\d+)")
_KEYWORD_BREAK = re.compile(r"[\n,၊]")  # a line, or a comma (Burmese has its own, ၊)


class TooLong(ValueError):
    """A field longer than MAX_VALUE."""


def read(form, *, base: PracticeDraft, principal: Principal) -> tuple[dict, dict[str, dict]]:
    """(facts, texts per language) the account changed through the form."""
    langs = [lang for lang in form.getlist("langs") if lang in LANGUAGE_CODES][:2]
    texts = {lang: _texts(form, lang, base) for lang in langs
             if edits_language(principal, lang)}
    facts = _facts(form, base) if principal.role in STAFF and form.get("facts") == "1" else {}
    return facts, texts


def _value(form, name: str) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    if len(value) > MAX_VALUE:
        raise TooLong(name)
    return value.replace("\r\n", "\n")


def _texts(form, lang: str, base: PracticeDraft) -> dict:
    old = base.translations.get(lang)
    fields: dict = {"title": _value(form, f"title_{lang}").strip(),
                    "body": _value(form, f"body_{lang}")}
    fields |= {name: _value(form, f"{name}_{lang}") for name in TEMPLATE_FIELDS}
    fields["snippets"] = [text for i in range(MAX_ROWS)
                          if (text := _value(form, f"snippet_{lang}_{i}").strip())]
    pairs = []
    for i in range(MAX_ROWS):
        q, a = _value(form, f"faq_q_{lang}_{i}").strip(), _value(form, f"faq_a_{lang}_{i}").strip()
        if not q and not a:
            continue
        ref = _value(form, f"faq_ref_{lang}_{i}")
        was = old.faq[int(ref)] if old and ref.isdigit() and int(ref) < len(old.faq) else None
        pairs.append(FaqDraft(q=q, a=a, answer_id=was.answer_id if was else None,
                              attribution=was.attribution if was else None))
    fields["faq"] = pairs
    fields["keywords"] = [word for part in _KEYWORD_BREAK.split(_value(form, f"keywords_{lang}"))
                          if (word := part.strip())]
    return fields


def _facts(form, base: PracticeDraft) -> dict:
    facts: dict = {"country": _value(form, "country").strip().upper(),
                   "organisation": _value(form, "organisation").strip(),
                   "topics": [t for t in form.getlist("topics") if t in TOPICS],
                   "sectors": [s for s in form.getlist("sectors") if s in SECTORS]}
    interview = [s for s in base.sources[:1] if s.get("kind") == "interview"]
    facts["sources"] = interview + [source for i in range(MAX_ROWS)
                                    if (source := _source(form, i))]
    if base.contributor is not None or interview:
        facts["visitors_welcome"] = {"yes": True, "no": False}.get(
            _value(form, "visitors_welcome"))
    return facts


def _source(form, i: int) -> dict | None:
    row = {name: _value(form, f"source_{name}_{i}").strip()
           for name in ("title", "publisher", "url", "year")}
    if not any(row.values()):
        return None
    source = {"title": row["title"], "url": row["url"]}
    if row["publisher"]:
        source["publisher"] = row["publisher"]
    if row["year"]:
        source["year"] = int(row["year"]) if row["year"].isdigit() else row["year"]
    return source


@dataclass
class Placed:
    """Problems by the field they belong to (`lang:field:index`), and the rest."""

    by_field: dict[str, list[Problem]] = field(default_factory=dict)
    general: list[Problem] = field(default_factory=list)

    def at(self, lang: str, name: str, index: int | None = None) -> list[Problem]:
        """The problems of one field (and one row of a list)."""
        return self.by_field.get(key(lang, name, index), [])

    @property
    def errors(self) -> int:
        """How many problems stop the save."""
        return sum(not p.warning for found in self.by_field.values() for p in found) + sum(
            not p.warning for p in self.general)


def key(lang: str, name: str, index: int | None = None) -> str:
    """Where a problem is shown."""
    return f"{lang}:{name}:{'' if index is None else index}"


def place(problems: list[Problem], draft: PracticeDraft | None, shown: set[str]) -> Placed:
    """Each problem next to its field; "item N" of a list to its row. Problems of
    fields the page does not show stay general (shown above the form)."""
    placed = Placed()
    offset = 1 if draft and draft.sources[:1] and draft.sources[0].get("kind") == "interview" \
        else 0
    for problem in problems:
        lang = Path(problem.path).stem
        item = _ITEM.match(problem.message)
        index = int(item.group(1)) - 1 if item else None
        if problem.field == "sources" and index is not None:
            index -= offset
        if problem.field and lang in shown:
            placed.by_field.setdefault(key(lang, problem.field, index), []).append(problem)
        else:
            placed.general.append(problem)
    return placed

