"""Practice versions: an edit is kept as the pending version (pack files, FORMAT.md) while
members go on getting the live text; publishing validates it as `peerlearn content
validate` does, writes it through the importer, reindexes search and numbers it, so any
version can be compared (services/version_diff.py) and restored.

The first publish of a practice that has no versions also keeps the live state before
it as version 1 (a bundled practice, or a member's draft) so that it can be restored.
Translators change only the texts of their languages; the facts are the staff's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from content.drafts import PracticeDraft
from content.exporter import practice_draft, render_file
from content.frontmatter import Problem
from content.importer import write
from content.models import Practice, PracticeVersion
from content.validate import load_files
from services.access import Principal, edits_language
from services.audit import record
from services.curation import REACH, REACH_AFTER, Refused, story_pieces
from services.scheduling import schedule
from services.search import reindex

Files = dict[str, str]  # {lang: pack file text}
FACTS = ("country", "organisation", "topics", "sectors", "status", "sources", "contributor",
         "visitors_welcome", "media")


class Invalid(ValueError):
    """The files do not validate; `problems` says where (file, line, field)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class NotTheirs(Refused):
    """A translator's change outside the languages they hold, or to the facts."""


@dataclass(frozen=True)
class Changes:
    """What an edit changes against the live practice."""

    langs: frozenset[str]
    facts: bool

    def confined_to(self, principal: Principal | str) -> bool:
        """Whether the account may make these changes (a translator: its languages)."""
        if not isinstance(principal, Principal) or principal.role in ("admin", "moderator"):
            return True
        return not self.facts and all(edits_language(principal, lang) for lang in self.langs)


def live_files(*, session: Session, practice: Practice) -> Files:
    """The practice as members get it, as pack files (read back once, so that texts
    stored untrimmed compare equal to the same texts saved from the editor)."""
    files = files_of(practice_draft(session, practice))
    draft, _ = check(practice=practice, files=files)
    return files_of(draft) if draft is not None else files


def files_of(draft: PracticeDraft) -> Files:
    """A draft as pack files."""
    return {lang: render_file(draft, tr) for lang, tr in draft.translations.items()}


def pending(*, session: Session, practice_id: int) -> PracticeVersion | None:
    """The unpublished edit of a practice, if there is one."""
    return session.exec(select(PracticeVersion).where(
        PracticeVersion.practice_id == practice_id, PracticeVersion.number.is_(None))).first()


def numbered(*, session: Session, practice_id: int) -> list[PracticeVersion]:
    """Published versions, newest first."""
    return list(session.exec(select(PracticeVersion).where(
        PracticeVersion.practice_id == practice_id, PracticeVersion.number.is_not(None))
        .order_by(PracticeVersion.number.desc())))


def version(*, session: Session, practice_id: int, number: int) -> PracticeVersion | None:
    """One published version by number."""
    return session.exec(select(PracticeVersion).where(
        PracticeVersion.practice_id == practice_id, PracticeVersion.number == number)).first()


def editing(*, session: Session, practice: Practice) -> Files:
    """What the editor starts from: the pending edit, else the live practice."""
    row = pending(session=session, practice_id=practice.id)
    return dict(row.files) if row else live_files(session=session, practice=practice)


def check(*, practice: Practice, files: Files) -> tuple[PracticeDraft | None, list[Problem]]:
    """Validates files as `peerlearn content validate` would, in the practice's pack."""
    return load_files(practice.slug, practice.pack, {f"{lang}.md": text
                                                     for lang, text in files.items()})


def changes(*, session: Session, practice: Practice, files: Files) -> Changes:
    """The languages and whether the facts differ from the live practice."""
    live = live_files(session=session, practice=practice)
    langs = {lang for lang in set(live) | set(files) if live.get(lang) != files.get(lang)}
    before, _ = check(practice=practice, files=live)
    after, _ = check(practice=practice, files=files)
    facts = before is None or after is None or any(
        getattr(before, name) != getattr(after, name) for name in FACTS)
    return Changes(frozenset(langs), facts)


def save(*, session: Session, practice: Practice, files: Files, actor: Principal | str,
         now: datetime) -> list[Problem]:
    """Stores the files as the pending edit if they validate; returns the problems
    (warnings only when stored)."""
    draft, problems = check(practice=practice, files=files)
    if draft is None or any(not p.warning for p in problems):
        return problems
    files = _unreview_changed(practice, editing(session=session, practice=practice), draft,
                              files)
    if files == live_files(session=session, practice=practice):
        discard(session=session, practice=practice, actor=actor)  # back to the live text
        return problems
    if not changes(session=session, practice=practice, files=files).confined_to(actor):
        raise NotTheirs("a translator changes only the texts of their languages")
    row = pending(session=session, practice_id=practice.id) or PracticeVersion(
        practice_id=practice.id, created_by="")
    row.files, row.created_by, row.created_at = dict(files), _name(actor), now
    session.add(row)
    session.flush()
    _audit(session, actor, "practice.edit", practice, languages=sorted(files))
    return problems


def _unreview_changed(practice: Practice, base: Files, draft: PracticeDraft,
                      files: Files) -> Files:
    """A text that changed is no longer reviewed: its review mark goes."""
    before, _ = check(practice=practice, files=base)
    changed = False
    for lang, tr in draft.translations.items():
        old = before.translations.get(lang) if before else None
        plain = replace(tr, reviewed=False, reviewed_by=None, reviewed_on=None)
        if tr.reviewed and (old is None or plain != replace(
                old, reviewed=False, reviewed_by=None, reviewed_on=None)):
            draft.translations[lang], changed = plain, True
    return files_of(draft) if changed else files


def discard(*, session: Session, practice: Practice, actor: Principal | str) -> None:
    """Drops the pending edit."""
    row = pending(session=session, practice_id=practice.id)
    if row is not None:
        session.delete(row)
        session.flush()
        _audit(session, actor, "practice.discard", practice)


def publish(*, session: Session, practice: Practice, actor: Principal | str,
            now: datetime) -> PracticeVersion:
    """Publishes the pending edit (or, for a practice not yet published, the practice
    as it is); a member's practice without snippets gets them cut from its texts."""
    row = pending(session=session, practice_id=practice.id)
    if row is None and practice.status == "published":
        raise Refused("there is no edit to publish")
    if row is None and practice.status == "archived":
        raise Refused("the practice is archived: restore it")
    files = dict(row.files) if row else live_files(session=session, practice=practice)
    first = practice.published_at is None
    published = apply(session=session, practice=practice, files=files, actor=actor, now=now,
                      note=None, author=row.created_by if row else None)
    if row is not None:
        session.delete(row)
    if first and practice.contributor_id is not None:
        schedule(session=session, kind=REACH, due_at=now + REACH_AFTER,
                 member_id=practice.contributor_id, ref_id=practice.id)
    return published


def apply(*, session: Session, practice: Practice, files: Files, actor: Principal | str,
          now: datetime, note: str | None, author: str | None = None) -> PracticeVersion:
    """Makes the files the live, published practice and keeps them as the next version."""
    draft, problems = check(practice=practice, files=files)
    if draft is None or any(not p.warning for p in problems):
        raise Invalid([p for p in problems if not p.warning])
    draft = _published(draft)
    files = files_of(draft)
    draft, problems = check(practice=practice, files=files)
    if draft is None or any(not p.warning for p in problems):
        raise Invalid([p for p in problems if not p.warning])
    if not changes(session=session, practice=practice, files=files).confined_to(actor):
        raise NotTheirs("a translator publishes only changes to the texts of their "
                        "languages")
    _keep_first(session, practice, now)
    langs = sorted(changes(session=session, practice=practice, files=files).langs)
    write(session, practice, draft)
    practice.published_at = practice.published_at or now
    session.add(practice)
    session.flush()
    reindex(session=session, practice_ids=[practice.id])
    number = _next_number(session, practice.id)
    kept = PracticeVersion(practice_id=practice.id, number=number, files=files, note=note,
                           created_by=author or _name(actor), created_at=now,
                           published_at=now)
    session.add(kept)
    session.flush()
    _audit(session, actor, "practice.publish", practice, version=number, languages=langs,
           note=note)
    return kept


def restore(*, session: Session, practice: Practice, number: int, actor: Principal | str,
            now: datetime) -> PracticeVersion:
    """Publishes an earlier version again, as the next version."""
    old = version(session=session, practice_id=practice.id, number=number)
    if old is None:
        raise Refused(f"there is no version {number}")
    return apply(session=session, practice=practice, files=dict(old.files), actor=actor,
                 now=now, note=f"restored version {number}")


def restore_archived(*, session: Session, practice: Practice, actor: Principal | str,
                     now: datetime) -> Practice:
    """Brings an archived practice back: published again, or, for a member's draft that
    was never published, back in review."""
    if practice.status != "archived":
        raise Refused(f"the practice is {practice.status}, not archived")
    if practice.contributor_id is not None and practice.published_at is None:
        practice.status, practice.updated_at = "review", now
        session.add(practice)
        session.flush()
        reindex(session=session, practice_ids=[practice.id])
        _audit(session, actor, "practice.unarchive", practice, status="review")
        return practice
    apply(session=session, practice=practice, files=live_files(session=session,
                                                               practice=practice),
          actor=actor, now=now, note="restored from the archive")
    return practice


def _published(draft: PracticeDraft) -> PracticeDraft:
    """The draft as published: status published, and for a member's practice, snippets
    cut from the texts of any language that has none."""
    draft = replace(draft, status="published", translations=dict(draft.translations))
    if draft.contributor is None and not _interview(draft):
        return draft
    for lang, tr in draft.translations.items():
        if not tr.snippets and tr.title:
            texts = [tr.body, *(tr.template.get(k, "") for k in (
                "approach", "cooperation", "shared_across_borders", "shared_in_country",
                "results"))]
            draft.translations[lang] = replace(tr, snippets=story_pieces(texts))
    return draft


def _interview(draft: PracticeDraft) -> bool:
    return bool(draft.sources) and draft.sources[0].get("kind") == "interview"


def _keep_first(session: Session, practice: Practice, now: datetime) -> None:
    """Version 1 is the live state before the first publish of a practice members saw."""
    if practice.status not in ("published", "archived") or numbered(
            session=session, practice_id=practice.id):
        return
    session.add(PracticeVersion(
        practice_id=practice.id, number=1, files=live_files(session=session,
                                                           practice=practice),
        note="as it was before the first edit", created_by="import",
        created_at=practice.updated_at or now, published_at=practice.published_at or
        practice.updated_at or now))
    session.flush()


def _next_number(session: Session, practice_id: int) -> int:
    top = session.exec(select(func.max(PracticeVersion.number)).where(
        PracticeVersion.practice_id == practice_id)).one()
    return (top or 0) + 1


def _name(actor: Principal | str) -> str:
    return (actor.name if isinstance(actor, Principal) else str(actor))[:120]


def _audit(session: Session, actor: Principal | str, action: str, practice: Practice,
           **details: object) -> None:
    record(session=session, actor=actor, action=action, target_type="practice",
           target_id=practice.id, slug=practice.slug, **details)
