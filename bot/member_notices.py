"""What members are told when a moderator acts on them, from the console or the API:

- made a resource person: what that means and how questions reach them, then whether
  answers of theirs may carry their name (answering.attribution_notice: a bare "1" or
  "2" is read by the `attribution` step and stored on Member.attribution);
- no longer a resource person: a polite note;
- blocked: a polite notice (no further introductions; stories and questions go on),
  and each peer of an introduction the block closed is told as when a moderator
  closes one (so is each peer of an erased member); unblocked: that they may meet
  peers again;
- an introduction closed by a moderator: both members.

Every message goes through bot.notify.deliver (the member's language and last channel,
in the caller's transaction). Each function returns how many members were reached.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.catalog import Catalog
from bot.choices import TOPIC_GROUPS
from bot.flows.answering import attribution_notice
from bot.flows.peer_cards import label
from bot.notify import deliver
from bot.replies import Notice, Reply
from content.models import Introduction, Member
from services.relay import other

CLOSED = "moderation.introduction_closed"
EXPERT_MADE = "members.expert_made"
EXPERT_UNMADE = "members.expert_unmade"
BLOCKED = "members.blocked"
UNBLOCKED = "members.unblocked"
TOPICS_SHOWN = 2  # topic groups named in the notice: more would not fit two SMS segments


def expert_made(session: Session, catalog: Catalog, member: Member, *,
                now: datetime) -> int:
    """Tells a new resource person, and asks about attribution unless their answer is
    known (or they gave no name to show: answering._take does not ask them either)."""
    told = Reply(EXPERT_MADE, {"topics": topics_of(member)})
    if member.attribution is not None or not member.name:
        return _told(session, catalog, Notice(member.id, (told,)), now)
    return _told(session, catalog, attribution_notice(member.id, before=(told,)), now)


def expert_unmade(session: Session, catalog: Catalog, member: Member, *,
                  now: datetime) -> int:
    """Thanks a former resource person."""
    return _told(session, catalog, Notice(member.id, (Reply(EXPERT_UNMADE),)), now)


def blocked(session: Session, catalog: Catalog, member: Member,
            closed: list[Introduction], *, now: datetime) -> int:
    """Tells the blocked member, and the peers of the introductions it closed."""
    told = _told(session, catalog, Notice(member.id, (Reply(BLOCKED),)), now)
    return told + peers_told(session, catalog, member, closed, now=now)


def peers_told(session: Session, catalog: Catalog, member: Member,
               closed: list[Introduction], *, now: datetime) -> int:
    """Tells the peer of each introduction closed because of `member` (blocked,
    erased), as when a moderator closes one."""
    return sum(_told(session, catalog, Notice(other(intro, member.id), (Reply(CLOSED),)),
                     now) for intro in closed)


def unblocked(session: Session, catalog: Catalog, member: Member, *,
              now: datetime) -> int:
    """Tells a member they may meet peers again."""
    return _told(session, catalog, Notice(member.id, (Reply(UNBLOCKED),)), now)


def introduction_closed(session: Session, catalog: Catalog, intro: Introduction, *,
                        now: datetime) -> int:
    """Tells both members a moderator closed their introduction."""
    return sum(_told(session, catalog, Notice(member_id, (Reply(CLOSED),)), now)
               for member_id in (intro.member_a, intro.member_b))


def topics_of(member: Member) -> str:
    """The topic groups of what the member offers, in their language ("Farming,
    Money"): the words they know from the topic menu."""
    offered = set(member.topics_offered or [])
    groups = [name for name, topics in TOPIC_GROUPS if offered & set(topics)]
    return ", ".join(label(member, f"topic.{name}") for name in groups[:TOPICS_SHOWN])


def _told(session: Session, catalog: Catalog, notice: Notice, now: datetime) -> int:
    return 1 if deliver(session, catalog, notice, now=now) else 0
