"""A replay's outcome as a rich table (people) or JSON (CI, other tools). Rendering only: no checks here.

In scheduled mode each test also shows its simulated timeline: runs, notables after throttling, risk per
risk object and the time to detect (first event → the run that raised the first notable or risk event);
the JSON lists every simulated notable with its run time.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table

from contentpack.durations import format_duration
from contentpack.junit import Case
from contentpack.printable import cell, printable
from contentpack.replay.runner import ReplayReport, DetectionTestOutcome
from contentpack.replay.scheduled import ScheduledOutcome, notable_json

TABLE_WIDTH = 160


def summary(report: ReplayReport) -> str:
    passed = sum(1 for outcome in report.outcomes if outcome.ok)
    failed = len(report.outcomes) - passed
    verdict = "PASS" if report.ok else "FAIL"
    warned = sum(1 for outcome in report.outcomes if outcome.warnings)
    warnings = f", {warned} with warnings" if warned else ""
    return (f"{verdict}: {len(report.outcomes)} test(s), {passed} passed, {failed} failed "
            f"({report.seconds:.2f} s, {report.mode}{warnings})")


def _expected(outcome: DetectionTestOutcome) -> str:
    return "-" if outcome.expected_results is None else str(outcome.expected_results)


def _scheduled_cells(outcome: ScheduledOutcome | None) -> list[str]:
    if outcome is None:
        return ["-", "-", "-"]
    took = outcome.time_to_detect
    scores = outcome.risk_by_object
    risk = f"{len(scores)} obj, max {max(scores.values())}" if scores else "-"
    return [f"{outcome.runs}/{len(outcome.notables)}", "-" if took is None else format_duration(took), risk]


def scheduled_json(outcome: ScheduledOutcome | None) -> dict[str, Any] | None:
    if outcome is None:
        return None
    return {
        "start": outcome.start,
        "end": outcome.end,
        "runs": outcome.runs,
        "runs_with_rows": outcome.runs_with_rows,
        "notable_count": len(outcome.notables),
        "notables": [notable_json(n) for n in outcome.notables],
        "risk_by_object": dict(sorted(outcome.risk_by_object.items())),
        "risk_events": outcome.risk_events,
        "first_event": outcome.first_event,
        "first_alert": outcome.first_alert,
        "time_to_detect": outcome.time_to_detect,
    }


def render_table(report: ReplayReport) -> str:
    console = Console(file=io.StringIO(), width=TABLE_WIDTH, color_system=None)
    for message in report.setup_errors:
        console.print(printable(message), markup=False, highlight=False)
    table = Table(show_lines=False)
    scheduled = report.mode == "scheduled"
    columns = ["detection", "test", "results", "expected"]
    columns += ["runs/notables", "detect", "risk"] if scheduled else []
    for column in (*columns, "status"):
        table.add_column(column, overflow="fold", min_width=24 if column in ("detection", "test") else None)
    for outcome in report.outcomes:
        cells = [outcome.detection, outcome.test,
                 "-" if outcome.result_count is None else str(outcome.result_count), _expected(outcome)]
        if scheduled:
            cells += _scheduled_cells(outcome.scheduled)
        status = ("pass" if outcome.ok else "FAIL") + (" (warn)" if outcome.warnings else "")
        table.add_row(*(cell(text) for text in cells), status)
    if report.outcomes:
        console.print(table)
    for outcome in report.outcomes:  # in full below the table: rows and notables do not fit in a cell
        for line in [*outcome.failures, *(f"warning: {w}" for w in outcome.warnings)]:
            console.print(printable(f"{outcome.detection} / {outcome.test}: {line}"), markup=False, highlight=False,
                          soft_wrap=True)
    console.print(summary(report), markup=False, highlight=False)
    return console.file.getvalue().rstrip("\n")  # type: ignore[attr-defined]


def report_json(report: ReplayReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "mode": report.mode,
        "summary": summary(report),
        "setup_errors": list(report.setup_errors),
        "tests": [
            {
                "detection": o.detection,
                "test": o.test,
                "path": o.path,
                "ok": o.ok,
                "result_count": o.result_count,
                "expected_results": o.expected_results,
                "risk_events": o.risk_event_count,
                "now": o.now,
                "seconds": round(o.seconds, 4),
                "errors": list(o.errors),
                "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in o.checks],
                "warnings": list(o.warnings),
                "scheduled": scheduled_json(o.scheduled),
            }
            for o in report.outcomes
        ],
    }


def junit_cases(report: ReplayReport) -> list[Case]:
    """One case per detection test (the detection as the class, the test as the name, its YAML file, its
    warnings as its output: a warning does not fail the test, and a CI reader shows the output), plus a failed
    ``setup`` case when the engine could not be set up."""
    cases = [Case(classname=o.detection, name=o.test, seconds=o.seconds, file=o.path,
                  failure=o.failures[0] if not o.ok else None, details="\n".join(o.failures),
                  output="\n".join(f"warning: {w}" for w in o.warnings))
             for o in report.outcomes]
    if report.setup_errors:
        cases.append(Case(classname="replay", name="setup", failure=report.setup_errors[0],
                          details="\n".join(report.setup_errors)))
    return cases

