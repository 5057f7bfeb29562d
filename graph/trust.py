"""How far an availability fact can be believed today (DESIGN.md, scoring).

A window's stored trust score is what it was worth when it was verified; it decays linearly by 1% of that value a
day since, reaching nothing after 100 days. ("1% a day" is read as a share of the score, not of the scale: a
window verified at 0.9 is worth 0.63 thirty days later.) Availability is shown from 0.5 and carries a warning below
0.6; recommendations need 0.6. The same formula is written in Cypher where a query filters on trust
(cypher/search/filter.cypher, cypher/browse/*, cypher/recommend/available.cypher) and, in that Cypher's arithmetic,
over the recommender's snapshot of windows (recommend/filters.py): change them together.
"""

from __future__ import annotations

DAY_MS = 86_400_000
DECAY_PER_DAY = 0.01
SHOWN_FROM = 0.5
WARN_BELOW = 0.6
RECOMMEND_FROM = 0.6


def effective_trust(stored: float, verified_at_ms: int, now_ms: int) -> float:
    """The stored score decayed for the days since verification; never below 0 nor above the stored score."""
    days = max(0.0, (now_ms - verified_at_ms) / DAY_MS)
    return max(0.0, stored * (1.0 - DECAY_PER_DAY * days))


def warning(trust: float) -> str | None:
    """What a viewer should be told about a window of this trust, if anything."""
    if trust < SHOWN_FROM:
        return "not verified recently enough to be shown as available"
    if trust < WARN_BELOW:
        return "availability not confirmed recently; check on the platform before you plan on it"
    return None
