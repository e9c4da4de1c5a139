"""Text PostgreSQL can hold: a NUL character (U+0000) in a query parameter or in a JSON
string of a moderation request is refused with a 422. PostgreSQL refuses NUL in text, so
such a request was a 500 there (and stored as sent on SQLite); now both databases give
the same answer. Members' messages keep theirs instead (bot/inbox.storable): those come
from phones, these from a moderator's own client."""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi import HTTPException, Request

NUL = "\x00"


async def refuse_nul(request: Request) -> None:
    """A dependency of every moderation route: 422 for a NUL in the query or JSON body."""
    if any(NUL in key or NUL in value for key, value in request.query_params.multi_items()):
        raise HTTPException(422, "a query parameter holds a NUL character")
    if "json" not in request.headers.get("content-type", "json"):
        return
    body = await request.body()
    try:
        data = json.loads(body) if body else None
    except (ValueError, RecursionError):
        return  # not JSON: FastAPI answers that itself
    if any(NUL in text for text in _strings(data)):
        raise HTTPException(422, "the body holds a NUL character")


def _strings(data) -> Iterator[str]:
    """Every string in parsed JSON, keys included (without recursion: JSON may nest
    deeper than Python's stack)."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
