"""Messages to a member other than the one who wrote: the answerer a question is routed
to, the asker an answer is relayed to, the peer proposed or written to, a contributor
whose practice went live. Flows return them as `Notice`s; the moderator API and the
worker call `deliver` directly. Either way they go through the outbox in the caller's
transaction, rendered in the recipient's language for the channel they last used.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot.catalog import Catalog
from bot.render import Renderer
from bot.replies import Notice
from bot.turn import BY_ONE, PAGES
from content.channels import Capabilities, capabilities
from content.languages import NON_LATIN
from content.models import Identity, InboundMessage, Member
from content.models.messages import PRIORITY_REPLY
from services import conversation
from services.delivery import outbox

TTL = timedelta(hours=24)


def renderer_for(catalog: Catalog, member: Member, caps: Capabilities) -> Renderer:
    """How this member's messages look on a channel: their language (or, on SMS,
    English when their phone cannot show the script), Zawgyi, Vietnamese without marks
    on SMS only (marks cost segments there; elsewhere they cost nothing and help
    reading). The script answer is about the SMS phone: Telegram shows every script."""
    latin = member.script == "latin" and caps.segmented
    lang = "en" if latin and member.language in NON_LATIN else member.language
    return Renderer(catalog, caps, lang,
                    member.segment_budget, zawgyi=member.zawgyi,
                    plain=latin and member.language == "vi")


def reachable_identity(session: Session, member_id: int) -> Identity | None:
    """The identity the member last wrote from, if it has not opted out; otherwise their
    newest identity that has not."""
    last = session.exec(select(InboundMessage.identity_id)
                        .where(InboundMessage.member_id == member_id,
                               InboundMessage.identity_id.is_not(None))
                        .order_by(InboundMessage.id.desc()).limit(1)).first()
    if last is not None:
        identity = session.get(Identity, last)
        if identity is not None and not identity.opted_out:
            return identity
    return session.exec(select(Identity).where(Identity.member_id == member_id,
                                               Identity.opted_out.is_(False))
                        .order_by(Identity.id.desc())).first()


def deliver(session: Session, catalog: Catalog, notice: Notice, *, now: datetime,
            ttl: timedelta = TTL, inbound_id: int | None = None,
            priority: int = PRIORITY_REPLY) -> list[int]:
    """Queues the notice for its member; [] when they cannot be reached (every identity
    opted out). Pages beyond the SMS budget wait for the recipient's MORE."""
    catalog.freshen()  # texts reviewed in another process (bot/catalog_sync.py)
    member = session.get(Member, notice.member_id)
    identity = reachable_identity(session, notice.member_id) if member else None
    if identity is None:
        return []
    caps = capabilities(identity.provider, identity.channel)
    renderer = renderer_for(catalog, member, caps)
    rendering = renderer.render(list(notice.replies))
    if notice.next is not None or rendering.pending:
        state = conversation.load(session=session, member_id=member.id, now=now)
        flow, step = (notice.next.flow, notice.next.step) if notice.next else \
            (state.flow, state.step)
        data = dict(notice.data) if notice.next else dict(state.data)
        data.pop(PAGES, None)
        data.pop(BY_ONE, None)
        if rendering.pending:
            data[PAGES] = rendering.pending
            data[BY_ONE] = renderer.one_continues(rendering.messages[-1].text)
        conversation.save(session=session, member_id=member.id, flow=flow, step=step,
                          data=data, ttl=ttl, now=now)
    return outbox.queue(session=session, identity=identity, parts=rendering.messages,
                        inbound_id=inbound_id, priority=priority, purpose=notice.purpose)
