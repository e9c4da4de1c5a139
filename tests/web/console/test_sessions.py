"""Console sessions end when they should: idle and absolute expiry, logout, a password
change (other sessions only), a disabled account (sessions and API tokens at once)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from content.db import session_scope
from content.models import ConsoleAccount, ConsoleSession, utcnow
from services import accounts
from services.accounts import sessions
from services.accounts.passwords import digest
from tests.support.console import PASSWORD, PEOPLE, csrf_of, form_login
from web.console.core import COOKIE

QUEUE = "/api/moderation/questions/queue"


def session_row(services, client) -> ConsoleSession:
    with Session(services.db) as session:
        return session.exec(select(ConsoleSession).where(
            ConsoleSession.token_hash == digest(client.cookies.get(COOKIE)))).one()


def move(services, client, **times) -> None:
    """Sets the client's session row's times (last_seen_at, expires_at)."""
    with session_scope(services.db) as session:
        row = session.get(ConsoleSession, session_row(services, client).id)
        for name, value in times.items():
            setattr(row, name, value)


def works(client) -> bool:
    """Whether the client's session still opens a console page."""
    response = client.get("/admin/account")
    assert response.status_code in (200, 303)
    return response.status_code == 200


def test_a_session_ends_when_idle_too_long(client_as, services, settings):
    idle = timedelta(minutes=settings.console_session_idle_minutes)
    browser = client_as("moderator")
    move(services, browser, last_seen_at=utcnow() - idle + timedelta(minutes=5))
    assert works(browser)  # used again: the idle clock starts over
    assert session_row(services, browser).last_seen_at > utcnow() - timedelta(minutes=1)
    move(services, browser, last_seen_at=utcnow() - idle - timedelta(seconds=1))
    assert not works(browser)
    assert browser.get("/admin/account").headers["location"].startswith("/admin/login")


def test_a_session_ends_at_its_absolute_limit_however_busy(client_as, services):
    browser = client_as("moderator")
    move(services, browser, expires_at=utcnow() - timedelta(seconds=1))
    assert not works(browser)


def test_the_session_service_takes_the_time_it_is_given(world, services):
    lifetime = sessions.Lifetime(idle=timedelta(hours=1), absolute=timedelta(hours=3))
    start = utcnow()
    with session_scope(services.db) as session:
        account = session.get(ConsoleAccount, world.accounts["viewer"])
        token, _ = sessions.start(session=session, account=account, now=start,
                                  lifetime=lifetime)

    def alive(at) -> bool:
        with session_scope(services.db) as session:
            return sessions.find(session=session, token=token, now=at,
                                 lifetime=lifetime) is not None

    assert alive(start + timedelta(minutes=59))
    assert alive(start + timedelta(minutes=118))  # 59 minutes after the last use
    assert not alive(start + timedelta(minutes=178, seconds=1))  # idle again
    assert alive(start + timedelta(minutes=177))
    assert alive(start + timedelta(minutes=179, seconds=59))
    assert not alive(start + timedelta(hours=3))  # used a minute ago, but 3 hours old


def test_logging_out_ends_the_session_for_good(client_as, services):
    browser = client_as("moderator")
    old = browser.cookies.get(COOKIE)
    page = browser.get("/admin/account")
    response = browser.post("/admin/logout", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login?ok=logged_out"
    assert f'{COOKIE}=""' in response.headers["set-cookie"]
    browser.cookies.set(COOKIE, old, path="/admin")  # a copy of the cookie kept elsewhere
    assert not works(browser)
    assert session_row(services, browser).revoked_at is not None


def test_a_password_change_ends_the_other_sessions_but_not_this_one(world, client_as,
                                                                    anonymous, services):
    here, elsewhere = client_as("moderator"), client_as("moderator")
    page = here.get("/admin/account")
    response = here.post("/admin/account/password", data={
        "csrf_token": csrf_of(page.text), "old": PASSWORD, "new": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert response.status_code == 303
    assert works(here)
    assert not works(elsewhere)
    assert form_login(anonymous, PEOPLE["moderator"][0], PASSWORD).status_code == 401
    assert form_login(anonymous, PEOPLE["moderator"][0],
                      "a brand new passphrase").status_code == 303


def test_a_wrong_current_password_changes_nothing(client_as, anonymous):
    here, elsewhere = client_as("moderator"), client_as("moderator")
    page = here.get("/admin/account")
    response = here.post("/admin/account/password", data={
        "csrf_token": csrf_of(page.text), "old": "not it at all",
        "new": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert response.status_code == 422
    assert "The current password is not right." in response.text
    assert works(elsewhere)
    assert form_login(anonymous, PEOPLE["moderator"][0]).status_code == 303


def test_ending_another_session_from_the_account_page(client_as):
    here, elsewhere = client_as("moderator"), client_as("moderator")
    page = here.get("/admin/account")
    assert page.text.count("/revoke\"") >= 1
    other = [line for line in page.text.splitlines() if "/account/sessions/" in line]
    assert len(other) == 1  # this browser's own row has no button
    action = other[0].split('action="')[1].split('"')[0]
    assert here.post(action, data={"csrf_token": csrf_of(page.text)}).status_code == 303
    assert works(here)
    assert not works(elsewhere)


def test_disabling_an_account_stops_its_sessions_and_tokens_at_once(world, client_as,
                                                                    services):
    browser = client_as("moderator")
    bearer = {"Authorization": f"Bearer {world.tokens['moderator']}"}
    assert browser.get(QUEUE, headers=bearer).status_code == 200
    with session_scope(services.db) as session:
        accounts.set_disabled(session=session, account_id=world.accounts["moderator"],
                              disabled=True, actor="tests", now=utcnow())
    assert not works(browser)
    assert browser.get(QUEUE, headers=bearer).status_code == 401
    with session_scope(services.db) as session:  # enabled again: they log in afresh
        accounts.set_disabled(session=session, account_id=world.accounts["moderator"],
                              disabled=False, actor="tests", now=utcnow())
    assert not works(browser)
    assert browser.get(QUEUE, headers=bearer).status_code == 401
