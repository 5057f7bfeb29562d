"""How much an interaction says a viewer wants a title (DESIGN.md, scoring).

Signals in descending weight: watch_complete, rating, watch_start, click, skip. A rating's weight depends on its
value: ratings are on a five-star scale (MovieLens' 0.5 to 5), a high rating is the strongest evidence after a
finished watch, and a low one is evidence *against* the title, as is a skip. `weight` is positive for evidence
for, negative for evidence against; what is neither (a middling rating) weighs 0 and is not a training edge.
"""

from __future__ import annotations

from mediagateway.graph.model import Signal

WATCH_COMPLETE = 1.0
WATCH_START = 0.5
CLICK = 0.25
SKIP = -0.5
LIKED_FROM = 3.5  # stars: a rating at or above this is a positive edge
DISLIKED_BELOW = 2.5  # stars: at or below this, a negative one


def weight(signal: Signal | str, rating: float | None = None) -> float:
    """The weight of one interaction: in (0, 1] for evidence for the title, below 0 against, 0 for neither."""
    signal = Signal(signal)
    if signal is Signal.RATING:
        if rating is None:
            raise ValueError("a rating signal needs its rating")
        return rating_weight(rating)
    return {Signal.WATCH_COMPLETE: WATCH_COMPLETE, Signal.WATCH_START: WATCH_START, Signal.CLICK: CLICK,
            Signal.SKIP: SKIP}[signal]


def rating_weight(stars: float) -> float:
    """5 stars weighs 0.9 (just under a finished watch), 3.5 weighs 0.6; 2.5 and below are negative. A rating
    above five stars (the graph accepts up to 10) counts as five, one below half a star as half a star."""
    stars = min(max(stars, 0.5), 5.0)
    if stars >= LIKED_FROM:
        return round(0.6 + 0.3 * (stars - LIKED_FROM) / (5.0 - LIKED_FROM), 4)
    if stars <= DISLIKED_BELOW:
        return round(-0.5 - 0.5 * (DISLIKED_BELOW - stars) / (DISLIKED_BELOW - 0.5), 4)
    return 0.0
