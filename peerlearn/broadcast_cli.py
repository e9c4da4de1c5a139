"""`peerlearn broadcast`: one message to many members, previewed with its cost and
duration before it is queued (the console's broadcast page does the same)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from content.db import make_engine, session_scope
from content.models import Broadcast
from peerlearn.migrate import ensure_migrated
from peerlearn.settings import Settings
from services.broadcasts import Audience, NotSendable, Plan, plan, queue
from services.sms import prices
from webhooks.channels.registry import overall_rates


def many(what: str):
    """A repeatable audience option."""
    return Annotated[list[str] | None, typer.Option(help=f"Only {what} (repeat for more)")]


def broadcast(
        text: Annotated[str, typer.Argument(help="The message, in English")] = "",
        lang_text: Annotated[list[str] | None, typer.Option(
            "--text", help="A text in one language: km='...' (repeat per language)")] = None,
        lang: many("members reading this language: km") = None,
        country: many("members in this country: KH") = None,
        channel: many("this channel: sms, telegram, messenger") = None,
        topic: many("members wanting this topic: seeds") = None,
        role: many("this role: member, expert") = None,
        weekly: Annotated[bool, typer.Option(help="Only weekly-story subscribers")] = False,
        sandbox: Annotated[bool, typer.Option(help="To the simulator's members")] = False,
        at: Annotated[str | None, typer.Option(help="When, UTC: 2026-12-24T08:00")] = None,
        preview: Annotated[bool, typer.Option(help="Show what would go out; send nothing")]
        = False,
) -> None:
    """Queues a message to every member who agreed to stories (broadcast priority),
    after showing per channel and language who gets what and what it costs."""
    texts = {"en": text} if text else {}
    for item in lang_text or []:
        code, _, value = item.partition("=")
        if not value:
            typer.echo(f"--text takes language=text, not {item!r}", err=True)
            raise typer.Exit(2)
        texts[code.strip()] = value
    if not texts:
        typer.echo("Give a text, or --text km='...' per language.", err=True)
        raise typer.Exit(2)
    try:
        send_at = datetime.fromisoformat(at).replace(tzinfo=UTC) if at else None
    except ValueError:
        typer.echo(f"--at takes a date and time in UTC, like 2026-12-24T08:00, not {at!r}",
                   err=True)
        raise typer.Exit(2) from None
    settings = Settings()
    engine = make_engine(settings.database_url)
    ensure_migrated(engine)
    audience = Audience(*(tuple(v or ()) for v in (
        [c.upper() for c in country or ()], lang, channel, topic, role)),
        weekly=weekly, sandbox=sandbox)
    row = Broadcast(title=next(iter(texts.values()))[:80], texts=texts,
                    audience=audience.to_json(), sandbox=sandbox,
                    send_at=send_at)
    pricer = prices.Pricer(prices.table(settings.sms_prices_file,
                                        settings.sms_price_per_segment))
    rates = overall_rates(settings)
    try:
        with session_scope(engine) as session:
            typer.echo(describe(plan(session, row, pricer, rates)))
            if preview:
                return
            session.add(row)
            session.flush()
            queued = queue(session, row, pricer)
    except NotSendable as exc:
        typer.echo(f"Not sent: {exc}.", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    typer.echo(f"{queued} messages queued as broadcast {row.id}; the worker sends them "
               f"after the replies")


def describe(found: Plan) -> str:
    """The preview as lines of text."""
    lines = []
    for line in found.lines:
        sample = line.sample
        got = "nothing" if sample is None else (
            f"the {sample.lang} text" if line.fallback else "their text")
        cost = f", about {line.cost:.4f}" if line.segments and not line.unpriced else ""
        unpriced = f", {line.unpriced} without a price" if line.unpriced else ""
        problems = "".join(f", {n} {what}" for n, what in ((line.over, "over budget"),
                                                        (line.missing, "without a text"))
                           if n)
        lines.append(f"{line.channel:9} {line.lang:4} {line.recipients:7} recipients get "
                     f"{got}; {line.segments} segments{cost}{unpriced}{problems}")
    seconds = ", ".join(f"{p} {s / 60:.1f} min" for p, s in found.seconds.items())
    lines.append(f"{found.recipients} recipients; estimated SMS cost {found.cost:.4f}"
                 + (f" (+{found.unpriced} SMS without a price)" if found.unpriced else "")
                 + (f"; sending takes {seconds}" if seconds else ""))
    return "\n".join(lines)
