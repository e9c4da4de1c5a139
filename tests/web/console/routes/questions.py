"""The question queues: escalated questions, held answers, translations, FAQ candidates,
questions waiting for quiet hours; their console pages, their actions and the JSON API.

Setups insert rows directly, in CEDAC's scope (Cambodian askers, Khmer questions), so
every allowed role gets past the checks to the action itself.
"""

from __future__ import annotations

from content.db import session_scope
from content.models import Answer, Member, Question, utcnow
from tests.web.console.routes import row

PAGES = dict(admin=200, moderator=200, translator=403, viewer=200)
READERS = dict(admin=200, moderator=200, translator=200, viewer=200)
ACTED = dict(admin=303, moderator=303, translator=403, viewer=403)
TRANSLATED = dict(admin=303, moderator=303, translator=303, viewer=403)
STAFF = dict(admin=200, moderator=200, translator=403, viewer=403)
NO_SUCH = dict(admin=404, moderator=404, translator=403, viewer=403)
KHMER = "ខ្ញុំចង់ធ្វើអាជីវកម្មត្រីងៀត"


def _asker(session) -> Member:
    member = Member(name="Sokha", country="KH", language="km", onboarded_at=utcnow())
    session.add(member)
    session.flush()
    return member


def _expert(session, **fields) -> Member:
    values = dict(name="Aminah", country="MY", language="en", languages=["km"],
                  role="expert", topics_offered=["fisheries"], onboarded_at=utcnow(),
                  timezone="Asia/Kuala_Lumpur", quiet_start=0, quiet_end=0)
    member = Member(**{**values, **fields})
    session.add(member)
    session.flush()
    return member


def _question(session, **fields) -> Question:
    values = dict(member_id=_asker(session).id, lang="km", text=KHMER, status="open",
                  topics=["fisheries"])
    question = Question(**{**values, **fields})
    session.add(question)
    session.flush()
    return question


def escalated(db, world) -> dict:
    """An escalated Khmer question from Cambodia, and a resource person reading Khmer."""
    with session_scope(db) as session:
        question = _question(session, escalated_at=utcnow())
        return {"question_id": question.id, "member_id": _expert(session).id}


def _answer(db, **fields) -> dict:
    with session_scope(db) as session:
        question = _question(session, status="routed")
        answer = Answer(question_id=question.id, member_id=_expert(session).id,
                        **{"lang": "km", "text": "ហាលត្រី", "text_for_asker": "ហាលត្រី",
                           "status": "held", **fields})
        session.add(answer)
        session.flush()
        return {"answer_id": answer.id, "question_id": question.id}


def held(db, world) -> dict:
    """A held Khmer answer to a Khmer question."""
    return _answer(db)


def to_translate(db, world) -> dict:
    """An approved English answer to a Khmer question, waiting for its Khmer text."""
    return _answer(db, lang="en", text="Dry them on racks.", text_for_asker=None,
                   status="approved")


def question_to_translate(db, world) -> dict:
    """A Khmer question routed to English readers, waiting for its English text."""
    with session_scope(db) as session:
        return {"question_id": _question(session, status="routed",
                                         needs_translation=True).id}


def helpful(db, world) -> dict:
    """A relayed answer the asker found helpful; its writer said nothing about names."""
    return _answer(db, status="relayed", helpful=True, faq_candidate=True)


def absent(_db, _world) -> dict:
    """Ids nobody has: allowed roles get past the checks to a 404."""
    return {"answer_id": 999999, "question_id": 999999}


ROWS = [
    # Console pages: translators work on the translation queue only.
    row("GET", "/admin/queues/escalated", **PAGES, setup=escalated),
    row("GET", "/admin/queues/waiting", **PAGES),
    row("GET", "/admin/queues/held", **PAGES, setup=held),
    row("GET", "/admin/queues/translations", **READERS, setup=to_translate),
    row("GET", "/admin/queues/faq", **PAGES, setup=helpful),
    # Console actions: post/redirect/get back to the queue.
    row("POST", "/admin/queues/escalated/{question_id}/answer", **ACTED, setup=escalated,
        form={"text": "ហាលត្រីលើរានខ្ពស់"}),
    row("GET", "/admin/queues/escalated/{question_id}/assign", **STAFF, setup=escalated),
    row("POST", "/admin/queues/escalated/{question_id}/assign", **ACTED, setup=escalated,
        form={"member_id": "{member_id}"}),
    row("POST", "/admin/queues/escalated/{question_id}/route", **ACTED, setup=escalated),
    row("POST", "/admin/queues/escalated/{question_id}/close", **ACTED, setup=escalated,
        form={"message": "Please ask CEDAC's office."}),
    row("POST", "/admin/queues/held/{answer_id}/approve", **ACTED, setup=held,
        form={"text": "ហាលត្រីលើរាន"}),
    row("POST", "/admin/queues/held/{answer_id}/reject", **ACTED, setup=held,
        form={"reason": "Not about the question."}),
    row("POST", "/admin/queues/translations/questions/{question_id}", **TRANSLATED,
        setup=question_to_translate, form={"text": "I want to sell dried fish."}),
    row("POST", "/admin/queues/translations/answers/{answer_id}", **TRANSLATED,
        setup=to_translate, form={"text": "ហាលត្រីលើរាន"}),
    row("POST", "/admin/queues/faq/{answer_id}/promote", admin=409, moderator=409,
        translator=403, viewer=403, setup=helpful, form={"attribution": "named"},
        note="the writer never agreed to be named: refused, saying why"),
    row("POST", "/admin/queues/faq/{answer_id}/ask", **ACTED, setup=helpful),
    # The JSON API.
    row("GET", "/api/moderation/questions/queue", **READERS, setup=escalated),
    row("GET", "/api/moderation/questions/waiting", **PAGES),
    row("GET", "/api/moderation/questions/{question_id}/resource-people", **STAFF,
        setup=escalated),
    row("GET", "/api/moderation/answers/candidates", **PAGES,
        setup=helpful),
    row("POST", "/api/moderation/questions/{question_id}/answer", **STAFF, setup=escalated,
        json={"text": "ហាលត្រីលើរានខ្ពស់"}),
    row("POST", "/api/moderation/questions/{question_id}/assign", **STAFF, setup=escalated,
        json={"member_id": "{member_id}"}),
    row("POST", "/api/moderation/questions/{question_id}/route", **STAFF, setup=escalated),
    row("POST", "/api/moderation/questions/{question_id}/close", **STAFF, setup=escalated,
        json={"message": "Please ask CEDAC's office."}),
    row("POST", "/api/moderation/answers/{answer_id}/approve", **STAFF, setup=held,
        json={"text": "ហាលត្រីលើរាន"}),
    row("POST", "/api/moderation/answers/{answer_id}/hold", **NO_SUCH, setup=absent),
    row("POST", "/api/moderation/answers/{answer_id}/reject", **STAFF, setup=held,
        json={"reason": "Not about the question."}),
    row("POST", "/api/moderation/answers/{answer_id}/translation", admin=200,
        moderator=200, translator=200, viewer=403, json={"text": "ហាលត្រីលើរាន"},
        setup=to_translate),
    row("POST", "/api/moderation/questions/{question_id}/translation", admin=200,
        moderator=200, translator=200, viewer=403, json={"text": "Dried fish?"},
        setup=question_to_translate),
    row("POST", "/api/moderation/answers/{answer_id}/promote", **NO_SUCH, setup=absent),
    row("POST", "/api/moderation/answers/{answer_id}/ask-attribution", **STAFF,
        setup=helpful),
]
