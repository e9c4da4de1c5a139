"""Who may do what in the console and the moderation API, and what each account sees.

Roles (content/models/console.py):
- admin: everything, everywhere; manages accounts and organisations;
- moderator: the queues and content of their organisation, questions in their languages
  and their organisation's country, the organisation's members;
- translator: translation review (queue, practice texts, interface texts) in the
  languages they hold;
- viewer: reads what a moderator of the organisation reads, changes nothing.

Pages and API routes ask `allowed(principal, permission)`; queries narrow themselves
with the `*_scope` functions, so the same rule holds for lists, counts and single rows
(a row outside the scope is "not found", never "forbidden": its existence stays hidden).

A member belongs to an organisation through `member.organisation_id`, or, with none
set, to the organisations working in the member's country. A practice belongs to the
organisation that curates it (`practice.organisation_id`); None is the shared store,
which every account reads and moderators curate.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, false, or_, true
from sqlalchemy.sql.elements import ColumnElement

from content.models import Member, Practice, Question
from content.models.console import ROLES

EVERYONE = frozenset(ROLES)
STAFF = frozenset({"admin", "moderator"})
READERS = frozenset({"admin", "moderator", "viewer"})

PERMISSIONS: dict[str, frozenset[str]] = {
    "queues.read": READERS | {"translator"},  # translators see the translation queue
    "questions.act": STAFF,  # answer, assign, route again, close, approve, reject
    "translations.act": STAFF | {"translator"},  # in languages the account holds
    "relays.act": STAFF,  # close a reported relay, block a member
    "faq.act": STAFF,  # promote a helpful answer, ask about attribution
    "practices.read": EVERYONE,
    "practices.edit": STAFF | {"translator"},  # translators: texts in their languages
    "practices.publish": STAFF | {"translator"},
    "practices.archive": STAFF,
    "texts.read": EVERYONE,
    "texts.review": frozenset({"admin", "translator"}),
    "members.read": READERS,
    "members.history": STAFF,  # every view is audit-logged
    "members.act": STAFF,  # resource person, block, export
    "members.erase": frozenset({"admin"}),
    "audit.read": READERS,
    "visits.read": READERS,  # exchange visits: the calendar, answers, reflections
    "visits.act": STAFF,  # plan, invite, change, cancel
    "accounts.manage": frozenset({"admin"}),
    "account.own": EVERYONE,  # password, sessions, personal API tokens
    "simulator.use": EVERYONE,  # the chat simulator, where it needs a login (a sandbox)
    "broadcasts.read": READERS,  # their organisation's broadcasts and progress
    "broadcasts.send": STAFF,  # compose, schedule, send, cancel
    "indicators.read": READERS,  # the dashboard of their organisation's members
    "goals.set": STAFF,  # their organisation's goals (admins: any organisation's)
}


@dataclass(frozen=True)
class Principal:
    """The account behind a request, with what its scope needs."""

    account_id: int | None
    email: str
    name: str
    role: str
    organisation_id: int | None = None
    organisation_slug: str | None = None
    country: str | None = None  # the organisation's
    languages: tuple[str, ...] = ()

    def __str__(self) -> str:
        """The audit log's actor."""
        return self.email

    @property
    def is_admin(self) -> bool:
        """Admins see and do everything."""
        return self.role == "admin"

    def reads(self, lang: str | None) -> bool:
        """Whether the account works in the language (admins: every language)."""
        return self.is_admin or (lang is not None and lang in self.languages)


def allowed(principal: Principal | None, permission: str) -> bool:
    """Whether the principal's role carries the permission."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    return principal is not None and principal.role in PERMISSIONS[permission]


def member_scope(principal: Principal, member=Member) -> ColumnElement[bool]:
    """Members the account may see: its organisation's, or unassigned ones in its
    organisation's country. `member` may be an alias of the table."""
    if principal.is_admin:
        return true()
    if principal.organisation_id is None or principal.role == "translator":
        return false()
    own = member.organisation_id == principal.organisation_id
    if principal.country is None:
        return own
    return or_(own, and_(member.organisation_id.is_(None),
                         member.country == principal.country))


def question_scope(principal: Principal, asker=Member) -> ColumnElement[bool]:
    """Questions the account may see: in its languages, or asked from its organisation's
    country (`asker` is the asking member, joined by the caller). Translators: their
    languages only."""
    if principal.is_admin:
        return true()
    by_language = Question.lang.in_(principal.languages) if principal.languages else false()
    if principal.role == "translator" or principal.country is None:
        return by_language
    return or_(by_language, asker.country == principal.country)


def practice_scope(principal: Principal) -> ColumnElement[bool]:
    """Practices the account may see: the shared store and its organisation's."""
    if principal.is_admin:
        return true()
    shared = Practice.organisation_id.is_(None)
    if principal.organisation_id is None:
        return shared
    return or_(shared, Practice.organisation_id == principal.organisation_id)


def sees_member(principal: Principal, member: Member) -> bool:
    """The Python twin of member_scope, for one loaded row."""
    if principal.is_admin:
        return True
    if principal.organisation_id is None or principal.role == "translator":
        return False
    if member.organisation_id is not None:
        return member.organisation_id == principal.organisation_id
    return principal.country is not None and member.country == principal.country


def sees_practice(principal: Principal, practice: Practice) -> bool:
    """The Python twin of practice_scope, for one loaded row."""
    return principal.is_admin or practice.organisation_id is None \
        or practice.organisation_id == principal.organisation_id


def edits_language(principal: Principal, lang: str) -> bool:
    """Whether the account may change a practice's or the interface's text in `lang`:
    admins and moderators any language of what they curate, translators their own."""
    if principal.role in STAFF:
        return True
    return principal.role == "translator" and lang in principal.languages
