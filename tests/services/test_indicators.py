"""Indicators (services/indicators): every figure against counts computed here, in
Python, from the generated programme (tests/support/indicators_data.py), for an admin,
an organisation's moderator, and with country and organisation filters; goals measured
with the same figures; CSV cells that would run as formulas are quoted."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta
from statistics import median
from types import SimpleNamespace

import pytest
from sqlmodel import Session, select

from content.models import AuditLog
from services.access import Principal, sees_member
from services.indicators import FIGURES, Figure, default_filters, figure, goals
from services.indicators.export import to_csv
from services.indicators.figure import Series
from services.indicators.scope import organisation_reader
from tests.support import indicators_data
from tests.support.indicators_data import TODAY, Data

OUTCOMES = ("adopted", "adapted", "abandoned")


@pytest.fixture
def data(services) -> Data:
    yield indicators_data.generate(services.db)
    indicators_data.remove(services.db)


def admin() -> Principal:
    return Principal(account_id=None, email="a@x", name="A", role="admin")


def moderator(data: Data, slug: str = "cedac") -> Principal:
    org, country = data.orgs[slug]
    return Principal(account_id=None, email="m@x", name="M", role="moderator",
                     organisation_id=org, country=country)


class Expect:
    """The figures, computed from the Python rows."""

    def __init__(self, data: Data, principal: Principal, filters) -> None:
        self.data, self.f = data, filters
        self.members = {m["id"]: m for m in data.members if self._counted(principal, m)}

    def _counted(self, principal, m) -> bool:
        row = SimpleNamespace(organisation_id=m["organisation_id"], country=m["country"])
        f = self.f
        return m["sandbox"] is None and sees_member(principal, row) \
            and (not f.country or m["country"] == f.country) \
            and (f.organisation_id is None or sees_member(
                organisation_reader(f.organisation_id, f.organisation_country), row))

    def within(self, moment) -> bool:
        return moment is not None and self.f.since <= moment < self.f.until

    @staticmethod
    def week(moment) -> str:
        day = moment.date() if isinstance(moment, datetime) else moment
        return (day - timedelta(days=day.weekday())).isoformat()

    def ours(self, kind: str, key: str = "member_id") -> list[dict]:
        return [r for r in self.data.rows.get(kind, []) if r[key] in self.members]

    def onboarded(self):
        by = self.f.by
        counts = Counter((self.week(m["onboarded_at"]), v or "?")
                         for m in self.members.values() if self.within(m["onboarded_at"])
                         for v in (m["channels"] if by == "channel" else [m[by]]))
        return sorted((w, v, n) for (w, v), n in counts.items())

    def active(self):
        since = self.f.until - timedelta(days=30)
        seen = {(r["member_id"], r["channel"] if self.f.by == "channel"
                 else self.members[r["member_id"]][self.f.by])
                for r in self.ours("inbound") if since <= r["received_at"] < self.f.until}
        return sorted(Counter(v or "?" for _, v in seen).items())

    def stories(self):
        counts = defaultdict(lambda: [0, 0])
        for r in self.ours("readings"):
            title = self.data.titles.get((r["practice_id"], r["lang"])) \
                or self.data.slugs[r["practice_id"]]
            if self.within(r["started_at"]) or self.within(r["completed_at"]):
                counts[(title, r["lang"])][0] += self.within(r["started_at"])
                counts[(title, r["lang"])][1] += self.within(r["completed_at"])
        return sorted((t, lang, s, c) for (t, lang), (s, c) in counts.items())

    def questions(self):
        weeks = {w: [0, 0, 0, 0, []] for w in self.f.weeks()}
        for q in self.ours("questions"):
            if self.within(q["created_at"]):
                tally = weeks[self.week(q["created_at"])]
                tally[0] += 1
                tally[1] += q["answer_kind"] is not None
                tally[2] += bool(q["relayed"])
                tally[3] += q["escalated_at"] is not None
                if q["relayed"]:
                    tally[4].append((min(q["relayed"]) - q["created_at"]).total_seconds()
                                    / 3600)
        return [(w, a, s, p, e, round(median(h), 1) if h else None)
                for w, (a, s, p, e, h) in sorted(weeks.items())]

    def introductions(self):
        weeks = {w: [0, 0, 0] for w in self.f.weeks()}
        for r in self.ours("introductions", "member_a"):
            if self.within(r["created_at"]):
                tally = weeks[self.week(r["created_at"])]
                tally[0] += 1
                tally[1] += r["a_accepted"] is True and r["b_accepted"] is True
                tally[2] += r["a_shares_contact"] or r["b_shares_contact"]
        return [(w, *t) for w, t in sorted(weeks.items())]

    def visits(self):
        counts = Counter(self.week(r["created_at"]) for r in self.ours("visits")
                         if self.within(r["created_at"]))
        made = Counter(self.week(day) for day, _ in self.visits_made())
        return [(w, counts[w], made[w]) for w in self.f.weeks()]

    def visits_made(self) -> set[tuple[date, int]]:
        """(last day, member) of each visit made: not cancelled, over, and the member
        came (where attendance was recorded for the visit) or said yes (where not)."""
        since, until = self.f.since.date(), self.f.until.date()
        return {(r["ends_on"], r["member_id"]) for r in self.ours("visit_invites")
                if not r["cancelled"] and r["ends_on"] < date.today()
                and since <= r["ends_on"] < until
                and (r["attended"] is True if r["recorded"] else r["status"] == "yes")}

    def documented(self):
        rows = self.ours("practices")
        made = Counter(self.week(r["created_at"]) for r in rows if self.within(r["created_at"]))
        out = Counter(self.week(r["published_at"]) for r in rows
                      if self.within(r["published_at"]))
        return [(w, made[w], out[w]) for w in self.f.weeks()]

    def replication(self):
        counts = defaultdict(Counter)
        for r in self.ours("reports"):
            if self.within(r["created_at"]) and r["outcome"] in OUTCOMES:
                counts[(self.data.slugs[r["practice_id"]], r["country"] or "?")][r["outcome"]] += 1
        return sorted((s, c, *(n[o] for o in OUTCOMES)) for (s, c), n in counts.items())

    def sms(self):
        counts = defaultdict(lambda: [0, 0, 0.0, 0.0])
        for r in self.ours("sms"):
            if self.within(r["created_at"]) and r["channel"] == "sms" \
                    and r["status"] not in ("suppressed", "skipped", "withdrawn"):
                tally = counts[(self.week(r["created_at"]),
                                self.members[r["member_id"]]["country"] or "?")]
                tally[0] += 1
                tally[1] += r["billed_segments"] or r["segments"]
                if r["unit_price"] and r["billed_segments"]:
                    tally[2] += r["unit_price"] * r["billed_segments"]
                tally[3] += r["cost_estimate"] or 0
        return sorted((w, c, *t) for (w, c), t in counts.items())


def check(session, principal, filters, expect: Expect) -> None:
    for key in FIGURES:
        found = figure(session=session, principal=principal, key=key, filters=filters)
        want = getattr(expect, key)()
        rows = sorted(found.rows, key=repr) if key in ("onboarded", "active", "stories",
                                                       "replication", "sms") else found.rows
        if key == "sms":  # costs are sums of floats: compared to the cent's hundredth
            assert [r[:4] for r in rows] == [r[:4] for r in sorted(want, key=repr)]
            assert [r[4:] for r in rows] == [pytest.approx(r[4:], abs=1e-3)
                                             for r in sorted(want, key=repr)]
        else:
            assert rows == sorted(want, key=repr) if key not in (
                "questions", "introductions", "visits", "documented") else rows == want, key


def test_the_generated_programme_has_something_in_every_figure(services, data):
    expect = Expect(data, admin(), default_filters(TODAY))
    for key in FIGURES:
        assert any(any(isinstance(v, int) and v for v in row)
                   for row in getattr(expect, key)()), key


def test_the_generated_visits_have_attendance_that_changes_what_counts(services, data):
    """Where attendance is recorded someone said yes and did not come, so counting the
    yes answers alone would give another figure than the one checked."""
    expect = Expect(data, admin(), default_filters(TODAY))
    said_yes = {(r["ends_on"], r["member_id"]) for r in expect.ours("visit_invites")
                if not r["cancelled"] and r["status"] == "yes"
                and expect.f.since.date() <= r["ends_on"] < expect.f.until.date()}
    made = expect.visits_made()
    assert made < said_yes and made


@pytest.mark.parametrize("who", ["admin", "moderator", "parc"])
@pytest.mark.parametrize("by", ["country", "language", "channel", "role"])
def test_every_figure_matches_the_counts_for_each_account(services, data, who, by):
    principal = admin() if who == "admin" else moderator(data, "parc" if who == "parc"
                                                         else "cedac")
    filters = default_filters(TODAY, by=by)
    with Session(services.db) as session:
        check(session, principal, filters, Expect(data, principal, filters))


@pytest.mark.parametrize("country,org", [("KH", None), (None, "parc"), ("KH", "cedac"),
                                         ("LA", "cedac")])
def test_country_organisation_and_period_filters(services, data, country, org):
    org_id, org_country = data.orgs[org] if org else (None, None)
    filters = replace(default_filters(TODAY), start=TODAY - timedelta(days=40),
                      end=TODAY - timedelta(days=3), country=country,
                      organisation_id=org_id, organisation_country=org_country)
    with Session(services.db) as session:
        check(session, admin(), filters, Expect(data, admin(), filters))


def test_a_goal_is_measured_with_the_dashboard_figures_and_audited(services, data):
    cedac, _ = data.orgs["cedac"]
    start, end = TODAY - timedelta(days=60), TODAY
    with Session(services.db) as session:
        goal = goals.create(session=session, principal=moderator(data), organisation_id=None,
                            indicator="onboarded", country="KH", start=start, end=end,
                            target=10)
        goals.create(session=session, principal=moderator(data, "parc"), organisation_id=cedac,
                     indicator="replication", country=None, start=start, end=end, target=3)
        session.commit()
        seen = goals.progress(session=session, principal=moderator(data))
        audit = session.exec(select(AuditLog).where(AuditLog.action == "goal.set")).all()
    assert [p.goal.indicator for p in seen] == ["onboarded"]  # PARC's went to PARC
    assert goal.organisation_id == cedac and len(audit) == 2
    filters = replace(default_filters(TODAY), start=start, end=end, country="KH",
                      organisation_id=cedac, organisation_country="KH")
    expected = sum(n for _, _, n in Expect(data, admin(), filters).onboarded())
    assert seen[0].value == expected and expected > 0
    assert seen[0].percent == min(100, expected * 100 // 10)


def test_a_goal_must_make_sense(services, data):
    with Session(services.db) as session:
        for values, reason in [(dict(indicator="nothing"), "what the goal counts"),
                               (dict(target=0), "above zero"),
                               (dict(end=TODAY - timedelta(days=9)), "ends before")]:
            asked = dict(session=session, principal=moderator(data), organisation_id=None,
                         indicator="onboarded", country=None, start=TODAY, end=TODAY,
                         target=5) | values
            with pytest.raises(goals.Refused, match=reason):
                goals.create(**asked)
        with pytest.raises(goals.Refused, match="organisation"):
            goals.create(session=session, principal=admin(), organisation_id=None,
                         indicator="onboarded", country=None, start=TODAY, end=TODAY, target=5)


def test_csv_cells_that_would_run_as_formulas_are_quoted():
    found = Figure("x", "X", ("practice", "n"), [("=HYPERLINK(\"x\")", 3), ("@sum", -2),
                                                 ("+1", 0), ("-a", None), ("plain", 1.5)],
                   series=(Series("n", (3,)),))
    assert to_csv(found).splitlines() == ["practice,n", "\"'=HYPERLINK(\"\"x\"\")\",3",
                                          "'@sum,-2", "'+1,0", "'-a,", "plain,1.5"]


def test_default_period_is_twelve_iso_weeks(services):
    filters = default_filters(date(2026, 11, 20))  # a Friday
    assert filters.weeks()[0] == "2026-08-31" and filters.weeks()[-1] == "2026-11-16"
    assert len(filters.weeks()) == 12


def test_visits_made_are_those_who_came_where_recorded_else_yes_answers(services):
    from content.models import Practice
    from content.models.visits import Visit, VisitInvite
    from tests.services.test_broadcasts import member

    today = date.today()
    db = services.db
    went, declined, simulated, other = (
        member(db, f"+8551200000{n}", language="km", country="KH", **extra)
        for n, extra in ((1, {}), (2, {}), (3, {"sandbox": "S" * 22}), (4, {})))
    with Session(db) as session:
        practice = session.exec(select(Practice.id)).first()
        last_week = today - timedelta(days=7)
        three_weeks = today - timedelta(days=21)
        visits = {name: Visit(practice_id=practice, starts_on=day, ends_on=day, place="Takeo",
                              capacity=5, status=status, created_by="t")
                  for name, day, status in (("over", last_week, "planned"),
                                            ("cancelled", last_week, "cancelled"),
                                            ("to come", today + timedelta(days=7), "planned"),
                                            ("recorded", three_weeks, "planned"))}
        session.add_all(visits.values())
        session.flush()
        for visit, who, answer, came in (
                ("over", went, "yes", None), ("over", declined, "no", None),
                ("over", simulated, "yes", None), ("cancelled", declined, "yes", None),
                ("to come", declined, "yes", None),
                # recorded: of two who said yes, one came; a lapsed offer never counts
                ("recorded", went, "yes", True), ("recorded", declined, "yes", False),
                ("recorded", other, "lapsed", None)):
            session.add(VisitInvite(visit_id=visits[visit].id, member_id=who, status=answer,
                                    attended=came))
        session.commit()
        found = figure(session=session, principal=admin(), key="visits",
                       filters=default_filters(today))
    made = {row[0]: row[2] for row in found.rows}
    assert made[monday(last_week)] == 1 and made[monday(three_weeks)] == 1
    assert sum(made.values()) == 2


def monday(day: date) -> str:
    return (day - timedelta(days=day.weekday())).isoformat()
