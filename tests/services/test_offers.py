"""member_offer follows member through every kind of write: ORM flushes, Core bulk
inserts, Core updates and deletes; `rebuild` computes the same rows from scratch; and
routing and matching, which read it, choose exactly whom the member rows say (hypothesis
properties against the rules written the slow way)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from content.models import Member, MemberOffer, Question, QuestionRoute
from content.models.offers import COLUMNS, rebuild
from services.localtime import reachable
from services.matching.candidates import (
    CLMV,
    RESOURCE,
    SPREAD,
    W_PEER_BORDER,
    W_RESOURCE_BORDER,
    candidate_query,
    languages_of,
)
from services.routing.candidates import pick

NOW = datetime(2025, 3, 10, 5, 0, tzinfo=UTC)
O = MemberOffer.__table__  # noqa: E741


@pytest.fixture
def session(services) -> Iterator[Session]:
    with Session(services.db, expire_on_commit=False) as session:
        yield session


def expected(member: Member) -> set[tuple]:
    """The rows the triggers must keep for `member`: topic offered × language read."""
    langs = {member.language, *(x for x in member.languages if isinstance(x, str))}
    topics = {t for t in member.topics_offered if isinstance(t, str) and t}
    copied = (member.role, member.language, member.country, member.sector,
              tuple(member.topics_wanted), member.consent_matching, member.timezone,
              member.quiet_start, member.quiet_end, member.onboarded_at is not None)
    return {(topic, lang, member.id, *copied) for topic in topics for lang in langs if lang}


def stored(session: Session, *member_ids: int) -> set[tuple]:
    query = select(*(O.c[name] for name in COLUMNS))
    if member_ids:
        query = query.where(O.c.member_id.in_(member_ids))
    return {tuple(_plain(v) for v in row) for row in session.execute(query)}


def _plain(value):
    return tuple(value) if isinstance(value, list) else value


def add(session: Session, **values) -> Member:
    fields = dict(language="km", topics_offered=["farming"], onboarded_at=NOW,
                  timezone="Asia/Phnom_Penh", consent_matching=True)
    fields.update(values)
    row = Member(**fields)
    session.add(row)
    session.flush()
    return row


@pytest.mark.parametrize("values", [
    dict(),
    dict(languages=["en", "km"], topics_offered=["farming", "seeds", "farming"]),
    dict(languages=["", "vi"], topics_offered=["", "fisheries"], role="expert"),
    dict(topics_offered=[], languages=["en"]),
    dict(onboarded_at=None, consent_matching=False, country="MY", sector="finance",
         topics_wanted=["seeds"], timezone=None, quiet_start=0, quiet_end=0),
], ids=["one-each", "duplicates", "empty-strings", "offers-nothing", "copied-columns"])
def test_an_orm_insert_writes_one_row_per_topic_and_language(session, values):
    member = add(session, **values)
    assert stored(session, member.id) == expected(member)


@pytest.mark.parametrize("change", [
    dict(topics_offered=["seeds", "marketing"]), dict(languages=["en", "vi"]),
    dict(language="vi"), dict(role="expert"), dict(onboarded_at=None),
    dict(consent_matching=False), dict(timezone="Asia/Manila", quiet_start=22,
                                       quiet_end=6),
    dict(country="PH", sector="trade", topics_wanted=["seeds"]), dict(topics_offered=[]),
])
def test_an_orm_update_rewrites_the_rows(session, change):
    member = add(session, languages=["en"])
    other = add(session, language="vi")
    before = stored(session, other.id)
    for name, value in change.items():
        setattr(member, name, value)
    session.add(member)
    session.flush()
    assert stored(session, member.id) == expected(member)
    assert stored(session, other.id) == before


def test_an_update_of_other_columns_keeps_the_rows(session):
    member = add(session, languages=["en"])
    before = stored(session, member.id)
    member.name, member.story_subscribed = "Dara", True
    session.add(member)
    session.flush()
    assert stored(session, member.id) == before != set()


def test_deleting_a_member_deletes_their_rows(session):
    member, other = add(session), add(session)
    session.delete(member)
    session.flush()
    assert stored(session, member.id) == set()
    session.execute(delete(Member).where(Member.id == other.id))
    assert stored(session) == set()


def test_core_bulk_insert_update_and_delete(session):
    rows = [dict(language=lang, languages=reads, topics_offered=topics, role="member",
                 language_chosen=True, script="native", zawgyi=False, topics_wanted=[],
                 consent_stories=False, consent_matching=True, consent_contact=False,
                 quiet_start=21, quiet_end=7, segment_budget=2, story_subscribed=False,
                 created_at=NOW, onboarded_at=NOW)
            for lang, reads, topics in [("km", ["en"], ["farming", "seeds"]),
                                        ("vi", [], ["fisheries"]), ("en", ["ms"], [])]]
    session.execute(insert(Member.__table__), rows)
    members = session.scalars(select(Member)).all()
    assert stored(session) == set().union(*map(expected, members))
    assert len(stored(session)) == 5
    table = Member.__table__
    session.execute(update(table).where(table.c.language == "vi")
                    .values(languages=["km"], topics_offered=["seeds"]))
    session.expire_all()
    members = session.scalars(select(Member)).all()
    assert stored(session) == set().union(*map(expected, members))
    session.execute(delete(table).where(table.c.language == "km"))
    assert {row[2] for row in stored(session)} == {m.id for m in members
                                                  if m.language == "vi"}


def test_rebuild_computes_what_the_triggers_keep(session):
    add(session, languages=["en", "km", ""], topics_offered=["farming", "seeds", "seeds"])
    add(session, language="ms", topics_offered=["fisheries"], onboarded_at=None)
    add(session, topics_offered=[])
    kept = stored(session)
    connection = session.connection()
    connection.execute(delete(O))
    assert stored(session) == set()
    assert rebuild(connection) == len(kept) == 5
    assert stored(session) == kept


# --- routing and matching decide as the member rows say --------------------------------

LANGS, TOPICS = ["km", "en", "vi"], ["fisheries", "seeds", "farming"]
ZONES = ["Asia/Phnom_Penh", "America/Los_Angeles", "Asia/Kathmandu", "Australia/Lord_Howe",
         None, "Not/AZone"]  # +5:45, a half-hour DST shift, no zone, an unknown one
people = st.lists(st.fixed_dictionaries({
    "language": st.sampled_from(LANGS),
    "languages": st.lists(st.sampled_from(LANGS), max_size=2),
    "topics_offered": st.lists(st.sampled_from(TOPICS), min_size=1, max_size=2),
    "topics_wanted": st.lists(st.sampled_from(TOPICS), max_size=2),
    "role": st.sampled_from(["member", "expert", "member", "moderator"]),
    "onboarded_at": st.sampled_from([NOW, NOW, None]),
    "consent_matching": st.sampled_from([True, True, False]),
    "country": st.sampled_from(["KH", "VN", "MY", "PH", None]),
    "sector": st.sampled_from(["agriculture", "finance", None]),
    "timezone": st.sampled_from(ZONES),
    "quiet_start": st.integers(0, 23), "quiet_end": st.integers(0, 23),
}), min_size=2, max_size=8)
moments = st.builds(lambda day, minute, aware: datetime(2025, 1, 1, tzinfo=aware)
                    + timedelta(days=day, minutes=minute),
                    st.integers(0, 364), st.integers(0, 24 * 60 - 1),
                    st.sampled_from([UTC, None]))  # naive counts as UTC
PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _members(session: Session, generated: list[dict]) -> list[Member]:
    rows = [Member(**values) for values in generated]
    session.add_all(rows)
    session.flush()
    return rows


@PROPERTY
@given(generated=people, loads=st.lists(st.integers(0, 2), min_size=8, max_size=8),
       topics=st.lists(st.sampled_from(TOPICS), min_size=1, max_size=2, unique=True),
       lang=st.sampled_from(LANGS), now=moments, needed=st.integers(1, 3))
def test_routing_picks_what_the_member_rows_say(session, generated, loads, topics, lang,
                                                now, needed):
    try:
        members = _members(session, generated)
        asker = members[0]
        earlier = Question(member_id=asker.id, lang=lang, text="earlier", status="routed")
        asked = Question(member_id=asker.id, lang=lang, text="now", status="open")
        session.add_all([earlier, asked])
        session.flush()
        for member, load in zip(members, loads, strict=False):
            session.add_all(QuestionRoute(question_id=earlier.id, member_id=member.id,
                                          code=f"Z{member.id}{n}") for n in range(load))
        session.flush()
        chosen, exist = pick(session, question_id=asked.id, asker_id=asker.id, sandbox=None,
                             topics=topics, lang=lang, now=now, needed=needed)
        fit = [m for m in members if m.onboarded_at and m.id != asker.id
               and m.role in ("expert", "member") and lang in [m.language, *m.languages]
               and set(topics) & set(m.topics_offered)]
        load = {m.id: n for m, n in zip(members, loads, strict=False)}
        awake = sorted((m for m in fit if reachable(m.timezone, m.quiet_start, m.quiet_end,
                                                    now)),
                       key=lambda m: (m.role != "expert", load[m.id], m.id))
        assert [c.member_id for c in chosen] == [m.id for m in awake[:needed]]
        assert [c.load for c in chosen] == [load[m.id] for m in awake[:needed]]
        assert exist is bool(fit)
    finally:
        session.rollback()


def prescore(learner: Member, other: Member) -> float:
    """The pre-score rules, the slow way (services/matching/candidates.py)."""
    total = float(other.language == learner.language) + float(other.role == "expert")
    total += float(bool(learner.sector) and other.sector == learner.sector)
    total += float(bool(set(learner.topics_offered) & set(other.topics_wanted)))
    if learner.country and other.country not in (None, learner.country):
        resource = learner.country in CLMV and other.country in RESOURCE
        total += W_RESOURCE_BORDER if resource else W_PEER_BORDER
    return total


@PROPERTY
@given(generated=people, topic=st.sampled_from(TOPICS), limit=st.sampled_from([1, 3, 500]))
def test_matching_candidates_are_what_the_member_rows_say(session, generated, topic, limit):
    try:
        members = _members(session, generated)
        learner = members[0]
        query = candidate_query(member=learner, topic=topic, now=NOW, cap=None,
                                dialect=session.get_bind().dialect.name, limit=limit)
        rows = session.execute(query).all()
        langs = languages_of(learner)
        fit = [m for m in members if m.onboarded_at and m.consent_matching
               and m.role != "moderator" and m.id != learner.id
               and topic in m.topics_offered and set(langs) & {m.language, *m.languages}]
        salt = (learner.id * 31 + NOW.toordinal()) % SPREAD
        fit.sort(key=lambda m: (-prescore(learner, m), (m.id + salt) % SPREAD, m.id))
        assert [row.id for row in rows] == [m.id for m in fit[:limit]]
        assert [row.prescore for row in rows] == [prescore(learner, m) for m in fit[:limit]]
    finally:
        session.rollback()
