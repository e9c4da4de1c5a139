"""The simulator is a sandbox: who may open it (the SIMULATOR setting), and each browser
sees its own conversations only (its sandbox cookie), over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from content.models import Identity, Member
from peerlearn.app import create_app
from peerlearn.settings import Settings
from tests.support.console import PEOPLE, form_login, make_world
from web.simulator_access import COOKIE

SMS = "+85512345678"
TOKEN = "123456:test-token-not-real"
REAL = {  # provider settings that make a deployment real
    "none": {},
    "telegram": {"telegram_bot_token": TOKEN},
    "twilio": {"twilio_account_sid": "AC" + "0" * 32, "twilio_auth_token": "not-real"},
}


@pytest.fixture
def open_app(settings, services) -> Iterator[Callable[..., TestClient]]:
    """Opens clients (browsers, each with its own cookies) over an app built with the
    given settings; closes them afterwards."""
    opened: list[TestClient] = []

    def browser(**changes) -> TestClient:
        changed = settings.model_copy(update=changes)
        services.settings = changed
        client = TestClient(create_app(changed, services))
        client.__enter__()
        opened.append(client)
        return client

    yield browser
    for client in opened:
        client.__exit__(None, None, None)
    services.settings = settings


def post(client: TestClient, text: str, address: str = SMS):
    return client.post("/simulator/api/messages",
                       json={"channel": "sms", "address": address, "text": text})


def history(client: TestClient, address: str = SMS) -> list[tuple[str, str]]:
    response = client.get("/simulator/api/messages",
                          params={"channel": "sms", "address": address})
    assert response.status_code == 200, response.text
    return [(m["direction"], m["text"]) for m in response.json()["messages"]]


@pytest.mark.parametrize("setting, real, access", [
    ("auto", "none", "open"),
    ("auto", "telegram", "login"),
    ("auto", "twilio", "login"),
    ("open", "telegram", "open"),
    ("login", "none", "login"),
    ("off", "none", "off"),
])
def test_the_setting_decides_who_may_use_it(setting, real, access):
    assert Settings(simulator=setting, **REAL[real]).simulator_access() == access


# setting, providers -> anonymous page status (and where it goes), API status
ANONYMOUS = [
    ("auto", "none", 200, None, 200),
    ("auto", "telegram", 303, "/admin/login?next=/simulator", 401),
    ("auto", "twilio", 303, "/admin/login?next=/simulator", 401),
    ("open", "telegram", 200, None, 200),
    ("login", "none", 303, "/admin/login?next=/simulator", 401),
    ("off", "none", 404, None, 404),
]


@pytest.mark.parametrize("setting, real, page, location, api", ANONYMOUS,
                         ids=[f"{r[0]}-{r[1]}" for r in ANONYMOUS])
def test_an_anonymous_visitor(open_app, services, setting, real, page, location, api):
    browser = open_app(simulator=setting, **REAL[real])
    response = browser.get("/simulator", follow_redirects=False)
    assert response.status_code == page
    assert response.headers.get("location") == location
    assert post(browser, "hi").status_code == api
    assert browser.get("/simulator/api/messages",
                       params={"channel": "sms", "address": SMS}).status_code == api
    with Session(services.db) as session:
        assert len(session.exec(select(Member)).all()) == (1 if api == 200 else 0)


def test_with_a_telegram_token_it_works_after_the_console_login(open_app, services):
    make_world(services.db)
    browser = open_app(telegram_bot_token=TOKEN)
    assert browser.get("/simulator", follow_redirects=False).status_code == 303
    logged_in = form_login(browser, PEOPLE["viewer"][0], next_url="/simulator")
    assert (logged_in.status_code, logged_in.url.path) == (200, "/simulator")
    assert '<form id="compose"' in logged_in.text
    response = post(browser, "hi")
    assert response.status_code == 200 and response.json()["replies"]
    assert history(browser)[0] == ("in", "hi")


def test_two_browsers_typing_one_number_are_two_members(open_app, services):
    first, second = open_app(), open_app()
    assert post(first, "hi").status_code == 200
    assert history(second) == []  # the first browser's conversation is not shown
    assert post(second, "hello").status_code == 200
    assert [text for way, text in history(first) if way == "in"] == ["hi"]
    assert [text for way, text in history(second) if way == "in"] == ["hello"]
    assert first.cookies[COOKIE] != second.cookies[COOKIE]
    with Session(services.db) as session:
        rows = session.exec(select(Identity, Member).join(
            Member, Member.id == Identity.member_id)).all()
    assert len(rows) == 2
    assert all(i.provider == "simulator" and i.address.endswith("/" + SMS) for i, _ in rows)
    assert sorted(m.sandbox for _, m in rows) == sorted(
        [first.cookies[COOKIE], second.cookies[COOKIE]])


@pytest.mark.parametrize("cookie", ["", "short", "A" * 21 + "!", "terminal", "legacy"])
def test_a_made_up_sandbox_cookie_is_replaced(open_app, cookie):
    """Only a value the app could have made is kept: no browser joins the terminal's
    sandbox, the legacy one, or a guessable one."""
    browser = open_app()
    response = browser.post("/simulator/api/messages", headers={"Cookie": f"{COOKIE}={cookie}"},
                            json={"channel": "sms", "address": SMS, "text": "hi"})
    assert response.status_code == 200
    made = response.cookies[COOKIE]
    assert made != cookie and len(made) == 22


def test_the_sandbox_cookie_is_httponly_and_samesite(open_app):
    response = open_app().get("/simulator")
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith(f"{COOKIE}="))
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/simulator"} <= attributes


def test_the_front_page_is_the_console_when_the_simulator_is_off(open_app):
    response = open_app(simulator="off").get("/", follow_redirects=False)
    assert response.headers["location"] == "/admin"
