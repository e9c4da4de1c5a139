"""Indicators and goals: readers see the dashboard, staff set goals (indicators.read,
goals.set); the charts' stylesheet is public like /static."""

from __future__ import annotations

from tests.web.console.routes import row

READERS = dict(admin=200, moderator=200, translator=403, viewer=200)


def figure(_db, _world) -> dict:
    return {"key": "onboarded"}


GOAL = {"org": "cedac", "indicator": "onboarded", "country": "KH", "start": "2026-01-01",
        "end": "2026-12-31", "target": "200"}

ROWS = [
    row("GET", "/admin/indicators", **READERS),
    row("GET", "/admin/indicators/charts.css", anonymous=200, admin=200, moderator=200,
        translator=200, viewer=200),
    row("GET", "/admin/indicators/{key}.csv", **READERS, setup=figure),
    row("GET", "/admin/indicators/{key}", **READERS, setup=figure),
    row("POST", "/admin/indicators/goals", admin=303, moderator=303, translator=403,
        viewer=403, form=GOAL),
    # Measuring again changes no goal, only its stored progress: every reader may.
    row("POST", "/admin/indicators/goals/measure", admin=303, moderator=303, translator=403,
        viewer=303, form={"org": "cedac"}),
]
