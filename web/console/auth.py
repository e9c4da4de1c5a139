"""Logging in and out, the one-time set-up link, and the account page (password,
sessions, personal API tokens).

The login and set-up forms come before any session, so their CSRF token is a random
value in a cookie and the same value in the form (double submit). A wrong e-mail and a
wrong password get the same answer; so does a throttled known e-mail and a throttled
unknown one.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from content.models import ConsoleAccount, utcnow
from services import accounts
from services.accounts import sessions, tokens
from web.console.core import COOKIE, COOKIE_PATH, PREFIX, Console, Current, Forbidden
from web.params import RowId

LOGIN_CSRF = "peerlearn_login"
SIMULATOR = "/simulator"  # behind this login where SIMULATOR=login (web/simulator_access.py)
WRONG = "The e-mail or the password is not right."


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    own = Depends(console.allow("account.own"))
    console.notices.update(password_changed="Your password is changed; your other "
                           "sessions ended.", session_revoked="That session ended.",
                           token_revoked="The token no longer works.")

    @router.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = PREFIX) -> Response:
        """The login form."""
        return _form(console, request, "console/auth/login.html", {"next": _safe(next)})

    @router.post("/login", response_class=HTMLResponse)
    def login(request: Request, email: Annotated[str, Form(max_length=300)] = "",
              password: Annotated[str, Form(max_length=2000)] = "",
              csrf_token: Annotated[str, Form(max_length=200)] = "",
              next: Annotated[str, Form(max_length=500)] = PREFIX) -> Response:
        """Checks the e-mail and password; starts a session."""
        _check_login_csrf(request, csrf_token)
        address = request.client.host if request.client else None
        now = utcnow()
        context = {"next": _safe(next), "email": email}
        try:
            with console.db() as session:
                try:
                    account = accounts.authenticate(
                        session=session, email=email, password=password, address=address,
                        now=now, limits=console.limits)
                except accounts.LoginRefused:
                    account = None
                token = _start(console, session, account) if account else None
        except accounts.Throttled as exc:
            minutes = max(1, round(exc.retry_after / 60))
            response = _form(console, request, "console/auth/login.html", {
                **context, "error": console.gettext(
                    "Too many attempts. Try again in %(minutes)s minutes.")
                % {"minutes": minutes}}, status_code=429)
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        if token is None:
            return _form(console, request, "console/auth/login.html",
                         {**context, "error": console.gettext(WRONG)}, status_code=401)
        return _logged_in(request, token, _safe(next))

    @router.post("/logout")
    def logout(current: Current = own) -> RedirectResponse:
        """Ends this session."""
        with console.db() as session:
            sessions.revoke(session=session, session_id=current.session_id, now=utcnow())
        response = console.redirect(f"{PREFIX}/login", ok="logged_out")
        _forget_session(response)
        return response

    @router.get("/setup/{token}", response_class=HTMLResponse)
    def setup_page(request: Request, token: str) -> Response:
        """Choose a password, from a one-time link."""
        with console.db() as session:
            account = accounts.use_setup_token(session=session, token=token, now=utcnow())
            context = {"account": account, "token": token}
        return _form(console, request, "console/auth/setup.html", context,
                     status_code=200 if account else 404)

    @router.post("/setup/{token}", response_class=HTMLResponse)
    def setup(request: Request, token: str,
              password: Annotated[str, Form(max_length=2000)] = "",
              confirm: Annotated[str, Form(max_length=2000)] = "",
              csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
        """Sets the password and logs in."""
        _check_login_csrf(request, csrf_token)
        with console.db() as session:
            account = accounts.use_setup_token(session=session, token=token, now=utcnow())
            error = console.gettext("The two passwords differ.") if password != confirm \
                else None
            if account is not None and error is None:
                try:
                    account = accounts.setup_account(session=session, token=token,
                                                     password=password, now=utcnow())
                    return _logged_in(request, _start(console, session, account), PREFIX)
                except accounts.AccountError as exc:
                    error = str(exc)
        return _form(console, request, "console/auth/setup.html",
                     {"account": account, "token": token, "error": error},
                     status_code=422 if account else 404)

    @router.get("/account", response_class=HTMLResponse)
    def account_page(request: Request, current: Current = own) -> HTMLResponse:
        """The account: password, sessions, API tokens."""
        return _account(console, request, current)

    @router.post("/account/password", response_class=HTMLResponse)
    def password(request: Request, current: Current = own,
                 old: Annotated[str, Form(max_length=2000)] = "",
                 new: Annotated[str, Form(max_length=2000)] = "",
                 confirm: Annotated[str, Form(max_length=2000)] = "") -> Response:
        """Changes the password; every other session ends."""
        if new != confirm:
            return _account(console, request, current,
                            error=console.gettext("The two new passwords differ."))
        try:
            with console.db() as session:
                account = session.get(ConsoleAccount, current.principal.account_id)
                accounts.change_password(session=session, account=account, current=old,
                                         new=new, now=utcnow(),
                                         keep_session=current.session_id)
        except accounts.AccountError as exc:
            return _account(console, request, current, error=str(exc))
        return console.redirect(f"{PREFIX}/account", ok="password_changed")

    @router.post("/account/sessions/{session_id}/revoke")
    def revoke_session(session_id: RowId, current: Current = own) -> RedirectResponse:
        """Ends one of the account's sessions (another browser)."""
        with console.db() as session:
            sessions.revoke(session=session, session_id=session_id, now=utcnow(),
                            account_id=current.principal.account_id)
        return console.redirect(f"{PREFIX}/account", ok="session_revoked")

    @router.post("/account/tokens", response_class=HTMLResponse)
    def new_token(request: Request, current: Current = own,
                  name: Annotated[str, Form(max_length=80)] = "") -> HTMLResponse:
        """Creates a personal API token and shows it, once."""
        with console.db() as session:
            secret, _ = tokens.create(session=session, now=utcnow(), name=name,
                                      account_id=current.principal.account_id)
        response = _account(console, request, current, secret=secret)
        response.headers["Cache-Control"] = "no-store"
        return response

    @router.post("/account/tokens/{token_id}/revoke")
    def revoke_token(token_id: RowId, current: Current = own) -> RedirectResponse:
        """Revokes one of the account's API tokens."""
        with console.db() as session:
            tokens.revoke(session=session, account_id=current.principal.account_id,
                          token_id=token_id, now=utcnow())
        return console.redirect(f"{PREFIX}/account", ok="token_revoked")

    return router


def _account(console: Console, request: Request, current: Current, error: str | None = None,
             secret: str | None = None) -> HTMLResponse:
    with console.db() as session:
        account_id = current.principal.account_id
        context = {"sessions": sessions.live(session=session, account_id=account_id,
                                             now=utcnow(), lifetime=console.lifetime),
                   "tokens": tokens.listed(session=session, account_id=account_id),
                   "this_session": current.session_id, "error": error, "secret": secret}
    return console.render(request, current, "console/auth/account.html", context,
                          status_code=422 if error else 200)


def _start(console: Console, session, account: ConsoleAccount) -> str:
    token, _ = sessions.start(session=session, account=account, now=utcnow(),
                              lifetime=console.lifetime)
    return token


def _logged_in(request: Request, token: str, next_url: str) -> RedirectResponse:
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(COOKIE, token, path=COOKIE_PATH, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")
    response.delete_cookie(LOGIN_CSRF, path=PREFIX)
    return response


def _forget_session(response: Response) -> None:
    """Deletes the session cookie (and one an older version set under PREFIX only)."""
    response.delete_cookie(COOKIE, path=PREFIX)
    response.delete_cookie(COOKIE, path=COOKIE_PATH)


def _form(console: Console, request: Request, template: str, context: dict,
          status_code: int = 200) -> HTMLResponse:
    """A form shown before login, with a fresh double-submit CSRF token."""
    token = request.cookies.get(LOGIN_CSRF) or secrets.token_urlsafe(32)
    context = {"email": "", "error": None, **context, "login_csrf": token}
    response = console.render(request, None, template, context, status_code=status_code)
    response.set_cookie(LOGIN_CSRF, token, path=PREFIX, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


def _check_login_csrf(request: Request, sent: str) -> None:
    expected = request.cookies.get(LOGIN_CSRF)
    if not expected or not sent or not secrets.compare_digest(sent.encode(),
                                                              expected.encode()):
        raise Forbidden("This form has expired. Go back, reload the page and try again.")


def _safe(next_url: str) -> str:
    """Where to go after logging in: a console page or the simulator, never another
    site."""
    if next_url == SIMULATOR:
        return next_url
    if not next_url.startswith(PREFIX) or next_url.startswith("//") or "\\" in next_url:
        return PREFIX
    return next_url
