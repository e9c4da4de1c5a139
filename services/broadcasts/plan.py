"""A broadcast before it is sent: per channel and language, how many recipients, what
they get (rendered, with the fallback named), segments, the estimated cost at each
destination's price, and how long sending takes at the configured rates. The same walk
over the recipients queues the rows (send.py), so what is previewed is what goes out."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlmodel import Session

from content.models import Broadcast
from services.broadcasts.audience import Audience, groups, recipients
from services.broadcasts.texts import Rendered, Texts
from services.sms.prices import Pricer


@dataclass
class Line:
    """One channel and members' language."""

    channel: str
    lang: str
    sample: Rendered | None = None  # what most of them get
    recipients: int = 0
    segments: int = 0
    cost: float = 0.0
    unpriced: int = 0  # SMS recipients whose destination has no price
    over: int = 0  # SMS over the member's segment budget
    missing: int = 0  # nothing in a language they can be sent

    @property
    def fallback(self) -> bool:
        """They get a text in another language than theirs."""
        return self.sample is not None and self.sample.lang != self.lang


@dataclass
class Plan:
    """The preview of a whole broadcast."""

    lines: list[Line] = field(default_factory=list)
    per_provider: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # at the configured rates

    @property
    def recipients(self) -> int:
        return sum(line.recipients for line in self.lines)

    @property
    def cost(self) -> float:
        return round(sum(line.cost for line in self.lines), 6)

    @property
    def unpriced(self) -> int:
        return sum(line.unpriced for line in self.lines)

    @property
    def problems(self) -> int:
        """Recipients it cannot go to as it is: over budget or without a text."""
        return sum(line.over + line.missing for line in self.lines)


def walk(session: Session, broadcast: Broadcast, pricer: Pricer
         ) -> Iterator[tuple[object, Rendered | None, float | None]]:
    """Each recipient row with its text and its price per segment."""
    texts = Texts(session, broadcast.texts or {}, broadcast.practice_id)
    rows = recipients(session.connection(), Audience.from_json(broadcast.audience))
    for row in rows:
        yield row, texts.for_row(row), pricer(row.provider, row.channel, row.address,
                                              row.country)


def plan(session: Session, broadcast: Broadcast, pricer: Pricer,
         rates: dict[str, float | None]) -> Plan:
    """The preview, from the recipients counted per group (audience.groups); `rates`
    are messages a second per provider (None: no limit)."""
    texts = Texts(session, broadcast.texts or {}, broadcast.practice_id)
    lines: dict[tuple[str, str], Line] = {}
    samples: dict[tuple[str, str], dict[Rendered, int]] = {}
    result = Plan()
    for group in groups(session.connection(), Audience.from_json(broadcast.audience)):
        key, n = (group.channel, group.language), group.recipients
        line = lines.get(key) or lines.setdefault(key, Line(*key))
        line.recipients += n
        result.per_provider[group.provider] = result.per_provider.get(group.provider, 0) + n
        rendered = texts.for_row(group)
        if rendered is None:
            line.missing += n
            continue
        counted = samples.setdefault(key, {})
        counted[rendered] = counted.get(rendered, 0) + n
        if rendered.segments is None:
            continue
        line.segments += rendered.segments * n
        line.over += n if rendered.over else 0
        unit = pricer(group.provider, group.channel, None, group.country)
        if unit is None:
            line.unpriced += n
        else:
            line.cost += unit * rendered.segments * n
    for key, line in lines.items():
        if samples.get(key):
            line.sample = max(samples[key].items(), key=lambda item: item[1])[0]
        line.cost = round(line.cost, 6)
    result.lines = sorted(lines.values(), key=lambda line: (line.channel, -line.recipients))
    result.seconds = {provider: count / rate for provider, count in result.per_provider.items()
                      if (rate := rates.get(provider))}
    return result
