"""Partner organisations: a slug, a name, the country and languages they work in.

An organisation's country and languages set its moderators' default scope
(services/access.py): its members are those it enrols and the unassigned ones in its
country; its accounts start with its languages.
"""

from __future__ import annotations

import re

import phonenumbers
from sqlalchemy import func
from sqlmodel import Session, select

from content.languages import LANGUAGE_CODES
from content.models import ConsoleAccount, Organisation
from services.access import Principal
from services.audit import record

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS)


class Refused(ValueError):
    """The organisation cannot be saved as given; says why."""


def save(*, session: Session, slug: str, name: str, country: str | None,
         languages: list[str], actor: Principal | str) -> tuple[Organisation, bool]:
    """Creates the organisation, or updates the one with this slug; (it, whether new)."""
    slug, name, country, languages = _checked(slug, name, country, languages)
    org = session.exec(select(Organisation).where(Organisation.slug == slug)).first()
    new = org is None
    org = org or Organisation(slug=slug, name=name)
    _write(session, org, slug, name, country, languages, actor, new)
    return org, new


def add(*, session: Session, slug: str, name: str, country: str | None,
        languages: list[str], actor: Principal | str) -> Organisation:
    """A new organisation; refuses a slug that is taken."""
    slug, name, country, languages = _checked(slug, name, country, languages)
    if session.exec(select(Organisation.id).where(Organisation.slug == slug)).first():
        raise Refused(f"the slug {slug!r} is taken: edit that organisation instead")
    org = Organisation(slug=slug, name=name)
    _write(session, org, slug, name, country, languages, actor, new=True)
    return org


def update(*, session: Session, organisation_id: int, slug: str, name: str,
           country: str | None, languages: list[str],
           actor: Principal | str) -> Organisation:
    """Changes an organisation, its slug included (accounts and members follow: they
    refer to its id)."""
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise Refused("no such organisation")
    slug, name, country, languages = _checked(slug, name, country, languages)
    taken = session.exec(select(Organisation.id).where(
        Organisation.slug == slug, Organisation.id != organisation_id)).first()
    if taken:
        raise Refused(f"the slug {slug!r} is taken by another organisation")
    before = org.slug
    _write(session, org, slug, name, country, languages, actor, new=False,
           **({"renamed_from": before} if before != slug else {}))
    return org


def _checked(slug: str, name: str, country: str | None,
             languages: list[str]) -> tuple[str, str, str | None, list[str]]:
    """The values to store; Refused naming the first problem."""
    slug = slug.strip().lower()
    if not SLUG.match(slug):
        raise Refused("a slug is lowercase letters, digits and -, e.g. 'cedac'")
    name = name.strip()
    if not name or len(name) > 200:
        raise Refused("a name of 1 to 200 characters is needed")
    country = (country or "").strip().upper() or None
    if country is not None and country not in COUNTRIES:
        raise Refused(f"{country!r} is not a two-letter country code (KH, LA, MM, VN ...)")
    unknown = [code for code in languages if code not in LANGUAGE_CODES]
    if unknown:
        raise Refused(f"unknown languages: {', '.join(unknown)}")
    return slug, name, country, list(dict.fromkeys(languages))


def _write(session: Session, org: Organisation, slug: str, name: str, country: str | None,
           languages: list[str], actor: Principal | str, new: bool, **details) -> None:
    org.slug, org.name, org.country, org.languages = slug, name, country, languages
    session.add(org)
    session.flush()
    record(session=session, actor=actor, action="organisation.add" if new
           else "organisation.update", target_type="organisation", target_id=org.slug,
           name=org.name, country=org.country, languages=org.languages, **details)


def listed(*, session: Session) -> list[tuple[Organisation, int]]:
    """Every organisation with its number of console accounts, by name."""
    counts = dict(session.execute(select(ConsoleAccount.organisation_id, func.count())
                                  .group_by(ConsoleAccount.organisation_id)).all())
    orgs = session.exec(select(Organisation).order_by(func.lower(Organisation.name)))
    return [(org, counts.get(org.id, 0)) for org in orgs]
