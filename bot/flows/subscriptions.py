"""STORY ON / STORY OFF: the weekly story.

A subscribed member gets one story snippet a week on their topics, in their own
timezone and outside their quiet hours (the worker queues it with
services.scheduling.queue_weekly_stories). Turning it on also records consent to
stories, which the weekly run requires.
"""

from __future__ import annotations

from bot.flows.common import to_menu
from bot.flows.flow import Flow
from bot.intents import fold
from bot.replies import Outcome, Reply
from bot.turn import Turn

# The word after STORY, as bot.intents.fold leaves it (lower case, Vietnamese without
# marks: "bật" is "bat"). English works for everyone; the other words are drafts, like
# the catalog's, for a native speaker to review.
ON = frozenset(fold(word) for word in (
    "on", "yes", "start", "subscribe",
    "បើក",  # km
    "ເປີດ",  # lo
    "ဖွင့်",  # my
    "bat", "mo",  # vi: bật, mở
    "aktif", "aktifkan", "nyala", "hidup", "hidupkan",  # id, ms
    "buksan", "bukas",  # fil
    "เปิด",  # th
))
OFF = frozenset(fold(word) for word in (
    "off", "no", "stop", "unsubscribe",
    "បិទ",  # km
    "ປິດ",  # lo
    "ပိတ်",  # my
    "tat", "dung",  # vi: tắt, dừng
    "mati", "matikan", "nonaktif", "tutup", "berhenti",  # id, ms
    "patay", "sarado", "itigil",  # fil
    "ปิด",  # th
))

FREE_TEXT: frozenset[str] = frozenset()  # steps whose text is the member's own words


def switch(turn: Turn) -> Outcome | None:
    """STORY ON / STORY OFF; None when the STORY command has no such argument."""
    word = turn.parsed.argument.strip()
    if word in ON:
        return set_weekly(turn, True)
    if word in OFF:
        return set_weekly(turn, False)
    return None


def set_weekly(turn: Turn, on: bool) -> Outcome:
    """Subscribes or unsubscribes the member and says what that means."""
    turn.member.story_subscribed = on
    if on:
        turn.member.consent_stories = True
    return to_menu(Reply("subscriptions.on" if on else "subscriptions.off"))


STEPS: dict = {}
# STORY ON / OFF is the STORY keyword's argument (bot/flows/stories.py declares it).
FLOW = Flow(name="subscriptions", steps=STEPS, interruptible=True, free_text=FREE_TEXT)
