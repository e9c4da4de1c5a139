"""Services and an HTTP client wired to the fake provider servers.

Each channel's fake lives beside its tests (tests/webhooks/channels/fake_*.py) and says,
with `settings()`, how the app reaches it; the app here is pointed at every fake given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.processing import drain
from content.models import Identity, InboundMessage, OutboundMessage
from peerlearn.app import create_app
from peerlearn.wiring import Services, build
from tests.support.waiting import wait_for
from tests.webhooks.channels.fake_telegram import WEBHOOK_SECRET, FakeTelegram
from tests.webhooks.channels.fake_twilio import FakeTwilio, sign

PUBLIC = "https://peerlearn.example.org"
SECRET = WEBHOOK_SECRET


def live_settings(settings, *fakes, **extra):
    """Settings whose providers are the fakes; rate limits off unless given."""
    values: dict[str, Any] = dict(public_base_url=PUBLIC)
    for fake in fakes:
        values.update(fake.settings())
    values.update(extra)
    return type(settings)(**{**settings.model_dump(), **values})


@dataclass
class Live:
    """An app over the fakes, with helpers to post webhooks and run the dispatcher."""

    services: Services
    client: TestClient
    telegram: FakeTelegram
    twilio: FakeTwilio
    fakes: list = field(default_factory=list)  # the other channels' fake servers

    def post_telegram(self, update: dict, secret: str | None = SECRET):
        headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
        return self.client.post("/webhooks/telegram", json=update, headers=headers)

    def post_twilio(self, form: dict, *, path: str = "/webhooks/twilio/sms",
                    signed_url: str | None = None, signature: str | None = "compute"):
        url = signed_url or PUBLIC + path
        headers = {}
        if signature == "compute":
            headers["X-Twilio-Signature"] = sign(url, form, self.twilio.auth_token)
        elif signature is not None:
            headers["X-Twilio-Signature"] = signature
        return self.client.post(path, data=form, headers=headers)

    def process(self) -> int:
        """Runs the turns of every stored message, as the processors would (the webhook
        only stores); waits for any a processor of the app has in hand."""
        total = drain(self.services.inbox)
        wait_for(lambda: not waiting(self.services.db), "every stored message processed")
        return total

    def dispatch(self) -> int:
        """Processes what is stored, then runs the dispatcher until nothing is due, in the
        app's own event loop (where the provider clients' connections live)."""
        self.process()

        async def run() -> int:
            total, dispatcher = 0, self.services.dispatcher()
            while handled := await dispatcher.run_once():
                total += handled
            return total
        return self.client.portal.call(run)

    # A look at the rows first lets the processors do their work, as they would have by
    # the time anyone looks in a running service (the webhook only stores).
    def inbound(self) -> list[InboundMessage]:
        self.process()
        with Session(self.services.db) as session:
            return list(session.exec(select(InboundMessage).order_by(InboundMessage.id)))

    def outbound(self) -> list[OutboundMessage]:
        self.process()
        with Session(self.services.db) as session:
            return list(session.exec(select(OutboundMessage).order_by(OutboundMessage.id)))

    def identity(self, channel: str, address: str) -> Identity | None:
        self.process()
        with Session(self.services.db) as session:
            return session.exec(select(Identity).where(Identity.channel == channel,
                                                       Identity.address == address)).first()


def waiting(db) -> bool:
    """Whether a stored message waits for its turn."""
    with Session(db) as session:
        return session.exec(select(InboundMessage.id).where(
            InboundMessage.status == "received")).first() is not None


def settled(db) -> bool:
    """Every inbound message processed and every reply sent (none queued or sending).
    The inbound rows are looked at first: a turn commits its replies with its row, so
    once no row waits, every reply is in the outbox for the second look."""
    with Session(db) as session:
        unread = session.exec(select(InboundMessage.id).where(
            InboundMessage.status == "received")).first()
    with Session(db) as session:
        waiting = session.exec(select(OutboundMessage.id).where(
            OutboundMessage.status.in_(("queued", "sending")))).first()
    return waiting is None and unread is None


def make_live(settings, db, telegram: FakeTelegram, twilio: FakeTwilio, *others,
              **extra) -> Live:
    """Builds the app (lifespan entered: Telegram's getMe done) over the fakes (the
    other channels' fakes in `others`, found in `Live.fakes` by their class)."""
    services = build(live_settings(settings, telegram, twilio, *others, **extra), db=db)
    client = TestClient(create_app(services.settings, services), base_url="http://10.1.2.3:8000")
    client.__enter__()
    return Live(services, client, telegram, twilio, list(others))
