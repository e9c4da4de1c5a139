"""The console keeps an enabled admin even when two admins disable each other at the same
moment (PostgreSQL: the second waits on the first's row locks, then sees it alone)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlmodel import Session

from content.db import session_scope
from content.models import ConsoleAccount, utcnow
from services.accounts import LastAdmin, set_disabled
from tests.support.console import make_world
from tests.support.waiting import wait_for


def waiting_on_a_lock(db) -> bool:
    with db.connect() as connection:
        return connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()")).scalar() > 0


def test_two_admins_disabling_each_other_at_once_leave_one_enabled(services):
    db = services.db
    if db.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite lets one writer in at a time")
    world = make_world(db)
    first, second = world.accounts["admin"], world.accounts["parc"]
    with session_scope(db) as session:
        session.get(ConsoleAccount, second).role = "admin"
    outcome: dict[str, object] = {}

    def second_disables_first() -> None:
        try:
            with session_scope(db) as session:
                set_disabled(session=session, account_id=first, disabled=True,
                             actor="second", now=utcnow())
            outcome["second"] = "disabled the first"
        except LastAdmin:
            outcome["second"] = "refused"

    with Session(db) as session:  # the first admin disables the second, not committed yet
        set_disabled(session=session, account_id=second, disabled=True, actor="first",
                     now=utcnow())
        racer = threading.Thread(target=second_disables_first)
        racer.start()
        wait_for(lambda: waiting_on_a_lock(db) or not racer.is_alive(),
                 "the second admin's transaction to wait on the first's lock")
        assert racer.is_alive(), outcome
        session.commit()
    racer.join(timeout=10)
    assert outcome == {"second": "refused"}
    with Session(db) as session:
        assert session.get(ConsoleAccount, first).disabled_at is None
        assert session.get(ConsoleAccount, second).disabled_at is not None
