"""Finding members: the console's member list and the API's search.

One query selects the page (members in the account's scope matching the filters, newest
first, with their organisation's slug by an outer join); one batched query reads the
identities of the members on that page (channels and numbers). Nothing per row.

The text filter is a case-insensitive substring of the name or the enterprise, or, when
the text is a phone number with its country code, the members who wrote from that number
(ix_identity_address). A substring of three characters or more is looked up in the index
migration 0008 made for it: the FTS5 trigram table `member_fts` on SQLite (a phrase
query), pg_trgm's GIN indexes on PostgreSQL (ILIKE uses them). Shorter text (a name like
"Li") is scanned with LIKE / ILIKE, its wildcards escaped.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import column, func, or_, table
from sqlmodel import Session, select

from content.channels import phone_channels
from content.models import Identity, Member, Organisation
from services.access import Principal, member_scope
from services.members import blocked_ids
from services.members_admin import masked_phone
from services.phones import to_e164

PAGE = 50
ESCAPE = "\\"
TRIGRAM = 3  # characters the trigram indexes need
RECENT = 5_000  # newest members a PostgreSQL text search looks through first
FTS = table("member_fts", column("rowid"), column("member_fts"))  # SQLite, migration 0008


@dataclass(frozen=True)
class Filters:
    """What the list is narrowed to; None or "" is "any"."""

    text: str | None = None  # part of a name or an enterprise, or a phone number
    country: str | None = None  # ISO 3166 alpha-2
    lang: str | None = None
    role: str | None = None  # member | expert | moderator
    blocked: bool | None = None
    organisation: str | None = None  # slug


@dataclass(frozen=True)
class Listed:
    """One member as the list shows them: profile, organisation, channels, number."""

    member: Member
    organisation: str | None
    channels: tuple[str, ...] = ()
    phone: str | None = None  # masked unless the account is an admin


def search(*, session: Session, principal: Principal, filters: Filters = Filters(),
           limit: int = PAGE, offset: int = 0, whole_numbers: bool = True) -> list[Listed]:
    """Members in scope matching the filters, newest first; numbers whole for admins
    unless `whole_numbers` is False (the JSON API masks them for everyone)."""
    dialect = session.get_bind().dialect.name
    query = (select(Member, Organisation.slug)
             .outerjoin(Organisation, Organisation.id == Member.organisation_id)
             .where(member_scope(principal), *conditions(filters, dialect))
             .offset(offset).limit(limit))
    if dialect == "postgresql" and (filters.text or "").strip():
        rows = _text_page(session, query, limit)
    else:
        rows = session.exec(query.order_by(Member.id.desc())).all()
    reach = identities_of(session, [member.id for member, _ in rows])
    whole = whole_numbers and principal.is_admin
    return [_listed(member, slug, reach.get(member.id, []), whole) for member, slug in rows]


def _text_page(session: Session, query, limit: int) -> list:
    """A text search's page on PostgreSQL. Left to itself, the planner walks the primary
    key backwards hoping to meet a page of matches early: every member for a rare name
    (37 ms at 100,000). So: the newest RECENT members first, which hold the whole page
    when the text is common (a full page from them is exact: every older member has a
    smaller id); otherwise the matches from the trigram indexes, sorted ("id + 0" keeps the
    planner off the primary key)."""
    newest = select(func.max(Member.id)).scalar_subquery()
    rows = session.exec(query.where(Member.id > newest - RECENT)
                        .order_by(Member.id.desc())).all()
    if len(rows) == limit:
        return rows
    return session.exec(query.order_by((Member.id + 0).desc())).all()


def conditions(filters: Filters, dialect: str = "sqlite") -> list:
    """The WHERE clauses of the filters (the text's depends on the database)."""
    found = []
    text = (filters.text or "").strip()
    if text:
        found.append(_text(text, dialect))
    if filters.country:
        found.append(Member.country == filters.country.upper())
    if filters.lang:
        found.append(Member.language == filters.lang)
    if filters.role:
        found.append(Member.role == filters.role)
    if filters.blocked is not None:
        # "id IN (blocked ids)": the few blocked members from their index; a plain
        # "blocked_at IS NOT NULL" made SQLite walk every member in id order
        found.append(Member.id.in_(blocked_ids()) if filters.blocked
                     else Member.blocked_at.is_(None))
    if filters.organisation:
        found.append(Member.organisation_id == select(Organisation.id).where(
            Organisation.slug == filters.organisation).scalar_subquery())
    return found


def _text(text: str, dialect: str):
    phone = to_e164(text) if text.startswith("+") else None
    if phone is not None:
        return Member.id.in_(select(Identity.member_id).where(
            Identity.address == phone, Identity.channel.in_(sorted(phone_channels()))))
    if dialect == "sqlite" and len(text) >= TRIGRAM:
        phrase = '"' + text.replace('"', '""') + '"'  # FTS5 string: no query syntax
        return Member.id.in_(select(FTS.c.rowid).where(FTS.c.member_fts.op("MATCH")(phrase)))
    pattern = "%" + _escaped(text) + "%"
    if dialect == "sqlite":  # LIKE ignores ASCII case; lower() would cost a call per row
        return or_(Member.name.like(pattern, escape=ESCAPE),
                   Member.enterprise.like(pattern, escape=ESCAPE))
    return or_(Member.name.ilike(pattern, escape=ESCAPE),
               Member.enterprise.ilike(pattern, escape=ESCAPE))


def _escaped(text: str) -> str:
    """The text with LIKE's wildcards (and the escape character) taken literally."""
    for char in (ESCAPE, "%", "_"):
        text = text.replace(char, ESCAPE + char)
    return text


def identities_of(session: Session, member_ids: list[int]) -> dict[int, list[Identity]]:
    """The identities of these members, oldest first, in one query."""
    if not member_ids:
        return {}
    found: dict[int, list[Identity]] = {}
    for identity in session.exec(select(Identity).where(Identity.member_id.in_(member_ids))
                                 .order_by(Identity.id)):
        found.setdefault(identity.member_id, []).append(identity)
    return found


def _listed(member: Member, slug: str | None, identities: list[Identity],
            whole: bool) -> Listed:
    """The row; the newest phone number, whole or masked (none once erased)."""
    channels = tuple(dict.fromkeys(i.channel for i in identities))
    phones = [i.address for i in identities if i.channel in phone_channels()]
    phone = None
    if phones and member.erased_at is None:
        phone = phones[-1] if whole else masked_phone(phones[-1])
    return Listed(member, slug, channels, phone)
