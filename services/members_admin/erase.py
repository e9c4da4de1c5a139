"""Erasing a member: their personal data removed for good, the counts kept.

What goes (admins only, confirmed by typing the member id, audit-logged):
- the name, enterprise, block reason and attribution choice on the member row;
- every identity's address, replaced by a placeholder ("erased:<identity id>"), and
  every identity opted out, so nothing is ever sent there again (a message from the
  same number later starts a new member);
- the text, payload and address of every message they sent or were sent, and of the
  messages their own messages caused others to receive (relay forwards, requests to
  meet, routed questions: outbound rows whose inbound_id is one of theirs); queued
  ones are suppressed;
- the texts of their questions and answers, except an answer promoted to the FAQ (and
  the question it answered), which is shared content now: its attribution goes instead;
  questions routed and answers relayed to others later (by a moderator or the worker)
  are found by their text in those members' messages, and peer cards that showed them
  to the members they were introduced to by their name or enterprise;
- their replication reports' and relay reports' texts, their dialog state, their
  scheduled jobs;
- their open introductions are closed (the peers are told, as when a moderator closes
  one), the questions waiting for their answer taken back, and they are out of matching
  and routing (no matching consent, no topics offered).
What stays: the rows themselves (so questions, answers, introductions, replication
reports and messages still count), their country, language, role, sector and wanted
topics (the aggregates moderators report on), and the audit log. Practices they documented
are curated content and stay; archive one in the practice editor if need be.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, or_, update
from sqlmodel import Session, select

from content.models import (
    Answer,
    ConversationState,
    Faq,
    Identity,
    InboundMessage,
    Introduction,
    Job,
    Member,
    OutboundMessage,
    Question,
    ReplicationReport,
)
from services.access import Principal, allowed
from services.audit import record as audit
from services.members_admin import Conflict, Refused, actions, visible_member

PLACEHOLDER = "erased"
FRAGMENT = 40  # characters of a text looked for in other members' messages
MIN_FRAGMENT = 8  # shorter texts ("yes") would match unrelated messages


def erase(*, session: Session, principal: Principal, member_id: int, confirm: str,
          now: datetime) -> Erased:
    """Erases the member's personal data (module docstring); irreversible."""
    if not allowed(principal, "members.erase"):
        raise Refused("only an administrator may erase a member")
    member = visible_member(session=session, principal=principal, member_id=member_id,
                            lock=True)
    if confirm.strip() != str(member.id):
        raise Refused("type the member's id to confirm the erasure")
    if member.erased_at is not None:
        raise Conflict(f"member {member_id} was erased already")
    words = _words_of(session, member)
    closed = actions.close_open(session=session, principal=principal, member_id=member.id,
                                now=now)
    done = {"introductions": [i.id for i in closed],
            "routes_expired": actions.take_back_questions(session=session,
                                                          member_id=member.id),
            "identities": _identities(session, member.id, now),
            "messages": _messages(session, member, words),
            "texts": _questions_and_answers(session, member.id)}
    session.execute(update(ReplicationReport).where(
        ReplicationReport.member_id == member.id).values(text=None))
    session.execute(update(Introduction).where(
        Introduction.closed_by == member.id, Introduction.report_text.is_not(None))
        .values(report_text=""))
    session.execute(delete(ConversationState).where(ConversationState.member_id == member.id))
    session.execute(update(Job).where(Job.member_id == member.id, Job.status == "due")
                    .values(status="cancelled"))
    member.name = member.enterprise = member.blocked_reason = member.attribution = None
    # nobody can reach them any more: never proposed as a peer, never asked to answer
    member.consent_matching, member.topics_offered = False, []
    member.erased_at = now
    session.add(member)
    audit(session=session, actor=principal, action="member.erase", target_type="member",
          target_id=member.id, **done)
    return Erased(member, closed)


@dataclass
class Erased:
    """An erased member and the introductions the erasure closed (their peers are told)."""

    member: Member
    closed: list[Introduction]


def _words_of(session: Session, member: Member) -> dict[str, list[str]]:
    """Texts of the member's to look for in other members' messages: their questions
    (to answerers), answers (to askers), and name and enterprise (on peer cards)."""
    texts: list[str] = []
    for text, english in session.exec(select(Question.text, Question.text_en).where(
            Question.member_id == member.id)):
        texts += [text, english or ""]
    for text, for_asker in session.exec(select(Answer.text, Answer.text_for_asker).where(
            Answer.member_id == member.id, Answer.promoted_faq_id.is_(None))):
        texts += [text, for_asker or ""]
    return {"texts": _fragments(texts),
            "profile": _fragments([member.name or "", member.enterprise or ""], shortest=2)}


def _fragments(texts: list[str], shortest: int = MIN_FRAGMENT) -> list[str]:
    return sorted({t.strip()[:FRAGMENT] for t in texts if len(t.strip()) >= shortest})


def _identities(session: Session, member_id: int, now: datetime) -> int:
    identities = session.exec(select(Identity).where(Identity.member_id == member_id)).all()
    for identity in identities:
        session.execute(update(InboundMessage).where(or_(
            InboundMessage.identity_id == identity.id,
            and_(InboundMessage.provider == identity.provider,
                 InboundMessage.channel == identity.channel,
                 InboundMessage.address == identity.address)))
            .values(text="", payload={}, error=None, address=PLACEHOLDER))
        identity.address = f"{PLACEHOLDER}:{identity.id}"
        identity.opted_out, identity.opted_out_at = True, identity.opted_out_at or now
        session.add(identity)
    return len(identities)


def _messages(session: Session, member: Member, words: dict[str, list[str]]) -> int:
    mine = select(InboundMessage.id).where(InboundMessage.member_id == member.id)
    session.execute(update(InboundMessage).where(InboundMessage.member_id == member.id)
                    .values(text="", payload={}, error=None, address=PLACEHOLDER))
    to_them = or_(OutboundMessage.member_id == member.id,
                  OutboundMessage.identity_id.in_(
                      select(Identity.id).where(Identity.member_id == member.id)))
    caused = OutboundMessage.inbound_id.in_(mine)
    blanked = _blank(session, or_(to_them, caused), address=True)
    blanked += _blank(session, and_(OutboundMessage.purpose.in_(("question", "answer")),
                                    _containing(words["texts"])))
    peers = select(Introduction.member_b).where(Introduction.member_a == member.id).union(
        select(Introduction.member_a).where(Introduction.member_b == member.id))
    blanked += _blank(session, and_(OutboundMessage.member_id.in_(peers),
                                    _containing(words["profile"])))
    return blanked


def _containing(fragments: list[str]):
    if not fragments:
        return OutboundMessage.id.is_(None)  # nothing to look for
    return or_(*(OutboundMessage.text.contains(fragment, autoescape=True)
                 for fragment in fragments))


def _blank(session: Session, which, *, address: bool = False) -> int:
    """Blanks the outbound rows; ones not sent yet are suppressed."""
    values = {"text": "", "buttons": [], "error": None}
    if address:
        values["address"] = PLACEHOLDER
    session.execute(update(OutboundMessage).where(which, OutboundMessage.status == "queued")
                    .values(status="suppressed"))
    return session.execute(update(OutboundMessage).where(which).values(values)).rowcount


def _questions_and_answers(session: Session, member_id: int) -> int:
    promoted = select(Answer.question_id).where(Answer.promoted_faq_id.is_not(None))
    questions = session.execute(update(Question).where(
        Question.member_id == member_id, Question.id.not_in(promoted))
        .values(text="", text_en=None)).rowcount
    answers = session.execute(update(Answer).where(
        Answer.member_id == member_id, Answer.promoted_faq_id.is_(None))
        .values(text="", text_for_asker=None, reject_reason=None, attribution=None)).rowcount
    session.execute(update(Answer).where(Answer.member_id == member_id,
                                         Answer.promoted_faq_id.is_not(None))
                    .values(attribution=None))
    session.execute(update(Faq).where(Faq.answer_id.in_(select(Answer.id).where(
        Answer.member_id == member_id))).values(attribution=None))
    return questions + answers
