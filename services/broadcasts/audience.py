"""Who a broadcast reaches: members who finished onboarding and agreed to stories,
narrowed by country, language, channel, topics, organisation, role and the weekly-story
subscription; only identities that have not opted out, of members nobody blocked or
erased; real members, or only the simulator's when trying a broadcast out
(services/sandbox.py). The dispatcher checks opt-out again at send time, so a STOP that
arrives after queueing still wins."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection, Row

from content.models import Identity, Member

_m, _i = Member.__table__.c, Identity.__table__.c
COLUMNS = (_i.id.label("identity_id"), _i.provider, _i.channel, _i.address,
           _m.id.label("member_id"), _m.language, _m.script, _m.zawgyi, _m.segment_budget,
           _m.country, _m.timezone, _m.quiet_start, _m.quiet_end, _m.topics_wanted)


@dataclass(frozen=True)
class Audience:
    """Each filter left empty takes everyone; filters combine with AND, values of one
    filter with OR."""

    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    organisation_id: int | None = None
    # With organisation_id: also the members of no organisation in this country (a
    # moderator's scope, services/access.py member_scope).
    organisation_country: str | None = None
    weekly: bool = False  # only members subscribed to the weekly story
    sandbox: bool = False  # only the simulator's members, to try it out

    def to_json(self) -> dict:
        """What the broadcast row keeps."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict) -> Audience:
        """The audience a broadcast row keeps (unknown keys are ignored)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: tuple(v) if isinstance(v, list) else v
                      for k, v in (data or {}).items() if k in names})


def recipients(conn: Connection, audience: Audience) -> list[Row]:
    """One row per identity to send to, in member order (COLUMNS)."""
    query = (select(*COLUMNS).join(Member.__table__, _m.id == _i.member_id)
             .where(_m.onboarded_at.is_not(None), _m.consent_stories.is_(True),
                    _i.opted_out.is_(False), _m.blocked_at.is_(None), _m.erased_at.is_(None),
                    _m.sandbox.is_not(None) if audience.sandbox else _m.sandbox.is_(None))
             .order_by(_m.id, _i.id))
    for column, values in ((_m.country, audience.countries), (_m.language, audience.languages),
                           (_i.channel, audience.channels), (_m.role, audience.roles)):
        if values:
            query = query.where(column.in_(values))
    if audience.organisation_id is not None:
        own = _m.organisation_id == audience.organisation_id
        if audience.organisation_country:
            own = or_(own, and_(_m.organisation_id.is_(None),
                                _m.country == audience.organisation_country))
        query = query.where(own)
    if audience.weekly:
        query = query.where(_m.story_subscribed.is_(True))
    rows = conn.execute(query).all()
    if audience.topics:  # a JSON list: matched here, the same on both databases
        wanted = set(audience.topics)
        rows = [row for row in rows if wanted.intersection(row.topics_wanted or ())]
    return rows
