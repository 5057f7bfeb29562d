"""The generated catalog (`ingest/generate.py`) written as a canonical JSON Lines feed, so benchmarks and tests
ingest it the way a real feed is ingested: through the connector, the resolver and the pipeline.

Each title is followed by its offers. Titles carry their credits with the generator's person ids, so the
resolver can tell two generated people of the same name apart.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mediagateway.graph.model import ContentIn, WindowIn
from mediagateway.ingest.generate import CatalogSpec, title, windows_of


def title_line(content: ContentIn) -> dict[str, Any]:
    line: dict[str, Any] = {
        "type": "title", "id": content.id, "kind": content.kind, "title": content.title, "year": content.year,
        "runtime_minutes": content.runtime_minutes, "synopsis": content.synopsis, "language": content.language,
        "popularity": content.popularity, "genres": list(content.genres), "moods": list(content.moods),
        "credits": [
            {"name": c.name, "role": c.role, "order": c.order, "person_id": c.person_id,
             **({"character": c.character} if c.character else {})}
            for c in content.credits
        ],
    }
    return {k: v for k, v in line.items() if v is not None}


def offer_line(window: WindowIn) -> dict[str, Any]:
    line: dict[str, Any] = {
        "type": "offer", "id": window.window_id, "title_id": window.content_id, "platform": window.platform_id,
        "region": window.region_id, "pricing_model": window.pricing_model, "transaction": window.transaction,
        "price": window.price, "currency": window.currency, "quality": list(window.quality),
        "audio": list(window.audio), "download": window.download, "exclusive": window.exclusive,
        "deep_links": {"web": window.deep_link} if window.deep_link else None,
        "available_from": window.available_from, "available_until": window.available_until,
        "verification_source": window.verification_source, "verified_at": window.verified_at, "demo": window.demo,
    }
    if line["pricing_model"] == "TVOD" and line["transaction"] is None:
        line["transaction"] = "rent"
    return {k: v for k, v in line.items() if v is not None}


def lines(spec: CatalogSpec) -> Iterator[dict[str, Any]]:
    for number in range(spec.titles):
        yield title_line(title(spec, number))
        yield from (offer_line(w) for w in windows_of(spec, number))


def write_feed(spec: CatalogSpec, path: Path) -> int:
    """Write the catalog of `spec` to `path`; returns the number of lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for line in lines(spec):
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            count += 1
    return count
