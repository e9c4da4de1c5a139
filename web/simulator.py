"""The chat simulator: talk to the bot as an SMS phone or a Telegram user, in a browser.

Messages go through the same inbox, engine and outbox as real ones, under the
`simulator` provider; the page shows each reply as the channel renders it, with its
segment count and encoding. A button pressed is sent as Telegram reports a press (the
button's data, and the message it is on), so a reply may edit that message's buttons.

It is a sandbox (services/sandbox.py): its members reach only members of the same
browser's sandbox, and who may use it at all is the SIMULATOR setting
(web/simulator_access.py).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from sqlmodel import Session

from bot.inbox import InboundItem
from content.channels import kinds
from content.models import InboundMessage, OutboundMessage
from services import sandbox
from services.delivery.senders import simulator_id, simulator_row
from services.history import conversation
from services.phones import typed_address
from web.simulator_access import gate, sandbox_of

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
PROVIDER = sandbox.PROVIDER


class SimMessage(BaseModel):
    """What the member types."""

    channel: str = Field(max_length=16)  # a declared kind (content/channels.py)
    address: str = Field(min_length=1, max_length=32)
    text: str = Field(default="", max_length=10_000)
    tapped: int | None = Field(default=None, ge=1)  # the reply whose button was pressed


def _address(channel: str, raw: str) -> str:
    if channel not in {caps.channel for caps in kinds()}:
        raise HTTPException(422, f"no channel {channel[:16]!r}")
    try:
        return typed_address(channel, raw)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


def _item(row: InboundMessage | OutboundMessage) -> dict:
    if isinstance(row, InboundMessage):
        return {"direction": "in", "id": row.id, "text": row.text,
                "at": row.received_at.isoformat()}
    return {"direction": "out", "id": row.id, "text": row.text, "buttons": row.buttons,
            "edits": simulator_row(row.edits), "segments": row.segments,
            "encoding": row.encoding, "status": row.status, "at": row.created_at.isoformat()}


def make_router(services, console) -> APIRouter:
    """The simulator's page and JSON API over the wired services; `console` checks the
    login when the SIMULATOR setting asks for one."""
    access = services.settings.simulator_access()
    router = APIRouter()
    page_gate = [Depends(gate(access, console, api=False))]
    api = APIRouter(dependencies=[Depends(gate(access, console, api=True))])

    @router.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        """The simulator is the front page of a local install, the console elsewhere."""
        return RedirectResponse("/admin" if access == "off" else "/simulator")

    @router.get("/simulator", response_class=HTMLResponse, dependencies=page_gate)
    def page(request: Request) -> HTMLResponse:
        """The simulator page (and this browser's sandbox cookie)."""
        response = TEMPLATES.TemplateResponse(request, "simulator.html",
                                              {"channels": kinds()})
        sandbox_of(request, response)
        return response

    @api.post("/simulator/api/messages")
    def send(message: SimMessage, request: Request, response: Response) -> dict:
        """Stores and processes one message from the simulated member; returns the replies."""
        typed = _address(message.channel, message.address)
        address = sandbox.scoped(sandbox_of(request, response), typed)
        tap = {} if message.tapped is None else {  # a button pressed, as Telegram says it
            "kind": "callback", "payload": {"tapped": simulator_id(message.tapped)}}
        received = services.inbox.receive(InboundItem(
            provider=PROVIDER, channel=message.channel, address=address,
            provider_key=uuid.uuid4().hex, text=message.text, **tap))
        return {"address": typed, "inbound_id": received.inbound_id,
                "replies": [_item(r) for r in received.replies]}

    @api.get("/simulator/api/messages")
    def history(channel: str, address: str, request: Request,
                response: Response) -> dict:
        """This browser's conversation with the address so far, oldest first."""
        typed = _address(channel, address)
        address = sandbox.scoped(sandbox_of(request, response), typed)
        with Session(services.db) as session:
            messages = conversation(session=session, provider=PROVIDER, channel=channel,
                                    address=address)
        return {"address": typed, "messages": [_item(m) for m in messages]}

    router.include_router(api)
    return router
