"""The channels this service speaks: one line each for its webhook and its sender.

`settings` is the composition root's Settings; adapters only read plain values from it.
"""

from __future__ import annotations

from typing import Any

from services.delivery.senders import Sender, SimulatorSender
from webhooks.channels.base import Adapter
from webhooks.channels.telegram import TelegramAdapter, TelegramSender, make_bot
from webhooks.channels.twilio_sms import TwilioAdapter, TwilioSender


def _secret(value) -> str | None:
    return value.get_secret_value() if value is not None else None


def adapters(settings: Any) -> dict[str, Adapter]:
    """Webhook path -> adapter. An unconfigured channel answers 403 to everything."""
    token = _secret(settings.telegram_bot_token) or "0:unconfigured"
    twilio_token = _secret(settings.twilio_auth_token)
    return {
        "/webhooks/telegram": TelegramAdapter(token, _secret(settings.telegram_webhook_secret)),
        "/webhooks/twilio/sms": TwilioAdapter(twilio_token),
        "/webhooks/twilio/status": TwilioAdapter(twilio_token, status=True),
    }


def senders(settings: Any) -> dict[str, Sender]:
    """Provider -> sender, for the providers that have credentials."""
    found: dict[str, Sender] = {"simulator": SimulatorSender()}
    token = _secret(settings.telegram_bot_token)
    if token:
        found["telegram"] = TelegramSender(make_bot(token, settings.telegram_api_base))
    twilio_token = _secret(settings.twilio_auth_token)
    if settings.twilio_account_sid and twilio_token:
        found["twilio"] = TwilioSender(
            account_sid=settings.twilio_account_sid, auth_token=twilio_token,
            sender=settings.twilio_from,
            messaging_service_sid=settings.twilio_messaging_service_sid,
            status_callback=settings.public_base_url.rstrip("/") + "/webhooks/twilio/status",
            api_base=settings.twilio_api_base)
    return found
