"""Twilio SMS (and WhatsApp through Twilio): signed form webhooks in, REST sends out.

The signature is checked with twilio's RequestValidator over PUBLIC_BASE_URL + path
(+ query) and every posted field: behind a reverse proxy the URL this server sees is
not the one Twilio signed. Replies go through the outbox, so the TwiML answer is empty.
Sends use twilio's async HTTP client; the default one would block the event loop.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta

import aiohttp
from fastapi import Response
from pydantic import BaseModel, SecretStr
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse

from bot.inbox import InboundItem, Received
from content.channels import Capabilities
from content.models import OutboundMessage
from services.delivery.ratelimit import Limit
from services.delivery.senders import Rejected, RetryLater, SendResult, Skipped
from services.delivery.status import StatusReport
from services.phones import to_e164
from webhooks.channels.base import Built, Channel, Incoming, Malformed, fitting, rate, secret

WHATSAPP = "whatsapp:"
# Twilio error codes that mean "never again" for this recipient.
FINAL = {"21211": "invalid number", "21214": "not reachable", "21610": "opted out",
         "21612": "cannot route", "21614": "not a mobile number", "21408": "no permission"}
OUTSIDE_WINDOW = "63016"  # free text to WhatsApp over 24 hours after the member wrote
OPT_OUT = frozenset({"21610"})
# Twilio's message ids: SM (SMS, WhatsApp) or MM (MMS) and 32 hexadecimal digits.
MESSAGE_SID = re.compile(r"(SM|MM)[0-9a-fA-F]{32}")
STATUS = re.compile(r"[a-z_]{1,24}")  # queued, sent, delivered, partially_delivered, ...
ERROR_CODE = re.compile(r"[0-9]{0,8}")  # 30003; none when all is well
EMPTY_TWIML = str(MessagingResponse())


def _identity(raw: str) -> tuple[str, str]:
    """('sms' | 'whatsapp', E.164 address) from a Twilio From/To value."""
    channel = "whatsapp" if raw.startswith(WHATSAPP) else "sms"
    number = raw.removeprefix(WHATSAPP)
    return channel, to_e164(number) or number


class TwilioAdapter:
    """Inbound SMS/MMS/WhatsApp (`/webhooks/twilio/sms`) or status callbacks (`/status`)."""

    def __init__(self, auth_token: str | None, *, status: bool = False):
        self.validator = RequestValidator(auth_token) if auth_token else None
        self.status = status
        self.name = "twilio status" if status else "twilio"

    def verify(self, request: Incoming) -> bool:
        """X-Twilio-Signature over the public URL and every posted field."""
        signature = request.headers.get("x-twilio-signature")
        if self.validator is None or not signature:
            return False
        return self.validator.validate(request.url, request.form, signature)

    def parse(self, request: Incoming) -> list[InboundItem]:
        """One message (with any MMS media) or one status report. What no Twilio request
        can carry is Malformed (400): a MessageSid not shaped like Twilio's, a status or
        error code that is no word or number, a field we read sent with two values, an
        address longer than its column."""
        form = _fields(request.form)
        sid = _one(form, "MessageSid") or _one(form, "SmsSid")
        if not sid:
            raise Malformed("no MessageSid")
        if not MESSAGE_SID.fullmatch(sid):
            raise Malformed("a MessageSid is SM or MM and 32 hexadecimal digits")
        if self.status:
            return fitting([self._status(form, sid)])
        sender = _one(form, "From")
        if not sender:
            raise Malformed("no From")
        channel, address = _identity(sender)
        count = min(int(_one(form, "NumMedia")), 10) if _digits(form, "NumMedia") else 0
        media = [{"url": _one(form, f"MediaUrl{i}"), "type": _one(form, f"MediaContentType{i}")}
                 for i in range(count)]
        kind = "media" if media else "text"
        return fitting([InboundItem(provider="twilio", channel=channel, address=address,
                                    provider_key=sid, text=_one(form, "Body"), kind=kind,
                                    payload={"form": form, "media": media})])

    def _status(self, form: dict, sid: str) -> InboundItem:
        status = _one(form, "MessageStatus") or _one(form, "SmsStatus")
        error_code = _one(form, "ErrorCode")
        if not STATUS.fullmatch(status) or not ERROR_CODE.fullmatch(error_code):
            raise Malformed("a status is a word, an error code a number")
        report = StatusReport(provider="twilio", provider_id=sid, status=status,
                              error_code=error_code or None,
                              segments=int(_one(form, "NumSegments"))
                              if _digits(form, "NumSegments") else None)
        channel, address = _identity(_one(form, "To"))
        return InboundItem(provider="twilio", channel=channel, address=address,
                           provider_key=f"status:{sid}:{status}:{error_code}",
                           kind="status", payload={"form": form, "report": vars(report)})

    def acknowledge(self, items: list[InboundItem], results: list[Received]) -> Response:
        """Empty TwiML for messages (replies go through the outbox), empty for status."""
        if self.status:
            return Response(status_code=204)
        return Response(EMPTY_TWIML, media_type="application/xml")


def _fields(form: Mapping[str, str]) -> dict[str, str | list[str]]:
    """The form as it is kept: each field's value, or all of them for a field Twilio sent
    more than once (it signs every value; the signature was checked over all of them)."""
    getlist = getattr(form, "getlist", lambda name: [form[name]])
    kept: dict[str, str | list[str]] = {}
    for name in form:
        values = getlist(name)
        kept[name] = values[0] if len(set(values)) == 1 else values
    return kept


def _one(form: dict, name: str) -> str:
    """A field we read ("" when absent); Malformed when it came with different values,
    since which one Twilio meant cannot be known."""
    value = form.get(name, "")
    if isinstance(value, list):
        raise Malformed(f"{name} sent with {len(value)} different values")
    return value


def _digits(form: dict, key: str) -> bool:
    """Whether the field is a small count in ASCII digits ("²" and "٣" pass isdigit)."""
    value = _one(form, key)
    return value.isascii() and value.isdigit() and len(value) <= 4


class TwilioSender:
    """Sends outbox rows with twilio's REST client over its async HTTP client."""

    provider = "twilio"

    def __init__(self, *, account_sid: str, auth_token: str, sender: str | None,
                 messaging_service_sid: str | None, status_callback: str | None,
                 api_base: str | None = None):
        self.credentials, self.api_base = (account_sid, auth_token), api_base
        self.sender, self.service = sender, messaging_service_sid
        self.status_callback = status_callback
        self.http: AsyncTwilioHttpClient | None = None
        self.client: Client | None = None

    def _connect(self) -> Client:
        """The REST client, made inside the running event loop (aiohttp needs one)."""
        if self.client is None:
            self.http = AsyncTwilioHttpClient()
            self.client = Client(*self.credentials, http_client=self.http)
            if self.api_base:
                self.client.api.base_url = self.api_base.rstrip("/")
        return self.client

    async def send(self, message: OutboundMessage) -> SendResult:
        """Messages.create; 429 and 5xx are retried, final error codes are not."""
        prefix = WHATSAPP if message.channel == "whatsapp" else ""
        kwargs = {"to": prefix + message.address, "body": message.text}
        if self.service:
            kwargs["messaging_service_sid"] = self.service
        else:
            kwargs["from_"] = prefix + (self.sender or "")
        if self.status_callback:
            kwargs["status_callback"] = self.status_callback
        try:
            sent = await self._connect().messages.create_async(**kwargs)
        except TwilioRestException as exc:
            raise _classify(exc) from exc
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise RetryLater(None, "network", str(exc)) from exc
        segments = int(sent.num_segments) if str(sent.num_segments or "").isdigit() else None
        return SendResult(provider_id=sent.sid, status="accepted", segments=segments)

    async def start(self) -> None:
        """Nothing to open: the client is made inside the event loop of the first send."""

    async def close(self) -> None:
        """Closes the aiohttp session."""
        if self.http is not None:
            await self.http.close()
            self.http = self.client = None


def _classify(exc: TwilioRestException) -> Exception:
    code = str(exc.code or "")
    if code == OUTSIDE_WINDOW:
        return Skipped("outside-window", "outside the WhatsApp session window")
    if exc.status == 429 or exc.status >= 500:
        return RetryLater(None, str(exc.status), exc.msg)
    if code in FINAL or exc.status in (400, 404):
        return Rejected(code or str(exc.status), FINAL.get(code, exc.msg), opt_out=code in OPT_OUT)
    return RetryLater(None, code or str(exc.status), exc.msg)


# Twilio answers STOP, UNSUBSCRIBE, ... itself and then refuses to send (error 21610),
# so our own confirmation would only fail.
SMS = Capabilities("sms", buttons=False, max_text=1600, segmented=True, phone_addressed=True,
                   provider_confirms_opt_out=True, title="SMS (basic phone)")
# WhatsApp takes free text only within 24 hours of the member's last message (63016).
WHATSAPP_KIND = Capabilities("whatsapp", buttons=False, max_text=1600, phone_addressed=True,
                             window=timedelta(hours=24), title="WhatsApp")
INBOUND, STATUS_CALLBACK = "/webhooks/twilio/sms", "/webhooks/twilio/status"


class TwilioSettings(BaseModel):
    """TWILIO_* in the environment (DESIGN.md §5)."""

    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from: str | None = None
    twilio_messaging_service_sid: str | None = None
    twilio_api_base: str | None = None
    twilio_rate: float = 1.0  # per sender: a long code sends about 1/s; raise it for
    # short codes, toll-free numbers and messaging services


def _build(settings) -> Built:
    token = secret(settings.twilio_auth_token)
    adapters = {INBOUND: TwilioAdapter(token), STATUS_CALLBACK: TwilioAdapter(token, status=True)}
    if not (settings.twilio_account_sid and token):
        return Built(adapters)
    return Built(adapters, TwilioSender(
        account_sid=settings.twilio_account_sid, auth_token=token, sender=settings.twilio_from,
        messaging_service_sid=settings.twilio_messaging_service_sid,
        status_callback=settings.public_base_url.rstrip("/") + STATUS_CALLBACK,
        api_base=settings.twilio_api_base))


CHANNEL = Channel(
    provider="twilio", kinds=(SMS, WHATSAPP_KIND), settings=TwilioSettings,
    configured=lambda settings: bool(settings.twilio_account_sid or settings.twilio_auth_token),
    limit=lambda settings: Limit(rate(settings.twilio_rate), None),
    build=_build, webhooks=(INBOUND, STATUS_CALLBACK))
