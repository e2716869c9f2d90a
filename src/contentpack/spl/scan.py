"""The fast path from a JSON-lines file to events: test raw bytes first, decode only the needed paths.

Splunk's own trick: a literal search term (``65004``) must occur in ``_raw``, so lines without it are
skipped before any JSON decoding. Lines that pass are decoded with orjson and only the JSON paths the search
needs (computed by the planner from every command's ``requires``) are flattened.

Why floats are special: a field's value must be the number *as written*, and orjson's float parsing is not
always correctly rounded (``20.756160123483984`` comes back as ``...983``). When a needed value is a float,
the line is decoded again with the standard library keeping number text exactly; when every field is needed
the standard library is used from the start.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import BinaryIO, cast

import orjson

from contentpack.spl.events import (
    HEAD_READ,
    LINE_TOO_LONG,
    MAX_LINE_BYTES,
    NOT_AN_OBJECT,
    BadLines,
    ReadTally,
    capped_lines,
    cut_fields,
    decode_json,
    error_column,
    event_time,
    flatten_json,
    json_lines_head,
    json_scalar_text,
    nests_deeper_than,
    open_events,
    skip_line,
    too_long,
    unended_reason,
    unreadable,
    utf8_problem,
)
from contentpack.spl.values import Event, Scalar, Value, utf8


# a reader of a file format the scan does not take apart itself: the file's events with the needed fields (None:
# every field) and their own metadata, given as they are read, the events it cut counted in the tally given
# (``events.cut_fields``); a file it cannot use is an ``SplEventsError``
EventsReader = Callable[[frozenset[str] | None, ReadTally], Iterable[Event]]


@dataclass(frozen=True)
class FileSource:
    """A registered events file and the metadata its events carry; with a ``reader`` (a Splunk export, Event Hub
    messages: ``search --events``), the file is read by it, and each event carries its own metadata."""

    path: str
    sourcetype: str
    source: str
    host: str = ""
    index: str = "main"
    time_field: str = "time"
    reader: EventsReader | None = None


class InexactNumber(Exception):
    """A needed value is a float whose written text the fast decoder may not reproduce."""


class OffPlan(Exception):
    """An object on a needed path has a key that gives a needed name without being one step of the walk."""


def _compound_keys(rest: str, root: bool) -> frozenset[str]:
    """The keys that, in an object where ``rest`` remains of a needed name, give that name without being one
    step of the walk: each start of ``rest`` that ends where a key's text can end (before ``.`` or ``{``, or
    at the end) and holds ``.``, ``{`` or ``}`` (``{"a.b": 1}`` is ``a.b`` as ``{"a": {"b": 1}}`` is); at the
    top, also the empty key, which adds no text (``{"": {"b": 1}}`` is ``b``).

    Why look these few keys up rather than at every key of the object: a sign-in's top object and its
    ``properties`` hold dozens of keys, and reading all of them for every event costs what the walk saves."""
    ends = [index for index, char in enumerate(rest) if char in ".{"] + [len(rest)]
    found = {rest[:end] for end in ends if any(char in rest[:end] for char in ".{}")}
    return frozenset(found | {""} if root else found)


PathTrie = tuple[dict[str, "PathTrie"], "str | None", frozenset[str]]


def path_trie(needed: frozenset[str]) -> PathTrie:
    """The needed field names as a trie of JSON steps: ``a{}.b`` → ``a`` → ``{}`` → ``b`` (leaf ``a{}.b``).

    Why a trie: walking only the needed paths touches a handful of keys per event instead of the ~200 keys
    of a sign-in record. A JSON key that itself contains ``.`` cannot be told apart from nesting this way:
    each node keeps the keys that would give one of its names so (:func:`_compound_keys`), and the walk
    stops at one (:class:`OffPlan`); the event is then flattened whole.
    """
    root: dict[str, object] = {"\0compound": set()}
    for name in sorted(needed):
        steps: list[str] = []
        for part in name.split("."):
            base = part
            arrays = 0
            while base.endswith("{}"):
                base, arrays = base[:-2], arrays + 1
            if "{" in base or "}" in base:
                steps = []
                break
            if base:
                steps.append(base)
            elif steps or arrays == 0:  # an empty key's step ("a.", "a..b"; only a top array is "{}")
                steps = []
                break
            steps.extend(["{}"] * arrays)
        if not steps:
            continue
        node = root
        consumed = ""  # the name's text the steps so far stand for
        for step in steps:
            rest = name[len(consumed):].removeprefix(".") if consumed else name
            cast("set[str]", node["\0compound"]).update(_compound_keys(rest, root=not consumed))
            consumed += "{}" if step == "{}" else f".{step}" if consumed else step
            node = node.setdefault(step, {"\0compound": set()})  # type: ignore[assignment]
        node["\0leaf"] = name
    return _freeze(root)


def _freeze(node: dict[str, object]) -> PathTrie:
    leaf = cast("str | None", node.pop("\0leaf", None))
    compound = frozenset(cast("set[str]", node.pop("\0compound")))
    return {key: _freeze(cast("dict[str, object]", child)) for key, child in node.items()}, leaf, compound


def _extract(value: object, node: PathTrie, out: dict[str, list[Scalar]], exact_floats: bool) -> None:
    children, leaf, compound = node
    if isinstance(value, dict):
        if not value.keys().isdisjoint(compound):
            raise OffPlan(leaf)
        for key, child in children.items():
            if key in value:
                _extract(value[key], child, out, exact_floats)
    elif isinstance(value, list):
        items = children.get("{}")
        if items is not None:
            for item in value:
                _extract(item, items, out, exact_floats)
    elif leaf is not None:
        if exact_floats and isinstance(value, float):
            raise InexactNumber(leaf)
        out.setdefault(leaf, []).append(json_scalar_text(value))


@dataclass(frozen=True)
class PathPlan:
    """How to pull the needed fields out of a decoded event.

    Plain paths (no array step) are read with a chain of ``dict`` lookups — the common case and the cheapest;
    paths through arrays walk the trie so every element contributes to the multivalue in document order.
    """

    plain: tuple[tuple[str, tuple[str, ...]], ...]
    #: per object on a plain path (its keys from the top), the keys there that give a needed name without
    #: being one step of the walk (:func:`_compound_keys`)
    plain_compound: tuple[tuple[tuple[str, ...], frozenset[str]], ...]
    arrays: PathTrie
    #: every needed name
    names: frozenset[str]
    #: False when a needed name is one no walk reaches (``a..b``, ``x{y``): only keys the plan cannot address
    #: give such a name, wherever they are, so every event is flattened whole
    walkable: bool


def path_plan(needed: frozenset[str]) -> PathPlan:
    plain = tuple((name, tuple(name.split("."))) for name in sorted(needed)
                  if "{" not in name and "}" not in name and all(name.split(".")))
    plain_names = {name for name, _ in plain}
    compound: dict[tuple[str, ...], set[str]] = {}
    for _, keys in plain:
        for depth in range(len(keys)):
            compound.setdefault(keys[:depth], set()).update(_compound_keys(".".join(keys[depth:]), depth == 0))
    arrays = path_trie(frozenset(n for n in needed if n not in plain_names))
    return PathPlan(plain, tuple((at, frozenset(keys)) for at, keys in compound.items()), arrays, needed,
                    plain_names | _leaves(arrays) == needed)


def _leaves(node: PathTrie) -> set[str]:
    children, leaf, _ = node
    found = {leaf} if leaf is not None else set()
    for child in children.values():
        found |= _leaves(child)
    return found


_MISSING = object()


def flatten_needed(obj: object, plan: PathPlan, *, exact_floats: bool = False) -> dict[str, Value]:
    """:func:`flatten_json` restricted to the names in ``plan`` (see :func:`path_plan`).

    With ``exact_floats`` a float value raises :class:`InexactNumber` (the caller re-decodes the text). An
    object on a needed path with a key the plan cannot address raises :class:`OffPlan` (the caller flattens
    the event whole).
    """
    flat: dict[str, Value] = {}
    for at, compound in plan.plain_compound:
        node: object = obj
        for key in at:
            node = node.get(key) if type(node) is dict else None
        if type(node) is dict and not node.keys().isdisjoint(compound):
            raise OffPlan(".".join(at))
    for name, keys in plan.plain:
        node = obj
        for key in keys:
            node = node.get(key, _MISSING) if type(node) is dict else _MISSING
            if node is _MISSING:
                break
        if node is _MISSING or isinstance(node, (dict, list)):
            continue
        if exact_floats and isinstance(node, float):
            raise InexactNumber(name)
        flat[name] = json_scalar_text(node)
    if plan.arrays[0]:
        out: dict[str, list[Scalar]] = {}
        _extract(obj, plan.arrays, out, exact_floats)
        for key, values in out.items():
            flat[key] = values[0] if len(values) == 1 else tuple(values)
    return flat


def decode_fields(data: bytes, plan: PathPlan | None) -> dict[str, Value]:
    """The fields of one JSON event: all of them (``plan`` None), else only the plan's paths, decoded fast
    with orjson unless a needed value is a float (then again exactly). Raises ValueError for bad JSON.

    An event with a key the plan cannot address on a needed path is flattened whole and then restricted to
    the needed names: the walk gave ``{"@odata.type": "x"}`` no ``@odata.type`` field, which a search reading
    every field (and Splunk's JSON extraction) has.
    """
    if plan is None:
        return flatten_json(decode_json(data))
    if plan.walkable:
        try:
            return flatten_needed(orjson.loads(data), plan, exact_floats=True)
        except (InexactNumber, OffPlan, orjson.JSONDecodeError):
            pass  # orjson refuses some JSON the standard decoder accepts (NaN, integers past 64 bits, lone
            # surrogates); the standard decoder has the last word, within the depth orjson allows
    document = decode_json(data)
    if nests_deeper_than(document):
        raise ValueError("JSON nested too deeply")
    if plan.walkable:
        try:
            return flatten_needed(document, plan)
        except OffPlan:
            pass
    return {name: value for name, value in flatten_json(document).items() if name in plan.names}


def _line_ranges(path: str, parts: int) -> list[tuple[int, int]]:
    size = os.path.getsize(path)
    if parts <= 1 or size < 1 << 20:
        return [(0, size)]
    step = size // parts
    return [(i * step, size if i == parts - 1 else (i + 1) * step) for i in range(parts)]


BLOCK = 8 << 20


def _range_start(handle: BinaryIO, start: int) -> int:
    """Position of the first line that starts at or after ``start``."""
    if start:
        handle.seek(start - 1)
        if handle.read(1) != b"\n":
            skip_line(handle)
    return handle.tell()


def _all_lines(handle: BinaryIO, start: int, end: int | None) -> Iterator[tuple[int, bytes]]:
    """(byte offset, line) for every line that starts in [start, end), a line too long for an event cut short
    (``events.capped_lines``)."""
    for position, line in capped_lines(handle, _range_start(handle, start)):
        if end is not None and position >= end:
            return
        yield position, line


def _lines_with(handle: BinaryIO, start: int, end: int | None, token: bytes,
                fold: bool) -> Iterator[tuple[int, bytes]]:
    """Only the lines containing ``token``: the file is searched with ``find`` over a memory map, so lines
    without the token cost no Python work at all.

    Why: with a selective search (1% of lines hold ``65004``) the cost becomes reading the bytes, as in
    Splunk, where a term is looked up before any event is parsed. Case-insensitive tokens search a
    lower-cased copy of each block instead.
    """
    first = _range_start(handle, start)
    size = os.fstat(handle.fileno()).st_size
    stop = size if end is None else min(end, size)
    if first >= stop:
        return
    with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
        if not fold:
            yield from _hits(view, view, first, stop, token, size)
            return
        position = first
        while position < stop:
            block_end = min(position + BLOCK, stop)
            newline = view.find(b"\n", block_end - 1) if block_end < size else -1
            block_end = size if newline < 0 else newline + 1
            lowered = view[position:block_end].lower()
            for offset, line in _hits(lowered, lowered, 0, len(lowered), token, len(lowered)):
                yield position + offset, view[position + offset:position + offset + len(line)]
            position = block_end


def _hits(haystack: bytes | mmap.mmap, text: bytes | mmap.mmap, first: int, stop: int, token: bytes,
          size: int) -> Iterator[tuple[int, bytes]]:
    """Lines of ``text`` starting in [first, stop) whose bytes contain ``token`` (searched in ``haystack``)."""
    search_from = first
    while True:
        hit = haystack.find(token, search_from, size)
        if hit < 0:
            return
        line_start = text.rfind(b"\n", 0, hit) + 1
        if line_start >= stop:
            return
        line_end = text.find(b"\n", hit)
        line_end = size if line_end < 0 else line_end + 1
        if line_start >= first:  # a line too long for an event is cut short, as capped_lines cuts it
            yield line_start, text[line_start:min(line_end, line_start + MAX_LINE_BYTES + 2)]
        search_from = line_end


def line_number(path: str, offset: int) -> int:
    """The 1-based line number of the byte at ``offset`` (only computed for error messages)."""
    count = 0
    with open(path, "rb") as handle:
        remaining = offset
        while remaining > 0:
            chunk = handle.read(min(BLOCK, remaining))
            if not chunk:
                break
            count += chunk.count(b"\n")
            remaining -= len(chunk)
    return count + 1


def scan_file(
    source: FileSource,
    *,
    needed: frozenset[str] | None,
    tokens: tuple[str, ...] = (),
    start: int = 0,
    end: int | None = None,
    untimed: list[ReadTally] | None = None,
) -> Iterator[Event]:
    """Events of the lines that start within [start, end) and contain every token (case-insensitively).

    ``needed`` None flattens every field. ``_raw`` is decoded only when needed. Plain-text lines become
    events with only ``_raw`` and metadata. Lines are read as :func:`contentpack.spl.events.event_lines`
    reads them (a leading byte-order mark skipped, any JSON the standard decoder accepts accepted); malformed
    JSON lines raise :class:`SplEventsError` with their line numbers in the whole file, after the range is read.
    Events without a time get the file's modification time; an :class:`ReadTally` appended to ``untimed`` (when
    given) counts them as the lines are read. A source with a ``reader`` gives all its reader's events (the tokens
    and range are left to the search: every row is read, so each bad one is reported wherever it is).
    """
    byte_tokens = sorted((utf8(t.lower()) for t in tokens), key=len, reverse=True)
    fold = any(any(c.isalpha() for c in t) for t in tokens)
    plan = path_plan(needed) if needed is not None else path_plan(frozenset())
    want_raw = needed is None or "_raw" in needed
    wanted = None if needed is None else plan

    def extract(data: bytes) -> dict[str, Value]:  # the fields of a long event's cut (``cut_fields``)
        return decode_fields(data, wanted)

    fallback = os.path.getmtime(source.path)
    tally = ReadTally(source.path, fallback)  # the events without a time that got it (see ``ReadTally``)
    if untimed is not None:
        untimed.append(tally)
    if source.reader is not None:  # every event timed by the reader (an untimed row is its bad line): cuts only
        yield from source.reader(needed, tally)
        return
    meta: dict[str, Value] = {"source": source.source, "sourcetype": source.sourcetype, "host": source.host,
                              "index": source.index}
    try:
        handle = open_events(source.path)
    except OSError as exc:
        raise unreadable(source.path, exc) from None
    bad = BadLines(source.path)
    with handle:
        json_lines = json_lines_head(handle.read(HEAD_READ))  # the file's head, whatever range is scanned
        handle.seek(0)
        if byte_tokens:
            lines = _lines_with(handle, start, end, byte_tokens[0], fold)
        else:
            lines = _all_lines(handle, start, end)
        others = byte_tokens[1:]
        for offset, line in lines:
            if too_long(line):  # as event_lines reads it: a bad line
                bad.add(line_number(source.path, offset), LINE_TOO_LONG)
                continue
            if offset == 0 and line.startswith(_BOM):
                line = line[len(_BOM):]
            stripped = line.strip()
            if not stripped:
                continue
            if others:
                haystack = stripped.lower() if fold else stripped
                if not all(t in haystack for t in others):
                    continue
            fields: dict[str, Value] | None = None
            if stripped[:1] == b"{":
                try:
                    flat = decode_fields(stripped, wanted)
                    fields = cut_fields(stripped, flat, extract, tally)
                except (ValueError, RecursionError) as exc:
                    reason = utf8_problem(line) or unended_reason(
                        "JSON nested too deeply" if isinstance(exc, RecursionError) else str(exc),
                        not line.endswith(b"\n"))
                    bad.add(line_number(source.path, offset), reason, error_column(exc, line))
                    continue
            elif json_lines:  # no JSON object in a file of them: a bad line, as event_lines and backtest judge it
                bad.add(line_number(source.path, offset), NOT_AN_OBJECT, own_words=True)
                continue
            else:  # a plain-text line: refused when not UTF-8, as event_lines refuses it (not made U+FFFD)
                not_text = utf8_problem(line)
                if not_text is not None:
                    bad.add(line_number(source.path, offset), not_text)
                    continue
                flat = {}
            event: Event = flat if fields is None else fields
            if want_raw:
                event["_raw"] = stripped.decode("utf-8", errors="replace")
            moment = event_time(flat, source.time_field)
            if moment is None:
                moment = fallback
                tally.add(flat, source.time_field)
            event["_time"] = moment
            event.update(meta)
            yield event
    problem = bad.error()
    if problem is not None:
        raise problem


_BOM = b"\xef\xbb\xbf"


def byte_ranges(path: str, parts: int) -> list[tuple[int, int]]:
    """Split a file into ``parts`` byte ranges (a line belongs to the range it starts in)."""
    return _line_ranges(path, parts)


class ScanMemo:
    """The events of the file scans made so far, by file, needed fields and tokens: a replay searches the same
    attack-data file for the same terms and fields from test after test (tests over the same data, their
    drilldowns, the ``risk_from`` detections each correlation test runs again), and decoding the JSON is most of
    a scan's cost. A scan is kept only once read to its end without a bad line (one stopped early or failing is
    made again, and fails again). A scan from memory gives what the scan gave, as it gave it: copies of the
    events (the search changes its own), and a tally of the events without a time counted as they are read.
    Keyed by the file's size and modification time too, so a file changed between two searches is read again.
    Bounded, as a lazy file is meant to be large: a scan of more than ``SCAN_LIMIT`` events is not kept (its
    recording stops there, so a scan streams with bounded memory still), and past ``LIMIT`` events kept the
    memo starts afresh."""

    SCAN_LIMIT = 10_000
    LIMIT = 100_000

    def __init__(self) -> None:
        # per scan: each event with whether it got the file's time (``ReadTally``), and that tally's file and time
        self._scans: dict[tuple[object, ...], tuple[list[tuple[Event, bool]], ReadTally]] = {}
        self._held = 0

    def scan(self, source: FileSource, *, needed: frozenset[str] | None, tokens: tuple[str, ...],
             untimed: list[ReadTally]) -> Iterator[Event]:
        """``scan_file(source, needed=needed, tokens=tokens, untimed=untimed)``, from memory when made before."""
        try:
            stat = os.stat(source.path)
        except OSError:
            return scan_file(source, needed=needed, tokens=tokens, untimed=untimed)  # which says why
        key = (source, needed, tokens, stat.st_size, stat.st_mtime_ns)
        found = self._scans.get(key)
        if found is None:
            return self._kept(key, source, needed, tokens, untimed)
        return _again(*found, untimed)

    def _kept(self, key: tuple[object, ...], source: FileSource, needed: frozenset[str] | None,
              tokens: tuple[str, ...], untimed: list[ReadTally]) -> Iterator[Event]:
        tallied = len(untimed)  # the scan appends its tally there as it starts, before its first event
        events: list[tuple[Event, bool]] | None = []
        counted = 0
        for event in scan_file(source, needed=needed, tokens=tokens, untimed=untimed):
            if events is not None:
                count = untimed[tallied].count
                events.append((dict(event), count > counted))  # copied before the search changes it
                counted = count
                if len(events) > self.SCAN_LIMIT:
                    events = None
            yield event
        if events is None:
            return
        if self._held + len(events) > self.LIMIT:
            self._scans.clear()
            self._held = 0
        self._scans[key] = (events, replace(untimed[tallied], count=0))
        self._held += len(events)


def _again(events: list[tuple[Event, bool]], tally: ReadTally, untimed: list[ReadTally]) -> Iterator[Event]:
    """A kept scan read again as ``scan_file`` reads it: the tally appended as it starts, counted as it goes."""
    mine = replace(tally)
    untimed.append(mine)
    for event, fallback in events:
        if fallback:
            mine.count += 1
        yield dict(event)
