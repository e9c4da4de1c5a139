"""Replication counts per practice, country and outcome, and the line under a story's
first snippet: "tried by N enterprises in M countries"."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from content.models import Member, Practice, utcnow
from services import replication
from tests.bot.test_dialogs import CHANNELS, onboard
from tests.support.chat import Chat, choices


def add_reports(services, slug: str, rows: list[tuple[str, str]]) -> int:
    """Members from the given countries report the given outcomes on a practice."""
    with Session(services.db) as session:
        practice_id = session.exec(select(Practice.id).where(Practice.slug == slug)).one()
        for country, outcome in rows:
            member = Member(country=country, onboarded_at=utcnow())
            session.add(member)
            session.flush()
            replication.report(session=session, member=member, practice_id=practice_id,
                               outcome=outcome, now=utcnow())
        session.commit()
    return practice_id


def test_counts_per_practice_country_and_outcome(services):
    practice_id = add_reports(services, "sri-cambodia", [
        ("KH", "adopted"), ("KH", "adapted"), ("LA", "abandoned"), ("VN", "interested"),
        ("MM", "declined")])
    with Session(services.db) as session:
        member = Member(country="KH", onboarded_at=utcnow())
        session.add(member)
        session.flush()
        for outcome in ("interested", "adopted"):  # one enterprise, two reports
            replication.report(session=session, member=member, practice_id=practice_id,
                               outcome=outcome, now=utcnow())
        session.commit()
        reach = replication.reach(session=session, practice_id=practice_id, sandbox=None)
        counts = replication.counts(session=session, practice_id=practice_id)
    assert (reach.enterprises, reach.countries) == (4, 2)  # "not yet", "not for me" are not
    assert [(c.country, c.outcome, c.reports, c.members) for c in counts] == [
        ("KH", "adapted", 1, 1), ("KH", "adopted", 2, 2), ("KH", "interested", 1, 1),
        ("LA", "abandoned", 1, 1), ("MM", "declined", 1, 1), ("VN", "interested", 1, 1)]


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize(("rows", "key", "params"), [
    ([("KH", "adopted")], "tried.count_one", {}),
    ([("KH", "adopted"), ("KH", "abandoned")], "tried.count_n", {"n": 2}),
    ([("KH", "adopted"), ("LA", "adapted"), ("VN", "abandoned"), ("MM", "declined")],
     "tried.count", {"n": 3, "m": 3}),
    ([("KH", "interested"), ("LA", "declined")], None, {}),  # nobody tried it yet
])
def test_the_first_snippet_says_who_tried_it(services, channel, rows, key, params):
    chat = Chat(services, channel)
    onboard(chat)
    add_reports(services, "sri-cambodia", rows)
    first = chat.say("STORY")
    shown = "\n".join(r.text for r in first)
    assert "CEDAC" in shown
    if key is None:
        assert "Tried by" not in shown and len(first) == 1
    else:
        assert services.catalog.text("en", key, channel, **params) in shown, shown
    assert {"1", "2", "0"} <= choices(first)
    more = chat.say("1")
    assert "Tried by" not in "\n".join(r.text for r in more)  # the first snippet only
