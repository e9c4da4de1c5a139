"""Builds the parts of a running service from settings. Nothing here runs at import."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Engine as Database

from bot.catalog import Catalog
from bot.catalog_sync import CatalogSync
from bot.engine import Engine
from bot.inbox import Inbox
from bot.turn import Policy
from content.db import make_engine
from peerlearn.settings import Settings
from services import published
from services.delivery.dispatcher import Dispatcher
from services.delivery.ratelimit import Limiter, Rates
from services.delivery.senders import Sender
from services.delivery.shared_rate import SharedLimiter
from services.metrics import registry_for
from services.sms import prices
from webhooks.channels import registry
from webhooks.channels.base import Adapter
from webhooks.channels.registry import limits


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
    adapters: dict[str, Adapter] = field(default_factory=dict)
    texts: CatalogSync | None = None  # the console's reviewed texts on the catalog
    limiter: Rates | None = None  # the last dispatcher's, whose state /readyz shows

    def dispatcher(self, share: float | None = None) -> Dispatcher:
        """A dispatcher over this process's senders, its rates shared through Redis when
        REDIS_URL is set; per-process limits (without Redis, or while it is away) keep
        `share` of each rate, by default 1/SEND_WORKERS."""
        self.limiter = make_limiter(self.settings, share)
        return Dispatcher(self.db, self.senders, limiter=self.limiter)

    def rates(self) -> dict[str, float | None]:
        """Messages a second each provider sends at in all (None: no limit), for how
        long a broadcast takes."""
        return registry.overall_rates(self.settings)

    def send_rates(self) -> dict[str, str]:
        """Whether send rates are shared (Redis) or this process's own, for /readyz."""
        if self.limiter is not None:
            return self.limiter.status()
        return {"send_rates": "shared" if self.settings.redis_url else "local"}

    def telegram_bot(self) -> str | None:
        """The Telegram bot's username, learnt from getMe at start-up (`start`); None
        without a token or before Telegram answered. Printed manuals name it in the
        practices' deep links."""
        return getattr(self.senders.get("telegram"), "username", None)

    async def start(self) -> None:
        """Connects to providers that need it (Telegram learns its username)."""
        for sender in self.senders.values():
            await sender.start()

    async def aclose(self) -> None:
        """Closes provider clients and the database pool."""
        for sender in self.senders.values():
            await sender.close()
        if self.limiter is not None:
            await self.limiter.aclose()
        self.db.dispose()


def make_limiter(settings: Settings, share: float | None = None) -> Rates:
    """The send-rate limiter: shared through Redis when REDIS_URL is set, with the
    per-process one (`share` of each rate, by default 1/SEND_WORKERS) for its outages."""
    share = 1 / settings.send_workers if share is None else share
    local = Limiter(limits(settings, share))
    if not settings.redis_url:
        return local
    return SharedLimiter(limits(settings), local, settings.redis_url,
                         prefix=settings.redis_prefix, share=share)


def build(settings: Settings, db: Database | None = None) -> Services:
    """Wires the database, catalog (with the texts reviewed in the console), engine, inbox
    and senders."""
    db = db or make_engine(settings.database_url)
    catalog = Catalog.load()
    texts = CatalogSync(catalog, db, every=settings.catalog_refresh_seconds).attach()
    published.of(db, every=settings.catalog_refresh_seconds)  # content others publish
    prices.sync(db, prices.table(settings.sms_prices_file, settings.sms_price_per_segment))
    policy = Policy(hold_new_answers=settings.hold_new_answers, relay_days=settings.relay_days)
    engine = Engine(catalog, ttl=timedelta(minutes=settings.conversation_ttl_minutes),
                    policy=policy)
    channels = registry.build(settings)
    return Services(settings, db, catalog, engine, Inbox(db, engine), registry_for(db),
                    registry.senders(channels), registry.adapters(channels), texts)
