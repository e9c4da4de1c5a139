"""Prometheus metrics read from the database at scrape time.

Counting rows by status in the inbox and outbox gives the same figures whichever
process is scraped, with no counters to keep in step across web processes and workers.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func
from sqlalchemy.engine import Engine as Database
from sqlmodel import Session, select

from content.models import InboundMessage, OutboundMessage


class StoreCollector:
    """Rows in the inbox and outbox by provider and status."""

    def __init__(self, db: Database):
        self.db = db

    def collect(self):
        """Yields one gauge family per table."""
        inbound = GaugeMetricFamily("peerlearn_inbound_messages", "Inbound messages by status",
                                    labels=["provider", "status"])
        outbound = GaugeMetricFamily("peerlearn_outbound_messages",
                                     "Outbox rows by status", labels=["provider", "status"])
        with Session(self.db) as session:
            for table, family in ((InboundMessage, inbound), (OutboundMessage, outbound)):
                rows = session.exec(select(table.provider, table.status, func.count())
                                    .group_by(table.provider, table.status))
                for provider, status, count in rows:
                    family.add_metric([provider, status], count)
        yield inbound
        yield outbound


def registry_for(db: Database) -> CollectorRegistry:
    """A registry of this process's metrics (not the global default one)."""
    registry = CollectorRegistry()
    registry.register(StoreCollector(db))
    return registry
