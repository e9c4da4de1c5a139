"""Services and an HTTP client wired to the fake Telegram and Twilio servers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from content.models import Identity, InboundMessage, OutboundMessage
from peerlearn.app import create_app
from peerlearn.wiring import Services, build
from tests.support.fake_telegram import FakeTelegram
from tests.support.fake_twilio import FakeTwilio, sign

PUBLIC = "https://peerlearn.example.org"
SECRET = "s3cret-Token_1"


def live_settings(settings, telegram: FakeTelegram, twilio: FakeTwilio, **extra):
    """Settings whose providers are the fakes; rate limits off unless given."""
    values: dict[str, Any] = dict(
        public_base_url=PUBLIC, telegram_bot_token=telegram.token,
        telegram_webhook_secret=SECRET, telegram_api_base=telegram.base_url,
        twilio_account_sid=twilio.account_sid, twilio_auth_token=twilio.auth_token,
        twilio_from="+15005550006", twilio_api_base=twilio.base_url,
        telegram_rate=0, telegram_chat_rate=0, twilio_rate=0)
    values.update(extra)
    return type(settings)(**{**settings.model_dump(), **values})


@dataclass
class Live:
    """An app over the fakes, with helpers to post webhooks and run the dispatcher."""

    services: Services
    client: TestClient
    telegram: FakeTelegram
    twilio: FakeTwilio

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

    def dispatch(self) -> int:
        """Runs the dispatcher until nothing is due, in the app's own event loop (where
        the provider clients' connections live)."""
        async def run() -> int:
            total, dispatcher = 0, self.services.dispatcher()
            while handled := await dispatcher.run_once():
                total += handled
            return total
        return self.client.portal.call(run)

    def inbound(self) -> list[InboundMessage]:
        with Session(self.services.db) as session:
            return list(session.exec(select(InboundMessage).order_by(InboundMessage.id)))

    def outbound(self) -> list[OutboundMessage]:
        with Session(self.services.db) as session:
            return list(session.exec(select(OutboundMessage).order_by(OutboundMessage.id)))

    def identity(self, channel: str, address: str) -> Identity | None:
        with Session(self.services.db) as session:
            return session.exec(select(Identity).where(Identity.channel == channel,
                                                       Identity.address == address)).first()


def settled(db) -> bool:
    """Every inbound message processed and every reply sent (none queued or sending)."""
    with Session(db) as session:
        waiting = session.exec(select(OutboundMessage.id).where(
            OutboundMessage.status.in_(("queued", "sending")))).first()
        unread = session.exec(select(InboundMessage.id).where(
            InboundMessage.status == "received")).first()
    return waiting is None and unread is None


def make_live(settings, db, telegram: FakeTelegram, twilio: FakeTwilio, **extra) -> Live:
    """Builds the app (lifespan entered: Telegram's getMe done) over the fakes."""
    services = build(live_settings(settings, telegram, twilio, **extra), db=db)
    client = TestClient(create_app(services.settings, services), base_url="http://10.1.2.3:8000")
    client.__enter__()
    return Live(services, client, telegram, twilio)
