"""Console accounts: created by an admin or `peerlearn moderators add`, activated through
a one-time set-up link, logged in with e-mail and password.

Logging in answers the same, and takes as long, whether the e-mail has an account or
not: every attempt looks the address up, verifies one Argon2 hash (a dummy one when
there is no account) and counts a failure the same way.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from content.languages import LANGUAGE_CODES
from content.models import ConsoleAccount, Organisation
from content.models.console import ROLES
from services.access import Principal
from services.accounts import passwords, sessions, throttle
from services.audit import record

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SETUP_TTL = timedelta(days=3)
SETUP_PREFIX = "su_"


class AccountError(ValueError):
    """A change the account rules refuse; the message says why, for the form."""


class LoginRefused(Exception):
    """Wrong e-mail or password, or a disabled account: one answer for all."""


def normalise_email(email: str) -> str:
    """The stored form of an address; AccountError if it is not one."""
    email = email.strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise AccountError(f"not an e-mail address: {email[:80]!r}")
    return email


def by_email(session: Session, email: str) -> ConsoleAccount | None:
    """The account with this e-mail, if any."""
    return session.exec(select(ConsoleAccount).where(
        ConsoleAccount.email == email.strip().lower())).first()


def create_account(*, session: Session, email: str, name: str | None, role: str,
                   organisation: str | None, languages: list[str], actor: Principal | str,
                   now: datetime) -> tuple[ConsoleAccount, str, bool]:
    """Creates an account, or updates the one with this e-mail; returns it, a fresh
    set-up token (for the one-time link) and whether it is new. Only an admin may have
    no organisation."""
    email = normalise_email(email)
    org = checked(session, role=role, organisation=organisation, languages=languages)
    account = by_email(session, email)
    new = account is None
    account = account or ConsoleAccount(email=email, name=name or email, role=role)
    account.name = (name or account.name or email).strip()[:120]
    account.role, account.organisation_id = role, org.id if org else None
    account.languages = list(dict.fromkeys(languages or (org.languages if org else [])))
    session.add(account)
    session.flush()
    token = _setup_token(account, now)
    record(session=session, actor=actor, action="account.add" if new else "account.update",
           target_type="account", target_id=account.id, email=email, role=role,
           organisation=org.slug if org else None, languages=account.languages)
    return account, token, new


def checked(session: Session, *, role: str, organisation: str | None,
            languages: list[str]) -> Organisation | None:
    """The organisation of an account with this role and languages; AccountError if the
    rules refuse them (only an admin may have no organisation)."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    unknown = [code for code in languages if code not in LANGUAGE_CODES]
    if unknown:
        raise AccountError(f"unknown languages {', '.join(unknown)}; "
                           f"use {', '.join(LANGUAGE_CODES)}")
    org = organisation_by_slug(session, organisation) if organisation else None
    if org is None and role != "admin":
        raise AccountError("every account but an admin belongs to an organisation")
    return org


def organisation_by_slug(session: Session, slug: str) -> Organisation:
    """The organisation with this slug; AccountError naming the fix if none."""
    org = session.exec(select(Organisation).where(Organisation.slug == slug)).first()
    if org is None:
        raise AccountError(f"no organisation {slug!r}: create it first "
                           "(peerlearn organisations add, or Organisations in the console)")
    return org


def _setup_token(account: ConsoleAccount, now: datetime) -> str:
    token = passwords.new_token(SETUP_PREFIX)
    account.setup_token_hash = passwords.digest(token)
    account.setup_expires_at = now + SETUP_TTL
    return token


def new_setup_link(*, session: Session, account_id: int, actor: Principal | str,
                   now: datetime) -> str:
    """A new one-time set-up token for an account (a forgotten password)."""
    account = session.get(ConsoleAccount, account_id)
    if account is None:
        raise AccountError("no such account")
    token = _setup_token(account, now)
    session.add(account)
    record(session=session, actor=actor, action="account.setup_link",
           target_type="account", target_id=account.id)
    return token


def use_setup_token(*, session: Session, token: str, now: datetime) -> ConsoleAccount | None:
    """The enabled account a set-up token belongs to, while it is valid."""
    if not token.startswith(SETUP_PREFIX) or len(token) > 200:
        return None
    account = session.exec(select(ConsoleAccount).where(
        ConsoleAccount.setup_token_hash == passwords.digest(token))).first()
    if account is None or account.disabled_at is not None \
            or account.setup_expires_at is None or _utc(account.setup_expires_at) <= now:
        return None
    return account


def setup_account(*, session: Session, token: str, password: str,
                  now: datetime) -> ConsoleAccount:
    """Sets the password through a set-up link; the link works once. Every session of
    the account ends."""
    account = use_setup_token(session=session, token=token, now=now)
    if account is None:
        raise AccountError("This link has expired or was used already. "
                           "Ask an administrator for a new one.")
    _set_password(session, account, password, now)
    account.setup_token_hash = account.setup_expires_at = None
    record(session=session, actor=account.email, action="account.password_set",
           target_type="account", target_id=account.id)
    return account


def change_password(*, session: Session, account: ConsoleAccount, current: str, new: str,
                    now: datetime, keep_session: int | None) -> None:
    """Changes the password after checking the current one; every other session ends."""
    if not passwords.verify(account.password_hash, current):
        raise AccountError("The current password is not right.")
    _set_password(session, account, new, now, keep_session)
    record(session=session, actor=account.email, action="account.password_change",
           target_type="account", target_id=account.id)


def _set_password(session: Session, account: ConsoleAccount, password: str, now: datetime,
                  keep_session: int | None = None) -> None:
    problem = passwords.problem(password, account.email)
    if problem:
        raise AccountError(problem)
    account.password_hash = passwords.hash_password(password)
    account.password_changed_at = now
    session.add(account)
    sessions.revoke_all(session=session, account_id=account.id, now=now, keep=keep_session)


def ensure_admin(*, session: Session, email: str, password: str,
                 now: datetime) -> ConsoleAccount:
    """The first admin from ADMIN_EMAIL / ADMIN_PASSWORD: created, or brought back to an
    enabled admin with this password."""
    email = normalise_email(email)
    account = by_email(session, email)
    if account is None:
        account = ConsoleAccount(email=email, name="Administrator", role="admin")
    changed = account.role != "admin" or account.disabled_at is not None \
        or not passwords.verify(account.password_hash, password)
    if not changed:
        return account
    if account.password_hash is None or not passwords.verify(account.password_hash,
                                                             password):
        account.password_hash = passwords.hash_password(password)
        account.password_changed_at = now
    account.role, account.disabled_at = "admin", None
    session.add(account)
    session.flush()
    record(session=session, actor="settings:ADMIN_EMAIL", action="account.admin_from_settings",
           target_type="account", target_id=account.id)
    return account


def authenticate(*, session: Session, email: str, password: str, address: str | None,
                 now: datetime, limits: throttle.Limits) -> ConsoleAccount:
    """The account for a login, or LoginRefused / Throttled (the caller commits either
    way: a failure is counted)."""
    email = email.strip().lower()[:254]
    throttle.check(session=session, email=email, address=address, now=now, limits=limits)
    account = by_email(session, email) if email else None
    good = passwords.verify(account.password_hash if account else None, password[:1024])
    if not good or account is None or account.disabled_at is not None:
        throttle.record_failure(session=session, email=email, address=address, now=now,
                                limits=limits)
        raise LoginRefused()
    if passwords.needs_rehash(account.password_hash):
        account.password_hash = passwords.hash_password(password)
    account.last_login_at = now
    session.add(account)
    return account


def principal_of(session: Session, account: ConsoleAccount) -> Principal:
    """What access checks need to know about an account."""
    org = session.get(Organisation, account.organisation_id) \
        if account.organisation_id else None
    return Principal(account_id=account.id, email=account.email, name=account.name,
                     role=account.role, organisation_id=account.organisation_id,
                     organisation_slug=org.slug if org else None,
                     country=org.country if org else None,
                     languages=tuple(account.languages or ()))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
