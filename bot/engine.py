"""The conversation engine: one inbound message in, outbox rows out, one transaction.

It never calls a provider. It finds the member, reads their dialog state, lets a
command or the current flow step decide, renders the replies for the channel, and
writes state, member and outbox rows in the caller's session.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from bot import coded, commands, events, notify, reading
from bot.catalog import Catalog
from bot.flows import onboarding, registry
from bot.flows.common import to_menu
from bot.intents import HELP, MORE, START, STOP, parse
from bot.render import Renderer, Rendering
from bot.replies import Outcome, Reply
from bot.turn import BY_ONE, PAGES, Policy, Turn
from content.channels import Capabilities
from content.models import Identity, InboundMessage, utcnow
from services import conversation, members, sandbox
from services.delivery import outbox

log = logging.getLogger(__name__)
MAX_TEXT = 2000  # longer messages are stored whole but read only this far


@dataclass(frozen=True)
class Engine:
    """Decides replies; built once by the composition root."""

    catalog: Catalog
    ttl: timedelta = timedelta(hours=24)
    policy: Policy = Policy()

    def handle(self, session: Session, inbound: InboundMessage, caps: Capabilities,
               now: datetime | None = None) -> list[int]:
        """Processes one stored inbound message and queues the replies; returns the ids
        of their outbox rows."""
        now = now or utcnow()
        member, identity = members.identify(session=session, provider=inbound.provider,
                                            channel=inbound.channel, address=inbound.address)
        inbound.member_id, inbound.identity_id = member.id, identity.id
        if inbound.kind in events.BLOCK_KINDS:
            events.apply_block(session, identity, inbound.kind)
            return []
        if inbound.kind == "contact":
            events.learn_from_contact(member, inbound)
        text = reading.read(member, inbound.text)[:MAX_TEXT]  # Zawgyi → Unicode, flag set
        state = conversation.load(session=session, member_id=member.id, now=now)
        turn = Turn(session, member, identity, caps, text, parse(text), now, dict(state.data),
                    kind=inbound.kind, payload=inbound.payload or {}, policy=self.policy)
        reading.provisional_language(turn, state.flow)
        pages, by_one = turn.data.pop(PAGES, []), turn.data.pop(BY_ONE, False)
        if pages and (turn.parsed.intent == MORE or (by_one and turn.parsed.numbers == (1,))):
            return self._next_page(turn, state, pages, inbound.id)
        outcome, purpose = self._decide(turn, state, identity)
        if outcome is None:
            return []
        renderer = self._renderer(turn)
        rendering = renderer.render(outcome.replies)
        self._save(turn, outcome, rendering, renderer)
        rows = outbox.queue(session=session, identity=identity, parts=rendering.messages,
                            inbound_id=inbound.id, purpose=purpose)
        for notice in outcome.notices:  # other members: never in this member's replies
            if not sandbox.may_reach(session, member, notice.member_id):
                log.warning("a notice from member %s to member %s would cross the sandbox; "
                            "dropped", member.id, notice.member_id)
                continue
            notify.deliver(session, self.catalog, notice, now=now, ttl=self.ttl,
                           inbound_id=inbound.id)
        return rows

    def _decide(self, turn: Turn, state: conversation.State,
                identity: Identity) -> tuple[Outcome | None, str]:
        intent = turn.parsed.intent
        if intent == STOP:
            return commands.stop(turn), "optout"
        if intent == HELP and (identity.opted_out or turn.member.onboarded_at is None):
            resume = onboarding.resume(turn, state.step) if state.flow == "onboarding" \
                else Outcome([], None)
            return Outcome([Reply("help"), *resume.replies], resume.next), "help"
        if intent == START:
            return commands.start(turn, state.step if state.flow == "onboarding" else None), \
                "reply"
        if identity.opted_out:
            return self._stopped(turn, identity)
        if turn.member.onboarded_at is None:
            return self._onboarding(turn, state), "reply"
        return self._onboarded(turn, state), "reply"

    def _stopped(self, turn: Turn, identity: Identity) -> tuple[Outcome | None, str]:
        """An identity that sent STOP writes again: told once a day how to come back,
        where the provider lets a reply through (Twilio blocks it after STOP)."""
        if turn.caps.provider_confirms_opt_out or events.blocked_us(turn.session, identity) \
                or not outbox.stopped_notice_due(session=turn.session, identity=identity,
                                                 now=turn.now):
            return None, "reply"
        return Outcome([Reply("stop.reminder")], None), outbox.STOPPED

    def _onboarding(self, turn: Turn, state: conversation.State) -> Outcome:
        if state.flow != "onboarding" or not state.step:
            return onboarding.start(turn)
        if turn.parsed.intent is not None:  # any command word: onboarding asks again
            return onboarding.resume(turn, state.step)
        return registry.steps()["onboarding"][state.step](turn)

    def _onboarded(self, turn: Turn, state: conversation.State) -> Outcome:
        intent = turn.parsed.intent
        if intent is not None:
            decided = commands.onboarded_command(turn, intent, state.flow, state.step)
            if decided is not None:
                return decided
        by_code = coded.handle(turn)  # "A57 …" answers a question, "P12 …" is a relay
        if by_code is not None:
            return by_code
        if state.expired:
            return to_menu(Reply("expired"))
        step = registry.steps().get(state.flow or "", {}).get(state.step or "")
        if turn.kind in events.MEDIA_KINDS and step is not None \
                and state.flow in registry.media_flows():
            return step(turn)  # a photo sent during SHARE belongs to the interview
        if not _visible(turn.text) and turn.kind in events.MEDIA_KINDS:
            return to_menu(Reply("media.received"))
        if not _visible(turn.text):
            return to_menu(Reply("empty"))
        return step(turn) if step else registry.steps()["menu"]["choose"](turn)

    def _next_page(self, turn: Turn, state: conversation.State, pages: list[str],
                   inbound_id: int | None) -> list[int]:
        renderer = self._renderer(turn)
        if pages[1:]:
            turn.data[PAGES] = pages[1:]
            turn.data[BY_ONE] = renderer.one_continues(pages[0])
        conversation.save(session=turn.session, member_id=turn.member.id, flow=state.flow,
                          step=state.step, data=turn.data, ttl=self.ttl, now=turn.now)
        return outbox.queue(session=turn.session, identity=turn.identity,
                            parts=[renderer.page(pages[0])], inbound_id=inbound_id)

    def _save(self, turn: Turn, outcome: Outcome, rendering: Rendering,
              renderer: Renderer) -> None:
        data = dict(turn.data) if outcome.next else {}
        if rendering.pending:
            data[PAGES] = rendering.pending
            data[BY_ONE] = renderer.one_continues(rendering.messages[-1].text)
        step = outcome.next
        conversation.save(session=turn.session, member_id=turn.member.id,
                          flow=step.flow if step else None, step=step.step if step else None,
                          data=data, ttl=self.ttl, now=turn.now)
        turn.session.add(turn.member)

    def _renderer(self, turn: Turn) -> Renderer:
        return notify.renderer_for(self.catalog, turn.member, turn.caps)


def _visible(text: str) -> bool:
    """Whether the text shows anything: a letter, digit, punctuation mark or symbol."""
    return any(ch.isalnum() or unicodedata.category(ch)[0] in "PS" for ch in text)
