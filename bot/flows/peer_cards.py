"""Profiles of peers as replies: the card a member sees of a proposed peer, the request
a peer sees of the member who asked, and the name each shows in the relay.

A Reply's parameters are literal text, and a card's country, sector and topics are
catalog labels: they are looked up here, in the language the reply will be rendered in
(bot.notify.renderer_for decides it, for turns and notices alike). Nothing here reads an
identity: a card has no phone number, chat id or username (services.matching.cards).
"""

from __future__ import annotations

from functools import cache

from bot.catalog import Catalog
from bot.choices import TOPIC_GROUPS
from bot.intents import fold
from bot.notify import renderer_for
from bot.replies import Choice, Reply
from content.channels import kind
from content.models import Member
from services.matching import card

MEET = (Choice("1", "peer.meet"), Choice("2", "peer.another"), Choice("0", "menu.back"))
ANSWER = (Choice("1", "peer.request.yes"), Choice("2", "peer.request.no"))
TOPICS_SHOWN = 2  # topic groups on a card: more would not fit two SMS segments


@cache
def _catalog() -> Catalog:
    """The interface texts, loaded on first use: the same files the engine renders with."""
    return Catalog.load()


def shown_lang(member: Member) -> str:
    """The language the member's messages are rendered in (English when the phone cannot
    show the script)."""
    return renderer_for(_catalog(), member, kind("sms")).lang


def label(viewer: Member, key: str) -> str:
    """A catalog label in the viewer's language."""
    return _catalog().text(shown_lang(viewer), key)


def typed_labels(viewer: Member, key: str) -> set[str]:
    """A choice's label as a member might type it instead of its number: in their
    language and in English, folded as commands are."""
    return {fold(label(viewer, key)), fold(_catalog().text("en", key))}


def name_of(member: Member, viewer: Member, fallback: str = "peer.your_peer") -> str:
    """The member's first name, or a neutral word, as the viewer sees it."""
    return card(member).first_name or label(viewer, fallback)


def group_of(topic: str | None) -> str | None:
    """The topic group (bot.choices.TOPIC_GROUPS) a store topic belongs to."""
    return next((name for name, topics in TOPIC_GROUPS if topic in topics), None)


def about(member: Member, viewer: Member) -> str:
    """Country, enterprise and sector in one short phrase."""
    shown = card(member)
    parts = [label(viewer, f"country.{shown.country}") if shown.country else None,
             shown.enterprise,
             label(viewer, f"sector.{shown.sector}") if shown.sector else None]
    return ", ".join(part for part in parts if part) or "-"


def _topics(member: Member, viewer: Member, first: str | None) -> str:
    """The topic groups the member can help with, `first` (the one asked) first."""
    groups = [group for group in (group_of(t) for t in card(member).topics_offered) if group]
    ordered = list(dict.fromkeys([first] * (first in groups) + groups))[:TOPICS_SHOWN]
    return ", ".join(label(viewer, f"topic.{group}") for group in ordered) or "-"


def profile_reply(peer: Member, viewer: Member, group: str | None) -> Reply:
    """A proposed peer's card with the choices: ask to meet, another, menu."""
    return Reply("peer.profile", {"name": name_of(peer, viewer, "peer.someone"),
                                  "about": about(peer, viewer),
                                  "topics": _topics(peer, viewer, group)}, MEET)


def request_reply(asker: Member, viewer: Member, topic: str | None) -> Reply:
    """The asker's card as the proposed peer sees it, with yes / no."""
    group = group_of(topic) or "all"
    return Reply("peer.request", {"name": name_of(asker, viewer, "peer.someone"),
                                  "about": about(asker, viewer),
                                  "topic": label(viewer, f"topic.{group}")}, ANSWER)
