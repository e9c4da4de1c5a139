"""The fuzz run (issue 11): schemathesis generates requests for every operation of the
app's own OpenAPI schema and none may be answered with a 5xx.

- The schema is the app's /openapi.json, plus what Telegram and Twilio send to the
  webhooks and get back (the routes read the raw request, so they declare neither).
- The moderation API is called as the admin (a personal API token: Basic would cost an
  Argon2 verification, ~150 ms, per request); the webhooks are signed as their providers
  sign them, so the parsers behind the signature check are fuzzed too.
- Requests reach a world of rows (fuzz_world.py) whose ids the generator also offers;
  the database is emptied and the world laid anew around every operation, and the
  bundled content put back after an operation that may change it.
- Bounded and reproducible: a fixed seed, derandomized, MAX_EXAMPLES per operation
  besides schemathesis' own examples and boundary cases (FUZZ_EXAMPLES=250 in the
  environment fuzzes deeper, in minutes). The terminal summary gives the number of
  requests sent and their statuses, with -v per operation (tests/support/fuzz_summary.py).
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)
from twilio.request_validator import RequestValidator

from content.db import make_engine
from peerlearn.app import create_app
from peerlearn.migrate import upgrade
from peerlearn.settings import Settings
from peerlearn.wiring import build
from tests.bot.test_share import drop_member_practices
from tests.conftest import clear, load_bundled
from tests.support.console import make_world
from tests.support.fuzz_summary import record
from tests.web import fuzz_world
from tests.web.fuzz_webhooks import WEBHOOKS

PUBLIC = "https://peerlearn.example.org"
TELEGRAM_SECRET = "fuzz-telegram-secret"
TWILIO_TOKEN = "fuzz-twilio-auth-token"
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
# Operations that may change the bundled content store (shared by the worker's tests):
# editing, publishing, archiving or restoring a practice; promoting an answer to an FAQ.
CONTENT_WRITERS = ("/api/moderation/practices/{practice_id}",
                   "/api/moderation/answers/{answer_id}/promote")


def own_schema() -> dict:
    """The app's OpenAPI schema, with the webhooks documented. Built over a
    throwaway database at import, since pytest makes one test per operation when it
    collects this module (the schema depends on no row)."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/schema.db"
        engine = make_engine(url)
        upgrade(engine)
        raw = create_app(Settings(database_url=url, run_dispatcher=False)).openapi()
        engine.dispose()
    for path, documented in WEBHOOKS.items():
        raw["paths"][path]["post"].update(documented)
    return raw


CONFIG = schemathesis.Config.from_dict({
    "seed": 11,
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
})
schema = schemathesis.openapi.from_dict(own_schema(), config=CONFIG)


@schema.hook
def flatmap_path_parameters(context, path_parameters: dict | None) -> st.SearchStrategy:
    """As generated, or the ids of the world's rows (fuzz_world.IDS)."""
    known = {name: st.sampled_from(fuzz_world.IDS[name])
             for name in path_parameters or () if name in fuzz_world.IDS}
    if not known:
        return st.just(path_parameters)
    return st.one_of(st.just(path_parameters),
                     st.fixed_dictionaries({**path_parameters, **known}))


@pytest.fixture(scope="module")
def fuzz_services(database_url, db):
    """Services whose webhooks check real secrets (no provider is configured to send)."""
    return build(Settings(database_url=database_url, run_dispatcher=False,
                          public_base_url=PUBLIC, telegram_webhook_secret=TELEGRAM_SECRET,
                          twilio_auth_token=TWILIO_TOKEN, simulator="open"), db=db)


@pytest.fixture(scope="module")
def fuzz_app(fuzz_services):
    """The whole app, built once for the module."""
    return create_app(fuzz_services.settings, fuzz_services)


@pytest.fixture
def admin(fuzz_services, request) -> Iterator[dict[str, str]]:
    """The world laid anew for one operation; the admin's Authorization header."""
    db = fuzz_services.db
    drop_member_practices(db)
    clear(db)
    fuzz_world.seed(db)
    token = make_world(db).tokens["admin"]
    yield {"Authorization": f"Bearer {token}"}
    drop_member_practices(db)
    method, path = request.node.operation_label.split(" ", 1)
    if path.startswith(CONTENT_WRITERS) and method != "GET":
        clear(db, keep_content=False)  # promoted FAQ pairs point at answers
        load_bundled(db)
    else:
        clear(db)


@pytest.fixture
def tally(request) -> Iterator[Counter]:
    """The statuses of the requests this operation sent, for the terminal summary."""
    statuses: Counter = Counter()
    yield statuses
    record(request.node, request.node.operation_label, statuses)


def signed(case) -> None:
    """Signs a webhook request as Telegram or Twilio would; a Twilio form that is not
    one string per field (negative cases) goes unsigned, and gets a 403."""
    path, headers = case.operation.path, dict(case.headers or {})
    if path == "/webhooks/telegram":
        headers["X-Telegram-Bot-Api-Secret-Token"] = TELEGRAM_SECRET
    elif path.startswith("/webhooks/twilio/") and isinstance(case.body, dict) \
            and all(isinstance(value, str) for value in case.body.values()):
        url = PUBLIC + path + ("?" + urlencode(case.query) if case.query else "")
        headers["X-Twilio-Signature"] = RequestValidator(TWILIO_TOKEN).compute_signature(
            url, case.body)
    case.headers = headers


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_is_answered_with_a_server_error(case, fuzz_app, admin, tally):
    signed(case)
    try:
        response = case.call(app=fuzz_app, headers=admin)
    except Exception:  # what a server answers 500, the test client raises
        tally["500 (raised)"] += 1
        raise
    tally[response.status_code] += 1
    checks = [not_a_server_error]
    if response.status_code < 300:  # what a client of the API relies on
        checks += [response_schema_conformance, content_type_conformance]
    case.validate_response(response, checks=checks)
