"""`peerlearn telegram set-webhook|poll`: connect the bot to Telegram."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import typer
from telegram.error import TelegramError

from peerlearn.logs import configure_logging
from peerlearn.migrate import ensure_migrated
from peerlearn.settings import Settings
from peerlearn.wiring import build
from webhooks.channels.base import Malformed
from webhooks.channels.telegram import UPDATE_KINDS, TelegramAdapter, make_bot, raw_updates

log = logging.getLogger(__name__)

app = typer.Typer(help="Connect the Telegram bot.", no_args_is_help=True)


def _token(settings: Settings) -> str:
    if not settings.telegram_bot_token or not settings.telegram_bot_token.get_secret_value():
        typer.echo("Set TELEGRAM_BOT_TOKEN (from @BotFather) first.", err=True)
        raise typer.Exit(2)
    return settings.telegram_bot_token.get_secret_value()


@app.command("set-webhook")
def set_webhook() -> None:
    """Points Telegram at PUBLIC_BASE_URL/webhooks/telegram with the secret."""
    settings = Settings()
    token = _token(settings)
    if not settings.telegram_webhook_secret or \
            not settings.telegram_webhook_secret.get_secret_value():
        typer.echo("Set TELEGRAM_WEBHOOK_SECRET (1-256 characters A-Z a-z 0-9 _ -).", err=True)
        raise typer.Exit(2)
    url = settings.public_base_url.rstrip("/") + "/webhooks/telegram"

    async def run() -> None:
        async with make_bot(token, settings.telegram_api_base) as bot:
            await bot.set_webhook(url=url, allowed_updates=UPDATE_KINDS,
                                  secret_token=settings.telegram_webhook_secret
                                  .get_secret_value())
    try:
        asyncio.run(run())
    except TelegramError as exc:
        typer.echo(f"Telegram refused: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"webhook set to {url} for {', '.join(UPDATE_KINDS)}")


@app.command()
def poll(timeout: int = typer.Option(30, help="Long-polling timeout in seconds")) -> None:
    """Local development without a public URL: long polling instead of the webhook."""
    configure_logging()
    settings = Settings()
    token = _token(settings)
    services = build(settings)
    ensure_migrated(services.db)
    asyncio.run(_poll(services, token, timeout))


async def _poll(services, token: str, timeout: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await services.start()
    adapter: TelegramAdapter = services.adapters["/webhooks/telegram"]
    dispatcher = asyncio.create_task(services.dispatcher().run(stop))
    async with make_bot(token, services.settings.telegram_api_base) as bot:
        await bot.delete_webhook()
        typer.echo(f"polling as @{bot.username}; Ctrl-C to stop")
        offset = None
        while not stop.is_set():
            with contextlib.suppress(TelegramError):
                for data in await raw_updates(bot, offset, timeout):
                    offset = max(offset or 0, _update_id(data) + 1)
                    await _receive(services, adapter, bot, data)
    await dispatcher
    await services.aclose()


def _update_id(data) -> int:
    update_id = data.get("update_id") if isinstance(data, dict) else None
    return update_id if type(update_id) is int else -1


async def _receive(services, adapter: TelegramAdapter, bot, data) -> None:
    """One polled update through the adapter's read, as a webhook's; one that can never
    be an update is skipped (a webhook would answer it 400)."""
    try:
        items = adapter.read(data)
    except Malformed as exc:
        log.warning("skipped a polled update: %s", exc)
        return
    for item in items:
        await asyncio.to_thread(services.inbox.receive, item)
        query = item.payload.get("callback_query")
        if item.kind == "callback" and isinstance(query, dict) and query.get("id"):
            await bot.answer_callback_query(str(query["id"]))
