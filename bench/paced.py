"""The paced part of bench/end_to_end.py: the issue's mix offered at a steady rate, and
how long each message waited for its reply at the fake provider.

Before the clock, POOL members are onboarded through the same server, one step of
everyone's onboarding at a time (a member's messages must arrive in order, and the load
client runs many at once). Then message i is due at start + i/rate (open loop, the load
client's `measure`): every fifth a new member's `hi`, the others the pool's STORY, MORE,
0 (menu) and ASK in turn, member k of the pool every POOL messages, so a member's next
message comes seconds after the last (as people write) and every reply can be told apart:
a message's latency is from when it was due until the first message the fake Twilio
accepted for that number afterwards (a reply that came after the member's next message
was due would count for that one; a member writes every POOL / rate seconds, and the max
printed shows whether any came near). Both clocks are the machine's monotonic clock.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import urlencode

from sqlalchemy import select

from bench.common import PUBLIC_BASE_URL, TWILIO_FROM, inbound_statuses, percentile
from bench.load import Request, encode, measure
from bench.mix import ONBOARDING, cycle, language
from content.db import make_engine
from content.models import InboundMessage, OutboundMessage
from tests.support.waiting import wait_for
from tests.webhooks.channels.fake_twilio import FakeTwilio, sign

PATH = "/webhooks/twilio/sms"
POOL = 500


def sms(number: str, text: str) -> Request:
    """A signed Twilio webhook request: `number` says `text`."""
    form = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32,
            "From": number, "To": TWILIO_FROM, "Body": text, "NumMedia": "0"}
    return encode(PATH, urlencode(form).encode(), {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": sign(PUBLIC_BASE_URL + PATH, form)})


def pool_number(member: int) -> str:
    return f"+8551700{member:04d}"


def onboard(port: int, url: str, connections: int) -> None:
    """Walks the pool through onboarding, one step of every member at a time."""
    for step in range(max(len(texts) for texts in ONBOARDING.values())):
        batch = [sms(pool_number(m), ONBOARDING[language(m)][step]) for m in range(POOL)
                 if step < len(ONBOARDING[language(m)])]
        wanted = inbound_statuses(url)["twilio:processed"] + len(batch)
        asyncio.run(measure(port, batch, connections))
        wait_for(lambda: inbound_statuses(url)["twilio:processed"] >= wanted,  # noqa: B023
                 "the pool's onboarding step", 300)


def script(count: int) -> list[tuple[str, str]]:
    """(number, text) of the timed messages, in the order they are due."""
    out, pooled = [], 0
    for i in range(count):
        if i % 5 == 0:
            out.append((f"+8551800{i // 5:05d}", "hi"))
            continue
        member, turn = pooled % POOL, pooled // POOL
        text, _ = cycle(language(member), turn // 4)[turn % 4]
        out.append((pool_number(member), text))
        pooled += 1
    return out


def run(port: int, url: str, twilio: FakeTwilio, rate: float, seconds: float,
        connections: int, pid: int) -> dict:
    """Offers the mix at `rate` for `seconds`; returns the reply latencies (s), the
    messages without a reply, and the webhook's own run."""
    messages = script(int(rate * seconds))
    requests = [sms(number, text) for number, text in messages]
    already = len(twilio.calls_to("createMessage"))
    since = datetime.now(UTC)
    acked = asyncio.run(measure(port, requests, connections, rate=rate, pid=pid))
    due = [acked.started + i / rate for i in range(len(messages))]
    _settle(twilio, messages, due, already)
    latencies, missing = _replied(twilio, messages, due, already)
    sent = len(twilio.calls_to("createMessage")) - already
    return {"latencies": latencies, "missing": missing, "acked": acked,
            "replies per message": sent / len(messages),
            "offered": len(messages) / seconds, "stages": stages(url, since)}


def stages(url: str, since: datetime) -> dict[str, list[float]]:
    """Where the wait went, from the stored rows: stored → processed (inbound), and
    queued → handed to the provider (outbox), in seconds."""
    engine = make_engine(url)
    inbound, outbox = InboundMessage.__table__, OutboundMessage.__table__
    with engine.connect() as conn:
        processed = [(done - stored).total_seconds() for stored, done in conn.execute(
            select(inbound.c.received_at, inbound.c.processed_at).where(
                inbound.c.received_at >= since, inbound.c.processed_at.is_not(None)))]
        sent = [(done - queued).total_seconds() for queued, done in conn.execute(
            select(outbox.c.created_at, outbox.c.sent_at).where(
                outbox.c.created_at >= since, outbox.c.sent_at.is_not(None)))]
    engine.dispose()
    return {"stored → processed": processed, "queued → sent": sent}


def _settle(twilio: FakeTwilio, messages, due, already, timeout: float = 60) -> None:
    """Waits until every message has its reply, or `timeout` seconds with none new."""
    last, deadline = -1, time.monotonic() + timeout
    while time.monotonic() < deadline:
        missing = _replied(twilio, messages, due, already)[1]
        if missing == 0:
            return
        if missing != last:
            last, deadline = missing, time.monotonic() + timeout
        time.sleep(0.5)


def _replied(twilio: FakeTwilio, messages, due, already) -> tuple[list[float], int]:
    """Each message's wait for the first reply to its number after it was due."""
    replies: dict[str, list[float]] = {}
    for call in twilio.calls_to("createMessage")[already:]:
        if call.ok:
            replies.setdefault(call.form.get("To", ""), []).append(call.at)
    latencies, missing = [], 0
    for (number, _), when in zip(messages, due, strict=True):
        after = [at for at in replies.get(number, ()) if at >= when]
        if after:
            latencies.append(min(after) - when)
        else:
            missing += 1
    return latencies, missing


def summary(result: dict) -> str:
    lat = result["latencies"]
    ms = {q: percentile(lat, q) * 1000 for q in (50, 95, 99)} if lat else {}
    return (f"  paced: {result['offered']:.0f} messages/s offered, "
            f"{result['acked'].rate:.0f} acknowledged/s (p99 {result['acked'].ms(99)} ms), "
            f"server CPU "
            f"{result['acked'].server_cpu:.0%} of a core; inbound → reply at the provider: "
            f"p50 {ms.get(50, 0):.0f} ms, p95 {ms.get(95, 0):.0f} ms, "
            f"p99 {ms.get(99, 0):.0f} ms, max {max(lat, default=0) * 1000:.0f} ms; "
            f"without a reply {result['missing']}; "
            f"{result['replies per message']:.2f} replies a message\n" + "\n".join(
                f"    {name}: p50 {percentile(values, 50) * 1000:.0f} ms, "
                f"p99 {percentile(values, 99) * 1000:.0f} ms"
                for name, values in result["stages"].items() if values))
