"""Story snippets: which practice to tell a member next, and how far they have read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from content.models import Practice, PracticeTranslation, Reading, Snippet, utcnow


@dataclass(frozen=True)
class StoryPiece:
    """One snippet of a practice, with where it stands in the story."""

    practice_id: int
    slug: str
    title: str
    lang: str
    position: int
    total: int
    text: str


def pick_practice(*, session: Session, topics: list[str], langs: list[str], member_id: int,
                  country: str | None = None,
                  exclude: set[int] = frozenset()) -> tuple[int, str] | None:
    """A published practice on the topics (any, if none) with snippets in the first
    language that has them: unread first, then one from the member's own country (the
    easiest to relate to), then the rest. Returns (practice id, language)."""
    for lang in langs:
        ids = _with_snippets(session, lang)
        candidates = [p for p in session.exec(select(Practice).where(
            Practice.status == "published", Practice.id.in_(ids))).all()
            if p.id not in exclude]
        if topics:
            matching = [p for p in candidates if set(p.topics) & set(topics)]
            candidates = matching or candidates
        if not candidates:
            continue
        read = {r.practice_id: r for r in session.exec(
            select(Reading).where(Reading.member_id == member_id))}
        candidates.sort(key=lambda p: (p.id in read, _completed(read.get(p.id)),
                                       p.country != country, p.slug))
        return candidates[0].id, lang
    return None


def piece(*, session: Session, practice_id: int, lang: str, position: int) -> StoryPiece | None:
    """The snippet at `position` (0-based), or None past the end."""
    texts = list(session.exec(select(Snippet.text).where(
        Snippet.practice_id == practice_id, Snippet.lang == lang).order_by(Snippet.position)))
    if not 0 <= position < len(texts):
        return None
    practice = session.get(Practice, practice_id)
    title = session.exec(select(PracticeTranslation.title).where(
        PracticeTranslation.practice_id == practice_id,
        PracticeTranslation.lang == lang)).first() or practice.slug
    return StoryPiece(practice_id, practice.slug, title, lang, position, len(texts),
                      texts[position])


def practice_by_slug(*, session: Session, slug: str) -> Practice | None:
    """A published practice by its slug."""
    return session.exec(select(Practice).where(
        Practice.slug == slug, Practice.status == "published")).first()


def mark_read(*, session: Session, member_id: int, story: StoryPiece) -> None:
    """Records the furthest snippet read; the last one completes the practice."""
    reading = session.exec(select(Reading).where(
        Reading.member_id == member_id, Reading.practice_id == story.practice_id)).first()
    if reading is None:
        reading = Reading(member_id=member_id, practice_id=story.practice_id, lang=story.lang)
    reading.position = max(reading.position, story.position)
    if story.position == story.total - 1 and reading.completed_at is None:
        reading.completed_at = utcnow()
    session.add(reading)


def _with_snippets(session: Session, lang: str) -> set[int]:
    return set(session.exec(select(Snippet.practice_id).where(Snippet.lang == lang).distinct()))


def _completed(reading: Reading | None) -> bool:
    return reading is not None and reading.completed_at is not None
