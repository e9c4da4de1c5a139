"""Exchange visits in the console over HTTP: a moderator plans a visit from the interest
list, invites, sees the answers and, after the visit, records who came; the
organisation's calendar feed; other organisations' visits stay hidden."""

from __future__ import annotations

import re
from datetime import timedelta

from icalendar import Calendar
from sqlmodel import Session, select

from bot import jobs
from content.db import session_scope
from content.models import Organisation, Visit, VisitInterest, VisitInvite, utcnow
from services import stories, visit_invites
from tests.bot.test_dialogs import onboard
from tests.support.chat import Chat, Expect


def interested(services) -> tuple[Chat, int]:
    """A Cambodian member on SMS who asked to visit the SRI practice's host."""
    chat = Chat(services, "sms")
    onboard(chat, name="Sokha")
    with session_scope(services.db) as session:
        practice = stories.practice_by_slug(session=session, slug="sri-cambodia")
        session.add(VisitInterest(member_id=chat.member().id, practice_id=practice.id,
                                  country="KH"))
        return chat, practice.id


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def plan(client, practice_id: int, place: str = "Tram Kak, Takeo") -> int:
    form_page = client.get(f"/admin/visits/new?practice={practice_id}")
    assert form_page.status_code == 200 and "sri-cambodia" in form_page.text
    day = (utcnow().date() + timedelta(days=20)).isoformat()
    response = client.post("/admin/visits", data={
        "csrf_token": csrf(form_page.text), "practice_id": practice_id, "starts_on": day,
        "place": place, "capacity": "3", "languages": ["km", "en"], "bring": "boots",
        "costs_covered": "true"})
    assert response.status_code == 303, response.text[:500]
    return int(response.headers["location"].split("/")[-1].split("?")[0])


def test_a_moderator_plans_invites_and_sees_the_answer(services, client_as):
    chat, practice_id = interested(services)
    moderator = client_as("moderator")
    listing = moderator.get("/admin/visits")
    assert "sri-cambodia" in listing.text and "Interest list" in listing.text
    visit_id = plan(moderator, practice_id)
    page = moderator.get(f"/admin/visits/{visit_id}").text
    assert f'name="member_ids" value="{chat.member().id}" checked' in page
    response = moderator.post(f"/admin/visits/{visit_id}/invite", data={
        "csrf_token": csrf(page), "member_ids": [chat.member().id]})
    assert response.status_code == 303
    assert jobs.run_due(services.db, services.catalog, now=utcnow(), worker="t").done == 1
    (invitation,) = chat.received()
    assert "Tram Kak, Takeo" in invitation.text and "\n1 " in invitation.text
    chat.say("1")
    page = moderator.get(f"/admin/visits/{visit_id}").text
    assert '<td class="answer">yes</td>' in page and "1 / 3" in page
    assert client_as("parc").get(f"/admin/visits/{visit_id}").status_code == 404


def test_a_place_too_long_for_an_sms_is_refused(services, client_as):
    _, practice_id = interested(services)
    moderator = client_as("moderator")
    form_page = moderator.get("/admin/visits/new").text
    response = moderator.post("/admin/visits", data={
        "csrf_token": csrf(form_page), "practice_id": practice_id,
        "starts_on": (utcnow().date() + timedelta(days=3)).isoformat(),
        "place": "x" * 41, "capacity": "3"})
    assert response.status_code == 422 and "at most 40 characters" in response.text


def test_the_calendar_feed_lists_the_organisations_visits_by_its_secret(
        services, client_as, anonymous):
    chat, practice_id = interested(services)
    moderator = client_as("moderator")
    visit_id = plan(moderator, practice_id)
    listing = moderator.get("/admin/visits").text
    url = re.search(r'<code class="secret">([^<]+)</code>', listing).group(1)
    assert url.startswith("https://peerlearn.example.org/admin/organisations/cedac/visits/")
    path = "/" + url.split("/", 3)[3]
    response = anonymous.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    with Session(services.db) as session:
        visit = session.get(Visit, visit_id)
        token = session.exec(select(Organisation.calendar_token).where(
            Organisation.slug == "cedac")).one()
    assert event.decoded("dtstart") == visit.starts_on
    assert event.decoded("dtend") == visit.ends_on + timedelta(days=1)
    assert str(event["location"]) == "Tram Kak, Takeo"
    assert str(event["status"]) == "CONFIRMED"
    assert "Sokha" not in response.text  # no member's name in the feed
    wrong = path.replace(token, "x" + token[1:])
    assert anonymous.get(wrong).status_code == 404
    assert anonymous.get(path.replace("/cedac/", "/parc/")).status_code == 404
    page = moderator.get(f"/admin/visits/{visit_id}").text
    moderator.post(f"/admin/visits/{visit_id}/cancel", data={"csrf_token": csrf(page)})
    (event,) = Calendar.from_ical(anonymous.get(path).content).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"
    with Session(services.db) as session:
        assert session.exec(select(VisitInvite)).all() == []


def test_after_the_visit_a_moderator_records_who_came_and_only_they_reflect(
        services, client_as):
    chat, practice_id = interested(services)
    other = Chat(services, "sms", "+85512345601")
    onboard(other, name="Dara")
    moderator = client_as("moderator")
    visit_id = plan(moderator, practice_id)
    with session_scope(services.db) as session:  # both said yes; the visit is over
        for member in (chat.member(), other.member()):
            session.add(VisitInvite(visit_id=visit_id, member_id=member.id, status="yes"))
    page = moderator.get(f"/admin/visits/{visit_id}").text
    assert "Who came" not in page  # not before its last day has passed
    refused = moderator.post(f"/admin/visits/{visit_id}/attendance", data={
        "csrf_token": csrf(page), "came": [chat.member().id]})
    assert refused.status_code == 422 and "Attendance is recorded after" in refused.text
    with session_scope(services.db) as session:
        visit = session.get(Visit, visit_id)
        visit.starts_on = visit.ends_on = utcnow().date() - timedelta(days=2)
    page = moderator.get(f"/admin/visits/{visit_id}").text
    assert "Who came" in page
    assert f'name="came" value="{chat.member().id}" checked' in page  # yes: came, until told
    response = moderator.post(f"/admin/visits/{visit_id}/attendance", data={
        "csrf_token": csrf(page), "came": [chat.member().id]})
    assert response.status_code == 303
    page = moderator.get(response.headers["location"]).text
    assert "Saved who came" in page
    assert f'name="came" value="{other.member().id}" checked' not in page
    with Session(services.db) as session:
        came = dict(session.exec(select(VisitInvite.member_id, VisitInvite.attended)).all())
    assert came == {chat.member().id: True, other.member().id: False}
    with session_scope(services.db) as session:  # the reflection, as the day after plans it
        for invite in session.exec(select(VisitInvite)):
            visit_invites.plan_reminders(session=session, visit=session.get(Visit, visit_id),
                                         invite=invite, now=utcnow())
    assert jobs.run_due(services.db, services.catalog, now=utcnow(), worker="t").done == 1
    chat.check(chat.received(), Expect(keys=("visit.seen_ask",)), "(the one who came)")
    assert other.received() == []


def test_a_viewer_sees_who_came_but_has_no_form(services, client_as):
    chat, practice_id = interested(services)
    visit_id = plan(client_as("moderator"), practice_id)
    with session_scope(services.db) as session:
        session.add(VisitInvite(visit_id=visit_id, member_id=chat.member().id, status="yes",
                                attended=True))
        visit = session.get(Visit, visit_id)
        visit.starts_on = visit.ends_on = utcnow().date() - timedelta(days=2)
    page = client_as("viewer").get(f"/admin/visits/{visit_id}").text
    assert '<td class="came">yes</td>' in page and "Save who came" not in page
