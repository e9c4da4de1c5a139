"""Deployment choices reach the flows: HOLD_NEW_ANSWERS=false sends a first-time
answerer's answer straight to the asker."""

from __future__ import annotations

import pytest

from peerlearn.settings import Settings
from peerlearn.wiring import build
from tests.bot.test_answering import FISH, answers, asker, code_in, expert
from tests.conftest import clear


@pytest.mark.parametrize("hold, status, relayed", [(True, "held", False),
                                                   (False, "relayed", True)])
def test_holding_new_answerers_is_a_setting(database_url, db, hold, status, relayed):
    clear(db)
    services = build(Settings(database_url=database_url, run_dispatcher=False,
                              hold_new_answers=hold), db=db)
    try:
        member, answerer = asker(services, "sms"), expert(services, "telegram", trusted=False)
        member.say(f"ASK {FISH}")
        code = code_in(answerer.received())
        answerer.say(f"{code} Dry them on raised racks in the sun.")
        (answer,) = answers(services)
        assert answer.status == status
        assert any("raised racks" in row.text for row in member.received()) is relayed
    finally:
        clear(db)
