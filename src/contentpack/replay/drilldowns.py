"""Drill-down searches as an analyst would run them from a notable in Enterprise Security.

Three steps, each the way ES does it:

1. ``%original_detection_search%`` becomes the detection's search text — the build writes the drilldown with
   it already expanded into ``action.notable.param.drilldown_searches`` (escu_format.md §1.5, §3.5; one home
   for the rule: ``content.naming.DRILLDOWN_PLACEHOLDER``).
2. ``$field$`` tokens in the name and search are filled from the notable's fields by plain text substitution
   (``tokens`` module, which cites the ES pages). The notable also carries ``info_min_time`` /
   ``info_max_time`` — the detection search's window; an all-time search has 0 and ``+Infinity``.
3. The time range: ``earliest_offset``/``latest_offset`` of ``$info_min_time$``/``$info_max_time$`` give the
   detection's own window; a duration such as ``2h`` is "the amount of time before [earliest] / after
   [latest] the triggering event" (ES's notable adaptive-response setting *Drill-down earliest/latest offset*,
   as the splunk.es Ansible collection documents it: https://docs.ansible.com/ansible/latest/collections/
   splunk/es/splunk_adaptive_response_notable_events_module.html); no offset searches all time.

``injected`` flags a filled search whose structure — the command sequence, with the commands of every
subsearch — differs from the same template filled with an inert word: a token value that closed its quotes
and added commands (``x" | outputlookup ...``) or a subsearch (``x" [| inputlookup ...] "``). The structure
comes from the engine's own pipeline splitter and search tokenizer (``contentpack.spl.lexer``), so quotes,
escapes and brackets are read exactly as the engine reads them when it runs the drilldown; the full parser
is not used because it refuses the very commands an injection adds. It is a coarse detector: it does not
catch a value that only widens a filter (``x" OR user="*``).

What a drilldown must return (``drilldown_checks``): one on the original search, the row it was opened from; an
events drilldown (``reads_events``), every event behind the row (``EventsBehind``, found by ``replay.lineage``),
compared by ``_raw``; the risk drilldowns (``reads_risk_index``), together, every risk event behind the row (those
the row writes, and a correlation's, those of its input it adds up: ``RiskLineage``), compared by identity
(``RISK_IDENTITY``); any other, some row. The drilldowns run first: only an event some drilldown does not return
can be missing, so lineage is asked about those events only (``Unreturned``), as leaving each event out costs a
run of the detection's search.

The risk drilldowns are judged together, not one by one: a correlation's "risk events for the last 7 days" of its
``risk_object`` (the first ranked user) keeps its own promise, that user's risk, and a second drilldown on the
tenant and the application returns the other users' and the campaign score; the finding's risk is shown when
every risk event behind it is returned by one of them. A miss is reported once per row, at the first risk
drilldown's check (``drilldown[i]`` of the lowest ``i``), naming every risk drilldown it was looked for in. A risk
drilldown returns a risk event when one of its rows *is* that event (it lists risk events: every
``RISK_IDENTITY`` field in every row), or, when its rows sum risk events up (ESCU's ``stats count ... by
normalized_risk_object``), when its rows over the risk index without that event differ -- the count, a value
listed -- the same leave-one-out ``replay.lineage`` uses for the row itself, run only for the risk events the
check asks about. A summing drilldown that fails over the risk index without a risk event cannot tell whether it
shows it: a risk event behind the row that no risk drilldown returns and one failed without fails the check, naming
the drilldown and the engine's error (until 2026-12-07 it counted as returned, a silent pass); one not behind the
row need not be returned, so a failure without it is not reported.

A drilldown search is a search job like any other: Splunk shows its messages (a subsearch cut at its maxout)
to the analyst who opens it, so they are the test's warnings, named after the drilldown as the detection's
YAML names it (``drilldown_search``), each distinct one once per drilldown however many rows said it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Protocol

from contentpack.content.model import Detection, Drilldown
from contentpack.content.naming import DRILLDOWN_PLACEHOLDER, offset_seconds
from contentpack.cut_lists import cut_list
from contentpack.replay.checks import CheckResult, job_warnings
from contentpack.simulate.risk import result_time
from contentpack.simulate.timeline import event_time
from contentpack.simulate.tokens import fill_tokens, multivalued_tokens, token_names, token_text, unfilled_tokens
from contentpack.spl import Results, SplError
from contentpack.spl.commands.sources import RISK_DATAMODEL
from contentpack.spl.lexer import split_pipeline, tokenize_search
from contentpack.spl.timeutil import iso_utc
from contentpack.spl.values import Event, Value, mv_values

Window = tuple[float | None, float | None]


class Searcher(Protocol):
    """What runs a drilldown: the embedded engine, or a real Splunk (``contentpack.splunk.remote_replay``)."""

    def search(self, text: str, *, earliest: str | float | None = None, latest: str | float | None = None,
               now: float) -> Results: ...


ALL_TIME: Window = (None, None)
# Drilldowns are checked on the first rows only: each one reruns a search, and ten rows already show whether
# the tokens key on the right fields.
DRILLDOWN_ROWS = 10
SHOWN_PROBLEMS = 3  # problems a drilldown's failure names of those its rows have (the count says how many more)
SHOWN_EVENTS = 3  # events a failure names of those a drilldown misses (the count says how many more)
INERT_VALUE = "inert"


class DrilldownOffsetError(ValueError):
    """An offset that is neither ``$info_min_time$``/``$info_max_time$`` nor a duration like ``2h``."""


@dataclass(frozen=True)
class FilledDrilldown:
    """One drilldown ready to run for one result row."""

    name: str
    search: str
    earliest: float | None
    latest: float | None
    uses_original_search: bool
    unfilled: tuple[str, ...]  # tokens the row had no value for (left as written)
    injected: bool  # a token value changed the search's command structure
    # tokens of a field holding several values in the row, left as written: no page says how ES fills them
    # (``simulate.tokens``)
    multivalued: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventsBehind:
    """What an events drilldown filled from each of the first result rows must return (``replay.lineage``): the
    events behind each row among those tried (``Unreturned``), in row order; or why they are not known
    (``not_checked``), which the drilldown's check says."""

    rows: tuple[tuple[Event, ...], ...] = ()
    not_checked: str | None = None
    warn: bool = False  # the gap is this test's (too many events to leave out): also a warning of the test


# Does some events (risk) drilldown, filled from one of the first rows, not return this event (risk event)? Only
# such an event can be reported missing, so only such events need their lineage known.
Unreturned = Callable[[Event], bool]
# The events (risk events) behind each of the first rows among those ``Unreturned`` picks (``replay.lineage``, as
# the caller knows the test's events and risk index).
FindBehind = Callable[[Unreturned], EventsBehind]

# The fields that make a risk event, as ES's risk action writes one per result and risk object
# (``simulate.risk``): the search that wrote it (``source``, the saved search's name, which ES writes into
# ``search_name`` too), the result it was written for (its ``_time``, and the ``risk_message`` filled from it), the
# object with its type, and the score. The threat objects and the result's other fields are copies of the same
# result, so they add nothing; two risk events equal in all of these are the same risk told twice, which an analyst
# cannot tell apart either (and a drilldown listing them shows both or neither).
RISK_IDENTITY = ("_time", "source", "risk_object", "risk_object_type", "risk_score", "risk_message")
# As the engine reads it (``spl.commands.sources.parse_from``): the command's name and ``datamodel`` in any letter
# case, the data model's name as written (a drilldown ``| FROM datamodel ...`` ran as a risk search, and was checked
# as one that only has to return some row, until 2026-12-07).
_RISK_START = re.compile(rf"\|\s*(?i:from)\s+(?i:datamodel)[\s:]\s*\"?{re.escape(RISK_DATAMODEL)}\b")


def risk_identity(event: Mapping[str, Value]) -> tuple[str | None, ...]:
    """A risk event as the risk drilldowns' check compares it: its ``RISK_IDENTITY`` fields' text."""
    return tuple(token_text(event.get(name)) for name in RISK_IDENTITY)


@dataclass(frozen=True)
class RiskLineage:
    """What the risk drilldowns' check needs of the engine (``replay.lineage``): the risk events behind each of the
    first rows among those ``Unreturned`` picks (``behind``), and a searcher over the test's data whose risk index
    lacks one risk event (one of the same ``risk_identity``; ``without``), to see whether a drilldown that sums risk
    up shows it."""

    behind: FindBehind
    without: Callable[[Event], Searcher]


def lineage_not_known(why: str) -> tuple[FindBehind, RiskLineage]:
    """The ``behind`` and ``risk`` of ``drilldown_checks`` where the events and risk events behind a row cannot be
    found (``replay --splunk``: leaving one out is a search job per event): each events and risk drilldown's check
    says ``why`` it did not check them, rather than pass as if nothing were behind its rows. As nothing is behind a
    row, no risk drilldown is run again without a risk event; were one, it would fail so, which the check says."""

    def behind(unreturned: Unreturned) -> EventsBehind:
        return EventsBehind(not_checked=why)

    def without(event: Event) -> Searcher:
        raise SplError(why)

    return behind, RiskLineage(behind, without)


@dataclass(frozen=True)
class DrilldownOutcome:
    """The drilldown checks of one test, one per drilldown, and the warnings of the drilldown searches' job
    messages."""

    checks: tuple[CheckResult, ...]
    warnings: tuple[str, ...] = ()


def drilldown_search(drilldown: Drilldown) -> str:
    """What a drilldown's search is called in the test's messages: its name as the detection's YAML gives it
    (tokens unfilled: one name for every row it is opened from)."""
    return f"drilldown {drilldown.name!r}"


def _notable_fields(row: Mapping[str, Value], window: Window) -> dict[str, Value]:
    """The row plus the job's time bounds as ``addinfo`` writes them (epoch with 3 decimals, ``+Infinity``)."""
    fields = dict(row)
    fields.setdefault("info_min_time", f"{window[0] if window[0] is not None else 0.0:.3f}")
    fields.setdefault("info_max_time", f"{window[1]:.3f}" if window[1] is not None else "+Infinity")
    return fields


def _bound(offset: str | None, window: Window, event_time: float, which: int) -> float | None:
    if offset is None or not offset.strip():
        return None
    text = offset.strip()
    if text in ("$info_min_time$", "$info_max_time$"):
        return window[0] if text == "$info_min_time$" else window[1]
    seconds = offset_seconds(text)
    if seconds is None:
        raise DrilldownOffsetError(f"drilldown offset {offset!r} is neither $info_min_time$/$info_max_time$ "
                                   "nor a duration such as 2h")
    return event_time - seconds if which == 0 else event_time + seconds


Structure = tuple[tuple[str, tuple["Structure | str", ...]], ...]


@lru_cache(maxsize=4096)
def structure(search: str) -> Structure | str:
    """What a token value must not change: each command with the structure of the subsearches in its
    arguments (a value can smuggle in ``[| inputlookup ...]`` without adding a pipe). A search the engine
    cannot even split is its error message, which an inert value does not produce. Memoised: the inert form of
    a drilldown is the same for every row it is filled from."""
    try:
        return tuple(_segment_structure(segment.text) for segment in split_pipeline(search))
    except SplError as exc:
        return exc.message


def _segment_structure(text: str) -> tuple[str, tuple[Structure | str, ...]]:
    command = (text.split(None, 1) or [""])[0].lower()
    subsearches = tuple(structure(token.text) for token in tokenize_search(text) if token.kind == "SUBSEARCH")
    return command, subsearches


def expand_original(detection: Detection, drilldown: Drilldown) -> str:
    return drilldown.search.replace(DRILLDOWN_PLACEHOLDER, detection.search)


def fill_drilldown(detection: Detection, drilldown: Drilldown, row: Mapping[str, Value], window: Window,
                   event_time: float) -> FilledDrilldown:
    """The drilldown for one notable (result row). Raises ``DrilldownOffsetError`` for a bad offset."""
    template = expand_original(detection, drilldown)
    fields = _notable_fields(row, window)
    several = multivalued_tokens(f"{drilldown.name}\n{template}", fields)
    single = {name: value for name, value in fields.items() if name not in several}
    search = fill_tokens(template, single)
    inert = fill_tokens(template, {name: INERT_VALUE for name in token_names(template)})
    return FilledDrilldown(
        name=fill_tokens(drilldown.name, single),
        search=search,
        earliest=_bound(drilldown.earliest_offset, window, event_time, 0),
        latest=_bound(drilldown.latest_offset, window, event_time, 1),
        uses_original_search=DRILLDOWN_PLACEHOLDER in drilldown.search,
        unfilled=tuple(dict.fromkeys(unfilled_tokens(template, fields))),
        injected=structure(search) != structure(inert),
        multivalued=tuple(several),
    )


def run_drilldown(engine: Searcher, filled: FilledDrilldown, now: float) -> Results:
    """Run a filled drilldown over the engine's data (raises ``SplError`` as any search does)."""
    return engine.search(filled.search, earliest=filled.earliest, latest=filled.latest, now=now)


def run_events_drilldown(engine: Searcher, filled: FilledDrilldown, now: float) -> Results:
    """``run_drilldown`` for an events drilldown whose check reads only its events' ``_raw``: the search with
    ``| fields _raw`` after it, which keeps every row it returns with its ``_raw`` and other internal fields
    ("fields" is a one-to-one command that removes internal fields only when told to) but lets a search read
    only the fields its own commands need instead of every field of every event."""
    return run_drilldown(engine, replace(filled, search=f"{filled.search}\n| fields _raw"), now)


def _same_row(candidate: Mapping[str, Value], row: Mapping[str, Value]) -> bool:
    return all(token_text(candidate.get(name)) == token_text(value) for name, value in row.items())


def returns_result(results: Results, row: Mapping[str, Value]) -> bool:
    """Does a drilldown built on the original search give back the result it was opened from?"""
    return any(_same_row(candidate, row) for candidate in results.rows)


def reads_events(drilldown: Drilldown) -> bool:
    """An events drilldown: not built on the original search, and starting with a search of the indexes (not
    with a generating command such as ``| from datamodel Risk.All_Risk``): what it returns are events."""
    return DRILLDOWN_PLACEHOLDER not in drilldown.search and not drilldown.search.lstrip().startswith("|")


def reads_risk_index(drilldown: Drilldown) -> bool:
    """A risk drilldown: not built on the original search, and starting with ``| from datamodel Risk.All_Risk``
    (ESCU's "View risk events for the last 7 days"): what it returns are ES's risk events. Narrower than
    ``splunk.remote_replay.reads_risk``, on purpose: the lineage check compares what this drilldown returns with
    the risk events behind its row, so only a search whose results are risk events qualifies; that one asks
    whether a search reads the Risk data model anywhere at all (a ``tstats``, a subsearch), and so needs a risk
    index on Splunk."""
    return DRILLDOWN_PLACEHOLDER not in drilldown.search and _RISK_START.match(drilldown.search.lstrip()) is not None


def _event_label(event: Event) -> str:
    """An event as a failure names it: its time (``iso_utc``, the form every time the replay and the backtest give
    is in) and what it records (``operationName``, else the start of its ``_raw``)."""
    what = token_text(event.get("operationName")) or (token_text(event.get("_raw")) or "")[:60]
    return f"{_clock(event)} {what}"


def _clock(event: Event) -> str:
    """An event's time as a failure gives it (``iso_utc``), or ``no time``."""
    when = event_time(event)
    return "no time" if when is None else iso_utc(when)


@dataclass(frozen=True)
class _EventsReturned:
    """An events drilldown filled from one row ran and returned events: their ``_raw`` (the indexed text: one
    record's whatever the drilldown renames or computes), for the events behind the row once they are known."""

    row_number: int
    label: str
    row: Mapping[str, Value]
    raws: frozenset[str | None]

    @classmethod
    def of(cls, row_number: int, label: str, row: Mapping[str, Value], results: Results) -> _EventsReturned:
        return cls(row_number, label, row,
                   frozenset(token_text(got.get("_raw")) for got in results.rows if got.get("_raw") is not None))

    def misses(self, event: Event) -> bool:
        return token_text(event.get("_raw")) not in self.raws

    def problem(self, drilldown: Drilldown, template: str, behind: EventsBehind | None) -> str | None:
        """What the drilldown misses of the events behind its row, if anything (and if they are known)."""
        if behind is None or self.row_number >= len(behind.rows):
            return None
        missing = [event for event in behind.rows[self.row_number] if self.misses(event)]
        if not missing:
            return None
        keys = ", ".join(f"{name}={token_text(self.row[name])}" for name in token_names(template) if name in self.row)
        return (f"{self.label} ({keys}): {drilldown_search(drilldown)} misses {len(missing)} event(s) behind the "
                f"finding: {cut_list(missing, SHOWN_EVENTS, _event_label)}")


def _risk_label(event: Event) -> str:
    """A risk event as a failure names it: its time, its object with the object's type and the score, and the search
    that wrote it."""
    return (f"{_clock(event)} {token_text(event.get('risk_object'))} ({token_text(event.get('risk_object_type'))}, "
            f"score {token_text(event.get('risk_score'))}) from {token_text(event.get('source'))}")


def _shown_rows(rows: Sequence[Mapping[str, Value]]) -> Counter[tuple[tuple[str, str | None], ...]]:
    """A drilldown's rows as the analyst sees them, in any order: each row's fields as a token shows them."""
    return Counter(tuple(sorted((name, token_text(value)) for name, value in row.items())) for row in rows)


@dataclass(frozen=True)
class _RiskReturned:
    """A risk drilldown (``called``, as ``drilldown_search`` calls it) filled from one row ran and returned rows;
    ``returns`` says whether it returns a risk event (module docstring: one of its rows is the event, or its rows
    without the event differ)."""

    row_number: int
    label: str
    row: Mapping[str, Value]
    called: str
    filled: FilledDrilldown
    rows: tuple[Mapping[str, Value], ...]
    listed: frozenset[tuple[str | None, ...]] | None  # the risk events its rows are, when they all carry them

    @classmethod
    def of(cls, row_number: int, label: str, row: Mapping[str, Value], called: str, filled: FilledDrilldown,
           results: Results) -> _RiskReturned:
        lists = all(name in got for got in results.rows for name in RISK_IDENTITY)
        return cls(row_number, label, row, called, filled, tuple(results.rows),
                   frozenset(map(risk_identity, results.rows)) if lists else None)

    def returns(self, event: Event, without: Callable[[Event], Searcher], now: float) -> bool | str:
        """Whether it returns ``event``, or, when it sums risk up and fails over the risk index without the event,
        what failed (the drilldown and the engine's error): whether it shows the event is then not known, which
        the check says rather than count the event returned (until 2026-12-07 it did, a silent pass)."""
        if self.listed is not None:
            return risk_identity(event) in self.listed
        try:
            again = run_drilldown(without(event), self.filled, now).rows
        except SplError as exc:
            return f"{self.called}: {exc}"
        return _shown_rows(again) != _shown_rows(self.rows)


@dataclass(frozen=True)
class _Asked:
    """Whether the risk drilldowns filled from one row return a risk event: ``returned`` by one of them, or not, and
    then what each that could not tell said (``failed``: it failed over the risk index without the event)."""

    returned: bool
    failed: tuple[str, ...] = ()


@dataclass
class _RiskMisses:
    """Which risk events the risk drilldowns filled from each row all miss, each found once (a summing drilldown
    runs again per risk event asked about). Not frozen: it remembers each answer, for the one check that asks
    (``drilldown_checks``: the lineage's pick, then the failure's list, ask of the same events)."""

    entries: Mapping[int, Sequence[_RiskReturned]]
    without: Callable[[Event], Searcher]
    now: float
    _known: dict[tuple[int, tuple[str | None, ...]], _Asked] = field(default_factory=dict, init=False, repr=False)

    def asked(self, row_number: int, event: Event) -> _Asked:
        key = (row_number, risk_identity(event))
        if key not in self._known:
            self._known[key] = self._ask(row_number, event)
        return self._known[key]

    def _ask(self, row_number: int, event: Event) -> _Asked:
        failed: list[str] = []
        for entry in self.entries[row_number]:
            answer = entry.returns(event, self.without, self.now)
            if answer is True:
                return _Asked(True)
            if isinstance(answer, str):
                failed.append(answer)
        return _Asked(False, tuple(failed))

    def unreturned(self, event: Event) -> bool:
        """Returned by no risk drilldown filled from some row, or not known to be: its lineage must be known."""
        return any(not self.asked(number, event).returned for number in self.entries)

    def problems(self, detection: Detection, behind: EventsBehind) -> list[str]:
        """Per row, the risk events behind it no risk drilldown filled from it returns, and those some drilldown
        that sums risk up could not tell of (it failed without the event) when none returns them."""
        drilldowns = [d for d in detection.drilldown_searches if reads_risk_index(d)]
        names = (f"{drilldown_search(drilldowns[0])} misses" if len(drilldowns) == 1 else
                 "none of " + ", ".join(map(drilldown_search, drilldowns)) + " returns")
        templates = "\n".join(expand_original(detection, d) for d in drilldowns)
        out = []
        for number, entries in self.entries.items():
            if number >= len(behind.rows):
                continue
            asked = [(event, self.asked(number, event)) for event in behind.rows[number]]
            missing = [event for event, answer in asked if not answer.returned and not answer.failed]
            unknown = [(event, answer.failed) for event, answer in asked if not answer.returned and answer.failed]
            row = entries[0].row
            keys = ", ".join(f"{name}={token_text(row[name])}" for name in dict.fromkeys(token_names(templates))
                             if name in row)
            if missing:
                out.append(f"{entries[0].label} ({keys}): {names} {len(missing)} risk event(s) behind the finding: "
                           f"{cut_list(missing, SHOWN_EVENTS, _risk_label)}")
            if unknown:
                out.append(f"{entries[0].label} ({keys}): {len(unknown)} risk event(s) behind the finding not known "
                           "to be returned, as a risk drilldown failed over the risk index without each: "
                           f"{cut_list(unknown, SHOWN_EVENTS, _failed_label)}")
        return out


def _failed_label(unknown: tuple[Event, tuple[str, ...]]) -> str:
    """A risk event no risk drilldown is known to return, with what failed without it (``_RiskReturned.returns``)."""
    event, failed = unknown
    return f"{_risk_label(event)} ({'; '.join(failed)})"


@dataclass(frozen=True)
class _Drilled:
    """One drilldown run from each of the first rows: per row in order, a problem or the events an events
    drilldown returned (checked against the events behind the row once all drilldowns ran); and the distinct
    messages of its jobs, in the order first said."""

    entries: tuple[str | _EventsReturned | _RiskReturned, ...]
    said: tuple[str, ...]

    def problems(self, drilldown: Drilldown, template: str, behind: EventsBehind | None) -> list[str]:
        found = (entry if isinstance(entry, str) else
                 entry.problem(drilldown, template, behind) if isinstance(entry, _EventsReturned) else None
                 for entry in self.entries)
        return [problem for problem in found if problem is not None]


def _drill(engine: Searcher, detection: Detection, drilldown: Drilldown, rows: Sequence[Mapping[str, Value]],
           now: float, window: Window) -> _Drilled:
    entries: list[str | _EventsReturned | _RiskReturned] = []
    said: dict[str, None] = {}
    for row_number, row in enumerate(rows[:DRILLDOWN_ROWS]):
        try:
            filled = fill_drilldown(detection, drilldown, row, window, result_time(row, now))
        except DrilldownOffsetError as exc:
            entries.append(str(exc))
            break
        label = f"row {row_number}"
        if filled.injected:
            entries.append(f"{label}: a token value changed the search's commands")
            continue
        if filled.unfilled:
            entries.append(f"{label}: no value for token(s) {', '.join(filled.unfilled)}")
            continue
        if filled.multivalued:
            entries.append(f"{label}: {multivalue_problem(filled.multivalued, row)}")
            continue
        try:
            events = reads_events(drilldown)
            results = (run_events_drilldown if events else run_drilldown)(engine, filled, now)
        except SplError as exc:
            entries.append(f"{label}: {exc}")
            continue
        said.update(dict.fromkeys(job_warnings(drilldown_search(drilldown), results)))
        if filled.uses_original_search and not returns_result(results, row):
            entries.append(f"{label}: the drilldown does not return the result it was opened from")
        elif not filled.uses_original_search and not results.rows:
            entries.append(f"{label}: the drilldown returns nothing")
        elif events:
            entries.append(_EventsReturned.of(row_number, label, row, results))
        elif reads_risk_index(drilldown):
            entries.append(_RiskReturned.of(row_number, label, row, drilldown_search(drilldown), filled, results))
    return _Drilled(tuple(entries), tuple(said))


def multivalue_problem(names: Sequence[str], row: Mapping[str, Value]) -> str:
    """Why a drilldown filled from ``row`` cannot be run as ES would run it: its tokens ``names`` hold several values,
    and no Splunk page says how ES fills a drilldown token from a multivalue field (``simulate.tokens``)."""
    held = ", ".join(f"${name}$ holds {len(mv_values(row.get(name)))} values" for name in names)
    return (f"{held}: no Splunk page says how ES fills a drilldown token from a multivalue field (joined, or its "
            "first value only), so what the analyst would run is unknown; key the drilldown on a field with one "
            "value per result")


def drilldown_checks(engine: Searcher, detection: Detection, rows: Sequence[Mapping[str, Value]],
                     now: float, window: Window = ALL_TIME,
                     behind: FindBehind | None = None, risk: RiskLineage | None = None) -> DrilldownOutcome:
    """Each drilldown, filled from each of the first result rows, must run, stay structurally the search
    the author wrote, fill every token, and lead back to its result: a drilldown on the original search must
    return that very row, any other drilldown at least one row. Given ``behind``, the events behind each row
    (``replay.lineage``), asked once every drilldown ran about the events some events drilldown does not return,
    an events drilldown (``reads_events``) filled from a row must return every one of them; given ``risk``, the
    risk drilldowns (``reads_risk_index``) filled from a row must together return every risk event behind it
    (module docstring). A check says when what is behind is not known, and the test warns when its own data is
    why. What the searches' jobs said are warnings."""
    drilled = [_drill(engine, detection, drilldown, rows, now, window) for drilldown in detection.drilldown_searches]
    returned = [entry for each in drilled for entry in each.entries if isinstance(entry, _EventsReturned)]
    known = (behind(lambda event: any(entry.misses(event) for entry in returned))
             if behind is not None and any(map(reads_events, detection.drilldown_searches)) else None)
    by_row: dict[int, list[_RiskReturned]] = {}
    for entry in (entry for each in drilled for entry in each.entries if isinstance(entry, _RiskReturned)):
        by_row.setdefault(entry.row_number, []).append(entry)
    misses = _RiskMisses(by_row, risk.without, now) if risk is not None and by_row else None
    known_risk = risk.behind(misses.unreturned) if risk is not None and misses is not None else None
    first_risk = next((index for index, drilldown in enumerate(detection.drilldown_searches)
                       if reads_risk_index(drilldown)), None)
    out: list[CheckResult] = []
    warnings = [f"{what} lineage not checked: {found.not_checked}"
                for what, found in (("drilldown", known), ("risk drilldown", known_risk))
                if found is not None and found.warn]
    for index, (drilldown, each) in enumerate(zip(detection.drilldown_searches, drilled)):
        problems = each.problems(drilldown, expand_original(detection, drilldown), known)
        if index == first_risk and misses is not None and known_risk is not None:
            problems += misses.problems(detection, known_risk)
        shown = cut_list(problems, SHOWN_PROBLEMS)
        detail = shown or f"{min(len(rows), DRILLDOWN_ROWS)} row(s) drilled down"
        if known is not None and known.not_checked is not None and reads_events(drilldown):
            detail += f"; the events behind each row not checked: {known.not_checked}"
        if known_risk is not None and known_risk.not_checked is not None and reads_risk_index(drilldown):
            detail += f"; the risk events behind each row not checked: {known_risk.not_checked}"
        out.append(CheckResult(("drilldown", index), not problems, detail, placed=False))
        warnings += each.said
    return DrilldownOutcome(tuple(out), tuple(warnings))
