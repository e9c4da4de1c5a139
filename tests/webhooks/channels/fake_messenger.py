"""A fake Graph API Send API (Messenger Platform) for tests, and Meta's webhook bodies.

Serves POST `/{version}/me/messages` and `/me/messages` the way graph.facebook.com does,
with the page access token as the `access_token` query parameter or as a Bearer header.
It checks a send as Meta does (recipient.id, messaging_type RESPONSE | UPDATE |
MESSAGE_TAG with a tag, text of at most 2,000 characters, at most 13 quick replies with
titles of at most 20 characters and payloads of at most 1,000) and answers
`{recipient_id, message_id}`, or a Graph error `{"error": {message, type, code,
error_subcode, fbtrace_id}}`; the next answers can be scripted with `fail_next` or the
helpers below. A wrong token answers 190 and lands in `unexpected`.

`settings()` gives the settings that point the app at this fake, `sign(body)` the
X-Hub-Signature-256 Meta sends with a webhook, and the functions at the end build the
webhook bodies (an `object: page` with entries of messaging items).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import secrets
import time
from typing import Any

from tests.support.fake_server import Call, FakeServer, Handler, Reject, Response

PAGE_ID = "105550001112223"
PSID = "7412589630125874"
TOKEN = "EAAGm0PX4ZCpsBAFakePageAccessToken"
APP_SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
VERIFY_TOKEN = "verify-me-please"
MESSAGING_TYPES = ("RESPONSE", "UPDATE", "MESSAGE_TAG")
PATH = re.compile(r"/(v\d+\.\d+/)?me/messages")
_stamps = itertools.count(1_700_000_000_000)


def graph_error(code: int, message: str, subcode: int | None = None,
                kind: str = "OAuthException", status: int = 400) -> Response:
    """A Graph API error answer as Meta writes it."""
    error: dict[str, Any] = {"message": message, "type": kind, "code": code,
                             "fbtrace_id": "A" + secrets.token_hex(5)}
    if subcode is not None:
        error["error_subcode"] = subcode
    return status, {"error": error}


def _invalid(message: str, subcode: int | None = None) -> Response:
    return graph_error(100, f"(#100) {message}", subcode)


def mid() -> str:
    """A message id shaped like Meta's today: `m_` and 86 url-safe characters, longer
    than the 64 an older outbox column held."""
    return "m_" + secrets.token_urlsafe(65)[:86]


class FakeMessenger(FakeServer):
    """The Send API of one Page."""

    def __init__(self, token: str = TOKEN, app_secret: str = APP_SECRET,
                 verify_token: str = VERIFY_TOKEN, page_id: str = PAGE_ID) -> None:
        super().__init__()
        self.token, self.app_secret = token, app_secret
        self.verify_token, self.page_id = verify_token, page_id
        self.stamps: dict[str, int] = {}  # message id -> when Meta took it (ms)

    # -- routing -----------------------------------------------------------------
    def resolve(self, call: Call) -> tuple[str, Handler] | None:
        if call.method != "POST" or not PATH.fullmatch(call.path):
            return None
        bearer = call.headers.get("Authorization", "").removeprefix("Bearer ")
        if self.token not in (call.form.get("access_token"), bearer):
            raise Reject(*graph_error(190, "Invalid OAuth access token."),
                         "wrong page access token")
        return "send", self._send

    def on_reset(self) -> None:
        self.stamps.clear()

    # -- helpers for tests -------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        """The settings that point the app at this fake (send rates off)."""
        return dict(messenger_page_access_token=self.token,
                    messenger_app_secret=self.app_secret,
                    messenger_verify_token=self.verify_token,
                    messenger_api_base=self.base_url, messenger_rate=0,
                    messenger_chat_rate=0)

    def sign(self, body: bytes, secret: str | None = None) -> str:
        """X-Hub-Signature-256 for a webhook body, as Meta computes it."""
        key = (secret or self.app_secret).encode()
        return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()

    def sent(self) -> list[dict[str, Any]]:
        """The bodies of accepted sends, decoded, in arrival order."""
        return [_body(call) for call in self.calls_to("send") if call.ok]

    def texts(self) -> list[str]:
        return [body["message"]["text"] for body in self.sent()]

    def last_stamp(self) -> int:
        """When Meta took the latest accepted message (ms): a read watermark."""
        return max(self.stamps.values())

    def unavailable_next(self) -> None:
        """The person blocked the Page or left Messenger."""
        self.fail_next("send", graph_error(551, "(#551) This person isn't available right "
                                                "now.", 1545041))

    def outside_window_next(self) -> None:
        self.fail_next("send", graph_error(10, "(#10) This message is sent outside of "
                                               "allowed window.", 2018278))

    def rate_limit_next(self, code: int = 613) -> None:
        self.fail_next("send", graph_error(code, f"(#{code}) Calls to this API have "
                                                 "exceeded the rate limit."))

    def server_error_next(self, status: int = 500) -> None:
        self.fail_next("send", graph_error(2, "An unexpected error has occurred. Please "
                                              "retry your request later.",
                                           kind="OAuthException", status=status))

    # -- the Send API ------------------------------------------------------------
    def _send(self, call: Call) -> Response:
        try:
            body = _body(call)
        except ValueError:
            return _invalid("Invalid JSON")
        problem = _problem(body)
        if problem is not None:
            return problem
        message_id = mid()
        self.stamps[message_id] = int(time.time() * 1000)
        return 200, {"recipient_id": body["recipient"]["id"], "message_id": message_id}


def _body(call: Call) -> dict[str, Any]:
    """The JSON body as sent (FakeServer keeps nested values as JSON text)."""
    decoded: dict[str, Any] = {}
    for key, value in call.form.items():
        if key == "access_token":
            continue
        try:
            decoded[key] = json.loads(value) if value[:1] in "{[" else value
        except ValueError:
            decoded[key] = value
    return decoded


def _problem(body: dict[str, Any]) -> Response | None:
    """Meta's answer to a send it refuses, None for one it takes."""
    recipient = body.get("recipient")
    if not isinstance(recipient, dict) or not recipient.get("id"):
        return _invalid("param recipient must be non-empty.")
    if not str(recipient["id"]).isdigit():
        return _invalid("No matching user found", 2018001)
    kind = body.get("messaging_type")
    if kind not in MESSAGING_TYPES:
        return _invalid("param messaging_type must be one of {RESPONSE, UPDATE, "
                        "MESSAGE_TAG}")
    if kind == "MESSAGE_TAG" and not body.get("tag"):
        return _invalid("param tag is required when messaging_type is MESSAGE_TAG")
    message = body.get("message")
    if not isinstance(message, dict) or not (message.get("text") or
                                             message.get("attachment")):
        return _invalid("param message must be non-empty.", 2018034)
    text = message.get("text", "")
    if not isinstance(text, str) or len(text) > 2000:
        return _invalid("Length of param message[text] must be less than or equal to 2000")
    return _quick_problem(message.get("quick_replies"))


def _quick_problem(replies: Any) -> Response | None:
    if replies is None:
        return None
    if not isinstance(replies, list) or len(replies) > 13:
        return _invalid("param message[quick_replies] must be an array of at most 13 items")
    for reply in replies:
        if not isinstance(reply, dict) or reply.get("content_type") != "text":
            return _invalid("param message[quick_replies][content_type] is invalid")
        title, payload = reply.get("title"), reply.get("payload")
        if not isinstance(title, str) or not title or len(title) > 20:
            return _invalid("param title must be a non-empty UTF-8 encoded string of at "
                            "most 20 characters")
        if not isinstance(payload, str | int) or len(str(payload)) > 1000:
            return _invalid("param payload must be at most 1000 characters")
    return None


# -- webhook bodies ------------------------------------------------------------------
def webhook(*items: dict, page: str = PAGE_ID, **extra) -> dict:
    """A webhook body: one entry holding the messaging items."""
    return {"object": "page", "entry": [entry(*items, page=page)], **extra}


def entry(*items: dict, page: str = PAGE_ID) -> dict:
    return {"id": page, "time": next(_stamps), "messaging": list(items)}


def event(psid: str = PSID, page: str = PAGE_ID, **fields) -> dict:
    """One messaging item from a person to the Page."""
    return {"sender": {"id": psid}, "recipient": {"id": page}, "timestamp": next(_stamps),
            **fields}


def text(words: str, psid: str = PSID, **message) -> dict:
    return event(psid, message={"mid": mid(), "text": words, **message})


def quick_reply(payload: str, title: str = "", psid: str = PSID) -> dict:
    return text(title or payload, psid, quick_reply={"payload": payload})


def postback(payload: str, title: str = "Get Started", psid: str = PSID, **extra) -> dict:
    return event(psid, postback={"mid": mid(), "title": title, "payload": payload, **extra})


def referral(ref: str | None, psid: str = PSID) -> dict:
    found = {"source": "SHORTLINK", "type": "OPEN_THREAD"}
    if ref is not None:
        found["ref"] = ref
    return event(psid, referral=found)


def attachment(kind: str, psid: str = PSID, **payload) -> dict:
    return event(psid, message={"mid": mid(), "attachments": [
        {"type": kind, "payload": payload or {"url": f"https://cdn.example/{kind}.bin"}}]})


def sticker(sticker_id: int = 369239263222822, psid: str = PSID) -> dict:
    """A sticker (369239263222822 is the thumbs-up "like")."""
    image = {"url": "https://cdn.example/sticker.png", "sticker_id": sticker_id}
    return event(psid, message={"mid": mid(), "sticker_id": sticker_id,
                                "attachments": [{"type": "image", "payload": image}]})


def echo(words: str, psid: str = PSID, page: str = PAGE_ID) -> dict:
    """What Meta sends back of a message the Page sent (through us or its inbox)."""
    return {"sender": {"id": page}, "recipient": {"id": psid}, "timestamp": next(_stamps),
            "message": {"mid": mid(), "is_echo": True, "app_id": 1517776481860111,
                        "text": words}}


def delivery(*mids: str, watermark: int | None = None, psid: str = PSID) -> dict:
    found: dict[str, Any] = {"watermark": watermark or next(_stamps)}
    if mids:
        found["mids"] = list(mids)
    return event(psid, delivery=found)


def read(watermark: int, psid: str = PSID) -> dict:
    return event(psid, read={"watermark": watermark})


def optin(ref: str | None = None, psid: str | None = PSID, **extra) -> dict:
    found = {**({"ref": ref} if ref is not None else {}), **extra}
    item = event(psid or "", optin=found)
    if psid is None:  # the checkbox plugin: no sender yet, a user_ref instead
        item["sender"] = {"user_ref": "ref-" + secrets.token_hex(6)}
    return item
