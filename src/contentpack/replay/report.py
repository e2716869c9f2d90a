"""A replay's outcome as a rich table (people) or JSON (CI, other tools). Rendering only: no checks here.

In scheduled mode each test also shows its simulated timeline: runs, notables after throttling, risk per
risk object and the time to detect (first event → the run that raised the first notable or risk event);
the JSON lists every simulated notable with its run time.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from rich.console import Console
from rich.table import Table

from contentpack.content.diagnostics import Diagnostic, Position
from contentpack.cut_lists import count_text
from contentpack.durations import format_duration
from contentpack.junit import Case
from contentpack.layout import VALUE_INDENT, fold, hanging_lines, table_width, text_width
from contentpack.printable import TABLE_WIDTH, cell, lines_cell, path_text, printable
from contentpack.replay.checks import CheckResult
from contentpack.replay.runner import ReplayReport, DetectionTestOutcome
from contentpack.replay.scheduled import ScheduledOutcome, notable_json

NAME_WIDTH = 32  # in the narrow layout the names fold down to this width before a count column goes
TEST_INDENT = 2  # in the narrow layout a test's name stands in this far below its detection's


class Named(Protocol):
    """A row of a table of tests: a replayed test's outcome, a swept test (``sweep_report``)."""

    @property
    def detection(self) -> str: ...

    @property
    def test(self) -> str: ...

    @property
    def ok(self) -> bool: ...


class Placed(Named, Protocol):
    """A test with the place its problems are reported at (``runner.position_of_test``) and how long it took."""

    @property
    def position(self) -> Position: ...

    @property
    def seconds(self) -> float: ...


def summary(report: ReplayReport) -> str:
    passed = sum(1 for outcome in report.outcomes if outcome.ok)
    failed = len(report.outcomes) - passed
    verdict = "PASS" if report.ok else "FAIL"
    warned = sum(1 for outcome in report.outcomes if outcome.warnings)
    warnings = f", {warned} with warnings" if warned else ""
    return (f"{verdict}: {len(report.outcomes)} test(s), {passed} passed, {failed} failed "
            f"({report.seconds:.2f} s, {report.mode}{warnings})")


def _expected(outcome: DetectionTestOutcome) -> str:
    return "-" if outcome.expected_results is None else count_text(outcome.expected_results)


def risk_cell(scores: Mapping[str, int]) -> str:
    """A timeline's risk in a table's cell: how many risk objects scored and the highest total, ``3 obj, max 80``
    (``-`` for none): the replay's and the sweep's tables say it alike."""
    return f"{count_text(len(scores))} obj, max {count_text(max(scores.values()))}" if scores else "-"


def _scheduled_cells(outcome: ScheduledOutcome | None) -> list[str]:
    if outcome is None:
        return ["-", "-", "-"]
    took = outcome.time_to_detect
    return [f"{count_text(outcome.runs)}/{count_text(len(outcome.notables))}",
            "-" if took is None else format_duration(took), risk_cell(outcome.risk_by_object)]


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


def _shown(headers: list[str], rows: list[list[str]], statuses: list[str], width: int) -> int:
    """How many of the count columns fit beside the names (folded down to ``NAME_WIDTH``) and the status: the
    rightmost go first (risk, time to detect, runs, then expected and results), so that no cell is cut and no
    line wraps; the names and the status, which a reader looks for, always stay."""
    def widest(texts: list[str]) -> int:
        return max(len(text) for text in texts)

    kept = [NAME_WIDTH, widest(["status", *statuses])]
    counts = [widest([header, *(row[i] for row in rows)]) for i, header in enumerate(headers)]
    shown = len(headers)
    while shown and table_width([*kept, *counts[:shown]]) > width:
        shown -= 1
    return shown


def _wide_table(named: Sequence[Named], headers: list[str], rows: list[list[str]], statuses: list[str]) -> Table:
    """One row per test, its detection named in each: the layout of logs and wide terminals."""
    table = Table(show_lines=False)
    for column in ("detection", "test", *headers, "status"):
        table.add_column(column, overflow="fold", min_width=24 if column in ("detection", "test") else None)
    for outcome, row, status in zip(named, rows, statuses):
        table.add_row(cell(outcome.detection), cell(outcome.test), *(cell(text) for text in row), status)
    return table


def _narrow_table(named: Sequence[Named], headers: list[str], rows: list[list[str]], statuses: list[str],
                  shown: int, width: int) -> Table:
    """Each detection's name once, on a line of its own, its tests indented below it: on a terminal narrower
    than a log's table the names are what would otherwise fold into three lines a row. A test's name that folds
    stands its continuation lines in further (``VALUE_INDENT``): folded at the test's own indent, the rest of
    ``Privileged Role Beside A Medium One Must Not`` / ``Fire`` read as a test named ``Fire``."""
    counts = [max(text_width(text) for text in [header, *(row[at] for row in rows)])
              for at, header in enumerate(headers[:shown])]
    status = max(text_width(text) for text in ["status", *statuses])
    natural = max(text_width(printable(text)) for outcome in named
                  for text in (outcome.detection, " " * TEST_INDENT + outcome.test))
    names = max(1, min(natural, width - table_width([0, *counts, status])))
    table = Table(show_lines=False)
    table.add_column("detection / test", overflow="fold", width=names)
    for header in (*headers[:shown], "status"):
        table.add_column(header, no_wrap=True)
    for at, (outcome, row, status_text) in enumerate(zip(named, rows, statuses)):
        if not at or outcome.detection != named[at - 1].detection:
            if at:
                table.add_section()
            table.add_row(cell(outcome.detection))
        test = fold(printable(outcome.test), max(1, names - TEST_INDENT), VALUE_INDENT)
        table.add_row(lines_cell(" " * TEST_INDENT + line for line in test), *(cell(text) for text in row[:shown]),
                      status_text)
    return table


def below(test: Placed, errors: Sequence[Diagnostic], failed: Sequence[tuple[Position, str]],
          warnings: Sequence[str] = ()) -> list[str]:
    """A test's lines below the table, each naming it after its position (``path:line:col: ``, the prefix of every
    diagnostic of the tool, which editors and CI annotators read): its ``errors`` at the cause, each ``failed``
    line (a replay's failed check, a sweep's differing variant) at its place (the expectation it checks, such as
    an ``expected_rows[i]`` entry, else the test's ``tests[i]`` entry), then its ``warnings`` at the test's entry
    (they were unplaced, ``DETECTION / TEST: warning: ...``: the one line below the table an editor or CI
    annotator could not place, a no-result field hint among them)."""
    named = f"{test.detection} / {test.test}: "
    return ([problem.render(named) for problem in errors]
            + [f"{where}: {named}{line}" for where, line in failed]
            + [f"{test.position}: {named}warning: {w}" for w in warnings])


def position_json(position: Position) -> dict[str, Any]:
    """A test's ``position`` in the JSON reports: ``{path, line, col}`` (a byte of the file name that is not UTF-8
    written ``\\xNN``, ``printable.path_text``, as in every JSON document the commands write)."""
    return {"path": path_text(position.path), "line": position.line, "col": position.col}


def checks_json(placed: Sequence[tuple[CheckResult, Position]]) -> list[dict[str, Any]]:
    """A test's checks, each with its place (``runner.with_places``), as the replay's and the sweep's JSON list
    them."""
    return [{"name": c.name, "ok": c.ok, "detail": c.detail, "position": position_json(where)} for c, where in placed]


def junit_case(test: Placed, failures: Sequence[str], output: str = "") -> Case:
    """A test as a JUnit case: the detection as the class, the test as the name, its YAML file and the line of its
    ``tests[i]`` entry; failed at its first of ``failures``, with all of them as the details."""
    return Case(classname=test.detection, name=test.test, seconds=test.seconds, file=test.position.path,
                line=test.position.line or None, failure=failures[0] if failures else None,
                details="\n".join(failures), output=output)


def setup_case(setup_errors: Sequence[str]) -> list[Case]:
    """A failed ``setup`` case when the engine could not be set up (none otherwise)."""
    return [Case(classname="replay", name="setup", failure=setup_errors[0], details="\n".join(setup_errors))
            ] if setup_errors else []


def render_table(report: ReplayReport, width: int = TABLE_WIDTH, terminal: bool = False, brief: bool = False) -> str:
    """The table and the failures below it, laid out for ``width`` columns (``tests_table``; ``brief``: one line
    per detection and only the failed tests' rows)."""
    scheduled = report.mode == "scheduled"
    headers = ["results", "expected"] + (["runs/notables", "detect", "risk"] if scheduled else [])
    rows = [["-" if outcome.result_count is None else count_text(outcome.result_count), _expected(outcome)]
            + (_scheduled_cells(outcome.scheduled) if scheduled else []) for outcome in report.outcomes]
    statuses = [("pass" if outcome.ok else "FAIL") + (" (warn)" if outcome.warnings else "")
                for outcome in report.outcomes]
    lines = [line for o in report.outcomes for line in below(o, o.errors, o.placed_failed_checks, o.warnings)]
    return tests_table(report.setup_errors, report.outcomes, headers, rows, statuses, lines, summary(report),
                       width, terminal, brief)


def tests_table(setup_errors: Sequence[str], named: Sequence[Named], headers: list[str], rows: list[list[str]],
                statuses: list[str], below: Sequence[str], last: str, width: int = TABLE_WIDTH,
                terminal: bool = False, brief: bool = False) -> str:
    """``setup_errors``, a table of tests (one row per ``named`` test: its ``rows`` cells under ``headers``,
    its status) and the messages ``below`` it, then the summary line ``last``, laid out for ``width`` columns
    (the terminal's, ``output_width``): narrower than ``TABLE_WIDTH``, the narrow layout, without the count
    columns that do not fit. The messages are one line each, however long, where the output is no ``terminal``
    (a pipe or a log: one grep finds one whole message); on a terminal they wrap between words with a hanging
    indent (``hanging_lines``), which the terminal's own wrapping at its edge, mid-word, does not. The columns
    left out and the summary are such messages too: rich's own wrapping of them left a space at each line's end
    and no indent. ``brief`` (``--format summary``, what ``make build`` prints): first one line per detection
    (``detection_lines``), then the table of the failed tests only (none when all passed); the messages below
    it, failures and warnings, stay in full."""
    # emoji=False: rich's emoji codes would print a position's ``:100:`` (line 100) as an emoji
    console = Console(file=io.StringIO(), width=width, color_system=None, emoji=False)

    def message(text: str) -> None:
        for line in hanging_lines(printable(text), width) if terminal else [printable(text)]:
            console.print(line, markup=False, highlight=False, soft_wrap=True)

    for setup_error in setup_errors:
        message(setup_error)
    if brief:
        for line in detection_lines(named):
            message(line)
        kept = [at for at, test in enumerate(named) if not test.ok]
        named, rows, statuses = [named[at] for at in kept], [rows[at] for at in kept], [statuses[at] for at in kept]
    if named:  # a summary of passed tests alone has no table (a narrow one has no rows to size its columns by)
        if width >= TABLE_WIDTH:
            shown, table = len(headers), _wide_table(named, headers, rows, statuses)
        else:
            shown = _shown(headers, rows, statuses, width)
            table = _narrow_table(named, headers, rows, statuses, shown, width)
        console.print(table)
        if shown < len(headers):
            message(f"(not shown in {width} columns: {', '.join(headers[shown:])}; --format json has them)")
    for line in below:  # in full below the table: rows, notables, variants do not fit in a cell
        message(line)
    message(last)
    return console.file.getvalue().rstrip("\n")  # type: ignore[attr-defined]


def detection_lines(named: Sequence[Named]) -> list[str]:
    """One line per detection, in the tests' order: ``pass  NAME: 4 test(s)`` or ``FAIL  NAME: 1 of 4 test(s)
    failed``."""
    tests: dict[str, list[bool]] = {}
    for test in named:
        tests.setdefault(test.detection, []).append(test.ok)
    lines = []
    for detection, oks in tests.items():
        failed = oks.count(False)
        outcome = f"{failed} of {len(oks)} test(s) failed" if failed else f"{len(oks)} test(s)"
        lines.append(f"{'FAIL' if failed else 'pass'}  {detection}: {outcome}")
    return lines


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
                "path": path_text(o.path),
                "position": position_json(o.position),
                "ok": o.ok,
                "result_count": o.result_count,
                "expected_results": o.expected_results,
                "risk_events": o.risk_event_count,
                "now": o.now,
                "seconds": round(o.seconds, 4),
                "errors": [problem.render() for problem in o.errors],
                "checks": checks_json(o.placed_checks),
                "warnings": list(o.warnings),
                "scheduled": scheduled_json(o.scheduled),
            }
            for o in report.outcomes
        ],
    }


def junit_cases(report: ReplayReport) -> list[Case]:
    """One case per detection test (the detection as the class, the test as the name, its YAML file and the line
    of its ``tests[i]`` entry, its warnings as its output: a warning does not fail the test, and a CI reader shows
    the output), plus a failed ``setup`` case when the engine could not be set up."""
    return ([junit_case(o, o.failures, "\n".join(f"warning: {w}" for w in o.warnings)) for o in report.outcomes]
            + setup_case(report.setup_errors))

