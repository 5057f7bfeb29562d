"""The normaliser: text, titles, years, names, genres, moods, prices, places, dates, links and ids."""

from __future__ import annotations

import math
import re

import pytest

from mediagateway.ingest import normalise as n

# --- Text ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Toy   Story ", "Toy Story"),
        ("Tab\tand\nnewline\r\nrun", "Tab and newline run"),
        ("Ame\u0301lie", "Amélie"),  # decomposed accent composed (NFC)
        ("non\u00a0breaking", "non breaking"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert n.clean_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("bad\x00nul", "control character (U+0000)"),
        ("bell\x07", "control character (U+0007)"),
        ("c1\x85", "control character (U+0085)"),
        ("   ", "empty text"),
        ("x" * 11, "11 characters long, over the limit of 10"),
        ("x" * 1_000_000, "over the limit of 10"),
        (42, "expected text, got int"),
        (None, "expected text, got NoneType"),
    ],
)
def test_clean_text_rejects(raw: object, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        n.clean_text(raw, max_length=10)


# --- Titles -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The Matrix", "Matrix, The"),
        ("The Matrix", "MATRIX"),
        ("Amélie", "Amelie"),
        ("Fast & Furious", "Fast and Furious"),
        ("Schindler's List", "Schindlers List"),
        ("Star Wars: Episode IV - A New Hope", "Star Wars Episode IV A New Hope"),
        ("A Beautiful Mind", "Beautiful Mind, A"),
        ("An American Tail", "American Tail"),
        ("Léon: The Professional", "leon the professional"),
        ("Alien³", "Alien3"),
        ("Zero\u200bWidth", "ZeroWidth"),
    ],
)
def test_match_key_joins_spellings(a: str, b: str) -> None:
    assert n.match_key(a) == n.match_key(b)


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("The Matrix", "matrix"),
        ("Matrix, The", "matrix"),
        ("A", "a"),  # an article alone is the title
        ("The The", "the"),
        ("Crouching Tiger, Hidden Dragon", "crouching tiger hidden dragon"),
        ("Straße", "strasse"),
    ],
)
def test_match_key(title: str, key: str) -> None:
    assert n.match_key(title) == key


@pytest.mark.parametrize("title", ["...", "!!!", "   "])
def test_match_key_needs_letters(title: str) -> None:
    with pytest.raises(ValueError, match=r"no letters or digits|empty text"):
        n.match_key(title)


@pytest.mark.parametrize(
    ("raw", "title", "year", "original", "aliases"),
    [
        ("Toy Story (1995)", "Toy Story", 1995, None, ()),
        ("American President, The (1995)", "The American President", 1995, None, ()),
        ("Twelve Monkeys (a.k.a. 12 Monkeys) (1995)", "Twelve Monkeys", 1995, None, ("12 Monkeys",)),
        (
            "City of Lost Children, The (Cité des enfants perdus, La) (1995)",
            "The City of Lost Children",
            1995,
            "La Cité des enfants perdus",
            (),
        ),
        (
            "Léon: The Professional (a.k.a. The Professional) (Léon) (1994)",
            "Léon: The Professional",
            1994,
            "Léon",
            ("The Professional",),
        ),
        ("Misérables, Les (1995)", "Les Misérables", 1995, None, ()),
        ("Avventura, L' (1960)", "L'Avventura", 1960, None, ()),
        ("Death Note: Desu nôto (2006–2007)", "Death Note: Desu nôto", 2006, None, ()),
        ("Stranger Things (2016-)", "Stranger Things", 2016, None, ()),
        ("Babylon 5", "Babylon 5", None, None, ()),
        ("2001: A Space Odyssey (1968)", "2001: A Space Odyssey", 1968, None, ()),
        ("Paris, Texas (1984)", "Paris, Texas", 1984, None, ()),
    ],
)
def test_split_title(raw: str, title: str, year: int | None, original: str | None, aliases: tuple[str, ...]) -> None:
    assert n.split_title(raw) == n.TitleParts(title, year, original, aliases)


@pytest.mark.parametrize("raw", ["Too Early (1850)", "Too Late (2150)"])
def test_split_title_rejects_absurd_years(raw: str) -> None:
    with pytest.raises(ValueError, match=r"outside 1870–2100"):
        n.split_title(raw)


@pytest.mark.parametrize(("value", "year"), [(1999, 1999), ("1999", 1999), (" 2024 ", 2024)])
def test_parse_year(value: object, year: int) -> None:
    assert n.parse_year(value) == year


@pytest.mark.parametrize(("value", "reason"), [(True, "expected a year"), ("99", "expected a year"),
                                               (1869, "outside"), (2101, "outside"), (1999.5, "expected a year")])
def test_parse_year_rejects(value: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        n.parse_year(value)


# --- People -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Tom  Hanks", "Tom Hanks"),
        ("Hanks, Tom", "Tom Hanks"),
        ("Del Toro, Guillermo", "Guillermo Del Toro"),
        ("Sammy Davis, Jr.", "Sammy Davis Jr."),
        ("Björk", "Björk"),
        ("One, Two, Three", "One, Two, Three"),
    ],
)
def test_person_name(raw: str, name: str) -> None:
    assert n.person_name(raw) == name


@pytest.mark.parametrize(("a", "b"), [("J.J. Abrams", "J. J. Abrams"), ("Abrams, J.J.", "j j abrams"),
                                      ("Penélope Cruz", "PENELOPE CRUZ")])
def test_person_key(a: str, b: str) -> None:
    assert n.person_key(a) == n.person_key(b)


# --- Genres and moods ---------------------------------------------------------------------------------------------


def test_genre_vocabulary_is_small_and_named() -> None:
    assert 20 <= len(n.GENRES) <= 30
    assert n.GENRES["science-fiction"] == "Science Fiction"
    assert all(gid == gid.lower() and " " not in gid for gid in n.GENRES)


@pytest.mark.parametrize(
    ("name", "ids"),
    [
        ("Sci-Fi", ("science-fiction",)),
        ("scifi", ("science-fiction",)),
        ("Science Fiction", ("science-fiction",)),
        ("science-fiction", ("science-fiction",)),
        ("Children", ("family",)),
        ("Children's", ("family",)),
        ("Kids", ("family",)),
        ("Film-Noir", ("film-noir",)),
        ("documentation", ("documentary",)),
        ("Action & Adventure", ("action", "adventure")),
        ("Sci-Fi & Fantasy", ("science-fiction", "fantasy")),
        ("War & Politics", ("war",)),
        ("COMEDY", ("comedy",)),
        ("IMAX", ()),
        ("(no genres listed)", ()),
        ("TV Movie", ()),
    ],
)
def test_genre_spellings(name: str, ids: tuple[str, ...]) -> None:
    assert n.genre_ids(name) == ids
    assert all(i in n.GENRES for i in ids)


def test_genres_of_keeps_order_once_each() -> None:
    names = "Adventure|Animation|Children|Comedy|Fantasy|IMAX|Kids".split("|")
    assert n.genres_of(names) == ["adventure", "animation", "family", "comedy", "fantasy"]


@pytest.mark.parametrize(
    ("names", "reason"),
    [
        (["Drama", "Telenovela-ish"], "unknown genre 'Telenovela-ish'"),
        (["Drama"] * 10_000, "10,000 genres, at most 50"),
    ],
)
def test_genres_of_rejects(names: list[str], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        n.genres_of(names)


@pytest.mark.parametrize(
    ("tag", "ids"),
    [
        ("funny", ("funny",)),
        ("Thought-provoking", ("thought-provoking",)),
        ("thought provoking", ("thought-provoking",)),
        ("dark comedy", ("dark", "funny")),
        ("feel-good", ("uplifting",)),
        ("atmospheric", ("atmospheric",)),
        ("in netflix queue", ()),
        ("Leonardo DiCaprio", ()),
    ],
)
def test_mood_ids(tag: str, ids: tuple[str, ...]) -> None:
    assert n.mood_ids(tag) == ids
    assert all(i in n.MOODS for i in ids)


def test_moods_of_is_strict() -> None:
    assert n.moods_of(["Tense", "funny"]) == ["tense", "funny"]
    with pytest.raises(ValueError, match="unknown mood 'pixar'"):
        n.moods_of(["pixar"])


# --- Money --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "amount", "currency"),
    [
        ("$3.99", 3.99, "USD"),
        ("3,99 €", 3.99, "EUR"),
        ("EUR 3.99", 3.99, "EUR"),
        ("eur 3.99", 3.99, "EUR"),
        ("£4.49", 4.49, "GBP"),
        ("R$ 12,90", 12.9, "BRL"),
        ("1.234,50 EUR", 1234.5, "EUR"),
        ("1,234.50", 1234.5, None),
        ("1,234", 1234.0, None),
        ("3.99", 3.99, None),
        ("0", 0.0, None),
        (3.99, 3.99, None),
        (4, 4.0, None),
    ],
)
def test_parse_price(raw: object, amount: float, currency: str | None) -> None:
    price = n.parse_price(raw)
    assert math.isclose(price.amount, amount)
    assert price.currency == currency


def test_parse_price_takes_the_feeds_currency() -> None:
    assert n.parse_price("3.99", "usd") == n.Price(3.99, "USD")
    assert n.parse_price("$3.99", "USD") == n.Price(3.99, "USD")
    with pytest.raises(ValueError, match="in USD but the currency given is EUR"):
        n.parse_price("$3.99", "EUR")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("-3.99", "negative"),
        (-1, "negative"),
        (float("nan"), "not a finite number"),
        (float("inf"), "not a finite number"),
        (1e9, "over the limit"),
        ("3.99.1", "not a price"),
        ("1,23,4", "not a price"),
        ("three", "not a price"),
        ("$3.99 EUR", "names a currency twice"),
        ("EURO 3", "not a currency code"),
        (True, "expected a price"),
        ("", "empty text"),
    ],
)
def test_parse_price_rejects(raw: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        n.parse_price(raw)


@pytest.mark.parametrize(("raw", "code"), [("usd", "USD"), (" EUR ", "EUR"), ("€", "EUR"), ("R$", "BRL")])
def test_currency_code(raw: str, code: str) -> None:
    assert n.currency_code(raw) == code


@pytest.mark.parametrize("raw", ["US", "EURO", "12A", "€€"])
def test_currency_code_rejects(raw: str) -> None:
    with pytest.raises(ValueError, match="not a currency code"):
        n.currency_code(raw)


# --- Places -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "code"), [("us", "US"), (" de ", "DE"), ("UK", "GB"), ("gb", "GB"), ("XK", "XK")])
def test_country_code(raw: str, code: str) -> None:
    assert n.country_code(raw) == code


@pytest.mark.parametrize("raw", ["XX", "USA", "U", "ZZ", "12"])
def test_country_code_rejects(raw: str) -> None:
    with pytest.raises(ValueError, match="not an ISO 3166-1 country code"):
        n.country_code(raw)


def test_country_list_is_iso_3166() -> None:
    assert len(n.ISO_COUNTRIES) == 250  # 249 assigned codes and XK
    assert all(len(code) == 2 and code.isupper() for code in n.ISO_COUNTRIES)


# --- Time ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "ms"),
    [
        ("2024-05-01", 1_714_521_600_000),
        ("2024-05-01T00:00:00Z", 1_714_521_600_000),
        ("2024-05-01T02:00:00+02:00", 1_714_521_600_000),
        ("2024-05-01T00:00:00", 1_714_521_600_000),  # no zone: UTC
        ("2024-05-01T00:00:00.250Z", 1_714_521_600_250),
        (1_714_521_600, 1_714_521_600_000),  # epoch seconds
        (1_714_521_600_000, 1_714_521_600_000),  # epoch milliseconds
        ("1714521600", 1_714_521_600_000),
        (1_714_521_600.5, 1_714_521_600_500),
        ("1870-01-01", -3_155_673_600_000),
        ("2100-12-31T23:59:59Z", 4_133_980_799_000),
    ],
)
def test_to_epoch_ms(raw: object, ms: int) -> None:
    assert n.to_epoch_ms(raw) == ms


def test_to_epoch_ms_units() -> None:
    assert n.to_epoch_ms(964_982_703, unit="s") == 964_982_703_000
    assert n.to_epoch_ms(5_000, unit="ms") == 5_000
    with pytest.raises(ValueError, match="unit must be"):
        n.to_epoch_ms(1, unit="days")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1869-12-31", "outside 1870–2100"),
        ("2101-01-01", "outside 1870–2100"),
        ("0001-01-01T00:00:00Z", "outside 1870–2100"),
        (10**16, "outside 1870–2100"),
        (-(10**13), "outside 1870–2100"),
        ("yesterday", "not an ISO 8601 date"),
        ("2024-02-30", "not an ISO 8601 date"),
        ("2024-13-01", "not an ISO 8601 date"),
        (float("nan"), "not a finite number"),
        (True, "expected a date"),
        ("", "empty text"),
    ],
)
def test_to_epoch_ms_rejects(raw: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        n.to_epoch_ms(raw)


# --- Links and ids ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "link"),
    [
        ("https://www.example.com/title/1", "https://www.example.com/title/1"),
        ("http://example.com", "http://example.com"),
        ("HTTPS://Example.com/A", "https://Example.com/A"),
        ("https://tv.example:8080/play?id=1#start", "https://tv.example:8080/play?id=1#start"),
        ("https://user@example.com/x", "https://user@example.com/x"),
        ("http://[::1]:8000/title", "http://[::1]:8000/title"),
    ],
)
def test_deep_link(raw: str, link: str) -> None:
    assert n.deep_link(raw) == link


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("javascript:alert(1)", "not http or https"),
        ("JavaScript:alert(1)", "not http or https"),
        ("ftp://example.com/file", "not http or https"),
        ("data:text/html,<b>x</b>", "not http or https"),
        ("/relative/path", "not http or https"),
        ("https://", "has no host"),
        ("https://exa mple.com", "contains a space"),
        ("https://example.com/" + "a" * 3_000, "over the limit of 2,048"),
    ],
)
def test_deep_link_rejects(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        n.deep_link(raw)


@pytest.mark.parametrize(
    ("raw", "imdb"),
    [("tt0114709", "tt0114709"), ("0114709", "tt0114709"), ("114709", "tt0114709"), (114709, "tt0114709"),
     ("tt12345678", "tt12345678")],
)
def test_imdb_title_id(raw: object, imdb: str) -> None:
    assert n.imdb_title_id(raw) == imdb


@pytest.mark.parametrize("raw", ["nm0000158", "tt", "0", "tt12345678901", "abc", -5, True])
def test_imdb_title_id_rejects(raw: object) -> None:
    with pytest.raises(ValueError, match=r"IMDb"):
        n.imdb_title_id(raw)


@pytest.mark.parametrize(("raw", "tmdb"), [(862, 862), ("862", 862), (862.0, 862)])
def test_tmdb_id(raw: object, tmdb: int) -> None:
    assert n.tmdb_id(raw) == tmdb


@pytest.mark.parametrize("raw", [0, -1, "x", 8.5, True, None])
def test_tmdb_id_rejects(raw: object) -> None:
    with pytest.raises(ValueError, match="TMDb id must be"):
        n.tmdb_id(raw)
