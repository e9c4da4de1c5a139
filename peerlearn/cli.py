"""The `peerlearn` command line: serve, worker, chat, migrate, content, moderators,
organisations, members, manual ..."""

from __future__ import annotations

import asyncio
import getpass
import signal
from collections.abc import Callable
from typing import Annotated

import typer

from peerlearn import (
    accounts_cli,
    broadcast_cli,
    catalogs_cli,
    content_cli,
    manual_cli,
    prices_cli,
    telegram_cli,
)
from peerlearn.migrate import DatabaseNotMigrated, ensure_migrated
from peerlearn.settings import Settings

app = typer.Typer(help="peerlearn: peer learning for community enterprises, by chat and SMS.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(content_cli.app, name="content")
app.add_typer(telegram_cli.app, name="telegram")
app.add_typer(catalogs_cli.app, name="catalogs")
app.command("manual")(manual_cli.manual)


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
          port: int | None = typer.Option(None, help="Port (default: PORT or 8000)."),
          workers: int = typer.Option(1, min=1, help="Web processes on one port (for "
                                      "PostgreSQL; each also processes and sends unless "
                                      "RUN_PROCESSOR / RUN_DISPATCHER say otherwise).")
          ) -> None:
    """Serves the webhooks, the simulator and the API."""
    import uvicorn

    from peerlearn.app import create_app, serving_app, settle_heap
    from peerlearn.logs import log_config

    settings = Settings()
    try:  # several workers build an app each: then this process only checks the schema
        application = create_app(settings) if workers == 1 else _schema_checked(settings)
    except DatabaseNotMigrated as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    port = port or settings.port
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    simulator = {"open": f"the simulator at {base}/simulator, ",
                 "login": f"the simulator (console login) at {base}/simulator, ",
                 "off": ""}[settings.simulator_access()]
    typer.echo(f"peerlearn: {simulator}the console at {base}/admin")
    if workers > 1:
        uvicorn.run(f"{serving_app.__module__}:{serving_app.__name__}", factory=True,
                    workers=workers, host=host, port=port, log_level="info",
                    log_config=log_config())
        return
    settle_heap()
    uvicorn.run(application, host=host, port=port, log_level="info", log_config=log_config())


def _schema_checked(settings: Settings) -> None:
    """Raises DatabaseNotMigrated unless the database's schema is the code's."""
    from content.db import make_engine

    engine = make_engine(settings.database_url)
    try:
        ensure_migrated(engine)
    finally:
        engine.dispose()


@app.command()
def worker(
        share: float | None = typer.Option(
            None, help="This worker's share of the send rates without Redis (REDIS_URL) "
            "or while it is away, e.g. 0.5 with two workers; default 1/SEND_WORKERS"),
        only: str = typer.Option(None, help="Run one kind of work: process (stored "
                                 "messages), send (the outbox) or schedule"),
) -> None:
    """Processes stored messages, delivers the outbox and keeps the schedule until
    stopped."""
    from peerlearn.logs import configure_logging
    from peerlearn.wiring import build
    from peerlearn.worker import KINDS, run_worker

    if only is not None and only not in KINDS:
        typer.echo(f"--only is one of {', '.join(KINDS)}", err=True)
        raise typer.Exit(2)
    configure_logging()
    services = build(Settings())
    try:
        ensure_migrated(services.db)
    except DatabaseNotMigrated as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    asyncio.run(run_worker(services, share=share, only=only,
                           signals=(signal.SIGINT, signal.SIGTERM)))


app.command("broadcast")(broadcast_cli.broadcast)


members = typer.Typer(help="Members' roles: resource persons.", no_args_is_help=True)
app.add_typer(accounts_cli.moderators, name="moderators")
app.add_typer(prices_cli.app, name="sms-prices")
app.add_typer(accounts_cli.orgs, name="organisations")
app.add_typer(members, name="members")


@members.command("expert")
def members_expert(
        member: Annotated[str, typer.Argument(
            help="Member id, or a phone number they wrote from (+ country code)")],
        topics: Annotated[list[str], typer.Option(help="Topics they answer: farming,seeds")],
        languages: Annotated[list[str] | None,
                             typer.Option(help="Languages they read: en,ms")] = None,
        timezone: str = typer.Option(None, help="IANA timezone, e.g. Asia/Manila"),
        organisation: str = typer.Option(None, help="Their organisation's slug"),
) -> None:
    """Makes a member a resource person (role expert) who answers questions on the
    topics. They must have written to the bot first; their consents stay theirs."""
    from services.moderation import ExpertProfile, find_member, make_expert

    def expert(session) -> str:
        found = find_member(session=session, ref=member)
        make_expert(session=session, member_id=found.id, actor=_actor(),
                    profile=ExpertProfile(_split(topics), _split(languages or []), timezone,
                                          organisation))
        return f"member {found.id} is a resource person on {', '.join(found.topics_offered)}"

    _change(expert)


def _change(change: Callable[..., str]) -> None:
    """Runs a change in one transaction; a refusal is printed and exits with 1."""
    from content.db import make_engine, session_scope
    from services.moderation import NotFound, Refused

    engine = make_engine(Settings().database_url)
    try:
        ensure_migrated(engine)
        with session_scope(engine) as session:
            typer.echo(change(session))
    except (DatabaseNotMigrated, NotFound, Refused) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


def _split(values: list[str]) -> list[str]:
    """`a,b` and repeated options alike."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _actor() -> str:
    """Who ran the command, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@app.command()
def chat(channel: str = typer.Option("sms", help="sms, telegram or another declared channel"),
         sender: str = typer.Option("+85512345678", "--from", help="Phone number or user id"),
         ) -> None:
    """Talks to the bot in the terminal as a simulated member."""
    from peerlearn.terminal_chat import run_chat

    run_chat(Settings(), channel, sender)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()

