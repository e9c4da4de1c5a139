"""Processors: one address's messages one at a time and in order, whatever number of
processors run; a batch stores each provider key once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from bot.inbox import InboundItem
from bot.processing import heads, process_heads
from content.models import InboundMessage, OutboundMessage
from peerlearn.wiring import build
from tests.support.live import waiting

# Twenty messages of a new member: onboarding, a story, MORE after it, and more.
DIALOG = ["hi", "2", "1", "1", "1", "1", "1", "1", "MORE", "STORY", "MORE", "MORE",
          "STORY", "MORE", "HELP", "MORE", "STORY", "MORE", "MORE", "STORY"]
MEMBERS = ["+85512000001", "+85512000002", "+85620000003"]


def item(address: str, key: str, text: str = "hi", provider: str = "twilio") -> InboundItem:
    return InboundItem(provider=provider, channel="sms", address=address,
                       provider_key=key, text=text)


def replies_of(db, address: str) -> list[tuple[int, str]]:
    """(inbound id, text) of the replies to an address, in the order they were written."""
    with Session(db) as session:
        rows = session.exec(select(OutboundMessage).where(OutboundMessage.address == address)
                            .order_by(OutboundMessage.id)).all()
    return [(row.inbound_id, row.text) for row in rows]


def reference(services, address: str) -> list[str]:
    """The replies to DIALOG, each message processed as it arrives (the simulator)."""
    for n, text in enumerate(DIALOG):
        services.inbox.receive(item(address, f"ref-{address}-{n}", text))
    return [text for _, text in replies_of(services.db, address)]


def test_two_processors_answer_each_member_in_message_order(services, settings):
    # Each member's twin (same country) has the same dialog, processed one by one.
    expected = {member: reference(services, member.replace("000", "999", 1))
                for member in MEMBERS}
    # The members' messages interleaved, all stored before any is processed.
    services.inbox.store_many([item(member, f"{member}-{n}", text)
                               for n, text in enumerate(DIALOG) for member in MEMBERS])
    pool = [build(settings) for _ in range(2)]  # two processors, each its own engine
    start = threading.Barrier(len(pool))

    def processor(other, step):
        """Tries the due rows oldest first (step 1) or newest first (-1): the claim, not
        the caller's manners, must keep the order."""
        start.wait()
        while waiting(other.db):  # the other may hold a row for a while
            process_heads(other.inbox, heads(other.inbox)[::step])

    threads = [threading.Thread(target=processor, args=(other, step))
               for other, step in zip(pool, (1, -1), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for other in pool:
        other.db.dispose()
    for member in MEMBERS:
        replies = replies_of(services.db, member)
        assert [text for _, text in replies] == expected[member], member
        answered = [inbound_id for inbound_id, _ in replies]
        assert answered == sorted(answered)  # never a later message's reply first
    with Session(services.db) as session:
        rows = session.exec(select(InboundMessage).where(
            InboundMessage.provider == "twilio")).all()
    assert {(row.status, row.attempts) for row in rows} == {("processed", 1)}


@pytest.mark.parametrize("keys, stored, duplicates", [
    (["a"], ["a"], [False]),
    (["a", "b", "c"], ["a", "b", "c"], [False, False, False]),
    (["a", "a"], ["a"], [False, True]),
    (["a", "b", "a", "b", "a"], ["a", "b"], [False, False, True, True, True]),
])
def test_a_batch_stores_each_key_once(services, keys, stored, duplicates):
    results = services.inbox.store_many([item("+85512000001", key) for key in keys])
    assert [not created for _, created in results] == duplicates
    by_key = dict(zip(keys, (inbound_id for inbound_id, _ in results), strict=True))
    with Session(services.db) as session:
        rows = session.exec(select(InboundMessage).order_by(InboundMessage.id)).all()
    assert [row.provider_key for row in rows] == stored
    assert {row.provider_key: row.id for row in rows} == by_key
    again = services.inbox.store_many([item("+85512000001", key) for key in keys])
    assert [inbound_id for inbound_id, _ in again] == [i for i, _ in results]
    assert not any(created for _, created in again)  # against stored rows too


def test_only_the_oldest_waiting_message_of_an_address_is_due(services):
    (first, _), (second, _), (other, _) = services.inbox.store_many([
        item("+85512000001", "1"), item("+85512000001", "2"), item("+85512000002", "3")])
    assert [inbound_id for inbound_id, _ in heads(services.inbox)] == [first, other]
    assert services.inbox.take(second) is None  # not its turn: the first waits
    assert services.inbox.take(first) is not None
    assert [inbound_id for inbound_id, _ in heads(services.inbox)] == [second, other]


def test_the_claim_asks_the_index_of_waiting_rows_not_every_waiting_row(services):
    # With the whole waiting queue read per claim, a burst of n members costs n² rows.
    stored = services.inbox.store_many([item(f"+8551200{n:04d}", f"burst-{n}")
                                        for n in range(50)])
    claims = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("UPDATE inboundmessage") and " earlier" in statement:
            claims.append((statement, parameters))

    event.listen(services.db, "before_cursor_execute", keep)
    try:
        services.inbox.process(stored[-1][0], ("twilio", "sms", "+85512000049"))
    finally:
        event.remove(services.db, "before_cursor_execute", keep)
    (statement, parameters), = claims
    with services.db.connect() as conn:
        if services.db.dialect.name == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")  # the plan a large table gets
            explain = "EXPLAIN "
        else:
            explain = "EXPLAIN QUERY PLAN "
        plan = conn.exec_driver_sql(explain + statement, parameters).all()
    assert "ix_inbound_waiting" in " ".join(str(step) for step in plan)
