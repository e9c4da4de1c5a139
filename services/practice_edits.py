"""Changes to a practice given field by field (the console's form, the API's PATCH),
applied to the practice as a draft, so that both end in the same pack files and the same
validation (services/versions.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from content.drafts import TEMPLATE_FIELDS, FaqDraft, PracticeDraft, TranslationDraft

FACT_NAMES = ("country", "organisation", "topics", "sectors", "visitors_welcome", "sources")
TEXT_NAMES = ("title", "body", *TEMPLATE_FIELDS, "snippets", "faq", "keywords", "reviewed",
              "translated_from")


def edit_draft(draft: PracticeDraft, *, facts: dict, texts: dict[str, dict],
               reviewer: str | None = None, today: date | None = None) -> PracticeDraft:
    """The draft with the given facts and per-language texts changed (absent names stay
    as they are; a language not there yet is added). `reviewed: True` marks the text
    reviewed by `reviewer` on `today`."""
    unknown = set(facts) - set(FACT_NAMES)
    if unknown:
        raise KeyError(f"not a fact: {sorted(unknown)}")
    draft = replace(draft, translations=dict(draft.translations),
                    **{name: _copy(value) for name, value in facts.items()})
    for lang, fields in texts.items():
        old = draft.translations.get(lang) or TranslationDraft(
            lang=lang, title="", reviewed=False, snippets=[],
            translated_from=None if lang == draft.main_lang() else draft.main_lang())
        draft.translations[lang] = _edit_text(old, fields, reviewer, today)
    return draft


def _edit_text(tr: TranslationDraft, fields: dict, reviewer: str | None,
               today: date | None) -> TranslationDraft:
    unknown = set(fields) - set(TEXT_NAMES)
    if unknown:
        raise KeyError(f"not a text: {sorted(unknown)}")
    changes: dict = {}
    template = dict(tr.template)
    for name, value in fields.items():
        if name in TEMPLATE_FIELDS:
            if value and value.strip():
                template[name] = value.strip()
            else:
                template.pop(name, None)
        elif name == "faq":
            changes["faq"] = [pair if isinstance(pair, FaqDraft) else FaqDraft(**pair)
                              for pair in value]
        elif name in ("snippets", "keywords"):
            changes[name] = [text.strip() for text in value if text and text.strip()]
        elif name == "body":
            changes["body"] = (value or "").strip()
        else:
            changes[name] = value
    tr = replace(tr, template=template, **changes)
    if fields.get("reviewed") is True and reviewer:
        tr = replace(tr, reviewed_by=reviewer,
                     reviewed_on=(today or date.today()).isoformat())
    if tr.reviewed is False:
        tr = replace(tr, reviewed_by=None, reviewed_on=None)
    return tr


def _copy(value):
    return list(value) if isinstance(value, list | tuple) else value
