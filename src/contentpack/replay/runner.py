"""Run every detection test of a pack and check it, as ``contentctl test`` would on a Splunk instance — and,
by default, as Enterprise Security would run it in production (``replay.scheduled``, ``contentpack.simulate``).

Per test: index the test's attack data with its source/sourcetype, build the risk index for a Correlation
test from its ``risk_from`` detections (each run over the same data, their results turned into ES risk
events), run the detection's search over all time — contentctl forces all time (``FORCE_ALL_TIME``,
escu_format.md §4), so a test's ``earliest_time``/``latest_time`` are not used — then apply the checks
(``checks``) and run the drilldowns against the results (``drilldowns``; an events drilldown must return the
events behind each row, the risk drilldowns together the risk events behind it, each found by leaving it out,
``lineage``).

The replay's "now" is fixed per test: one second after the newest attack-data event (``REPLAY_NOW`` when the
data has no timestamps), or the ``now`` the caller passes. Why not one date for every test: the detection
runs over all time, so its results do not depend on it, but what happens next does — a risk event without a
``_time`` gets the search's time, and an analyst's drilldown such as ``starthoursago=168`` is relative to the
moment the notable fires, which on a real instance is the scheduled run right after the activity. A single
date far from the data would put every risk event outside that drilldown's window.

Nothing raises for bad content or failing searches: each becomes a failed outcome with a position.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from contentpack import collector
from contentpack.content.diagnostics import Diagnostic, Position, error
from contentpack.content.model import Detection, Pack, UnitTest
from contentpack.content.rules.spl_checks import Positions, placed_in_file
from contentpack.content.spl_macros import filter_drop
from contentpack.replay.attack_data import AttackDataStore, DataFile
from contentpack.replay.checks import (
    CheckResult,
    Row,
    job_warnings,
    result_checks,
)
from contentpack.replay.drilldowns import (
    ALL_TIME,
    DRILLDOWN_ROWS,
    EventsBehind,
    RiskLineage,
    Unreturned,
    drilldown_checks,
)
from contentpack.replay.lineage import HeldRisk, RiskFrom, events_behind, risk_behind
from contentpack.replay.scheduled import ScheduledOutcome, outcome_of, scheduled_checks, scheduled_warnings
from contentpack.simulate import (
    DelayPlan,
    EventIndex,
    SimulationError,
    SimulationResult,
    TooLarge,
    index_events,
    simulate,
)
from contentpack.simulate.engine_setup import REPLAY_NOW, ReplaySetupError, build_engine
from contentpack.simulate.risk import risk_events
from contentpack.spl import Engine, Results, SplError
from contentpack.spl.hints import absent_in, reads_risk, search_keeps, unmatched_index
from contentpack.spl.values import Event

RULE_SEARCH = "RP003"
RULE_RISK_FROM = "RP004"
RULE_SCHEDULE = "RP005"
RULE_PERIOD = "RP006"
RULE_THROTTLE = "RP007"

__all__ = ["CheckResult", "DetectionTestOutcome", "ReplayReport", "replay_pack", "risk_from_search",
           "run_detection_search", "run_test", "select_detections"]


def position_of_test(detection: Detection, test_index: int) -> Position:
    """Where a test's problems are reported (a replay's failed checks but those placed at the expectation they
    check, ``CheckResult.node``; a sweep's differing variants): its ``tests[i]`` entry in its detection's YAML
    (validate's relative path and 1-based line/col)."""
    return detection.source.at("tests", test_index)


def with_places(detection: Detection, test_index: int,
                checks: Iterable[CheckResult]) -> tuple[tuple[CheckResult, Position], ...]:
    """Each of a test's ``checks`` with where it is reported: the key of the expectation it checks under the test's
    entry (``CheckResult.node``: ``expected_results``, an ``expected_rows`` item, an ``expected_risk`` object), else
    the entry itself; the local and the remote replay place them alike."""
    return tuple((check, detection.source.key("tests", test_index, *check.node)) for check in checks)


@dataclass(frozen=True)
class DetectionTestOutcome:
    """One detection test: what the search returned and every check applied to it."""

    detection: str
    test: str
    position: Position  # the test's ``tests[i]`` entry in its detection's YAML (validate's path and 1-based line/col)
    result_count: int | None
    expected_results: int | None
    placed_checks: tuple[tuple[CheckResult, Position], ...] = ()  # each check with its place (``with_places``)
    errors: tuple[Diagnostic, ...] = ()  # the test could not run: why, where
    seconds: float = 0.0
    risk_event_count: int = 0
    now: float = REPLAY_NOW  # the "now" the test ran at
    scheduled: ScheduledOutcome | None = None  # None in --all-time mode or when the test could not run
    # visible gaps that do not fail the test: the searches' job messages (a subsearch cut at its maxout, as
    # Splunk would say it; the drilldown searches' too, named after each drilldown), the simulated runs' (each
    # distinct one with how many runs said it), the scheduled run's gaps (see replay.scheduled) and, first, when a
    # check failed, the attack-data files with events past the extraction cutoff (``AttackDataStore.cut_warnings``:
    # a test that records past the cut on purpose, to pin a detection that reads them with spath, passes quietly)
    warnings: tuple[str, ...] = ()

    @classmethod
    def starting(cls, detection: Detection, test_index: int) -> DetectionTestOutcome:
        """The outcome of ``detection``'s test ``test_index`` before it runs: nothing found, nothing checked."""
        test = detection.tests[test_index]
        return cls(detection.name, test.name, position_of_test(detection, test_index), None, test.expected_results)

    @property
    def path(self) -> str:
        """The detection's YAML file, relative to the pack's root (as validate prints it)."""
        return self.position.path

    @property
    def ok(self) -> bool:
        return not self.errors and all(check.ok for check in self.checks)

    @property
    def failed_checks(self) -> list[str]:
        """``name: detail`` of each failed check, without its place (``placed_failed_checks``)."""
        return [line for _, line in self.placed_failed_checks]

    @property
    def checks(self) -> tuple[CheckResult, ...]:
        """The checks applied, in order, without their places (``placed_checks``)."""
        return tuple(check for check, _ in self.placed_checks)

    @property
    def placed_failed_checks(self) -> list[tuple[Position, str]]:
        """Each failed check's ``name: detail`` at its place (``placed_checks``)."""
        return [(where, f"{c.name}: {c.detail}") for c, where in self.placed_checks if not c.ok]

    @property
    def failures(self) -> list[str]:
        return [problem.render() for problem in self.errors] + self.failed_checks


@dataclass(frozen=True)
class ReplayReport:
    outcomes: tuple[DetectionTestOutcome, ...]
    setup_errors: tuple[str, ...] = ()
    seconds: float = 0.0
    mode: str = "all-time"  # "all-time" (contentctl's way; also a remote replay) or "scheduled" (+ the timeline)

    @property
    def ok(self) -> bool:
        return not self.setup_errors and all(outcome.ok for outcome in self.outcomes)


class TestFailed(Exception):
    """Stop one test with positioned problems (``messages``): the replay turns it into a failed outcome, the
    sweep (``replay.sweep``) into a failed swept test; it never reaches the user as a traceback."""

    def __init__(self, problems: Sequence[Diagnostic]) -> None:
        super().__init__("; ".join(d.render() for d in problems))
        self.problems = tuple(problems)


def _spl_problem(root: Path, detection: Detection, what: str, exc: SplError) -> Diagnostic:
    """An SPL error at the YAML line and column of the part of the detection's ``search`` it is about (as
    validate places its SPL findings)."""
    positions = Positions(root)  # one for both, so that the detection's file is read once
    exc = placed_in_file(exc, partial(positions.at, detection.source, ("search",), detection.search))
    return _search_problem(positions, detection, what, exc.column, exc.message)


def _search_problem(positions: Positions, detection: Detection, what: str, column: int | None,
                    message: str) -> Diagnostic:
    """RP003 at the YAML line and column of ``column`` (1-based, in the search text) of the detection's search:
    one place for the reader. Only when that character cannot be placed in the file (the file unreadable) is the
    error at the ``search`` key, with the column inside the search text in the message."""
    source = detection.source
    at = positions.character(source, ("search",), detection.search, None if column is None else column - 1)
    if at is not None or column is None:
        return error(at or source.at("search"), RULE_SEARCH, f"{what}: {message}")
    return error(source.at("search"), RULE_SEARCH, f"{what} column {column}: {message}")


def run_detection_search(engine: Engine, detection: Detection, now: float = REPLAY_NOW) -> Results:
    """The detection's search over all time at ``now`` (raises ``SplError``)."""
    return engine.search(detection.search, earliest=ALL_TIME[0], latest=ALL_TIME[1], now=now)


def risk_from_search(source: Detection, what: str = "search") -> str:
    """What a ``risk_from`` detection's search (or its scheduled runs) is called in the test's messages."""
    return f"risk_from detection {source.name!r}: {what}"


def scheduled_job_warnings(result: SimulationResult, detection: Detection, sources: Sequence[Detection]) -> list[str]:
    """The simulated runs' job messages as the test's warnings, those of the ``risk_from`` detections (named
    after them) first: each distinct message once, with how many of the detection's runs said it and when
    first -- Splunk would show it beside each of those runs' results. A ``risk_from`` naming the test's own
    detection is the same runs: their messages are told once, as its own."""
    warnings: list[str] = []
    for source in [*(s for s in sources if s.name != detection.name), detection]:
        what = "scheduled runs" if source is detection else risk_from_search(source, "scheduled runs")
        messages = result.messages_of(source.name)
        total = len(result.runs_of(source.name)) if messages else 0
        warnings += [m.said_by(what, total) for m in messages]
    return warnings


@dataclass
class ReplayContext:
    """What every test of one replay shares: the pack, its attack data, the scheduled timelines' engine."""

    pack: Pack
    store: AttackDataStore
    now: float | None  # None: derive from each test's data
    by_name: Mapping[str, Detection] = field(default_factory=dict)
    scheduled_engine: Engine | None = None  # None: --all-time mode
    indexes: dict[tuple[object, ...], EventIndex] = field(default_factory=dict)
    #: the pack's engine without events, built once: each test's engine is a fork of it, so the pack's lookups
    #: are read once and each distinct search is parsed and compiled once per replay, not once per test (None:
    #: each test builds its own)
    pack_engine: Engine | None = None
    #: the all-time results of each search run over a test's files with an empty risk index (``_over_files``)
    over_files: dict[tuple[str, tuple[DataFile, ...], float], Results] = field(default_factory=dict)


def _engine_with_data(ctx: ReplayContext, detection: Detection, test_index: int,
                      test: UnitTest) -> tuple[Engine, float, list[DataFile]]:
    """The engine holding the test's data, the test's "now", and the test's files."""
    if ctx.pack_engine is not None:
        engine = ctx.pack_engine.fork((), ())
    else:
        try:
            engine = build_engine(ctx.pack)
        except ReplaySetupError as exc:
            raise TestFailed(exc.diagnostics) from None
    files, problems = ctx.store.files_for(detection, test_index, test.attack_data)
    if problems:
        raise TestFailed(problems)
    for item in files:
        item.register(engine)
    if ctx.now is not None:
        return engine, ctx.now, files
    newest = ctx.store.newest_time(files)
    return engine, REPLAY_NOW if newest is None else newest + 1.0, files


def risk_sources(by_name: Mapping[str, Detection], detection: Detection, test_index: int,
                 test: UnitTest) -> list[Detection]:
    """The test's ``risk_from`` detections among ``by_name`` (the pack's), each of which must exist and write risk
    (else ``TestFailed``, RP004 at the ``risk_from`` entry): the local replay's and ``replay --splunk``'s."""
    sources: list[Detection] = []
    for number, name in enumerate(test.risk_from):
        source = by_name.get(name)
        where = detection.source.at("tests", test_index, "risk_from", number)
        if source is None:
            raise TestFailed([error(where, RULE_RISK_FROM, f"risk_from names no detection of the pack: {name!r}")])
        if source.rba is None:
            raise TestFailed([error(where, RULE_RISK_FROM,
                                     f"risk_from detection {name!r} has no rba block, so it writes no risk")])
        sources.append(source)
    return sources


def delay_plan(ctx: ReplayContext, test: UnitTest) -> DelayPlan:
    """Which ingestion-delay model each of the test's events gets (its ``ingestion_delay``, else the pack's)."""
    return DelayPlan.for_pack(ctx.pack.data_sources, test.ingestion_delay)


def scheduled_timeline(ctx: ReplayContext, detection: Detection, test_index: int, test: UnitTest,
                       files: Sequence[DataFile] | None = None) -> tuple[EventIndex, list[Detection]]:
    """The test's scheduled timeline as the replay runs it: its events (``files``, default the test's) indexed
    with the test's ingestion delay, and the detections it runs -- the test's, then its ``risk_from``
    detections, each once (each on its schedule once, as in ES). Raises ``TestFailed``."""
    if files is None:
        files, problems = ctx.store.files_for(detection, test_index, test.attack_data)
        if problems:
            raise TestFailed(problems)
    key = (tuple(files), test.ingestion_delay)
    index = ctx.indexes.get(key)
    if index is None:  # tests over the same files share one index (and its base-search matches)
        events = [event for item in files for event in ctx.store.events(item)]
        index = ctx.indexes[key] = index_events(events, delay_plan(ctx, test))
    sources = risk_sources(ctx.by_name, detection, test_index, test)
    return index, list({d.name: d for d in [detection, *sources]}.values())


def run_timeline(ctx: ReplayContext, detection: Detection, test_index: int, index: EventIndex,
                 chosen: Sequence[Detection], skews: Mapping[str, float] | None = None,
                 delays: Mapping[str, float] | None = None,
                 held_back: Mapping[str, tuple[float, float]] | None = None) -> SimulationResult:
    """``chosen`` on their schedules over ``index`` (``skews``, ``delays``, ``held_back``: ``simulate``'s),
    with the problems of the simulation placed in the pack's YAML (RP003, RP005, RP006). Raises ``TestFailed``."""
    assert ctx.scheduled_engine is not None
    try:
        result = simulate(ctx.pack, index, detections=chosen, engine=ctx.scheduled_engine, skews=skews,
                          delays=delays, held_back=held_back)
    except TooLarge as exc:  # the attack data's events lie too far apart (or a dispatch window is very long)
        raise TestFailed([error(detection.source.at("tests", test_index, "attack_data"), RULE_PERIOD,
                                f"scheduled run: {exc} (the attack data's time span plus the detections' "
                                "dispatch windows, each counted up to three times); keep the test's events closer "
                                "together, or the windows shorter")]) from None
    if result.errors:
        raise TestFailed([placed_simulation_error(Path(ctx.pack.root), ctx.by_name.get(problem.detection, detection),
                                                  problem) for problem in result.errors])
    return result


def placed_simulation_error(root: Path, source: Detection, problem: SimulationError) -> Diagnostic:
    """A detection the simulation could not run, at the YAML line and column of the cause in ``source`` (RP003,
    RP005, RP007): the replay's failed test and the backtest's stopped detection say it alike."""
    if problem.spl is not None:  # as the replay's own search errors: the quotes an unclosed one names placed too
        return _spl_problem(root, source, "scheduled run: search", problem.spl)
    if problem.what == "answer":  # Splunk refused a run (backtest --splunk): said whole, as replay --splunk says it
        return error(source.source.at("search"), RULE_SEARCH, problem.message)
    if problem.what == "cron":  # the column of the bad part inside the cron_schedule value
        where = source.source.at("deployment", "scheduling", "cron_schedule")
        if where.line > 0 and problem.column is not None:
            where = replace(where, col=where.col + problem.column)
        return error(where, RULE_SCHEDULE, f"scheduled run: {problem.message}")
    if problem.what == "throttle":
        return error(source.source.at("tags", "throttling", "fields"), RULE_THROTTLE,
                     f"scheduled run: {problem.message}")
    return error(source.source.at("deployment", "scheduling"), RULE_SCHEDULE, f"scheduled run: {problem.message}")


def _scheduled(ctx: ReplayContext, detection: Detection, test_index: int, test: UnitTest,
               files: Sequence[DataFile], result: SimulationResult | None = None,
               ) -> tuple[ScheduledOutcome, list[CheckResult], list[str]]:
    """The test through the simulated ES timeline (``result``, when the caller ran it already: the sweep's unmoved
    timeline), the scheduled expectations it declares, and the warnings of the runs' job messages."""
    index, chosen = scheduled_timeline(ctx, detection, test_index, test, files)
    if result is None:
        result = run_timeline(ctx, detection, test_index, index, chosen)
    outcome = outcome_of(result, ctx.pack.app, detection, index)
    return outcome, scheduled_checks(test, outcome), scheduled_job_warnings(result, detection, chosen[1:])


def _over_files(ctx: ReplayContext, engine: Engine, detection: Detection, files: Sequence[DataFile],
                now: float) -> Results:
    """``run_detection_search`` on ``engine``, the pack's engine holding the test's ``files`` and an empty risk
    index, run once per replay for each search, files and "now": a correlation test's ``risk_from``
    detections run over the files their own tests run over (the baseline tenant's), and the same search over the
    same events at the same time gives the same results. Each caller gets its own copy of the rows and of the
    field list (the kept result outlives the test that made it); a search that fails is not kept (it raises
    again)."""
    key = (detection.search, tuple(files), now)
    results = ctx.over_files.get(key)
    if results is None:
        results = ctx.over_files[key] = run_detection_search(engine, detection, now)
    return replace(results, rows=[dict(row) for row in results.rows], fields=list(results.fields))


def _risk_index(ctx: ReplayContext, engine: Engine, detection: Detection, test_index: int, test: UnitTest,
                now: float, files: Sequence[DataFile]) -> tuple[list[Event], list[str]]:
    """Risk events of the test's ``risk_from`` detections, each run over this test's data, and the warnings
    of their searches' job messages."""
    events: list[Event] = []
    warnings: list[str] = []
    for source in risk_sources(ctx.by_name, detection, test_index, test):
        what = risk_from_search(source)
        try:
            results = _over_files(ctx, engine, source, files, now)
        except SplError as exc:
            raise TestFailed([_spl_problem(Path(ctx.pack.root), source, what, exc)]) from None
        events.extend(risk_events(ctx.pack.app, source, results.rows, now))
        warnings += job_warnings(what, results)
    return events, warnings


def _events_behind(ctx: ReplayContext, engine: Engine, detection: Detection, test_index: int, test: UnitTest,
                   files: Sequence[DataFile], rows: Sequence[Event], now: float,
                   unreturned: Unreturned) -> EventsBehind:
    """The events behind the first rows among those an events drilldown does not return (``replay.lineage``;
    through the risk events of the test's ``risk_from`` detections, a correlation's)."""
    events = [event for item in files for event in ctx.store.events(item)]
    sources = tuple(risk_sources(ctx.by_name, detection, test_index, test))  # as _risk_index found them: no TestFailed
    try:
        return events_behind(engine, detection.search, events, rows, now,
                             RiskFrom(ctx.pack.app, sources) if sources else None, unreturned=unreturned)
    except SplError as exc:
        return EventsBehind(not_checked=f"the search failed over the test's events without one: {exc}", warn=True)


def _risk_lineage(ctx: ReplayContext, engine: Engine, detection: Detection, files: Sequence[DataFile],
                  risk: Sequence[Event], own_risk: Sequence[Event], rows: Sequence[Event], now: float) -> RiskLineage:
    """The risk events behind the first rows (``replay.lineage.risk_behind``: those each row writes, and a
    correlation's, those of its ``risk_from`` input ``risk`` it adds up, run again over the test's events, read only
    then) and the risk index the drilldowns read (``risk`` and ``own_risk``), for the risk drilldowns' check."""

    def behind(unreturned: Unreturned) -> EventsBehind:
        written = [risk_events(ctx.pack.app, detection, [row], now) for row in rows[:DRILLDOWN_ROWS]]
        events = [event for item in files for event in ctx.store.events(item)] if risk else []
        try:
            return risk_behind(engine, detection.search, events, risk, written, rows, now, unreturned=unreturned)
        except SplError as exc:
            return EventsBehind(not_checked=f"the search failed over the risk index without one risk event: {exc}",
                                warn=True)

    return RiskLineage(behind, HeldRisk(engine, (*risk, *own_risk)).without)


def run_test(ctx: ReplayContext, detection: Detection, test_index: int, test: UnitTest,
             scheduled_result: SimulationResult | None = None) -> DetectionTestOutcome:
    """One test replayed and judged: its all-time search and drilldowns, and unless ``ctx`` is all-time, its
    scheduled timeline (``scheduled_result``, when the caller ran it already) with the checks of its scheduled
    expectations. The one home of a test's verdict: ``replay --sweep`` holds each swept test's unmoved timeline to
    it, so that a green sweep never means less than a green replay."""
    started = time.perf_counter()
    outcome = DetectionTestOutcome.starting(detection, test_index)
    try:
        engine, now, files = _engine_with_data(ctx, detection, test_index, test)
        risk, risk_warnings = _risk_index(ctx, engine, detection, test_index, test, now, files)
        engine.register_risk_index(risk)
        try:
            results = run_detection_search(engine, detection, now) if risk else _over_files(ctx, engine, detection,
                                                                                          files, now)
        except SplError as exc:
            raise TestFailed([_spl_problem(Path(ctx.pack.root), detection, "search", exc)]) from None
        rows = results.rows
        scheduled = None
        scheduled_results: list[CheckResult] = []
        scheduled_messages: list[str] = []
        if ctx.scheduled_engine is not None:
            scheduled, scheduled_results, scheduled_messages = _scheduled(ctx, detection, test_index, test, files,
                                                                          scheduled_result)
    except TestFailed as failed:
        return replace(outcome, errors=failed.problems, seconds=time.perf_counter() - started)
    own_risk = risk_events(ctx.pack.app, detection, rows, now)
    engine.register_risk_index(own_risk)
    checks = result_checks(detection, test, rows)
    warnings = [*risk_warnings, *job_warnings("search", results),
                *_index_hint(engine, detection, test, rows, files),
                *_absent_field_hints(engine, detection, test, rows, now),
                *_filter_macro_hints(ctx.pack, engine, detection, test, rows, now)]
    if rows:
        drilled = drilldown_checks(engine, detection, rows, now,
                                   behind=partial(_events_behind, ctx, engine, detection, test_index, test, files,
                                                  rows, now),
                                   risk=_risk_lineage(ctx, engine, detection, files, risk, own_risk, rows, now))
        checks += drilled.checks
        warnings += drilled.warnings
    checks += scheduled_results
    warnings += scheduled_messages
    if scheduled is not None:
        warnings += scheduled_warnings(test, len(rows), scheduled)
    if not all(check.ok for check in checks):  # why a record's field may be missing, said where it may matter
        warnings[:0] = ctx.store.cut_warnings(files)
    return replace(outcome, result_count=len(rows), placed_checks=with_places(detection, test_index, checks),
                   risk_event_count=len(own_risk), now=now,
                   scheduled=scheduled, warnings=tuple(warnings), seconds=time.perf_counter() - started)


# What a field no event has most likely is, in a pack (the backtest's hints end the same way).
PACK_FIELD_ADVICE = (": a typo, or a search-time field no data source of the pack defines (data_sources/*.yml, "
                     "search_time)")


# What to do when a search asks for an index its events are not in (README, "Quick start"), the backtest's too.
INDEX_ADVICE = ("leave the repository's macros as shipped and set your index in Splunk (Settings > Advanced search > "
                "Search macros)")


def _index_hint(engine: Engine, detection: Detection, test: UnitTest, rows: Sequence[Row],
                files: Sequence[DataFile]) -> list[str]:
    """When a test that expects results got none: the search's ``index=`` that no attack-data file of the test is
    indexed in (``main``, or its ``custom_index``): an index set in the repository's macro, which the README says
    to set in Splunk instead, fails every test with no word of the index."""
    if rows or test.expected_results == 0:
        return []
    hint = unmatched_index(engine.parse(detection.search), {item.index for item in files})
    if hint is None:
        return []
    said = hint.said(" of the test's data")
    return [f"no results, and the search {said}: {INDEX_ADVICE}; a test's attack data is indexed in main, or in its "
            "attack_data entry's custom_index"]


def _absent_field_hints(engine: Engine, detection: Detection, test: UnitTest, rows: Sequence[Row],
                        now: float) -> list[str]:
    """When a test that expects results got none: each field the search filters or groups on that no event of
    the test's data has (``spl.hints``, as ``search`` says it), the usual cause being a typo in the field's name
    or a search-time field no data source defines, or that an ``OR`` branch of a ``search`` or ``where`` that kept
    no event would have kept one were its comparisons true (``usr=foo OR user=x``: the search run again over all
    time at ``now``, as it ran). Only then are the test's files read again for it."""
    if rows or test.expected_results == 0:
        return []
    pipeline = engine.parse(detection.search)
    if reads_risk(pipeline):  # a correlation's fields come from the risk events, not from the test's data
        return []
    keeps = search_keeps(engine, pipeline, False, earliest=ALL_TIME[0], latest=ALL_TIME[1], now=now)
    absent = absent_in(pipeline, engine, keeps)
    return [field.said("no results, and the search", " in the test's data") + PACK_FIELD_ADVICE for field in absent]


def _filter_macro_hints(pack: Pack, engine: Engine, detection: Detection, test: UnitTest, rows: Sequence[Row],
                        now: float) -> list[str]:
    """When a test that expects results got none: what the pack's tuned filter macro dropped (``filter_drop``).
    A tuned allowlist that holds the test's user made the test fail with no word of the macro."""
    if rows or test.expected_results == 0:
        return []
    dropped = filter_drop(pack, engine, detection, now)
    return [] if dropped is None else [dropped.said("", "change the tuning or the test's data")]


def select_detections(pack: Pack, names: Iterable[str] = ()) -> tuple[list[Detection], list[str]]:
    """The detections named (all when none are), and the names that match no detection."""
    wanted = list(names)
    if not wanted:
        return list(pack.detections), []
    by_name = {d.name: d for d in pack.detections}
    return [by_name[n] for n in dict.fromkeys(wanted) if n in by_name], [n for n in wanted if n not in by_name]


def replay_pack(pack: Pack, detections: Sequence[Detection] | None = None, now: float | None = None, *,
                all_time: bool = False) -> ReplayReport:
    """Replay every test of ``detections`` (default: all of the pack's), in pack order.

    ``now``: the time every all-time search runs at; None (default) fixes it per test from the test's data.
    ``all_time``: only contentctl's way (each search once over all time); by default each test also runs
    through the simulated ES timeline and its scheduled expectations are checked (``replay.scheduled``).
    """
    started = time.perf_counter()
    mode = "all-time" if all_time else "scheduled"
    try:
        engine = build_engine(pack)
    except ReplaySetupError as exc:
        return ReplayReport((), tuple(d.render() for d in exc.diagnostics), time.perf_counter() - started, mode)
    ctx = ReplayContext(pack, AttackDataStore(Path(pack.root)), now, {d.name: d for d in pack.detections},
                        None if all_time else engine, pack_engine=engine)
    with collector.cyclic_gc_paused():
        outcomes = [
            run_test(ctx, detection, index, test)
            for detection in (pack.detections if detections is None else detections)
            for index, test in enumerate(detection.tests)
        ]
    return ReplayReport(tuple(outcomes), (), time.perf_counter() - started, mode)
