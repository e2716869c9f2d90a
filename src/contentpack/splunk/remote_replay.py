"""``contentpack replay --splunk``: the pack's detection tests run by a real Splunk, checked like the local replay.

Per test, as ``contentctl test`` does on a test server, but over splunkd's REST API with no Docker:

1. the test's attack-data files are sent to the test index (``ingest``) with the entry's source and sourcetype
   and a host unique to this run and test (``contentpack-replay-<run>-<n>``, unless the entry names a host),
   which is what the clean-up and the waiting select on;
2. once every event is searchable, the detection's search runs as a oneshot job over the data's time range
   (first event to "now"), at the same "now" as the local replay (one second after the newest event);
3. the same checks as the local replay (``contentpack.replay.checks``, ``drilldowns``) judge the rows, and the
   job messages Splunk gave beside them (and beside each drilldown search's) become the test's warnings,
   worded as the local replay's (``replay.checks.job_warnings``); all but the drilldowns' lineage check (an
   events drilldown returns every event behind its row, the risk drilldowns every risk event: ``replay.lineage``),
   which runs the search again without each event -- on Splunk, deleting the event and sending it again each
   time: each events and risk drilldown's check says it was not run (``LINEAGE_NOT_RUN``), and the command
   prints how many;
4. the events (and risk events) of the test are deleted with ``| delete``.

These are the all-time checks, contentctl's way; the local replay's simulation of ES's schedule is not run on
Splunk (it would take the schedule's real time).

Risk: Correlation tests read ``| from datamodel Risk.All_Risk`` and the "risk events" drilldowns read it too.
On an ES instance the risk action would write those events; here, with ``--risk-index NAME``, the risk events
the local replay computes (``replay.risk.risk_events``, from *Splunk's* result rows) are written to that index
as ``key="value"`` text with sourcetype ``stash``, and deleted after the test. Give it only on a test instance
whose Risk data model reads that index: risk events in a production risk index raise real risk notables.
Without it, Correlation tests (``risk_from``) are not run (``needs_risk_index``, ``tests_needing_risk``: the
command names how many and the first, and refuses a selection that holds nothing else as a usage error; one whose
``risk_from`` is broken still gets its RP004), and drilldowns that read the Risk data model are reported as not
run (their checks pass with that detail; the command prints how many were skipped).

A test that cannot run says why at the place in its detection's YAML, as the local replay does: RP002 at an
``attack_data`` entry it cannot send, RP003 at the search Splunk refused, RP004 at a ``risk_from`` entry
(``runner.risk_sources``, the local replay's).

``--compare`` also runs each test's search with the embedded engine over the same files and fails the test when
the two result sets differ, printing both.
"""

from __future__ import annotations

import math
import re
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.model import Detection, Pack, UnitTest
from contentpack.cut_lists import cut_list
from contentpack.replay.attack_data import RULE_ATTACK_DATA, AttackDataStore, DataFile
from contentpack.replay.checks import (
    CheckResult,
    job_warnings,
    result_checks,
)
from contentpack.replay.drilldowns import (
    DrilldownOutcome,
    drilldown_checks,
    lineage_not_known,
    reads_events,
    reads_risk_index,
)
from contentpack.replay.engine_setup import build_engine
from contentpack.replay.risk import risk_events
from contentpack.replay.runner import (
    RULE_SEARCH,
    DetectionTestOutcome,
    ReplayReport,
    TestFailed,
    position_of_test,
    risk_from_search,
    risk_sources,
    run_detection_search,
    with_places,
)
from contentpack.spl import Engine, Results, SplError
from contentpack.spl.events import parse_timestamp
from contentpack.spl.values import Event, Value, make_mv, mv_values, to_str
from contentpack.splunk.client import SearchAnswer, SearchFailed, SplunkConnection, SplunkError
from contentpack.splunk.ingest import Batch, Ingestor, check_index_exists, check_index_name, index_holds_events
from contentpack.splunk.options import DEFAULT_INDEX
REPLAY_INDEX_HINT = "create a dedicated, disposable index for replays (Settings > Indexes)"
RISK_SOURCETYPE = "stash"
_METADATA = ("_raw", "_time", "index", "host", "source", "sourcetype")
_COMPARE = ("compare_embedded_engine",)  # the key of the check that the embedded engine returns Splunk's rows
# the start of every test's host (``contentpack-replay-<run>-<n>``): what finds an earlier run's leftovers
HOST_PREFIX = "contentpack-replay-"
# Why the drilldowns' lineage check (``replay.lineage``: every event, risk event, behind a row returned) is not run
# on Splunk: each event left out would be deleted from the index, sent again and waited for, around a search job.
LINEAGE_NOT_RUN = ("not run on Splunk (it runs the search again without each event, which there means deleting "
                   "and sending it again); the local replay runs it")


@dataclass(frozen=True)
class RemoteOptions:
    index: str = DEFAULT_INDEX
    risk_index: str | None = None
    compare: bool = False
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])


@dataclass(frozen=True)
class RemoteReport:
    """The replay report, how events were sent, and why the run stopped early (None when it did not)."""

    report: ReplayReport
    method: str
    aborted: str | None = None
    leftovers: tuple[str, ...] = ()  # clean-ups that failed: events that may remain
    skipped_risk_drilldowns: int = 0  # drilldowns not run for want of --risk-index
    lineage_not_checked: int = 0  # events and risk drilldown checks run without the lineage check (LINEAGE_NOT_RUN)


_RISK_DATAMODEL = re.compile(r"datamodel\s*[:=]?\s*\"?Risk\b", re.IGNORECASE)


def reads_risk(search: str) -> bool:
    """Does a search read ES's Risk data model (``| from datamodel Risk.All_Risk``, ``datamodel=Risk``)?

    Wider than ``replay.drilldowns.reads_risk_index``, on purpose: the two ask different things. This asks
    whether a drilldown has anything to read on an instance given no ``--risk-index``, so it takes the data model
    wherever the text names it (``tstats ... from datamodel=Risk``, a subsearch, any letter case): a drilldown
    taken wrongly is only reported as not run, one missed would fail for want of risk events. That one asks
    whose results are risk events, for the lineage check, so it takes only the engine's form at the search's
    start, and not a drilldown built on the original search. Every drilldown it takes, this takes too."""
    return _RISK_DATAMODEL.search(search) is not None


def splunk_value(name: str, value: Any) -> Value:
    """A JSON result value as the engine would hold it: lists become multivalue, ``_time`` epoch seconds."""
    if isinstance(value, list):
        return make_mv(str(v) for v in value)
    if value is None:
        return None
    text = str(value)
    if name == "_time":
        parsed = parse_timestamp(text)
        return parsed if parsed is not None else text
    return text


def splunk_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Value]]:
    return [{name: splunk_value(name, value) for name, value in row.items()} for row in rows]


def splunk_results(answer: SearchAnswer) -> Results:
    """Splunk's answer as the engine's ``Results``: the rows as the engine holds them, the fields in the order
    first seen, and the job's messages, so the checks and the warnings take it as they take the engine's."""
    rows = splunk_rows(answer.rows)
    return Results(rows, list(dict.fromkeys(name for row in rows for name in row)), answer.messages)


class SplunkSearcher:
    """The drilldown checks' ``Searcher`` on a real Splunk: a failing search is an ``SplError`` like locally."""

    def __init__(self, connection: SplunkConnection) -> None:
        self.connection = connection

    def search(self, text: str, *, earliest: str | float | None = None, latest: str | float | None = None,
               now: float) -> Results:
        if isinstance(earliest, str) or isinstance(latest, str):
            raise SplError("relative drilldown bounds are resolved before they reach Splunk")
        try:
            return splunk_results(self.connection.search(text, earliest=earliest, latest=latest, now=now,
                                                         what="run the drilldown search"))
        except SearchFailed as exc:
            raise SplError(exc.message) from None


def _stash_line(event: Event) -> str:
    """One risk event as ``<epoch>, key="value", ...`` (a multivalue field repeats its key)."""
    when = event.get("_time")
    parts = [f"{float(when) if isinstance(when, (int, float)) and not isinstance(when, bool) else 0.0:.3f}"]
    for name, value in event.items():
        if name in _METADATA:
            continue
        for item in mv_values(value):
            text = to_str(item)
            if text is None:
                continue
            text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
            parts.append(f'{name}="{text}"')
    return ", ".join(parts)


def comparable(rows: Sequence[Mapping[str, Value]]) -> list[tuple[tuple[str, tuple[str, ...]], ...]]:
    """Rows as sorted (field, texts) tuples, internal ``_`` fields left out: equal means the same results."""
    out = []
    for row in rows:
        items = []
        for name, value in row.items():
            if name.startswith("_"):
                continue
            texts = tuple(t for t in (to_str(v) for v in mv_values(value)) if t is not None)
            if texts:
                items.append((name, texts))
        out.append(tuple(sorted(items)))
    return sorted(out)


def _show(rows: Sequence[Mapping[str, Value]], limit: int = 5) -> str:
    shown = cut_list(comparable(rows), limit, lambda row: "{" + ", ".join(f"{k}={'|'.join(v)}" for k, v in row) + "}")
    return f"{len(rows)} row(s): {shown}"


def _extent(item: DataFile) -> tuple[int, float | None, float | None]:
    """How many events a file holds and its first and last event time, read the way the local replay reads
    it (the engine's file scanner)."""
    engine = Engine()
    item.register(engine)
    rows = engine.search("search * | stats count min(_time) as earliest max(_time) as newest", now=0.0).rows
    row = rows[0] if rows else {}

    def number(name: str) -> float | None:
        value = row.get(name)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    return int(number("count") or 0), number("earliest"), number("newest")


@dataclass
class _TestData:
    files: list[DataFile]
    earliest: float
    newest: float
    batches: list[Batch]
    count: int


def needs_risk_index(by_name: Mapping[str, Detection], risk_index: str | None, detection: Detection,
                     test_index: int, test: UnitTest) -> bool:
    """Is the test one that cannot run on Splunk without a ``risk_index`` (``--risk-index``)? One that reads risk
    events (``risk_from``, a Correlation test) would find none. A test whose ``risk_from`` the local replay
    refuses (``runner.risk_sources``: RP004) is not: it is broken whatever the options, and says so when run."""
    if risk_index is not None or not test.risk_from:
        return False
    try:
        risk_sources(by_name, detection, test_index, test)
    except TestFailed:
        return False
    return True


def tests_needing_risk(pack: Pack, risk_index: str | None,
                       detections: Sequence[Detection]) -> tuple[list[tuple[Detection, int]], str | None]:
    """The tests of ``detections`` that ``needs_risk_index``, which ``RemoteReplay.run`` does not run, with the
    reason, naming the first and its place; ``([], None)`` when every test can run."""
    by_name = {d.name: d for d in pack.detections}
    needing = [(detection, index) for detection in detections for index, test in enumerate(detection.tests)
               if needs_risk_index(by_name, risk_index, detection, index, test)]
    if not needing:
        return [], None
    detection, index = needing[0]
    return needing, (f"{len(needing)} test(s) read risk events (risk_from) and were not run, the first "
                     f"{detection.name} / {detection.tests[index].name} at {position_of_test(detection, index)}: give "
                     "--risk-index NAME (an index the Risk data model reads, on a test instance) to run them")


class RemoteReplay:
    """Runs detection tests on one Splunk; one instance per ``replay --splunk`` run."""

    def __init__(self, pack: Pack, connection: SplunkConnection, ingestor: Ingestor, options: RemoteOptions,
                 notice: Callable[[str], None]) -> None:
        self.pack = pack
        self.connection = connection
        self.ingestor = ingestor
        self.options = options
        self.notice = notice
        self.store = AttackDataStore(Path(pack.root))
        self.by_name = {d.name: d for d in pack.detections}
        self.searcher = SplunkSearcher(connection)
        self.leftovers: list[str] = []
        self.skipped_risk_drilldowns = 0
        self.lineage_not_checked = 0
        self._risk_sent = 0  # risk events sent for the current test (they share its host marker)
        check_index_name(options.index)
        if options.risk_index is not None:
            check_index_name(options.risk_index)

    # ------------------------------------------------------------------------------------------ data
    def _data(self, detection: Detection, test_index: int, test: UnitTest, host: str) -> _TestData | list[Diagnostic]:
        files, problems = self.store.files_for(detection, test_index, test.attack_data)
        if problems:
            return list(problems)
        batches: list[Batch] = []
        times: list[float] = []
        count = 0
        for number, item in enumerate(files):  # one a test's entry (files_for gave no problem)
            if item.is_json_array:
                return [error(detection.source.at("tests", test_index, "attack_data", number, "data"),
                              RULE_ATTACK_DATA, "a JSON-array file cannot be sent as raw events; use JSON "
                              "lines")]
            events, earliest, newest = _extent(item)
            if earliest is not None and newest is not None:
                times += [earliest, newest]
            batches.append(Batch(self.options.index, item.host or host, item.source, item.sourcetype,
                                 item.path.read_bytes(), events))
            count += events
        if not times:
            return [error(detection.source.at("tests", test_index, "attack_data"), RULE_ATTACK_DATA,
                          "the test has no events to send")]
        return _TestData(files, min(times), max(times), batches, count)

    def _results(self, detection: Detection, window: tuple[float, float], now: float) -> Results:
        return splunk_results(self.connection.search(detection.search, earliest=window[0], latest=window[1],
                                                     now=now, what=f"run the search of {detection.name!r}"))

    def _send_risk(self, events: list[Event], host: str, window: tuple[float, float]) -> None:
        if not events or self.options.risk_index is None:
            return
        by_source: dict[str, list[str]] = {}
        for event in events:
            by_source.setdefault(str(event.get("source", "")), []).append(_stash_line(event))
        for source, lines in by_source.items():
            self.ingestor.send(Batch(self.options.risk_index, host, source, RISK_SOURCETYPE,
                                     ("\n".join(lines) + "\n").encode("utf-8"), len(lines)))
        self.ingestor.wait_searchable(self.options.risk_index, host, len(events) + self._risk_sent, *window)
        self._risk_sent += len(events)

    def _local_rows(self, detection: Detection, test: UnitTest, files: list[DataFile], now: float) -> list[dict[str, Value]]:
        engine = build_engine(self.pack)
        for item in files:
            item.register(engine)
        risk: list[Event] = []
        for name in test.risk_from:
            source = self.by_name[name]
            risk.extend(risk_events(self.pack.app, source, run_detection_search(engine, source, now).rows, now))
        engine.register_risk_index(risk)
        return run_detection_search(engine, detection, now).rows

    # ------------------------------------------------------------------------------------------ one test
    def run_test(self, detection: Detection, test_index: int, test: UnitTest, number: int) -> DetectionTestOutcome:
        """One test; ``ValueError`` for one that ``needs_risk_index`` (it would fail for want of risk events)."""
        if needs_risk_index(self.by_name, self.options.risk_index, detection, test_index, test):
            raise ValueError(f"{detection.name} / {test.name} reads risk events (risk_from): it cannot run "
                             "without a risk index (RemoteOptions.risk_index)")
        started = time.perf_counter()
        outcome = DetectionTestOutcome.starting(detection, test_index)
        host = f"{HOST_PREFIX}{self.options.run_id}-{number}"
        data = self._data(detection, test_index, test, host)
        if isinstance(data, list):
            return replace(outcome, errors=tuple(data), seconds=time.perf_counter() - started)
        try:
            sources = risk_sources(self.by_name, detection, test_index, test)
        except TestFailed as failed:
            return replace(outcome, errors=failed.problems, seconds=time.perf_counter() - started)
        now = data.newest + 1.0  # as the local replay (runner): one second after the newest event
        # whole seconds, so that the bounds sent as text include the first event and the risk events at "now"
        window = (float(math.floor(data.earliest)), float(math.ceil(now + 1.0)))
        self._risk_sent = 0
        try:
            for batch in data.batches:
                self.ingestor.send(batch)
            self.ingestor.wait_searchable(self.options.index, host, data.count, *window)
            risk: list[Event] = []
            warnings: list[str] = []  # the searches' job messages, worded as the local replay words them
            for source in sources:
                answered = self._results(source, window, now)
                risk.extend(risk_events(self.pack.app, source, answered.rows, now))
                warnings += job_warnings(risk_from_search(source), answered)
            self._send_risk(risk, host, window)
            try:
                results = self._results(detection, window, now)
            except SearchFailed as exc:
                problem = error(detection.source.at("search"), RULE_SEARCH, str(exc))  # Splunk gives no column
                return replace(outcome, errors=(problem,), seconds=time.perf_counter() - started)
            rows = results.rows
            warnings += job_warnings("search", results)
            own_risk = risk_events(self.pack.app, detection, rows, now)
            self._send_risk(own_risk, host, window)
            checks = result_checks(detection, test, rows)
            if rows:
                drilled = self._drilldown_checks(detection, rows, now, window)
                checks += drilled.checks
                warnings += drilled.warnings
            if self.options.compare:
                checks.append(self._compare(detection, test, data.files, rows, now))
        finally:
            self._clean_up(host, window)
        return replace(outcome, result_count=len(rows), placed_checks=with_places(detection, test_index, checks),
                       risk_event_count=len(own_risk), now=now, warnings=tuple(warnings),
                       seconds=time.perf_counter() - started)

    def _drilldown_checks(self, detection: Detection, rows: list[dict[str, Value]], now: float,
                          window: tuple[float, float]) -> DrilldownOutcome:
        """The local replay's drilldown checks, run on Splunk, with the warnings of Splunk's job messages, but for
        the lineage check (an events drilldown returns every event behind its row, the risk drilldowns every risk
        event): each such check says it was not run (``LINEAGE_NOT_RUN``), and the run counts them. Without a risk
        index the drilldowns that read the Risk data model have nothing to read: they are reported as not run (and
        the run says so), not failed."""
        behind, risk = lineage_not_known(LINEAGE_NOT_RUN)
        runnable = tuple(d for d in detection.drilldown_searches
                         if self.options.risk_index is not None or not reads_risk(d.search))
        self.lineage_not_checked += sum(1 for d in runnable if reads_events(d) or reads_risk_index(d))
        ran = drilldown_checks(self.searcher, replace(detection, drilldown_searches=runnable), rows, now, window,
                               behind, risk)
        if self.options.risk_index is not None:
            return ran
        checks = iter(ran.checks)
        out = []
        for index, drilldown in enumerate(detection.drilldown_searches):
            if reads_risk(drilldown.search):
                self.skipped_risk_drilldowns += 1
                out.append(CheckResult(("drilldown", index), True, "not run on Splunk: it reads the Risk data "
                                       "model and no --risk-index was given", placed=False))
            else:
                out.append(replace(next(checks), key=("drilldown", index)))
        return DrilldownOutcome(tuple(out), ran.warnings)

    def _compare(self, detection: Detection, test: UnitTest, files: list[DataFile], rows: list[dict[str, Value]],
                 now: float) -> CheckResult:
        try:
            local = self._local_rows(detection, test, files, now)
        except SplError as exc:
            return CheckResult(_COMPARE, False, f"the embedded engine failed: {exc}", placed=False)
        if comparable(local) == comparable(rows):
            return CheckResult(_COMPARE, True, f"Splunk and the embedded engine agree ({len(rows)} row(s))",
                               placed=False)
        return CheckResult(_COMPARE, False,
                           f"Splunk and the embedded engine disagree -- Splunk: {_show(rows)} -- embedded engine: "
                           f"{_show(local)}", placed=False)

    def _clean_up(self, host: str, window: tuple[float, float]) -> None:
        indexes = [self.options.index] + ([self.options.risk_index] if self.options.risk_index else [])
        for index in indexes:
            try:
                self.ingestor.delete(index, host, *window)
            except SplunkError as exc:
                self.leftovers.append(f"index={index} host={host}: {exc}")

    # ------------------------------------------------------------------------------------------ all
    def check_indexes(self, warn: Callable[[str], None]) -> None:
        """Raise :class:`SplunkError` when ``--index`` or ``--risk-index`` does not exist: a set-up problem, told
        before anything is sent (the caller's usage error), not a replay stopped with an empty report; ``warn``
        when splunkd refuses to say (``ingest.check_index_exists``)."""
        for index in (self.options.index, self.options.risk_index):
            if index is not None:
                check_index_exists(self.connection, index, REPLAY_INDEX_HINT, warn)

    def warn_earlier_events(self, warn: Callable[[str], None]) -> None:
        """``warn`` when ``--index`` or ``--risk-index`` holds events of an earlier run (its host marker), which
        that run's clean-up could not delete (no ``can_delete``, or the run lost the server). A test's search
        reads every index the user searches by default, not its own host's events alone, so those events count
        beside the test's own and its counts come out too high: the next run failed with doubled counts and no
        word of why (newuser17)."""
        for index in (self.options.index, self.options.risk_index):
            if index is not None and index_holds_events(self.connection, index, terms=(f"host={HOST_PREFIX}*",)):
                warn(f"index {index!r} holds events an earlier replay left (host {HOST_PREFIX}*: its clean-up could "
                     "not delete them): each test's search reads them beside its own events, so results may come "
                     f"out too many; delete them first (search index={index} host={HOST_PREFIX}* | delete, "
                     "with the can_delete role)")

    def run(self, detections: Sequence[Detection]) -> RemoteReport:
        """Every test of ``detections`` on Splunk (call :meth:`check_indexes` first)."""
        started = time.perf_counter()
        outcomes: list[DetectionTestOutcome] = []
        aborted: str | None = None
        try:
            number = 0
            for detection in detections:
                for index, test in enumerate(detection.tests):
                    if needs_risk_index(self.by_name, self.options.risk_index, detection, index, test):
                        continue  # not run (tests_needing_risk, which the command reports)
                    number += 1
                    outcomes.append(self.run_test(detection, index, test, number))
        except SplunkError as exc:
            aborted = str(exc)
        report = ReplayReport(tuple(outcomes), (aborted,) if aborted else (), time.perf_counter() - started)
        return RemoteReport(report, self.ingestor.method, aborted, tuple(self.leftovers),
                            self.skipped_risk_drilldowns, self.lineage_not_checked)
