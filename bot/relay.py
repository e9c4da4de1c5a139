"""The masked relay between two introduced peers: "P12 hello" reaches the other one.

A message that starts with the member's relay code is forwarded to the other member,
prefixed with the code and the sender's first name (or "your peer"); the relay itself
never adds a phone number, chat id or username. A word after the code acts instead:
- END (alone) closes the relay; plain "END" is an SMS opt-out word, so only
  "P12 END" closes a relay;
- REPORT, with anything after it as the report, closes it for the moderators
  (status "reported", report_text);
- CONTACT (alone) agrees to exchange contacts; once both have sent it, each gets the
  other's phone number and Telegram username: the only place they are ever shown.
The local words below are drafts, like the catalog's. The sender's dialog stays where
it was, so a relay message in the middle of another flow does not lose it.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.flows.peer_cards import label, name_of
from bot.intents import fold, strip_edges
from bot.notify import reachable_identity
from bot.replies import Notice, Outcome, Reply, Step
from bot.turn import Turn
from content.models import Introduction, Job, Member
from services import conversation, relay

END = ("end", "close", "បញ្ចប់", "ຈົບ", "ပြီးပြီ", "ket thuc", "selesai", "tamat", "tapos",
       "จบ")
REPORT = ("report", "រាយការណ៍", "ລາຍງານ", "တိုင်ကြား", "bao cao", "lapor", "laporkan",
          "isumbong", "ireport", "รายงาน")
CONTACT = ("contact", "ទំនាក់ទំនង", "ຕິດຕໍ່", "ဆက်သွယ်ရန်", "lien he", "kontak", "hubungi",
           "ติดต่อ")


def by_code(turn: Turn, code: str, body: str) -> Outcome | None:
    """Forwards a relay message or acts on END / REPORT / CONTACT; None when the code
    was never this member's (the text is then read as usual)."""
    intro = relay.find(session=turn.session, member_id=turn.member.id, code=code)
    if intro is None:
        return None
    if intro.status != "active" or relay.expired(intro, turn.now):
        return _stay(turn, Reply("relay.closed", {"code": intro.relay_code}))
    peer = turn.session.get(Member, relay.other(intro, turn.member.id))
    word = strip_edges(fold(body))
    if word in END:
        return _end(turn, intro, peer)
    if word in CONTACT:
        return _contact(turn, intro, peer)
    report = _report_text(body)
    if report is not None:
        return _report(turn, intro, peer, report)
    if not word:
        return _stay(turn, Reply("relay.empty", {"code": intro.relay_code}))
    if reachable_identity(turn.session, peer.id) is None:  # they sent STOP everywhere
        return _stay(turn, Reply("relay.unreachable", {"name": name_of(peer, turn.member)}))
    message = Reply("relay.message", {"code": intro.relay_code,
                                      "name": name_of(turn.member, peer), "text": body})
    return _stay(turn, Reply("relay.sent", {"name": name_of(peer, turn.member)}),
                 notices=[Notice(peer.id, (message,))])


def _stay(turn: Turn, *replies: Reply, notices: list[Notice] | None = None) -> Outcome:
    """The replies, with the member's dialog left at the step it was at."""
    state = conversation.load(session=turn.session, member_id=turn.member.id, now=turn.now)
    step = Step(state.flow, state.step) if state.flow and state.step else None
    return Outcome(list(replies), step, notices=notices or [])


def _report_text(body: str) -> str | None:
    """What follows a REPORT word ('' if nothing), or None if the body is no report."""
    for size in (2, 1):
        parts = body.split(None, size)
        if len(parts) >= size and strip_edges(fold(" ".join(parts[:size]))) in REPORT:
            return parts[size].strip() if len(parts) > size else ""
    return None


def _end(turn: Turn, intro: Introduction, peer: Member) -> Outcome:
    relay.close(session=turn.session, introduction=intro, now=turn.now,
                member_id=turn.member.id)
    told = Reply("relay.ended_by_peer", {"code": intro.relay_code,
                                         "name": name_of(turn.member, peer)})
    return _stay(turn, Reply("relay.ended", {"code": intro.relay_code}),
                 notices=[Notice(peer.id, (told,))])


def _report(turn: Turn, intro: Introduction, peer: Member, text: str) -> Outcome:
    relay.close(session=turn.session, introduction=intro, now=turn.now,
                member_id=turn.member.id, report_text=text)
    told = Reply("relay.closed_for_review", {"code": intro.relay_code})
    return _stay(turn, Reply("relay.reported", {"code": intro.relay_code}),
                 notices=[Notice(peer.id, (told,))])


def _contact(turn: Turn, intro: Introduction, peer: Member) -> Outcome:
    """Agrees to exchange contacts; once both have, each gets the other's."""
    turn.member.consent_contact = True
    code = intro.relay_code
    if not relay.share_contact(session=turn.session, introduction=intro,
                               member_id=turn.member.id):
        asked = Reply("relay.contact_asked", {"code": code,
                                              "name": name_of(turn.member, peer)})
        return _stay(turn, Reply("relay.contact_wait", {"code": code,
                                                        "name": name_of(peer, turn.member)}),
                     notices=[Notice(peer.id, (asked,))])
    mine = _contact_reply(turn.session, code, of=peer, viewer=turn.member)
    theirs = _contact_reply(turn.session, code, of=turn.member, viewer=peer)
    return _stay(turn, mine, notices=[Notice(peer.id, (theirs,))])


def _contact_reply(session: Session, code: str, *, of: Member, viewer: Member) -> Reply:
    """One member's contact for the other: sent only when both sent CONTACT."""
    contact = relay.contact_of(session=session, member_id=of.id)
    shown = contact.text() if contact else label(viewer, "relay.contact_none")
    return Reply("relay.contact", {"code": code, "name": name_of(of, viewer),
                                   "contact": shown})


def expire(session: Session, job: Job, now: datetime) -> list[Notice]:
    """Closes a relay whose time is up (job kind `relay_expiry`) and tells both."""
    intro = session.get(Introduction, job.ref_id or 0)
    if intro is None or intro.status != "active":
        job.status = "cancelled"  # closed by END or REPORT before its time
        return []
    if not relay.expired(intro, now):
        job.due_at = intro.expires_at  # the relay was given more time
        return []
    relay.close(session=session, introduction=intro, now=now)
    a, b = session.get(Member, intro.member_a), session.get(Member, intro.member_b)
    return [Notice(one.id, (Reply("relay.expired", {"code": intro.relay_code,
                                                    "name": name_of(two, one)}),))
            for one, two in ((a, b), (b, a))]
