"""Writes practices from the store back out as a pack that `load_pack` reads unchanged."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlmodel import Session, select

from content.drafts import TEMPLATE_FIELDS, FaqDraft, PracticeDraft, TranslationDraft
from content.models import Faq, Practice, PracticeTranslation, Snippet


def practice_drafts(session: Session, *, pack: str | None = None) -> list[PracticeDraft]:
    """Reads practices (of one pack, or all) back into drafts."""
    query = select(Practice).order_by(Practice.slug)
    if pack:
        query = query.where(Practice.pack == pack)
    return [_draft(session, p) for p in session.exec(query)]


def export_pack(session: Session, root: Path, *, pack: str | None = None) -> int:
    """Writes one folder per practice under `root`; returns how many."""
    drafts = practice_drafts(session, pack=pack)
    for draft in drafts:
        folder = root / draft.slug
        folder.mkdir(parents=True, exist_ok=True)
        for lang, tr in draft.translations.items():
            (folder / f"{lang}.md").write_text(render_file(draft, tr), encoding="utf-8")
    return len(drafts)


def render_file(draft: PracticeDraft, tr: TranslationDraft) -> str:
    """One language file: front matter in the order FORMAT.md shows, then the body. The
    facts go to the main file (en.md, or a member's language without English)."""
    main = tr.lang == draft.main_lang()
    meta: dict = {"title": tr.title}
    if main:
        if draft.country:
            meta["country"] = draft.country
        if draft.organisation:
            meta["organisation"] = draft.organisation
        meta |= {"topics": draft.topics, "sectors": draft.sectors, "status": draft.status}
    meta["reviewed"] = tr.reviewed
    meta |= {k: v for k, v in (("reviewed_by", tr.reviewed_by),
                                ("reviewed_on", tr.reviewed_on)) if v}
    if tr.translated_from:
        meta["translated_from"] = tr.translated_from
    meta |= {k: tr.template[k] for k in TEMPLATE_FIELDS if k in tr.template}
    if main:
        meta |= _member_facts(draft)
        if draft.sources:
            meta["sources"] = draft.sources
    meta["snippets"] = tr.snippets
    if tr.faq:
        meta["faq"] = [_faq_item(f) for f in tr.faq]
    if tr.keywords:
        meta["keywords"] = list(tr.keywords)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=88)
    return f"---\n{front}---\n{tr.body}\n" if tr.body else f"---\n{front}---\n"


def _member_facts(draft: PracticeDraft) -> dict:
    """contributor, visitors_welcome and media, where the practice has them."""
    facts: dict = {}
    if draft.contributor is not None:
        facts["contributor"] = draft.contributor
    if draft.visitors_welcome is not None:
        facts["visitors_welcome"] = draft.visitors_welcome
    if draft.media:
        facts["media"] = draft.media
    return facts


def _faq_item(pair: FaqDraft) -> dict:
    item: dict = {"q": pair.q, "a": pair.a}
    if pair.answer_id is not None:
        item["answer_id"] = pair.answer_id
    if pair.attribution:
        item["attribution"] = pair.attribution
    return item


def practice_draft(session: Session, practice: Practice) -> PracticeDraft:
    """One practice from the store as a draft (what export writes for it)."""
    return _draft(session, practice)


def _draft(session: Session, practice: Practice) -> PracticeDraft:
    draft = PracticeDraft(
        slug=practice.slug, pack=practice.pack, country=practice.country or "",
        organisation=practice.organisation or "", topics=list(practice.topics),
        sectors=list(practice.sectors), status=practice.status, sources=list(practice.sources),
        contributor=practice.contributor_id, visitors_welcome=practice.visitors_welcome,
        media=list(practice.media))
    rows = session.exec(select(PracticeTranslation)
                        .where(PracticeTranslation.practice_id == practice.id))
    for row in sorted(rows, key=lambda r: (r.lang != "en", r.lang)):
        draft.translations[row.lang] = TranslationDraft(
            lang=row.lang, title=row.title, reviewed=row.reviewed, body=row.body,
            translated_from=row.translated_from, keywords=list(row.keywords or []),
            snippets=_texts(session, Snippet, practice.id, row.lang),
            faq=[FaqDraft(q=f.question, a=f.answer, answer_id=f.answer_id,
                          attribution=f.attribution)
                 for f in _rows(session, Faq, practice.id, row.lang)],
            template={k: getattr(row, k) for k in TEMPLATE_FIELDS if getattr(row, k)},
            reviewed_by=row.reviewed_by if row.reviewed else None,
            reviewed_on=row.reviewed_at.date().isoformat()
            if row.reviewed and row.reviewed_at else None)
    return draft


def _rows(session: Session, table, practice_id: int, lang: str) -> list:
    return list(session.exec(select(table).where(table.practice_id == practice_id,
                                                 table.lang == lang).order_by(table.position)))


def _texts(session: Session, table, practice_id: int, lang: str) -> list[str]:
    return [row.text for row in _rows(session, table, practice_id, lang)]
