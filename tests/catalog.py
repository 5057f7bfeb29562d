"""A small hand-made catalog for the contract tests: a film, a show with a season and episodes, people, windows."""

from __future__ import annotations

from typing import Any

DAY_MS = 86_400_000
NOW_MS = 1_790_000_000_000

PLATFORMS = [
    {"id": "streamflix", "name": "StreamFlix", "homepage": "https://streamflix.example"},
    {"id": "rentbox", "name": "RentBox"},
]
REGIONS = [{"id": "US", "name": "United States"}, {"id": "GB", "name": "United Kingdom"}]
GENRES = [{"id": "crime", "name": "Crime"}, {"id": "drama", "name": "Drama"}, {"id": "thriller", "name": "Thriller"}]
MOODS = [{"id": "tense", "name": "Tense"}]
PEOPLE = [
    {"id": "person:mann", "name": "Michael Mann", "birth_year": 1943, "imdb_id": "nm0000520"},
    {"id": "person:pacino", "name": "Al Pacino", "birth_year": 1940},
    {"id": "person:de-niro", "name": "Robert De Niro", "birth_year": 1943},
    {"id": "person:simon", "name": "David Simon"},
]

HEAT: dict[str, Any] = {
    "id": "title:heat",
    "kind": "movie",
    "title": "Heat",
    "year": 1995,
    "runtime_minutes": 170,
    "synopsis": "A driven detective and a disciplined thief circle each other across Los Angeles.",
    "language": "en",
    "imdb_id": "tt0113277",
    "tmdb_id": 949,
    "genres": ["crime", "thriller"],
    "moods": ["tense"],
    "credits": [
        {"person_id": "person:mann", "name": "Michael Mann", "role": "director"},
        {"person_id": "person:mann", "name": "Michael Mann", "role": "writer"},
        {"person_id": "person:pacino", "name": "Al Pacino", "role": "actor", "character": "Vincent Hanna", "order": 0},
        {"person_id": "person:de-niro", "name": "Robert De Niro", "role": "actor", "character": "Neil McCauley",
         "order": 1},
    ],
}
THE_INSIDER: dict[str, Any] = {
    "id": "title:the-insider",
    "kind": "movie",
    "title": "The Insider",
    "year": 1999,
    "genres": ["drama", "thriller"],
    "credits": [
        {"person_id": "person:mann", "name": "Michael Mann", "role": "director"},
        {"person_id": "person:pacino", "name": "Al Pacino", "role": "actor", "character": "Lowell Bergman"},
    ],
}
THE_WIRE: dict[str, Any] = {
    "id": "title:the-wire",
    "kind": "show",
    "title": "The Wire",
    "year": 2002,
    "genres": ["crime", "drama"],
    "credits": [{"person_id": "person:simon", "name": "David Simon", "role": "writer"}],
}
SEASON_1: dict[str, Any] = {
    "id": "title:the-wire:s1", "kind": "season", "title": "Season 1", "number": 1, "parent_id": "title:the-wire",
}
EPISODES: list[dict[str, Any]] = [
    {"id": f"title:the-wire:s1e{n}", "kind": "episode", "title": f"Episode {n}", "number": n,
     "parent_id": "title:the-wire:s1"}
    for n in (2, 1)
]
TITLES = [HEAT, THE_INSIDER, THE_WIRE, SEASON_1, *EPISODES]

WINDOWS: list[dict[str, Any]] = [
    {
        "content_id": "title:heat", "platform_id": "streamflix", "region_id": "US", "pricing_model": "SVOD",
        "quality": ["HD", "UHD"], "audio": ["5.1"], "download": True, "exclusive": False,
        "deep_link": "https://streamflix.example/watch/heat", "available_from": NOW_MS - 30 * DAY_MS,
        "available_until": NOW_MS + 60 * DAY_MS, "trust_score": 0.9, "verification_source": "platform_api",
        "verified_at": NOW_MS - DAY_MS,
    },
    {
        "content_id": "title:heat", "platform_id": "rentbox", "region_id": "US", "pricing_model": "TVOD",
        "price": 3.99, "currency": "USD", "quality": ["HD"], "deep_link": "https://rentbox.example/heat",
        "available_from": NOW_MS - 300 * DAY_MS, "trust_score": 0.7, "verification_source": "aggregator",
        "verified_at": NOW_MS - 3 * DAY_MS,
    },
    {
        "content_id": "title:heat", "platform_id": "streamflix", "region_id": "GB", "pricing_model": "SVOD",
        "available_from": NOW_MS, "trust_score": 0.55, "verification_source": "scraping", "verified_at": NOW_MS,
    },
]


async def load(repo: Any) -> None:
    """Everything above, in dependency order."""
    await repo.upsert_platforms(PLATFORMS)
    await repo.upsert_regions(REGIONS)
    await repo.upsert_genres(GENRES)
    await repo.upsert_moods(MOODS)
    await repo.upsert_people(PEOPLE)
    await repo.upsert_contents(TITLES)
    await repo.upsert_windows(WINDOWS)
