"""Scheduling for the worker: a job queue on the Job table (claimed like outbox rows),
follow-up nudges after a practice is read, and the weekly story broadcast.

- `jobs`: schedule / claim_due / finish / release, and schedule_followups.
- `weekly`: queue_weekly_stories, one story snippet a week per subscribed member,
  outside their quiet hours; `clock` holds the local-time arithmetic it uses.
"""

from services.scheduling.jobs import (
    FOLLOWUP,
    LEASE,
    STORY,
    claim_due,
    finish,
    release,
    schedule,
    schedule_followups,
)
from services.scheduling.weekly import queue_weekly_stories

__all__ = ["FOLLOWUP", "LEASE", "STORY", "claim_due", "finish", "queue_weekly_stories",
           "release", "schedule", "schedule_followups"]
