"""One member's data as JSON: what a member may ask for, and take with them.

Everything about the member, their identities unmasked (it is their own data), and
nothing of other members: the texts they wrote (messages, questions, answers, reports,
relay reports) are there; what others wrote is not. The messages sent to them are listed
without their text, because those texts carry other members' names and words (relay
messages, answers, peer cards); the introductions say the topic and what happened,
not who the peer was. Each export is audit-logged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, SQLModel, select

from content.models import (
    Answer,
    ConversationState,
    Identity,
    InboundMessage,
    Introduction,
    Organisation,
    OutboundMessage,
    Practice,
    Question,
    Reading,
    ReplicationReport,
    VisitInterest,
    utcnow,
)
from services.access import Principal
from services.audit import record as audit
from services.members_admin import visible_member

MEMBER_FIELDS = (
    "id", "name", "country", "language", "language_chosen", "script", "zawgyi", "role",
    "enterprise", "sector", "topics_wanted", "topics_offered", "languages",
    "consent_data_at", "consent_declined_at", "consent_stories", "consent_matching",
    "consent_contact", "timezone", "quiet_start", "quiet_end", "segment_budget",
    "story_subscribed", "onboarded_at", "attribution", "blocked_at", "blocked_reason",
    "erased_at", "created_at")


def export(*, session: Session, principal: Principal, member_id: int) -> dict[str, Any]:
    """Everything about the member (module docstring), as JSON-ready values."""
    member = visible_member(session=session, principal=principal, member_id=member_id)
    org = session.get(Organisation, member.organisation_id) if member.organisation_id \
        else None

    def mine(model) -> list:
        return list(session.exec(select(model).where(model.member_id == member.id)
                                 .order_by(model.id)))

    data = {
        "exported_at": _value(utcnow()),
        "member": {**_fields(member, MEMBER_FIELDS),
                   "organisation": org.slug if org else None},
        "identities": [_fields(i, ("channel", "provider", "address", "opted_out",
                                   "opted_out_at", "created_at")) for i in mine(Identity)],
        "questions": [_fields(q, ("id", "lang", "text", "text_en", "status", "source",
                                  "practice_slug", "answer_kind", "answer_text",
                                  "helpful", "created_at", "closed_at"))
                      for q in mine(Question)],
        "answers": [_fields(a, ("id", "question_id", "lang", "text", "status", "helpful",
                                "attribution", "created_at", "relayed_at"))
                    for a in mine(Answer)],
        "introductions": _introductions(session, member.id),
        "replication_reports": _with_practice(session, mine(ReplicationReport),
                                              ("outcome", "text", "country", "created_at")),
        "visit_interests": _with_practice(session, mine(VisitInterest), ("created_at",)),
        "readings": _with_practice(session, mine(Reading),
                                   ("lang", "position", "started_at", "completed_at")),
        "practices_documented": list(session.exec(select(Practice.slug).where(
            Practice.contributor_id == member.id).order_by(Practice.id))),
        "messages_received": [_fields(m, ("id", "channel", "kind", "text", "payload",
                                          "received_at")) for m in mine(InboundMessage)],
        "messages_sent": [_fields(m, ("id", "channel", "purpose", "status", "segments",
                                      "created_at", "sent_at"))
                          for m in mine(OutboundMessage)],
        "dialog": _dialog(session, member.id),
    }
    audit(session=session, actor=principal, action="member.export", target_type="member",
          target_id=member.id)
    return data


def _introductions(session: Session, member_id: int) -> list[dict]:
    rows = session.exec(select(Introduction).where(or_(
        Introduction.member_a == member_id, Introduction.member_b == member_id))
        .order_by(Introduction.id)).all()
    return [{"id": i.id, "topic": i.topic, "status": i.status,
             "asked_by_me": i.member_a == member_id,
             "created_at": _value(i.created_at), "closed_at": _value(i.closed_at),
             "closed_by_me": i.closed_by == member_id,
             "my_report": i.report_text if i.closed_by == member_id else None}
            for i in rows]


def _with_practice(session: Session, rows: list, names: tuple[str, ...]) -> list[dict]:
    ids = sorted({row.practice_id for row in rows})
    slugs = dict(session.exec(select(Practice.id, Practice.slug).where(
        Practice.id.in_(ids)))) if ids else {}
    return [{"practice": slugs.get(row.practice_id), **_fields(row, names)} for row in rows]


def _dialog(session: Session, member_id: int) -> dict | None:
    """Where the member is in a dialog (its data may name a peer: left out)."""
    state = session.get(ConversationState, member_id)
    if state is None:
        return None
    return {"flow": state.flow, "step": state.step, "updated_at": _value(state.updated_at)}


def _fields(row: SQLModel, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _value(getattr(row, name)) for name in names}


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value
