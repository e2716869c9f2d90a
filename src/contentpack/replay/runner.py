"""Run every detection test of a pack and check it, as ``contentctl test`` would on a Splunk instance.

Per test: index the test's attack data with its source/sourcetype, build the risk index for a Correlation
test from its ``risk_from`` detections (each run over the same data, their results turned into ES risk
events), run the detection's search over all time — contentctl forces all time (``FORCE_ALL_TIME``,
escu_format.md §4), so a test's ``earliest_time``/``latest_time`` are not used — then apply the checks
(``checks``) and run the drilldowns against the results (``drilldowns``).

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
from pathlib import Path

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.model import Detection, Pack, UnitTest
from contentpack.replay.attack_data import AttackDataStore
from contentpack.replay.checks import (
    CheckResult,
    contentctl_pass_rule,
    expected_results_check,
    expected_rows_checks,
)
from contentpack.replay.drilldowns import ALL_TIME, drilldown_checks
from contentpack.simulate.engine_setup import REPLAY_NOW, ReplaySetupError, build_engine
from contentpack.simulate.risk import risk_events
from contentpack.spl import Engine, Results, SplError
from contentpack.spl.values import Event

RULE_SEARCH = "RP003"
RULE_RISK_FROM = "RP004"

__all__ = ["CheckResult", "DetectionTestOutcome", "ReplayReport", "replay_pack", "run_detection_search",
           "select_detections"]


@dataclass(frozen=True)
class DetectionTestOutcome:
    """One detection test: what the search returned and every check applied to it."""

    detection: str
    test: str
    path: str
    result_count: int | None
    expected_results: int | None
    checks: tuple[CheckResult, ...] = ()
    errors: tuple[str, ...] = ()  # positioned messages: the test could not run
    seconds: float = 0.0
    risk_event_count: int = 0
    now: float = REPLAY_NOW  # the "now" the test ran at

    @property
    def ok(self) -> bool:
        return not self.errors and all(check.ok for check in self.checks)

    @property
    def failures(self) -> list[str]:
        return list(self.errors) + [f"{c.name}: {c.detail}" for c in self.checks if not c.ok]


@dataclass(frozen=True)
class ReplayReport:
    outcomes: tuple[DetectionTestOutcome, ...]
    setup_errors: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.setup_errors and all(outcome.ok for outcome in self.outcomes)

    @property
    def failed(self) -> list[DetectionTestOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.ok]


class _TestFailed(Exception):
    """Internal: stop one test with positioned problems (turned into a failed outcome, never escapes)."""

    def __init__(self, problems: Sequence[Diagnostic]) -> None:
        super().__init__("; ".join(d.render() for d in problems))
        self.messages = tuple(d.render() for d in problems)


def _spl_problem(detection: Detection, what: str, exc: SplError) -> Diagnostic:
    """An SPL error at the detection's ``search`` value, with the SPL column inside the search text."""
    column = f" column {exc.column}" if exc.column is not None else ""
    return error(detection.source.at("search"), RULE_SEARCH, f"{what}{column}: {exc.message}")


def run_detection_search(engine: Engine, detection: Detection, now: float = REPLAY_NOW) -> Results:
    """The detection's search over all time at ``now`` (raises ``SplError``)."""
    return engine.search(detection.search, earliest=ALL_TIME[0], latest=ALL_TIME[1], now=now)


@dataclass
class _Context:
    pack: Pack
    store: AttackDataStore
    now: float | None  # None: derive from each test's data
    by_name: Mapping[str, Detection] = field(default_factory=dict)


def _engine_with_data(ctx: _Context, detection: Detection, test_index: int, test: UnitTest) -> tuple[Engine, float]:
    """The engine holding the test's data, and the test's "now"."""
    try:
        engine = build_engine(ctx.pack)
    except ReplaySetupError as exc:
        raise _TestFailed(exc.diagnostics) from None
    files, problems = ctx.store.files_for(detection, test_index, test.attack_data)
    if problems:
        raise _TestFailed(problems)
    for item in files:
        item.register(engine)
    if ctx.now is not None:
        return engine, ctx.now
    newest = ctx.store.newest_time(files)
    return engine, REPLAY_NOW if newest is None else newest + 1.0


def _risk_index(ctx: _Context, engine: Engine, detection: Detection, test_index: int, test: UnitTest,
                now: float) -> list[Event]:
    """Risk events of the test's ``risk_from`` detections, each run over this test's data."""
    events: list[Event] = []
    for number, name in enumerate(test.risk_from):
        source = ctx.by_name.get(name)
        where = detection.source.at("tests", test_index, "risk_from", number)
        if source is None:
            raise _TestFailed([error(where, RULE_RISK_FROM, f"risk_from names no detection of the pack: {name!r}")])
        if source.rba is None:
            raise _TestFailed([error(where, RULE_RISK_FROM,
                                     f"risk_from detection {name!r} has no rba block, so it writes no risk")])
        try:
            rows = run_detection_search(engine, source, now).rows
        except SplError as exc:
            raise _TestFailed([_spl_problem(source, f"risk_from detection {name!r}: search", exc)]) from None
        events.extend(risk_events(ctx.pack.app, source, rows, now))
    return events


def _run_test(ctx: _Context, detection: Detection, test_index: int, test: UnitTest) -> DetectionTestOutcome:
    started = time.perf_counter()
    outcome = DetectionTestOutcome(detection.name, test.name, detection.source.path, None, test.expected_results)
    try:
        engine, now = _engine_with_data(ctx, detection, test_index, test)
        engine.register_risk_index(_risk_index(ctx, engine, detection, test_index, test, now))
        try:
            rows = run_detection_search(engine, detection, now).rows
        except SplError as exc:
            raise _TestFailed([_spl_problem(detection, "search", exc)]) from None
    except _TestFailed as failed:
        return replace(outcome, errors=failed.messages, seconds=time.perf_counter() - started)
    own_risk = risk_events(ctx.pack.app, detection, rows, now)
    engine.register_risk_index(own_risk)
    checks = (expected_results_check(test, rows) + expected_rows_checks(test, rows)
              + contentctl_pass_rule(detection, test, rows))
    if rows:
        checks += drilldown_checks(engine, detection, rows, now)
    return replace(outcome, result_count=len(rows), checks=tuple(checks), risk_event_count=len(own_risk), now=now,
                   seconds=time.perf_counter() - started)


def select_detections(pack: Pack, names: Iterable[str] = ()) -> tuple[list[Detection], list[str]]:
    """The detections named (all when none are), and the names that match no detection."""
    wanted = list(names)
    if not wanted:
        return list(pack.detections), []
    by_name = {d.name: d for d in pack.detections}
    return [by_name[n] for n in dict.fromkeys(wanted) if n in by_name], [n for n in wanted if n not in by_name]


def replay_pack(pack: Pack, detections: Sequence[Detection] | None = None, now: float | None = None) -> ReplayReport:
    """Replay every test of ``detections`` (default: all of the pack's), in pack order.

    ``now``: the time every search runs at; None (default) fixes it per test from the test's data.
    """
    started = time.perf_counter()
    try:
        build_engine(pack)
    except ReplaySetupError as exc:
        return ReplayReport((), tuple(d.render() for d in exc.diagnostics), time.perf_counter() - started)
    ctx = _Context(pack, AttackDataStore(Path(pack.root)), now, {d.name: d for d in pack.detections})
    outcomes = [
        _run_test(ctx, detection, index, test)
        for detection in (pack.detections if detections is None else detections)
        for index, test in enumerate(detection.tests)
    ]
    return ReplayReport(tuple(outcomes), (), time.perf_counter() - started)
