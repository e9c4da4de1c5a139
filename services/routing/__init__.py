"""Question routing: open questions go to up to three people who can answer them.

`route` picks answerers (candidates.py), gives each a short reply code (codes.py) and
marks the question routed; `answer_by_code` turns "A57 your answer…" into an Answer
(answers.py); `due_for_escalation`, `escalate` and `moderator_queue` feed the
moderators (queue.py).
"""

from services.routing.answers import answer_by_code
from services.routing.codes import new_code, parse_code
from services.routing.queue import due_for_escalation, escalate, moderator_queue
from services.routing.router import Routed, RouteResult, infer_topics, route

__all__ = ["RouteResult", "Routed", "answer_by_code", "due_for_escalation", "escalate",
           "infer_topics", "moderator_queue", "new_code", "parse_code", "route"]
