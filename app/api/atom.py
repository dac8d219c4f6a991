"""The English Atom 1.0 feeds of followed sources: ``GET /v1/feeds/{id}/atom`` and
``GET /v1/atom``. Feed readers send no ``Authorization`` header, so these two also take
the API key as ``?key=`` (serve over HTTPS: the key travels in the URL)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.api.deps import StateDep, StoreDep, get_owner, require_api_key
from app.api.feeds import feed_of
from app.api.routes import _summaries_from_docstrings
from app.contract.schemas import error_responses
from app.core.config import Settings
from app.feeds.atom import render_atom
from app.store import Store
from app.store.feeds import FeedInfo, list_feeds
from app.store.reading import list_articles

ATOM = "application/atom+xml; charset=utf-8"

atom_router = APIRouter(prefix="/v1", tags=["feeds"], responses=error_responses(401, 503))
_bearer = HTTPBearer(auto_error=False)
ATOM_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {"application/atom+xml": {}}}}


def atom_owner(
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    key: Annotated[
        str | None, Query(max_length=512, description="The API key, for feed readers")
    ] = None,
) -> str | None:
    """The reader's owner id from the `Authorization` header or the `key` parameter."""
    if credentials is None and key:
        credentials = HTTPAuthorizationCredentials(scheme="Bearer", credentials=key)
    require_api_key(state, credentials)
    return get_owner(state, credentials)


AtomOwner = Annotated[str | None, Depends(atom_owner)]


@atom_router.get(
    "/feeds/{feed_id}/atom",
    response_class=Response,
    responses={**ATOM_RESPONSE, **error_responses(404)},
)
async def feed_atom(feed_id: str, state: StateDep, store: StoreDep, owner: AtomOwner) -> Response:
    """The source's articles in English, as an Atom 1.0 feed."""
    feed = await feed_of(store, feed_id, owner)
    return await _atom(state.settings, store, owner, [feed], f"/v1/feeds/{feed_id}/atom")


@atom_router.get("/atom", response_class=Response, responses=ATOM_RESPONSE)
async def all_atom(state: StateDep, store: StoreDep, owner: AtomOwner) -> Response:
    """Every source of this key in one English Atom 1.0 feed."""
    feeds = await asyncio.to_thread(list_feeds, store, owner)
    return await _atom(state.settings, store, owner, feeds, "/v1/atom")


async def _atom(
    settings: Settings, store: Store, owner: str | None, feeds: list[FeedInfo], path: str
) -> Response:
    page = await asyncio.to_thread(
        list_articles, store, owner, feed_ids=[f.id for f in feeds], limit=100
    )
    body = render_atom(feeds, page.articles, path, settings.public_url, single=len(feeds) == 1)
    return Response(body, media_type=ATOM)


_summaries_from_docstrings(atom_router)
