"""The indicators dashboard in the console: each figure's chart (inline SVG without
script or inline style, which the CSP forbids), table and CSV with the page's filters;
member-written titles escaped; an organisation's accounts see their members only;
goals set through the form (CSRF, audit) with their progress."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from sqlmodel import Session, select

from content.models import AuditLog, Goal, Member, Practice, PracticeTranslation, Reading, utcnow
from tests.support.console import csrf_of
from tests.support.indicators_data import remove

TITLE = "=HYPERLINK(\"x\") <script>alert(1)</script>"


def members(db, world) -> None:
    """Three onboarded in KH (two CEDAC's), one in PH (PARC's), one in the simulator;
    one of CEDAC's read a practice whose title a member wrote."""
    now = utcnow() - timedelta(hours=1)
    with Session(db) as session:
        rows = [Member(country="KH", onboarded_at=now, organisation_id=world.orgs["cedac"]),
                Member(country="KH", onboarded_at=now),
                Member(country="KH", onboarded_at=now, organisation_id=world.orgs["cedac"]),
                Member(country="PH", onboarded_at=now, organisation_id=world.orgs["parc"]),
                Member(country="KH", onboarded_at=now, sandbox="S" * 22)]
        session.add_all(rows)
        session.flush()
        practice = Practice(slug="web-indicators-share", pack="test-indicators",
                            contributor_id=rows[0].id, created_at=now)
        session.add(practice)
        session.flush()
        session.add(PracticeTranslation(practice_id=practice.id, lang="km", title=TITLE))
        session.add(Reading(member_id=rows[0].id, practice_id=practice.id, lang="km",
                            started_at=now, completed_at=now))
        session.commit()


def cleanup(db) -> None:
    remove(db)


def main_of(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_figure_page_has_its_chart_table_and_csv_for_the_accounts_members(
        client_as, services, world):
    members(services.db, world)
    try:
        moderator = client_as("moderator")
        page = moderator.get("/admin/indicators/onboarded?by=country")
        assert page.status_code == 200
        main = main_of(page.text)
        assert "<svg" in main and "<script" not in main and "<style" not in main
        assert not re.search(r"\sstyle=", main)
        cells = re.findall(r"<td>(.*?)</td>", main)
        assert cells[-2:] == ["KH", "3"]  # CEDAC's two and the unassigned one in KH
        download = moderator.get("/admin/indicators/onboarded.csv?by=country&country=KH")
        assert download.headers["content-type"].startswith("text/csv")
        table = list(csv.reader(io.StringIO(download.text)))
        assert table[0] == ["week", "country", "members"] and table[1][1:] == ["KH", "3"]
        admin = client_as("admin")
        everyone = re.findall(r"<td>(.*?)</td>", main_of(
            admin.get("/admin/indicators/onboarded").text))
        assert everyone[-5:-3] + everyone[-2:] == ["KH", "3", "PH", "1"]
        parc = main_of(admin.get("/admin/indicators/onboarded?org=parc").text)
        assert re.findall(r"<td>(.*?)</td>", parc)[-2:] == ["PH", "1"]
    finally:
        cleanup(services.db)


def test_member_written_titles_are_escaped_in_chart_table_and_csv(client_as, services,
                                                                   world):
    members(services.db, world)
    try:
        moderator = client_as("moderator")
        page = moderator.get("/admin/indicators/stories").text
        assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
        assert page.count("&lt;script&gt;alert(1)") >= 2  # the table and the chart
        rows = list(csv.reader(io.StringIO(
            moderator.get("/admin/indicators/stories.csv").text)))
        assert rows[1] == ["'" + TITLE, "km", "1", "1"]
    finally:
        cleanup(services.db)


def test_a_moderator_sets_a_goal_and_sees_its_progress(client_as, services, world):
    members(services.db, world)
    try:
        moderator = client_as("moderator")
        page = moderator.get("/admin/indicators")
        today = utcnow().date()
        goal = {"indicator": "onboarded", "country": "KH", "target": "4",
                "start": (today - timedelta(days=7)).isoformat(), "end": today.isoformat()}
        refused = moderator.post("/admin/indicators/goals", data=goal)
        assert refused.status_code == 403  # no CSRF token
        done = moderator.post("/admin/indicators/goals",
                              data={**goal, "csrf_token": csrf_of(page.text)})
        assert done.status_code == 303
        shown = " ".join(main_of(moderator.get(done.headers["location"]).text).split())
        assert "3 / 4" in shown and "(75 %)" in shown
        bad = moderator.post("/admin/indicators/goals", data={
            **goal, "target": "lots", "csrf_token": csrf_of(page.text)})
        assert bad.status_code == 422 and "whole number" in bad.text
        assert "3 / 4" not in client_as("parc").get("/admin/indicators").text
        with Session(services.db) as session:
            assert session.exec(select(Goal.organisation_id)).all() == [world.orgs["cedac"]]
            assert session.exec(select(AuditLog.action)).all() == ["goal.set"]
    finally:
        cleanup(services.db)


def test_nonsense_filters_fall_back_and_unknown_figures_are_not_found(client_as, services):
    viewer = client_as("viewer")
    assert viewer.get("/admin/indicators/nothing").status_code == 404
    page = viewer.get("/admin/indicators/questions?start=x&end=2026-13-01&by=<b>&country=Ω")
    assert page.status_code == 200 and "<b>" not in main_of(page.text)
