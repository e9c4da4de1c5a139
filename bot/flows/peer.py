"""PEER: matching consent, a topic, one proposed peer at a time, and the double opt-in.

```mermaid
flowchart LR
  start{{a request to me waiting?}} -->|yes| consider
  start -->|no consent yet| consent -->|2| menu([menu])
  consent -->|1| topic
  start -->|PEER n| propose
  start --> topic --> propose{{anyone?}} -->|no| none([ASK instead])
  propose --> proposal -->|2 another| propose
  proposal -->|1 ask to meet| asked([the peer gets a notice]) -.-> consider
  consider -->|1 yes| active([relay code to both])
  consider -->|2 no| declined([the asker is told])
```

The member who asks (member_a) says yes by asking; the proposed peer (member_b) gets
the asker's card as a notice that continues their dialog at `consider`. Peers shown in
this session are kept in the step's data (`shown`) so "Another" never repeats one. A
member a moderator blocked is told, politely, that introductions are paused for them.
"""

from __future__ import annotations

import random
from datetime import timedelta

from bot.choices import TOPIC_GROUPS, numbered, topics_for
from bot.flows.common import invalid, to_menu
from bot.flows.flow import Flow, Keyword, MenuEntry
from bot.flows.peer_cards import group_of, name_of, profile_reply, request_reply
from bot.intents import PEER, parse_numbers
from bot.replies import Choice, Notice, Outcome, Reply, Step
from bot.turn import Turn
from content.languages import TOPICS
from content.models import Introduction, Member
from services import relay
from services.matching import Proposal, StaleProposal, create_introduction, propose

FREE_TEXT: frozenset[str] = frozenset()  # every step here takes a number
CONSENT = (Choice("1", "peer.consent.yes"), Choice("2", "peer.consent.no"))
REFUSED = "members.peer_refused"  # a member a moderator blocked (bot/member_notices.py)


def consent_reply() -> Reply:
    """What a peer sees of the member, and whether that is fine."""
    return Reply("peer.consent.ask", choices=CONSENT)


def topic_reply() -> Reply:
    """The topic groups, one to pick."""
    return Reply("peer.topic.ask", choices=numbered([name for name, _ in TOPIC_GROUPS],
                                                    "topic"))


def start(turn: Turn) -> Outcome:
    """PEER, `PEER <topic number>` or menu 3."""
    if turn.member.blocked_at is not None:
        return to_menu(Reply(REFUSED))
    pending = relay.pending_request(session=turn.session, member_id=turn.member.id)
    if pending is not None:
        return _ask_peer_again(turn, pending)
    group = _group_argument(turn)
    turn.data.clear()
    if not turn.member.consent_matching:
        turn.data["group"] = group
        return Outcome([consent_reply()], Step("peer", "consent"))
    return _propose(turn, group) if group else Outcome([topic_reply()], Step("peer", "topic"))


def _group_argument(turn: Turn) -> int | None:
    """The topic group number after PEER ('PEER 3'), if valid."""
    if turn.parsed.intent != PEER:
        return None
    numbers = parse_numbers(turn.parsed.argument)
    if len(numbers) == 1 and 1 <= numbers[0] <= len(TOPIC_GROUPS):
        return numbers[0]
    return None


def consent(turn: Turn) -> Outcome:
    """Saves the matching consent; yes goes on to the topic."""
    if turn.number == 2:
        return to_menu(Reply("peer.consent.declined"))
    if turn.number != 1:
        return Outcome([invalid(1, 2), consent_reply()], Step("peer", "consent"))
    turn.member.consent_matching = True
    group = turn.data.get("group")
    return _propose(turn, group) if group else Outcome([topic_reply()], Step("peer", "topic"))


def topic(turn: Turn) -> Outcome:
    """The topic group picked: propose a peer for it."""
    number = turn.number
    if number is None or not 1 <= number <= len(TOPIC_GROUPS):
        return Outcome([invalid(1, len(TOPIC_GROUPS)), topic_reply()], Step("peer", "topic"))
    return _propose(turn, number)


def _candidate_topics(member: Member, group: int) -> list[str]:
    """Store topics to look in, the member's wanted ones first ('all': only those, if
    any, to keep the lookups few)."""
    wanted = [t for t in member.topics_wanted or [] if t in TOPICS]
    inside = topics_for([group]) or wanted or list(TOPICS)
    return [t for t in wanted if t in inside] + [t for t in inside if t not in wanted]


def _best(turn: Turn, group: int, shown: list[int]) -> Proposal | None:
    """The best peer over the group's topics, leaving out those already shown."""
    found = [propose(session=turn.session, member_id=turn.member.id, topic=t,
                     now=turn.now, exclude=shown)
             for t in _candidate_topics(turn.member, group)]
    found = [p for p in found if p is not None]
    return max(found, key=lambda p: p.score, default=None)


def _propose(turn: Turn, group: int, *before: Reply) -> Outcome:
    """Shows the next peer, or says kindly that nobody fits (or, to a member a moderator
    blocked in the middle of this dialog, that introductions are paused)."""
    if turn.member.blocked_at is not None:
        return to_menu(*before, Reply(REFUSED))
    shown = list(turn.data.get("shown", []))
    found = _best(turn, group, shown)
    if found is None:
        return to_menu(*before, Reply("peer.no_more" if shown else "peer.none"))
    turn.data.update(group=group, shown=[*shown, found.member_id], proposal={
        "member_id": found.member_id, "topic": found.topic, "score": found.score,
        "reasons": list(found.reasons)})
    return Outcome([*before, _profile(turn)], Step("peer", "proposal"))


def _profile(turn: Turn) -> Reply:
    peer = turn.session.get(Member, turn.data["proposal"]["member_id"])
    return profile_reply(peer, turn.member, group_of(turn.data["proposal"]["topic"]))


def proposal(turn: Turn) -> Outcome:
    """1 asks to meet the peer shown, 2 shows another."""
    group = turn.data.get("group") or len(TOPIC_GROUPS)
    if turn.number == 2:
        return _propose(turn, group)
    if turn.number != 1 or "proposal" not in turn.data:
        return Outcome([invalid(1, 2), _profile(turn)], Step("peer", "proposal"))
    saved = turn.data["proposal"]
    found = Proposal(member_id=saved["member_id"], topic=saved["topic"],
                     score=saved["score"], reasons=tuple(saved["reasons"]))
    try:
        intro = create_introduction(session=turn.session, proposal=found,
                                    member_id=turn.member.id, topic=found.topic, now=turn.now)
    except StaleProposal:
        return _propose(turn, group, Reply("peer.unavailable"))
    relay.answer(session=turn.session, introduction=intro, member_id=turn.member.id,
                 yes=True, now=turn.now, rng=random.Random())  # asking is the asker's yes
    peer = turn.session.get(Member, found.member_id)
    notice = Notice(peer.id, (request_reply(turn.member, peer, found.topic),),
                    next=Step("peer", "consider"), data={"introduction_id": intro.id})
    outcome = to_menu(Reply("peer.asked", {"name": name_of(peer, turn.member)}))
    outcome.notices.append(notice)
    return outcome


def _ask_peer_again(turn: Turn, intro: Introduction) -> Outcome:
    """A request the member has not answered yet comes first."""
    turn.data.clear()
    turn.data["introduction_id"] = intro.id
    asker = turn.session.get(Member, intro.member_a)
    return Outcome([request_reply(asker, turn.member, intro.topic)], Step("peer", "consider"))


def consider(turn: Turn) -> Outcome:
    """The proposed peer's answer: 1 yes opens the relay, 2 no declines."""
    intro = turn.session.get(Introduction, turn.data.get("introduction_id") or 0)
    if intro is None or intro.member_b != turn.member.id or intro.status != "proposed":
        return to_menu(Reply("peer.request_gone"))
    asker = turn.session.get(Member, intro.member_a)
    if turn.number not in (1, 2):
        return Outcome([invalid(1, 2), request_reply(asker, turn.member, intro.topic)],
                       Step("peer", "consider"))
    relay.answer(session=turn.session, introduction=intro, member_id=turn.member.id,
                 yes=turn.number == 1, now=turn.now, rng=random.Random(),
                 ttl=timedelta(days=turn.policy.relay_days))
    if intro.status == "declined":
        outcome = to_menu(Reply("peer.declined_ok"))
        outcome.notices.append(Notice(asker.id, (Reply("peer.declined"),)))
        return outcome
    code = intro.relay_code
    outcome = Outcome([Reply("peer.matched", {"name": name_of(asker, turn.member),
                                              "code": code}),
                       Reply("peer.relay_help", {"code": code})])
    outcome.notices.append(Notice(asker.id, (
        Reply("peer.matched", {"name": name_of(turn.member, asker), "code": code}),
        Reply("peer.relay_help", {"code": code}))))
    return outcome


STEPS = {"consent": consent, "topic": topic, "proposal": proposal, "consider": consider}
FLOW = Flow(name="peer", steps=STEPS, keywords=(Keyword(PEER, start, takes_argument=True),),
            menu=MenuEntry(3, "menu.peer", PEER), free_text=FREE_TEXT)
