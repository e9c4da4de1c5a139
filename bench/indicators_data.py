"""The indicators benchmark's programme, bulk-inserted with Core executemany in chunks:
members (a few in the simulator's sandbox) with one identity each, inbound and outbound
messages, readings, questions with answers, introductions, replication reports and
visit interest, spread over the 26 weeks up to `now`."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import insert, select

from content.models import (
    Answer,
    Identity,
    InboundMessage,
    Introduction,
    Member,
    OutboundMessage,
    Practice,
    Question,
    Reading,
    ReplicationReport,
    VisitInterest,
)

COUNTRIES = (("KH", "km", "+855"), ("LA", "lo", "+856"), ("MM", "my", "+95"),
             ("VN", "vi", "+84"), ("PH", "fil", "+63"), ("MY", "ms", "+60"),
             ("ID", "id", "+62"))
SPAN = timedelta(weeks=26)
CHUNK = 20_000


def _chunks(conn, table, rows: list[dict]) -> None:
    for k in range(0, len(rows), CHUNK):
        conn.execute(insert(table), rows[k:k + CHUNK])


def populate(db, *, members: int, messages: int, now: datetime, orgs: list[int],
             seed: int = 14) -> None:
    """`members` members and `messages` messages (half inbound, half outbound)."""
    rng = random.Random(seed)

    def when() -> datetime:
        return now - SPAN * rng.random()

    base = Member().model_dump()
    base.pop("id")
    with db.begin() as conn:
        rows = []
        for k in range(members):
            country, lang, _ = COUNTRIES[k % len(COUNTRIES)]
            rows.append({**base, "country": country, "language": lang if k % 4 else "en",
                         "role": "expert" if k % 20 == 0 else "member",
                         "organisation_id": rng.choice([None, *orgs]),
                         "sandbox": "S" * 22 if k % 100 == 0 else None,
                         "onboarded_at": when() if k % 10 else None, "created_at": now})
        _chunks(conn, Member.__table__, rows)
        ids = list(conn.execute(select(Member.id).order_by(Member.id)).scalars())
        identities = [{"member_id": m, "provider": "twilio" if k % 3 else "telegram",
                       "channel": "sms" if k % 3 else "telegram",
                       "address": f"{COUNTRIES[k % 7][2]}9{k:08d}" if k % 3 else str(k),
                       "opted_out": False, "created_at": now} for k, m in enumerate(ids)]
        _chunks(conn, Identity.__table__, identities)
        identity = dict(conn.execute(select(Identity.member_id, Identity.id)).all())
        practices = list(conn.execute(select(Practice.id)).scalars())
        _messages(conn, rng, when, ids, identity, messages // 2)
        _activity(conn, rng, when, ids, practices, members)


def _messages(conn, rng, when, ids, identity, n: int) -> None:
    inbound, outbound = [], []
    for k in range(n):
        m = rng.choice(ids)
        sms = identity[m] % 3 != 0
        inbound.append({"provider": "twilio", "provider_key": f"b{k}", "address": "x",
                        "channel": "sms" if sms else "telegram", "kind": "text",
                        "text": "hi", "payload": {}, "identity_id": identity[m],
                        "member_id": m, "status": "processed", "attempts": 1,
                        "received_at": when()})
        segments = rng.randint(1, 3)
        outbound.append({"member_id": m, "identity_id": identity[m], "provider": "twilio",
                         "channel": "sms" if sms else "telegram", "address": "x",
                         "text": "hello", "buttons": [], "priority": 0, "purpose": "reply",
                         "status": "delivered", "attempts": 1, "next_attempt_at": when(),
                         "segments": segments, "billed_segments": segments,
                         "unit_price": 0.05, "cost_estimate": 0.05 * segments,
                         "created_at": when(), "updated_at": when()})
    _chunks(conn, InboundMessage.__table__, inbound)
    _chunks(conn, OutboundMessage.__table__, outbound)


def _activity(conn, rng, when, ids, practices, members: int) -> None:
    readings, seen = [], set()
    for _ in range(members // 2):
        key = (rng.choice(ids), rng.choice(practices))
        if key not in seen:
            seen.add(key)
            started = when()
            readings.append({"member_id": key[0], "practice_id": key[1], "lang": "en",
                             "position": 0, "started_at": started,
                             "completed_at": started if rng.random() < .5 else None})
    _chunks(conn, Reading.__table__, readings)
    questions = [{"member_id": rng.choice(ids), "lang": "en", "text": "?", "status": "open",
                  "source": "ask", "needs_translation": False, "topics": [],
                  "answer_kind": rng.choice((None, "faq")), "created_at": when()}
                 for _ in range(members // 5)]
    _chunks(conn, Question.__table__, questions)
    qids = list(conn.execute(select(Question.id, Question.created_at)).all())
    _chunks(conn, Answer.__table__, [
        {"question_id": q, "lang": "en", "text": "!", "status": "relayed",
         "faq_candidate": False, "created_at": at, "relayed_at": at + timedelta(hours=5)}
        for q, at in rng.sample(qids, len(qids) // 3)])
    _chunks(conn, Introduction.__table__, [
        {"member_a": rng.choice(ids), "member_b": rng.choice(ids), "reasons": [],
         "status": "active", "a_accepted": True, "b_accepted": rng.random() < .5,
         "a_shares_contact": False, "b_shares_contact": rng.random() < .3,
         "created_at": when()} for _ in range(members // 20)])
    _chunks(conn, ReplicationReport.__table__, [
        {"member_id": rng.choice(ids), "practice_id": rng.choice(practices),
         "outcome": rng.choice(("adopted", "adapted", "abandoned", "tried")),
         "country": rng.choice(COUNTRIES)[0], "created_at": when()}
        for _ in range(members // 20)])
    _chunks(conn, VisitInterest.__table__, [
        {"member_id": rng.choice(ids), "practice_id": rng.choice(practices),
         "country": "KH", "created_at": when()} for _ in range(members // 50)])
