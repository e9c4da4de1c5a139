"""Settings read from the environment (DESIGN.md §5); all optional.

There is no module-level instance: `Settings()` is built by the CLI or by whoever
calls `create_app`, so tests and tools can pass their own. Each channel declares its own
fields (TELEGRAM_*, TWILIO_*, ...) in its module; `Settings` inherits them all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from webhooks.channels import CHANNELS
from webhooks.channels.registry import configured

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'peerlearn.db'}"
BUNDLED_PACKS = PROJECT_ROOT / "content" / "packs"


class Settings(*(channel.settings for channel in CHANNELS), BaseSettings):
    """Everything a deployment can set; defaults run a local bot with no credentials."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    port: int = 8000
    public_base_url: str = "http://127.0.0.1:8000"

    # Who may use the chat simulator (/simulator): "open" to anyone, "login" to console
    # accounts, "off" to nobody; "auto" is "open" where no real provider is configured
    # (no channel has credentials) and "login" otherwise.
    simulator: Literal["auto", "open", "login", "off"] = "auto"

    # Send rates shared by every worker (services/delivery/shared_rate.py): with
    # REDIS_URL, the buckets live in Redis under keys starting REDIS_PREFIX; without it,
    # or while Redis is away, each process keeps 1/SEND_WORKERS of every rate (the
    # worker's --share overrides that fraction).
    redis_url: str | None = None
    redis_prefix: str = "peerlearn:"
    send_workers: int = Field(1, ge=1)  # processes that send (web with its dispatcher
    # counts as one)
    admin_email: str | None = None  # the first admin of the console, created or updated
    admin_password: SecretStr | None = None  # at start-up

    # The moderator console (issue 9).
    console_session_idle_minutes: int = 8 * 60  # a session ends after this long unused
    console_session_max_hours: int = 7 * 24  # and at the latest this long after login
    login_failures_per_account: int = 5  # failed logins allowed in 15 minutes, per
    login_failures_per_address: int = 20  # e-mail typed and per client address
    sms_price_per_segment: float | None = None  # one price for every country without
    # its own in the price files (services/sms/prices.csv, then SMS_PRICES_FILE)
    sms_prices_file: str | None = None  # provider,country,price,currency,source,as_of
    catalog_refresh_seconds: float = 5.0  # how soon other processes use a reviewed text

    # A request body larger than this is refused with 413 before it is read. A Telegram
    # update or a Twilio form is a few kilobytes, the largest console form (a practice in
    # the editor) some tens of kilobytes.
    max_request_bytes: int = 1024 * 1024

    # Not part of the provider contract, but worth a knob.
    sms_segment_budget: int = 2
    conversation_ttl_minutes: int = 24 * 60
    run_dispatcher: bool = True  # `serve` also sends and keeps the schedule
    run_processor: bool = True  # `serve` also processes what its webhooks stored
    processors: int = 2  # turns run side by side in a process (one on SQLite)
    process_poll_seconds: float = 1.0  # how soon rows another process stored are seen
    inbound_retry_seconds: float = 10.0  # how often stored messages that failed are retried
    # Send rates (messages a second, 0 turns a limit off) are each channel's settings.

    # The peer-learning loop (issue 5). Flows read hold_new_answers and relay_days
    # through bot.turn.Policy; the scheduler (bot/scheduler.py, in the worker and in
    # `serve` with the dispatcher) uses followup_after_days and times its rounds by the
    # last two.
    followup_after_days: int = 14  # after reading a practice to the end: "did you try it?"
    escalate_after_hours: int = 48  # a routed question nobody answered goes to moderators
    hold_new_answers: bool = True  # a first-time answerer's answer waits for a moderator
    relay_days: int = 30  # a masked relay between two peers closes after this many days
    scheduler_every_seconds: float = 30.0  # due jobs and the answering sweep
    scan_every_minutes: float = 10.0  # follow-up and weekly-story scans (whole tables);
    # also how late a story held back by quiet hours may go out after they end

    def simulator_access(self) -> str:
        """"open", "login" or "off": the `simulator` setting, with "auto" decided."""
        if self.simulator != "auto":
            return self.simulator
        return "login" if configured(self) else "open"
