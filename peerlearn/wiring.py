"""Builds the parts of a running service from settings. Nothing here runs at import."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Engine as Database

from bot.catalog import Catalog
from bot.engine import Engine
from bot.inbox import Inbox
from content.db import make_engine
from peerlearn.settings import Settings
from services.delivery.dispatcher import Dispatcher
from services.delivery.senders import Sender, SimulatorSender
from services.metrics import registry_for


@dataclass
class Services:
    """Everything a web process, a worker or the CLI needs, built once."""

    settings: Settings
    db: Database
    catalog: Catalog
    engine: Engine
    inbox: Inbox
    metrics: CollectorRegistry
    senders: dict[str, Sender] = field(default_factory=dict)

    def dispatcher(self) -> Dispatcher:
        """A dispatcher over this process's senders."""
        return Dispatcher(self.db, self.senders)

    async def aclose(self) -> None:
        """Closes provider clients and the database pool."""
        for sender in self.senders.values():
            await sender.close()
        self.db.dispose()


def build(settings: Settings, db: Database | None = None) -> Services:
    """Wires the database, catalog, engine, inbox and senders."""
    db = db or make_engine(settings.database_url)
    catalog = Catalog.load()
    engine = Engine(catalog, ttl=timedelta(minutes=settings.conversation_ttl_minutes))
    senders: dict[str, Sender] = {"simulator": SimulatorSender()}
    return Services(settings, db, catalog, engine, Inbox(db, engine), registry_for(db), senders)
