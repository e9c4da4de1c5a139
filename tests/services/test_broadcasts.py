"""Broadcasts (services/broadcasts): who they reach, what each recipient gets, what the
preview says it costs, and what queueing, quiet hours and cancelling do to the rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from content.models import Broadcast, Identity, Member, OutboundMessage, Practice
from services.broadcasts import Audience, NotSendable, cancel, plan, progress, queue
from services.sms import prices
from services.sms.prices import Price, Pricer
from services.stories import piece

NOON_PP = datetime(2026, 12, 4, 5, 0, tzinfo=UTC)  # 12:00 in Phnom Penh, Vientiane
KM_TEXT = "សួស្តី! រឿងថ្មីមួយ៖ ផ្ញើ STORY"
EN_TEXT = "Hello! A new story is out: send STORY"


def member(db, address: str, *, channel: str = "sms", **fields) -> int:
    """An onboarded member who agreed to stories, with one identity."""
    values = dict(onboarded_at=NOON_PP - timedelta(days=9), consent_stories=True,
                  timezone="Asia/Phnom_Penh") | fields
    opted_out = values.pop("opted_out", False)
    with Session(db) as session:
        row = Member(**values)
        session.add(row)
        session.flush()
        provider = "twilio" if channel == "sms" else channel
        session.add(Identity(member_id=row.id, provider=provider, channel=channel,
                             address=address, opted_out=opted_out))
        session.commit()
        return row.id


@pytest.fixture
def people(services) -> dict[str, int]:
    db = services.db
    return {
        "km sms": member(db, "+85512000001", language="km", country="KH",
                         topics_wanted=["farming"], story_subscribed=True),
        "km telegram": member(db, "1001", channel="telegram", language="km", country="KH"),
        "lo sms": member(db, "+8562055500002", language="lo", country="LA",
                         timezone="Asia/Vientiane", topics_wanted=["seeds"]),
        "en expert": member(db, "1002", channel="telegram", language="en", country="PH",
                            role="expert", timezone="Asia/Manila"),
        "opted out": member(db, "+85512000003", language="km", country="KH", opted_out=True),
        "no consent": member(db, "+85512000004", language="km", consent_stories=False),
        "not onboarded": member(db, "+85512000005", language="km", onboarded_at=None),
        "blocked": member(db, "+85512000006", language="km", blocked_at=NOON_PP),
        "simulated": member(db, "+85512000007", language="km", sandbox="S" * 22),
    }


def reached(services, people, audience: Audience) -> set[str]:
    names = {v: k for k, v in people.items()}
    with Session(services.db) as session:
        found = plan(session, draft(audience=audience), Pricer([]), {})
        rows = []
        broadcast = draft(audience=audience)
        session.add(broadcast)
        session.flush()
        queue(session, broadcast, Pricer([]), NOON_PP)
        rows = session.exec(select(OutboundMessage.member_id)).all()
        session.rollback()
    assert found.recipients == len(rows)
    return {names[m] for m in rows}


def draft(**fields) -> Broadcast:
    values = dict(title="t", texts={"km": KM_TEXT, "en": EN_TEXT}, audience={}) | fields
    if isinstance(values["audience"], Audience):
        values["audience"] = values["audience"].to_json()
    return Broadcast(**values)


EVERYONE = {"km sms", "km telegram", "lo sms", "en expert"}


@pytest.mark.parametrize("audience, expected", [
    (Audience(), EVERYONE),
    (Audience(countries=("KH",)), {"km sms", "km telegram"}),
    (Audience(languages=("lo", "en")), {"lo sms", "en expert"}),
    (Audience(channels=("telegram",)), {"km telegram", "en expert"}),
    (Audience(topics=("seeds", "fisheries")), {"lo sms"}),
    (Audience(roles=("expert",)), {"en expert"}),
    (Audience(weekly=True), {"km sms"}),
    (Audience(countries=("KH",), channels=("sms",)), {"km sms"}),
    (Audience(sandbox=True), {"simulated"}),
])
def test_the_audience_never_holds_opted_out_blocked_or_unconsenting_members(
        services, people, audience, expected):
    assert reached(services, people, audience) == expected


def test_the_preview_names_the_fallback_and_prices_each_destination(services, people):
    kh = Price("twilio", "KH", 0.05, source="Twilio Pricing API", as_of="2026-12-01")
    with Session(services.db) as session:
        found = plan(session, draft(texts={"km": KM_TEXT, "en": EN_TEXT}),
                     Pricer([kh]), {"twilio": 1.0, "telegram": 30.0})
    lines = {(line.channel, line.lang): line for line in found.lines}
    km_sms = lines["sms", "km"]
    assert (km_sms.recipients, km_sms.sample.text, km_sms.fallback) == (1, KM_TEXT, False)
    assert km_sms.sample.encoding == "UCS-2" and km_sms.cost == pytest.approx(
        0.05 * km_sms.sample.segments)
    lao = lines["sms", "lo"]  # no Lao text: the English one, and no price for Laos
    assert lao.fallback and lao.sample.text == EN_TEXT and lao.sample.lang == "en"
    assert (lao.unpriced, lao.cost) == (1, 0)
    assert lines["telegram", "km"].sample.segments is None  # not an SMS: no cost
    assert found.recipients == 4 and found.unpriced == 1
    assert found.seconds == {"twilio": 2.0, "telegram": 2 / 30}


def test_an_sms_over_a_members_budget_is_not_sent(services, people):
    with Session(services.db) as session:
        long = draft(texts={"km": KM_TEXT * 8, "en": EN_TEXT})
        assert plan(session, long, Pricer([]), {}).problems == 1
        session.add(long)
        session.flush()
        with pytest.raises(NotSendable, match="over their segment budget"):
            queue(session, long, Pricer([]), NOON_PP)


def test_quiet_hours_hold_a_members_row_until_they_end(services, people):
    evening = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)  # 22:00 in Phnom Penh, 23:00 Manila
    with Session(services.db) as session:
        broadcast = draft(send_at=evening)
        session.add(broadcast)
        session.flush()
        queue(session, broadcast, Pricer([]), NOON_PP)
        session.commit()
        due = {row.member_id: row.next_attempt_at.replace(tzinfo=UTC)
               for row in session.exec(select(OutboundMessage))}
    assert due[people["km sms"]] == datetime(2026, 12, 5, 0, 0, tzinfo=UTC)  # 07:00 local
    assert due[people["en expert"]] == datetime(2026, 12, 4, 23, 0, tzinfo=UTC)


def test_cancelling_withdraws_the_unsent_rows_and_progress_counts_them(services, people):
    prices.sync(services.db, [Price("twilio", "KH", 0.05), Price("twilio", "LA", 0.04)])
    with Session(services.db) as session:
        broadcast = draft()
        session.add(broadcast)
        session.flush()
        assert queue(session, broadcast, Pricer(prices.stored(services.db)), NOON_PP) == 4
        rows = session.exec(select(OutboundMessage).order_by(OutboundMessage.id)).all()
        rows[0].status, rows[0].billed_segments = "delivered", 2
        rows[1].status = "suppressed"
        session.commit()
        assert cancel(session, broadcast) == 2
        session.commit()
        counts = progress(session, broadcast.id)
        estimate = sum(r.cost_estimate for r in rows if r.channel == "sms")
        billed = rows[0].unit_price * 2
        with pytest.raises(NotSendable):
            queue(session, broadcast, Pricer([]), NOON_PP)
    assert counts["stages"] == {"queued": 0, "sent": 0, "delivered": 1, "failed": 0,
                                     "opted out": 1, "withdrawn": 2}
    assert counts["percent"] == 100 and broadcast.status == "cancelled"
    assert estimate > 0 and counts["estimate"] == pytest.approx(estimate)
    assert billed > 0 and counts["billed"] == pytest.approx(billed)


def test_a_practice_goes_as_its_first_snippet_in_each_members_language(services, people):
    with Session(services.db) as session:
        practice = session.exec(select(Practice).where(Practice.status == "published")
                                .order_by(Practice.id)).first()
        found = plan(session, draft(texts={}, practice_id=practice.id), Pricer([]), {})
        english = piece(session=session, practice_id=practice.id, lang="en", position=0)
    lines = {(line.channel, line.lang): line for line in found.lines}
    assert lines["telegram", "en"].sample.text == f"{english.title}\n{english.text}"
    assert found.problems == 0 and all(line.sample for line in found.lines)
