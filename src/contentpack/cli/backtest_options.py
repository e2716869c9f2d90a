"""`contentpack backtest`'s options, which need none of what the backtest runs: its ``--help`` and a usage error
import no simulation, no replay, no SPL engine and no report writer. The backtest itself is ``cli.backtest``
(and ``cli.backtest_splunk``, whose options are added here too)."""

from __future__ import annotations

import argparse
from pathlib import Path

from contentpack.cli import backtest_splunk, run_from
from contentpack.content.config import CONFIG_FILE


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Simulate Enterprise Security running the pack over exported logs (Event Hub JSON, Splunk "
        "search exports as JSON or CSV, gzip, folders): cron, dispatch windows, indexing delay, throttling, "
        "notables and risk. Prints per-detection totals and the top risk objects; --out writes notables.jsonl, "
        "risk.jsonl, summary.json and report.html."
    )
    parser.add_argument("--events", nargs="+", action="extend", default=None, metavar="FILE",
                        help="log files or folders (repeatable); or --splunk")
    parser.add_argument("--from", dest="start", default=None, metavar="TIME",
                        help="first moment simulated: ISO 8601 (2026-10-12T08:00Z; without a zone UTC: 2026-10-12) "
                        "or epoch seconds (default: as early as any run could see the first event)")
    parser.add_argument("--to", dest="end", default=None, metavar="TIME",
                        help="last moment simulated (default: until every run that could see the last event)")
    parser.add_argument("--detection", action="append", default=[], metavar="NAME",
                        help="only this detection (repeatable; a correlation search brings the detections "
                        "that write risk)")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="write notables.jsonl, risk.jsonl, summary.json and report.html here, replacing an "
                             "earlier run's: re-run a tuned pack into another folder to diff the two")
    parser.add_argument("--root", type=Path, help=f"pack root (default: nearest directory holding {CONFIG_FILE})")
    parser.add_argument("--sourcetype", default="azure:monitor:aad",
                        help="sourcetype of records without one (exports carry their own)")
    parser.add_argument("--source", default=None,
                        help="source of records without one (default: the pack's data-source source for the "
                        "sourcetype, else the file path)")
    parser.add_argument("--host", default="", help="host of records without one (default: empty)")
    parser.add_argument("--index", default=None, metavar="NAME",
                        help="index of records without one (default main); with --splunk: the index to search")
    parser.add_argument("--format", choices=("table", "json"), default="table",
                        help="table (default) or the summary document as JSON")
    backtest_splunk.add_options(parser)
    parser.set_defaults(func=run_from("contentpack.cli.backtest"))
