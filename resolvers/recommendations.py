"""Recommendations for the signed-in viewer, and titles similar to a title.

Until sign-in lands, the viewer is named by the `X-Dev-User-Id` request header, honoured in development mode only
(`MG_MODE=development`): a stand-in for authentication, not a way to run production. In production mode the
field answers UNAUTHENTICATED.
"""

from __future__ import annotations

import strawberry

from mediagateway.graph.errors import InvalidInput
from mediagateway.recommend.context import MOODS, ViewingContext
from mediagateway.recommend.service import MAX_RESULTS, RecommendationRequest
from mediagateway.resolvers.context import Info
from mediagateway.resolvers.loaders import TAXONOMY_FIELDS
from mediagateway.resolvers.selection import selected_on_nodes
from mediagateway.schema.arguments import checked_id
from mediagateway.schema.catalog import Content, Platform, content_of
from mediagateway.schema.errors import ClientError, InvalidArgumentError, NotFoundError
from mediagateway.schema.pagination import (
    DEFAULT_PAGE_SIZE,
    Connection,
    PageRequest,
    connection,
    encode_cursor,
    page_info,
)
from mediagateway.schema.recommendations import (
    Reason,
    RecommendationConnection,
    RecommendationEdge,
    StrategyWeight,
    ViewingContextInput,
)

DEV_USER_HEADER = "X-Dev-User-Id"


class UnauthenticatedError(ClientError):
    code = "UNAUTHENTICATED"


async def recommendations(
    info: Info,
    first: int | None = 10,
    mood: str | None = None,
    context: ViewingContextInput | None = None,
    only_my_services: bool = False,
) -> RecommendationConnection:
    """Titles for the viewer, available in their region (only on their subscriptions when `onlyMyServices`),
    nothing they have watched, each with why."""
    viewer_id = info.context.viewer_id
    if viewer_id is None:
        raise UnauthenticatedError(f"recommendations need a signed-in viewer (in development: the {DEV_USER_HEADER} "
                                   "header)")
    page = PageRequest.of(first, None)
    if not 1 <= page.size <= MAX_RESULTS:
        raise InvalidArgumentError("first", f"must be between 1 and {MAX_RESULTS}")
    if mood is not None and mood not in MOODS:
        raise InvalidArgumentError("mood", f"{mood!r} is not a mood; one of {', '.join(sorted(MOODS))}")
    viewing = ViewingContext.at(info.context.now, context.utc_offset_minutes if context else 0,
                                context.device if context else None, mood)
    recommender = await info.context.recommender()
    request = RecommendationRequest(k=page.size, context=viewing, only_subscriptions=only_my_services)
    try:
        found = await recommender.recommend(viewer_id, request)
    except InvalidInput as exc:
        problem = exc.problems[0]
        raise InvalidArgumentError("onlyMyServices" if problem.field == "only_subscriptions" else "viewer",
                                   problem.message) from exc
    ids = [r.title_id for r in found]
    if TAXONOMY_FIELDS & selected_on_nodes(info):
        info.context.loaders.prefetch(info.context.loaders.taxonomy, ids)  # beside the titles, not after them
    contents = await info.context.loaders.content.load_many(ids)
    edges = [
        RecommendationEdge(cursor=encode_cursor(i), node=content_of(content), score=round(r.score, 6),
                           explanation=r.explanation,
                           reasons=[Reason(kind=reason.kind, text=reason.text) for reason in r.reasons],
                           platforms=[Platform(id=strawberry.ID(p.id), name=p.name) for p in r.platforms])
        for i, (r, content) in enumerate(zip(found, contents, strict=True)) if content is not None
    ]
    weights = recommender.hybrid.weights.as_dict()
    return RecommendationConnection(
        total_count=len(edges),
        edges=edges,
        page_info=page_info(len(edges), len(edges), page.offset),
        strategies=[StrategyWeight(name=name, weight=weights[name]) for name in recommender.hybrid.strategies],
        nodes=[edge.node for edge in edges],
    )


async def similar(info: Info, content_id: str, first: int | None = DEFAULT_PAGE_SIZE) -> Connection[Content]:
    """Titles close to a title in meaning, or sharing its people, genres and moods when it has no embedding."""
    key = checked_id("contentId", content_id)
    page = PageRequest.of(first, None)
    searching = info.context.loaders.similar_titles(key, page.size)  # beside the title's read
    if await info.context.loaders.content.load(key) is None:
        raise NotFoundError("title", content_id)
    found = await searching
    return connection([content_of(c) for c in found], len(found), page)
