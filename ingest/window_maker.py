"""A first load's offers made into windows, ready for the bulk import, by a process of their own.

Three quarters of a catalog feed's lines are offers, and the windows they become wait only for one thing from the
titles: which canonical title each offer's title resolved to. So while this process reads the titles and resolves
them, a second one (`spawn`ed: a worker of RQ may have threads, which `fork` does not carry over safely) reads the
offers, checks each one as a window and encodes its properties for `GRAPH.BULK` (`graph/bulk_format.py`). Once the
titles are resolved it is sent their ids (`TitleIds`), and it sends back the windows encoded
(`graph.catalog_import.EncodedWindows`) with the offers that could not be written. The import takes those rows as
they are.

The two processes read the same file, each keeping the lines the connector's `offer_lines` gives it. That test
reads bytes, not JSON: a line it takes for an offer that turns out to be something else is parsed by the offer
process all the same, and sent back with what it found (`OffersRead.others`). A format whose offers share lines
with titles (the aggregator's) has no such test, and a compressed feed is read once: there the offers are read with
the rest and made into windows here, by the same functions (`WindowsMadeHere`).

What the windows are is what the chunked path makes of the same offers (`pipeline.windows_of`): the same reasons
for refusing an offer, and a window given twice written once, the last one read.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from mediagateway.graph.bulk_format import encode_rows, encode_value
from mediagateway.graph.catalog_import import EncodedWindows
from mediagateway.graph.repository import ids_named_once
from mediagateway.ingest.pipeline import NO_TITLE_FOR_OFFER, initial_trust, rejected_record, window_for
from mediagateway.ingest.records import Connector, ParsedItem, Rejected, SourceOffer
from mediagateway.ingest.resolve import Resolution

_UNKNOWN_TITLE = "?"  # the title id an offer's refused window is made with, to learn why it is refused
_LAST_PROCESS_WAIT_S = 10


@dataclass(frozen=True)
class TitleIds:
    """Which canonical title an offer's title resolved to, and the windows' write stamp (the server's clock)."""

    by_record: dict[str, str]  # `source:native_id` of a source title -> canonical title id
    by_external: dict[tuple[str, str], str]  # ("imdb" or "tmdb", id) naming exactly one title -> its id
    written_at: int

    @classmethod
    def of(cls, resolution: Resolution, written_at: int) -> TitleIds:
        by_external = ids_named_once(
            ((scheme, str(value)), content.id) for content in resolution.contents
            for scheme, value in (("imdb", content.imdb_id), ("tmdb", content.tmdb_id)) if value
        )
        return cls(dict(resolution.title_ids), by_external, written_at)

    def title_of(self, offer: SourceOffer) -> str | None:
        """By the feed's own title id, else by an IMDb or TMDb id that names exactly one of the feed's titles (as
        the chunked path finds them in the graph)."""
        if offer.title_native_id is not None and (
                content_id := self.by_record.get(f"{offer.source}:{offer.title_native_id}")):
            return content_id
        for scheme, value in (("imdb", offer.title_imdb_id), ("tmdb", offer.title_tmdb_id)):
            if value and (content_id := self.by_external.get((scheme, str(value)))):
                return content_id
        return None


@dataclass
class OffersRead:
    """What reading the offers found: how many, the platforms and regions they name, and the items of lines that
    were not offers after all (records of other kinds, lines that could not be read), in the order of the file."""

    offers: int
    platform_ids: set[str]
    region_ids: set[str]
    others: list[ParsedItem] = field(default_factory=list)


@dataclass
class MadeWindows:
    windows: EncodedWindows
    not_written: list[Rejected]  # offers that make no window, with the reason


@dataclass
class CheckedOffers:
    """Offers checked as windows of a title still unknown: for each, the window's properties encoded (but for the
    id, the title id and the write stamp), or why it makes none."""

    offers: list[SourceOffer]
    rows: list[bytes | None]
    refusals: list[str | None]
    keys: tuple[str, ...]

    @classmethod
    def of(cls, offers: list[SourceOffer]) -> CheckedOffers:
        props: list[dict[str, Any]] = []
        refusals: list[str | None] = []
        for offer in offers:  # the terms were checked as the offer was read: not again as a `WindowIn` (half the work)
            if offer.inconsistency() is None:
                props.append(offer.window_props(initial_trust(offer)))
                refusals.append(None)
            else:
                refusals.append(_refusal(offer))
        keys, encoded = encode_rows(props)
        made = iter(encoded)
        rows = [None if refusal else next(made) for refusal in refusals]
        return cls(offers, rows, refusals, tuple(keys))

    def made(self, ids: TitleIds) -> MadeWindows:
        """The windows of the offers whose title is known, a window given twice once (the last one read, where
        the first was), and the offers that make none."""
        not_written: list[Rejected] = []
        chosen: dict[str, tuple[bytes, str, SourceOffer]] = {}  # window id -> (row, title id, offer)
        for offer, row, refusal in zip(self.offers, self.rows, self.refusals, strict=True):
            content_id = ids.title_of(offer)
            if content_id is None:
                not_written.append(rejected_record(offer, NO_TITLE_FOR_OFFER))
            elif row is None:
                not_written.append(rejected_record(offer, refusal or ""))
            else:
                chosen[offer.window_id_for(content_id)] = (row, content_id, offer)
        stamp = encode_value(ids.written_at)
        encoded = EncodedWindows(
            keys=("id", "content_id", *self.keys, "written_at"),
            rows=[encode_value(window_id) + encode_value(content_id) + row + stamp
                  for window_id, (row, content_id, _) in chosen.items()],
            content_ids=[content_id for _, content_id, _ in chosen.values()],
            platform_ids=[offer.platform_id for _, _, offer in chosen.values()],
            region_ids=[offer.region_id for _, _, offer in chosen.values()],
        )
        return MadeWindows(encoded, not_written)


class WindowMaker(Protocol):
    """Takes a first load's offers as the feed is read, and makes them windows once their titles are resolved;
    used as a context manager, for what it starts."""

    def __enter__(self) -> WindowMaker: ...

    def __exit__(self, *_: object) -> None: ...

    def items(self) -> Iterator[ParsedItem]:
        """The feed's items but its offers, in the order of the file."""
        ...

    def offers_read(self) -> OffersRead:
        """Once `items` is read through: what reading the offers found."""
        ...

    def send(self, ids: TitleIds) -> None: ...

    def made(self) -> MadeWindows:
        """After `send`: the windows, and the offers that make none."""
        ...


class WindowsMadeHere:
    """Offers read with the rest of the feed and made windows in this process."""

    def __init__(self, connector: Connector, path: Path) -> None:
        self.connector, self.path = connector, path
        self._offers: list[SourceOffer] = []
        self._ids: TitleIds | None = None
        self._made: MadeWindows | None = None

    def __enter__(self) -> WindowsMadeHere:
        return self

    def __exit__(self, *_: object) -> None:
        self._offers = []

    def items(self) -> Iterator[ParsedItem]:
        for item in self.connector.read(self.path):
            if isinstance(item, SourceOffer):
                self._offers.append(item)
            else:
                yield item

    def offers_read(self) -> OffersRead:
        return _offers_read(self._offers)

    def send(self, ids: TitleIds) -> None:
        self._ids = ids

    def made(self) -> MadeWindows:
        if self._made is None:
            assert self._ids is not None, "made() before send()"
            self._made = CheckedOffers.of(self._offers).made(self._ids)
            self._offers = []
        return self._made


class WindowsMadeApart:
    """Offers read and made windows by a process of their own (a context manager: it starts and ends it)."""

    def __init__(self, connector: Connector, path: Path) -> None:
        assert connector.offer_lines is not None, f"{connector.name} tells no offer lines apart"
        self.connector, self.path = connector, path
        self._strays: list[SourceOffer] = []  # offers among the lines this process read
        self._read: OffersRead | None = None
        self._made: MadeWindows | None = None
        context = multiprocessing.get_context("spawn")
        self._connection, theirs = context.Pipe()
        self._process = context.Process(target=make_windows, args=(theirs, connector, path), daemon=True,
                                        name="window-maker")
        self._theirs = theirs

    def __enter__(self) -> WindowsMadeApart:
        self._process.start()
        self._theirs.close()
        return self

    def __exit__(self, *_: object) -> None:
        self._connection.close()  # a maker still waiting for title ids ends when its connection does
        self._process.join(_LAST_PROCESS_WAIT_S)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def items(self) -> Iterator[ParsedItem]:
        offer_lines = self.connector.offer_lines
        assert offer_lines is not None
        for item in self.connector.read(self.path, keep=lambda raw: not offer_lines(raw)):
            if isinstance(item, SourceOffer):
                self._strays.append(item)
            else:
                yield item

    def offers_read(self) -> OffersRead:
        if self._read is None:
            read: OffersRead = self._receive()
            strays = _offers_read(self._strays)
            read.offers += strays.offers
            read.platform_ids |= strays.platform_ids
            read.region_ids |= strays.region_ids
            self._read = read
        return self._read

    def send(self, ids: TitleIds) -> None:
        self._connection.send((ids, self._strays))

    def made(self) -> MadeWindows:
        if self._made is None:
            self._made = self._receive()
        return self._made

    def _receive(self) -> Any:
        try:
            message = self._connection.recv()
        except EOFError:
            raise RuntimeError(f"the window-making process ended early (exit code {self._process.exitcode})") from None
        if isinstance(message, _Failure):
            raise RuntimeError(f"making the windows failed in their process:\n{message.trace}")
        return message


@dataclass(frozen=True)
class _Failure:
    trace: str


def make_windows(connection: Connection, connector: Connector, path: Path) -> None:
    """What the window-making process does: read the offers, check them, wait for the title ids, send the windows.
    The cyclic collector is off: it makes only acyclic records, hundreds of thousands of them."""
    gc.disable()
    try:
        offers: list[SourceOffer] = []
        others: list[ParsedItem] = []
        for item in connector.read(path, keep=connector.offer_lines):
            (offers if isinstance(item, SourceOffer) else others).append(item)
        read = _offers_read(offers)
        read.others = others
        connection.send(read)
        checked = CheckedOffers.of(offers)
        ids, strays = connection.recv()
        if strays:  # offers the other process read: few, if any (see `is_offer_line`)
            checked = CheckedOffers.of(sorted(offers + strays, key=lambda offer: offer.line))
        connection.send(checked.made(ids))
    except (EOFError, BrokenPipeError):  # the loading process is gone, or no longer listening
        return
    except BaseException:
        with contextlib.suppress(OSError):
            connection.send(_Failure(traceback.format_exc()))
    finally:
        connection.close()


def _refusal(offer: SourceOffer) -> str:
    """Why the window of `offer` is refused, in the words of the chunked path."""
    try:
        window_for(offer, _UNKNOWN_TITLE)
    except ValueError as exc:
        return str(exc)
    raise AssertionError(f"terms found inconsistent were accepted: {offer.inconsistency()}")


def _offers_read(offers: Sequence[SourceOffer]) -> OffersRead:
    return OffersRead(len(offers), {o.platform_id for o in offers}, {o.region_id for o in offers})


def window_maker(connector: Connector, path: Path) -> WindowMaker:
    """A process of their own for the offers where the format tells offer lines apart; else this one, which reads
    a compressed feed alone too: two processes would each decompress all of it."""
    if connector.offer_lines is not None and path.is_file() and path.suffix != ".gz":
        return WindowsMadeApart(connector, path)
    return WindowsMadeHere(connector, path)
