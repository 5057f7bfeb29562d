"""The pure half of entity resolution: keys, blocking, pairwise scores and constrained union-find.

Nothing here reads the graph. `ingest/resolve.py` builds a `TitleProfile` for every incoming record and every
candidate title already in the graph, pairs them by blocking keys, scores each pair and clusters the pairs that
pass with `Clusters`, a union-find that refuses merges its members' identities forbid.

Title score: the best similarity of two normalised title variants (the full title, the title before a subtitle,
the original title), compared as strings and as sorted words, so that "Godfather Part II, The" and
"The Godfather: Part II" agree; then adjusted by the year (beyond `year_tolerance` is never a match) and by the
people credited on both (shared people raise it; none shared lowers it, more so when the years differ).
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from mediagateway.ingest.normalise import match_key, person_key, restore_article


@dataclass(frozen=True)
class ResolverConfig:
    """Thresholds and weights of the matcher (measured with bench/bench_resolution.py)."""

    fuzzy_threshold: float = 0.86
    year_tolerance: int = 1
    # a title compared with only the part of another before its subtitle ("Heat" with "Heat: Director's Cut")
    subtitle_factor: float = 0.93
    # numbers that differ ("Scream" and "Scream 2", "Vol. 1" and "Vol. 2") mostly mean a sequel
    number_mismatch_factor: float = 0.5
    year_gap_penalty: float = 0.04
    unknown_year_penalty: float = 0.03
    people_bonus: float = 0.08
    no_shared_people_penalty: float = 0.06
    # records of one source with different native ids are different titles (a feed lists a film once)
    same_source_distinct: bool = True
    # a blocking key shared by more titles (within the year tolerance) than this is too common to pair on
    max_block: int = 100
    # graph titles of a person are candidates only if the person has at most this many (prolific actors are hubs)
    max_person_titles: int = 50


# --- keys -------------------------------------------------------------------------------------------------------

_ROMAN = {
    numeral: str(value)
    for value, numeral in enumerate(
        ("ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv", "xvi", "xvii",
         "xviii", "xix", "xx"),
        start=2,
    )
}
# what starts a subtitle or an alternative title: "Alien: Resurrection", "Léon - The Professional", "Seven (Se7en)"
_SUBTITLE = re.compile(r"\s*(?::|\s[-–—]\s|\()")
_EDITION_WORDS = frozenset({"the", "movie", "film", "special", "edition", "directors", "cut", "extended", "uncut",
                            "unrated", "remastered", "restored", "theatrical", "version", "collectors", "anniversary",
                            "imax", "3d", "4k", "hd", "original", "final", "ultimate", "definitive"})
_THOUSANDS = re.compile(r"(?<=\d)[,.](?=\d{3}\b)")  # "20,000 Days on Earth" and "20000 Days on Earth"
_STOPWORDS = frozenset({"the", "a", "an", "of", "and", "in", "on", "to", "for", "de", "la", "le", "el", "les", "der",
                        "die", "das", "with", "at", "from", "by", "is"})


@lru_cache(maxsize=65_536)
def title_key(title: str) -> str:
    """The shared form of a title, numerals as digits: 'Godfather: Part II, The' -> 'godfather part 2'."""
    try:
        words = match_key(_THOUSANDS.sub("", title)).split()
    except ValueError:  # a title of only punctuation keeps its own characters
        words = title.casefold().split()
    return " ".join(_ROMAN.get(word, word) for word in words)


def main_title(title: str) -> str:
    """The title before its subtitle or parenthesis; the whole title when it has none."""
    restored = restore_article(title.strip())
    head = _SUBTITLE.split(restored, maxsplit=1)[0].strip()
    return head or restored


def block_key(title: str) -> str:
    """The key stored on a canonical title for lookups: its main title's key without spaces ('spiderman')."""
    return title_key(main_title(title)).replace(" ", "")


def lookup_keys(titles: Iterable[str | None]) -> set[str]:
    """The block keys a stored title may have to be a candidate for these titles: each leading run of words.

    A stored key is a main title, so 'Godfather Part II, The' must find 'godfather' ('The Godfather: Part II'),
    and 'Star Wars' must find 'starwars' ('Star Wars: Episode IV - A New Hope')."""
    keys: set[str] = set()
    for title in titles:
        if title:
            words = title_key(title).split()
            keys.update("".join(words[:end]) for end in range(1, len(words) + 1))
            keys.add(block_key(title))
    keys.discard("")
    return keys


@lru_cache(maxsize=65_536)
def name_key(name: str) -> str:
    """A person's name as sorted letters of its words: 'J.R.R. Tolkien', 'Tolkien, J. R. R.' -> 'jrrtolkien'."""
    try:
        words = person_key(name).split()
    except ValueError:
        words = name.casefold().split()
    return "".join(sorted(words))


# --- profiles and scores -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One way to read a title: its key, its words sorted, the numbers in it; `partial` for a main title."""

    key: str
    sorted_key: str
    numbers: frozenset[str]
    partial: bool


def variant(key: str, partial: bool = False) -> Variant:
    words = key.split()
    return Variant(key, " ".join(sorted(words)), frozenset(w for w in words if w.isdigit()), partial)


@dataclass(frozen=True)
class TitleProfile:
    """What the matcher knows of a record or a graph title. `fixed`: already in the graph."""

    ref: str
    kind: str
    year: int | None
    variants: tuple[Variant, ...]
    people: frozenset[str] = frozenset()
    fixed: bool = False
    # sources it holds a record of: two titles that share one are never one (ResolverConfig.same_source_distinct)
    sources: frozenset[str] = frozenset()


def title_profile(
    ref: str,
    kind: str,
    title: str,
    year: int | None,
    original_title: str | None = None,
    people: Iterable[str] = (),
    fixed: bool = False,
    sources: Iterable[str] = (),
) -> TitleProfile:
    """`people` are display names; they are compared by `name_key`."""
    full = title_key(title)
    variants = [variant(full)]
    main = title_key(main_title(title))
    if main and main != full:
        variants.append(variant(main, partial=True))
    if original_title and (original := title_key(original_title)) not in (full, main):
        variants.append(variant(original))
    return TitleProfile(ref, kind, year, tuple(variants), frozenset(name_key(p) for p in people), fixed,
                        frozenset(sources))


# Below this share of common letter pairs the strings are too far apart for their ratio to reach a threshold, and
# the ratio, ten times slower, is skipped (on bench/bench_resolution.py: the same merges, 8 times faster).
_PREFILTER = 0.6


@lru_cache(maxsize=131_072)
def _bigrams(text: str) -> frozenset[str]:
    padded = f" {text} "
    return frozenset(padded[i : i + 2] for i in range(len(padded) - 1))


def _ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    grams_a, grams_b = _bigrams(a), _bigrams(b)
    dice = 2 * len(grams_a & grams_b) / (len(grams_a) + len(grams_b))
    return dice if dice < _PREFILTER else SequenceMatcher(None, a, b, autojunk=False).ratio()


def variant_similarity(a: Variant, b: Variant, config: ResolverConfig) -> float:
    if a.partial and b.partial:
        return 0.0  # two titles that share only the part before their subtitles: "Kill Bill: Vol. 1" and "Vol. 2"
    factor = config.subtitle_factor if a.partial or b.partial else 1.0
    similarity = _ratio(a.key, b.key) * (factor if a.numbers == b.numbers else factor * config.number_mismatch_factor)
    if similarity < factor and (a.sorted_key != a.key or b.sorted_key != b.key):
        similarity = max(similarity, _ratio(a.sorted_key, b.sorted_key) * factor
                         * (1.0 if a.numbers == b.numbers else config.number_mismatch_factor))
    if similarity < config.subtitle_factor * factor and not (a.partial or b.partial):
        similarity = max(similarity, _leading_words_similarity(a, b, config) * factor)
    return similarity


def _leading_words_similarity(a: Variant, b: Variant, config: ResolverConfig) -> float:
    """An edition named after the title without a separator ('Sabrina Special Edition', 'Heat Director's Cut'):
    the shorter title against as many leading words of the longer one. Only edition words may follow, or
    'Drive' would match 'Drive Angry' and 'It' 'It Comes at Night'."""
    short, long = (a, b) if len(a.key) <= len(b.key) else (b, a)
    words = short.key.split()
    longer = long.key.split()
    if len(longer) <= len(words) or not set(longer[len(words):]) <= _EDITION_WORDS:
        return 0.0
    head = variant(" ".join(longer[: len(words)]))
    if head.numbers != short.numbers:
        return 0.0
    return _ratio(short.key, head.key) * config.subtitle_factor


def title_similarity(a: TitleProfile, b: TitleProfile, config: ResolverConfig) -> float:
    best = 0.0
    for va in a.variants:
        for vb in b.variants:
            best = max(best, variant_similarity(va, vb, config))
            if best >= 1.0:
                return best
    return best


@dataclass(frozen=True)
class Match:
    score: float
    rule: str


def score(a: TitleProfile, b: TitleProfile, config: ResolverConfig) -> Match | None:
    """How likely two titles are one, with the evidence as a rule ('title+year±1+people 0.91'); None if never."""
    if a.kind != b.kind:
        return None
    gap = None if a.year is None or b.year is None else abs(a.year - b.year)
    if gap is not None and gap > config.year_tolerance:
        return None
    value = title_similarity(a, b, config)
    parts = ["title"]
    if gap is None:
        value -= config.unknown_year_penalty
    elif gap == 0:
        parts.append("year")
    else:
        value -= config.year_gap_penalty
        parts.append(f"year±{gap}")
    if a.people and b.people:
        shared = len(a.people & b.people)
        if shared:
            value += config.people_bonus * (0.5 + 0.5 * shared / min(len(a.people), len(b.people)))
            parts.append("people")
        else:
            value -= config.no_shared_people_penalty * (2 if gap else 1)
    value = max(0.0, min(1.0, value))
    return Match(value, f"{'+'.join(parts)} {value:.2f}")


# --- blocking ----------------------------------------------------------------------------------------------------


def blocking_keys(profile: TitleProfile) -> set[str]:
    """Each significant word of every variant, and the first and last four letters of each without spaces."""
    keys: set[str] = set()
    for item in profile.variants:
        keys.update(f"w:{word}" for word in item.key.split() if word not in _STOPWORDS)
        compact = item.key.replace(" ", "")
        keys.add(f"p:{compact[:4]}")
        keys.add(f"s:{compact[-4:]}")
    return keys


@dataclass
class _Block:
    dated: list[tuple[int, int]] = field(default_factory=list)  # (year, profile index), sorted
    undated: list[int] = field(default_factory=list)

    def window(self, year: int | None, tolerance: int) -> tuple[int, int]:
        """The slice of `dated` within `tolerance` of `year` (all of it for an unknown year)."""
        if year is None:
            return 0, len(self.dated)
        return (bisect_left(self.dated, (year - tolerance, -1)),
                bisect_right(self.dated, (year + tolerance, sys.maxsize)))


def candidate_pairs(profiles: Sequence[TitleProfile], config: ResolverConfig) -> list[tuple[int, int]]:
    """Index pairs (i < j) that share a blocking key, a kind and a year within tolerance (or an unknown year).

    Left out are pairs the clustering would refuse anyway, so they are never scored: two graph titles (titles
    already in the graph are never merged with each other) and two profiles holding a record of one source
    (`TitleProfile.sources`). Each block is kept in groups by `sources` for that: a feed's first load, one source
    throughout, pairs nothing and reads no block member. A block is still measured whole against `max_block`."""
    blocks: dict[tuple[str, str], dict[frozenset[str], _Block]] = defaultdict(lambda: defaultdict(_Block))
    keys_of = [blocking_keys(p) for p in profiles]
    for index, (profile, keys) in enumerate(zip(profiles, keys_of, strict=True)):
        for key in keys:
            block = blocks[(profile.kind, key)][profile.sources]
            if profile.year is None:
                block.undated.append(index)
            else:
                block.dated.append((profile.year, index))
    for groups in blocks.values():
        for block in groups.values():
            block.dated.sort()
    pairs: set[tuple[int, int]] = set()
    tolerance = config.year_tolerance
    for index, (profile, keys) in enumerate(zip(profiles, keys_of, strict=True)):
        for key in keys:
            groups = blocks[(profile.kind, key)]
            windows = {sources: block.window(profile.year, tolerance) for sources, block in groups.items()}
            size = sum(high - low + len(groups[sources].undated) for sources, (low, high) in windows.items())
            if size > config.max_block:
                continue  # a word too common to say anything; the title's other keys still pair it
            for sources, (low, high) in windows.items():
                if sources & profile.sources:
                    continue
                block = groups[sources]
                for other in [i for _, i in block.dated[low:high]] + block.undated:
                    if other != index and not (profile.fixed and profiles[other].fixed):
                        pairs.add((min(index, other), max(index, other)))
    return sorted(pairs)


def scored_pairs(profiles: Sequence[TitleProfile], config: ResolverConfig) -> list[tuple[int, int, Match]]:
    """Candidate pairs that reach the threshold, best first (ties by the profiles' refs, so the order is stable)."""
    found = []
    for i, j in candidate_pairs(profiles, config):
        match = score(profiles[i], profiles[j], config)
        if match is not None and match.score >= config.fuzzy_threshold:
            found.append((i, j, match))
    found.sort(key=lambda item: (-item[2].score, profiles[item[0]].ref, profiles[item[1]].ref))
    return found


# --- clustering --------------------------------------------------------------------------------------------------


_NONE: frozenset[str] = frozenset()


class Clusters:
    """Union-find over refs with cannot-link rules.

    Every element has identity attributes (`{"imdb": "tt0071562", "entity": "title:x", "src:netflix": "81"}`):
    two clusters never merge while they hold different values of one attribute. Every element may name refs
    it must never share a cluster with (`forbidden`, from a split). And a union given a year tolerance does not
    widen a cluster's span of years beyond it, so a record without a year cannot chain a film to its remake."""

    def __init__(
        self,
        refs: Sequence[str],
        attrs: Sequence[Mapping[str, str]],
        forbidden: Mapping[str, Iterable[str]] | None = None,
        years: Sequence[int | None] | None = None,
    ) -> None:
        self.refs = list(refs)
        self.index = {ref: i for i, ref in enumerate(self.refs)}
        self._parent = list(range(len(self.refs)))
        self._attrs = [dict(a) for a in attrs]
        self._members = [{ref} for ref in self.refs]
        blocked = forbidden or {}
        # Refs an element may not share a cluster with: none, for all but the few a split left (one empty set for all)
        self._forbidden: list[frozenset[str]] = [frozenset(blocked[ref]) if ref in blocked else _NONE
                                                 for ref in self.refs]
        self._years: list[tuple[int, int] | None] = [
            None if year is None else (year, year) for year in (years or [None] * len(self.refs))
        ]

    def find(self, i: int) -> int:
        root = i
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[i] != root:
            self._parent[i], i = root, self._parent[i]
        return root

    def can_merge(self, i: int, j: int) -> bool:
        a, b = self.find(i), self.find(j)
        if a == b:
            return True
        attrs_a, attrs_b = self._attrs[a], self._attrs[b]
        if any(attrs_b.get(name, value) != value for name, value in attrs_a.items()):
            return False
        forbidden_a, forbidden_b = self._forbidden[a], self._forbidden[b]
        if forbidden_b and self._members[a] & forbidden_b:
            return False
        return not (forbidden_a and self._members[b] & forbidden_a)

    def _span_allows(self, a: int, b: int, tolerance: int) -> bool:
        span_a, span_b = self._years[a], self._years[b]
        if span_a is None or span_b is None:
            return True
        widest = max(tolerance, span_a[1] - span_a[0], span_b[1] - span_b[0])
        return max(span_a[1], span_b[1]) - min(span_a[0], span_b[0]) <= widest

    def union(self, i: int, j: int, year_tolerance: int | None = None) -> bool:
        """Merge the clusters of i and j; False when they are one already or may not merge."""
        a, b = self.find(i), self.find(j)
        if a == b or not self.can_merge(a, b):
            return False
        if year_tolerance is not None and not self._span_allows(a, b, year_tolerance):
            return False
        if len(self._members[a]) < len(self._members[b]):
            a, b = b, a
        self._parent[b] = a
        self._attrs[a].update(self._attrs[b])
        self._members[a] |= self._members[b]
        if self._forbidden[b]:
            self._forbidden[a] |= self._forbidden[b]
        span_a, span_b = self._years[a], self._years[b]
        if span_a is None or span_b is None:
            self._years[a] = span_a or span_b
        else:
            self._years[a] = (min(span_a[0], span_b[0]), max(span_a[1], span_b[1]))
        self._attrs[b], self._members[b], self._forbidden[b], self._years[b] = {}, set(), _NONE, None
        return True

    def add(self, ref: str, attrs: Mapping[str, str], forbidden: Iterable[str] = ()) -> int:
        """A new element in a cluster of its own; returns its index."""
        self.index[ref] = len(self.refs)
        self.refs.append(ref)
        self._parent.append(len(self._parent))
        self._attrs.append(dict(attrs))
        self._members.append({ref})
        self._forbidden.append(frozenset(forbidden) or _NONE)
        self._years.append(None)
        return self.index[ref]

    def members_of(self, i: int) -> list[int]:
        """The element indices in i's cluster, sorted."""
        return sorted(self.index[ref] for ref in self._members[self.find(i)])

    def attrs(self, i: int) -> dict[str, str]:
        return dict(self._attrs[self.find(i)])

    def groups(self) -> list[list[int]]:
        """Every cluster as sorted element indices, ordered by their first element."""
        found: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.refs)):
            found[self.find(i)].append(i)
        return sorted(found.values())
