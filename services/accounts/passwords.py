"""Password hashing with Argon2id (argon2-cffi's PasswordHasher, RFC 9106 low-memory
parameters), and what a new password must be.

Logging in with an unknown e-mail verifies against a dummy hash, so an answer takes as
long whether the account exists or not.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 1024  # Argon2 takes anything; a megabyte "password" is an attack


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    """The one PasswordHasher (parameters of argon2-cffi's RFC 9106 low-memory profile)."""
    return PasswordHasher()


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """A hash of a random value, verified when there is no account to verify against."""
    return hasher().hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    """The Argon2id hash to store."""
    return hasher().hash(password)


def verify(stored: str | None, password: str) -> bool:
    """Whether the password matches; always does the work of one verification."""
    try:
        return hasher().verify(stored or dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether the hash was made with older parameters than today's."""
    return hasher().check_needs_rehash(stored)


def problem(password: str, email: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"A password needs at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"A password has at most {MAX_LENGTH} characters."
    if password.strip().lower() == email.strip().lower():
        return "The password cannot be the e-mail address."
    return None


def new_token(prefix: str) -> str:
    """A random secret of 256 bits, e.g. for a session, an API token or a set-up link."""
    return f"{prefix}{secrets.token_urlsafe(32)}"


def digest(token: str) -> str:
    """What is stored of a random token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
