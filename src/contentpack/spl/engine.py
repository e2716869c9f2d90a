"""The public entry point: register events, lookups and search-time knowledge, then run searches.

Search-time order (Splunk's "The sequence of search-time operations",
https://help.splunk.com/splunk-enterprise/manage-knowledge-objects/knowledge-management-manual/9.2/
get-started-with-knowledge-objects/the-sequence-of-search-time-operations): field extraction, then field
aliases, then calculated fields; "Each operation can have configurations that reference fields derived by
operations that precede them in the sequence", and calculated fields are evaluated together, so one cannot
see another's result: each EVAL- runs against the event as it was before any calculated field ran. Then the search itself runs, with
events entering newest first ("the most recent events are searched first", S7).

Determinism: the caller fixes ``now``, the window and the time zone; nothing reads the clock.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
import os
from collections.abc import Callable, Collection, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import TypeGuard

from contentpack.spl.ast import Expr, Pipeline, SearchExpr, has_subsearch
from contentpack.spl.commands.base import CommandNode, CommandSpec, FieldSet, RunContext
from contentpack.spl.commands import get_command
from contentpack.spl.commands.fieldops import TableCommand
from contentpack.spl.commands.ordering import DedupCommand, HeadCommand, SortCommand, TailCommand
from contentpack.spl.commands.rex import RegexCommand
from contentpack.spl.commands.search import SearchCommand, WhereCommand, index_time_filter, resolve_subsearches, time_window
from contentpack.spl.commands.sources import FromDatamodelCommand
from contentpack.spl.commands.stats import StatsCommand
from contentpack.spl.commands.timebins import TimechartCommand
from contentpack.spl.cursor import Cursor
from contentpack.spl.errors import SplError, SplEventsError, SplRuntimeError, SplSyntaxError
from contentpack.spl.evaluator import CompileCache, EvalState, Evaluator
from contentpack.spl.events import ReadTally, read_events
from contentpack.spl.exprparser import expression_fields, parse_eval_text
from contentpack.spl.limits import Limits, current, running, timed
from contentpack.spl.lookups import MAX_MATCHES_LIMIT, LookupTable, MatchRules, read_lookup_csv, register_table
from contentpack.spl.macros import MacroDef
from contentpack.spl.messages import JobMessage, take_subsearch
from contentpack.spl.matching import compile_search, raw_alternatives, required_tokens, searchmatch, split_metadata
from contentpack.spl.parser import parse
from contentpack.spl.plan import FilteredEventstats, planned
from contentpack.spl.prepared import Prepared, run_independent_prefix
from contentpack.spl.parallel import (ScanTask, admitted, copies_in_window, finish, merge, partial_stats,
                                      run_parallel, through)
from contentpack.spl.searchparser import parse_search
from contentpack.spl.scan import EventsReader, FileSource, ScanMemo, byte_ranges, scan_file
from contentpack.spl.timeutil import parse_time_modifier
from contentpack.spl.values import Event, Value, epoch_seconds, field_value

_ORDER_SENSITIVE_AGGREGATES = {"first", "last", "list"}
#: how many events a hint's did-you-mean reads the field names of (``Engine.field_names``)
FIELD_NAME_SAMPLE = 1000



@dataclass(frozen=True)
class Results:
    """Rows in output order, the field order Splunk would show, and the job's messages (``spl.messages``): what
    Splunk would say beside the rows, such as a subsearch cut at its maxout."""

    rows: list[dict[str, Value]]
    fields: list[str]
    messages: tuple[JobMessage, ...] = ()
    #: per registered file the search read events of, the events it found without a time (given the file's
    #: modification time) and those it cut (``events.cut_fields``), counted as they were read; a file read twice
    #: (a subsearch) counts its larger read. Only files with either. Not counted by the parallel scan
    #: (``workers`` > 1)
    tallies: tuple[ReadTally, ...] = ()


@dataclass(frozen=True)
class RunFreeRows:
    """What a prepared search's run-free commands made of a run's outputs (``Engine.run_free_rows``): rows any run
    given the same outputs would make, kept by a caller to finish such runs without making them again."""

    rows: tuple[Event, ...]
    messages: tuple[JobMessage, ...]


@dataclass(frozen=True)
class Survey:
    """What one read of every registered event found (``Engine.survey``)."""

    newest: float | None  # the newest ``_time``; None: no event
    present: frozenset[str]  # of the names asked about, those some event has
    oldest: float | None = None  # the oldest ``_time``; None: no event


@dataclass(frozen=True)
class SearchTime:
    """One sourcetype's search-time knowledge: aliases (source, alias) and calculated fields (name, expr)."""

    aliases: tuple[tuple[str, str], ...]
    calculated: tuple[tuple[str, Expr], ...]

    def apply(self, event: Event, evaluator: Evaluator) -> None:
        for source, alias in self.aliases:
            value = event.get(source)
            if value is not None:
                event[alias] = value
        if not self.calculated:
            return
        before = EvalState(evaluator, event)  # nothing is assigned until every expression has run
        results = [(name, evaluator.compile(expr)(before)) for name, expr in self.calculated]
        for name, value in results:
            if value is None or isinstance(value, bool):
                event.pop(name, None)
            else:
                event[name] = field_value(value)

    def inputs_for(self, needed: FieldSet) -> FieldSet:
        """Fields that must be extracted for the needed aliases and calculated fields to be computed."""
        if needed is None:
            return None
        out = set(needed)
        for name, expr in self.calculated:
            if name in needed:
                out |= expression_fields(expr)
        for source, alias in self.aliases:
            if alias in out:
                out.add(source)
        return frozenset(out)

    def restricted(self, needed: FieldSet) -> "SearchTime":
        """Only the aliases and calculated fields a search can observe (all of them when needed is None)."""
        if needed is None:
            return self
        return SearchTime(tuple(a for a in self.aliases if a[1] in needed),
                          tuple(c for c in self.calculated if c[0] in needed))

    def produced(self) -> frozenset[str]:
        return frozenset([a for _, a in self.aliases] + [n for n, _ in self.calculated])


def _event_time(event: Event) -> float | None:
    return epoch_seconds(event.get("_time"))


class NewestFirst(list[Event]):
    """Events already newest first by ``_time`` (a NaN or missing time as 0), the order ``Engine.fork`` keeps its
    memory in: a caller that holds them so by construction (the simulation's run windows, which
    ``EventIndex.positions`` gives newest first) says so by this type, and ``fork`` takes them as they are
    instead of sorting the events of every run again."""


def _newest_first(event: Event) -> float:
    """The sort key of the memory, newest first; an event without a time sorts as time 0."""
    time = epoch_seconds(event.get("_time"))
    return -time if time is not None else -0.0


class ParseMemo:
    """Pipelines by search text, for the macros they were expanded with: a change of ``Engine.macros`` (the
    ``search`` command's ``--macros``) starts afresh. Bounded as ``CompileCache`` is: past ``LIMIT`` texts a
    long-lived engine starts afresh instead of growing without end."""

    LIMIT = 10_000

    def __init__(self) -> None:
        self._macros: dict[str, MacroDef] = {}
        self._pipelines: dict[str, Pipeline] = {}

    def get(self, text: str, macros: dict[str, MacroDef]) -> Pipeline:
        if macros != self._macros:
            self._macros, self._pipelines = dict(macros), {}
        pipeline = self._pipelines.get(text)
        if pipeline is None:
            pipeline = parse(text, macros)
            if len(self._pipelines) >= self.LIMIT:
                self._pipelines.clear()
            self._pipelines[text] = pipeline
        return pipeline


class Engine:
    """An SPL engine over registered events; each ``search`` is independent and deterministic."""

    def __init__(self, macros: Mapping[str, MacroDef] | None = None, tz: str = "UTC",
                 limits: Limits | None = None) -> None:
        self.macros: dict[str, MacroDef] = dict(macros or {})
        self.tz = tz
        #: bounds on one search's work (regex time, generated rows, multivalue sizes, wall-clock time)
        self.limits = limits or Limits()
        self._memory: list[Event] = []
        #: the files loaded into ``_memory`` and their events without a time (counted once, at registration)
        self._loaded: list[ReadTally] = []
        self._files: list[FileSource] = []
        self._lookups: dict[str, LookupTable] = {}
        self._search_time: dict[str, SearchTime] = {}
        self._risk: list[Event] = []
        self._eventtypes: dict[str, SearchExpr] = {}
        self._geoip: LookupTable | None = None
        self._compiled = CompileCache()  # shared by the evaluators of every run (see ``Evaluator``)
        self._parsed = ParseMemo()  # shared by forks, as ``_compiled`` is (see ``parse``)
        self._scans = ScanMemo()  # shared by forks: their files are scanned for the same searches again
        #: processes for order-free full scans of lazily registered files (1 = in this process)
        self.workers = 1

    # ----------------------------------------------------------------------------------- registration
    def register_events(
        self,
        events: Iterable[Event] | str | os.PathLike[str],
        *,
        sourcetype: str | None = None,
        source: str | None = None,
        host: str | None = None,
        index: str | None = None,
        time_field: str = "time",
        lazy: bool = False,
        reader: EventsReader | None = None,
    ) -> None:
        """Add events: an iterable of event dicts, or a file path (JSON lines / JSON array / text).

        With a path and ``lazy=True`` the file is scanned at each search (raw-bytes prefilter, only needed
        fields decoded; a scan made before for the same fields and terms, the file unchanged, is read from
        memory: ``ScanMemo``) instead of being loaded; use it for large JSON-lines files. With a ``reader`` the
        file is read by it at each search (lazily too), given the needed fields: a format the scan does not take
        apart (``search --events`` on a Splunk export). Files get ``host`` "" and ``index`` "main" unless given;
        in-memory events get only the metadata passed explicitly.
        """
        if isinstance(events, (str, os.PathLike)):
            if sourcetype is None:
                raise SplError("register_events: a file needs sourcetype=")
            src = str(events) if source is None else source
            host, index = host or "", index or "main"
            if lazy or reader is not None:
                self._files.append(FileSource(str(events), sourcetype, src, host, index, time_field, reader))
                return
            events = read_events(events, sourcetype=sourcetype, source=src, host=host, index=index,
                                 time_field=time_field, untimed=self._loaded)
        for event in events:
            copy = dict(event)
            for key, value in (("sourcetype", sourcetype), ("source", source), ("host", host), ("index", index)):
                if value is not None and key not in copy:
                    copy[key] = value
            self._memory.append(copy)
        self._memory.sort(key=_newest_first)

    def register_lookup(self, name: str, csv_path: str | os.PathLike[str], *, case_sensitive: bool = True,
                        max_matches: int = 100, min_matches: int = 0, default_match: str = "",
                        match_type: Sequence[str] | str = (), shipped: bool = False) -> None:
        """A CSV lookup usable as ``lookup NAME`` / ``inputlookup NAME`` (also by its file name: with
        ``shipped``, a pack's lookup, by the date-stamped name the built app gives the file, not the source's;
        see ``spl.lookups.register_table``).

        The keywords are the lookup definition's transforms.conf settings (``case_sensitive``
        is ``case_sensitive_match``; ``match_type`` like ``["WILDCARD(app)", "CIDR(net)"]``), with their
        documented defaults; see :mod:`contentpack.spl.lookups`.
        """
        rules = MatchRules.from_settings(case_sensitive_match=case_sensitive, max_matches=max_matches,
                                         min_matches=min_matches, default_match=default_match,
                                         match_type=match_type)
        table = read_lookup_csv(name, csv_path, rules)
        register_table(self._lookups, name, Path(csv_path).name, table, shipped=shipped)

    def register_search_time(self, sourcetype: str, field_aliases: Sequence[tuple[str, str]] = (),
                             calculated_fields: Sequence[tuple[str, str]] = ()) -> None:
        """The add-on's ``FIELDALIAS-`` (source, alias) and ``EVAL-`` (name, expression) for a sourcetype."""
        calculated = [(name, parse_eval_text(text, f"EVAL-{name}")) for name, text in calculated_fields]
        self._search_time[sourcetype] = SearchTime(tuple(field_aliases), tuple(calculated))

    def register_geoip(self, csv_path: str | os.PathLike[str]) -> None:
        """The table ``iplocation`` reads: a CSV with a ``network`` column (CIDR) and location columns
        (City, Country, Region, lat, lon...); the most specific network containing an address wins."""
        rules = MatchRules.from_settings(max_matches=MAX_MATCHES_LIMIT, match_type=["CIDR(network)"])
        self._geoip = read_lookup_csv("geoip", csv_path, rules)  # no network column: an error naming it

    def register_eventtype(self, name: str, search: str) -> None:
        """An eventtypes.conf stanza: ``eventtype=NAME`` in a search matches events that match ``search``."""
        cursor = Cursor.search(search, 0, lambda offset: offset, f"eventtype {name}")
        try:
            expr, bounds = parse_search(cursor)
        except RecursionError:
            raise SplSyntaxError(f"eventtype '{name}': the search nests parentheses too deeply", offset=0) from None
        if bounds.earliest is not None or bounds.latest is not None:
            raise SplError(f"eventtype '{name}': an event type search cannot hold time modifiers")
        self._eventtypes[name] = expr

    def register_risk_index(self, events: Iterable[Event]) -> None:
        """Risk events served by ``| from datamodel Risk.All_Risk``."""
        self._risk.extend(dict(e) for e in events)
        self._risk.sort(key=_newest_first)

    def fork(self, events: Sequence[Event], risk_events: Sequence[Event]) -> "Engine":
        """An engine with this one's macros, lookups and search-time knowledge over other events.

        ``events`` should already be newest first (by ``_time``) and ``risk_events`` likewise. The events are
        sorted all the same (a stable sort: a sorted list keeps its order, read once), because a search finds
        those in its time range by bisection (``_in_window``), which an unsorted list would answer wrongly;
        unless they are ``NewestFirst``, which says they are in that order already.
        """
        other = Engine(self.macros, self.tz, self.limits)
        other._lookups = self._lookups
        other._search_time = self._search_time
        other._eventtypes = self._eventtypes
        other._geoip = self._geoip
        other._compiled = self._compiled  # the same parsed searches run again: compiled once for all forks
        other._parsed = self._parsed  # and parsed once: a fork's macros are this engine's
        other._scans = self._scans  # and the same files scanned once per needed fields and tokens
        other._memory = list(events) if isinstance(events, NewestFirst) else sorted(events, key=_newest_first)
        other._risk = list(risk_events)
        return other

    def with_risk_index(self, risk_events: Iterable[Event]) -> "Engine":
        """An engine over this one's events (held and scanned files alike) whose risk index holds ``risk_events``
        instead: a search run again as if ES's risk index held other risk events (the replay asks whether a risk
        drilldown shows a risk event by running it without that one), with no event read again."""
        other = self.fork(NewestFirst(self._memory), ())
        other._loaded = self._loaded
        other._files = list(self._files)
        other.workers = self.workers
        other.register_risk_index(risk_events)
        return other

    def prefilter(self, pipeline: Pipeline, events: Iterable[Event], now: float) -> list[Event] | None:
        """The ``events`` (not copies) that pass the pipeline's first ``search`` whatever the time range,
        judged with the search-time knowledge that search reads; None when that cannot be decided once for
        all runs (the pipeline does not start with a search, or its first search holds a subsearch or
        inline time bounds).

        Why: a scheduled search runs hundreds of times over overlapping windows; matching its base search
        once per event instead of once per run is what keeps a simulated timeline fast. Running the full
        search later over the kept events gives the same rows as over all of them.
        """
        first = pipeline.commands[0]
        if not _matches_whatever_the_run(first):
            return None
        evaluator = Evaluator(now, self.tz, searchmatch, self._compiled)
        needed = first.requires(frozenset())
        for each in self._search_time.values():
            needed = each.inputs_for(needed)
        # only the aliases and calculated fields the base search reads: matching must not pay for the rest
        knowledge = {name: k.restricted(needed) for name, k in self._search_time.items()}
        predicate = compile_search(first.expr)
        kept: list[Event] = []
        for event in events:
            restricted = knowledge.get(str(event.get("sourcetype")))
            if restricted is not None and (restricted.aliases or restricted.calculated):
                copy = dict(event)
                restricted.apply(copy, evaluator)
                if predicate(copy):
                    kept.append(event)
            elif predicate(event):
                kept.append(event)
        return kept

    def needed_fields(self, pipeline: Pipeline) -> frozenset[str] | None:
        """The event fields a pipeline starting with ``search`` can observe — what the lazy file scan decodes,
        search-time knowledge inputs included; None when it may read any field (or starts otherwise)."""
        first = pipeline.commands[0]
        if not isinstance(first, SearchCommand):
            return None
        needed = self._needed(first, pipeline.commands[1:])  # type: ignore[arg-type]
        return None if needed is None else frozenset(needed)

    def newest_time(self) -> float | None:
        """The newest ``_time`` among in-memory events (lazy files are not read for this)."""
        return _event_time(self._memory[0]) if self._memory else None

    def event_needs(self, text: str) -> "EventNeeds":
        """What a search needs from indexed events: the fields it reads (search-time knowledge inputs
        included; None = every field) and the raw-text alternatives a matching event satisfies.

        For reading a large input once for many searches: keep only lines some search can match, and decode
        only the fields some search reads. A search that starts with a generating command (``| from``,
        ``| inputlookup``) reads no indexed events.
        """
        commands = list(self.parse(text).commands)
        first = commands[0]
        if not isinstance(first, SearchCommand):
            return EventNeeds(False, frozenset(), ())
        derived = frozenset().union(*(k.produced() for k in self._search_time.values()))
        rest = [c for c in commands[1:] if isinstance(c, CommandNode)]
        return EventNeeds(True, self._needed(first, rest), tuple(raw_alternatives(first.expr, derived)))

    def fields_present(self, names: Collection[str]) -> set[str]:
        """Which of ``names`` some registered event has once search-time knowledge is applied (for hints about
        searches that found nothing). Only those fields, and what the aliases and calculated fields make them
        from, are extracted and computed, and reading stops once every name is found: a hint must not cost
        more than the search (lazily registered files are read again)."""
        wanted = frozenset(names)
        found: set[str] = set()
        if not wanted:
            return found
        for event in self._known(self._made_from(wanted)):
            found.update(wanted.intersection(event))
            if len(found) == len(wanted):
                return found
        return found

    def survey(self, names: Collection[str]) -> "Survey":
        """The newest ``_time`` of the registered events and which of ``names`` some event has (as
        ``fields_present`` finds them), in one read of every event: ``contentpack search`` needs the first to set
        its time before it runs, and the second for its hints when it returns nothing, and the events read for one
        answer the other (a large file is not read again for the hints); the oldest ``_time`` too, for the hint on
        a time range that misses every event. Only ``_time`` and those fields (and
        what the aliases and calculated fields make them from) are extracted and computed. The read is held to the
        engine's limits as a search is (``Limits.search_seconds``: an ``SplRuntimeError`` at offset 0 past it)."""
        wanted = frozenset(names)
        found: set[str] = set()
        newest: float | None = None
        oldest: float | None = None
        with running(self.limits):
            for event in timed(self._known(self._made_from(wanted | {"_time"})), "search", 0):
                found.update(wanted.intersection(event))
                moment = _event_time(event)
                if moment is not None and (newest is None or moment > newest):
                    newest = moment
                if moment is not None and (oldest is None or moment < oldest):
                    oldest = moment
        return Survey(newest, frozenset(found), oldest)

    def _made_from(self, names: frozenset[str]) -> frozenset[str]:
        """``names`` and the fields the search-time knowledge makes them from."""
        needed = names
        for knowledge in self._search_time.values():
            widened = knowledge.inputs_for(needed)
            needed = needed if widened is None else widened
        return needed

    def field_names(self, sample: int = FIELD_NAME_SAMPLE) -> set[str]:
        """The fields the first ``sample`` registered events have once search-time knowledge is applied: the
        names a hint's did-you-mean chooses from. A sample, as a source's events mostly share their fields, so
        that a hint reads a few events whole, not every file again."""
        names: set[str] = set()
        for event in islice(self._known(None), sample):
            names.update(event)
        return names

    def _known(self, needed: frozenset[str] | None) -> Iterator[Event]:
        """Every registered event with the ``needed`` fields (None: all) extracted and the search-time knowledge
        making them applied, read again from the files."""
        restricted = {name: k.restricted(needed) for name, k in self._search_time.items()}
        evaluator = Evaluator(0.0, self.tz, searchmatch, self._compiled)
        streams = [map(dict, self._memory)] + [
            scan_file(source, needed=None if needed is None else needed | {source.time_field})
            for source in self._files]
        for stream in streams:
            for event in stream:
                applied = restricted.get(str(event.get("sourcetype")))
                if applied is not None:
                    applied.apply(event, evaluator)
                yield event

    # ----------------------------------------------------------------------------------- searching
    def parse(self, text: str) -> Pipeline:
        """The search's pipeline, parsed once per text under the engine's macros: a pipeline is immutable, and a
        replay parses the same searches again for every test, simulated run and left-out event. Errors are
        not kept (each call raises again)."""
        return self._parsed.get(text, self.macros)

    def search(self, text: str, *, earliest: str | float | None = None, latest: str | float | None = None,
               now: float) -> Results:
        """Run a search. ``earliest``/``latest``: epoch seconds or Splunk time modifiers relative to ``now``."""
        return self.search_pipeline(self.parse(text), earliest=earliest, latest=latest, now=now)

    def search_pipeline(self, pipeline: Pipeline, *, earliest: str | float | None = None,
                        latest: str | float | None = None, now: float) -> Results:
        """``search`` for a pipeline parsed once with ``parse`` (a search run many times need not re-parse)."""
        window = (self._resolve(earliest, now, "earliest"), self._resolve(latest, now, "latest"))
        messages: list[JobMessage] = []
        untimed: list[ReadTally] = []
        with running(self.limits):
            rows = list(self._execute(pipeline, now, window, messages, untimed))
        return Results(rows, _field_order(pipeline, rows), tuple(messages), _reported(untimed))

    def any_row(self, pipeline: Pipeline, *, earliest: str | float | None = None, latest: str | float | None = None,
                now: float) -> bool:
        """Whether ``search_pipeline`` would return a row, found by reading only up to the first one (a hint asks
        this of a search that can keep every event of a large file). A row needs no field, so only those the
        search reads are decoded; and when after its first search every command handles each event on its own
        (``streaming``; a ``head N`` may end it), whether some event gets through does not depend on the order
        events come in: they are then taken as the files hold them, not sorted newest first."""
        window = (self._resolve(earliest, now, "earliest"), self._resolve(latest, now, "latest"))
        with running(self.limits):
            rows = self._execute(pipeline, now, window, [], [], any_row=True)
            try:
                return next(rows, None) is not None
            finally:
                rows.close()

    def _resolve(self, value: str | float | None, now: float, what: str) -> float | None:
        if value is None:
            return None
        number = epoch_seconds(value)
        if number is not None:
            return number
        try:
            return parse_time_modifier(str(value), now, self.tz)
        except ValueError as exc:
            raise SplError(f"invalid {what}={value!r}: {exc}") from None

    def _context(self, now: float, window: tuple[float | None, float | None],
                 messages: list[JobMessage], untimed: list[ReadTally] | None = None) -> RunContext:
        """A run's context; ``messages`` is the search's one list, which its subsearches add to as well (and
        ``untimed`` likewise, the tallies of the files they read)."""
        evaluator = Evaluator(now, self.tz, searchmatch, self._compiled)
        context = RunContext(now=now, tz=self.tz, evaluator=evaluator, earliest=window[0], latest=window[1],
                             lookups=self._lookups, risk_events=self._risk, eventtypes=self._eventtypes,
                             geoip=self._geoip, messages=messages)
        context.run_subsearch = lambda pipeline, maxout: take_subsearch(
            self._execute(pipeline, now, window, messages, [] if untimed is None else untimed), maxout, messages)
        context.run_pipe = _run_pipe
        return context

    def _execute(self, pipeline: Pipeline, now: float, window: tuple[float | None, float | None],
                 messages: list[JobMessage], untimed: list[ReadTally],
                 any_row: bool = False) -> Generator[Event, None, None]:
        """The search's rows; ``any_row``: only whether there is one is asked (``Engine.any_row``)."""
        ctx = self._context(now, window, messages, untimed)
        commands = list(pipeline.commands)
        first = commands[0]
        if isinstance(first, SearchCommand):
            inline = time_window(first.bounds, ctx, first.name)
            earliest = inline[0] if inline[0] is not None else window[0]
            latest = inline[1] if inline[1] is not None else window[1]
            ctx.earliest, ctx.latest = earliest, latest
            first = SearchCommand(first.name, first.offset, resolve_subsearches(first.expr, ctx), first.bounds)
            rest = commands[1:]
            split = None if first.bounds.on_index_time else self._parallel_split(rest)  # type: ignore[arg-type]
            if split is None:
                stream, done = self._events(first, rest, ctx, untimed, any_row)  # type: ignore[arg-type]
                if first.bounds.on_index_time:
                    stream = index_time_filter(stream, first.bounds, ctx, first.name)
                stream = _guarded(stream, first)
                rest = rest[done:]
            else:
                stats = rest[split]
                assert isinstance(stats, StatsCommand)
                untimed.extend(self._loaded)
                stream = _guarded(self._parallel_stats(first, rest[:split], stats, ctx), stats)  # type: ignore[arg-type]
                rest = rest[split + 1:]
        else:
            spec = get_command(first.name)
            assert spec is not None
            stream = _guarded(spec.run(first, iter(()), ctx), first)  # type: ignore[arg-type]
            rest = commands[1:]
        yield from _finish(stream, rest, ctx)  # type: ignore[arg-type]

    # ----------------------------------------------------------------------------------- prepared searches
    def prepare(self, pipeline: Pipeline, events: Sequence[Event]) -> Prepared | None:
        """``pipeline``'s first command and leading run-independent commands run once over each of ``events``
        (see ``spl.prepared``), for ``search_prepared`` on forks holding outputs of these events; None when
        that cannot be done once for all runs: the pipeline starts with neither a plain search (as for
        ``prefilter``) nor ``from datamodel`` followed by a run-independent command, a command fails on some
        event (each run then reports it as it meets the event), or the prepared commands change an event's
        ``_time`` (a run selects events by their original time).

        For ``from datamodel Risk.All_Risk`` the ``events`` are risk events: the command's own part is only
        the window (applied at each run, as ``run_from`` does), so a risk index that grows between runs is
        prepared piece by piece, each new risk event once (``Prepared.extended``)."""
        first = pipeline.commands[0]
        rest = [c for c in pipeline.commands[1:] if isinstance(c, CommandNode)]
        done = run_independent_prefix(rest)
        # nothing prepared reads the run's time or runs a subsearch (run_independent_prefix): no messages either
        ctx = self._context(0.0, (None, None), [])
        if isinstance(first, FromDatamodelCommand) and done > 0:
            knowledge: dict[str, SearchTime] = {}  # risk events get no search-time knowledge (``_execute``)
            predicate: Callable[[Event], bool] = lambda event: True
        elif _matches_whatever_the_run(first):
            knowledge = self._knowledge(first, rest)  # what each run would apply: the whole search's needs
            predicate = compile_search(resolve_subsearches(first.expr, ctx))
        else:
            return None
        outputs: list[tuple[Event, ...]] = []
        try:
            with running(self.limits):
                for event in events:
                    copy = dict(event)
                    restricted = knowledge.get(str(copy.get("sourcetype")))
                    if restricted is not None:
                        restricted.apply(copy, ctx.evaluator)
                    out = tuple(_finish(iter([copy]), rest[:done], ctx)) if predicate(copy) else ()
                    if any(o.get("_time") != event.get("_time") for o in out):
                        return None
                    outputs.append(out)
        except SplError:
            return None
        return Prepared(pipeline, done, tuple(outputs))

    def search_prepared(self, prepared: Prepared, outputs: Sequence[Event], *, earliest: str | float | None = None,
                        latest: str | float | None = None, now: float) -> Results:
        """``search_pipeline(prepared.pipeline, ...)`` on this engine (a ``fork`` of the preparing one holding
        some of the prepared events, newest first), given the prepared ``outputs`` of those events in the same
        order: only the commands not prepared run, over copies of the outputs in the window (a subsearch still
        searches the events this engine holds). For ``from datamodel`` the prepared events are the risk
        events this engine holds, in the order it holds them."""
        return self.finish_prepared(prepared, self.run_free_rows(prepared, outputs, earliest=earliest, latest=latest,
                                                                 now=now), earliest=earliest, latest=latest, now=now)

    def run_free_rows(self, prepared: Prepared, outputs: Sequence[Event], *, earliest: str | float | None = None,
                      latest: str | float | None = None, now: float) -> RunFreeRows:
        """The first part of ``search_prepared``: the rows and job messages of the outputs in the window after the
        ``prepared.run_free`` commands, which any run given the same outputs would make alike (``spl.prepared``),
        for ``finish_prepared`` at this run and any such run."""
        window = (self._resolve(earliest, now, "earliest"), self._resolve(latest, now, "latest"))
        ctx = self._context(now, window, [])
        stream = _guarded(copies_in_window(outputs, *window), prepared.first)
        with running(self.limits):
            rows = tuple(_finish(stream, prepared.rest[:prepared.run_free], ctx))  # type: ignore[arg-type]
        return RunFreeRows(rows, tuple(ctx.messages))

    def finish_prepared(self, prepared: Prepared, known: RunFreeRows, *, earliest: str | float | None = None,
                        latest: str | float | None = None, now: float) -> Results:
        """The rest of ``search_prepared`` from ``run_free_rows``' answer: the commands after the run-free ones,
        over copies of its rows, at this run's time and window."""
        left = prepared.rest[prepared.run_free:]
        if not left:  # most searches: copies of the rows, with no run set up for no command
            rows = [dict(row) for row in known.rows]
            return Results(rows, _field_order(prepared.pipeline, rows), known.messages)
        window = (self._resolve(earliest, now, "earliest"), self._resolve(latest, now, "latest"))
        ctx = self._context(now, window, list(known.messages))
        with running(self.limits):
            rows = list(_finish((dict(row) for row in known.rows), left, ctx))  # type: ignore[arg-type]
        return Results(rows, _field_order(prepared.pipeline, rows), tuple(ctx.messages))

    # ----------------------------------------------------------------------------------- event sources
    def _in_window(self, earliest: float | None, latest: float | None) -> Iterator[Event]:
        """Copies of the in-memory events inside ``earliest <= _time < latest``, newest first.

        Why bisection: the memory is kept newest first (``register_events``, ``fork``), so the events of a time
        range are one slice of it, found in a logarithmic number of steps; a search head double holding
        thousands of events was scanning all of them for every job of a short window. The slice is still
        judged event by event (``copies_in_window``): an event without a numeric ``_time`` sorts as time 0, and
        a bounded window excludes it as before."""
        memory: Sequence[Event] = self._memory
        if latest is not None:
            memory = memory[bisect_right(memory, -latest, key=_newest_first):]
        if earliest is not None:
            memory = memory[:bisect_right(memory, -earliest, key=_newest_first)]
        return copies_in_window(memory, earliest, latest)

    def _needed(self, first: SearchCommand, rest: Sequence[Command], kept: FieldSet = None) -> FieldSet:
        """The event fields the search reads, for rows with the ``kept`` fields (None: all of them)."""
        needed = kept
        for command in reversed(rest):
            assert isinstance(command, CommandNode)
            needed = command.requires(needed)
        needed = first.requires(needed)
        for knowledge in self._search_time.values():
            needed = knowledge.inputs_for(needed)
        return needed

    def _events(self, first: SearchCommand, rest: Sequence[Command], ctx: RunContext,
                untimed: list[ReadTally], any_row: bool = False) -> tuple[Iterator[Event], int]:
        """Registered events that pass the window, search-time knowledge and the first search, newest first, and
        how many of ``rest``'s leading commands they have been through already; the tallies of events without a
        time of the files read go to ``untimed``. ``any_row``: only whether ``rest`` keeps one of them is asked,
        so rows need no field and, when ``rest`` keeps one whatever the order, the events come unsorted, read only
        as far as they are taken. Reading (and sorting) is held to the search's deadline as the commands are.

        Files are read in file order, so their events are held to be sorted newest first. Held are only what
        ``rest``'s leading per-event commands (``_presorted``) make of them: those commands give each event the
        same outputs in any order, so they run as the events are read and their outputs are sorted by the time
        of the event each came from (a stable sort: ties keep the file order, an event's outputs stay
        together), which is the plain run's order. A ``* | where ...`` then holds the events it keeps, not
        every event of a large file."""
        untimed.extend(self._loaded)
        kept: FieldSet = frozenset() if any_row else None
        knowledge = self._knowledge(first, rest, kept)
        plan = self._scan_plan(first, rest, kept) if self._files else None

        def read() -> Iterator[Event]:
            streams = [admitted(self._in_window(ctx.earliest, ctx.latest), first, knowledge, ctx.evaluator,
                                ctx.earliest, ctx.latest)]
            if plan is not None:
                for source in plan.sources:
                    events = self._scans.scan(source, needed=plan.wanted(source), tokens=plan.tokens,
                                              untimed=untimed)
                    search = plan.first if source.reader is None else first  # its rows carry their own metadata
                    streams.append(admitted(timed(events, first.name, first.offset), search, plan.search_time,
                                            ctx.evaluator, ctx.earliest, ctx.latest))
            return (event for stream in streams for event in stream)

        if plan is None or _order_insensitive(rest) or (any_row and _keeps_one_in_any_order(rest)):
            return read(), 0  # the events held in memory are newest first already
        done = 0 if first.bounds.on_index_time else _presorted(rest)
        if done:
            try:
                return _newest_first_outputs(read(), rest, done, first, ctx), done
            except SplError:  # where the plain run could fail otherwise (elsewhere, or not at all), it decides
                pass
        return _newest_first_outputs(read(), rest, 0, first, ctx), 0

    def _knowledge(self, first: SearchCommand, rest: Sequence[Command],
                   kept: FieldSet = None) -> dict[str, "SearchTime"]:
        """The search-time knowledge a search can observe (for rows with the ``kept`` fields): computing the ~20
        calculated fields of a sourcetype for every event when a search reads three of them is most of a
        scheduled run's cost."""
        needed = self._needed(first, rest, kept)  # already holds the inputs of the needed fields
        return {name: knowledge.restricted(needed) for name, knowledge in self._search_time.items()}

    def _scan_plan(self, first: SearchCommand, rest: Sequence[Command], kept: FieldSet = None) -> "ScanPlan":
        """What a file scan needs (for rows with the ``kept`` fields): files whose metadata can match, JSON
        paths, raw tokens, the event filter."""
        needed = self._needed(first, rest, kept)
        derived = frozenset().union(*(k.produced() for k in self._search_time.values()))
        tokens = tuple(dict.fromkeys(required_tokens(first.expr, derived)))
        meta_expr, rest_expr = split_metadata(first.expr)
        meta_ok = compile_search(meta_expr)
        sources = [s for s in self._files if s.reader is not None
                   or meta_ok({"sourcetype": s.sourcetype, "source": s.source, "host": s.host, "index": s.index})]
        knowledge = {name: k.restricted(needed) for name, k in self._search_time.items()}
        return ScanPlan(needed, tokens, SearchCommand(first.name, first.offset, rest_expr, first.bounds),
                        knowledge, sources)

    def _parallel_split(self, rest: Sequence[Command]) -> int | None:
        """Index of the stats command that ends an order-free prefix worth scanning in parallel, or None."""
        if self.workers <= 1 or not self._files or any(source.reader is not None for source in self._files):
            return None  # a reader's file is not split into byte ranges
        for index, command in enumerate(rest):
            if type(command) is StatsCommand:
                if any(t.function in _ORDER_SENSITIVE_AGGREGATES or t.expr is not None
                       or (t.field is not None and "*" in t.field) for t in command.terms):
                    return None  # workers aggregate plain field values only
                return index
            if not _streams(command):
                return None
        return None

    def _parallel_stats(self, first: SearchCommand, prefix: Sequence[Command], stats: StatsCommand,
                        ctx: RunContext) -> Iterator[Event]:
        plan = self._scan_plan(first, [*prefix, stats])
        # subsearches run here, once: workers cannot run searches
        prefix = [SearchCommand(c.name, c.offset, resolve_subsearches(c.expr, ctx), c.bounds)
                  if isinstance(c, SearchCommand) else c for c in prefix]
        tasks = [
            ScanTask(source, start, end, plan.wanted(source), plan.tokens, plan.first, plan.search_time,
                     tuple(prefix), stats, ctx.now, ctx.tz, ctx.earliest, ctx.latest, dict(self._lookups),
                     self.limits)
            for source in plan.sources
            for start, end in byte_ranges(source.path, self.workers)
        ]
        partial = run_parallel(tasks, self.workers)
        memory = admitted(self._in_window(ctx.earliest, ctx.latest), first, self._search_time, ctx.evaluator,
                          ctx.earliest, ctx.latest)
        merge(partial, partial_stats(through(memory, prefix, ctx), stats))
        return finish(partial, stats)


Command = CommandNode


def _reported(tallies: Iterable[ReadTally]) -> tuple[ReadTally, ...]:
    """The files with events without a time, cut or indexed before their time, each once (its largest read: a
    subsearch may read it again), as copies the caller may keep."""
    largest: dict[str, ReadTally] = {}
    for tally in tallies:
        if any(tally.amounts) and (tally.path not in largest or tally.amounts > largest[tally.path].amounts):
            largest[tally.path] = replace(tally)
    return tuple(largest.values())


def _matches_whatever_the_run(command: object) -> TypeGuard[SearchCommand]:
    """Whether ``command`` is a ``search`` whose verdict on an event is the same at every run: no inline time
    modifier (they resolve against the run's time) and no subsearch (it searches the run's own events)."""
    return isinstance(command, SearchCommand) and not command.bounds.bounded and not has_subsearch(command.expr)


def _finish(stream: Iterator[Event], rest: Sequence[CommandNode], ctx: RunContext) -> Iterator[Event]:
    """``stream`` through ``rest`` (as ``spl.plan`` rewrites it), each command under ``_guarded``; a value past
    what Python represents or too deep a nesting is an SPL error, not a crash."""
    for command in planned(rest):
        stream = _guarded(_run(command, stream, ctx), command)
    try:
        yield from stream
    except RecursionError:
        raise SplRuntimeError("the search nests too deeply", offset=0) from None
    except (OverflowError, MemoryError, ValueError):  # a value past what the engine can represent
        raise SplRuntimeError(_OUT_OF_RANGE, offset=0) from None


# Python's own words for an overflow ("cannot convert float infinity to integer") name nothing the author wrote.
_OUT_OF_RANGE = ("the search cannot be run on these events: a value is past what this command can compute "
                 "(too large, infinite or not a number)")


def _through(pipeline: Pipeline, stream: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    for command in planned(pipeline.commands):  # type: ignore[arg-type]  # the parser builds command nodes only
        stream = _guarded(_run(command, stream, ctx), command)
    return stream


def _run_pipe(pipeline: Pipeline, rows: list[Event], ctx: RunContext) -> list[Event]:
    """``RunContext.run_pipe``: a module function given the context, not a closure over it -- a context holding
    a closure that holds the context is a reference cycle, and every run's context, evaluator and engine fork
    (with its events) would wait for the garbage collector instead of being freed when the run ends."""
    return list(_through(pipeline, iter(rows), ctx))


def _run(command: CommandNode, stream: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    """A command's output: its registered runner's, or a rewritten command's own (``spl.plan``)."""
    if isinstance(command, FilteredEventstats):
        return command.run(stream, ctx)
    return _spec(command).run(command, stream, ctx)


def _guarded(stream: Iterator[Event], command: CommandNode) -> Iterator[Event]:
    """A command's output under the search's deadline; an error that names no place gets the command's, and so
    does a value no command has a clearer word for (Python's overflow and value errors). An events file's error
    names its own place (the file and lines), none in the search text."""
    try:
        yield from timed(stream, command.name, command.offset)
    except SplError as exc:
        if isinstance(exc, SplEventsError) or (exc.command is not None and exc.offset is not None):
            raise
        offset = exc.offset if exc.offset is not None else command.offset
        raise type(exc)(exc.message, offset=offset, command=exc.command or command.name) from None
    except (OverflowError, ValueError):  # a value past what the engine can represent, at the command's column
        raise SplRuntimeError(_OUT_OF_RANGE, offset=command.offset, command=command.name) from None


@dataclass(frozen=True)
class EventNeeds:
    """See :meth:`Engine.event_needs`."""

    reads_events: bool
    fields: frozenset[str] | None
    alternatives: tuple[tuple[str, ...], ...]  # ``((),)``: any event may match


@dataclass(frozen=True)
class ScanPlan:
    needed: FieldSet
    tokens: tuple[str, ...]
    first: SearchCommand  # the first search without its file-metadata part
    search_time: dict[str, SearchTime]
    sources: list[FileSource]

    def wanted(self, source: FileSource) -> frozenset[str] | None:
        return None if self.needed is None else self.needed | {source.time_field}


def _order_insensitive(rest: Sequence[Command]) -> bool:
    """True when nothing downstream depends on event order (streaming commands, then a plain stats)."""
    for command in rest:
        if isinstance(command, (StatsCommand, TimechartCommand)) and type(command) in (StatsCommand,
                                                                                         TimechartCommand):
            return not any(t.function in _ORDER_SENSITIVE_AGGREGATES for t in command.terms)
        if not _streams(command):
            return False
    return False


def _keeps_one_in_any_order(rest: Sequence[Command]) -> bool:
    """True when whether ``rest`` keeps an event does not depend on the order events come in: each command
    handles each event on its own (streaming), and a ``head N`` last keeps one if any reaches it."""
    commands = list(rest)
    if commands and isinstance(commands[-1], HeadCommand) and commands[-1].expr is None:
        commands.pop()
    return all(_streams(command) for command in commands)


def _spec(command: CommandNode) -> CommandSpec:
    spec = get_command(command.name)
    assert spec is not None  # the parser only builds registered commands
    return spec


def _streams(command: CommandNode) -> bool:
    return _spec(command).streams(command)


def _presorted(rest: Sequence[Command]) -> int:
    """How many of ``rest``'s leading commands may run on the events before they are sorted newest first:
    those that handle each event on its own, in any order (``CommandSpec.streaming``), and hold no subsearch
    (it runs a search, whose job messages and reads are the search's). 0 when ``rest`` begins with commands
    keeping one output per event before a ``head N`` (``_head_limit``): only the N newest events reach those."""
    if _head_limit(rest) is not None:
        return 0
    count = 0
    for command in rest:
        if command.holds_subsearch or not _streams(command):
            break
        count += 1
    return count


def _newest_first_outputs(events: Iterator[Event], rest: Sequence[Command], done: int, first: SearchCommand,
                          ctx: RunContext) -> Iterator[Event]:
    """What ``rest``'s first ``done`` commands (per-event: ``_presorted``) make of ``events``, in the order of the
    events newest first (stably, by the ``_time`` each output's event had before the commands ran); only the newest
    N when the commands after keep just those (``_head_limit``). The search's deadline is checked once more after
    the sort, at the first search's column, as the read checks it.

    An output is keyed by the event the first command took last: a streaming command yields an event's outputs
    before it takes the next event."""
    key = 0.0

    def keyed() -> Iterator[Event]:
        nonlocal key
        for event in events:
            key = _newest_first(event)
            yield event

    outputs = ((key, output) for output in (_finish(keyed(), rest[:done], ctx) if done else keyed()))
    limit = _head_limit(rest[done:])
    if limit is not None:  # only the newest `limit` events can reach the output: keep just those
        held = heapq.nsmallest(limit, outputs, key=_first)
    else:
        held = list(outputs)
        held.sort(key=_first)
    current().check_time(first.name, first.offset)
    return iter([output for _, output in held])


def _first(pair: tuple[float, Event]) -> float:
    return pair[0]


def _head_limit(rest: Sequence[Command]) -> int | None:
    """N when ``head N`` follows commands that keep one output per input event (so N inputs suffice)."""
    for command in rest:
        if isinstance(command, HeadCommand):
            return command.count if command.expr is None else None
        if not _spec(command).one_to_one:
            return None
    return None


# Commands that pass on the rows they keep as they are, fields and all: a ``table`` before them still sets the
# results' columns (newuser10: ``| table x | head 1`` lost the column x when no row had it, and a CSV of 1 result
# was empty). Assumed: Splunk documents that ``table`` keeps "only the fields that you specify in the arguments"
# (table page) and that these commands filter or order results; no page says a column every result leaves empty
# survives them, which the search UI shows.
_KEEP_COLUMNS = (HeadCommand, TailCommand, SortCommand, DedupCommand, SearchCommand, WhereCommand, RegexCommand)


def _field_order(pipeline: Pipeline, rows: Sequence[Event]) -> list[str]:
    order: dict[str, None] = {}
    last = next((command for command in reversed(pipeline.commands) if not isinstance(command, _KEEP_COLUMNS)),
                None)
    if isinstance(last, TableCommand):
        for name in last.columns:
            if "*" not in name:
                order.setdefault(name, None)
    for row in rows:
        for name in row:
            order.setdefault(name, None)
    return list(order)
