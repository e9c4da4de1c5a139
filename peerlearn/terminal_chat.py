"""`peerlearn chat`: the simulator in a terminal, through the same inbox and outbox.

Its members are sandbox members (services/sandbox.py, the sandbox "terminal"): their
questions and peer requests go to other members of that sandbox only, never to a
real member."""

from __future__ import annotations

import asyncio
import uuid

import typer

from bot.inbox import InboundItem
from content.channels import kinds
from peerlearn.migrate import DatabaseNotMigrated, ensure_migrated
from peerlearn.settings import Settings
from peerlearn.wiring import build
from services import sandbox
from services.phones import typed_address


def run_chat(settings: Settings, channel: str, sender: str) -> None:
    """Reads lines, prints the bot's replies with their channel rendering."""
    names = [caps.channel for caps in kinds()]
    if channel not in names:
        raise typer.BadParameter(f"channel must be one of {', '.join(names)}")
    try:
        address = typed_address(channel, sender)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    services = build(settings)
    try:
        ensure_migrated(services.db)
    except DatabaseNotMigrated as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    dispatcher = services.dispatcher()
    typer.echo(f"Chatting as {address} on {channel}. Ctrl-D to quit. Try: hi")
    while True:
        try:
            text = input("you> ")
        except (EOFError, KeyboardInterrupt):
            typer.echo("")
            break
        received = services.inbox.receive(InboundItem(
            provider=sandbox.PROVIDER, channel=channel,
            address=sandbox.scoped(sandbox.TERMINAL, address),
            provider_key=uuid.uuid4().hex, text=text))
        for reply in received.replies:
            typer.echo(_show(reply))
        asyncio.run(dispatcher.run_once())
    services.db.dispose()


def _show(reply) -> str:
    if reply.segments:
        meta = f"[SMS {reply.segments} segment{'s' if reply.segments > 1 else ''}, " \
               f"{reply.encoding}]"
    else:
        meta = f"[{reply.channel}]"
    buttons = " ".join(f"[{b['text']} -> {b['data']}]" for row in reply.buttons for b in row)
    return f"bot> {meta}\n{reply.text}" + (f"\n{buttons}" if buttons else "")
