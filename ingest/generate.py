"""A deterministic synthetic catalog: platforms, regions, genres, moods, people, titles and availability windows.

Everything is generated from a seed, so the same `CatalogSpec` always yields the same records, and nothing is held
in memory beyond one batch: titles and windows are streamed in batches of `batch_size`, which is what lets the
generator feed catalogs of up to a million titles. Each title draws from its own random stream, seeded by
(seed, stream name, title number), so a title is the same whatever the batch size and however many titles follow.

What is drawn from what, and why:

- Kinds: 88% movies, 12% shows (no seasons or episodes: the benchmarks and the demo need titles, not a hierarchy).
- Years: 2025 minus an exponential with mean 14 years, floored at 1920. Catalogs are dominated by recent titles
  with a long tail of classics.
- Runtimes: movies normal(104, 18) minutes clipped to 70-210; shows 22-60 minutes per episode.
- Genres: 1-3 per title (mean 2) drawn by weight (drama and comedy common, westerns rare), as in real catalogs.
- Moods: 0-2 per title (mean 1), drawn mostly from moods that suit the title's first genre, so moods carry signal.
- Credits: one director, 1-3 actors and sometimes a writer (about 3.2 credits a title). People are numbered
  0 .. titles/2 - 1; half the credits pick a person uniformly (so almost every person appears at least once) and
  half from a shifted Zipf law, P(rank r) ~ 1 / (r + 50), so a few people appear in hundreds of titles (about
  0.4% of titles for the most credited person at 100,000 titles), the hubs a real credit graph has.
- Synopses: sentence templates filled from a genre's own premises and from shared lists of protagonists,
  settings, complications and mood lines (tens of millions of combinations), so text embeddings of titles of the
  same genre are close but rarely identical.
- Availability: 1-5 windows a title (mean 3), each on a distinct (platform, region, pricing model). Platforms are
  drawn by market weight among those that operate in the region, regions by weight (US 40%, GB, DE, FR 20% each).
  A platform's pricing models decide the window's model; TVOD windows carry a region-priced rent or buy price.
  Windows start within five years before `as_of_ms`; 40% are open-ended, the rest last 30 days to 3 years, so some
  have expired. Trust scores are 0.55 + 0.45 * Beta(4, 2). Every window is marked `demo=True` and its
  verification source is `demo`: it is invented, never a claim about a real service. Platforms and deep links
  live on the reserved `.example` domain.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from mediagateway.graph.model import (
    AudioFormat,
    ContentIn,
    ContentKind,
    Credit,
    PersonIn,
    PlatformIn,
    PricingModel,
    Quality,
    RegionIn,
    Role,
    TaxonomyIn,
    VerificationSource,
    WindowIn,
)

T = TypeVar("T")

DAY_MS = 86_400_000
AS_OF_MS = 1_748_736_000_000  # 2025-06-01T00:00:00Z: a fixed "now", so output does not depend on the clock
_ZIPF_OFFSET = 50  # the q of P(r) ~ 1 / (r + q): flattens the head so the top person is not in every tenth title
_ZIPF_SHARE = 0.5  # the share of credits drawn from the Zipf law; the rest are uniform over everyone


@dataclass(frozen=True)
class CatalogSpec:
    titles: int
    seed: int = 7
    batch_size: int = 1_000
    as_of_ms: int = AS_OF_MS

    def __post_init__(self) -> None:
        if not 1 <= self.titles <= 10_000_000:
            raise ValueError(f"titles must be between 1 and 10,000,000, got {self.titles}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {self.batch_size}")

    @property
    def people(self) -> int:
        return max(1, self.titles // 2)


# --- vocabularies ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    currency: str
    weight: float
    rent: float  # the rent price of a new release; buy prices and older titles scale from it


REGIONS = (
    Region("US", "United States", "USD", 0.4, 5.99),
    Region("GB", "United Kingdom", "GBP", 0.2, 4.99),
    Region("DE", "Germany", "EUR", 0.2, 4.99),
    Region("FR", "France", "EUR", 0.2, 4.99),
)


@dataclass(frozen=True)
class Platform:
    id: str
    name: str
    models: tuple[PricingModel, ...]
    regions: tuple[str, ...]
    weight: float

    @property
    def homepage(self) -> str:
        return f"https://{self.id}.example"


_ALL = ("US", "GB", "DE", "FR")
PLATFORMS = (
    Platform("streamly", "Streamly", (PricingModel.SVOD,), _ALL, 0.18),
    Platform("cinevault", "CineVault", (PricingModel.SVOD,), _ALL, 0.14),
    Platform("northlight", "Northlight+", (PricingModel.SVOD,), ("US", "GB"), 0.08),
    Platform("reelhouse", "Reelhouse", (PricingModel.SVOD, PricingModel.TVOD), ("US", "DE", "FR"), 0.08),
    Platform("marquee", "Marquee Store", (PricingModel.TVOD,), _ALL, 0.14),
    Platform("pixelrent", "PixelRent", (PricingModel.TVOD,), _ALL, 0.10),
    Platform("kestrel", "Kestrel TV", (PricingModel.AVOD,), ("US", "GB"), 0.08),
    Platform("bluepost", "Bluepost", (PricingModel.AVOD, PricingModel.SVOD), ("DE", "FR"), 0.07),
    Platform("freeframe", "FreeFrame", (PricingModel.FREE,), _ALL, 0.07),
    Platform("archivetv", "Archive TV", (PricingModel.FREE, PricingModel.AVOD), ("GB", "FR"), 0.06),
)

# genre id: (display name, weight, premises that suit it, moods that suit it)
GENRES: dict[str, tuple[str, float, tuple[str, ...], tuple[str, ...]]] = {
    "drama": ("Drama", 0.16, (
        "must hold a fractured family together after a sudden death",
        "returns home to care for a parent who no longer recognises them",
        "fights to keep a failing factory open as the town turns against them",
        "confronts a secret buried since a childhood summer",
        "tries to rebuild a life after ten years in prison",
    ), ("melancholic", "thought-provoking", "heartwarming")),
    "comedy": ("Comedy", 0.13, (
        "accidentally becomes the face of a viral advertising campaign",
        "pretends to be a celebrity chef to save a struggling restaurant",
        "must survive a chaotic week of wedding preparations",
        "swaps lives with an identical stranger for a bet",
        "inherits a goat farm and absolutely no idea how to run it",
    ), ("funny", "whimsical", "uplifting")),
    "thriller": ("Thriller", 0.08, (
        "uncovers a conspiracy reaching the highest office",
        "is hunted after witnessing a murder on a night train",
        "races to find a kidnapped child before the ransom deadline",
        "discovers that a new neighbour is not who they claim to be",
        "must decode a message hidden in a dead colleague's files",
    ), ("tense", "thrilling", "dark")),
    "action": ("Action", 0.07, (
        "leads a rescue through a city under siege",
        "stops a stolen warhead from leaving the harbour",
        "fights their way out of a skyscraper seized by mercenaries",
        "chases a gang of armoured-car robbers across the desert",
        "takes on a cartel that burned down their village",
    ), ("thrilling", "gritty", "tense")),
    "crime": ("Crime", 0.07, (
        "plans one last heist before leaving the business",
        "is framed for a murder they did not commit",
        "goes undercover inside a smuggling ring",
        "investigates a string of art thefts from private collections",
        "must repay a debt to a ruthless loan shark",
    ), ("gritty", "dark", "tense")),
    "romance": ("Romance", 0.06, (
        "falls for a rival baker during a summer baking contest",
        "meets the same stranger at the same train station every year",
        "writes anonymous letters to a pen pal who turns out to be their boss",
        "rekindles a first love at a twenty-year school reunion",
        "is torn between an arranged engagement and a travelling musician",
    ), ("romantic", "heartwarming", "melancholic")),
    "science-fiction": ("Science Fiction", 0.05, (
        "wakes from cryosleep to find the colony ship drifting off course",
        "receives radio signals from a future version of themselves",
        "discovers that the city's weather is controlled by an artificial mind",
        "leads the first expedition into a wormhole near Saturn",
        "must stop a memory-trading market from erasing a whole generation",
    ), ("thought-provoking", "tense", "thrilling")),
    "horror": ("Horror", 0.05, (
        "moves into a farmhouse where the walls whisper at night",
        "is stalked by a figure that appears only in photographs",
        "spends a weekend in a lighthouse with something that should not exist",
        "awakens an ancient curse while restoring an old church organ",
        "hears children singing from a flooded village under the reservoir",
    ), ("dark", "tense", "gritty")),
    "documentary": ("Documentary", 0.05, (
        "follows the last shepherds of a mountain valley through a hard winter",
        "traces the rise and fall of a legendary record label",
        "investigates the collapse of a fishing industry",
        "documents a year inside a neonatal intensive care unit",
        "tells the story of the engineers who built a bridge across a strait",
    ), ("thought-provoking", "uplifting", "nostalgic")),
    "animation": ("Animation", 0.04, (
        "sets out to find the lost colours of an enchanted kingdom",
        "befriends a clockwork dragon in a city of inventors",
        "must return a baby cloud to the sky before the storm season",
        "leads a band of garden insects against a hungry hedgehog",
        "travels through a library where every book is a door",
    ), ("whimsical", "uplifting", "funny")),
    "family": ("Family", 0.03, (
        "trains a runaway pony for the county show",
        "spends a summer with grandparents they have never met",
        "organises a neighbourhood treasure hunt that goes wonderfully wrong",
        "helps a lost penguin find its way back to the zoo",
        "enters a go-kart race against the richest kid in town",
    ), ("heartwarming", "funny", "uplifting")),
    "fantasy": ("Fantasy", 0.03, (
        "is chosen by a sword that nobody has drawn for a thousand years",
        "bargains with a river god to save a drowning kingdom",
        "learns that their grandmother's recipes are spells",
        "guards the last gate between the world of the living and the fae",
        "must return a stolen crown before the winter solstice",
    ), ("whimsical", "thrilling", "romantic")),
    "mystery": ("Mystery", 0.03, (
        "investigates a disappearance at a remote island hotel",
        "finds a diary that predicts the deaths of a village's residents",
        "must solve a locked-room murder during a snowstorm",
        "searches for a painting that vanished during an auction",
        "receives letters from a sister declared dead years ago",
    ), ("tense", "thought-provoking", "dark")),
    "adventure": ("Adventure", 0.03, (
        "searches the jungle for a lost expedition",
        "sails a homemade raft across an ocean",
        "follows an old map to a city buried in the dunes",
        "crosses a frozen continent with a team of sled dogs",
        "climbs a mountain that no one has summited in winter",
    ), ("thrilling", "uplifting", "nostalgic")),
    "history": ("History", 0.02, (
        "smuggles refugees across a border during the last days of a war",
        "defends a besieged fortress through a winter campaign",
        "negotiates a fragile peace between two warring dynasties",
        "leads a workers' strike that shakes an empire",
        "maps an unknown coastline for a crown that will not pay",
    ), ("thought-provoking", "melancholic", "gritty")),
    "war": ("War", 0.02, (
        "leads a patrol behind enemy lines to rescue a downed pilot",
        "survives the siege of a mountain town",
        "keeps a field hospital running under constant shelling",
        "carries a message across a no man's land",
        "returns from the front to a home that no longer feels like one",
    ), ("gritty", "melancholic", "tense")),
    "music": ("Music", 0.02, (
        "forms a punk band in a town with one music venue",
        "prepares for the audition of a lifetime at a conservatory",
        "tours dive bars across the country in a borrowed van",
        "tries to reunite a legendary choir for one final concert",
        "writes the song that could save a failing radio station",
    ), ("uplifting", "nostalgic", "heartwarming")),
    "biography": ("Biography", 0.02, (
        "becomes the first woman to fly solo across an ocean",
        "builds a tech empire from a garage and loses it all",
        "rises from a mining town to a world boxing title",
        "fights a decade-long court battle for the right to vote",
        "invents a vaccine against the advice of every colleague",
    ), ("uplifting", "thought-provoking", "melancholic")),
    "sport": ("Sport", 0.02, (
        "coaches a hopeless school basketball team to the state final",
        "returns to the ring for one more title fight",
        "trains for an ultramarathon across the desert",
        "assembles a village cricket team to save the green",
        "becomes the first in their family to race in the Tour",
    ), ("uplifting", "thrilling", "heartwarming")),
    "western": ("Western", 0.02, (
        "rides into a frontier town held hostage by a cattle baron",
        "hunts the outlaw who robbed a stagecoach",
        "defends a homestead against railroad men",
        "guides settlers across mountains before the first snow",
        "becomes sheriff of a town nobody else will protect",
    ), ("gritty", "tense", "nostalgic")),
}

MOODS: dict[str, tuple[str, tuple[str, ...]]] = {
    "uplifting": ("Uplifting", ("It is a story about hope winning out.", "Expect to leave with a smile.")),
    "dark": ("Dark", ("Nobody comes out of it unscathed.", "The shadows are long and the choices grim.")),
    "tense": ("Tense", ("Every minute tightens the knot.", "The suspense never lets go.")),
    "heartwarming": ("Heartwarming", ("It is a gentle tale of kindness.", "Warmth runs through every scene.")),
    "funny": ("Funny", ("The jokes land fast and often.", "It is silly in the best way.")),
    "thought-provoking": ("Thought-provoking", ("It asks questions it refuses to answer easily.",
                                                "It lingers long after the credits.")),
    "romantic": ("Romantic", ("Love arrives when least expected.", "It is a slow-burning love story.")),
    "melancholic": ("Melancholic", ("It is bittersweet and quietly sad.", "Loss colours everything.")),
    "thrilling": ("Thrilling", ("The pace is relentless.", "It is a breathless ride from start to finish.")),
    "whimsical": ("Whimsical", ("Magic hides in ordinary things.", "It is playful and full of wonder.")),
    "gritty": ("Gritty", ("It is raw, violent and unsentimental.", "The streets are unforgiving.")),
    "nostalgic": ("Nostalgic", ("It longs for a world that has passed.", "It is soaked in memories of youth.")),
}

PROTAGONISTS = (
    "a retired detective", "a small-town mechanic", "an ambitious young lawyer", "a widowed fisherman",
    "a disgraced surgeon", "a teenage chess prodigy", "a burned-out schoolteacher", "a struggling jazz pianist",
    "a stubborn grandmother", "an exiled princess", "a rookie police officer", "a reclusive novelist",
    "a former soldier", "a shy museum archivist", "a street-smart orphan", "a cynical war reporter",
    "a night-shift nurse", "a failed stand-up comedian", "a hotel concierge", "an idealistic city councillor",
    "a travelling circus acrobat", "a lighthouse keeper", "a junior diplomat", "a farmer's daughter",
    "a veteran stuntwoman", "a quiet accountant", "a celebrity chef", "a band of misfit teenagers",
    "a family of travelling musicians", "a crew of aging bank robbers", "a pair of rival magicians",
    "a marine biologist", "a trainee astronaut", "a washed-up football coach", "a young monk",
    "an undercover journalist", "a taxi driver", "a forensic accountant", "a village priest", "an art forger",
)

SETTINGS = (
    "in 1970s Lisbon", "on a remote Arctic research station", "in a sleepy Welsh mining village",
    "in near-future Lagos", "on the streets of Marseille", "in a crumbling Venetian palazzo",
    "aboard a transatlantic liner", "in a Berlin divided by the Wall", "in the suburbs of Osaka",
    "in a fog-bound Scottish harbour town", "on a Texas cattle ranch", "in a Parisian cookery school",
    "in a Montreal ice hockey town", "in a Mumbai film studio", "in a colony on Mars",
    "in post-war Vienna", "across the Australian outback", "in a snowed-in Alpine village",
    "in Prohibition-era Chicago", "in a Seoul high school", "on a Greek island out of season",
    "in a Detroit car plant", "in a Mexico City wrestling gym", "at a Norwegian fjord hotel",
    "on a space station orbiting Jupiter", "in Victorian London", "in a Brooklyn laundromat",
    "in a Kyoto temple garden", "at a Cornish surf school", "in the Amazon rainforest",
    "in a Moroccan desert caravan", "in a Hong Kong night market", "in a New Orleans jazz club",
    "on a Baltic ferry", "in a Silicon Valley start-up", "in medieval Bohemia", "in a Sicilian vineyard",
    "in an Icelandic fishing town", "in a Buenos Aires tango hall", "in a Nairobi newsroom",
)

COMPLICATIONS = (
    "But an old enemy resurfaces with a score to settle.",
    "Nothing goes to plan when a storm cuts the town off.",
    "A stranger's arrival threatens to expose everything.",
    "Time is running out, and nobody can be trusted.",
    "A fateful phone call changes everything.",
    "Their only ally is the person they trust least.",
    "Success depends on a promise they cannot keep.",
    "A decades-old photograph holds the key.",
    "The deeper they dig, the stranger it gets.",
    "A rival will stop at nothing to get there first.",
    "Help comes from the most unlikely place.",
    "Every step forward costs someone dear to them.",
    "A lie told long ago is about to catch up with them.",
    "The truth is closer to home than anyone imagined.",
    "Their family would rather they gave up.",
    "An unexpected friendship turns everything around.",
    "A missing letter threatens to undo it all.",
    "The whole town is watching, and waiting for them to fail.",
    "The only witness has vanished.",
    "What begins as a favour spirals out of control.",
)

TEMPLATES = (
    "{Protagonist} {premise} {setting}. {complication} {mood}",
    "{Setting}, {protagonist} {premise}. {complication} {mood}",
    "{Protagonist} {premise}. Set {setting}. {mood} {complication}",
    "When everything falls apart {setting}, {protagonist} {premise}. {complication}",
    "{Protagonist} {premise} {setting}. {mood}",
    "{Setting}: {protagonist} {premise}, and {second}. {complication}",
)

TITLE_ADJECTIVES = (
    "Silent", "Crimson", "Last", "Hidden", "Broken", "Golden", "Midnight", "Distant", "Burning", "Frozen",
    "Lonely", "Wild", "Secret", "Endless", "Bitter", "Electric", "Forgotten", "Hollow", "Quiet", "Savage",
    "Velvet", "Northern", "Shattered", "Restless", "Paper", "Iron", "Glass", "Lucky", "Little", "Dark",
)
TITLE_NOUNS = (
    "Harbour", "Kingdom", "Summer", "River", "Promise", "Garden", "Frontier", "Letter", "Winter", "Station",
    "Orchard", "Mirror", "Voyage", "Island", "Crown", "Engine", "Echo", "Signal", "Bridge", "Lantern",
    "Storm", "Horizon", "Citadel", "Carnival", "Canyon", "Tide", "Shadow", "Verdict", "Ballad", "Heist",
    "Empire", "Passage", "Orbit", "Harvest", "Fortune", "Requiem", "Fever", "Outpost", "Rebellion", "Reunion",
)
TITLE_PLACES = (
    "Marseille", "the North", "Avalon", "the Valley", "Lisbon", "the Dunes", "Kestrel Bay", "the Old Town",
    "Saturn", "the Delta", "Brightwater", "the Fjord", "Monterey", "the Steppe", "Oldham", "the Reef",
)
FIRST_NAMES = (
    "Ada", "Amara", "Anton", "Aiko", "Bea", "Bruno", "Camille", "Chidi", "Dara", "Diego", "Elif", "Emil",
    "Farah", "Felix", "Greta", "Hamid", "Hana", "Ines", "Ivan", "Jada", "Jonas", "Kai", "Kenji", "Lena",
    "Leon", "Lucia", "Malik", "Mara", "Mateo", "Mei", "Nadia", "Nico", "Noor", "Olga", "Omar", "Paula",
    "Pavel", "Priya", "Quinn", "Rafael", "Rosa", "Rui", "Saoirse", "Sami", "Sofia", "Tariq", "Thea", "Tomas",
    "Uma", "Valentin", "Vera", "Wanjiru", "Xavier", "Yara", "Yusuf", "Zane", "Zofia", "Marcus", "Elena", "Owen",
)
LAST_NAMES = (
    "Abbott", "Achterberg", "Adeyemi", "Alvarez", "Andersson", "Barros", "Becker", "Bianchi", "Blackwood",
    "Brennan", "Castillo", "Chen", "Costa", "Dubois", "Duarte", "Eriksen", "Farouk", "Fischer", "Fontaine",
    "Galloway", "Garcia", "Haddad", "Hartmann", "Hayashi", "Holm", "Ibrahim", "Ivanova", "Jansen", "Kaur",
    "Kowalski", "Kruger", "Laurent", "Lindqvist", "Lopez", "MacLeod", "Mancini", "Marsh", "Moreau", "Murphy",
    "Nakamura", "Novak", "Nwosu", "Okafor", "Oliveira", "Olsen", "Park", "Petrov", "Quintero", "Ramos",
    "Reyes", "Richter", "Rossi", "Sato", "Schmidt", "Silva", "Sorensen", "Tanaka", "Thorne", "Torres",
    "Ueda", "Vance", "Varga", "Vogel", "Walsh", "Weber", "Whitlock", "Yilmaz", "Young", "Zhang", "Zielinski",
)
LANGUAGES = (("en", 0.62), ("fr", 0.08), ("de", 0.07), ("es", 0.07), ("ja", 0.05), ("ko", 0.04), ("it", 0.04),
             ("hi", 0.03))
CHARACTER_ROLES = ("the detective", "the stranger", "the mother", "the captain", "the rival", "the witness",
                   "the mentor", "the thief", "the doctor", "the mayor", "the kid", "the pilot")
QUALITY_TIERS = (
    (Quality.SD,),
    (Quality.SD, Quality.HD),
    (Quality.HD, Quality.FHD),
    (Quality.HD, Quality.FHD, Quality.UHD),
    (Quality.FHD, Quality.UHD, Quality.HDR),
    (Quality.FHD, Quality.UHD, Quality.HDR, Quality.DOLBY_VISION),
)
AUDIO_TIERS = (
    (AudioFormat.STEREO,),
    (AudioFormat.STEREO, AudioFormat.SURROUND_5_1),
    (AudioFormat.STEREO, AudioFormat.SURROUND_5_1, AudioFormat.DOLBY_ATMOS),
)

USER_QUERY_TEMPLATES = (
    "something {mood} to watch tonight",
    "a {mood} {genre} film",
    "{genre} set {setting}",
    "a movie where {protagonist} {premise}",
    "{mood} {genre} about {protagonist}",
    "{genre} like the ones where {protagonist} {premise}",
)


# --- small helpers -----------------------------------------------------------------------------------------------


def rng_for(seed: int, stream: str, number: int) -> random.Random:
    """The random stream of one record: the same (seed, stream, number) always gives the same draws."""
    return random.Random(f"{seed}/{stream}/{number}")


def _mix(seed: int, number: int) -> int:
    """A 64-bit hash of (seed, number) (splitmix64): cheap, stateless, used for names looked up by number."""
    z = (seed * 0x9E3779B97F4A7C15 + number + 1) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return z ^ (z >> 31)


def weighted(rng: random.Random, items: Sequence[T], weights: Sequence[float]) -> T:
    return rng.choices(items, weights)[0]


def zipf_rank(rng: random.Random, size: int, offset: int = _ZIPF_OFFSET) -> int:
    """A rank in [0, size) with P(r) ~ 1 / (r + offset), by inverting the continuous law's distribution."""
    span = (size + offset) / offset
    return min(size - 1, int(offset * span ** rng.random() - offset))


def batched(items: Iterator[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def content_id(number: int) -> str:
    return f"t{number:07d}"


def person_id(number: int) -> str:
    return f"p{number:07d}"


def person_name(seed: int, number: int) -> str:
    h = _mix(seed, number)
    first = FIRST_NAMES[h % len(FIRST_NAMES)]
    middle = chr(ord("A") + (h >> 16) % 26)
    last = LAST_NAMES[(h >> 32) % len(LAST_NAMES)]
    return f"{first} {middle}. {last}"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- taxonomy ----------------------------------------------------------------------------------------------------


def platforms() -> list[PlatformIn]:
    return [PlatformIn(id=p.id, name=p.name, homepage=p.homepage) for p in PLATFORMS]


def regions() -> list[RegionIn]:
    return [RegionIn(id=r.id, name=r.name) for r in REGIONS]


def genres() -> list[TaxonomyIn]:
    return [TaxonomyIn(id=genre_id, name=spec[0]) for genre_id, spec in GENRES.items()]


def moods() -> list[TaxonomyIn]:
    return [TaxonomyIn(id=mood_id, name=spec[0]) for mood_id, spec in MOODS.items()]


# --- people ------------------------------------------------------------------------------------------------------


def person(seed: int, number: int) -> PersonIn:
    h = _mix(seed + 1, number)
    return PersonIn(id=person_id(number), name=person_name(seed, number), birth_year=1930 + h % 76)


def pick_person(rng: random.Random, people: int) -> int:
    """Half uniform (everyone gets credits), half shifted Zipf (a few people get very many)."""
    if rng.random() < _ZIPF_SHARE:
        return zipf_rank(rng, people)
    return rng.randrange(people)


# --- titles ------------------------------------------------------------------------------------------------------


def title_name(rng: random.Random) -> str:
    adjective, noun = rng.choice(TITLE_ADJECTIVES), rng.choice(TITLE_NOUNS)
    pattern = rng.randrange(6)
    if pattern == 0:
        return f"The {adjective} {noun}"
    if pattern == 1:
        return f"{noun} of {rng.choice(TITLE_PLACES)}"
    if pattern == 2:
        return f"{adjective} {noun}"
    if pattern == 3:
        return f"{rng.choice(FIRST_NAMES)}'s {noun}"
    if pattern == 4:
        return f"The {noun} at {rng.choice(TITLE_PLACES)}"
    return f"{adjective} {noun} {rng.choice(('II', 'III', 'Returns', 'Rising', 'Forever'))}"


_GENRE_IDS = tuple(GENRES)
_GENRE_WEIGHTS = tuple(spec[1] for spec in GENRES.values())


def pick_genres(rng: random.Random) -> list[str]:
    count = rng.choice((1, 2, 2, 2, 3))
    chosen: list[str] = []
    while len(chosen) < count:
        genre_id = weighted(rng, _GENRE_IDS, _GENRE_WEIGHTS)
        if genre_id not in chosen:
            chosen.append(genre_id)
    return chosen


def pick_moods(rng: random.Random, genre_ids: Sequence[str]) -> list[str]:
    count = rng.choice((0, 1, 1, 2))
    suited = GENRES[genre_ids[0]][3]
    chosen: list[str] = []
    while len(chosen) < count:
        mood_id = rng.choice(suited) if rng.random() < 0.8 else rng.choice(tuple(MOODS))
        if mood_id not in chosen:
            chosen.append(mood_id)
    return chosen


def synopsis(rng: random.Random, genre_ids: Sequence[str], mood_ids: Sequence[str]) -> str:
    premises = GENRES[genre_ids[0]][2]
    extra = GENRES[genre_ids[-1]][2]
    mood_id = mood_ids[0] if mood_ids else rng.choice(GENRES[genre_ids[0]][3])
    protagonist, setting = rng.choice(PROTAGONISTS), rng.choice(SETTINGS)
    text = rng.choice(TEMPLATES).format(
        Protagonist=_capitalised(protagonist),
        protagonist=protagonist,
        premise=rng.choice(premises),
        second=rng.choice(extra),
        Setting=_capitalised(setting),
        setting=setting,
        complication=rng.choice(COMPLICATIONS),
        mood=rng.choice(MOODS[mood_id][1]),
    )
    return text.replace("  ", " ").strip()


def credits(rng: random.Random, people: int, seed: int) -> list[Credit]:
    roles = [Role.DIRECTOR] + [Role.ACTOR] * rng.choice((1, 2, 2, 3)) + ([Role.WRITER] if rng.random() < 0.2 else [])
    used: set[int] = set()
    result: list[Credit] = []
    for order, role in enumerate(roles):
        number = pick_person(rng, people)
        for _ in range(8):  # a few re-draws keep one person to one credit per title
            if number not in used:
                break
            number = pick_person(rng, people)
        if number in used:
            continue
        used.add(number)
        character = f"{rng.choice(FIRST_NAMES)}, {rng.choice(CHARACTER_ROLES)}" if role is Role.ACTOR else None
        result.append(Credit(person_id=person_id(number), name=person_name(seed, number), role=role,
                             character=character, order=order))
    return result


def year(rng: random.Random) -> int:
    return max(1920, 2025 - int(rng.expovariate(1 / 14)))


def title(spec: CatalogSpec, number: int) -> ContentIn:
    rng = rng_for(spec.seed, "title", number)
    kind = ContentKind.SHOW if rng.random() < 0.12 else ContentKind.MOVIE
    genre_ids = pick_genres(rng)
    mood_ids = pick_moods(rng, genre_ids)
    runtime = (rng.randint(22, 60) if kind is ContentKind.SHOW
               else min(210, max(70, int(rng.normalvariate(104, 18)))))
    languages, weights = zip(*LANGUAGES, strict=True)
    return ContentIn(
        id=content_id(number),
        kind=kind,
        title=title_name(rng),
        year=year(rng),
        runtime_minutes=runtime,
        synopsis=synopsis(rng, genre_ids, mood_ids),
        language=weighted(rng, languages, weights),
        popularity=round(math.exp(rng.gauss(1.5, 1.0)), 3),
        genres=genre_ids,
        moods=mood_ids,
        credits=credits(rng, spec.people, spec.seed),
    )


# --- availability ------------------------------------------------------------------------------------------------


def price(rng: random.Random, region: Region, model: PricingModel) -> float | None:
    if model is not PricingModel.TVOD:
        return None
    factor = rng.choice((0.5, 0.67, 1.0, 1.0, 2.5))  # older rentals, standard rentals, purchases
    return round(math.ceil(region.rent * factor) - 0.01, 2)


_REGION_WEIGHTS = tuple(r.weight for r in REGIONS)
_OFFERED = {
    r.id: (tuple(p for p in PLATFORMS if r.id in p.regions), tuple(p.weight for p in PLATFORMS if r.id in p.regions))
    for r in REGIONS
}


def window(spec: CatalogSpec, rng: random.Random, number: int, slot: int, platform: Platform, region: Region,
           model: PricingModel) -> WindowIn:
    title_id = content_id(number)
    start = spec.as_of_ms - rng.randrange(5 * 365) * DAY_MS
    until = None if rng.random() < 0.4 else start + rng.randint(30, 3 * 365) * DAY_MS
    cost = price(rng, region, model)
    return WindowIn(
        id=f"{title_id}:w{slot}",
        content_id=title_id,
        platform_id=platform.id,
        region_id=region.id,
        pricing_model=model,
        price=cost,
        currency=region.currency if cost is not None else None,
        quality=list(rng.choice(QUALITY_TIERS)),
        audio=list(rng.choice(AUDIO_TIERS)),
        download=model in (PricingModel.SVOD, PricingModel.TVOD) and rng.random() < 0.5,
        exclusive=model is PricingModel.SVOD and rng.random() < 0.1,
        deep_link=f"https://watch.{platform.id}.example/{region.id.lower()}/title/{title_id}",
        available_from=start,
        available_until=until,
        trust_score=round(0.55 + 0.45 * rng.betavariate(4, 2), 3),
        verification_source=VerificationSource.DEMO,
        verified_at=spec.as_of_ms - rng.randrange(45 * DAY_MS),
        demo=True,
    )


def windows_of(spec: CatalogSpec, number: int) -> list[WindowIn]:
    rng = rng_for(spec.seed, "windows", number)
    wanted = rng.choice((1, 2, 3, 3, 4, 5))
    taken: set[tuple[str, str, PricingModel]] = set()
    result: list[WindowIn] = []
    for _ in range(wanted * 4):  # bounded retries when a draw repeats a (platform, region, model)
        if len(result) == wanted:
            break
        region = weighted(rng, REGIONS, _REGION_WEIGHTS)
        platform = weighted(rng, *_OFFERED[region.id])
        model = rng.choice(platform.models)
        if (platform.id, region.id, model) in taken:
            continue
        taken.add((platform.id, region.id, model))
        result.append(window(spec, rng, number, len(result), platform, region, model))
    return result


# --- the catalog as streams of batches ---------------------------------------------------------------------------


class Catalog:
    """The catalog of one spec, as batches in the order a loader needs them."""

    def __init__(self, spec: CatalogSpec) -> None:
        self.spec = spec

    def platforms(self) -> list[PlatformIn]:
        return platforms()

    def regions(self) -> list[RegionIn]:
        return regions()

    def genres(self) -> list[TaxonomyIn]:
        return genres()

    def moods(self) -> list[TaxonomyIn]:
        return moods()

    def people(self) -> Iterator[list[PersonIn]]:
        return batched((person(self.spec.seed, n) for n in range(self.spec.people)), self.spec.batch_size)

    def titles(self, start: int = 0, stop: int | None = None) -> Iterator[list[ContentIn]]:
        """Titles numbered [start, stop) in batches; numbers past the catalog make titles that are never loaded
        (held-out text for queries)."""
        end = self.spec.titles if stop is None else stop
        return batched((title(self.spec, n) for n in range(start, end)), self.spec.batch_size)

    def windows(self) -> Iterator[list[WindowIn]]:
        """Every title's windows, in batches of about `batch_size` windows (whole titles per batch)."""
        batch: list[WindowIn] = []
        for number in range(self.spec.titles):
            batch.extend(windows_of(self.spec, number))
            if len(batch) >= self.spec.batch_size:
                yield batch
                batch = []
        if batch:
            yield batch


def user_queries(seed: int, count: int) -> list[str]:
    """Short search phrases such as a viewer would type, built from the catalog's own vocabulary."""
    result = []
    for number in range(count):
        rng = rng_for(seed, "user-query", number)
        genre_id = weighted(rng, _GENRE_IDS, _GENRE_WEIGHTS)
        name, _, premises, suited = GENRES[genre_id]
        result.append(rng.choice(USER_QUERY_TEMPLATES).format(
            mood=MOODS[rng.choice(suited)][0].lower(),
            genre=name.lower(),
            setting=rng.choice(SETTINGS),
            protagonist=rng.choice(PROTAGONISTS),
            premise=rng.choice(premises),
        ))
    return result
