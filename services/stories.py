"""Story snippets: which practice to tell a member next, and how far they have read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, select

from content.models import Practice, PracticeTranslation, Reading, Snippet, utcnow
from services import published, search

# Per-process cache of (title, snippet texts) per practice and language. The key holds the
# practice's content hash and updated_at, which every content writer (the importer) sets
# with the content in the same transaction: a changed practice gets a new key, so nothing
# stale is ever served, and no version needs bumping elsewhere.
_TEXTS: dict[tuple, tuple[str | None, list[str]]] = {}
_TEXTS_MAX = 4096

# A practice opened from outside a chat: Telegram's `t.me/<bot>?start=practice-<slug>`,
# Messenger's `m.me/<page>?ref=practice-<slug>`, and on SMS the words `START
# practice-<slug>` all reach the START command with this payload (bot/commands.py).
DEEP_LINK_PREFIX = "practice-"


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
        # Columns, not ORM objects, in one query: this runs on every NEXT.
        candidates = [p for p in published.cached(
            session, ("story practices", lang), lambda lang=lang: _practices(session, lang))
            if p.id not in exclude]
        if topics:
            matching = [p for p in candidates if set(p.topics) & set(topics)]
            candidates = matching or candidates
        if not candidates:
            continue
        read = {pid: completed for pid, completed in session.execute(
            _READ_BY, {"member_id": member_id})}
        candidates.sort(key=lambda p: (p.id in read, read.get(p.id) is not None,
                                       p.country != country, p.slug))
        return candidates[0].id, lang
    return None


def _practices(session: Session, lang: str) -> tuple:
    """Published practices with snippets in `lang` (kept per process: services/published)."""
    has_snippets = select(Snippet.practice_id).where(Snippet.lang == lang)
    return tuple(session.execute(
        select(Practice.id, Practice.slug, Practice.topics, Practice.country).where(
            Practice.status == "published", Practice.id.in_(has_snippets))
        .order_by(Practice.id)))


def piece(*, session: Session, practice_id: int, lang: str, position: int) -> StoryPiece | None:
    """The snippet at `position` (0-based), or None past the end."""
    head = session.execute(_HEAD, {"practice_id": practice_id}).first()
    if head is None:
        return None
    title, texts = _texts(session, practice_id, lang, head.content_hash, head.updated_at)
    if not 0 <= position < len(texts):
        return None
    return StoryPiece(practice_id, head.slug, title or head.slug, lang, position, len(texts),
                      texts[position])


def _texts(session: Session, practice_id: int, lang: str, content_hash: str | None,
           updated_at) -> tuple[str | None, list[str]]:
    key = (practice_id, lang, content_hash, updated_at)
    if content_hash is not None and (cached := _TEXTS.get(key)) is not None:
        return cached
    texts = list(session.exec(select(Snippet.text).where(
        Snippet.practice_id == practice_id, Snippet.lang == lang).order_by(Snippet.position)))
    title = session.exec(select(PracticeTranslation.title).where(
        PracticeTranslation.practice_id == practice_id,
        PracticeTranslation.lang == lang)).first()
    if content_hash is not None:  # a practice written without a hash is never cached
        if len(_TEXTS) >= _TEXTS_MAX:
            _TEXTS.clear()
        _TEXTS[key] = (title, texts)
    return title, texts


def start_payload(slug: str) -> str:
    """What START carries to open the practice: `practice-<slug>`."""
    return DEEP_LINK_PREFIX + slug


def telegram_link(*, bot: str, slug: str) -> str | None:
    """The Telegram deep link that opens the practice with the bot named `bot`; None
    when the payload is longer than the 64 characters Telegram passes on."""
    payload = start_payload(slug)
    return f"https://t.me/{bot.lstrip('@')}?start={payload}" if len(payload) <= 64 else None


def sms_words(slug: str) -> str:
    """What a member sends by SMS to open the practice: START (a fixed word on every
    channel, bot/commands.py) with the same payload as the deep link."""
    return f"START {start_payload(slug)}"


def practice_by_slug(*, session: Session, slug: str) -> Practice | None:
    """A published practice by its slug."""
    return session.exec(select(Practice).where(
        Practice.slug == slug, Practice.status == "published")).first()


def mark_read(*, session: Session, member_id: int, story: StoryPiece) -> None:
    """Records the furthest snippet read; the last one completes the practice."""
    # Core statements: one read, then an INSERT or (only if something changed) an UPDATE.
    where = dict(member_id=member_id, practice_id=story.practice_id)
    done = utcnow() if story.position == story.total - 1 else None
    row = session.execute(_READING, where).first()
    if row is None:
        session.execute(insert(READING), dict(where, lang=story.lang, position=max(
            0, story.position), completed_at=done, started_at=utcnow()))
        return
    changes = {}
    if story.position > row.position:
        changes["position"] = story.position
    if done is not None and row.completed_at is None:
        changes["completed_at"] = done
    if changes:
        session.execute(_READ_UPDATE, dict(changes, reading_id=row.id))


READING = Reading.__table__
_READING = select(READING.c.id, READING.c.position, READING.c.completed_at).where(
    READING.c.member_id == bindparam("member_id"),
    READING.c.practice_id == bindparam("practice_id"))
_READ_UPDATE = update(READING).where(READING.c.id == bindparam("reading_id"))
_READ_BY = select(READING.c.practice_id, READING.c.completed_at).where(
    READING.c.member_id == bindparam("member_id"))
_HEAD = select(Practice.slug, Practice.content_hash, Practice.updated_at).where(
    Practice.id == bindparam("practice_id"))


def titles(*, session: Session, practice_ids: list[int], langs: list[str]) -> dict[int, str]:
    """Each practice's title in the first of `langs` that has one (its slug otherwise)."""
    if not practice_ids:
        return {}
    found: dict[int, dict[str, str]] = {}
    for pid, lang, title in session.execute(select(
            PracticeTranslation.practice_id, PracticeTranslation.lang,
            PracticeTranslation.title).where(PracticeTranslation.practice_id.in_(practice_ids),
                                             PracticeTranslation.lang.in_(langs))):
        found.setdefault(pid, {})[lang] = title
    slugs = dict(session.execute(select(Practice.id, Practice.slug).where(
        Practice.id.in_(practice_ids))).all())
    return {pid: next((found.get(pid, {})[lang] for lang in langs
                       if lang in found.get(pid, {})), slugs[pid])
            for pid in practice_ids if pid in slugs}


def find_practices(*, session: Session, name: str, langs: list[str],
                   limit: int = 5) -> list[int]:
    """Published practices a member names: by slug, else by searching their words."""
    exact = practice_by_slug(session=session, slug=name.strip().lower())
    if exact is not None:
        return [exact.id]
    slugs: list[str] = []
    for lang in langs:
        for hit in search.search(session=session, query=name, lang=lang, limit=limit):
            if hit.practice not in slugs:
                slugs.append(hit.practice)
        if slugs:
            break
    if not slugs:
        return []
    ids = dict(session.execute(select(Practice.slug, Practice.id).where(
        Practice.slug.in_(slugs), Practice.status == "published")).all())
    return [ids[s] for s in slugs if s in ids][:limit]
