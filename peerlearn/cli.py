"""The `peerlearn` command line: serve, worker, chat, migrate, content ..."""

from __future__ import annotations

import asyncio
import signal

import typer

from peerlearn import content_cli
from peerlearn.migrate import DatabaseNotMigrated
from peerlearn.settings import Settings

app = typer.Typer(help="peerlearn: peer learning for community enterprises, by chat and SMS.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(content_cli.app, name="content")


@app.command()
def migrate() -> None:
    """Creates or upgrades the database schema (DATABASE_URL)."""
    from content.db import make_engine
    from peerlearn.migrate import upgrade

    engine = make_engine(Settings().database_url)
    upgrade(engine)
    engine.dispose()
    typer.echo("database is up to date")


@app.command()
def serve(host: str = typer.Option("127.0.0.1", help="Address to listen on."),
          port: int | None = typer.Option(None, help="Port (default: PORT or 8000).")) -> None:
    """Serves the webhooks, the simulator and the API."""
    import uvicorn

    from peerlearn.app import create_app

    settings = Settings()
    try:
        application = create_app(settings)
    except DatabaseNotMigrated as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    uvicorn.run(application, host=host, port=port or settings.port, log_level="info")


@app.command()
def worker() -> None:
    """Delivers the outbox (and retries failed inbound messages) until stopped."""
    from peerlearn.wiring import build
    from peerlearn.worker import run_worker

    services = build(Settings())
    asyncio.run(run_worker(services, signals=(signal.SIGINT, signal.SIGTERM)))


@app.command()
def chat(channel: str = typer.Option("sms", help="sms or telegram"),
         sender: str = typer.Option("+85512345678", "--from", help="Phone number or user id"),
         ) -> None:
    """Talks to the bot in the terminal as a simulated member."""
    from peerlearn.terminal_chat import run_chat

    run_chat(Settings(), channel, sender)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()

