"""A small hand-made graph for the recommendation tests: eight films, seven viewers, their interactions, and
availability that the filters have something to refuse.

Who did what (stars are ratings; "finished" and "started" are watches):

    ana   Heat 5 + finished, Toy Story 4                        US, subscribes to StreamFlix
    ben   Heat 5 + finished, Collateral 4.5 + finished, The Godfather 5
    cy    Heat finished, The Insider finished, Toy Story 2, clicked Airplane!
    dee   Toy Story 5, Cars 4, Airplane! 4, skipped The Shining
    fay   Heat 4, The Godfather 4, started The Insider
    gus   Toy Story 4.5, Cars 5, The Shining finished
    eve   nothing yet                                           US
    hal   nothing, and no region

Availability now (NOW_MS) in the US: Collateral and Airplane! on StreamFlix; The Godfather and The Shining to rent
on RentBox; The Insider on StreamFlix but verified too long ago (0.62 thirty days back: 0.43 today); Cars only in
Great Britain; Toy Story on StreamFlix from next month.
"""

from __future__ import annotations

from typing import Any

from mediagateway.graph.repository import GraphRepository

DAY_MS = 86_400_000
NOW_MS = 1_790_000_000_000

PLATFORMS = [{"id": "streamflix", "name": "StreamFlix"}, {"id": "rentbox", "name": "RentBox"}]
REGIONS = [{"id": "US", "name": "United States"}, {"id": "GB", "name": "United Kingdom"}]


def _film(slug: str, title: str, year: int, minutes: int, genres: list[str], moods: list[str],
          credits: list[tuple[str, str, str]]) -> dict[str, Any]:
    return {
        "id": f"title:{slug}", "kind": "movie", "title": title, "year": year, "runtime_minutes": minutes,
        "genres": genres, "moods": moods,
        "credits": [{"person_id": f"person:{person}", "name": name, "role": role} for person, name, role in credits],
    }


MANN = ("mann", "Michael Mann", "director")
PACINO = ("pacino", "Al Pacino", "actor")
LASSETER = ("lasseter", "John Lasseter", "director")
TITLES = [
    _film("heat", "Heat", 1995, 170, ["crime", "thriller"], ["tense"], [MANN, PACINO]),
    _film("insider", "The Insider", 1999, 157, ["drama", "thriller"], [], [MANN, PACINO]),
    _film("collateral", "Collateral", 2004, 120, ["crime", "thriller"], ["tense"], [MANN]),
    _film("godfather", "The Godfather", 1972, 175, ["crime", "drama"], [], [PACINO]),
    _film("toy-story", "Toy Story", 1995, 81, ["animation", "family", "comedy"], ["funny", "heartwarming"],
          [LASSETER]),
    _film("cars", "Cars", 2006, 117, ["animation", "family", "comedy"], [], [LASSETER]),
    _film("airplane", "Airplane!", 1980, 88, ["comedy"], ["funny"], []),
    _film("shining", "The Shining", 1980, 146, ["horror"], ["scary"], []),
]
USERS: list[dict[str, Any]] = [
    {"id": "user:ana", "region_id": "US", "subscriptions": ["streamflix"]},
    {"id": "user:ben", "region_id": "US"},
    {"id": "user:cy", "region_id": "GB"},
    {"id": "user:dee", "region_id": "US"},
    {"id": "user:fay", "region_id": "US"},
    {"id": "user:gus", "region_id": "GB"},
    {"id": "user:eve", "region_id": "US"},
    {"id": "user:hal"},
]


def _rated(user: str, title: str, stars: float, days_ago: int) -> dict[str, Any]:
    return {"user_id": f"user:{user}", "content_id": f"title:{title}", "signal": "rating", "rating": stars,
            "at": NOW_MS - days_ago * DAY_MS}


def _did(user: str, title: str, signal: str, days_ago: int) -> dict[str, Any]:
    return {"user_id": f"user:{user}", "content_id": f"title:{title}", "signal": signal,
            "at": NOW_MS - days_ago * DAY_MS}


INTERACTIONS = [
    _rated("ana", "heat", 5, 10), _did("ana", "heat", "watch_complete", 11), _rated("ana", "toy-story", 4, 20),
    _rated("ben", "heat", 5, 30), _did("ben", "heat", "watch_complete", 31), _rated("ben", "collateral", 4.5, 5),
    _did("ben", "collateral", "watch_complete", 6), _rated("ben", "godfather", 5, 40),
    _did("cy", "heat", "watch_complete", 3), _did("cy", "insider", "watch_complete", 2),
    _rated("cy", "toy-story", 2, 50), _did("cy", "airplane", "click", 1),
    _rated("dee", "toy-story", 5, 60), _rated("dee", "cars", 4, 61), _rated("dee", "airplane", 4, 62),
    _did("dee", "shining", "skip", 1),
    _rated("fay", "heat", 4, 400), _rated("fay", "godfather", 4, 401), _did("fay", "insider", "watch_start", 402),
    _rated("gus", "toy-story", 4.5, 90), _rated("gus", "cars", 5, 91), _did("gus", "shining", "watch_complete", 92),
]


def _window(title: str, platform: str, region: str, *, pricing: str = "SVOD", trust: float = 0.9,
            verified_days_ago: int = 1, from_days: int = -30) -> dict[str, Any]:
    window: dict[str, Any] = {
        "content_id": f"title:{title}", "platform_id": platform, "region_id": region, "pricing_model": pricing,
        "available_from": NOW_MS + from_days * DAY_MS, "available_until": NOW_MS + 90 * DAY_MS,
        "trust_score": trust, "verification_source": "platform_api", "verified_at": NOW_MS - verified_days_ago * DAY_MS,
    }
    if pricing == "TVOD":
        window.update(price=3.99, currency="USD")
    return window


WINDOWS = [
    _window("collateral", "streamflix", "US"),
    _window("airplane", "streamflix", "US"),
    _window("godfather", "rentbox", "US", pricing="TVOD"),
    _window("shining", "rentbox", "US", pricing="TVOD"),
    _window("insider", "streamflix", "US", trust=0.62, verified_days_ago=30),
    _window("cars", "streamflix", "GB"),
    _window("toy-story", "streamflix", "US", from_days=30),
    _window("heat", "streamflix", "US"),
]


def _moved(rows: list[dict[str, Any]], by: int, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{**row, **{f: row[f] + by for f in fields if row.get(f) is not None}} for row in rows]


async def load(repo: GraphRepository, now: int = NOW_MS) -> None:
    """Everything above; with `now`, every instant moved so that `NOW_MS` falls on it (what a test served over
    HTTP needs, since the API reads the real clock)."""
    shift = now - NOW_MS
    await repo.upsert_platforms(PLATFORMS)
    await repo.upsert_regions(REGIONS)
    await repo.upsert_contents(TITLES)
    await repo.upsert_users(USERS)
    await repo.upsert_interactions(_moved(INTERACTIONS, shift, ("at",)))
    await repo.upsert_windows(_moved(WINDOWS, shift, ("available_from", "available_until", "verified_at")))
