"""One Messenger webhook `messaging` item -> the inbound items it stands for.

What a member does becomes what the engine already knows: typed text; a tapped quick
reply or a postback button (kind "callback", the text its payload); the Get Started
button, an m.me link (referral) or an opt-in carrying a `ref` (the text "start <ref>",
as Telegram's "/start <payload>": `ref=practice-<slug>` opens a practice); a picture,
sound, video, file or sticker (the engine's media kinds, answered politely) and a
location. Meta's own events are kept without processing (echoes of what the Page sent)
or become delivery statuses (each delivered message id; a read watermark).

An item with a message id is stored under it; any other under a key of Page, sender,
timestamp and kind, so a re-delivered webhook is stored once.
"""

from __future__ import annotations

from dataclasses import asdict

from bot.inbox import InboundItem
from services.delivery.status import StatusReport
from webhooks.channels.base import Malformed

PROVIDER = CHANNEL = "messenger"
GET_STARTED = "GET_STARTED"  # the payload the README has the Page set
# Messenger attachment type -> the engine's kind of media (bot/events.py MEDIA_KINDS).
MEDIA = {"image": "photo", "audio": "audio", "video": "video", "file": "document",
         "location": "location"}


def items(page: str, item: dict) -> list[InboundItem]:
    """The inbound items of one messaging item of the Page's entry."""
    if not isinstance(item, dict):
        raise Malformed("a messaging item is no object")
    if "message" in item:
        return [_message(page, item)]
    if "postback" in item:
        return [_postback(page, item)]
    if "delivery" in item:
        return _delivery(item)
    if "read" in item:
        return [_read(page, item)]
    for name in ("referral", "optin"):
        if name in item:
            return [_deep_link(page, item, name)]
    return [_make(page, item, _key(page, item, "other"), kind="other", process=False)]


def _message(page: str, item: dict) -> InboundItem:
    message = _object(item, "message")
    key = _text(message, "mid") or _key(page, item, "message")
    if message.get("is_echo"):  # the Page's own message, to the person in `recipient`
        return _make(page, item, key, address=_id(item, "recipient"), kind="echo",
                     text=_text(message, "text"), process=False)
    reply = message.get("quick_reply")
    if isinstance(reply, dict) and _text(reply, "payload"):
        return _make(page, item, key, kind="callback", text=_text(reply, "payload"))
    text = _text(message, "text")
    attachments = message.get("attachments")
    if text or not isinstance(attachments, list) or not attachments:
        return _make(page, item, key, text=text)
    return _media(page, item, key, message, attachments[0])


def _media(page: str, item: dict, key: str, message: dict, first) -> InboundItem:
    """The first attachment decides the kind; every one stays in the payload."""
    first = first if isinstance(first, dict) else {}
    found = first.get("payload") if isinstance(first.get("payload"), dict) else {}
    sticker = message.get("sticker_id") or found.get("sticker_id")
    kind = "sticker" if sticker else MEDIA.get(_text(first, "type"), "other")
    made = _make(page, item, key, kind=kind)
    if isinstance(found.get("url"), str):
        made.payload["url"] = found["url"]
    coordinates = found.get("coordinates")
    if kind == "location" and isinstance(coordinates, dict):
        made.payload["coordinates"] = {"lat": coordinates.get("lat"),
                                       "long": coordinates.get("long")}
    return made


def _postback(page: str, item: dict) -> InboundItem:
    """A button: Get Started (with the m.me link's ref, when it came through one) is
    "start"; any other button's payload is a pressed choice."""
    postback = _object(item, "postback")
    key = _text(postback, "mid") or _key(page, item, "postback")
    payload = _text(postback, "payload")
    if payload == GET_STARTED:
        referral = postback.get("referral")
        ref = _text(referral, "ref") if isinstance(referral, dict) else ""
        return _make(page, item, key, text=f"start {ref}".strip())
    return _make(page, item, key, kind="callback" if payload else "other", text=payload,
                 process=bool(payload))


def _deep_link(page: str, item: dict, name: str) -> InboundItem:
    """An m.me link or plugin opt-in: with a ref, "start <ref>"; without one it is kept.
    A checkbox plugin's opt-in names no sender (only a user_ref) and is kept as well."""
    found = _object(item, name)
    ref = _text(found, "ref")
    sender = item.get("sender")
    if isinstance(sender, dict) and "id" not in sender:
        return _make(page, item, _key(page, item, name, _text(sender, "user_ref")),
                     address="", kind=name, process=False)
    if not ref:
        return _make(page, item, _key(page, item, name), kind=name, process=False)
    return _make(page, item, _key(page, item, name), text=f"start {ref}")


def _delivery(item: dict) -> list[InboundItem]:
    """One status per delivered message id; without ids, everything sent to the person
    up to the watermark was delivered."""
    found = _object(item, "delivery")
    mids = found.get("mids") or []
    if not isinstance(mids, list) or not all(isinstance(m, str) and m for m in mids):
        raise Malformed("delivery mids are message ids")
    psid = _id(item, "sender")
    if not mids:
        return [_status(item, f"delivered:{psid}:{_watermark(found)}",
                        StatusReport(PROVIDER, "", "delivered", address=psid,
                                     up_to=_watermark(found)))]
    return [_status(item, f"delivered:{mid}", StatusReport(PROVIDER, mid, "delivered"))
            for mid in mids]


def _read(page: str, item: dict) -> InboundItem:
    """Everything sent to the person up to the watermark was read."""
    psid, watermark = _id(item, "sender"), _watermark(_object(item, "read"))
    return _status(item, f"read:{psid}:{watermark}",
                   StatusReport(PROVIDER, "", "read", address=psid, up_to=watermark))


def _status(item: dict, key: str, report: StatusReport) -> InboundItem:
    return InboundItem(provider=PROVIDER, channel=CHANNEL, address=_id(item, "sender"),
                       provider_key=key, kind="status",
                       payload={"report": asdict(report), "item": item})


def _make(page: str, item: dict, key: str, *, address: str | None = None,
          kind: str = "text", text: str = "", process: bool = True) -> InboundItem:
    return InboundItem(provider=PROVIDER, channel=CHANNEL,
                       address=_id(item, "sender") if address is None else address,
                       provider_key=key, text=text, kind=kind,
                       payload={"page": page, "item": item}, process=process)


def _key(page: str, item: dict, kind: str, who: str = "") -> str:
    """The key of an item without a message id: Page, sender, time and kind."""
    stamp = item.get("timestamp")
    if type(stamp) is not int:
        raise Malformed("a messaging item's timestamp is an integer")
    return f"{page}:{who or _id(item, 'sender')}:{stamp}:{kind}"


def _id(item: dict, side: str) -> str:
    """A sender's or recipient's id: a Page-scoped id, digits."""
    found = item.get(side)
    value = found.get("id") if isinstance(found, dict) else None
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        raise Malformed(f"{side}.id is a string of digits")
    return value


def _object(item: dict, name: str) -> dict:
    found = item[name]
    if not isinstance(found, dict):
        raise Malformed(f"{name} is no object")
    return found


def _text(found, name: str) -> str:
    """A string field ("" when absent); Malformed when it is of another type."""
    value = found.get(name, "") if isinstance(found, dict) else ""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Malformed(f"{name} is no string")
    return value


def _watermark(found: dict) -> int:
    value = found.get("watermark")
    if type(value) is not int or not 0 <= value < 10**14:  # until the year 5138
        raise Malformed("a watermark is a time in milliseconds")
    return value
