"""`peerlearn moderators add|link` and `peerlearn organisations add`: console accounts
and partner organisations from the command line.

`moderators add` prints a one-time link where the person chooses a password (valid for
three days); running it again for the same e-mail updates the account and prints a new
link, which is also how a forgotten password is reset.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import Annotated

import typer

from content.db import make_engine, session_scope
from content.models import utcnow
from peerlearn.migrate import DatabaseNotMigrated, ensure_migrated
from peerlearn.settings import Settings
from services import accounts, organisations
from services.accounts.accounts import by_email

moderators = typer.Typer(help="Console accounts of partner organisations.",
                         no_args_is_help=True)
orgs = typer.Typer(help="Partner organisations.", no_args_is_help=True)

Languages = Annotated[str, typer.Option(help="Languages they work in, e.g. km,lo")]


@moderators.command("add")
def add(email: Annotated[str, typer.Argument(help="The address they log in with")],
        org: Annotated[str | None, typer.Option(help="Their organisation's slug")] = None,
        role: Annotated[str, typer.Option(
            help="admin, moderator, translator or viewer")] = "moderator",
        languages: Languages = "",
        name: Annotated[str | None, typer.Option(help="Their name, as pages show it")] = None,
        ) -> None:
    """Adds (or updates) a console account and prints its one-time set-up link."""
    def change(session) -> str:
        account, token, new = accounts.create_account(
            session=session, email=email, name=name, role=role, organisation=org,
            languages=_split(languages), actor=_actor(), now=utcnow())
        return (f"{'added' if new else 'updated'}: {account.email} ({account.role}"
                f"{', ' + org if org else ''})\n{_link(token)}\n"
                "Send this link to them; it works once, for 3 days.")
    _run(change)


@moderators.command("link")
def link(email: Annotated[str, typer.Argument(help="The account's e-mail")]) -> None:
    """Prints a new one-time set-up link (a forgotten password); the old one stops."""
    def change(session) -> str:
        account = by_email(session, email)
        if account is None:
            raise accounts.AccountError(f"no account {email.strip().lower()!r}")
        token = accounts.new_setup_link(session=session, account_id=account.id,
                                        actor=_actor(), now=utcnow())
        return _link(token)
    _run(change)


@orgs.command("add")
def add_organisation(
        slug: Annotated[str, typer.Argument(help="Short name in lowercase, e.g. cedac")],
        name: Annotated[str, typer.Option(help="Full name")],
        country: Annotated[str | None, typer.Option(help="Country it works in: KH")] = None,
        languages: Languages = "") -> None:
    """Adds (or updates) a partner organisation."""
    def change(session) -> str:
        org, new = organisations.save(session=session, slug=slug, name=name, country=country,
                                      languages=_split(languages), actor=_actor())
        return f"organisation {org.slug} {'added' if new else 'updated'}"
    _run(change)


def _link(token: str) -> str:
    return f"{Settings().public_base_url.rstrip('/')}/admin/setup/{token}"


def _run(change: Callable[..., str]) -> None:
    """Runs a change in one transaction; a refusal is printed and exits with 1."""
    engine = make_engine(Settings().database_url)
    try:
        ensure_migrated(engine)
        with session_scope(engine) as session:
            typer.echo(change(session))
    except (DatabaseNotMigrated, accounts.AccountError, organisations.Refused) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _actor() -> str:
    """Who ran the command, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
