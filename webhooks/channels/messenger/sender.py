"""Sends outbox rows through the Messenger Send API, with httpx.

POST {api_base}/{version}/me/messages with the page access token as a Bearer header
(not the `access_token` query parameter Meta's examples use: a URL ends up in logs,
httpx's own included). A reply to a member's message goes as messaging_type RESPONSE,
anything else (a story, a reminder) as UPDATE; the dispatcher holds back what falls
outside the 24-hour window, so no message tag is needed.

Graph errors (https://developers.facebook.com/docs/messenger-platform/error-codes):
5xx, network trouble, code 1200 or 2 -> try again; the rate limits 4, 17, 32 (counted
per app, user or Page over an hour or a day) -> again in five minutes, 613 (the Send
API's per-second limit) -> in a minute; 190 (the token expired or was revoked: someone
must put a new one in the settings) -> in five minutes, so nothing is lost meanwhile;
551 (subcode 1545041, "This person isn't available right now": they blocked the Page or
left Messenger) -> never again, opted out; 10 with subcode 2018278 (or 2018065 in older
answers), "sent outside of allowed window" -> skipped; any other 4xx -> rejected.
"""

from __future__ import annotations

import httpx

from content.models import OutboundMessage
from services.delivery.senders import Rejected, RetryLater, SendResult, Skipped

MAX_QUICK_REPLIES = 13
MAX_TITLE = 20
MAX_PAYLOAD = 1000
RATE_LIMITED = {4: 300.0, 17: 300.0, 32: 300.0, 613: 60.0}  # code -> seconds to wait
TEMPORARY = {2, 1200}  # "unexpected error, retry later"; "temporary send failure"
UNAVAILABLE, UNAVAILABLE_SUBCODE = 551, 1545041
OUTSIDE_WINDOW = {2018278, 2018065}  # subcodes of code 10
TOKEN_INVALID = 190


class MessengerSender:
    """One Page's Send API client; the HTTP client is opened on the first send."""

    provider = "messenger"

    def __init__(self, *, token: str, api_base: str, version: str | None):
        root = api_base.rstrip("/")
        self.url = f"{root}/{version.strip('/')}/me/messages" if version else \
            f"{root}/me/messages"
        self.headers = {"Authorization": f"Bearer {token}"}
        self.http: httpx.AsyncClient | None = None

    async def start(self) -> None:
        """Nothing to learn before the first send."""

    async def send(self, message: OutboundMessage) -> SendResult:
        """One message, its buttons as quick replies."""
        if self.http is None:
            self.http = httpx.AsyncClient(timeout=httpx.Timeout(20.0, connect=10.0))
        try:
            answer = await self.http.post(self.url, json=body(message), headers=self.headers)
        except httpx.HTTPError as exc:  # connection refused, timeout, reset, ...
            raise RetryLater(None, "network", type(exc).__name__) from exc
        data = _json(answer)
        if answer.is_success and isinstance(data.get("message_id"), str):
            return SendResult(provider_id=data["message_id"], status="sent")
        raise classify(answer.status_code, data.get("error"))

    async def close(self) -> None:
        """Closes the HTTP client's connections."""
        if self.http is not None:
            await self.http.aclose()
            self.http = None


def body(message: OutboundMessage) -> dict:
    """The Send API request for an outbox row."""
    content: dict = {"text": message.text}
    replies = quick_replies(message.buttons or [])
    if replies:
        content["quick_replies"] = replies
    return {"recipient": {"id": message.address},
            "messaging_type": "RESPONSE" if message.inbound_id else "UPDATE",
            "message": content}


def quick_replies(buttons: list[list[dict]]) -> list[dict]:
    """Rows of buttons flattened into quick replies, within Meta's limits (the renderer
    keeps to them already; a longer list would lose the whole message)."""
    flat = [button for row in buttons for button in row][:MAX_QUICK_REPLIES]
    return [{"content_type": "text", "title": str(b["text"])[:MAX_TITLE],
             "payload": str(b["data"])[:MAX_PAYLOAD]} for b in flat]


def classify(status: int, error) -> Exception:
    """The exception a failed send raises, from the HTTP status and the Graph error."""
    error = error if isinstance(error, dict) else {}
    code, subcode = error.get("code"), error.get("error_subcode")
    text = str(error.get("message") or f"HTTP {status}")[:500]
    name = str(code) if code is not None else str(status)
    if status >= 500 or status == 429 or code in TEMPORARY:
        return RetryLater(None, name, text)
    if code in RATE_LIMITED:
        return RetryLater(RATE_LIMITED[code], name, text)
    if code == TOKEN_INVALID:
        return RetryLater(300.0, name, text)
    if code == UNAVAILABLE or subcode == UNAVAILABLE_SUBCODE:
        return Rejected(name, text, opt_out=True)
    if code == 10 and subcode in OUTSIDE_WINDOW:
        return Skipped("outside-window", text)
    return Rejected(name, text)


def _json(answer: httpx.Response) -> dict:
    try:
        data = answer.json()
    except ValueError:  # an HTML error page from a proxy
        return {}
    return data if isinstance(data, dict) else {}
