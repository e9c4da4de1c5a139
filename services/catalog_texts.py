"""Interface texts reviewed in the console (content.models.CatalogText): reading them,
saving one with its audit row, and the cheap stamp processes compare to learn whether
any changed (bot/catalog_sync.py).

A row replaces the gettext file's text for its language and key; `reviewed` says a
native speaker checked it. Checking the text itself (placeholders, SMS length) is the
bot's business: bot/catalog_review.py does it before it calls `save`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from content.models import CatalogText
from services.access import Principal
from services.audit import record

_TABLE = CatalogText.__table__
_STAMP = select(func.count(), func.max(_TABLE.c.updated_at))
_TEXTS = select(_TABLE.c.lang, _TABLE.c.key, _TABLE.c.text, _TABLE.c.reviewed)


@dataclass(frozen=True)
class Stamp:
    """How many rows there are and when the newest was saved: any save changes it."""

    rows: int
    newest: datetime | None


def stamp(*, session: Session) -> Stamp:
    """The table's stamp: one aggregate over the updated_at index (a Core statement on
    the table: the ORM's compilation would cost twice the query)."""
    rows, newest = session.execute(_STAMP).one()
    return Stamp(rows, newest)


def listed(*, session: Session, lang: str | None = None) -> list[CatalogText]:
    """Every row, or one language's, by key."""
    query = select(CatalogText).order_by(CatalogText.lang, CatalogText.key)
    if lang is not None:
        query = query.where(CatalogText.lang == lang)
    return list(session.exec(query))


def texts(*, session: Session) -> list[tuple[str, str, str, bool]]:
    """Every row's (lang, key, text, reviewed): what a catalog lays on, without loading
    whole rows."""
    return [tuple(r) for r in session.execute(_TEXTS)]


def save(*, session: Session, actor: Principal, lang: str, key: str, text: str,
         reviewed: bool, now: datetime) -> CatalogText:
    """Creates or updates the row for (lang, key) and records who did it."""
    row = _row(session, lang, key)
    if row is None:
        row = CatalogText(lang=lang, key=key, text=text, updated_by=actor.name)
        try:
            with session.begin_nested():  # another reviewer may create it at the same time
                session.add(row)
        except IntegrityError:
            row = _row(session, lang, key)
    row.text, row.reviewed = text, reviewed
    row.reviewed_by = actor.name if reviewed else None
    row.reviewed_at = now if reviewed else None
    row.updated_by, row.updated_at = actor.name, now
    session.add(row)
    session.flush()
    record(session=session, actor=actor, action="text.review" if reviewed else "text.draft",
           target_type="catalog_text", target_id=row.id, lang=lang, key=key)
    return row


def _row(session: Session, lang: str, key: str) -> CatalogText | None:
    return session.exec(select(CatalogText).where(CatalogText.lang == lang,
                                                  CatalogText.key == key)).first()


def prune(*, session: Session, actor: Principal | str,
          same: Callable[[CatalogText], bool]) -> int:
    """Deletes the rows for which `same` holds (the files say the same); how many."""
    gone = [row for row in listed(session=session) if same(row)]
    for row in gone:
        session.delete(row)
    if gone:
        record(session=session, actor=actor, action="text.prune", target_type="catalog_text",
               target_id=None, keys=[f"{row.lang}:{row.key}" for row in gone])
    return len(gone)
