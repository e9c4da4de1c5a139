"""The provider webhook routes: every one runs the same pipeline with its adapter."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from bot.inbox import Inbox
from webhooks import pipeline
from webhooks.channels.base import Adapter


def make_router(inbox: Inbox, adapters: dict[str, Adapter], public_base_url: str) -> APIRouter:
    """One POST route per adapter."""
    router = APIRouter()
    for path, adapter in adapters.items():
        router.add_api_route(path, _endpoint(inbox, adapter, public_base_url),
                             methods=["POST"], name=adapter.name, include_in_schema=True)
    return router


def _endpoint(inbox: Inbox, adapter: Adapter, public_base_url: str):
    async def webhook(request: Request) -> Response:
        return await pipeline.run(adapter, inbox, request, public_base_url)
    webhook.__doc__ = f"Webhook of {adapter.name}."
    return webhook
