"""The database out of reach: 503 on every route that needs it, never a 500.

Over real HTTP (uvicorn on 127.0.0.1), with the database really unreachable: the app's
engine goes through a way the test cuts (tests/support/outage.py: a TCP proxy it owns on
PostgreSQL, a link to the file on SQLite). Rows: (method, path, how the request is sent,
the status while the database is up, the kind of 503 answer while it is down).
"""

from __future__ import annotations

import httpx
import pytest

from content.db import session_scope
from content.models import ConsoleAccount, utcnow
from peerlearn.app import create_app
from peerlearn.wiring import build
from services.accounts import sessions
from tests.conftest import clear
from tests.support.console import make_world
from tests.support.live import PUBLIC, SECRET, live_settings
from tests.support.outage import cuttable
from tests.support.server import serving
from tests.webhooks.channels.fake_twilio import sign
from tests.webhooks.channels.test_telegram import message
from tests.webhooks.channels.test_twilio import sms
from web.console.core import COOKIE

JSON, PAGE = "application/json", "text/html"
SIM = {"channel": "sms", "address": "+85512345678", "text": "hi"}


def send(client: httpx.Client, access: dict, method: str, path: str, how: str):
    """The request as its caller sends it: a provider, a member, a moderator."""
    if how == "telegram":
        return client.post(path, json=message(text="hi"),
                           headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    if how == "twilio":
        form = sms("hi")
        return client.post(path, data=form,
                           headers={"X-Twilio-Signature": sign(PUBLIC + path, form)})
    if how == "simulator":  # behind the console login, since providers are configured
        return client.request(method, path, json=SIM if method == "POST" else None,
                              headers={"Cookie": access["cookie"]})
    if how == "api":
        return client.request(method, path,
                              headers={"Authorization": f"Bearer {access['token']}"})
    if how == "console":
        return client.request(method, path, headers={"Cookie": access["cookie"],
                                                     "Accept": "text/html"})
    return client.request(method, path)


ROUTES = [
    # (method, path, how, status while up, answer while down)
    ("GET", "/readyz", "plain", 200, JSON),
    ("POST", "/webhooks/telegram", "telegram", 200, JSON),
    ("POST", "/webhooks/twilio/sms", "twilio", 200, JSON),
    ("GET", "/api/search?q=rice&lang=en", "plain", 200, JSON),
    ("GET", "/api/languages", "plain", 200, JSON),
    ("POST", "/simulator/api/messages", "simulator", 200, JSON),
    ("GET", "/simulator/api/messages?channel=sms&address=%2B85512345678", "simulator", 200,
     JSON),
    ("GET", "/api/moderation/questions/queue", "api", 200, JSON),
    ("GET", "/api/moderation/members", "api", 200, JSON),
    ("GET", "/api/moderation/introductions", "api", 200, JSON),
    ("POST", "/api/moderation/practices/999999/archive", "api", 404, JSON),
    ("GET", "/admin", "console", 200, PAGE),
    ("GET", "/admin/members", "console", 200, PAGE),
    ("GET", "/admin/queues/escalated", "console", 200, PAGE),
    ("GET", "/admin/practices", "console", 200, PAGE),
]


@pytest.fixture
def app_over_a_cuttable_database(settings, database_url, db, tmp_path, fake_telegram,
                                 fake_twilio):
    """(base URL, outage, access) for the whole app served over a way to the test
    database that the test can cut."""
    clear(db)
    world = make_world(db)
    with session_scope(db) as session:
        cookie, _ = sessions.start(session=session, now=utcnow(),
                                   account=session.get(ConsoleAccount,
                                                       world.accounts["admin"]),
                                   lifetime=sessions.Lifetime())
    access = {"token": world.tokens["admin"], "cookie": f"{COOKIE}={cookie}"}
    with cuttable(database_url, tmp_path) as outage:
        services = build(live_settings(settings, fake_telegram, fake_twilio),
                         db=outage.engine)
        with serving(create_app(services.settings, services)) as base:
            yield base, outage, access
    clear(db)


def test_every_route_answers_503_while_the_database_is_out_of_reach(
        app_over_a_cuttable_database):
    base, outage, access = app_over_a_cuttable_database
    with httpx.Client(base_url=base, follow_redirects=False, timeout=60) as client:
        up = {path: send(client, access, method, path, how).status_code
              for method, path, how, _, _ in ROUTES}
        assert up == {path: status for _, path, _, status, _ in ROUTES}
        outage.cut()
        down = {}
        for method, path, how, _, _ in ROUTES:
            try:
                response = send(client, access, method, path, how)
            except httpx.TransportError as exc:  # the server dropped the connection
                down[path] = (type(exc).__name__, None)
                continue
            down[path] = (response.status_code,
                          response.headers.get("content-type", "").split(";")[0])
        assert down == {path: (503, kind) for _, path, _, _, kind in ROUTES}
        assert client.get("/healthz").status_code == 200  # the process itself is up
