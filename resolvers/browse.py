"""Browse lists: trending, new on a platform, leaving soon, by genre, by mood — each one Cypher round trip that
answers the page and the total, then the request's loaders for whatever the client selects on the titles (the
windows, genres and moods read before the page is returned, as search does)."""

from __future__ import annotations

from enum import Enum

import strawberry

from mediagateway.graph.discovery import BrowseList as ListName
from mediagateway.graph.discovery import BrowseRequest
from mediagateway.resolvers.context import Info
from mediagateway.resolvers.selection import selected_on_nodes, window_regions_on_nodes
from mediagateway.schema.arguments import checked_id, checked_region
from mediagateway.schema.catalog import Content, content_of
from mediagateway.schema.errors import InvalidArgumentError
from mediagateway.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, connection

MAX_WITHIN_DAYS = 3_650
DEFAULT_WITHIN_DAYS = {ListName.TRENDING: 7, ListName.NEW_ON_PLATFORM: 30, ListName.LEAVING_SOON: 14}


@strawberry.enum(description="Which list to browse")
class BrowseList(Enum):
    TRENDING = ListName.TRENDING.value
    NEW_ON_PLATFORM = ListName.NEW_ON_PLATFORM.value
    LEAVING_SOON = ListName.LEAVING_SOON.value
    BY_GENRE = ListName.BY_GENRE.value
    BY_MOOD = ListName.BY_MOOD.value


_NEEDS = {ListName.NEW_ON_PLATFORM: "platform", ListName.BY_GENRE: "genre", ListName.BY_MOOD: "mood"}


async def browse(
    info: Info,
    list: BrowseList,
    region: str | None = None,
    platform: strawberry.ID | None = None,
    genre: strawberry.ID | None = None,
    mood: strawberry.ID | None = None,
    within_days: int | None = None,
    first: int | None = DEFAULT_PAGE_SIZE,
    after: str | None = None,
) -> Connection[Content]:
    """TRENDING: most interactions in the last `withinDays` (7). NEW_ON_PLATFORM: arrived on `platform` in the
    last `withinDays` (30), newest first. LEAVING_SOON: windows ending within `withinDays` (14), soonest first.
    BY_GENRE / BY_MOOD: films and shows of `genre` / `mood`, most popular first. `region` narrows the window lists.
    """
    name = ListName(list.value)
    arguments = {"platform": platform, "genre": genre, "mood": mood}
    if name in _NEEDS and not arguments[_NEEDS[name]]:
        raise InvalidArgumentError(_NEEDS[name], f"{list.name} needs a {_NEEDS[name]}")
    days = DEFAULT_WITHIN_DAYS.get(name, 0) if within_days is None else within_days
    if not 0 <= days <= MAX_WITHIN_DAYS:
        raise InvalidArgumentError("withinDays", f"must be between 0 and {MAX_WITHIN_DAYS}, got {days}")
    page = PageRequest.of(first, after)
    checked_region("region", region)
    for argument, value in arguments.items():
        if value is not None:
            checked_id(argument, str(value))
    found = await info.context.reads.browse(BrowseRequest(
        list=name, now=info.context.now, skip=page.offset, limit=page.size, region=region,
        platform=None if platform is None else str(platform), genre=None if genre is None else str(genre),
        mood=None if mood is None else str(mood), within_days=days,
    ))
    loaders = info.context.loaders
    loaders.prime_contents(found.contents)
    await loaders.load_parts([c.id for c in found.contents], selected_on_nodes(info), window_regions_on_nodes(info))
    return connection([content_of(c) for c in found.contents], found.total, page)
