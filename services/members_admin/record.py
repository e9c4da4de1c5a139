"""One member as moderators look at them: the record (profile, identities, what they
asked, answered, met, tried, wanted to visit and read) and, for support, their
conversation across every channel.

The record shows identities masked for every account but admins (search.mask). The
conversation is shown only to accounts with `members.history` (admins and the member's
organisation's moderators) and each page of it read writes an audit row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, literal, or_, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from content.models import (
    Answer,
    Identity,
    InboundMessage,
    Introduction,
    Member,
    Organisation,
    OutboundMessage,
    Practice,
    Question,
    Reading,
    ReplicationReport,
    VisitInterest,
)
from services import sandbox
from services.access import Principal
from services.audit import record as audit
from services.members_admin import mask, numbers_hidden, shown, text_lang, visible_member

LIST = 50  # newest rows of each kind on the record; the counts say how many in all
HISTORY_PAGE = 50


@dataclass(frozen=True)
class Reach:
    """One identity as the account may see it."""

    channel: str
    provider: str
    address: str  # masked unless the account is an admin
    opted_out: bool
    created_at: datetime


@dataclass
class Record:
    """Everything the member page shows, newest first, with the totals."""

    member: Member
    organisation: Organisation | None
    identities: list[Reach]
    questions: list[Question] = field(default_factory=list)
    answers: list[tuple[Answer, Question]] = field(default_factory=list)
    introductions: list[tuple[Introduction, Member]] = field(default_factory=list)
    reports: list[tuple[ReplicationReport, str]] = field(default_factory=list)
    visits: list[tuple[VisitInterest, str]] = field(default_factory=list)
    readings: list[tuple[Reading, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Message:
    """One message of a conversation: what the member sent (in) or was sent (out)."""

    direction: str  # in | out
    id: int
    at: datetime
    channel: str
    text: str  # Unicode, never Zawgyi
    state: str  # in: the kind (text, photo, ...); out: the delivery status
    lang: str  # for the page's lang attribute


def member_record(*, session: Session, principal: Principal, member_id: int) -> Record:
    """The member's record, if the account may see them."""
    member = visible_member(session=session, principal=principal, member_id=member_id)
    org = session.get(Organisation, member.organisation_id) if member.organisation_id \
        else None
    identities = [Reach(i.channel, i.provider,
                        mask(channel=i.channel, address=sandbox.typed(i.provider, i.address),
                             principal=principal),
                        i.opted_out, i.created_at)
                  for i in session.exec(select(Identity).where(
                      Identity.member_id == member.id).order_by(Identity.id))]
    found = Record(member, org, identities)
    found.questions = list(session.exec(select(Question).where(
        Question.member_id == member.id).order_by(Question.id.desc()).limit(LIST)))
    found.answers = list(session.exec(
        select(Answer, Question).join(Question, Question.id == Answer.question_id)
        .where(Answer.member_id == member.id).order_by(Answer.id.desc()).limit(LIST)))
    found.introductions = _introductions(session, member.id)
    found.reports = _with_slug(session, ReplicationReport, member.id)
    found.visits = _with_slug(session, VisitInterest, member.id)
    found.readings = _with_slug(session, Reading, member.id)
    found.counts = counts(session=session, member_id=member.id)
    return found


def counts(*, session: Session, member_id: int) -> dict[str, int]:
    """How many questions, answers, introductions, reports, visits and readings."""
    def total(model, *where) -> int:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()
    return {
        "questions": total(Question, Question.member_id == member_id),
        "answers": total(Answer, Answer.member_id == member_id),
        "introductions": total(Introduction, or_(Introduction.member_a == member_id,
                                                 Introduction.member_b == member_id)),
        "reports": total(ReplicationReport, ReplicationReport.member_id == member_id),
        "visits": total(VisitInterest, VisitInterest.member_id == member_id),
        "readings": total(Reading, Reading.member_id == member_id),
    }


def _introductions(session: Session, member_id: int) -> list[tuple[Introduction, Member]]:
    intros = list(session.exec(select(Introduction).where(or_(
        Introduction.member_a == member_id, Introduction.member_b == member_id))
        .order_by(Introduction.id.desc()).limit(LIST)))
    others = {i.member_b if i.member_a == member_id else i.member_a for i in intros}
    people = {m.id: m for m in session.exec(select(Member).where(
        Member.id.in_(sorted(others))))} if others else {}
    return [(i, people[i.member_b if i.member_a == member_id else i.member_a])
            for i in intros]


def _with_slug(session: Session, model, member_id: int) -> list:
    return [(row, slug) for row, slug in session.exec(
        select(model, Practice.slug).join(Practice, Practice.id == model.practice_id)
        .where(model.member_id == member_id).order_by(model.id.desc()).limit(LIST))]


def conversation(*, session: Session, principal: Principal, member_id: int,
                 limit: int = HISTORY_PAGE, offset: int = 0) -> tuple[Member, list[Message]]:
    """A page of the member's messages in and out, across identities, in the order they
    happened (`offset` counts back from the newest). The view is audit-logged."""
    member = visible_member(session=session, principal=principal, member_id=member_id)
    inbound = sa_select(literal("in").label("direction"), InboundMessage.id,
                        InboundMessage.received_at.label("at"), InboundMessage.channel,
                        InboundMessage.text, InboundMessage.kind.label("state")
                        ).where(InboundMessage.member_id == member.id)
    outbound = sa_select(literal("out").label("direction"), OutboundMessage.id,
                         OutboundMessage.created_at.label("at"), OutboundMessage.channel,
                         OutboundMessage.text, OutboundMessage.status.label("state")
                         ).where(OutboundMessage.member_id == member.id)
    both = union_all(inbound, outbound).subquery()
    rows = session.execute(sa_select(both).order_by(
        both.c.at.desc(), both.c.direction.desc(), both.c.id.desc())
        .offset(offset).limit(limit)).all()
    audit(session=session, actor=principal, action="member.history", target_type="member",
          target_id=member.id, offset=offset, shown=len(rows))
    messages = []
    for row in reversed(rows):
        text = numbers_hidden(shown(row.text), principal)
        messages.append(Message(row.direction, row.id, row.at, row.channel, text, row.state,
                                text_lang(text, member.language)))
    return member, messages
