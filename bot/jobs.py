"""Scheduled work the worker runs: one handler per job kind.

A handler gets the session, the claimed Job and the time, does its work in that
transaction and returns the notices to send (bot/notify.py delivers them). Flows own
their handlers; this table names them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from bot.replies import Notice
from content.models import Job

Handler = Callable[[Session, Job, datetime], list[Notice]]
HANDLERS: dict[str, Handler] = {}
