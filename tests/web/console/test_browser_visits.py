"""Exchange visits in a real browser, over the fake Twilio server (issue 14, part 4): a
moderator creates a visit from the interest list, invites the member who asked, collects
their answer by SMS, records after the visit that they came, and gets their reflection.

The app runs its processors, dispatcher and scheduler; the member texts through the
signed Twilio webhook and reads what the fake Twilio server was asked to send. The
reflection is asked the day after the visit: the test runs the worker's job pass at that
time (bot/jobs.run_due with a later `now`), as the scheduler would on that day.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from bot import jobs
from content.db import session_scope
from content.models import Member, Visit, VisitInterest, VisitInvite, utcnow
from peerlearn.app import create_app
from peerlearn.wiring import build
from services import visit_invites
from tests.support.browser import chromium_page, log_in, needs_chromium
from tests.support.console import PEOPLE
from tests.support.live import live_settings
from tests.support.server import serving
from tests.support.waiting import wait_for
from tests.web.console.test_browser_questions import DEADLINE, shot, text_by_sms

pytestmark = needs_chromium

PHONE = "+85512345003"
SAW = "Seedlings planted young, one per hill, wide apart"
WILL_TRY = "Wider spacing on one small plot first"


@pytest.fixture
def served(settings, db, services, world, fake_telegram, fake_twilio) -> Iterator[str]:
    """The app over the fake providers, with processors, dispatcher and a quick
    scheduler running, on a port."""
    live = live_settings(settings, fake_telegram, fake_twilio, run_dispatcher=True,
                         run_processor=True, scheduler_every_seconds=0.2)
    with serving(create_app(live, build(live, db=db))) as url:
        yield url


def sms_to(fake_twilio, words: str) -> list[dict]:
    return [m for m in fake_twilio.sent() if m["To"] == PHONE and words in m["Body"]]


def interested_member(db) -> int:
    """A member onboarded by SMS in English who sent VISIT for the SRI practice, with no
    quiet hours (the invitation would otherwise wait for their morning)."""
    def noted() -> int | None:
        with Session(db) as session:
            return session.exec(select(VisitInterest.member_id)).first()

    found = wait_for(noted, "the member's interest, stored by the processor")
    with session_scope(db) as session:
        session.exec(update(Member).where(Member.id == found)
                     .values(quiet_start=0, quiet_end=0))
    return found


def answer_shown(page, status: str) -> bool:
    page.reload()
    return page.locator("td.answer").first.text_content() == status


def test_a_moderator_creates_a_visit_invites_and_collects_answer_and_reflection(
        served, db, services, fake_twilio, tmp_path):
    for said in ["hi", "1", "1", "1", "1", "1", "1", "VISIT sri-cambodia"]:
        text_by_sms(served, said, PHONE)  # onboarding in English, then the interest
    member_id = interested_member(db)
    first_day = utcnow().date() + timedelta(days=10)
    with chromium_page(served) as page:
        log_in(page, PEOPLE["moderator"][0])
        page.locator("nav.side").get_by_text("Exchange visits").click()
        interest = page.locator("table.interest tr", has_text="sri-cambodia")
        assert interest.locator("td.number").text_content() == "1"
        shot(page, tmp_path, "console-visits-interest")
        interest.get_by_role("link", name="Plan a visit").click()
        page.fill("input[name=starts_on]", first_day.isoformat())
        page.fill("input[name=ends_on]", (first_day + timedelta(days=1)).isoformat())
        page.fill("input[name=place]", "Tram Kak, Takeo")
        page.fill("input[name=capacity]", "12")
        page.check("input[name=languages][value=km]")
        page.check("input[name=languages][value=en]")
        page.fill("input[name=bring]", "boots and a notebook")
        page.check("input[name=costs_covered]")
        page.get_by_role("button", name="Plan the visit").click()
        page.get_by_text("The visit is planned").wait_for()
        invite = page.locator("form.invite")
        assert invite.locator(f"input[value='{member_id}']").is_checked()
        invite.get_by_role("button", name="Send the invitations").click()
        page.locator("p.notice", has_text="Invited:").wait_for()
        assert page.locator("td.answer").text_content() == "invited"

        invitation = wait_for(lambda: sms_to(fake_twilio, "Tram Kak, Takeo"),
                              "the invitation's SMS", DEADLINE)[0]["Body"]
        assert "Would you like to come?" in invitation and "\n1 Yes" in invitation
        text_by_sms(served, "1", PHONE)
        wait_for(lambda: answer_shown(page, "yes"), "the answer on the visit's page")
        assert page.locator("dd.seats").text_content() == "1 / 12"
        going = wait_for(lambda: sms_to(fake_twilio, "You are on the list"),
                         "the confirmation SMS", DEADLINE)[0]["Body"]
        assert "boots and a notebook" in going
        shot(page, tmp_path, "console-visit-answers")

        with session_scope(db) as session:  # the visit takes place: it ended yesterday
            visit = session.exec(select(Visit)).one()
            last_day, span = visit.ends_on, visit.ends_on - visit.starts_on
            visit.ends_on = utcnow().date() - timedelta(days=1)
            visit.starts_on = visit.ends_on - span
        page.reload()
        came = page.locator("form.attendance")
        assert came.locator(f"input[value='{member_id}']").is_checked()  # yes: came
        came.get_by_role("button", name="Save who came").click()
        page.locator("p.notice", has_text="Saved who came").wait_for()
        assert page.locator("td.came").text_content() == "yes"
        shot(page, tmp_path, "console-visit-attendance")

        # The reflection, due the day after the last day planned when they said yes.
        day_after = datetime.combine(last_day + timedelta(days=1), visit_invites.SEND_AT)
        ran = jobs.run_due(db, services.catalog, now=day_after, worker="test-day-after")
        assert ran.done >= 1  # the reflection (the reminders too: their days have come)
        wait_for(lambda: sms_to(fake_twilio, "What did you see there?"),
                 "the reflection's first question", DEADLINE)
        text_by_sms(served, SAW, PHONE)
        wait_for(lambda: sms_to(fake_twilio, "What will you try"),
                 "the reflection's second question", DEADLINE)
        text_by_sms(served, WILL_TRY, PHONE)

        def reflected() -> bool:
            page.reload()
            return WILL_TRY in page.locator("table.invitations").text_content()

        wait_for(reflected, "the reflection on the visit's page")
        assert SAW in page.locator("table.invitations").text_content()
        shot(page, tmp_path, "console-visit-reflection")
    with Session(db) as session:
        invite_row = session.exec(select(VisitInvite)).one()
        assert (invite_row.status, invite_row.will_try) == ("yes", WILL_TRY)
