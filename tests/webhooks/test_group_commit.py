"""Group commit: concurrent webhook requests share a transaction, and each is answered
only once it committed; a commit that fails answers 503 to every request of its batch
and stores none of them.

The requests run concurrently through the real app (httpx over ASGI, one event loop).
A commit is made to fail by a SQLAlchemy event this test adds to an engine of its own.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.inbox import InboundItem
from content.db import make_engine
from content.models import InboundMessage
from peerlearn.app import create_app
from peerlearn.wiring import build
from tests.conftest import clear
from tests.support.live import PUBLIC, live_settings
from tests.webhooks.channels.fake_twilio import sign
from tests.webhooks.channels.test_twilio import sms
from webhooks.group_commit import GroupCommit

PATH = "/webhooks/twilio/sms"


class Refused(Exception):
    """The database refused the commit (raised by the test's event)."""


@dataclass(eq=False)
class Commits:
    """The commits of an engine of the test's own: counted, refused while `refuse`."""

    engine: Engine
    count: int = 0
    refuse: bool = False

    def seen(self, conn) -> None:
        self.count += 1
        if self.refuse:
            raise Refused("the database refused the commit")


@pytest.fixture
def commits(database_url, db):
    clear(db)
    watched = Commits(make_engine(database_url))
    event.listen(watched.engine, "commit", watched.seen)
    yield watched
    watched.engine.dispose()
    clear(db)


def stored(db, sid: str | None = None) -> int:
    query = select(func.count()).select_from(InboundMessage)
    if sid is not None:
        query = query.where(InboundMessage.provider_key == sid)
    with Session(db) as session:
        return session.execute(query).scalar_one()


async def post_all(app, db, forms: list[dict]) -> list[tuple[int, int]]:
    """Posts the forms at once; for each, the status and how many rows of its
    MessageSid were committed when the answer came."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://10.1.2.3") as client:
        async def post(form):
            response = await client.post(PATH, data=form, headers={
                "X-Twilio-Signature": sign(PUBLIC + PATH, form)})
            return response.status_code, await asyncio.to_thread(
                stored, db, form["MessageSid"])
        return await asyncio.gather(*(post(form) for form in forms))


def distinct(n: int) -> list[dict]:
    return [sms("hi", sender=f"+8551200{i:04d}") for i in range(n)]


def repeated(n: int, times: int) -> list[dict]:
    return [form for form in distinct(n) for _ in range(times)]


@pytest.mark.parametrize("label, forms, rows", [
    ("one request", distinct(1), 1),
    ("thirty new members at once", distinct(30), 30),
    ("each MessageSid three times at once", repeated(10, 3), 10),
])
def test_every_answer_comes_after_its_commit(settings, commits, fake_twilio, label, forms,
                                             rows):
    db = commits.engine
    services = build(live_settings(settings, fake_twilio), db=db)
    answers = asyncio.run(post_all(create_app(services.settings, services), db, forms))
    assert answers == [(200, 1)] * len(forms), label  # stored when answered, once
    assert stored(db) == rows


def test_a_failed_commit_answers_503_to_its_whole_batch_and_stores_none(
        settings, commits, fake_twilio):
    db = commits.engine
    services = build(live_settings(settings, fake_twilio), db=db)
    app = create_app(services.settings, services)
    commits.refuse = True
    answers = asyncio.run(post_all(app, db, distinct(20)))
    assert answers == [(503, 0)] * 20
    assert stored(db) == 0
    commits.refuse = False  # the provider retries, and now it is kept
    assert asyncio.run(post_all(app, db, distinct(3))) == [(200, 1)] * 3


def test_requests_waiting_together_share_one_transaction(settings, commits):
    """Requests that arrive while nothing is being written go in one commit."""
    store = GroupCommit(build(settings, db=commits.engine).inbox)
    items = [[InboundItem(provider="twilio", channel="sms", address=f"+8551200{i:04d}",
                          provider_key=f"SM{i}", text="hi")] for i in range(25)]

    async def run():
        return await asyncio.gather(*(store.store(request) for request in items))

    before = commits.count
    results = asyncio.run(run())
    assert commits.count - before == 1
    assert [len(result) for result in results] == [1] * 25
    assert not any(r.duplicate for result in results for r in result)
    assert stored(commits.engine) == 25
