"""`contentpack replay [--root DIR] [--detection NAME ...] [--all-time] [--format table|json] [--junit FILE]`.

Runs every detection test of the pack with the embedded SPL engine (``contentpack.replay``) and prints the
outcome. By default each test runs twice: contentctl's way (every search once over all time) and through the
simulated Enterprise Security timeline (``contentpack.simulate``: cron, dispatch windows, ingestion delay,
throttling, notables and risk); ``--all-time`` runs only the first. Exit status: 0 every test passed, 1 a
test failed or the content is invalid, 2 usage or I/O error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from contentpack.cli.common import unknown_detections
from contentpack.cli.pack_loading import PackUnavailable, load_valid_pack, require_root
from contentpack.cli.report_file import junit_problem, report_path, write_junit
from contentpack.content.config import CONFIG_FILE
from contentpack.printable import on_terminal, output_width
from contentpack.replay.report import junit_cases, render_table, report_json
from contentpack.replay.runner import ReplayReport, replay_pack, select_detections


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "replay",
        help="run every detection test over its attack data with the embedded SPL engine",
        description="Replay each detection test: index its attack data, run the search over all time, check "
        "expected_results, expected_rows and contentctl's pass rule, write ES risk events for Correlation "
        "tests, and run the drilldowns; then (unless --all-time) run the test's detections on their "
        "cron_schedule over their dispatch windows, seeing only indexed events, throttled, writing notables "
        "and risk, and check expected_notables, max_notables, detect_within and expected_risk.",
    )
    parser.add_argument("--root", type=Path, help=f"pack root (default: nearest directory holding {CONFIG_FILE})")
    parser.add_argument("--detection", action="append", default=[], metavar="NAME",
                        help="only this detection (its name as written in the YAML; repeatable)")
    parser.add_argument("--all-time", action="store_true",
                        help="only contentctl's way: each search once over all time (no scheduled simulation)")
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    parser.add_argument("--junit", type=report_path, metavar="FILE",
                        help="also write the outcome as JUnit XML for CI test reporters (docs/ci.md)")
    parser.add_argument("--splunk", metavar="URL", help="run the tests on this Splunk instead of the embedded engine "
                        "(https://host:8089; options below)")
    from contentpack.cli import replay_splunk

    replay_splunk.add_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
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
    report = replay_pack(pack, detections, all_time=args.all_time)
    if args.format == "json":
        print(json.dumps(report_json(report), indent=2, ensure_ascii=False))
    else:
        print(render_table(report, output_width(sys.stdout), on_terminal(sys.stdout)))
    if args.junit is not None and not write_junit_report(args.junit, report):
        return 2
    return 0 if report.ok else 1


def write_junit_report(path: Path, report: ReplayReport) -> bool:
    """``--junit FILE`` (local or ``--splunk`` replay); False, with the reason printed, when it cannot be written."""
    return write_junit(path, "replay", "contentpack replay", junit_cases(report), report.seconds)
