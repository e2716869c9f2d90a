"""`contentpack replay [--root DIR] [--detection NAME ...] [--all-time | --sweep] [--format table|summary|json]
[--junit FILE]`.

Runs every detection test of the pack with the embedded SPL engine (``contentpack.replay``) and prints the
outcome. By default each test runs twice: contentctl's way (every search once over all time) and through the
simulated Enterprise Security timeline (``contentpack.simulate``: cron, dispatch windows, ingestion delay,
throttling, notables and risk); ``--all-time`` runs only the first. ``--sweep`` runs neither: it replays each
scheduled test's timeline with the attack moved across window edges, its runs skewed and held back as the stanzas
allow, its records indexed late, and these combined, and fails a test whose notables or risk change
(``contentpack.replay.sweep``). ``--format summary`` (what ``make build`` prints) gives one line per detection
and the table of the failed tests only, their failures in full below it. Exit status: 0 every test passed, 1 a
test failed (a variant differed) or the content is invalid, 2 usage or I/O error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from contentpack.cli.common import unknown_detections, usage_error
from contentpack.cli.pack_loading import PackUnavailable, load_valid_pack, require_root
from contentpack.cli.report_file import junit_problem, report_path, write_junit
from contentpack.content.config import CONFIG_FILE
from contentpack.printable import json_text, on_terminal, output_width

if TYPE_CHECKING:  # the replay layer (the SPL engine, the simulation) is imported by the run, not by --help
    from contentpack.content.model import Detection, Pack
    from contentpack.replay.runner import ReplayReport


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Replay each detection test: index its attack data, run the search over all time, check "
        "expected_results, expected_rows and contentctl's pass rule, write ES risk events for Correlation "
        "tests, and run the drilldowns; then (unless --all-time) run the test's detections on their "
        "cron_schedule over their dispatch windows, seeing only indexed events, throttled, writing notables "
        "and risk, and check expected_notables, max_notables, detect_within, expected_risk (each risk "
        "object's exact total), expected_risk_events (the detection's own risk events) and expected_notable_rows "
        "(field -> value subsets each matching a notable)."
    )
    parser.add_argument("--root", type=Path, help=f"pack root (default: nearest directory holding {CONFIG_FILE})")
    parser.add_argument("--detection", action="append", default=[], metavar="NAME",
                        help="only this detection (its name as written in the YAML; repeatable)")
    parser.add_argument("--all-time", action="store_true",
                        help="only contentctl's way: each search once over all time (no scheduled simulation)")
    parser.add_argument("--sweep", action="store_true",
                        help="instead: replay each scheduled test with its attack moved across window edges, runs "
                        "skewed as allow_skew allows, runs held back within schedule_window, records indexed late, "
                        "and these combined; fail a test whose notables or risk change (docs/replay.md)")
    parser.add_argument("--format", choices=("table", "summary", "json"), default="table",
                        help="output format; summary: one line per detection, the table and failures of the failed "
                        "tests only (default: %(default)s)")
    parser.add_argument("--junit", type=report_path, metavar="FILE",
                        help="also write the outcome as JUnit XML for CI test reporters (docs/ci.md)")
    parser.add_argument("--splunk", metavar="URL", help="run the tests on this Splunk instead of the embedded engine "
                        "(https://host:8089; options below)")
    from contentpack.cli import replay_splunk

    replay_splunk.add_options(parser)
    parser.set_defaults(func=run)


# What --sweep cannot be combined with, and why.
NOT_WITH_SWEEP = (("all_time", "--all-time", "the sweep moves the scheduled timeline, which --all-time leaves out"),
                  ("splunk", "--splunk", "the sweep replays every variant with the embedded engine"))


def run(args: argparse.Namespace) -> int:
    from contentpack.replay.report import render_table, report_json
    from contentpack.replay.runner import replay_pack, select_detections

    if args.sweep:
        for attribute, option, why in NOT_WITH_SWEEP:
            if getattr(args, attribute):
                return usage_error("replay", f"--sweep cannot be combined with {option}: {why}")
    try:
        pack = load_valid_pack(require_root(args.root, "replay"), "replay", as_json=args.format == "json")
    except PackUnavailable as exc:
        return exc.status
    detections, unknown = select_detections(pack, args.detection)
    if unknown:
        return unknown_detections("replay", unknown, (detection.name for detection in pack.detections))
    refused = junit_problem("replay", args.junit)
    if refused is not None:
        return refused
    if args.splunk:
        from contentpack.cli import replay_splunk

        return replay_splunk.run(args, pack, detections)
    if args.sweep:
        return run_sweep(args, pack, detections)
    report = replay_pack(pack, detections, all_time=args.all_time)
    if args.format == "json":
        print(json_text(report_json(report), indent=2))
    else:
        print(render_table(report, output_width(sys.stdout), on_terminal(sys.stdout), args.format == "summary"))
    if args.junit is not None and not write_junit_report(args.junit, report):
        return 2
    return 0 if report.ok else 1


def write_junit_report(path: Path, report: ReplayReport) -> bool:
    """``--junit FILE`` (local or ``--splunk`` replay); False, with the reason printed, when it cannot be written."""
    from contentpack.replay.report import junit_cases

    return write_junit(path, "replay", "contentpack replay", junit_cases(report), report.seconds)


@contextmanager
def _sweep_progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A bar of the tests swept on stderr, on a terminal only: the whole pack's sweep runs for minutes, and a
    terminal that shows nothing that long reads as a hung command."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn

    from contentpack.cli.progress import stderr_bars

    with stderr_bars(TextColumn("sweeping tests"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()) as bars:
        task = bars.add_task("sweep", total=None)
        yield lambda done, total: bars.update(task, completed=done, total=total)


def run_sweep(args: argparse.Namespace, pack: Pack, detections: list[Detection]) -> int:
    """``--sweep``: the sweep's table (or JSON, or JUnit) in the replay's layout."""
    from contentpack.replay import sweep_report
    from contentpack.replay.sweep import sweep_pack

    with _sweep_progress(sys.stderr.isatty()) as progress:
        report = sweep_pack(pack, detections, progress)
    if args.format == "json":
        print(json_text(sweep_report.report_json(report), indent=2))
    else:
        print(sweep_report.render_table(report, output_width(sys.stdout), on_terminal(sys.stdout),
                                        args.format == "summary"))
    if args.junit is not None and not write_junit(args.junit, "replay", "contentpack replay --sweep",
                                                  sweep_report.junit_cases(report), report.seconds):
        return 2
    return 0 if report.ok else 1
