"""`contentpack backtest --events FILE... [--from T --to T] [--detection NAME ...] [--out DIR]`, or
`contentpack backtest --splunk URL --index NAME --from T --to T --out DIR` (``cli.backtest_splunk``).

Runs the pack's detections over exported logs on the scheduled simulation (``contentpack.backtest``) and
prints what Enterprise Security would have raised; the job messages of the scheduled runs (a subsearch cut at
its maxout) follow on stderr, one line per distinct message of a detection, as its other notes do. A progress
bar (bytes read, simulated hours) is drawn on stderr when it is a terminal, never when it is piped. Exit
status: 0 done (job messages are warnings); 1 done but incomplete (bad input lines, a detection that could not
run), an input without timed events or without an Entra ID record (``report.unread_stop``), a period that kept
none of the events a detection could match (all outside it: nothing written, as for an input without timed
events), a ``--from`` or ``--to`` given alone past the events (the default other end before it: no period,
``Summary.missed``), or an invalid pack; 2 usage or I/O error, or a period longer than a simulation covers
(``simulate.MAX_PERIOD_DAYS``, ``MAX_RUNS``; docs/backtest.md).
The options are declared in ``cli.backtest_options``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.progress import BarColumn, DownloadColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text

from contentpack.backtest.inputs import InputError, Metadata, ReadReport, find_inputs, refusals
from contentpack.backtest.report import REPORT_FILES, Summary, unread_stop
from contentpack.backtest.run import Progress as Callbacks
from contentpack.backtest.run import Backtest, run_backtest, with_risk_writers
from contentpack.cli import backtest_splunk
from contentpack.cli.common import (SETUP_FAILED, print_diagnostics, print_failure, unknown_detections,
                                    usage_error)
from contentpack.cli.pack_loading import PackUnavailable, default_source, load_valid_pack, require_root
from contentpack.cli.progress import stderr_bars
from contentpack.cli.report_file import folder_problem
from contentpack.cli.typed_time import TypedTimeError, typed_time
from contentpack.printable import json_text, output_width, printable
from contentpack.cut_lists import count_text, counted
from contentpack.replay.runner import select_detections
from contentpack.simulate import MAX_PERIOD_DAYS, ReplaySetupError, TooLarge, check_period
from contentpack.spl.files import os_problem


class _Usage(Exception):
    pass


class _Empty(Exception):
    """The input holds no event with a time, or none in the period a detection could match (``Summary.missed``):
    nothing to report (``reading``: what was read, its bad lines said below the message, as the report says them)."""

    def __init__(self, message: str, reading: ReadReport) -> None:
        super().__init__(message)
        self.reading = reading


def _moment(text: str | None, option: str) -> float | None:
    """``--from``/``--to``, read by ``cli.typed_time``, where ``search --earliest/--latest`` read ISO times too."""
    if text is None:
        return None
    try:
        return typed_time(text, option)
    except TypedTimeError as exc:
        raise _Usage(str(exc)) from None


class _Amount(DownloadColumn):
    """How far each bar is, in its own unit: bytes for reading, simulated hours for simulating. One column
    serves both bars (rich gives every task the same columns); a plain ``DownloadColumn`` showed the hours as
    bytes, 1,185 simulated hours as "1.2 kB"."""

    def render(self, task: Task) -> Text:
        if task.fields.get("unit") != "h":
            return super().render(task)
        return Text(f"{task.completed:,.0f}/{task.total or 0:,.0f} h", style="progress.download")


@contextmanager
def _progress(enabled: bool, total_bytes: int) -> Iterator[Callbacks]:
    """Rich progress bars on stderr (reading, then simulating), or silent callbacks.

    Redrawn from the callbacks, at most ten times a second, not by rich's refresh thread.
    """
    if not enabled:
        yield Callbacks()
        return
    with stderr_bars(TextColumn("{task.description}"), BarColumn(), _Amount(), TimeRemainingColumn(),
                     auto_refresh=False) as bars:
        reading = bars.add_task("reading", total=max(total_bytes, 1))
        simulating = bars.add_task("simulating", total=1, visible=False, unit="h")
        drawn = [0.0]

        def redraw() -> None:
            now = time.monotonic()
            if now - drawn[0] >= 0.1:
                drawn[0] = now
                bars.refresh()

        def read(done: int, events: int) -> None:
            bars.update(reading, advance=done, description=f"reading ({count_text(events)} events kept)")
            redraw()

        def simulated(done: float, total: float) -> None:
            bars.update(simulating, visible=True, total=max(total / 3600, 1), completed=done / 3600)
            redraw()

        yield Callbacks(read, simulated)


def run(args: argparse.Namespace) -> int:
    try:
        pack = load_valid_pack(require_root(args.root, "backtest"), "backtest", args.format == "json", warn=True)
    except PackUnavailable as exc:
        return exc.status
    named, unknown = select_detections(pack, args.detection)
    if unknown:
        return unknown_detections("backtest", unknown, (detection.name for detection in pack.detections))
    try:
        start, end = _moment(args.start, "--from"), _moment(args.end, "--to")
        if start is not None and end is not None:
            if end <= start:
                # the values as typed: "--to must be after --from" alone left the reader to find which was wrong
                raise _Usage(f"--to {args.end!r} must be after --from {args.start!r}"
                             f"{_day_begins(args.end, start)}")
            check_period(start, end)  # before reading gigabytes of input
        unwritable = None if args.out is None else folder_problem(args.out, REPORT_FILES)
        if unwritable is not None:
            raise _Usage(f"--out {args.out}: {unwritable}")
        if (args.events is None) == (args.splunk is None):
            raise _Usage("give either --events FILE... (exported logs) or --splunk URL (logs on a Splunk)")
        if args.splunk is not None:
            if start is None or end is None or args.out is None or args.index is None:
                raise _Usage("--splunk needs --index NAME, --from, --to and --out DIR (which keeps the finished "
                             "runs, so an interrupted backtest resumes)")
            chosen = with_risk_writers(pack, named)
            outcome = backtest_splunk.run(args, pack, chosen, start, end)
            if isinstance(outcome, int):
                return outcome
            backtest, summary, written = outcome
            return report(args, backtest, summary, written)
        found = find_inputs(args.events, [] if args.out is None else [args.out / name for name in REPORT_FILES])
        # before the run, and again in report.html's Input section: the page is what gets attached and read later
        found_notes = found.notes()
        print_diagnostics((f"contentpack backtest: note: {note}" for note in found_notes), sys.stderr)
        files = list(found.files)
        refused = refusals(files)
        if refused:  # every one at once (the first few, and how many more), before reading any
            *before, last = refused[:_REFUSED_SHOWN]
            for message in before:
                usage_error("backtest", message)
            more = len(refused) - _REFUSED_SHOWN
            raise _Usage(last if more <= 0 else f"{last} ({count_text(more)} more file(s) refused)")
        size = sum(os.stat(path).st_size for path in files)
        source = args.source if args.source is not None else default_source(pack, args.sourcetype)
        metadata = Metadata(args.sourcetype, source, args.host, args.index or "main")
        chosen = with_risk_writers(pack, named)
        with _progress(sys.stderr.isatty(), size) as callbacks:
            backtest = run_backtest(pack, files, start=start, end=end, detections=chosen, metadata=metadata,
                                    progress=callbacks)
        # nothing timed was read, within --from/--to or outside it, or no Entra ID record: with dates given, the
        # report's zeros once read as a quiet tenant and exited 0 for an empty export (the 0 lines read were its only
        # sign), and so they did for an Azure Activity log
        stop = unread_stop(backtest.reading)
        if stop is not None:
            raise _Empty(stop, backtest.reading)
        summary = Summary(pack, backtest, found_notes)
        missed = summary.missed()
        if missed is not None:  # the period is why none was kept: its zeros, exit 0, read as "no detection fired"
            raise _Empty(missed, backtest.reading)
        written = summary.write(args.out) if args.out is not None else []
    except TooLarge as exc:
        return usage_error("backtest", f"{exc}: {_narrow(exc, args)}")
    except (_Usage, InputError) as exc:
        return usage_error("backtest", str(exc))
    except _Empty as exc:
        if args.format == "json":  # the one JSON document, as for an invalid pack: the bad lines as diagnostics
            print_failure("backtest", [bad.diagnostic() for bad in exc.reading.bad_lines], str(exc), True)
        else:
            print(printable(f"contentpack backtest: {exc}"), file=sys.stderr)
            _print_bad_lines(exc.reading)
        return 1
    except ReplaySetupError as exc:
        print_failure("backtest", exc.diagnostics, SETUP_FAILED, args.format == "json")
        return 1
    except OSError as exc:  # the path and why (spl.files.os_problem), not Python's "[Errno 2] ...: 'path'"
        return usage_error("backtest", os_problem(exc))
    return report(args, backtest, summary, written)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # ISO 8601's calendar date alone (20261109 is epoch seconds)


def _day_begins(to: str, start: float) -> str:
    """Why ``--to``, not after ``start``, ends the period too early when it is a date alone whose day ``start``
    lies in: the date is the moment its day begins, so ``--from 2026-11-09 --to 2026-11-09``, meant as that one
    day, simulated nothing (newuser26); "" otherwise (a time of day or epoch seconds is the moment meant)."""
    if not _DATE.fullmatch(to.strip()):
        return ""
    day = dt.date.fromisoformat(to.strip())  # a calendar date: typed_time read it, as UTC's midnight
    if start >= dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp() + 86400:
        return ""  # the day's end is no later than --from: the dates are the wrong way round
    return (f" (a date alone is 00:00 UTC, when its day begins: for the whole day {day.isoformat()} give --to "
            f"{(day + dt.timedelta(days=1)).isoformat()})")


def _narrow(exc: TooLarge, args: argparse.Namespace) -> str:
    """How to come under the limit ``exc`` names, for the options given."""
    if exc.runs is not None:
        return "narrow --from/--to, or run fewer detections at once (--detection)"
    # where the input's events lie: one stray event years off (an old record in a storage-account folder, one no
    # detection can match too) sets the period, and the message once left its user to find it
    span = exc.events_span
    events = None if span is None else f"events {span}, counting those no detection can match"
    if args.start is None and args.end is None:
        # and, apart, those a detection can match: the --from/--to to give when a stray record alone stretched it
        matched = "" if exc.matched_span is None else f"; those a detection can match {exc.matched_span}"
        said = "" if events is None else f" ({events}{matched})"
        return (f"the input's time span{said} plus the detections' dispatch windows (each counted up to three "
                f"times) is more than that; choose at most {MAX_PERIOD_DAYS} days with --from and --to, and backtest "
                "the rest in further runs")
    said = "" if events is None else f", {events}"
    without = "" if args.splunk is not None else f" (without them: the input's own time span{said})"
    return (f"choose --from and --to at most {MAX_PERIOD_DAYS} days apart{without}, and backtest a longer stretch "
            "in several runs")


_REFUSED_SHOWN = 10  # files refused by their first bytes, each named with why; the rest counted


def _print_bad_lines(reading: ReadReport) -> None:
    """The first bad lines, ``file:line: reason``, and how many more there were: beside a report, and beside "no
    timed events" (an input whose every line is bad, a truncated export, says why)."""
    print_diagnostics((bad.render() for bad in reading.bad_lines), sys.stderr)
    more = reading.more_bad()
    if more:
        print(f"contentpack backtest: {more}", file=sys.stderr)


def report(args: argparse.Namespace, backtest: Backtest, summary: Summary, written: list[Path]) -> int:
    """Print the summary (table or JSON), the bad lines and errors, and the files written; the exit status."""
    if args.format == "json":
        print(json_text(summary.document(), indent=2))
    else:
        print(summary.text(output_width(sys.stdout)))
    print_diagnostics((f"contentpack backtest: {note}" for note in summary.notes), sys.stderr)
    hints = [hint.text() for hint in backtest.hints] + [hint.text() for hint in backtest.filtered]
    print_diagnostics((f"contentpack backtest: hint: {hint}" for hint in hints), sys.stderr)
    _print_bad_lines(backtest.reading)
    print_diagnostics(summary.errors, sys.stderr)  # positioned: the path first, as editors and CI read it
    print_diagnostics((f"wrote {path}" for path in written), sys.stderr)
    incomplete = _incomplete(backtest.reading, len(summary.errors))
    if incomplete:
        print_diagnostics([f"contentpack backtest: exit status 1, the figures are incomplete: {incomplete}"],
                          sys.stderr)
    return 1 if incomplete else 0


def _incomplete(reading: ReadReport, errors: int) -> str:
    """Why the figures are incomplete, which makes the exit status 1, or "" (exit 0): the bad lines left out and
    the detections that could not run, both listed above. The last line says it: a run whose only sign was a few
    ``warning[RP002]`` lines among the notes exited 1 with nothing saying why."""
    why = [*([f"{reading.amount_bad()} left out"] if reading.bad else []),
           *([f"{counted(errors, 'detection')} could not run"] if errors else [])]
    return "; ".join(why)
