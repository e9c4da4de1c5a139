"""Administration of console accounts (admins only): the list with filters, adding an
account (its one-time set-up link is shown once: peerlearn sends no e-mail), changing
role, organisation and languages, disabling and enabling, a new set-up link.

The rules live in services/accounts/manage.py; this module turns forms into calls and
refusals into the form again with the reason.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from content.models import ConsoleAccount, Organisation, utcnow
from content.models.console import ROLES
from services import accounts
from services.accounts import manage, sessions, tokens
from services.accounts.accounts import SETUP_TTL
from services.organisations import listed as organisations_listed
from web.console.core import PREFIX, Console, Current, NotFound
from web.params import RowId

LIST = "console/accounts/list.html"
FORM = "console/accounts/form.html"
LINK = "console/accounts/link.html"
Text = Annotated[str, Form(max_length=254)]
Languages = Annotated[list[str] | None, Form()]


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    admin = Depends(console.allow("accounts.manage"))
    console.notices.update(
        account_saved="The account is saved; it applies at their next click.",
        account_disabled="The account is disabled: its sessions and API tokens ended.",
        account_enabled="The account is enabled: they can log in again.",
        demoted_self="Your account is saved. You are no longer an administrator.")

    @router.get("/accounts", response_class=HTMLResponse)
    def account_list(request: Request, current: Current = admin, role: str = "",
                     org: str = "", lang: str = "", status: str = "",
                     q: str = "") -> HTMLResponse:
        """Every account, narrowed by role, organisation, language, status or text."""
        filters = manage.Filters(role=role or None, organisation=org or None,
                                 language=lang or None, status=status or None,
                                 text=q[:100] or None)
        with console.db() as session:
            rows = manage.listed(session=session, filters=filters)
            context = {"rows": rows, "filters": filters, "limit": manage.LISTED,
                       **_choices(session)}
        return console.render(request, current, LIST, context)

    @router.get("/accounts/new", response_class=HTMLResponse)
    def new_account(request: Request, current: Current = admin) -> HTMLResponse:
        """The form for a new account."""
        return _form(console, request, current, None, {"role": "moderator"})

    @router.post("/accounts", response_class=HTMLResponse)
    def create(request: Request, current: Current = admin, email: Text = "",
               name: Annotated[str, Form(max_length=120)] = "", role: Text = "",
               organisation: Text = "", languages: Languages = None) -> Response:
        """Adds the account; shows its set-up link, once."""
        values = {"email": email, "name": name, "role": role,
                  "organisation": organisation, "languages": languages or []}
        try:
            with console.db() as session:
                account, token = manage.add(
                    session=session, email=email, name=name, role=role,
                    organisation=organisation or None, languages=languages or [],
                    actor=current.principal, now=utcnow())
                return _link(console, request, current, account, token, new=True)
        except accounts.AccountError as exc:
            return _form(console, request, current, None, values, error=str(exc))

    @router.get("/accounts/{account_id}", response_class=HTMLResponse)
    def edit_page(request: Request, account_id: RowId, current: Current = admin) -> Response:
        """One account: its role, organisation, languages and access."""
        return _form(console, request, current, account_id)

    @router.post("/accounts/{account_id}", response_class=HTMLResponse)
    def edit(request: Request, account_id: RowId, current: Current = admin,
             name: Annotated[str, Form(max_length=120)] = "", role: Text = "",
             organisation: Text = "", languages: Languages = None) -> Response:
        """Saves role, organisation, languages and name."""
        values = {"name": name, "role": role, "organisation": organisation,
                  "languages": languages or []}
        try:
            with console.db() as session:
                _account(session, account_id)
                manage.update(session=session, account_id=account_id, name=name,
                              role=role, organisation=organisation or None,
                              languages=languages or [], actor=current.principal)
        except accounts.AccountError as exc:
            return _form(console, request, current, account_id, values, error=str(exc),
                         status_code=409 if isinstance(exc, accounts.LastAdmin) else 422)
        if account_id == current.principal.account_id and role != "admin":
            return console.redirect(PREFIX, ok="demoted_self")
        return console.redirect(f"{PREFIX}/accounts/{account_id}", ok="account_saved")

    @router.post("/accounts/{account_id}/disable", response_class=HTMLResponse)
    def disable(request: Request, account_id: RowId, current: Current = admin) -> Response:
        """Disables the account: its sessions and tokens end at once."""
        return _set_disabled(console, request, current, account_id, True)

    @router.post("/accounts/{account_id}/enable", response_class=HTMLResponse)
    def enable(request: Request, account_id: RowId, current: Current = admin) -> Response:
        """Enables the account again."""
        return _set_disabled(console, request, current, account_id, False)

    @router.post("/accounts/{account_id}/setup-link", response_class=HTMLResponse)
    def setup_link(request: Request, account_id: RowId, current: Current = admin) -> Response:
        """A new one-time set-up link (a forgotten password); the old link stops."""
        with console.db() as session:
            account = _account(session, account_id)
            if account.disabled_at is not None:
                return _form(console, request, current, account_id, error=console.gettext(
                    "Enable the account first: a disabled account's link does not work."),
                    status_code=409)
            token = accounts.new_setup_link(session=session, account_id=account_id,
                                            actor=current.principal, now=utcnow())
            return _link(console, request, current, account, token, new=False)

    return router


def _set_disabled(console: Console, request: Request, current: Current, account_id: int,
                  disabled: bool) -> Response:
    try:
        with console.db() as session:
            _account(session, account_id)
            manage.set_disabled(session=session, account_id=account_id, disabled=disabled,
                                actor=current.principal, now=utcnow())
    except accounts.LastAdmin as exc:
        return _form(console, request, current, account_id, error=str(exc), status_code=409)
    if disabled and account_id == current.principal.account_id:
        return console.redirect(f"{PREFIX}/login")  # their own session just ended
    return console.redirect(f"{PREFIX}/accounts/{account_id}",
                            ok="account_disabled" if disabled else "account_enabled")


def _account(session: Session, account_id: int) -> ConsoleAccount:
    account = session.get(ConsoleAccount, account_id)
    if account is None:
        raise NotFound()
    return account


def _choices(session: Session) -> dict:
    """What the forms offer: roles, organisations, statuses."""
    return {"roles": ROLES, "statuses": manage.STATUSES,
            "organisations": [org for org, _ in organisations_listed(session=session)]}


def _form(console: Console, request: Request, current: Current, account_id: int | None,
          values: dict | None = None, error: str | None = None,
          status_code: int | None = None) -> HTMLResponse:
    """The new-account form, or an account's page (its values, or what was typed)."""
    with console.db() as session:
        context = {"account": None, "error": error, **_choices(session)}
        if account_id is not None:
            account = _account(session, account_id)
            org = session.get(Organisation, account.organisation_id) \
                if account.organisation_id else None
            context.update(_access(console, session, account))
            values = values or {"name": account.name, "role": account.role,
                                "organisation": org.slug if org else "",
                                "languages": account.languages or []}
            context["account"] = account
    context["values"] = {"email": "", "name": "", "organisation": "", "languages": [],
                         **(values or {})}
    return console.render(request, current, FORM, context,
                          status_code=status_code or (422 if error else 200))


def _access(console: Console, session: Session, account: ConsoleAccount) -> dict:
    """How the account gets in today: live sessions and tokens, the last-admin rule."""
    now = utcnow()
    return {
        "live_sessions": len(sessions.live(session=session, account_id=account.id, now=now,
                                           lifetime=console.lifetime)),
        "live_tokens": sum(1 for t in tokens.listed(session=session, account_id=account.id)
                           if t.revoked_at is None),
        "last_admin": manage.is_last_admin(session=session, account=account),
        "from_settings": account.email == (console.services.settings.admin_email or "")
        .strip().lower(),
        "link_pending": manage.link_pending(account, now)}


def _link(console: Console, request: Request, current: Current, account: ConsoleAccount,
          token: str, *, new: bool) -> HTMLResponse:
    """The page that shows a set-up link, once (never stored in clear, never cached)."""
    base = console.services.settings.public_base_url.rstrip("/")
    response = console.render(request, current, LINK, {
        "account": account, "new": new, "link": f"{base}{PREFIX}/setup/{token}",
        "days": SETUP_TTL.days})
    response.headers["Cache-Control"] = "no-store"
    return response
