"""Telegram through python-telegram-bot, used only as the transport.

Updates are parsed with PTB's `Update.de_json` (one it refuses is read from its JSON by
telegram_raw, and answered all the same); the dialog stays in our engine.
Callback queries are answered in the webhook's own HTTP response (the Bot API allows
one method call there), so a button stops spinning without an extra request.
"""

from __future__ import annotations

import hmac
import logging
import warnings

from fastapi import Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, SecretStr
from telegram import Bot, Message, Update
from telegram.request import HTTPXRequest
from telegram.warnings import PTBUserWarning

from bot.inbox import InboundItem, Received
from content.channels import Capabilities
from services.delivery.ratelimit import Limit
from webhooks.channels import telegram_raw
from webhooks.channels.base import (
    Built,
    Channel,
    Incoming,
    Malformed,
    fitting,
    rate,
    read_json,
    secret,
)
from webhooks.channels.telegram_http import AiohttpRequest
from webhooks.channels.telegram_raw import MEDIA
from webhooks.channels.telegram_send import TelegramSender

log = logging.getLogger(__name__)
SECRET_HEADER = "x-telegram-bot-api-secret-token"
UPDATE_KINDS = ["message", "edited_message", "callback_query", "my_chat_member"]


def make_bot(token: str, api_base: str) -> Bot:
    """A PTB Bot whose requests go to `{api_base}/bot{token}/{method}`; sends use the
    aiohttp transport (see telegram_http), long polling PTB's own."""
    return Bot(token, base_url=f"{api_base.rstrip('/')}/bot", request=AiohttpRequest(),
               get_updates_request=HTTPXRequest(read_timeout=40))


async def raw_updates(bot: Bot, offset: int | None, timeout: int) -> list:
    """getUpdates (long polling) as JSON: each update then goes through the adapter's
    `read` as a webhook's does. PTB's own get_updates raises for a whole batch when one
    update is beyond it, and logs the batch, texts and numbers included."""
    warnings.filterwarnings("ignore", message=r"Please use 'Bot\.getUpdates'",
                            category=PTBUserWarning)  # on purpose, as said above
    return await bot.do_api_request("getUpdates", api_kwargs={
        "offset": offset, "timeout": timeout, "allowed_updates": UPDATE_KINDS},
        read_timeout=timeout + 10)


class TelegramAdapter:
    """`POST /webhooks/telegram`: secret header, Update JSON, stored per bot and update."""

    name = "telegram"

    def __init__(self, token: str, secret: str | None, username: str | None = None):
        self.bot_id = token.split(":", 1)[0]
        self.secret = secret
        self.username = username  # learnt from getMe at start-up

    def verify(self, request: Incoming) -> bool:
        """The secret header must match, compared in constant time."""
        given = request.headers.get(SECRET_HEADER, "")
        return bool(self.secret) and hmac.compare_digest(given.encode(), self.secret.encode())

    def parse(self, request: Incoming) -> list[InboundItem]:
        """The update in the request body (see read)."""
        return self.read(read_json(request.body, "an update"))

    def read(self, data) -> list[InboundItem]:
        """One item per update, for the webhook and long polling alike; unknown kinds are
        stored without processing, and an update PTB cannot read is read from its JSON
        (see unread). What cannot be a Bot API update is Malformed (400): not JSON, nested
        beyond what we read, a lone surrogate (no database stores it), an update_id that
        is no integer, a message without its chat, a value longer than its column."""
        if not isinstance(data, dict) or type(data.get("update_id")) is not int:
            raise Malformed("not an Update object (no integer update_id)")
        try:
            update = Update.de_json(data, None)
        except Exception as exc:  # a field PTB requires is missing or of another type
            return fitting([self.unread(data, exc)])
        query = update.callback_query
        for message in (update.message, update.edited_message, query and query.message):
            if message is not None and message.chat is None:
                raise Malformed("a message without its chat")
        return fitting([self.item(update, data)])

    def unread(self, data: dict, exc: Exception) -> InboundItem:
        """An update PTB refused, answered from what telegram_raw reads of its JSON; why
        PTB refused it is kept in the payload (`refused_by_ptb`)."""
        log.warning("python-telegram-bot could not read an update (%s); reading its JSON",
                    type(exc).__name__)
        read = telegram_raw.essentials(data)
        payload = {**data, "refused_by_ptb": f"{type(exc).__name__}: {exc}"[:500]}
        if read.username:
            payload["handle"] = read.username
        if read.tapped:
            payload["tapped"] = read.tapped
        process = read.chat is not None and (
            read.kind == "callback"
            or (read.kind not in ("edited", "other")
                and (read.private or self._addressed(read.text))))
        return InboundItem(provider="telegram", channel="telegram",
                           address=str(read.chat) if read.chat is not None else "",
                           provider_key=f"{self.bot_id}:{data['update_id']}", text=read.text,
                           kind=read.kind, payload=payload, process=process)

    def item(self, update: Update, data: dict) -> InboundItem:
        """The inbound item for one update PTB read. Besides the Update itself, the
        payload carries what the bot reads of it under neutral keys: `handle` (the
        sender's public @username), `file_id` and `caption` (a photo's largest size),
        `phone` and `own` (a shared contact), `tapped` (the id of the message whose button
        was pressed, which a reply may edit)."""
        key = f"{self.bot_id}:{update.update_id}"
        handle = telegram_raw.username(update.effective_user)
        if handle:
            data["handle"] = handle

        def make(address, text="", kind="text", process=True) -> InboundItem:
            return InboundItem(provider="telegram", channel="telegram", address=str(address),
                               provider_key=key, text=text, kind=kind, payload=data,
                               process=process)

        if update.callback_query:
            query = update.callback_query
            chat = query.message.chat.id if query.message else query.from_user.id
            pressed = query.data if isinstance(query.data, str) else ""  # Bot API: a string
            item = make(chat, pressed, "callback" if pressed else "other",
                        process=bool(pressed))
            tapped = telegram_raw.message_id(query.message.message_id) if query.message \
                else None
            if tapped:
                item.payload["tapped"] = tapped
            return item
        if update.my_chat_member:
            status = update.my_chat_member.new_chat_member.status
            kind = "blocked" if status in ("kicked", "left") else "unblocked"
            private = update.my_chat_member.chat.type == "private"
            return make(update.my_chat_member.chat.id, "", kind, process=private)
        if update.edited_message:  # the original was answered; an edit is only kept
            edited = update.edited_message.text
            return make(update.edited_message.chat.id, edited if isinstance(edited, str) else "",
                        "edited", process=False)
        if update.message:
            return self._message(update.message, make)
        return make(update.effective_chat.id if update.effective_chat else "", "", "other",
                    process=False)

    def _message(self, message: Message, make) -> InboundItem:
        text = message.text or message.caption or ""
        if not isinstance(text, str):  # never a real update: kept whole, not answered
            return make(message.chat.id, "", "other", process=False)
        kind = next((name for name in MEDIA if getattr(message, name)), "text")
        if message.chat.type != "private":
            return make(message.chat.id, text, kind, process=self._addressed(text))
        if kind == "contact":
            contact = message.contact
            own = bool(message.from_user and contact.user_id == message.from_user.id)
            item = make(message.chat.id, text, kind)
            item.payload.update(phone=contact.phone_number, own=own)
            return item
        if kind == "photo" and message.photo:
            item = make(message.chat.id, text, kind)
            item.payload.update(file_id=message.photo[-1].file_id,
                                caption=(message.caption or "")[:1000])
            return item
        return make(message.chat.id, text, kind)

    def _addressed(self, text: str) -> bool:
        """In a group, only a command for this bot (`/help` or `/help@our_bot`)."""
        if not text.startswith("/"):
            return False
        command = text.split()[0]
        return "@" not in command or (
            self.username is not None
            and command.split("@", 1)[1].lower() == self.username.lower())

    def acknowledge(self, items: list[InboundItem], results: list[Received]) -> Response:
        """200; a callback query is answered in the response body."""
        for item in items:
            if item.kind == "callback":
                query = item.payload.get("callback_query", {})
                return JSONResponse({"method": "answerCallbackQuery",
                                     "callback_query_id": query.get("id")})
        return JSONResponse({})


TELEGRAM = Capabilities("telegram", buttons=True, max_text=4096, markup="HTML", edits=True,
                        photos=True, title="Telegram")
WEBHOOK = "/webhooks/telegram"


class TelegramSettings(BaseModel):
    """TELEGRAM_* in the environment (DESIGN.md §5)."""

    telegram_bot_token: SecretStr | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    telegram_rate: float = 30.0  # messages a second overall, Bot API guidance
    telegram_chat_rate: float = 1.0  # per chat


def _build(settings) -> Built:
    token = secret(settings.telegram_bot_token)
    adapter = TelegramAdapter(token or "0:unconfigured", secret(settings.telegram_webhook_secret))
    sender = TelegramSender(make_bot(token, settings.telegram_api_base), adapter) \
        if token else None
    return Built({WEBHOOK: adapter}, sender)


CHANNEL = Channel(
    provider="telegram", kinds=(TELEGRAM,), settings=TelegramSettings,
    configured=lambda settings: bool(settings.telegram_bot_token),
    limit=lambda settings: Limit(rate(settings.telegram_rate), rate(settings.telegram_chat_rate)),
    build=_build, webhooks=(WEBHOOK,))
