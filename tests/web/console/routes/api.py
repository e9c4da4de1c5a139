"""The moderation JSON API (/api/moderation): personal tokens, the same roles. (Member
and introduction routes: members.py.)"""

from __future__ import annotations

from tests.web.console.routes import row

READERS = dict(admin=200, moderator=200, translator=200, viewer=200)


ROWS = [
    row("GET", "/api/moderation/questions/queue", **READERS),
    row("GET", "/api/moderation/answers/candidates", **READERS),
    row("POST", "/api/moderation/answers/{answer_id}/approve", admin=404, moderator=404,
        translator=403, viewer=403, setup=lambda db, w: {"answer_id": 999999},
        note="no such answer: allowed roles get past the check to a 404"),
    row("POST", "/api/moderation/answers/{answer_id}/hold", admin=404, moderator=404,
        translator=403, viewer=403, setup=lambda db, w: {"answer_id": 999999}),
    row("POST", "/api/moderation/answers/{answer_id}/reject", admin=404, moderator=404,
        translator=403, viewer=403, setup=lambda db, w: {"answer_id": 999999}),
    row("POST", "/api/moderation/answers/{answer_id}/translation", admin=404,
        moderator=404, translator=404, viewer=403, json={"text": "hello"},
        setup=lambda db, w: {"answer_id": 999999}),
    row("POST", "/api/moderation/questions/{question_id}/translation", admin=404,
        moderator=404, translator=404, viewer=403, json={"text": "hello"},
        setup=lambda db, w: {"question_id": 999999}),
    row("POST", "/api/moderation/answers/{answer_id}/promote", admin=404, moderator=404,
        translator=403, viewer=403, setup=lambda db, w: {"answer_id": 999999}),
    row("GET", "/api/moderation/practices/drafts", **READERS),
    row("PATCH", "/api/moderation/practices/{practice_id}", admin=404, moderator=404,
        translator=404, viewer=403, json={}, setup=lambda db, w: {"practice_id": 999999}),
    row("POST", "/api/moderation/practices/{practice_id}/publish", admin=404, moderator=404,
        translator=404, viewer=403, setup=lambda db, w: {"practice_id": 999999}),
    row("POST", "/api/moderation/practices/{practice_id}/archive", admin=404, moderator=404,
        translator=403, viewer=403, setup=lambda db, w: {"practice_id": 999999}),
    row("GET", "/api/moderation/visits/demand", **READERS),
    row("GET", "/api/moderation/practices/replication", **READERS),
]
