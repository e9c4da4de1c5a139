"""A generated programme for the indicator tests (seeded random): organisations,
members in several countries, languages, roles and channels (some in the simulator's
sandbox, some not onboarded), and what they did: messages, readings, questions and
answers, introductions, SHARE practices, replication reports, visit interest, exchange
visits with their answers and, for some, the attendance a moderator recorded, SMS.

Every row is also kept as plain Python (`Data`) so the tests compute what the figures
must say without SQL. Timestamps spread beyond the period on both sides.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, select
from sqlmodel import Session

from content.models import (
    Answer,
    Identity,
    InboundMessage,
    Introduction,
    Member,
    Organisation,
    OutboundMessage,
    Practice,
    PracticeTranslation,
    Question,
    Reading,
    ReplicationReport,
    Visit,
    VisitInterest,
    VisitInvite,
)

TODAY = date(2026, 11, 20)
PACK = "test-indicators"
COUNTRIES = ("KH", "LA", "PH", None)
LANGS = ("km", "lo", "en")
ROLES = ("member", "expert")
CHANNELS = ("sms", "telegram")
OUTCOMES = ("interested", "tried", "adopted", "adapted", "abandoned")
SMS_STATUSES = ("delivered", "sent", "queued", "suppressed", "skipped", "failed",
                "withdrawn")


@dataclass
class Data:
    """What was generated, as Python rows (dicts)."""

    orgs: dict[str, tuple[int, str]] = field(default_factory=dict)  # slug: (id, country)
    members: list[dict] = field(default_factory=list)
    rows: dict[str, list[dict]] = field(default_factory=dict)
    titles: dict[tuple[int, str], str] = field(default_factory=dict)  # (practice, lang)
    slugs: dict[int, str] = field(default_factory=dict)


def moment(rng: random.Random) -> datetime:
    """A time from 14 weeks before TODAY to 4 days after it."""
    start = datetime.combine(TODAY, time(), tzinfo=UTC) - timedelta(weeks=14)
    return start + timedelta(seconds=rng.randrange(int(timedelta(weeks=14, days=4)
                                                       .total_seconds())))


def generate(db, seed: int = 14, n_members: int = 90) -> Data:
    """Writes the programme and returns its Python twin."""
    rng, data = random.Random(seed), Data()
    with Session(db) as session:
        for slug, country in (("cedac", "KH"), ("parc", "PH")):
            org = Organisation(slug=slug, name=slug.upper(), country=country)
            session.add(org)
            session.flush()
            data.orgs[slug] = (org.id, country)
        for i in range(n_members):
            data.members.append(_member(session, rng, data, i))
        shared = _practices(session, rng, data)
        bundled = session.execute(select(Practice.id, Practice.slug)
                                  .where(Practice.pack != PACK).limit(3)).all()
        data.slugs.update(dict(bundled))
        for pid, lang, title in session.execute(select(
                PracticeTranslation.practice_id, PracticeTranslation.lang,
                PracticeTranslation.title)).all():
            data.titles[(pid, lang)] = title or data.slugs.get(pid, "")
        _activity(session, rng, data, [pid for pid, _ in bundled] + shared)
        _visits(session, rng, data, shared)
        session.commit()
    return data


def _member(session: Session, rng: random.Random, data: Data, i: int) -> dict:
    org = rng.choice([None, *data.orgs])
    row = dict(country=rng.choice(COUNTRIES), language=rng.choice(LANGS),
               role=rng.choice(ROLES), organisation_id=data.orgs[org][0] if org else None,
               sandbox="S" * 22 if rng.random() < 0.1 else None,
               onboarded_at=moment(rng) if rng.random() < 0.85 else None)
    member = Member(**row)
    session.add(member)
    session.flush()
    row["id"] = member.id
    row["channels"] = rng.sample(CHANNELS, rng.choice((1, 1, 2)))
    row["identity"] = {}
    for channel in row["channels"]:
        identity = Identity(member_id=member.id, provider="twilio" if channel == "sms"
                            else "telegram", channel=channel, address=f"{channel}-{i}")
        session.add(identity)
        session.flush()
        row["identity"][channel] = identity.id
    return row


def _practices(session: Session, rng: random.Random, data: Data) -> list[int]:
    """SHARE practices by some members, some published; one with markup in its title."""
    made = []
    for n, member in enumerate(rng.sample(data.members, 12)):
        created = moment(rng)
        published = created + timedelta(days=rng.randrange(1, 20)) \
            if rng.random() < 0.5 else None
        practice = Practice(slug=f"share-{n}", pack=PACK, contributor_id=member["id"],
                            status="published" if published else "review",
                            created_at=created, published_at=published)
        session.add(practice)
        session.flush()
        title = "<b>Rice & fish</b>" if n == 0 else f"Practice {n}"
        session.add(PracticeTranslation(practice_id=practice.id, lang="en", title=title))
        data.rows.setdefault("practices", []).append(
            dict(id=practice.id, member_id=member["id"], created_at=created,
                 published_at=published))
        data.slugs[practice.id] = practice.slug
        made.append(practice.id)
    return made


def _activity(session: Session, rng: random.Random, data: Data, practice_ids) -> None:
    add = data.rows.setdefault
    for m in data.members:
        for _ in range(rng.randrange(4)):
            channel = rng.choice(m["channels"])
            row = dict(member_id=m["id"], channel=channel, received_at=moment(rng))
            session.add(InboundMessage(provider="twilio", provider_key=f"{m['id']}-{rng.random()}",
                                       address="x", identity_id=m["identity"][channel], **row))
            add("inbound", []).append(row)
        for pid in rng.sample(practice_ids, rng.randrange(3)):
            started = moment(rng)
            done = started + timedelta(days=rng.randrange(10)) if rng.random() < .6 else None
            row = dict(member_id=m["id"], practice_id=pid, lang=rng.choice(("en", "km")),
                       started_at=started, completed_at=done)
            session.add(Reading(**row))
            add("readings", []).append(row)
        for _ in range(rng.randrange(3)):
            _question(session, rng, data, m)
        if rng.random() < 0.4:
            other = rng.choice(data.members)
            row = dict(member_a=m["id"], member_b=other["id"], created_at=moment(rng),
                       a_accepted=rng.choice((True, False, None)),
                       b_accepted=rng.choice((True, False, None)),
                       a_shares_contact=rng.random() < .3, b_shares_contact=rng.random() < .3)
            session.add(Introduction(**row))
            add("introductions", []).append(row)
        for _ in range(rng.randrange(3)):
            row = dict(member_id=m["id"], practice_id=rng.choice(practice_ids),
                       outcome=rng.choice(OUTCOMES), country=rng.choice(COUNTRIES),
                       created_at=moment(rng))
            session.add(ReplicationReport(**row))
            add("reports", []).append(row)
        if rng.random() < 0.3:
            row = dict(member_id=m["id"], practice_id=rng.choice(practice_ids),
                       created_at=moment(rng))
            session.add(VisitInterest(**row))
            add("visits", []).append(row)
        for _ in range(rng.randrange(4)):
            _sms(session, rng, data, m)


def _visits(session: Session, rng: random.Random, data: Data, practice_ids) -> None:
    """Visits that ended in and around the period (a few cancelled), each with invited
    members' answers; on about half, who came is recorded for those who said yes."""
    for _ in range(10):
        ends = moment(rng).date()
        visit = Visit(practice_id=rng.choice(practice_ids), starts_on=ends - timedelta(
            days=rng.randrange(2)), ends_on=ends, place="Takeo", capacity=9,
            status="cancelled" if rng.random() < .2 else "planned", created_by="test")
        session.add(visit)
        session.flush()
        recorded = rng.random() < .5
        invites = []
        for m in rng.sample(data.members, 7):
            status = rng.choice(("yes", "yes", "yes", "no", "maybe", "waiting", "lapsed"))
            attended = rng.random() < .6 if recorded and status == "yes" else None
            session.add(VisitInvite(visit_id=visit.id, member_id=m["id"], status=status,
                                    attended=attended))
            invites.append(dict(member_id=m["id"], status=status, attended=attended))
        data.rows.setdefault("visit_invites", []).extend(
            dict(row, ends_on=ends, cancelled=visit.status == "cancelled",
                 recorded=recorded) for row in invites)


def _question(session: Session, rng: random.Random, data: Data, m: dict) -> None:
    asked = moment(rng)
    row = dict(member_id=m["id"], created_at=asked, lang=m["language"],
               answer_kind=rng.choice((None, "faq", "snippet")),
               escalated_at=asked + timedelta(days=2) if rng.random() < .2 else None)
    question = Question(text="?", status="open", **row)
    session.add(question)
    session.flush()
    row["relayed"] = []
    for _ in range(rng.randrange(3)):
        status = rng.choice(("relayed", "relayed", "held", "rejected"))
        relayed = asked + timedelta(hours=rng.randrange(1, 200))
        session.add(Answer(question_id=question.id, lang="en", text="!", status=status,
                           relayed_at=relayed if status == "relayed" else None))
        if status == "relayed":
            row["relayed"].append(relayed)
    data.rows.setdefault("questions", []).append(row)


def _sms(session: Session, rng: random.Random, data: Data, m: dict) -> None:
    channel = rng.choice(m["channels"])
    segments = rng.randrange(1, 4)
    billed = rng.choice((None, segments, segments + 1))
    price = rng.choice((None, 0.05, 0.0123))
    row = dict(member_id=m["id"], channel=channel, created_at=moment(rng),
               status=rng.choice(SMS_STATUSES), segments=segments, billed_segments=billed,
               unit_price=price, cost_estimate=price * segments if price else None)
    session.add(OutboundMessage(identity_id=m["identity"][channel], provider="twilio",
                                address="x", text="t", **row))
    data.rows.setdefault("sms", []).append(row)


def remove(db) -> None:
    """Deletes the generated practices and what refers to them (the test database keeps
    the content tables between tests)."""
    with Session(db) as session:
        ours = select(Practice.id).where(Practice.pack == PACK)
        visits = select(Visit.id).where(Visit.practice_id.in_(ours))
        session.execute(delete(VisitInvite).where(VisitInvite.visit_id.in_(visits)))
        session.execute(delete(Visit).where(Visit.practice_id.in_(ours)))
        for table in (Reading, ReplicationReport, VisitInterest, PracticeTranslation):
            session.execute(delete(table).where(table.practice_id.in_(ours)))
        session.execute(delete(Practice).where(Practice.pack == PACK))
        session.commit()
