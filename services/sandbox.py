"""The sandbox: members made by the chat simulator never reach real members, and real
members never hear from them.

The web simulator (/simulator) and `peerlearn chat` talk to the engine under the
`simulator` provider with an address of the form `<sandbox id>/<typed address>`: the web
simulator's sandbox id is a random value kept in the browser's cookie, so one browser
never reaches another browser's members, and `peerlearn chat` uses TERMINAL. The member
created behind such an address carries the sandbox id in `member.sandbox` (None for a
real member), and every query that picks another member for a member (routing a
question, proposing a peer, a moderator's assignment) keeps to the asker's sandbox:
`same_sandbox`. The engine drops any notice that would still cross it (bot/engine.py).

A simulator address without a sandbox id is not a sandbox member: nothing outside the
code makes one (the test suite's stand-ins for real members use them). Members the
simulator made before migration 0011 are in the sandbox LEGACY.
"""

from __future__ import annotations

import re

from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session, select

from content.models import Member

PROVIDER = "simulator"
SEPARATOR = "/"
TERMINAL = "terminal"  # `peerlearn chat`
LEGACY = "legacy"
SANDBOX_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def scoped(sandbox: str, typed: str) -> str:
    """The stored address of what a person typed in the sandbox `sandbox`."""
    if not SANDBOX_ID.fullmatch(sandbox) or SEPARATOR in typed:
        raise ValueError("not a sandbox id or not an address")
    return f"{sandbox}{SEPARATOR}{typed}"


def sandbox_of(provider: str, address: str) -> str | None:
    """The sandbox of a new identity's member: its address's sandbox id, or None."""
    if provider != PROVIDER or SEPARATOR not in address:
        return None
    return address.partition(SEPARATOR)[0]


def typed(provider: str, address: str) -> str:
    """The address as the person typed it (a phone number: its country is read from it)."""
    return address.partition(SEPARATOR)[2] if sandbox_of(provider, address) else address


def sandbox_ids(sandbox: str | None) -> Select:
    """SQL: the ids of the members of `sandbox`, or of every sandbox when None (index
    ix_member_sandbox)."""
    if sandbox is None:
        return select(Member.id).where(Member.sandbox.is_not(None))
    return select(Member.id).where(Member.sandbox == sandbox)


def same_sandbox(member_id: ColumnElement, sandbox: str | None) -> ColumnElement[bool]:
    """SQL: the member `member_id` is where a member of `sandbox` may reach them: in
    the same sandbox, or, for a real member (None), outside every sandbox."""
    if sandbox is None:
        return member_id.not_in(sandbox_ids(None))
    return member_id.in_(sandbox_ids(sandbox))


def of_member(session: Session, member_id: int | None) -> str | None:
    """The sandbox of a member (None: a real member, or nobody)."""
    if member_id is None:
        return None
    return session.exec(select(Member.sandbox).where(Member.id == member_id)).first()


def may_reach(session: Session, sender: Member, member_id: int) -> bool:
    """Whether a message from `sender` may go to the member `member_id`: both real, or
    both in the same sandbox."""
    return of_member(session, member_id) == sender.sandbox
