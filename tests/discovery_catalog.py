"""A hand-made catalog for the discovery API, with availability relative to the time it is loaded, so "available
now", "leaving soon" and trust decay mean the same whatever day the tests run."""

from __future__ import annotations

import time
from typing import Any

DAY_MS = 86_400_000

PLATFORMS = [
    {"id": "streamflix", "name": "StreamFlix"},
    {"id": "rentbox", "name": "RentBox"},
    {"id": "freeview", "name": "FreeView"},
]
REGIONS = [{"id": "US", "name": "United States"}, {"id": "GB", "name": "United Kingdom"}]
GENRES = [{"id": g, "name": g.title()} for g in ("crime", "drama", "thriller", "animation", "family", "scifi")]
MOODS = [{"id": "tense", "name": "Tense"}, {"id": "uplifting", "name": "Uplifting"}]
PEOPLE = [
    {"id": "person:mann", "name": "Michael Mann"},
    {"id": "person:pacino", "name": "Al Pacino"},
    {"id": "person:de-niro", "name": "Robert De Niro"},
    {"id": "person:simon", "name": "David Simon"},
    {"id": "person:dassin", "name": "Jules Dassin"},
    {"id": "person:lasseter", "name": "John Lasseter"},
]


def _credit(person: str, name: str, role: str, character: str | None = None, order: int = 0) -> dict[str, Any]:
    return {"person_id": person, "name": name, "role": role, "character": character, "order": order}


TITLES: list[dict[str, Any]] = [
    {"id": "title:heat", "kind": "movie", "title": "Heat", "year": 1995, "runtime_minutes": 170,
     "synopsis": "A driven detective and a disciplined professional thief circle each other across Los Angeles.",
     "genres": ["crime", "thriller"], "moods": ["tense"], "popularity": 9.0,
     "credits": [_credit("person:mann", "Michael Mann", "director"),
                 _credit("person:pacino", "Al Pacino", "actor", "Vincent Hanna", 0),
                 _credit("person:de-niro", "Robert De Niro", "actor", "Neil McCauley", 1)]},
    {"id": "title:the-insider", "kind": "movie", "title": "The Insider", "year": 1999, "runtime_minutes": 157,
     "synopsis": "A tobacco industry whistleblower and a television producer stand up to corporate pressure.",
     "genres": ["drama", "thriller"], "popularity": 5.0,
     "credits": [_credit("person:mann", "Michael Mann", "director"),
                 _credit("person:pacino", "Al Pacino", "actor", "Lowell Bergman", 0)]},
    {"id": "title:rififi", "kind": "movie", "title": "Rififi", "year": 1955, "runtime_minutes": 118,
     "synopsis": "Four crooks plan an elaborate jewel robbery of a jewellery shop in Paris, breaking in through "
                 "the ceiling in silence.",
     "genres": ["crime"], "moods": ["tense"], "popularity": 3.0, "language": "fr",
     "credits": [_credit("person:dassin", "Jules Dassin", "director")]},
    {"id": "title:toy-story", "kind": "movie", "title": "Toy Story", "year": 1995, "runtime_minutes": 81,
     "synopsis": "A cowboy doll feels threatened when a space ranger action figure becomes the boy's favourite "
                 "toy; the toys come alive when nobody is watching.",
     "genres": ["animation", "family"], "moods": ["uplifting"], "popularity": 8.0,
     "credits": [_credit("person:lasseter", "John Lasseter", "director")]},
    {"id": "title:dune", "kind": "movie", "title": "Dune", "year": 2021, "runtime_minutes": 155,
     "synopsis": "A noble family takes control of a desert planet that holds the universe's most valuable spice.",
     "genres": ["scifi"], "popularity": 7.0, "credits": []},
    {"id": "title:the-wire", "kind": "show", "title": "The Wire", "year": 2002, "runtime_minutes": 59,
     "synopsis": "The drug trade of Baltimore seen through dealers, police, schools and newspapers.",
     "genres": ["crime", "drama"], "popularity": 9.5,
     "credits": [_credit("person:simon", "David Simon", "writer")]},
    {"id": "title:the-wire:s1", "kind": "season", "title": "Season 1", "number": 1, "parent_id": "title:the-wire"},
    {"id": "title:the-wire:s2", "kind": "season", "title": "Season 2", "number": 2, "parent_id": "title:the-wire"},
    *[{"id": f"title:the-wire:s1e{n}", "kind": "episode", "title": f"Episode {n}", "number": n,
       "parent_id": "title:the-wire:s1"} for n in (3, 1, 2)],
    # a long list to page through to its end
    *[{"id": f"title:the-wire:s2e{n:03d}", "kind": "episode", "title": f"Chapter {n}", "number": n,
       "parent_id": "title:the-wire:s2"} for n in range(1, 121)],
]
FILMS_AND_SHOWS = [t for t in TITLES if t["kind"] in ("movie", "show")]


def windows(now: int) -> list[dict[str, Any]]:
    def window(content: str, platform: str, region: str, pricing: str, trust: float, verified_days_ago: float,
               **terms: Any) -> dict[str, Any]:
        return {"content_id": content, "platform_id": platform, "region_id": region, "pricing_model": pricing,
                "trust_score": trust, "verified_at": now - int(verified_days_ago * DAY_MS),
                "available_from": now - 100 * DAY_MS, "verification_source": "platform_api",
                "deep_link": f"https://{platform}.example/{region.lower()}/{content}", **terms}

    return [
        # Heat: on StreamFlix in the US until ten days from now, to rent on RentBox, with a warning in GB,
        # and a FreeView offer whose trust has decayed below what is shown.
        window("title:heat", "streamflix", "US", "SVOD", 0.9, 1, quality=["HD", "UHD"],
               available_until=now + 10 * DAY_MS),
        window("title:heat", "rentbox", "US", "TVOD", 0.8, 2, transaction="rent", price=3.99, currency="USD",
               quality=["HD"]),
        window("title:heat", "rentbox", "US", "TVOD", 0.8, 2, transaction="buy", price=12.99, currency="USD",
               quality=["HD"]),
        window("title:heat", "streamflix", "GB", "SVOD", 0.58, 0),
        window("title:heat", "freeview", "US", "AVOD", 0.45, 0),
        # The Insider: verified long ago at 0.9, worth 0.45 today: not shown as available anywhere.
        window("title:the-insider", "rentbox", "US", "TVOD", 0.9, 50, price=9.99, currency="USD",
               transaction="buy"),
        # Toy Story: free in GB; an ended US window.
        window("title:toy-story", "freeview", "GB", "FREE", 0.95, 1, available_from=now - 5 * DAY_MS),
        window("title:toy-story", "streamflix", "US", "SVOD", 0.95, 1, available_until=now - DAY_MS),
        # Dune: announced on StreamFlix in the US five days from now.
        window("title:dune", "streamflix", "US", "SVOD", 0.9, 1, available_from=now + 5 * DAY_MS),
        # The Wire: new on StreamFlix in GB three days ago, leaving in 40 days.
        window("title:the-wire", "streamflix", "GB", "SVOD", 0.85, 1, available_from=now - 3 * DAY_MS,
               available_until=now + 40 * DAY_MS),
    ]


USERS = [{"id": f"user:{n}", "name": f"Viewer {n}", "region_id": "US"} for n in range(3)]


def interactions(now: int) -> list[dict[str, Any]]:
    recent = [("user:0", "title:the-wire"), ("user:1", "title:the-wire"), ("user:2", "title:the-wire"),
              ("user:0", "title:heat"), ("user:1", "title:heat")]
    rows = [{"user_id": u, "content_id": c, "signal": "watch_complete", "at": now - DAY_MS} for u, c in recent]
    rows.append({"user_id": "user:2", "content_id": "title:dune", "signal": "skip", "at": now - DAY_MS})
    rows += [{"user_id": f"user:{n}", "content_id": "title:toy-story", "signal": "click", "at": now - 30 * DAY_MS}
             for n in range(3)]
    return rows


async def load(repo: Any, now: int | None = None) -> int:
    """Everything above, in dependency order; returns the `now` the windows are relative to."""
    now = now or int(time.time() * 1000)
    await repo.upsert_platforms(PLATFORMS)
    await repo.upsert_regions(REGIONS)
    await repo.upsert_genres(GENRES)
    await repo.upsert_moods(MOODS)
    await repo.upsert_people(PEOPLE)
    await repo.upsert_contents(TITLES)
    await repo.upsert_windows(windows(now))
    await repo.upsert_users(USERS)
    await repo.upsert_interactions(interactions(now))
    return now
