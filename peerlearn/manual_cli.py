"""`peerlearn manual`: a printed manual of the published practices in one language, as
PDF (or HTML, by the file's suffix), from the command line. The console makes the same
one at /admin/manuals."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import select

from content.db import session_scope
from content.languages import BY_CODE, TOPICS
from content.models import Organisation, utcnow
from peerlearn.migrate import DatabaseNotMigrated, ensure_migrated
from peerlearn.settings import Settings


def manual(
        lang: Annotated[str, typer.Option(help="Language code: en km lo my vi id ms fil th")],
        out: Annotated[Path, typer.Option(help="The file to write: .pdf, or .html for a page")],
        topics: Annotated[str, typer.Option(help="Only practices on these topics, e.g. "
                                            "farming,seeds")] = "",
        org: Annotated[str | None, typer.Option(
            help="Only practices this organisation curates (its slug)")] = None,
        bot: Annotated[str | None, typer.Option(
            help="The Telegram bot's username for the QR codes; default: asked of "
            "Telegram with TELEGRAM_BOT_TOKEN")] = None,
) -> None:
    """Writes a printable manual of the published practices in one language."""
    from bot.manual_words import manual_words
    from peerlearn.wiring import build
    from services.manuals import pdf
    from services.manuals.gather import gather
    from web.manual_page import render_page

    chosen = [t.strip() for t in topics.split(",") if t.strip()]
    unknown = [t for t in chosen if t not in TOPICS]
    if lang not in BY_CODE or unknown or out.suffix.lower() not in (".pdf", ".html"):
        typer.echo(f"--lang is one of {' '.join(BY_CODE)}; topics are {', '.join(TOPICS)}; "
                   "--out ends in .pdf or .html", err=True)
        raise typer.Exit(2)
    services = build(Settings())
    try:
        ensure_migrated(services.db)
        bot = bot or _learn_bot(services)
        if bot is None:
            typer.echo("No Telegram bot (set TELEGRAM_BOT_TOKEN or pass --bot): the manual "
                       "has the SMS words but no QR codes.", err=True)
        with session_scope(services.db) as session:
            curator = _organisation(session, org)
            made = gather(session=session, lang=lang, now=utcnow(), bot=bot, topics=chosen,
                          organisation_id=curator.id if curator else None,
                          organisation=curator.name if curator else None)
        words = manual_words(services.catalog, lang)
        if out.suffix.lower() == ".pdf":
            out.write_bytes(pdf.render(made, words))
        else:
            out.write_text(render_page(made, words, standalone=True), encoding="utf-8")
    except DatabaseNotMigrated as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    finally:
        asyncio.run(services.aclose())
    typer.echo(f"{out}: {len(made.entries)} practices in {BY_CODE[lang].latin_name}")


def _learn_bot(services) -> str | None:
    """The bot's username from Telegram (getMe), as `serve` learns it."""
    asyncio.run(services.start())
    return services.telegram_bot()


def _organisation(session, slug: str | None) -> Organisation | None:
    if slug is None:
        return None
    found = session.exec(select(Organisation).where(Organisation.slug == slug)).first()
    if found is None:
        typer.echo(f"no organisation {slug!r} (peerlearn organisations add)", err=True)
        raise typer.Exit(2)
    return found
