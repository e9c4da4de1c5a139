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
    org = session.exec(select(Organisation).where(Organisation.slug == slug)).first()
    new = org is None
    org = org or Organisation(slug=slug, name=name)
    org.name, org.country, org.languages = name, country, list(dict.fromkeys(languages))
    session.add(org)
    session.flush()
    record(session=session, actor=actor, action="organisation.add" if new
           else "organisation.update", target_type="organisation", target_id=org.slug,
           name=org.name, country=org.country, languages=org.languages)
    return org, new


def listed(*, session: Session) -> list[tuple[Organisation, int]]:
    """Every organisation with its number of console accounts, by name."""
    counts = dict(session.execute(select(ConsoleAccount.organisation_id, func.count())
                                  .group_by(ConsoleAccount.organisation_id)).all())
    orgs = session.exec(select(Organisation).order_by(Organisation.name))
    return [(org, counts.get(org.id, 0)) for org in orgs]
