"""`peerlearn telegram set-webhook|poll`: connect the bot to Telegram."""

from __future__ import annotations

import asyncio
import signal

import typer
from telegram.error import TelegramError

from peerlearn.logs import configure_logging
from peerlearn.migrate import ensure_migrated
from peerlearn.settings import Settings
from peerlearn.telegram_poll import Poller
from peerlearn.wiring import build
from peerlearn.worker import make_processors
from webhooks.channels.telegram import UPDATE_KINDS, TelegramAdapter, make_bot

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


async def _poll(services, token: str, timeout: int, *, poller: dict | None = None) -> None:
    """Polls, sends and retries failed inbound messages until SIGINT or SIGTERM;
    `poller` overrides the Poller's fields (its back-off)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await services.start()
    adapter: TelegramAdapter = services.adapters["/webhooks/telegram"]
    dispatcher, processors = services.dispatcher(), make_processors(services)
    processors.on_turns = dispatcher.wake
    tasks = [asyncio.create_task(dispatcher.run(stop)),
             asyncio.create_task(processors.run(stop))]
    try:
        async with make_bot(token, services.settings.telegram_api_base) as bot:
            await bot.delete_webhook()
            typer.echo(f"polling as @{bot.username}; Ctrl-C to stop")
            await Poller(bot, adapter, services.inbox, stored=processors.wake,
                         **(poller or {})).run(stop, timeout)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        await services.aclose()
