"""Names of the platforms and regions feeds refer to by id.

Feeds name a platform by a short id ("netflix") and a region by its ISO 3166-1 code. The pipeline creates the
`Platform` and `Region` nodes a feed needs, named from these tables; an id not listed here is named after itself.
"""

from __future__ import annotations

from mediagateway.graph.model import PlatformIn, RegionIn

PLATFORMS: dict[str, str] = {
    "netflix": "Netflix",
    "prime-video": "Prime Video",
    "disney-plus": "Disney+",
    "max": "Max",
    "hulu": "Hulu",
    "apple-tv-plus": "Apple TV+",
    "apple-tv": "Apple TV (store)",
    "paramount-plus": "Paramount+",
    "peacock": "Peacock",
    "tubi": "Tubi",
    "pluto-tv": "Pluto TV",
    "youtube": "YouTube",
    "google-play": "Google Play Movies",
    "mubi": "MUBI",
    "criterion-channel": "The Criterion Channel",
    "bbc-iplayer": "BBC iPlayer",
    "itvx": "ITVX",
    "channel-4": "Channel 4",
    "sky-go": "Sky Go",
    "now": "NOW",
    "canal-plus": "Canal+",
    "arte": "ARTE",
    "ard-mediathek": "ARD Mediathek",
    "zdf-mediathek": "ZDF Mediathek",
    "rakuten-tv": "Rakuten TV",
}

REGIONS: dict[str, str] = {
    "US": "United States",
    "GB": "United Kingdom",
    "DE": "Germany",
    "FR": "France",
    "CA": "Canada",
    "AU": "Australia",
    "IE": "Ireland",
    "ES": "Spain",
    "IT": "Italy",
    "NL": "Netherlands",
    "JP": "Japan",
    "IN": "India",
    "BR": "Brazil",
    "MX": "Mexico",
}


def platform(platform_id: str) -> PlatformIn:
    return PlatformIn(id=platform_id, name=PLATFORMS.get(platform_id, platform_id))


def region(region_id: str) -> RegionIn:
    return RegionIn(id=region_id, name=REGIONS.get(region_id, region_id))
