"""The one route pipeline every provider webhook goes through.

read (a form off the event loop, with a cap on its fields) -> verify -> parse -> store
every item, in a transaction shared with the requests arriving at the same time
(webhooks/group_commit.py; 5xx if that fails: the provider must retry, since nothing
unstored may be acknowledged) -> acknowledge. The turn runs later, in a processor
(bot/processing.py); what must ride in the response (Telegram's answer to a callback
query) is made from the parsed items.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import parse_qsl

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from starlette.datastructures import ImmutableMultiDict

from webhooks.channels.base import Adapter, Incoming, Malformed
from webhooks.group_commit import GroupCommit

log = logging.getLogger(__name__)
FORM = "application/x-www-form-urlencoded"
# A Twilio form has a few dozen fields (ten pictures of an MMS add twenty): more than this
# is no provider's request, and is refused before anything else is made of it.
MAX_FORM_FIELDS = 1000
# A provider's form (a few kilobytes) is parsed in place: a thread hop costs more than
# the parsing. A larger body goes to a thread (see `incoming`).
SMALL_FORM = 16 * 1024


class TooManyFields(ValueError):
    """A form with more fields than any provider sends."""


async def run(adapter: Adapter, store: GroupCommit, request: Request,
              public_base_url: str) -> Response:
    """Reads the request, then runs it through the pipeline."""
    try:
        received = await incoming(request, public_base_url)
    except TooManyFields:
        return JSONResponse({"error": f"more than {MAX_FORM_FIELDS} form fields"},
                            status_code=413)
    return await handle(adapter, store, received)


async def incoming(request: Request, public_base_url: str) -> Incoming:
    """The request as the provider sent it, with the URL it addressed (behind a proxy the
    URL this server sees is not the one the provider signed). A form larger than any
    provider's is read in a worker thread: it comes before the signature can be checked,
    so anyone can send a large one, and parsing it on the event loop would stall every
    other request meanwhile."""
    body = await request.body()
    form: ImmutableMultiDict = ImmutableMultiDict()
    if request.headers.get("content-type", "").startswith(FORM) and body:
        small = len(body) <= SMALL_FORM
        form = read_form(body) if small else await asyncio.to_thread(read_form, body)
    url = public_base_url.rstrip("/") + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    headers = {k.lower(): v for k, v in request.headers.items()}
    return Incoming(url=url, headers=headers, body=body, form=form)


def read_form(body: bytes) -> ImmutableMultiDict:
    """Every field of a urlencoded body as sent, a repeated one with all its values;
    TooManyFields beyond MAX_FORM_FIELDS (counted before anything is decoded)."""
    try:
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True,
                          max_num_fields=MAX_FORM_FIELDS)
    except ValueError as exc:  # parse_qsl's "Max number of fields exceeded"
        raise TooManyFields(str(exc)) from exc
    return ImmutableMultiDict(pairs)


async def handle(adapter: Adapter, store: GroupCommit, request: Incoming) -> Response:
    """Runs one webhook request through the pipeline."""
    if not adapter.verify(request):
        return JSONResponse({"error": "forbidden"}, status_code=403)
    try:
        items = adapter.parse(request)
    except Malformed as exc:
        return JSONResponse({"error": f"malformed {adapter.name} request: {exc}"},
                            status_code=400)
    try:
        results = await store.store(items)
    except Exception:
        log.exception("could not store a %s message", adapter.name)
        return JSONResponse({"error": "temporarily unavailable"}, status_code=503)
    return adapter.acknowledge(items, results)
