"""`/webhooks/messenger`: Meta's subscription check (GET) and its signed webhooks (POST).

Meta signs the raw body with the app secret (X-Hub-Signature-256: sha256=<hex>), so the
signature is checked over the bytes as received, before any JSON is read. One request
may carry several entries (one per Page and batch) of several messaging items each:
every one is read, stored and then answered with 200 "EVENT_RECEIVED".
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from fastapi import Response
from fastapi.responses import PlainTextResponse

from bot.inbox import InboundItem, Received
from webhooks.channels.base import Incoming, Malformed, fitting, read_json
from webhooks.channels.messenger.events import items

SIGNATURE = "x-hub-signature-256"
PREFIX = "sha256="


class MessengerAdapter:
    """Verifies, reads and answers Meta's Messenger webhooks for the app's Pages."""

    name = "messenger"

    def __init__(self, app_secret: str | None, verify_token: str | None):
        self.app_secret = app_secret
        self.verify_token = verify_token

    def challenge(self, query: Mapping[str, str]) -> Response:
        """Meta's subscription check: the challenge back when the verify token matches
        (compared in constant time); 403 otherwise, and always while unconfigured."""
        given = query.get("hub.verify_token", "")
        if (self.verify_token and query.get("hub.mode") == "subscribe"
                and hmac.compare_digest(given.encode(), self.verify_token.encode())):
            return PlainTextResponse(query.get("hub.challenge", ""))
        return PlainTextResponse("forbidden", status_code=403)

    def verify(self, request: Incoming) -> bool:
        """X-Hub-Signature-256 must be the HMAC-SHA256 of the raw body with the app
        secret, compared in constant time."""
        given = request.headers.get(SIGNATURE, "")
        if not self.app_secret or not given.startswith(PREFIX):
            return False
        expected = hmac.new(self.app_secret.encode(), request.body, hashlib.sha256)
        return hmac.compare_digest(given[len(PREFIX):].lower().encode(),
                                   expected.hexdigest().encode())

    def parse(self, request: Incoming) -> list[InboundItem]:
        """Every messaging item of every entry. A webhook for another product of the app
        (an `object` other than "page", such as "instagram") is acknowledged and left
        alone: it is Meta's, signed, and not ours to refuse (Meta would send it again
        for hours, then turn the subscription off). What no Meta webhook can be is
        Malformed (400): not JSON, no `object`, entries or items that are no list."""
        data = read_json(request.body, "a webhook")
        if not isinstance(data, dict) or not isinstance(data.get("object"), str):
            raise Malformed("not a webhook object")
        if data["object"] != "page":
            return []
        entries = data.get("entry")
        if not isinstance(entries, list):
            raise Malformed("entry is no list")
        found: list[InboundItem] = []
        for entry in entries:
            if not isinstance(entry, dict):
                raise Malformed("an entry is no object")
            messaging = entry.get("messaging", [])
            if not isinstance(messaging, list):
                raise Malformed("messaging is no list")
            page = entry.get("id")
            if not isinstance(page, str) or not (page.isascii() and page.isdigit()):
                raise Malformed("an entry's id is a Page id, digits")
            for item in messaging:
                found += items(page, item)
        return fitting(found)

    def acknowledge(self, items: list[InboundItem], results: list[Received]) -> Response:
        """200 "EVENT_RECEIVED", what Meta's examples answer; replies go by the Send API."""
        return PlainTextResponse("EVENT_RECEIVED")

