"""Console accounts of partner organisations: passwords, set-up links, sessions, personal
API tokens and login throttling (DESIGN.md §4, Organisation; issue 9).

- passwords.py: Argon2id through argon2-cffi, and the rule for a new password;
- accounts.py: creating accounts, set-up links, password changes, the first admin from
  ADMIN_EMAIL / ADMIN_PASSWORD, and logging in;
- manage.py: what an admin does to other accounts: list, add, change, disable, enable,
  never leaving the console without an enabled admin;
- sessions.py: server-side console sessions with idle and absolute expiry;
- tokens.py: personal API tokens (Bearer) for the moderation API;
- throttle.py: failed logins counted per e-mail typed and per client address.

Secrets are never stored or logged: passwords as Argon2 hashes, tokens and links as
SHA-256 digests of random values only their holder knows.
"""

from services.accounts.accounts import (
    AccountError,
    LoginRefused,
    authenticate,
    change_password,
    create_account,
    ensure_admin,
    new_setup_link,
    principal_of,
    setup_account,
    use_setup_token,
)
from services.accounts.manage import LastAdmin, set_disabled
from services.accounts.throttle import Throttled

__all__ = [
    "AccountError", "LastAdmin", "LoginRefused", "Throttled", "authenticate", "change_password",
    "create_account", "ensure_admin", "new_setup_link", "principal_of", "set_disabled",
    "setup_account", "use_setup_token",
]
