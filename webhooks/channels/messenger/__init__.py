"""Facebook Messenger: one Page's conversations, through Meta's webhooks and Send API.

The channel module: its settings (MESSENGER_*), what a Messenger chat can show (quick
replies as buttons, 2,000 characters, the 24-hour window), its send rates, the webhook
adapter (adapter.py, events.py) and the sender (sender.py). The README's "Connect
Messenger" says how to connect a Page.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, SecretStr

from content.channels import Capabilities
from services.delivery.ratelimit import Limit
from webhooks.channels.base import Built, Channel, rate, secret
from webhooks.channels.messenger.adapter import MessengerAdapter
from webhooks.channels.messenger.sender import MessengerSender

MESSENGER = Capabilities("messenger", buttons=True, max_text=2000, max_buttons=13,
                         button_title=20, window=timedelta(hours=24), title="Messenger")
PATH = "/webhooks/messenger"


class MessengerSettings(BaseModel):
    """MESSENGER_* in the environment."""

    messenger_page_access_token: SecretStr | None = None
    messenger_app_secret: SecretStr | None = None  # signs the webhooks
    messenger_verify_token: SecretStr | None = None  # Meta's subscription check
    messenger_api_base: str = "https://graph.facebook.com"
    messenger_api_version: str = "v21.0"  # "" sends to {base}/me/messages
    # Messages a second. Meta allows a Page 300 text messages a second, shared with
    # every app that uses the Page's token (its inbox, a CRM); 50 leaves them room, and
    # is more than a community's broadcast needs. A single conversation that gets many
    # messages at once is throttled by Meta: one a second, as for a Telegram chat.
    messenger_rate: float = 50.0
    messenger_chat_rate: float = 1.0


def configured(settings) -> bool:
    """A token to send with and a secret to check webhooks with."""
    return bool(secret(settings.messenger_page_access_token)
                and secret(settings.messenger_app_secret))


def limit(settings) -> Limit:
    return Limit(rate(settings.messenger_rate), rate(settings.messenger_chat_rate))


def build(settings) -> Built:
    """The webhook always (unconfigured, it answers 403); the sender with a token."""
    adapter = MessengerAdapter(secret(settings.messenger_app_secret),
                               secret(settings.messenger_verify_token))
    token = secret(settings.messenger_page_access_token)
    sender = MessengerSender(token=token, api_base=settings.messenger_api_base,
                             version=settings.messenger_api_version) if token else None
    return Built(adapters={PATH: adapter}, sender=sender)


CHANNEL = Channel(provider="messenger", kinds=(MESSENGER,), settings=MessengerSettings,
                  configured=configured, limit=limit, build=build, webhooks=(PATH,))
