"""The programme's indicators (issue 14, part 3): what it achieves, week by week, for
the members an account may see (services/access.py), simulator members never counted.

Each figure is a short function in one of the modules below that asks SQL for counts
grouped by ISO week and returns a `Figure` (its table, and the series its chart draws):
members.py (onboarded, active), learning.py (stories, questions), peers.py
(introductions, visits), practices.py (SHARE drafts, replication reports), sms.py
(segments and cost). goals.py measures a partner organisation's goals with the same
filters; export.py writes a figure as CSV.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from services.access import Principal
from services.indicators import learning, members, peers, practices, sms
from services.indicators.figure import Figure
from services.indicators.period import Filters, default_filters

FIGURES: dict[str, Callable[..., Figure]] = {
    "onboarded": members.onboarded,
    "active": members.active,
    "stories": learning.stories,
    "questions": learning.questions,
    "introductions": peers.introductions,
    "visits": peers.visits,
    "documented": practices.documented,
    "replication": practices.replication,
    "sms": sms.sms_cost,
}
DIMENSIONS = members.DIMENSIONS

__all__ = ["DIMENSIONS", "FIGURES", "Figure", "Filters", "default_filters", "figure"]


def figure(*, session: Session, principal: Principal, key: str, filters: Filters) -> Figure:
    """One figure by its key (KeyError if there is none)."""
    return FIGURES[key](session=session, principal=principal, filters=filters)
