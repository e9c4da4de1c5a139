"""A fake Twilio REST API (Programmable Messaging) for tests and benchmarks.

Serves POST /2010-04-01/Accounts/{AccountSid}/Messages.json (create) and
GET .../Messages/{Sid}.json (fetch) with HTTP Basic auth, answering like Twilio so the
real `twilio` client works against it once `client.api.base_url` points here. Wrong
credentials answer 401 and land in `unexpected`. `sign` computes X-Twilio-Signature
for inbound-webhook tests.
"""

from __future__ import annotations

import base64
import math
import re
import uuid
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from starlette.datastructures import ImmutableMultiDict
from twilio.request_validator import RequestValidator

from tests.support.fake_server import Call, FakeServer, Handler, Reject, Response

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "fedcba9876543210" * 2
API_VERSION = "2010-04-01"

GSM7 = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXT = "^{}\\[~]|€\f"
E164 = re.compile(r"^(whatsapp:)?\+[1-9]\d{6,14}$")


def sign(url: str, params: dict[str, Any], auth_token: str = AUTH_TOKEN) -> str:
    """X-Twilio-Signature for a webhook POST of `params` to `url`, as Twilio sends it; a
    list is a field sent once per value, and Twilio signs every value."""
    pairs = [(name, value) for name, values in params.items()
             for value in (values if isinstance(values, list) else [values])]
    return RequestValidator(auth_token).compute_signature(url, ImmutableMultiDict(pairs))


def num_segments(body: str) -> int:
    """Approximate Twilio segment count: GSM-7 160/153, otherwise UCS-2 70/67."""
    if all(ch in GSM7 or ch in GSM7_EXT for ch in body):
        units, single, multi = len(body) + sum(ch in GSM7_EXT for ch in body), 160, 153
    else:
        units, single, multi = len(body.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else math.ceil(units / multi)


def twilio_error(status: int, code: int, message: str) -> Response:
    return status, {"code": code, "message": message, "status": status,
                    "more_info": f"https://www.twilio.com/docs/errors/{code}"}


class FakeTwilio(FakeServer):
    """Twilio Messages API emulation for one account."""

    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN) -> None:
        super().__init__()
        self.account_sid = account_sid
        self.auth_token = auth_token
        self._auth = "Basic " + base64.b64encode(
            f"{account_sid}:{auth_token}".encode()).decode()
        self._root = f"/{API_VERSION}/Accounts/"
        self._messages: dict[str, dict[str, Any]] = {}
        # Pricing API: ISO country -> the carriers' prices per segment (set by a test).
        self.prices: dict[str, list[float]] = {}

    def settings(self) -> dict:
        """The settings that point the app at this fake (send rate off)."""
        return dict(twilio_account_sid=self.account_sid, twilio_auth_token=self.auth_token,
                    twilio_from="+15005550006", twilio_api_base=self.base_url, twilio_rate=0)

    # -- routing -----------------------------------------------------------------
    def resolve(self, call: Call) -> tuple[str, Handler] | None:
        if call.method == "GET" and re.fullmatch(r"/v1/Messaging/Countries/[A-Z]{2}",
                                                 call.path):
            if call.headers.get("Authorization") != self._auth:
                raise Reject(*twilio_error(401, 20003, "Authenticate"), "bad credentials")
            return "fetchMessagingCountry", self._pricing
        if not call.path.startswith(self._root):
            return None
        if call.headers.get("Authorization") != self._auth or not call.path.startswith(
                f"{self._root}{self.account_sid}/"):
            raise Reject(*twilio_error(401, 20003, "Authenticate"), "bad Twilio credentials")
        rest = call.path[len(self._root) + len(self.account_sid):]
        if call.method == "POST" and rest == "/Messages.json":
            return "createMessage", self._create
        if call.method == "GET" and re.fullmatch(r"/Messages/SM[0-9a-f]{32}\.json", rest):
            return "fetchMessage", self._fetch
        return None

    def on_reset(self) -> None:
        self._messages.clear()

    # -- helpers for tests -------------------------------------------------------
    def sent(self) -> list[dict[str, str]]:
        """Forms of accepted Messages.json creates, in arrival order."""
        return [dict(call.form) for call in self.calls_to("createMessage") if call.ok]

    def message(self, sid: str) -> dict[str, Any]:
        """The resource returned for a created message."""
        return self._messages[sid]

    def rate_limit_next(self) -> None:
        self.fail_next("createMessage", twilio_error(429, 20429, "Too Many Requests"))

    def unsubscribed_next(self) -> None:
        self.fail_next("createMessage", twilio_error(
            400, 21610, "Attempt to send to unsubscribed recipient"))

    def invalid_number_next(self) -> None:
        self.fail_next("createMessage", twilio_error(
            400, 21211, "Invalid 'To' Phone Number"))

    def server_error_next(self, status: int = 500) -> None:
        message = "Service Unavailable" if status == 503 else "Internal Server Error"
        self.fail_next("createMessage", twilio_error(status, 20500, message))

    # -- resources ---------------------------------------------------------------
    def _create(self, call: Call) -> Response:
        form = call.form
        to, sender = form.get("To", ""), form.get("From")
        service = form.get("MessagingServiceSid")
        body = form.get("Body", "")
        if not to:
            return twilio_error(400, 21604, "A 'To' phone number is required.")
        if not E164.match(to):
            return twilio_error(400, 21211, f"Invalid 'To' Phone Number: {to}")
        if not sender and not service:
            return twilio_error(400, 21603, "A 'From' phone number is required.")
        if not body and "MediaUrl" not in form:
            return twilio_error(400, 21602, "Message body is required.")
        if len(body) > 1600:
            return twilio_error(400, 21617, "The concatenated message body exceeds the "
                                            "1600 character limit.")
        sid = "SM" + uuid.uuid4().hex
        now = format_datetime(datetime.now(UTC))
        uri = f"{self._root}{self.account_sid}/Messages/{sid}.json"
        resource = {
            "account_sid": self.account_sid, "api_version": API_VERSION, "body": body,
            "date_created": now, "date_sent": None, "date_updated": now,
            "direction": "outbound-api", "error_code": None, "error_message": None,
            "from": sender, "messaging_service_sid": service,
            "num_media": "1" if "MediaUrl" in form else "0",
            "num_segments": str(num_segments(body)), "price": None, "price_unit": "USD",
            "sid": sid, "status": "queued" if sender else "accepted",
            "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
            "to": to, "uri": uri,
        }
        self._messages[sid] = resource
        return 201, resource

    def _pricing(self, call: Call) -> Response:
        iso = call.path.rsplit("/", 1)[1]
        if iso not in self.prices:
            return twilio_error(404, 20404, f"The requested resource {call.path} was "
                                            "not found")
        carriers = [{"carrier": f"Carrier {n}", "mcc": "456", "mnc": f"0{n}",
                     "prices": [{"number_type": "local", "base_price": str(price),
                                 "current_price": str(price)}]}
                    for n, price in enumerate(self.prices[iso], 1)]
        return 200, {"country": iso, "iso_country": iso, "outbound_sms_prices": carriers,
                     "inbound_sms_prices": [], "price_unit": "USD",
                     "url": f"{self.base_url}{call.path}"}

    def _fetch(self, call: Call) -> Response:
        sid = call.path.rsplit("/", 1)[1].removesuffix(".json")
        if sid not in self._messages:
            return twilio_error(404, 20404, f"The requested resource {call.path} was "
                                            "not found")
        return 200, self._messages[sid]
