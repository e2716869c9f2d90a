"""The scheduled half of a detection test: its attack data through the simulated ES timeline, then the
scheduled expectations (docs/replay.md).

Per test: the test's events (the same files and metadata as the all-time run) get ``_indextime`` from the
delay plan (the test's ``ingestion_delay``, else each data source's, else the sourcetype default), then the
detection — and for a Correlation test its ``risk_from`` detections, which write the risk index it reads —
run on their schedules (``contentpack.simulate``). The outcome keeps every run, notable and risk event.

Expectations, each checked only when the test declares it:

* ``expected_notables`` — the detection's notables after throttling, exactly;
* ``max_notables`` — at most this many (benign data);
* ``detect_within`` — the first notable or risk event of the detection (its run time) comes at most this
  long after the first attack event: the first event the base search (first ``search`` command) of the
  detection, or of one of its ``risk_from`` detections, matches (the test's first event when none has one);
* ``expected_risk`` — risk object → its total risk score over the timeline's risk events, exactly. Exact, not
  a floor: ES's risk-based alerting sums every risk event written for an object, so a lost throttle or two
  overlapping windows writing one finding twice inflates the total the correlation and the analyst see, and
  only an exact total shows it (a floor passed a declined consent scored three times). A failure lists the
  object's risk events (detection, score, run) so the extra or missing write can be traced. 0 is allowed:
  that object gets no risk at all;
* ``expected_notable_rows`` — field → value subsets, each matching the fields of at least one of the
  detection's notables after throttling, compared as ``expected_rows`` compares a result row
  (``checks.row_matches``: a multivalue field matches when one of its values is the expected text). It says
  WHO a notable names (a correlation's ``risk_object``), which a count cannot. A failure lists each notable's
  values of the fields the subset names, so the author sees what was raised instead;
* ``expected_risk_events`` — the number of risk events the detection itself writes, exactly. ``0`` is how a
  must-not-fire test of a risk-only detection (an Anomaly: no notable action) fails when the detection
  fires: its notable count is 0 whatever it does, and a risk object the test names need not be the one a
  broken detection writes for. A failure lists the detection's risk events per risk object.

A test that declares none is still simulated and reported; when it expects all-time results but the
schedule raises nothing (or the reverse for a must-miss test) the outcome carries a warning, so the gap is
visible without failing content written for contentctl.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from contentpack.content.model import AppConfig, Detection, UnitTest
from contentpack.content.naming import detection_name_of, stanza_name
from contentpack.cut_lists import count_text, cut_list
from contentpack.durations import duration_seconds, format_duration
from contentpack.replay.checks import CheckResult, row_matches, rows_text
from contentpack.simulate import EventIndex, Notable, SimulationResult
from contentpack.simulate.timeline import event_time
from contentpack.spl.timeutil import iso_utc
from contentpack.spl.values import to_str

SHOWN = 3  # notables, rows or risk events shown in a failure's detail


@dataclass(frozen=True)
class RiskWrite:
    """One risk event of the timeline, as a failed ``expected_risk`` names it: who wrote it, when, how much."""

    risk_object: str
    detection: str  # the saved search's stanza name without the app label and " - Rule"
    run_time: float  # the risk event's _indextime: the run that wrote it
    score: str  # as written (the total is ``SimulationResult.risk_scores``)


@dataclass(frozen=True)
class ScheduledOutcome:
    """What the simulated timeline did for one test (the detection under test, plus what it read)."""

    start: float
    end: float
    runs: int
    runs_with_rows: int
    notables: tuple[Notable, ...]  # the detection's, after throttling
    risk_by_object: dict[str, int]  # every risk event of the timeline (risk_from detections included)
    risk_events: int
    first_event: float | None
    first_alert: float | None  # run time of the detection's first notable or risk event
    raises_alerts: bool = True  # the detection has a notable or risk action (a Hunting search has neither)
    risk_writes: tuple[RiskWrite, ...] = ()  # every risk event of the timeline, in written order
    own_risk_writes: tuple[RiskWrite, ...] = ()  # those the detection wrote (not its risk_from detections)

    @property
    def time_to_detect(self) -> float | None:
        if self.first_event is None or self.first_alert is None:
            return None
        return self.first_alert - self.first_event


def outcome_of(result: SimulationResult, app: AppConfig, detection: Detection, index: EventIndex) -> ScheduledOutcome:
    runs = [rows for name, _, rows in result.row_counts() if name == detection.name]  # no window resolved
    notables = tuple(result.notables_of(detection.name))
    name = stanza_name(app, detection)
    writes = _risk_writes(result, app)
    own = tuple(w for w, e in zip(writes, result.risk) if e.get("search_name") == name)
    alerts = [n.run_time for n in notables] + [w.run_time for w in own]
    return ScheduledOutcome(
        start=result.start, end=result.end, runs=len(runs), runs_with_rows=sum(1 for rows in runs if rows),
        notables=notables, risk_by_object=result.risk_scores(), risk_events=len(result.risk),
        first_event=min(result.first_matched.values(), default=index.first_time),
        first_alert=min(alerts) if alerts else None,
        raises_alerts=detection.raises_notables or detection.writes_risk,
        risk_writes=writes, own_risk_writes=own,
    )


def _risk_writes(result: SimulationResult, app: AppConfig) -> tuple[RiskWrite, ...]:
    """The timeline's risk events, each named by its detection (its stanza name less the app label and
    " - Rule", which every one of them shares)."""
    writes = []
    for event in result.risk:
        search = to_str(event.get("search_name")) or ""
        name = detection_name_of(app, search) or search
        writes.append(RiskWrite(str(event.get("risk_object")), name, event_time(event, "_indextime") or 0.0,
                                to_str(event.get("risk_score")) or "?"))
    return tuple(writes)


def _shown_notables(notables: Sequence[Notable]) -> str:
    if not notables:
        return "no notable came back"
    return "notables: " + cut_list(notables, SHOWN, lambda n: f"{n.rule_title!r} at run {iso_utc(n.run_time)}")


def scheduled_checks(test: UnitTest, outcome: ScheduledOutcome) -> list[CheckResult]:
    checks: list[CheckResult] = []
    count = len(outcome.notables)
    if test.expected_notables is not None:
        ok = count == test.expected_notables
        detail = f"{count_text(count)} notable(s) after throttling, expected {count_text(test.expected_notables)}"
        checks.append(CheckResult(("expected_notables",), ok,
                                  detail if ok else f"{detail}; {_shown_notables(outcome.notables)}"))
    if test.max_notables is not None:
        ok = count <= test.max_notables
        detail = f"{count_text(count)} notable(s), at most {count_text(test.max_notables)} allowed"
        checks.append(CheckResult(("max_notables",), ok,
                                  detail if ok else f"{detail}; {_shown_notables(outcome.notables)}"))
    if test.detect_within is not None:
        limit = duration_seconds(test.detect_within)
        took = outcome.time_to_detect
        if took is None:
            checks.append(CheckResult(("detect_within",), False,
                                      f"no notable or risk event at all (limit {test.detect_within})"))
        else:
            checks.append(CheckResult(("detect_within",), took <= limit,
                                      f"first notable or risk event {format_duration(took)} after the first event "
                                      f"(run {iso_utc(outcome.first_alert or 0.0)}), limit {test.detect_within}"))
    checks.extend(_notable_row_check(index, expected, outcome.notables)
                  for index, expected in enumerate(test.expected_notable_rows))
    checks.extend(_risk_check(risk_object, expected, outcome) for risk_object, expected in test.expected_risk.items())
    if test.expected_risk_events is not None:
        checks.append(_risk_events_check(test.expected_risk_events, outcome))
    return checks


def _notable_row_check(index: int, expected: Mapping[str, str], notables: Sequence[Notable]) -> CheckResult:
    """``expected_notable_rows[INDEX]``: some notable's fields match ``expected``; a failure shows every notable's
    values of the fields ``expected`` names (a field it lacks shows ``(absent)``), not the whole row."""
    path = ("expected_notable_rows", index)
    shown = ", ".join(f"{k}={v}" for k, v in expected.items())
    if any(row_matches(n.fields, expected) for n in notables):
        return CheckResult(path, True, f"matched: {shown}")
    if not notables:
        return CheckResult(path, False, f"no notable has: {shown}; no notable came back")
    named = list(expected)
    raised = rows_text([{key: n.fields.get(key) for key in named} for n in notables], SHOWN, named)
    return CheckResult(path, False, f"no notable has: {shown}; {count_text(len(notables))} notable(s): {raised}")


def _risk_check(risk_object: str, expected: int, outcome: ScheduledOutcome) -> CheckResult:
    """``expected_risk[OBJECT]``: the object's total over the timeline's risk events equals ``expected``."""
    path = ("expected_risk", risk_object)
    total = outcome.risk_by_object.get(risk_object, 0)
    detail = f"total risk {count_text(total)}, expected {count_text(expected)}"
    if total == expected:
        return CheckResult(path, True, detail)
    writes = [w for w in outcome.risk_writes if w.risk_object == risk_object]
    if not writes:  # the objects that did get risk: a misspelt or differently cased object shows among them
        scored = sorted(outcome.risk_by_object.items())
        got = cut_list(scored, SHOWN, lambda item: f"{item[0]}={item[1]}", ", ") or "none"
        return CheckResult(path, False, f"{detail}; no risk event for it (risk objects: {got})")
    return CheckResult(path, False, f"{detail}; {_shown_writes(writes, by=lambda w: w.detection)}")


def _risk_events_check(expected: int, outcome: ScheduledOutcome) -> CheckResult:
    """``expected_risk_events``: the detection's own risk events number ``expected``; a failure names the risk
    objects they were written for (what a must-not-fire test's broken detection scored, and for whom)."""
    own = outcome.own_risk_writes
    detail = f"{count_text(len(own))} risk event(s) written by the detection, expected {count_text(expected)}"
    if len(own) == expected:
        return CheckResult(("expected_risk_events",), True, detail)
    shown = _shown_writes(own, by=lambda w: w.risk_object) if own else "it wrote none"
    return CheckResult(("expected_risk_events",), False, f"{detail}; {shown}")


def _shown_writes(writes: Sequence[RiskWrite], by: Callable[[RiskWrite], str]) -> str:
    """Grouped ``by`` a detection or a risk object, in the order each first wrote: the scores and the runs
    that wrote them, so a finding written by more runs than it should, or one not written, shows at a glance."""
    groups: dict[str, list[RiskWrite]] = {}
    for write in writes:
        groups.setdefault(by(write), []).append(write)
    return "risk events: " + cut_list(list(groups.items()), SHOWN, _group_text)


def _group_text(group: tuple[str, list[RiskWrite]]) -> str:
    """One group's scores and the runs that wrote them (the first ``SHOWN``; the rest counted)."""
    name, own = group
    scores = " + ".join(w.score for w in own[:SHOWN]) + (" + ..." if len(own) > SHOWN else "")
    runs = cut_list(own, SHOWN, lambda w: iso_utc(w.run_time), ", ")
    return f"{name!r} {scores} at run{'s' if len(own) > 1 else ''} {runs}"


def scheduled_warnings(test: UnitTest, result_count: int | None, outcome: ScheduledOutcome) -> list[str]:
    """Gaps between the all-time result and the schedule, for tests without scheduled expectations."""
    if test.has_scheduled_expectations or result_count is None:
        return []
    if result_count > 0 and not outcome.raises_alerts and not outcome.runs_with_rows:
        return [f"scheduled: all time finds {count_text(result_count)} result(s) but none of the "
                f"{count_text(outcome.runs)} scheduled run(s) returns a row"]
    if result_count > 0 and outcome.raises_alerts and outcome.first_alert is None:
        return [f"scheduled: all time finds {count_text(result_count)} result(s) but the scheduled runs raise no "
                f"notable or risk event ({count_text(outcome.runs)} run(s), {count_text(outcome.runs_with_rows)} "
                "with rows)"]
    if result_count == 0 and outcome.notables:
        return [f"scheduled: all time finds no result but the scheduled runs raise "
                f"{count_text(len(outcome.notables))} notable(s); {_shown_notables(outcome.notables)}"]
    return []


def notable_json(notable: Notable) -> dict[str, object]:
    return {
        "detection": notable.detection,
        "search_name": notable.search_name,
        "rule_title": notable.rule_title,
        "run_time": notable.run_time,
        "_time": notable.time,
        "earliest": notable.earliest,
        "latest": notable.latest,
        "risk_objects": [list(pair) for pair in notable.risk_objects],
        "threat_objects": [list(pair) for pair in notable.threat_objects],
    }
