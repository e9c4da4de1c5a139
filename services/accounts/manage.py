"""What an admin does to other accounts (the console's Accounts pages): list them with
filters, add one, change its role, organisation and languages, disable and enable it.

The console never loses its last enabled admin: that account cannot be disabled or lose
the admin role (on PostgreSQL the enabled admins are locked while this is checked, so two
admins disabling each other at once cannot both succeed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, or_
from sqlmodel import Session, select

from content.models import ConsoleAccount, Organisation
from services.access import Principal
from services.accounts import sessions, tokens
from services.accounts.accounts import (
    AccountError,
    by_email,
    checked,
    create_account,
    normalise_email,
)
from services.audit import record

STATUSES = ("enabled", "disabled", "pending")  # pending: no password chosen yet
LISTED = 500  # accounts are people of a few partner organisations, not members


class LastAdmin(AccountError):
    """The change would leave the console without an enabled admin."""


@dataclass(frozen=True)
class Filters:
    """What the accounts list is narrowed to (None: any)."""

    role: str | None = None
    organisation: str | None = None  # slug
    language: str | None = None
    status: str | None = None
    text: str | None = None  # part of the e-mail or the name


def listed(*, session: Session,
           filters: Filters) -> list[tuple[ConsoleAccount, Organisation | None]]:
    """Accounts matching the filters with their organisations, by organisation and name."""
    query = select(ConsoleAccount, Organisation).join(
        Organisation, Organisation.id == ConsoleAccount.organisation_id, isouter=True)
    if filters.role:
        query = query.where(ConsoleAccount.role == filters.role)
    if filters.organisation:
        query = query.where(Organisation.slug == filters.organisation)
    if filters.status == "disabled":
        query = query.where(ConsoleAccount.disabled_at.is_not(None))
    elif filters.status in ("enabled", "pending"):
        query = query.where(ConsoleAccount.disabled_at.is_(None))
    if filters.status == "pending":
        query = query.where(ConsoleAccount.password_hash.is_(None))
    if filters.text:
        pattern = f"%{filters.text.strip().lower()}%"
        query = query.where(or_(func.lower(ConsoleAccount.email).like(pattern),
                                func.lower(ConsoleAccount.name).like(pattern)))
    rows = session.exec(query.order_by(
        Organisation.name.is_not(None), func.lower(Organisation.name),
        func.lower(ConsoleAccount.name)).limit(LISTED)).all()
    # Languages are a JSON list: narrowed here, the same on SQLite and PostgreSQL.
    return [(account, org) for account, org in rows
            if not filters.language or filters.language in (account.languages or [])]


def add(*, session: Session, email: str, name: str, role: str, organisation: str | None,
        languages: list[str], actor: Principal | str,
        now: datetime) -> tuple[ConsoleAccount, str]:
    """A new account and its one-time set-up token; refuses an e-mail that has one."""
    if by_email(session, normalise_email(email)) is not None:
        raise AccountError("An account with this e-mail exists already: edit it instead.")
    if not name.strip():
        raise AccountError("A name is needed: pages and the audit log show it.")
    account, token, _ = create_account(session=session, email=email, name=name, role=role,
                                       organisation=organisation, languages=languages,
                                       actor=actor, now=now)
    return account, token


def update(*, session: Session, account_id: int, name: str, role: str,
           organisation: str | None, languages: list[str],
           actor: Principal | str) -> ConsoleAccount:
    """Changes an account's name, role, organisation and languages (none: the
    organisation's, as when it was added); live sessions and tokens follow at once."""
    account = _get(session, account_id)
    org = checked(session, role=role, organisation=organisation, languages=languages)
    if not name.strip():
        raise AccountError("A name is needed: pages and the audit log show it.")
    if role != "admin":
        _keep_an_admin(session, account)
    before = _summary(session, account)
    account.name, account.role = name.strip()[:120], role
    account.organisation_id = org.id if org else None
    account.languages = list(dict.fromkeys(languages or (org.languages if org else [])))
    session.add(account)
    after = _summary(session, account)
    record(session=session, actor=actor, action="account.update", target_type="account",
           target_id=account.id, email=account.email,
           **{key: [before[key], value] for key, value in after.items()
              if before[key] != value})
    return account


def set_disabled(*, session: Session, account_id: int, disabled: bool,
                 actor: Principal | str, now: datetime) -> ConsoleAccount:
    """Disables an account (its sessions, tokens and set-up link stop at once) or
    enables it again (it logs in afresh; revoked tokens stay revoked)."""
    account = _get(session, account_id)
    if disabled:
        _keep_an_admin(session, account)
        account.setup_token_hash = account.setup_expires_at = None
        sessions.revoke_all(session=session, account_id=account.id, now=now)
        tokens.revoke_all(session=session, account_id=account.id, now=now)
    account.disabled_at = now if disabled else None
    session.add(account)
    record(session=session, actor=actor, action="account.disable" if disabled
           else "account.enable", target_type="account", target_id=account.id,
           email=account.email)
    return account


def is_last_admin(*, session: Session, account: ConsoleAccount, lock: bool = False) -> bool:
    """Whether the account is the only enabled admin. `lock` holds every enabled admin's
    row until the transaction ends, so a concurrent check waits for this change and then
    sees its outcome."""
    if account.role != "admin" or account.disabled_at is not None:
        return False
    query = select(ConsoleAccount.id).where(ConsoleAccount.role == "admin",
                                            ConsoleAccount.disabled_at.is_(None))
    admins = session.exec(query.with_for_update() if lock else query).all()
    return set(admins) <= {account.id}


def link_pending(account: ConsoleAccount, now: datetime) -> bool:
    """Whether the account has a set-up link that still works."""
    expires = account.setup_expires_at
    if expires is None or account.disabled_at is not None:
        return False
    return (expires.replace(tzinfo=UTC) if expires.tzinfo is None else expires) > now


def _keep_an_admin(session: Session, account: ConsoleAccount) -> None:
    if is_last_admin(session=session, account=account, lock=True):
        raise LastAdmin(f"{account.email} is the last enabled administrator: make another "
                        "account an administrator first, then change this one.")


def _get(session: Session, account_id: int) -> ConsoleAccount:
    account = session.get(ConsoleAccount, account_id)
    if account is None:
        raise AccountError("no such account")
    return account


def _summary(session: Session, account: ConsoleAccount) -> dict[str, object]:
    org = session.get(Organisation, account.organisation_id) \
        if account.organisation_id else None
    return {"name": account.name, "role": account.role,
            "organisation": org.slug if org else None,
            "languages": list(account.languages or [])}
