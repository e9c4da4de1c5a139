"""The inbox: store every inbound message once, then process it once.

`store` commits before anything else happens, so the provider is only acknowledged for
what is safely kept; a duplicate provider key finds the stored row instead. `process`
claims the row (received or failed -> processing) in the same transaction that runs the
engine and writes the outbox, so a message is processed at most once even with several
workers, and a failure leaves it for a retry.
"""

from __future__ import annotations

import logging
import threading
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from sqlalchemy import insert, update
from sqlalchemy.engine import Engine as Database
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.engine import Engine
from content.channels import capabilities
from content.db import is_sqlite, session_scope
from content.models import InboundMessage, OutboundMessage, utcnow
from services.delivery.status import StatusReport, apply_status

log = logging.getLogger(__name__)
# Core statements on the table: the hot path needs no ORM unit of work for this row.
INBOUND = InboundMessage.__table__


@dataclass(frozen=True)
class InboundItem:
    """A message or event as an adapter parsed it, before it is stored."""

    provider: str
    channel: str
    address: str
    provider_key: str
    text: str = ""
    kind: str = "text"
    payload: dict = field(default_factory=dict)
    process: bool = True  # False: store only (events the engine has nothing to say to)


def storable(text: str, payload: dict) -> tuple[str, dict]:
    """Text and payload PostgreSQL accepts: NUL becomes U+FFFD, the exact original text
    is kept escaped in the payload, so nothing is lost."""
    clean = _without_nul(payload)
    if "\x00" in text:
        clean["text_escaped"] = text.encode("unicode_escape").decode("ascii")
    return text.replace("\x00", "\ufffd"), clean


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


@dataclass(frozen=True)
class Received:
    """What became of an inbound item: its row, whether it was a duplicate, the replies."""

    inbound_id: int
    duplicate: bool
    replies: list[OutboundMessage]


@dataclass(frozen=True)
class Inbox:
    """Stores and processes inbound items.

    SQLite has one writer at a time; threads that queue for its lock sleep in SQLite's
    busy handler (tens of milliseconds at a time), so this process takes turns with its
    own lock instead. PostgreSQL needs no such lock.
    """

    db: Database
    engine: Engine
    _turns: AbstractContextManager = field(default_factory=nullcontext, compare=False)

    def __post_init__(self):
        if is_sqlite(self.db):
            object.__setattr__(self, "_turns", threading.Lock())

    def receive(self, item: InboundItem) -> Received:
        """Stores the item, then processes it unless it was seen before."""
        inbound_id, created = self.store(item)
        if not created or not item.process:
            return Received(inbound_id, not created, [])
        return Received(inbound_id, False, self.process(inbound_id))

    def store(self, item: InboundItem) -> tuple[int, bool]:
        """Commits the item; returns (row id, created). Raises if the database is down."""
        text, payload = storable(item.text, item.payload)
        values = dict(provider=item.provider, provider_key=item.provider_key,
                      channel=item.channel, address=item.address, kind=item.kind, text=text,
                      payload=payload, status="received" if item.process else "ignored",
                      attempts=0, received_at=utcnow())
        try:
            # A Core INSERT ... RETURNING id: one statement, no ORM object or flush.
            with self._turns, self.db.begin() as conn:
                return conn.execute(insert(INBOUND).values(values)
                                    .returning(INBOUND.c.id)).scalar_one(), True
        except IntegrityError:
            with Session(self.db) as session:
                existing = session.exec(select(InboundMessage.id).where(
                    InboundMessage.provider == item.provider,
                    InboundMessage.provider_key == item.provider_key)).first()
            if existing is None:
                raise
            return existing, False

    def process(self, inbound_id: int) -> list[OutboundMessage]:
        """Runs the engine on a stored row once; a failure is recorded and re-raised."""
        self.engine.catalog.freshen()  # texts reviewed in another process (catalog_sync)
        try:
            with self._turns, session_scope(self.db) as session:
                # The claim returns the row, so no SELECT follows; the engine gets a detached
                # copy and everything it learns is written by one UPDATE at the end.
                claimed = session.execute(update(INBOUND).where(
                    INBOUND.c.id == inbound_id,
                    INBOUND.c.status.in_(("received", "failed"))).values(
                    status="processing", attempts=INBOUND.c.attempts + 1)
                    .returning(*INBOUND.c)).first()
                if claimed is None:
                    return []
                inbound = InboundMessage(**claimed._mapping)
                replies = self._handle(session, inbound)
                done = dict(status="processed", processed_at=utcnow(), error=None)
                if inbound.member_id is not None:
                    done.update(member_id=inbound.member_id, identity_id=inbound.identity_id)
                session.execute(update(INBOUND).where(INBOUND.c.id == inbound_id).values(done))
                return replies
        except Exception as exc:
            log.exception("processing inbound %s failed", inbound_id)
            self._failed(inbound_id, exc)
            raise

    def _handle(self, session: Session, inbound: InboundMessage) -> list[OutboundMessage]:
        if inbound.kind == "status":
            apply_status(session=session, report=StatusReport(**inbound.payload["report"]))
            return []
        return self.engine.handle(session, inbound, capabilities(inbound.provider,
                                                                 inbound.channel))

    def _failed(self, inbound_id: int, exc: Exception) -> None:
        with session_scope(self.db) as session:
            session.exec(update(InboundMessage).where(
                InboundMessage.id == inbound_id,
                InboundMessage.status.in_(("received", "failed"))).values(
                status="failed", attempts=InboundMessage.attempts + 1,
                error=f"{type(exc).__name__}: {exc}"[:2000]))
