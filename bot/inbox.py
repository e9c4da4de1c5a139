"""The inbox: store every inbound message once, then process it once, in order.

`store_many` commits a batch of items in one transaction (the webhooks' group commit), so
the provider is only acknowledged for what is safely kept; a provider key seen before,
in the batch or stored earlier, finds the one stored row instead. `process` claims the
row (received or failed -> processing) in the same transaction that runs the engine and
writes the outbox, so a message is processed at most once even with several processors,
a processor killed mid-turn leaves it as it was (its transaction never commits), and a
failure leaves it for a retry. The claim keeps one address's messages in order and one
at a time; why that holds on both databases is told in bot/processing.py.

`receive` (the simulator, `peerlearn chat`) stores and processes in one transaction, so
no processor can take the row between the two and the caller gets the replies.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import Row, bindparam, exists, func, literal_column, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine as Database
from sqlmodel import Session

from bot.engine import Engine
from content.channels import capabilities
from content.db import is_sqlite, session_scope
from content.models import InboundMessage, utcnow
from services.delivery import outbox
from services.delivery.status import StatusReport, apply_status

log = logging.getLogger(__name__)
# Core statements on the table: the hot path needs no ORM unit of work for this row.
INBOUND = InboundMessage.__table__
EARLIER = INBOUND.alias("earlier")
# `status = 'received'` written out, not bound: then the planners see that the partial
# index of the waiting rows (ix_inbound_waiting) answers it.
WAITING = literal_column("'received'")
# No earlier message of the same address is still waiting: the claim's ordering rule.
FIRST_WAITING = ~exists().where(
    EARLIER.c.address == INBOUND.c.address, EARLIER.c.channel == INBOUND.c.channel,
    EARLIER.c.provider == INBOUND.c.provider, EARLIER.c.status == WAITING,
    EARLIER.c.id < INBOUND.c.id)

# The hot path's statements, built once (building one anew costs as much as running it).
CLAIM = update(INBOUND).where(
    INBOUND.c.id == bindparam("claimed_id"), INBOUND.c.status.in_(("received", "failed")),
    FIRST_WAITING).values(status="processing", attempts=INBOUND.c.attempts + 1
                          ).returning(*INBOUND.c)
DONE = update(INBOUND).where(INBOUND.c.id == bindparam("done_id"))


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
    replies: list[Row]  # the outbox rows, read-only (OutboundMessage's columns)


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
        """Stores and processes the item in one transaction unless it was seen before;
        a processing failure keeps the row, failed, for the retries, and is re-raised."""
        if not item.process:
            inbound_id, created = self.store(item)
            return Received(inbound_id, not created, [])
        self.engine.catalog.freshen()  # texts reviewed in another process (catalog_sync)
        try:
            with self._turns, session_scope(self.db) as session:
                row = session.execute(_inserts(self.db.dialect.name)[1],
                                      [self._values(item, "processing", 1)]).first()
                if row is None:  # seen before: the stored row is the one
                    return Received(self._find(session, [_key(item)])[_key(item)], True, [])
                queued = self._turn(session, InboundMessage(**row._mapping))
                return Received(row.id, False, outbox.rows(session, queued))
        except Exception as exc:
            log.exception("processing a received message failed")
            inbound_id, _ = self.store(item)
            self._failed(inbound_id, exc)
            raise

    def store(self, item: InboundItem) -> tuple[int, bool]:
        """Commits the item; returns (row id, created). Raises if the database is down."""
        return self.store_many([item])[0]

    def store_many(self, items: list[InboundItem]) -> list[tuple[int, bool]]:
        """Commits all the items in one transaction; returns (row id, created) for each,
        created only for the first item of a provider key not stored before. Raises (and
        stores none) if the database refuses."""
        first: dict[tuple[str, str], dict] = {}
        for item in items:
            first.setdefault(_key(item), self._values(item))
        ids: dict[tuple[str, str], int] = {}
        with self._turns, self.db.begin() as conn:
            # The INSERT comes first, so that SQLite takes its write lock before reading
            # (a read first could make the write fail beside another process's); ON
            # CONFLICT DO NOTHING skips a key stored before, found next instead.
            for row in conn.execute(_inserts(self.db.dialect.name)[0], list(first.values())):
                ids[(row.provider, row.provider_key)] = row.id
            created = set(ids.values())
            missing = [key for key in first if key not in ids]
            if missing:
                ids.update(self._find(conn, missing))
        results = []
        for item in items:
            inbound_id = ids[_key(item)]
            results.append((inbound_id, inbound_id in created))
            created.discard(inbound_id)  # a repeat of the key in the batch is a duplicate
        return results

    def process(self, inbound_id: int, address: tuple[str, str, str] | None = None
                ) -> list[int]:
        """Runs the engine on a stored row once, if it is its address's turn (no earlier
        message of the address waits, no other is being processed); returns the ids of
        the outbox rows it queued, [] when it is not claimed. `address` (provider,
        channel, address) spares PostgreSQL a look-up. A failure is recorded and
        re-raised."""
        return self.take(inbound_id, address) or []

    def take(self, inbound_id: int, address: tuple[str, str, str] | None = None
             ) -> list[int] | None:
        """`process`, but None when the row was not claimed (taken, done, or not its
        address's turn)."""
        self.engine.catalog.freshen()  # texts reviewed in another process (catalog_sync)
        try:
            with self._turns, session_scope(self.db) as session:
                if not is_sqlite(self.db) and not _address_lock(session, inbound_id, address):
                    return None
                # The claim returns the row, so no SELECT follows; the engine gets a detached
                # copy and everything it learns is written by one UPDATE at the end.
                claimed = session.execute(CLAIM, {"claimed_id": inbound_id}).first()
                if claimed is None:
                    return None
                return self._turn(session, InboundMessage(**claimed._mapping))
        except Exception as exc:
            log.exception("processing inbound %s failed", inbound_id)
            self._failed(inbound_id, exc)
            raise

    def _turn(self, session: Session, inbound: InboundMessage) -> list[int]:
        """The engine's turn on a claimed row, and the row marked processed."""
        replies = self._handle(session, inbound)
        done = dict(status="processed", processed_at=utcnow(), error=None)
        if inbound.member_id is not None:
            done.update(member_id=inbound.member_id, identity_id=inbound.identity_id)
        session.execute(DONE, dict(done, done_id=inbound.id))
        return replies

    def _values(self, item: InboundItem, status: str = "", attempts: int = 0) -> dict:
        text, payload = storable(item.text, item.payload)
        return dict(provider=item.provider, provider_key=item.provider_key,
                    channel=item.channel, address=item.address, kind=item.kind, text=text,
                    payload=payload, attempts=attempts, received_at=utcnow(),
                    status=status or ("received" if item.process else "ignored"))

    @staticmethod
    def _find(conn, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """The stored rows' ids by provider key."""
        if not keys:
            return {}
        rows = conn.execute(select(INBOUND.c.provider, INBOUND.c.provider_key,
                                        INBOUND.c.id).where(
            tuple_(INBOUND.c.provider, INBOUND.c.provider_key).in_(keys)))
        return {(row.provider, row.provider_key): row.id for row in rows}

    def _handle(self, session: Session, inbound: InboundMessage) -> list[int]:
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


@cache
def _inserts(dialect_name: str) -> tuple:
    """INSERTs of rows (executemany: one statement, compiled once) that skip a provider
    key already stored: one returning the keys' ids, one returning the whole row."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    insert = dialect.insert(INBOUND).on_conflict_do_nothing(
        index_elements=["provider", "provider_key"])
    return (insert.returning(INBOUND.c.id, INBOUND.c.provider, INBOUND.c.provider_key),
            insert.returning(*INBOUND.c))


def _key(item: InboundItem) -> tuple[str, str]:
    return (item.provider, item.provider_key)


def _address_lock(session: Session, inbound_id: int,
                  address: tuple[str, str, str] | None) -> bool:
    """PostgreSQL: this transaction's advisory lock on the row's address, if no other
    transaction holds it (then another processor is running a turn of this address)."""
    if address is None:
        found = session.execute(select(INBOUND.c.provider, INBOUND.c.channel,
                                       INBOUND.c.address)
                                .where(INBOUND.c.id == inbound_id)).first()
        if found is None:
            return False
        address = tuple(found)
    return bool(session.execute(select(func.pg_try_advisory_xact_lock(
        lock_key(*address)))).scalar())


def lock_key(provider: str, channel: str, address: str) -> int:
    """A stable signed 64-bit key for an address (PostgreSQL's advisory lock space)."""
    digest = hashlib.blake2b(f"{provider}\x1f{channel}\x1f{address}".encode(),
                             digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
