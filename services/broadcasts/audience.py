"""Who a broadcast reaches: members who finished onboarding and agreed to stories,
narrowed by country, language, channel, topics, organisation, role and the weekly-story
subscription; only identities that have not opted out, of members nobody blocked or
erased; real members, or only the simulator's when trying a broadcast out
(services/sandbox.py). The dispatcher checks opt-out again at send time, so a STOP that
arrives after queueing still wins."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from sqlalchemy import Text, and_, cast, exists, func, or_, select
from sqlalchemy.dialects.postgresql import JSONB, array
from sqlalchemy.engine import Connection, Row

from content.models import Identity, Member

_m, _i = Member.__table__.c, Identity.__table__.c
_JOINED = Identity.__table__.join(Member.__table__, _m.id == _i.member_id)
# What decides a recipient's text (texts.py) and price: the preview's groups.
GROUPED = (_i.provider, _i.channel, _m.language, _m.script, _m.zawgyi, _m.segment_budget,
           _m.country)
COLUMNS = (*GROUPED, _i.id.label("identity_id"), _i.address, _m.id.label("member_id"),
           _m.timezone, _m.quiet_start, _m.quiet_end)


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
    return conn.execute(select(*COLUMNS).select_from(_JOINED)
                        .where(*_filters(conn, audience)).order_by(_m.id, _i.id)).all()


def groups(conn: Connection, audience: Audience) -> list[Row]:
    """The recipients counted per what decides their text and price (GROUPED, and
    `recipients`): a few hundred groups for 100,000 members, for the preview."""
    return conn.execute(select(*GROUPED, func.count().label("recipients"))
                        .select_from(_JOINED).where(*_filters(conn, audience))
                        .group_by(*GROUPED)).all()


def _filters(conn: Connection, audience: Audience) -> list:
    where = [_m.onboarded_at.is_not(None), _m.consent_stories.is_(True),
             _i.opted_out.is_(False), _m.blocked_at.is_(None), _m.erased_at.is_(None),
             _m.sandbox.is_not(None) if audience.sandbox else _m.sandbox.is_(None)]
    for column, values in ((_m.country, audience.countries), (_m.language, audience.languages),
                           (_i.channel, audience.channels), (_m.role, audience.roles)):
        if values:
            where.append(column.in_(values))
    if audience.organisation_id is not None:
        own = _m.organisation_id == audience.organisation_id
        if audience.organisation_country:
            own = or_(own, and_(_m.organisation_id.is_(None),
                                _m.country == audience.organisation_country))
        where.append(own)
    if audience.weekly:
        where.append(_m.story_subscribed.is_(True))
    if audience.topics:  # any of them among the member's topics (a JSON list)
        if conn.dialect.name == "postgresql":
            where.append(cast(_m.topics_wanted, JSONB).has_any(
                array(list(audience.topics), type_=Text)))
        else:
            each = func.json_each(_m.topics_wanted).table_valued("value")
            where.append(exists(select(1).select_from(each)
                                .where(each.c.value.in_(audience.topics))))
    return where
