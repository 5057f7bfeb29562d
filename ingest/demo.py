"""The demo catalog: real, well-known titles (`demo/titles.jsonl`: facts, and synopses in the project's own words)
with invented availability, written as two feeds and ingested like any other.

- `demo-catalog` (canonical format): every title, with credits and IMDb ids, and 1 to 4 offers each across ten
  platforms and four regions;
- `demo-aggregator` (aggregator format): a tenth of the titles again, spelled the way other feeds spell them
  ("Godfather, The", no IMDb id, a year off by one), with offers of their own: duplicates that entity resolution
  folds into the titles of the first feed, visible through `SOURCED_FROM`.

All availability is generated deterministically from the seed and the day it is generated for (so "available now"
and "leaving soon" mean something on any day), marked `demo: true` with verification source `demo`, and links
to `.example` hosts: it is never a claim about a real service.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DEMO_TITLES = Path(__file__).resolve().parent.parent / "demo" / "titles.jsonl"
CATALOG_FEED = "demo-catalog"
AGGREGATOR_FEED = "demo-aggregator"
DAY_MS = 86_400_000

# (platform id, how it sells: SVOD, TVOD, AVOD)
PLATFORMS: tuple[tuple[str, str], ...] = (
    ("netflix", "SVOD"), ("prime-video", "SVOD"), ("disney-plus", "SVOD"), ("max", "SVOD"), ("hulu", "SVOD"),
    ("apple-tv-plus", "SVOD"), ("paramount-plus", "SVOD"), ("mubi", "SVOD"), ("apple-tv", "TVOD"), ("tubi", "AVOD"),
)
REGIONS: dict[str, str] = {"US": "USD", "GB": "GBP", "DE": "EUR", "FR": "EUR"}
RENT_PRICES = (2.99, 3.99, 4.99, 5.99)
BUY_PRICES = (7.99, 9.99, 12.99, 14.99)
QUALITIES = (["HD"], ["HD", "UHD"], ["SD", "HD"], ["HD", "UHD", "HDR"])
AUDIO = (["STEREO"], ["5.1"], ["5.1", "DOLBY_ATMOS"])
MONETIZATION = {"SVOD": "flatrate", "AVOD": "ads", "FREE": "free"}


@dataclass(frozen=True)
class DemoFeeds:
    catalog: Path
    aggregator: Path


def load_titles(path: Path = DEMO_TITLES) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def anchor_ms(day: datetime | None = None) -> int:
    """Midnight UTC of the given day (today by default): windows are placed around it."""
    moment = (day or datetime.now(UTC)).astimezone(UTC)
    return int(datetime(moment.year, moment.month, moment.day, tzinfo=UTC).timestamp() * 1000)


def write_feeds(directory: Path, seed: int = 7, anchor: int | None = None) -> DemoFeeds:
    """Write both demo feeds into `directory` and return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    titles = load_titles()
    now = anchor if anchor is not None else anchor_ms()
    feeds = DemoFeeds(directory / "demo-catalog.jsonl", directory / "demo-aggregator.jsonl")
    rng = random.Random(seed)
    _write_lines(feeds.catalog, _catalog_lines(titles, rng, now))
    _write_lines(feeds.aggregator, _aggregator_lines(titles, rng, now))
    return feeds


def _write_lines(path: Path, lines: Iterator[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")


def _credits(title: dict[str, Any]) -> list[dict[str, Any]]:
    makers = title.get("directors") or title.get("creators") or []
    role = "director" if title.get("directors") else "writer"
    credits = [{"name": name, "role": role, "order": n} for n, name in enumerate(makers)]
    credits += [{"name": name, "role": "actor", "order": n} for n, name in enumerate(title.get("cast", []))]
    return credits


def _catalog_lines(titles: list[dict[str, Any]], rng: random.Random, now: int) -> Iterator[dict[str, Any]]:
    for title in titles:
        record: dict[str, Any] = {
            "type": "title", "id": title["id"], "kind": title["kind"], "title": title["title"],
            "year": title["year"], "genres": title["genres"], "synopsis": title["synopsis"],
            "language": title.get("original_language"), "credits": _credits(title),
        }
        if title.get("runtime_minutes"):
            record["runtime_minutes"] = title["runtime_minutes"]
        if title.get("imdb_id"):
            record["external_ids"] = {"imdb": title["imdb_id"]}
        yield {k: v for k, v in record.items() if v is not None}
        for number, offer in enumerate(_offers(rng, now, rng.randint(1, 4))):
            yield {"type": "offer", "id": f"{title['id']}:offer:{number}", "title_id": title["id"], **offer}


def _offers(rng: random.Random, now: int, count: int) -> Iterator[dict[str, Any]]:
    for platform, model in rng.sample(PLATFORMS, count):
        region = rng.choice(list(REGIONS))
        offer: dict[str, Any] = {
            "platform": platform, "region": region, "pricing_model": model,
            "quality": rng.choice(QUALITIES), "audio": rng.choice(AUDIO),
            "download": model == "SVOD" and rng.random() < 0.5, "exclusive": rng.random() < 0.1,
            "deep_links": {"web": f"https://{platform}.example/watch/{rng.randrange(10**9):09d}"},
            "available_from": now - rng.randint(0, 365) * DAY_MS,
            "verification_source": "demo", "verified_at": now - rng.randint(1, 72) * 3_600_000, "demo": True,
        }
        if rng.random() < 0.7:
            offer["available_until"] = now + rng.randint(2, 400) * DAY_MS
        if model == "TVOD":
            transaction = rng.choice(("rent", "buy"))
            prices = RENT_PRICES if transaction == "rent" else BUY_PRICES
            offer.update(transaction=transaction, price=rng.choice(prices), currency=REGIONS[region])
        yield offer


def _variant_title(title: str, rng: random.Random) -> str:
    """How another feed might spell the same title."""
    if title.startswith("The ") and rng.random() < 0.6:
        return f"{title[4:]}, The"
    if rng.random() < 0.5:
        return title.upper()
    return title.replace(":", " -").replace("'", "’")


def _aggregator_lines(titles: list[dict[str, Any]], rng: random.Random, now: int) -> Iterator[dict[str, Any]]:
    for number, title in enumerate(titles[::10]):
        keep_id = rng.random() < 0.5
        year = title["year"] if keep_id or rng.random() < 0.7 else title["year"] + rng.choice((-1, 1))
        line: dict[str, Any] = {
            "id": f"agg-{number:04d}", "object_type": title["kind"], "title": _variant_title(title["title"], rng),
            "original_release_year": year, "fetched_at": now - rng.randint(1, 48) * 3_600_000, "demo": True,
            "offers": [_aggregator_offer(offer) for offer in _offers(rng, now, rng.randint(1, 2))],
        }
        if keep_id and title.get("imdb_id"):
            line["imdb_id"] = title["imdb_id"]
        yield line


def _aggregator_offer(offer: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "country": offer["region"], "provider": offer["platform"],
        "monetization_type": offer.get("transaction") or MONETIZATION[offer["pricing_model"]],
        "presentation_type": "4k" if "UHD" in offer["quality"] else "hd",
        "urls": {"standard_web": offer["deep_links"]["web"]},
        "available_from": offer["available_from"],
    }
    if "available_until" in offer:
        result["leaving_date"] = offer["available_until"]
    if "price" in offer:
        result.update(retail_price=offer["price"], currency=offer["currency"])
    return result
