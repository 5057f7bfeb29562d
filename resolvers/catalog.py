"""Resolvers of the catalog: a title page, a person, any node by id, where to watch a title, and graph counts."""

from __future__ import annotations

import asyncio

import strawberry

from mediagateway.graph import model
from mediagateway.resolvers.context import Info
from mediagateway.resolvers.selection import selected_fields
from mediagateway.schema.arguments import checked_id, checked_ids, checked_region
from mediagateway.schema.catalog import (
    SIMILAR_PAGE_SIZE,
    AvailabilityWindow,
    Content,
    Node,
    Person,
    content_of,
    cost_to_watch,
    shown_windows,
)
from mediagateway.schema.errors import NotFoundError
from mediagateway.schema.pagination import DEFAULT_PAGE_SIZE, PageRequest, first_argument, paginate
from mediagateway.schema.types import LabelCount, Stats, WhereToWatch

TITLE_PAGE_FIELDS = frozenset({"genres", "moods", "credits", "availability", "availabilityByRegion", "seasons",
                               "episodes", "show", "season"})
"""The fields of a title that `Loaders.title_page` reads with the title itself."""


async def content(info: Info, id: strawberry.ID) -> Content | None:
    """A title; when the query asks for its parts, read with them in one round trip (`Loaders.title_page`), with
    the similar titles' search started beside it."""
    key = checked_id("id", str(id))
    loaders = info.context.loaders
    selected = selected_fields(info)
    if "similar" in selected:
        first = first_argument(selected["similar"], info.variable_values, absent=SIMILAR_PAGE_SIZE)
        if first is None or first >= 0:  # a negative `first` is refused by the field itself
            loaders.similar_titles(key, PageRequest.of(first, None).size)
    if selected.keys() & TITLE_PAGE_FIELDS:
        found = await loaders.title_page(key)
    else:
        found = await loaders.content.load(key)
    if found is None:
        raise NotFoundError("title", str(id))
    return content_of(found)


async def person(info: Info, id: strawberry.ID) -> Person | None:
    found = await info.context.loaders.person.load(checked_id("id", str(id)))
    if found is None:
        raise NotFoundError("person", str(id))
    return Person.of(found)


async def node(info: Info, id: strawberry.ID) -> Node | None:
    """Titles and people by id (genre and mood ids are their names, so they are fetched as such)."""
    key = checked_id("id", str(id))
    loaders = info.context.loaders
    title, someone = await asyncio.gather(loaders.content.load(key), loaders.person.load(key))  # side by side
    if title is not None:
        return content_of(title)
    if someone is not None:
        return Person.of(someone)
    raise NotFoundError("node", key)


async def where_to_watch(info: Info, content_id: strawberry.ID, region: str,
                         platforms: list[strawberry.ID] | None = None,
                         first: int | None = DEFAULT_PAGE_SIZE) -> WhereToWatch:
    """The best way for a viewer in `region` who subscribes to `platforms` to watch a title now."""
    checked_region("region", region)
    key = checked_id("contentId", str(content_id))
    subscribed = set(checked_ids("platforms", platforms))
    loaders = info.context.loaders
    found = await loaders.title_with_windows(key)
    if found is None:
        raise NotFoundError("title", key)
    now = info.context.now
    every_region = await loaders.windows.load((key, None))
    windows = [w for w in shown_windows(every_region, now, region) if w.available_from <= now]
    ranked = sorted(windows, key=lambda w: _viewer_rank(w, subscribed))
    best = ranked[0] if ranked else None
    return WhereToWatch(
        content=content_of(found),
        region=region,
        best=AvailabilityWindow.of(best, now) if best else None,
        reason=_reason(best, subscribed, region),
        options=paginate([AvailabilityWindow.of(w, now) for w in ranked], first, None),
    )


def _viewer_rank(window: model.AvailabilityWindow, subscribed: set[str]) -> tuple[int, float, float, str]:
    """Subscribed first, then free (with or without ads), then the cheapest rental, then the cheapest purchase,
    then subscriptions the viewer does not have; more trusted first among equals."""
    pricing = model.PricingModel(window.pricing_model)
    if pricing == model.PricingModel.SVOD:
        tier = 0 if window.platform_id in subscribed else 4
    elif pricing in (model.PricingModel.FREE, model.PricingModel.AVOD):
        tier = 1
    else:
        tier = 3 if window.transaction == model.Transaction.BUY else 2
    return tier, cost_to_watch(window), -window.trust_score, window.id


def _reason(best: model.AvailabilityWindow | None, subscribed: set[str], region: str) -> str:
    if best is None:
        return f"not available to watch now in {region} from a source trusted enough to show"
    name = best.platform_name or best.platform_id
    pricing = model.PricingModel(best.pricing_model)
    if pricing == model.PricingModel.SVOD:
        return (f"included in your {name} subscription" if best.platform_id in subscribed
                else f"needs a {name} subscription")
    if pricing in (model.PricingModel.FREE, model.PricingModel.AVOD):
        return f"free on {name}" + (" with ads" if pricing == model.PricingModel.AVOD else "")
    verb = "buy" if best.transaction == model.Transaction.BUY else "rent"
    return f"{verb} on {name} for {best.price:.2f} {best.currency}"


async def stats(info: Info) -> Stats:
    counts = await info.context.repository.counts_by_label()
    return Stats(
        backend=info.context.backend,
        nodes=[LabelCount(label=label, count=count) for label, count in counts.items()],
    )

