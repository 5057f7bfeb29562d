"""Pure functions that turn what sources send into the project's one vocabulary and units.

Every function either returns a clean value or raises `ValueError` with a message that says what is wrong with the
value (not where it was found: callers prefix the field). Nothing here reads files, the clock or the network.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import urlsplit

# --- Text ---------------------------------------------------------------------------------------------------------

# C0 and C1 control characters and DEL; tab, line feed and carriage return are whitespace and get collapsed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PREVIEW = 40


def preview(value: object, limit: int = _PREVIEW) -> str:
    """A value short enough to quote in an error message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def clean_text(value: object, max_length: int = 10_000) -> str:
    """Unicode NFC, whitespace runs collapsed to one space, trimmed; control characters and empty text rejected."""
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    if len(value) > 4 * max_length:  # refuse before normalising a huge string
        raise ValueError(f"text is {len(value):,} characters long, over the limit of {max_length:,}")
    text = value if value.isascii() else unicodedata.normalize("NFC", value)
    if found := _CONTROL.search(text):
        raise ValueError(f"text contains a control character (U+{ord(found.group()):04X})")
    text = " ".join(text.split())
    if not text:
        raise ValueError("empty text")
    if len(text) > max_length:
        raise ValueError(f"text is {len(text):,} characters long, over the limit of {max_length:,}")
    return text


_APOSTROPHES = re.compile(r"['’`]")
_NOT_WORD = re.compile(r"[\W_]+")


def _fold(text: str) -> str:
    """Casefolded, accents and invisible format characters removed, '&' spelt 'and', punctuation to spaces."""
    text = unicodedata.normalize("NFKD", text.replace("&", " and "))
    text = "".join(c for c in text if not unicodedata.combining(c) and unicodedata.category(c) != "Cf")
    text = _APOSTROPHES.sub("", text.casefold())
    return " ".join(_NOT_WORD.sub(" ", text).split())


# --- Titles -------------------------------------------------------------------------------------------------------

# Articles that catalogs (MovieLens, library indexes) move to the end: "American President, The".
_TRAILING_ARTICLE = re.compile(
    r"^(?P<body>.+?),\s*(?P<article>the|a|an|les|la|le|l'|il|el|los|las|der|die|das|lo|gli|un|une|una|det|den)$",
    re.IGNORECASE,
)
_LEADING_ARTICLES = frozenset({"the", "a", "an"})
_YEAR_SUFFIX = re.compile(r"\s*\((?P<year>\d{4})(?:\s*[-–]\s*(?:\d{4})?)?\)$")
_PAREN_SUFFIX = re.compile(r"\s*\((?P<inner>[^()]*)\)$")
_AKA = re.compile(r"^a\.?k\.?a\.?\s+", re.IGNORECASE)

_YEAR = re.compile(r"\s*\d{4}\s*")
MIN_YEAR = 1870
MAX_YEAR = 2100


def restore_article(title: str) -> str:
    """'American President, The' -> 'The American President'; "Avventura, L'" -> "L'Avventura"."""
    found = _TRAILING_ARTICLE.match(title)
    if not found:
        return title
    article = found.group("article")
    separator = "" if article.endswith("'") else " "
    return f"{article}{separator}{found.group('body')}"


def match_key(title: str) -> str:
    """The form two spellings of one title share: 'The Matrix', 'Matrix, The' and 'MATRIX' all give 'matrix'."""
    words = _fold(restore_article(clean_text(title, max_length=2_000))).split()
    if len(words) > 1 and words[0] in _LEADING_ARTICLES:
        words = words[1:]
    if not words:
        raise ValueError(f"title {preview(title)} has no letters or digits")
    return " ".join(words)


def check_year(value: int) -> int:
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise ValueError(f"year {value} is outside {MIN_YEAR}–{MAX_YEAR}")
    return value


def parse_year(value: object) -> int:
    """A release year from an int or a numeric string."""
    if isinstance(value, bool):
        raise ValueError(f"expected a year, got {preview(value)}")
    if isinstance(value, str) and _YEAR.fullmatch(value):
        return check_year(int(value))
    if isinstance(value, int):
        return check_year(value)
    raise ValueError(f"expected a year, got {preview(value)}")


@dataclass(frozen=True)
class TitleParts:
    """A catalog title taken apart: 'City of Lost Children, The (Cité des enfants perdus, La) (1995)'."""

    title: str
    year: int | None = None
    original_title: str | None = None
    aliases: tuple[str, ...] = field(default_factory=tuple)


def split_title(raw: str) -> TitleParts:
    """Title, year, original title and a.k.a. aliases from MovieLens style 'Title (a.k.a. X) (Original) (1999)'."""
    text = clean_text(raw, max_length=2_000)
    year = None
    if found := _YEAR_SUFFIX.search(text):
        year = check_year(int(found.group("year")))
        text = text[: found.start()]
    alternates: list[str] = []
    while (found := _PAREN_SUFFIX.search(text)) and found.start() > 0 and found.group("inner").strip():
        alternates.insert(0, found.group("inner").strip())
        text = text[: found.start()]
    aliases = tuple(restore_article(_AKA.sub("", a)) for a in alternates if _AKA.match(a))
    originals = [restore_article(a) for a in alternates if not _AKA.match(a)]
    return TitleParts(restore_article(text.strip()), year, originals[0] if originals else None, aliases)


# --- People -------------------------------------------------------------------------------------------------------

_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def person_name(raw: str) -> str:
    """A display name: clean text, and 'Hanks, Tom' turned to 'Tom Hanks' ('Davis, Jr.' stays a suffix)."""
    return _person_name(raw) if isinstance(raw, str) else clean_text(raw)  # not text: clean_text says so


@lru_cache(maxsize=65_536)  # a name comes back with each of its credits, and again when people are resolved
def _person_name(raw: str) -> str:
    name = clean_text(raw, max_length=512)
    parts = [p.strip() for p in name.split(",")]
    if len(parts) != 2 or not all(parts):
        return name
    last, first = parts
    if first.casefold() in _NAME_SUFFIXES:
        return f"{last} {first}"
    return f"{first} {last}"


def person_key(raw: str) -> str:
    """The form two spellings of one name share: 'J.J. Abrams', 'J. J. Abrams' and 'Abrams, J.J.' -> 'j j abrams'."""
    key = _fold(person_name(raw))
    if not key:
        raise ValueError(f"name {preview(raw)} has no letters")
    return key


# --- Genres and moods ---------------------------------------------------------------------------------------------

GENRES: dict[str, str] = {
    "action": "Action",
    "adventure": "Adventure",
    "animation": "Animation",
    "biography": "Biography",
    "comedy": "Comedy",
    "crime": "Crime",
    "documentary": "Documentary",
    "drama": "Drama",
    "family": "Family",
    "fantasy": "Fantasy",
    "film-noir": "Film Noir",
    "history": "History",
    "horror": "Horror",
    "music": "Music",
    "musical": "Musical",
    "mystery": "Mystery",
    "news": "News",
    "reality": "Reality",
    "romance": "Romance",
    "science-fiction": "Science Fiction",
    "sport": "Sport",
    "talk-show": "Talk Show",
    "thriller": "Thriller",
    "war": "War",
    "western": "Western",
}

# Other spellings sources use (MovieLens, TMDb movie and TV genres, JustWatch names and short codes), folded.
# A spelling may name two genres ("Action & Adventure"), or none: IMAX is a format, "TV Movie" a channel.
_GENRE_SPELLINGS: dict[str, tuple[str, ...]] = {
    "sci fi": ("science-fiction",),
    "scifi": ("science-fiction",),
    "sf": ("science-fiction",),
    "scf": ("science-fiction",),
    "science fiction": ("science-fiction",),
    "sci fi and fantasy": ("science-fiction", "fantasy"),
    "action and adventure": ("action", "adventure"),
    "act": ("action", "adventure"),
    "children": ("family",),
    "childrens": ("family",),
    "kids": ("family",),
    "kids and family": ("family",),
    "fml": ("family",),
    "film noir": ("film-noir",),
    "noir": ("film-noir",),
    "documentation": ("documentary",),
    "doc": ("documentary",),
    "ani": ("animation",),
    "cmy": ("comedy",),
    "crm": ("crime",),
    "drm": ("drama",),
    "fnt": ("fantasy",),
    "hst": ("history",),
    "historical": ("history",),
    "hrr": ("horror",),
    "msc": ("music", "musical"),
    "music and musical": ("music", "musical"),
    "mystery and thriller": ("mystery", "thriller"),
    "trl": ("mystery", "thriller"),
    "rma": ("romance",),
    "romantic": ("romance",),
    "spt": ("sport",),
    "sports": ("sport",),
    "sport and fitness": ("sport",),
    "war and military": ("war",),
    "war and politics": ("war",),
    "wsn": ("western",),
    "rly": ("reality",),
    "reality tv": ("reality",),
    "talk": ("talk-show",),
    "talk show": ("talk-show",),
    "biopic": ("biography",),
    "soap": ("drama",),
    "imax": (),
    "no genres listed": (),
    "unknown": (),
    "tv movie": (),
    "made in europe": (),
    "eur": (),
}
_GENRE_LOOKUP: dict[str, tuple[str, ...]] = {
    **{_fold(g): (g,) for g in GENRES},
    **{_fold(name): (g,) for g, name in GENRES.items()},
    **_GENRE_SPELLINGS,
}

MOODS: dict[str, str] = {
    "uplifting": "Uplifting",
    "dark": "Dark",
    "tense": "Tense",
    "heartwarming": "Heartwarming",
    "funny": "Funny",
    "thought-provoking": "Thought-provoking",
    "romantic": "Romantic",
    "melancholic": "Melancholic",
    "thrilling": "Thrilling",
    "whimsical": "Whimsical",
    "gritty": "Gritty",
    "nostalgic": "Nostalgic",
    "atmospheric": "Atmospheric",
    "surreal": "Surreal",
    "scary": "Scary",
}

# Free-text tags (MovieLens users' words) that say how a title feels, folded; everything else is not a mood.
_MOOD_SPELLINGS: dict[str, tuple[str, ...]] = {
    "feel good": ("uplifting",),
    "inspirational": ("uplifting",),
    "inspiring": ("uplifting",),
    "hopeful": ("uplifting",),
    "bleak": ("dark",),
    "disturbing": ("dark",),
    "dark comedy": ("dark", "funny"),
    "black comedy": ("dark", "funny"),
    "dark humor": ("dark", "funny"),
    "dark humour": ("dark", "funny"),
    "suspense": ("tense",),
    "suspenseful": ("tense",),
    "intense": ("tense",),
    "touching": ("heartwarming",),
    "sweet": ("heartwarming",),
    "hilarious": ("funny",),
    "humorous": ("funny",),
    "witty": ("funny",),
    "philosophical": ("thought-provoking",),
    "cerebral": ("thought-provoking",),
    "intelligent": ("thought-provoking",),
    "mindfuck": ("thought-provoking",),
    "melancholy": ("melancholic",),
    "bittersweet": ("melancholic",),
    "sad": ("melancholic",),
    "depressing": ("melancholic",),
    "tearjerker": ("melancholic",),
    "exciting": ("thrilling",),
    "fast paced": ("thrilling",),
    "quirky": ("whimsical",),
    "charming": ("whimsical",),
    "violent": ("gritty",),
    "brutal": ("gritty",),
    "nostalgia": ("nostalgic",),
    "moody": ("atmospheric",),
    "dreamlike": ("surreal",),
    "hallucinatory": ("surreal",),
    "trippy": ("surreal",),
    "creepy": ("scary",),
    "spooky": ("scary",),
    "frightening": ("scary",),
    "terrifying": ("scary",),
    "eerie": ("scary",),
}
_MOOD_LOOKUP: dict[str, tuple[str, ...]] = {
    **{_fold(m): (m,) for m in MOODS},
    **{_fold(name): (m,) for m, name in MOODS.items()},
    **_MOOD_SPELLINGS,
}

MAX_TERMS = 50


@lru_cache(maxsize=4_096)  # a feed names the same few genres and moods again and again
def _term_key(term: str) -> str:
    return _fold(term)


def genre_ids(name: str) -> tuple[str, ...]:
    """The genre ids a source's genre name stands for: () for a known non-genre (IMAX); unknown names raise."""
    found = _GENRE_LOOKUP.get(_term_key(clean_text(name, max_length=200)))
    if found is None:
        raise ValueError(f"unknown genre {preview(name)}")
    return found


def mood_ids(tag: str) -> tuple[str, ...]:
    """The mood ids a tag names, or () when it names none (most tags are not moods)."""
    return _MOOD_LOOKUP.get(_term_key(clean_text(tag, max_length=500)), ())


def genres_of(names: Iterable[str]) -> list[str]:
    """Genre ids for a list of a source's genre names, in order, once each; unknown names raise."""
    return _collect(names, genre_ids, "genres")


def moods_of(names: Iterable[str]) -> list[str]:
    """Mood ids for names that must all be moods (the canonical format); unknown names raise."""

    def strict(name: str) -> tuple[str, ...]:
        found = mood_ids(name)
        if not found:
            raise ValueError(f"unknown mood {preview(name)}")
        return found

    return _collect(names, strict, "moods")


def _collect(names: Iterable[str], lookup: Callable[[str], tuple[str, ...]], kind: str) -> list[str]:
    names = list(names)
    if len(names) > MAX_TERMS:
        raise ValueError(f"{len(names):,} {kind}, at most {MAX_TERMS} allowed")
    found: dict[str, None] = {}
    for name in names:
        found.update(dict.fromkeys(lookup(name)))
    return list(found)


# --- Money --------------------------------------------------------------------------------------------------------

MAX_PRICE = 100_000
_CURRENCY_SYMBOLS: dict[str, str] = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₺": "TRY",
    "R$": "BRL",
    "C$": "CAD",
    "CA$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "MX$": "MXN",
}
_PRICE = re.compile(r"^(?P<before>[^\d\s.,+-]*)\s*(?P<number>[+-]?[\d.,]*\d[\d.,]*)\s*(?P<after>[^\d\s.,+-]*)$")


@dataclass(frozen=True)
class Price:
    amount: float
    currency: str | None


def currency_code(value: object) -> str:
    """An ISO 4217 code, uppercase: 'eur' -> 'EUR'; a known symbol ('€', 'R$') gives its code."""
    text = clean_text(value, max_length=10)
    if text in _CURRENCY_SYMBOLS:
        return _CURRENCY_SYMBOLS[text]
    if not (len(text) == 3 and text.isascii() and text.isalpha()):
        raise ValueError(f"{preview(value)} is not a currency code (three letters, like EUR)")
    return text.upper()


def _decimal_string(number: str) -> str:
    """'1.234,56' -> '1234.56', '3,99' -> '3.99', '1,234' -> '1234', '3.99' -> '3.99'.

    With both separators the last one is the decimal point; a lone comma before exactly three digits, or any
    separator that repeats, groups thousands."""
    sign, digits = (number[0], number[1:]) if number[0] in "+-" else ("", number)
    marks = [m for m in ",." if m in digits]
    decimal: str | None = None
    if len(marks) == 2:
        decimal = digits[max(digits.rfind(","), digits.rfind("."))]
    elif marks:
        groups = digits.split(marks[0])
        grouping = len(groups) > 2 or (marks[0] == "," and len(groups[-1]) == 3)
        decimal = None if grouping else marks[0]
    whole, fraction = digits.rsplit(decimal, 1) if decimal else (digits, "")
    thousands = next((m for m in marks if m != decimal), None)
    groups = whole.split(thousands) if thousands else [whole]
    if (fraction and not fraction.isdigit()) or not all(g.isdigit() for g in groups):
        raise ValueError("misplaced separator")
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
        raise ValueError("digit groups are not thousands")
    return f"{sign}{''.join(groups)}.{fraction or 0}"


def _amount(number: Decimal | float | int) -> float:
    amount = float(number)
    if not math.isfinite(amount):
        raise ValueError(f"price {preview(number)} is not a finite number")
    if amount < 0:
        raise ValueError(f"price {amount} is negative")
    if amount > MAX_PRICE:
        raise ValueError(f"price {amount:,} is over the limit of {MAX_PRICE:,}")
    return amount


def parse_price(value: object, currency: str | None = None) -> Price:
    """'$3.99', '3,99 €', 'EUR 3.99', '1.234,50 EUR' or a plain number; `currency` is the feed's own field."""
    given = currency_code(currency) if currency is not None else None
    if isinstance(value, bool):
        raise ValueError(f"expected a price, got {preview(value)}")
    if isinstance(value, int | float):
        return Price(_amount(value), given)
    text = clean_text(value, max_length=40)
    found = _PRICE.match(text)
    if not found:
        raise ValueError(f"{preview(value)} is not a price")
    before, after = found.group("before"), found.group("after")
    if before and after:
        raise ValueError(f"{preview(value)} names a currency twice")
    stated = currency_code(before or after) if before or after else None
    if stated and given and stated != given:
        raise ValueError(f"price {preview(value)} is in {stated} but the currency given is {given}")
    try:
        amount = Decimal(_decimal_string(found.group("number")))
    except (InvalidOperation, ValueError) as error:
        raise ValueError(f"{preview(value)} is not a price") from error
    return Price(_amount(amount), stated or given)


# --- Places -------------------------------------------------------------------------------------------------------

# ISO 3166-1 alpha-2, plus XK (Kosovo), which streaming catalogs use.
ISO_COUNTRIES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO
    FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE
    JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO
    MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
    PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM
    TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW
    """.split()
)
_COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}  # the codes the EU uses for the United Kingdom and Greece


def country_code(value: object) -> str:
    """An ISO 3166-1 alpha-2 code, uppercase: 'us' -> 'US', 'UK' -> 'GB'."""
    text = clean_text(value, max_length=10).upper()
    text = _COUNTRY_ALIASES.get(text, text)
    if text not in ISO_COUNTRIES:
        raise ValueError(f"{preview(value)} is not an ISO 3166-1 country code")
    return text


# --- Time ---------------------------------------------------------------------------------------------------------

MIN_EPOCH_MS = int(datetime(MIN_YEAR, 1, 1, tzinfo=UTC).timestamp() * 1000)
END_EPOCH_MS = int(datetime(MAX_YEAR + 1, 1, 1, tzinfo=UTC).timestamp() * 1000)
# A bare number this small is seconds, a larger one milliseconds: 10^10 s is the year 2286, 10^10 ms is 1970-04-26.
_SECONDS_BELOW = 10_000_000_000
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EPOCH_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def _checked(ms: int, shown: object) -> int:
    if not MIN_EPOCH_MS <= ms < END_EPOCH_MS:
        raise ValueError(f"date {preview(shown)} is outside {MIN_YEAR}–{MAX_YEAR}")
    return ms


def _from_number(value: float, unit: str) -> int:
    if not math.isfinite(value):
        raise ValueError(f"date {preview(value)} is not a finite number")
    seconds = unit == "s" or (unit == "auto" and abs(value) < _SECONDS_BELOW)
    return _checked(round(value * 1000) if seconds else round(value), value)


def _from_iso(text: str) -> int:
    try:
        if _ISO_DATE.fullmatch(text):
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
        else:
            moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise ValueError(f"{preview(text)} is not an ISO 8601 date or an epoch time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not MIN_YEAR <= moment.astimezone(UTC).year <= MAX_YEAR:
        raise ValueError(f"date {preview(text)} is outside {MIN_YEAR}–{MAX_YEAR}")
    return _checked(round(moment.timestamp() * 1000), text)


def to_epoch_ms(value: object, unit: str = "auto") -> int:
    """Epoch milliseconds (UTC) from an ISO 8601 date or datetime (no zone means UTC) or an epoch number.

    `unit` says what a number is: "s", "ms", or "auto" (seconds below 10^10, milliseconds above)."""
    if unit not in {"auto", "s", "ms"}:
        raise ValueError(f"unit must be auto, s or ms, got {unit!r}")
    if isinstance(value, bool):
        raise ValueError(f"expected a date, got {preview(value)}")
    if isinstance(value, int | float):
        return _from_number(value, unit)
    text = clean_text(value, max_length=64)
    if _EPOCH_NUMBER.fullmatch(text):
        return _from_number(float(text) if "." in text else int(text), unit)
    return _from_iso(text)


# --- Links and ids ------------------------------------------------------------------------------------------------


_PLAIN_LINK = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d+)?(?:[/?#]\S*)?")  # what `deep_link` accepts as it is


def deep_link(value: object) -> str:
    """An http or https URL with a host; anything else (javascript:, ftp:, data:, relative) is refused."""
    text = clean_text(value, max_length=2_048)
    if _PLAIN_LINK.fullmatch(text):  # most links: no need to take them apart
        return text
    if " " in text:
        raise ValueError(f"link {preview(value)} contains a space")
    try:
        parts = urlsplit(text)
    except ValueError as error:
        raise ValueError(f"link {preview(value)} is not a URL: {error}") from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise ValueError(f"link {preview(value)} is not http or https")
    if not parts.hostname:
        raise ValueError(f"link {preview(value)} has no host")
    return scheme + text[len(parts.scheme) :]


_WHOLE_NUMBER = re.compile(r"\s*\d{1,18}\s*")
_IMDB_TITLE = re.compile(r"\s*(?:tt)?(\d{1,10})\s*")


def positive_int(value: object, what: str = "id") -> int:
    """A positive whole number from an int, an integral float or a string of digits."""
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, got {preview(value)}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
        value = int(value)
    if not isinstance(value, int) or value <= 0:
        raise ValueError(f"{what} must be a positive whole number, got {preview(value)}")
    return value


def imdb_title_id(value: object) -> str:
    """'tt0114709' from 'tt0114709', '0114709', '114709' or 114709 (IMDb pads to at least seven digits)."""
    text = value if isinstance(value, str) else str(positive_int(value, "IMDb id"))
    found = _IMDB_TITLE.fullmatch(text)
    if not found or int(found.group(1)) == 0:
        raise ValueError(f"{preview(value)} is not an IMDb title id")
    return f"tt{int(found.group(1)):07d}"


def tmdb_id(value: object) -> int:
    """A TMDb id: a positive whole number, from an int or a numeric string."""
    return positive_int(value, "TMDb id")
