"""The programme's tools: SMS prices per destination, broadcasts with their cost, and
the goals partner organisations set for their indicators."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from content.models.base import created_field, json_field

ANY_COUNTRY = "*"  # a price row for every destination without its own


class SmsPrice(SQLModel, table=True):
    """What one SMS segment to a country costs through one provider, and where that
    figure comes from. Kept from services/sms/prices.csv and the deployment's own file
    (services/sms/prices.py); outbox rows copy the price when they are queued."""

    provider: str = Field(primary_key=True, max_length=16)
    country: str = Field(primary_key=True, max_length=2)  # ISO 3166-1, or ANY_COUNTRY
    price: float | None = None  # per segment, in `currency`; None: not known
    currency: str = Field(default="USD", max_length=3)
    source: str = Field(default="", sa_type=Text)
    as_of: str = Field(default="", max_length=10)  # the date the source gave it


class Broadcast(SQLModel, table=True):
    """One message to many members: who (the audience), what (a text per language, or
    a practice's first snippet), when, and how far it got."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id",
                                        index=True)
    created_by: int | None = Field(default=None, foreign_key="console_account.id")
    title: str = Field(max_length=200)
    # countries, languages, channels, topics, roles, organisation, weekly (subscribers)
    audience: dict = json_field(dict)
    texts: dict = json_field(dict)  # language -> text
    practice_id: int | None = Field(default=None, foreign_key="practice.id")
    sandbox: bool = False  # to the simulator's members, to try it out
    # draft | queued (its rows are in the outbox, due at send_at) | cancelled
    status: str = Field(default="draft", max_length=16, index=True)
    send_at: datetime | None = None  # None: as soon as it is sent off
    recipients: int = 0  # outbox rows queued
    created_at: datetime = created_field()
    queued_at: datetime | None = None
    cancelled_at: datetime | None = None


class Goal(SQLModel, table=True):
    """A target a partner organisation sets for one indicator over a period (both days
    included), optionally in one country: "200 members onboarded in KH". Its progress
    is measured by services/indicators/goals.py with the dashboard's own figures."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    indicator: str = Field(max_length=32)  # a key of services.indicators.goals.GOALS
    country: str | None = Field(default=None, max_length=2)
    period_start: date
    period_end: date
    target: int
    created_by: int | None = Field(default=None, foreign_key="console_account.id")
    created_at: datetime = created_field()
    value: int | None = None  # the progress when last measured; None: never measured
    measured_at: datetime | None = None


class SmsDay(SQLModel, table=True):
    """SMS per day (UTC), member's country and organisation: messages, segments, actual
    and estimated cost. Written only by triggers on the outbox (migration 0020), a row
    per change; services/indicators/rollup.py squashes them into one per group. Read as
    sums: the indicators' SMS figure."""

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    country: str | None = Field(default=None, max_length=2)
    organisation_id: int | None = None
    messages: int = 0
    segments: int = 0
    actual: float = 0.0
    estimate: float = 0.0
