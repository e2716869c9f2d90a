"""A replay's outcome as a rich table (people) or JSON (CI, other tools). Rendering only: no checks here."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table

from contentpack.junit import Case
from contentpack.replay.runner import ReplayReport, DetectionTestOutcome

TABLE_WIDTH = 160


def summary(report: ReplayReport) -> str:
    passed = sum(1 for outcome in report.outcomes if outcome.ok)
    failed = len(report.outcomes) - passed
    verdict = "PASS" if report.ok else "FAIL"
    return (f"{verdict}: {len(report.outcomes)} test(s), {passed} passed, {failed} failed "
            f"({report.seconds:.2f} s)")


def _expected(outcome: DetectionTestOutcome) -> str:
    return "-" if outcome.expected_results is None else str(outcome.expected_results)


def render_table(report: ReplayReport) -> str:
    console = Console(file=io.StringIO(), width=TABLE_WIDTH, color_system=None)
    for message in report.setup_errors:
        console.print(message, markup=False, highlight=False)
    table = Table(show_lines=False)
    for column in ("detection", "test", "results", "expected", "status", "details"):
        table.add_column(column, overflow="fold")
    for outcome in report.outcomes:
        table.add_row(
            outcome.detection, outcome.test,
            "-" if outcome.result_count is None else str(outcome.result_count),
            _expected(outcome), "pass" if outcome.ok else "FAIL",
            "\n".join(outcome.failures),
        )
    if report.outcomes:
        console.print(table)
    console.print(summary(report), markup=False, highlight=False)
    return console.file.getvalue().rstrip("\n")  # type: ignore[attr-defined]


def report_json(report: ReplayReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
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
            }
            for o in report.outcomes
        ],
    }


def junit_cases(report: ReplayReport) -> list[Case]:
    """One case per detection test (the detection as the class, the test as the name, its YAML file), plus a
    failed ``setup`` case when the engine could not be set up."""
    cases = [Case(classname=o.detection, name=o.test, seconds=o.seconds, file=o.path,
                  failure=o.failures[0] if not o.ok else None, details="\n".join(o.failures))
             for o in report.outcomes]
    if report.setup_errors:
        cases.append(Case(classname="replay", name="setup", failure=report.setup_errors[0],
                          details="\n".join(report.setup_errors)))
    return cases

