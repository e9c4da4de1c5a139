"""The console benchmark's data: 100,000 members and 10,000 questions, shaped like a
programme a few years in, bulk-inserted with Core in batches.

- Members: 30 % Cambodia (Khmer), 20 % each Laos (Lao), Myanmar (Burmese), Vietnam
  (Vietnamese), 10 % resource persons in Malaysia, the Philippines and Indonesia. Names
  and enterprises are built from syllables of each script (made up, not people); one
  identity each (SMS, or Telegram for a quarter); a third enrolled by a partner
  organisation of their country, the rest unassigned.
- Questions, in their askers' languages: a third answered from the store, the rest
  routed to two answerers each, some escalated (4 %), some waiting for answerers' quiet
  hours (3 %), some closed; 3,000 answers: held (10 %), waiting for a translation (5 %),
  relayed, and a fifth of the relayed ones helpful (FAQ candidates); some questions
  waiting for their English text.
- 2,000 introductions, 100 of them reported; 200 SHARE drafts in review.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from content.models import (
    Answer,
    Identity,
    Introduction,
    Member,
    Organisation,
    Practice,
    PracticeTranslation,
    Question,
    QuestionRoute,
)

BATCH = 5_000
START = datetime(2026, 1, 5, tzinfo=UTC)
COUNTRIES = [("KH", "km", "+855", 30), ("LA", "lo", "+856", 20), ("MM", "my", "+95", 20),
             ("VN", "vi", "+84", 20), ("MY", "ms", "+60", 4), ("PH", "fil", "+63", 3),
             ("ID", "id", "+62", 3)]
SYLLABLES = {
    "km": ["សុខ", "ចាន់", "ដារា", "វណ្ណ", "ស្រី", "ពៅ", "រតនា", "សំ", "ផល្លា", "គឹម"],
    "lo": ["ສົມ", "ບຸນ", "ມະນີ", "ຄຳ", "ແກ້ວ", "ພອນ", "ສີ", "ວົງ", "ທອງ", "ຈັນ"],
    "my": ["အောင်", "ကျော်", "မြ", "သန်း", "ဝင်း", "နု", "စု", "လှ", "မောင်", "ခင်"],
    "vi": ["Nguyễn", "Trần", "Lan", "Minh", "Hoa", "Tuấn", "Thảo", "Phạm", "Hùng", "Mai"],
    "ms": ["Aminah", "Siti", "Ahmad", "Nur", "Farid", "Zainab", "Hassan", "Aziz"],
    "fil": ["Maria", "Jose", "Ana", "Ramon", "Liza", "Bong", "Cora", "Dante"],
    "id": ["Sri", "Budi", "Wati", "Agus", "Dewi", "Joko", "Rina", "Hadi"],
}
ENTERPRISES = ["rice cooperative", "seed bank", "weavers' group", "savings group",
               "fish farm", "community forest", "fair-trade shop", "mushroom farm"]
TOPICS = ["farming", "seeds", "savings-credit", "handicrafts", "fisheries", "forestry",
          "cooperatives", "marketing", "microfinance", "women"]
ORGANISATIONS = [("cedac", "CEDAC", "KH", ["km", "en"]),
                 ("gpar", "GPAR Laos", "LA", ["lo", "en"]),
                 ("mmrd", "Myanmar Rural Development", "MM", ["my", "en"]),
                 ("craftlink", "Craft Link", "VN", ["vi", "en"]),
                 ("parc", "PARC Interpeoples", "PH", ["en", "fil"])]


def name(rng: random.Random, lang: str) -> str:
    """A made-up name in the language's script."""
    parts = SYLLABLES[lang]
    joiner = "" if lang in ("km", "lo", "my") else " "
    return joiner.join(rng.sample(parts, 2))


def _member(rng: random.Random, org_by_country: dict[str, int], now: datetime) -> dict:
    country, lang, _, _ = rng.choices(COUNTRIES, weights=[c[3] for c in COUNTRIES])[0]
    expert = country in ("MY", "PH", "ID")
    org = org_by_country.get(country) if rng.random() < 0.33 else None
    person = name(rng, lang)
    return dict(name=person, country=country, language=lang, language_chosen=True,
                script="native", zawgyi=False, role="expert" if expert else "member",
                organisation_id=org, enterprise=f"{person} {rng.choice(ENTERPRISES)}",
                sector="agriculture", topics_wanted=rng.sample(TOPICS, 2),
                topics_offered=rng.sample(TOPICS, 3) if expert else [],
                consent_data_at=now, consent_declined_at=None, consent_stories=True,
                consent_matching=True, consent_contact=False, timezone=None,
                quiet_start=21, quiet_end=7, segment_budget=2,
                languages=["en"] if expert else [], story_subscribed=False,
                onboarded_at=now, attribution=None, blocked_at=None, blocked_reason=None,
                erased_at=None, created_at=now)


def organisations(conn) -> dict[str, int]:
    """The partner organisations; their ids by slug."""
    conn.execute(Organisation.__table__.insert(), [
        dict(slug=s, name=n, country=c, languages=langs, created_at=START)
        for s, n, c, langs in ORGANISATIONS])
    return dict(conn.execute(select(Organisation.slug, Organisation.id)).all())


def members(conn, total: int, rng: random.Random, org_ids: dict[str, int]) -> list[int]:
    """Members with one identity each; their ids."""
    table = Member.__table__
    by_country = {country: org_ids[slug] for slug, _, country, _ in ORGANISATIONS}
    for start in range(0, total, BATCH):
        rows = [_member(rng, by_country, START + timedelta(minutes=start + i))
                for i in range(min(BATCH, total - start))]
        conn.execute(table.insert(), rows)
    found = conn.execute(select(Member.id, Member.country)).all()
    prefixes = {c: p for c, _, p, _ in COUNTRIES}
    identities = []
    for member_id, country in found:
        telegram = rng.random() < 0.25
        identities.append(dict(
            member_id=member_id, provider="telegram" if telegram else "twilio",
            channel="telegram" if telegram else "sms",
            address=str(100_000 + member_id) if telegram
            else f"{prefixes[country]}{20_000_000 + member_id}",
            opted_out=False, opted_out_at=None, created_at=START))
    for start in range(0, len(identities), BATCH):
        conn.execute(Identity.__table__.insert(), identities[start:start + BATCH])
    return [member_id for member_id, _ in found]


def questions(conn, total: int, rng: random.Random, member_ids: list[int]) -> None:
    """Questions with routes and answers in every state the queues show."""
    langs = dict(conn.execute(select(Member.id, Member.language)).all())
    experts = [m for m, in conn.execute(select(Member.id).where(Member.role == "expert"))]
    rows = []
    for i in range(total):
        asker = rng.choice(member_ids)
        kind = rng.choices(["store", "routed", "escalated", "waiting", "closed"],
                           weights=[33, 52, 4, 3, 8])[0]
        at = START + timedelta(minutes=7 * i)
        rows.append(dict(
            member_id=asker, lang=langs[asker], text=f"{name(rng, langs[asker])} ?",
            status={"store": "answered", "waiting": "open", "closed": "closed"}.get(
                kind, "routed"), source="ask", practice_id=None,
            needs_translation=kind == "routed" and rng.random() < 0.05, text_en=None,
            escalated_at=at + timedelta(hours=48) if kind == "escalated" else None,
            practice_slug=None, answer_kind="faq" if kind == "store" else None,
            answer_text=None, score=None, helpful=None, rated_at=None,
            closed_at=at if kind == "closed" else None, created_at=at))
    conn.execute(Question.__table__.insert(), rows)
    routed = conn.execute(select(Question.id, Question.created_at).where(
        Question.status.in_(("routed",)))).all()
    route_rows, answer_rows = [], []
    for n, (question_id, at) in enumerate(routed):
        for k, expert in enumerate(rng.sample(experts, 2)):
            route_rows.append(dict(question_id=question_id, member_id=expert,
                                   code=f"A{n}x{k}", status="sent", created_at=at,
                                   answered_at=None))
        if len(answer_rows) < 3_000 and rng.random() < 0.6:
            answer_rows.append(_answer(rng, question_id, rng.choice(experts), at))
    for start in range(0, len(route_rows), BATCH):
        conn.execute(QuestionRoute.__table__.insert(), route_rows[start:start + BATCH])
    conn.execute(Answer.__table__.insert(), answer_rows)


def _answer(rng: random.Random, question_id: int, expert: int, at: datetime) -> dict:
    state = rng.choices(["held", "translate", "relayed"], weights=[10, 5, 85])[0]
    helpful = state == "relayed" and rng.random() < 0.2
    return dict(question_id=question_id, member_id=expert, account_id=None, lang="en",
                text="Dry the seeds on raised racks.", reject_reason=None,
                text_for_asker=None if state == "translate" else "Dry them on racks.",
                status={"held": "held", "translate": "approved"}.get(state, "relayed"),
                helpful=True if helpful else None, faq_candidate=helpful,
                promoted_faq_id=None, attribution=None, attribution_asked_at=None,
                created_at=at, relayed_at=at if state == "relayed" else None)


def peers_and_drafts(conn, rng: random.Random, member_ids: list[int]) -> None:
    """Introductions (some reported) and SHARE drafts in review."""
    intros = []
    for i in range(2_000):
        a, b = rng.sample(member_ids, 2)
        reported = i < 100
        intros.append(dict(member_a=a, member_b=b, topic="farming", reasons=[],
                           status="reported" if reported else "closed", a_accepted=True,
                           b_accepted=True, a_shares_contact=False, b_shares_contact=False,
                           relay_code=f"P{i}", created_at=START, expires_at=None,
                           closed_at=START + timedelta(days=2), closed_by=a,
                           report_text="rude messages" if reported else None))
    conn.execute(Introduction.__table__.insert(), intros)
    for i, contributor in enumerate(rng.sample(member_ids, 200)):
        practice = conn.execute(Practice.__table__.insert().values(
            slug=f"member-draft-{i}", pack="members", status="review", country="KH",
            organisation=None, organisation_id=None, topics=["farming"], sectors=[],
            sources=[{"kind": "interview", "lang": "km", "skipped": []}],
            content_hash=None, contributor_id=contributor, media=[],
            visitors_welcome=True, published_at=None, created_at=START,
            updated_at=START)).inserted_primary_key[0]
        conn.execute(PracticeTranslation.__table__.insert().values(
            practice_id=practice, lang="km", title=name(rng, "km"), body="…",
            cooperation=None, approach=None, shared_across_borders=None,
            shared_in_country=None, results=None, reviewed=False, reviewed_by=None,
            reviewed_at=None, translated_from=None))


def populate(engine, members_total: int, questions_total: int, seed: int = 9) -> dict:
    """Everything above, in one transaction; what was made, by table."""
    rng = random.Random(seed)
    with engine.begin() as conn:
        org_ids = organisations(conn)
        member_ids = members(conn, members_total, rng, org_ids)
        questions(conn, questions_total, rng, member_ids)
        peers_and_drafts(conn, rng, member_ids)
    return {"organisations": org_ids, "members": len(member_ids)}
