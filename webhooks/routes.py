"""The provider webhook routes: every one runs the same pipeline with its adapter; an
adapter whose provider also checks the path with GET (Meta) answers that too."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from webhooks import pipeline
from webhooks.channels.base import Adapter, Challenged
from webhooks.group_commit import GroupCommit


def make_router(store: GroupCommit, adapters: dict[str, Adapter],
                public_base_url: str) -> APIRouter:
    """One POST route per adapter, and a GET route where it has `challenge`."""
    router = APIRouter()
    for path, adapter in adapters.items():
        router.add_api_route(path, _endpoint(store, adapter, public_base_url),
                             methods=["POST"], name=adapter.name, include_in_schema=True)
        if hasattr(adapter, "challenge"):
            router.add_api_route(path, _challenge(adapter), methods=["GET"],
                                 name=f"{adapter.name} check", include_in_schema=True)
    return router


def _challenge(adapter: Challenged):
    async def check(request: Request) -> Response:
        return adapter.challenge(request.query_params)
    check.__doc__ = f"The provider's check of the webhook of {adapter.name}."
    return check


def _endpoint(store: GroupCommit, adapter: Adapter, public_base_url: str):
    async def webhook(request: Request) -> Response:
        return await pipeline.run(adapter, store, request, public_base_url)
    webhook.__doc__ = f"Webhook of {adapter.name}."
    return webhook
