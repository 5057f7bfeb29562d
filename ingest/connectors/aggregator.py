"""Availability feeds in the shape aggregators (JustWatch, Watchmode, Streaming Availability) use.

JSON Lines, one title per line with its offers:

    {"id": "tm123", "object_type": "movie", "title": "Heat", "original_release_year": 1995,
     "imdb_id": "tt0113277", "tmdb_id": 949, "fetched_at": "2025-06-01T00:00:00Z",
     "offers": [{"country": "US", "provider": "netflix", "monetization_type": "rent", "presentation_type": "hd",
                 "retail_price": 3.99, "currency": "USD",
                 "urls": {"standard_web": "https://...", "deeplink_android_tv": "https://..."},
                 "available_from": "2025-01-01", "leaving_date": "2025-09-30"}]}

A line may say `"demo": true` (this project's addition): its offers are invented demo data, and are marked so.

A line gives one minimal `SourceTitle` and one `SourceOffer` per offer, each offer naming its title by this feed's
id and by the title's IMDb and TMDb ids. A bad title rejects the line; a bad offer rejects only that offer, with
the offer's index and field in the reason. An offer without a start date starts when it was verified: the offer's
`verified_at` (or `last_change_date`), else the line's `fetched_at`, else the time the connector was made.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from mediagateway.graph.model import AudioFormat, ContentKind, PricingModel, Quality, Transaction, VerificationSource
from mediagateway.ingest import normalise
from mediagateway.ingest.connectors.base import LineTest, at, build, read_json_lines, reason_of, rejected
from mediagateway.ingest.connectors.canonical import load_json
from mediagateway.ingest.records import ParsedItem, SourceOffer, SourceTitle

MONETIZATION: dict[str, tuple[PricingModel, Transaction | None]] = {
    "flatrate": (PricingModel.SVOD, None),
    "rent": (PricingModel.TVOD, Transaction.RENT),
    "buy": (PricingModel.TVOD, Transaction.BUY),
    "free": (PricingModel.FREE, None),
    "ads": (PricingModel.AVOD, None),
}
PRESENTATION: dict[str, Quality] = {
    "sd": Quality.SD,
    "hd": Quality.HD,
    "fhd": Quality.FHD,
    "4k": Quality.UHD,
    "uhd": Quality.UHD,
}
AUDIO: dict[str, AudioFormat] = {
    "stereo": AudioFormat.STEREO,
    "5.1": AudioFormat.SURROUND_5_1,
    "7.1": AudioFormat.SURROUND_7_1,
    "dolby_atmos": AudioFormat.DOLBY_ATMOS,
    "atmos": AudioFormat.DOLBY_ATMOS,
}
OBJECT_TYPES: dict[str, ContentKind] = {
    "movie": ContentKind.MOVIE,
    "show": ContentKind.SHOW,
    "series": ContentKind.SHOW,
    "tv_series": ContentKind.SHOW,
}
_TV_LINKS = ("deeplink_android_tv", "deeplink_fire_tv", "deeplink_tvos", "deeplink_tv")
MAX_OFFERS = 10_000
T = TypeVar("T")


def _word(value: object, known: dict[str, Any], what: str) -> Any:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {normalise.preview(value)}")
    found = known.get(value.strip().lower().lstrip("_"))
    if found is None:
        raise ValueError(f"unknown {what} {normalise.preview(value)} (known: {', '.join(known)})")
    return found


def _region(value: object) -> str:
    """'US', 'us', or a locale such as 'en_US'."""
    if isinstance(value, str) and re.fullmatch(r"[a-z]{2}[_-][A-Za-z]{2}", value.strip()):
        value = value.strip()[-2:]
    return normalise.country_code(value)


def _native_id(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return normalise.clean_text(value, max_length=256)


def _audio(value: object) -> list[AudioFormat]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list, got {normalise.preview(value)}")
    return list(dict.fromkeys(_word(v, AUDIO, "audio format") for v in value))


class _Offer:
    """Reads the fields of offer number `index`, naming it and the field in every error."""

    def __init__(self, index: int, offer: object) -> None:
        self.where = f"offers[{index}]"
        if not isinstance(offer, dict):
            raise ValueError(f"{self.where}: expected an object, got {normalise.preview(offer)}")
        self.offer: dict[str, Any] = offer

    def get(self, key: str, parse: Callable[[Any], T], *fallbacks: str) -> T | None:
        """The first of `key` and `fallbacks` that is present, parsed; None if none is."""
        for name in (key, *fallbacks):
            value = self.offer.get(name)
            if value not in (None, ""):
                return at(f"{self.where}.{name}", parse, value)
        return None

    def need(self, key: str, parse: Callable[[Any], T], *fallbacks: str) -> T:
        found = self.get(key, parse, *fallbacks)
        if found is None:
            raise ValueError(f"{self.where}.{key}: missing")
        return found

    def price(self, pricing_model: PricingModel) -> normalise.Price | None:
        currency = self.get("currency", normalise.currency_code)
        price = self.get("retail_price", lambda v: normalise.parse_price(v, currency))
        if price is None and pricing_model == PricingModel.TVOD:
            monetization = self.offer["monetization_type"]
            raise ValueError(f"{self.where}.retail_price: a {monetization} offer needs a price")
        if price is not None and price.currency is None:
            raise ValueError(f"{self.where}.currency: a price needs a currency")
        return price

    def period(self, fetched_at: int) -> tuple[int, int, int | None]:
        """verified at, available from, available until."""
        verified_at = self.get("verified_at", normalise.to_epoch_ms, "last_change_date") or fetched_at
        available_from = self.get("available_from", normalise.to_epoch_ms) or verified_at
        until = self.get("leaving_date", normalise.to_epoch_ms, "available_to", "available_until")
        if until is not None and until <= available_from:
            raise ValueError(f"{self.where}.leaving_date: must be after available_from")
        return verified_at, available_from, until

    def links(self) -> tuple[str | None, str | None]:
        urls = self.offer.get("urls") or {}
        if not isinstance(urls, dict):
            raise ValueError(f"{self.where}.urls: expected an object, got {normalise.preview(urls)}")
        def link(key: str | None) -> str | None:
            return None if key is None else at(f"{self.where}.urls.{key}", normalise.deep_link, urls[key])

        tv = next((k for k in _TV_LINKS if urls.get(k)), None)
        return link("standard_web" if urls.get("standard_web") else None), link(tv)


class AggregatorConnector:
    name = "aggregator"
    offer_lines = None  # offers share their line with their title

    def __init__(self, source: str | None = None, fetched_at: int | None = None) -> None:
        self.source = source or self.name
        self.fetched_at = fetched_at if fetched_at is not None else int(time.time() * 1000)

    def estimate_items(self, path: Path) -> int | None:
        """Unknown before reading: a line holds a title and any number of offers."""
        return None

    def read(self, path: Path, keep: LineTest | None = None) -> Iterator[ParsedItem]:
        return read_json_lines(self.source, path, self.parse_line, keep)

    def parse_line(self, raw: str, line: int, part: str | None = None) -> list[ParsedItem]:
        try:
            record = load_json(raw)
            if not isinstance(record, dict):
                raise ValueError(f"expected a JSON object, got {type(record).__name__}")
            title = self._title(record, line)
            offers = _offers_of(record)
            fetched_at = _get(record, "fetched_at", normalise.to_epoch_ms) or self.fetched_at
            demo = record.get("demo") is True
        except ValueError as error:
            return [rejected(self.source, line, raw, reason_of(error))]
        items: list[ParsedItem] = [title]
        for index, offer in enumerate(offers):
            try:
                items.append(self._offer(title, _Offer(index, offer), fetched_at, demo))
            except ValueError as error:
                items.append(rejected(self.source, line, raw, reason_of(error)))
        return items

    def _title(self, record: dict[str, Any], line: int) -> SourceTitle:
        for required in ("id", "object_type", "title"):
            if record.get(required) in (None, ""):
                raise ValueError(f"{required}: missing")
        return build(
            SourceTitle,
            source=self.source,
            native_id=at("id", _native_id, record["id"]),
            line=line,
            kind=at("object_type", lambda v: _word(v, OBJECT_TYPES, "object type"), record["object_type"]),
            title=at("title", lambda v: normalise.clean_text(v, 512), record["title"]),
            year=_get(record, "original_release_year", normalise.parse_year, "release_year", "year"),
            imdb_id=_get(record, "imdb_id", normalise.imdb_title_id),
            tmdb_id=_get(record, "tmdb_id", normalise.tmdb_id),
        )

    def _offer(self, title: SourceTitle, offer: _Offer, fetched_at: int, demo: bool) -> SourceOffer:
        platform = offer.need("provider", _native_id, "provider_id")
        region = offer.need("country", _region)
        monetization = offer.need("monetization_type", lambda v: _word(v, MONETIZATION, "monetization type"))
        pricing_model, transaction = monetization
        quality = offer.get("presentation_type", lambda v: _word(v, PRESENTATION, "presentation type"))
        price = offer.price(pricing_model)
        verified_at, available_from, available_until = offer.period(fetched_at)
        web, tv = offer.links()
        terms = "-".join(str(t) for t in (pricing_model, transaction, quality) if t is not None)
        return build(
            SourceOffer,
            f"{offer.where}.",
            source=self.source,
            native_id="|".join((title.native_id, region, platform, terms)),
            line=title.line,
            title_native_id=title.native_id,
            title_imdb_id=title.imdb_id,
            title_tmdb_id=title.tmdb_id,
            platform_id=platform,
            region_id=region,
            pricing_model=pricing_model,
            transaction=transaction,
            price=None if price is None else price.amount,
            currency=None if price is None else price.currency,
            quality=[] if quality is None else [quality],
            audio=offer.get("audio_technology", _audio) or [],
            deep_link=web,
            deep_link_tv=tv,
            available_from=available_from,
            available_until=available_until,
            verified_at=verified_at,
            verification_source=VerificationSource.DEMO if demo else VerificationSource.AGGREGATOR,
            demo=demo,
        )


def _get(record: dict[str, Any], key: str, parse: Callable[[Any], T], *fallbacks: str) -> T | None:
    for name in (key, *fallbacks):
        value = record.get(name)
        if value not in (None, ""):
            return at(name, parse, value)
    return None


def _offers_of(record: dict[str, Any]) -> list[Any]:
    offers = record.get("offers") or []
    if not isinstance(offers, list):
        raise ValueError(f"offers: expected a list, got {normalise.preview(offers)}")
    if len(offers) > MAX_OFFERS:
        raise ValueError(f"offers: {len(offers):,} offers, at most {MAX_OFFERS:,} allowed")
    return offers
