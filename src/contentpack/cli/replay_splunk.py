"""The ``--splunk`` side of `contentpack replay`: options and the run (the local replay lives in ``cli.replay``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from contentpack.cli.common import print_diagnostics, usage_error, warning
from contentpack.cli.option_types import seconds_between
from contentpack.cli.splunk_connection import add_connection_options, connect
from contentpack.splunk.options import DEFAULT_INDEX, MAX_WAIT

if TYPE_CHECKING:  # the run's own imports are in it: the options above are all the replay's parser needs
    from contentpack.content.model import Detection, Pack


def add_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "replay on a real Splunk (--splunk URL)",
        "Each test's attack data goes to --index through HEC (SPLUNK_HEC_TOKEN; else receivers/simple), the search "
        "and drilldowns run on Splunk over the data's time range with the same checks as the local replay, and the "
        "test's events are deleted afterwards (needs the can_delete role).")
    group.add_argument("--index", default=DEFAULT_INDEX, metavar="NAME",
                       help=f"a dedicated, disposable index for the test events (default {DEFAULT_INDEX})")
    group.add_argument("--risk-index", metavar="NAME",
                       help="write the tests' risk events here (an index the Risk data model reads, on a TEST "
                            "instance only); needed by Correlation tests and risk drilldowns")
    group.add_argument("--hec-url", metavar="URL", help="HEC base URL (default: the --splunk host, port 8088)")
    group.add_argument("--compare", action="store_true",
                       help="also run each search with the embedded engine; a disagreement fails the test")
    group.add_argument("--wait", type=seconds_between(0, MAX_WAIT), default=120.0, metavar="SECONDS",
                       help=f"how long to wait for sent events to become searchable (default 120, at most "
                       f"{MAX_WAIT:g})")
    add_connection_options(parser)


def run(args: argparse.Namespace, pack: Pack, detections: Sequence[Detection]) -> int:
    from contentpack.printable import json_text, on_terminal, output_width
    from contentpack.replay.report import position_json, render_table, report_json
    from contentpack.replay.runner import position_of_test
    from contentpack.splunk.client import SplunkError, hec_target
    from contentpack.splunk.ingest import Ingestor, check_index_name
    from contentpack.splunk.remote_replay import RemoteOptions, RemoteReplay, tests_needing_risk

    def notice(line: str) -> None:
        print_diagnostics([line], sys.stderr)

    # usage errors, told before any request, so before any credential is sent (as backtest --splunk does)
    for option, value in (("--index", args.index), ("--risk-index", args.risk_index)):
        try:
            if value is not None:
                check_index_name(value)
        except SplunkError as exc:
            return usage_error("replay", f"{option}: {exc}")
    if args.hec_url is not None:
        try:
            hec_target(args.hec_url, args.insecure)
        except SplunkError as exc:
            return usage_error("replay", f"--hec-url: {exc}")
    connection = connect(args, args.splunk, pack.app.appid, "replay")
    if connection is None:  # the connection's problems first, as every --splunk command words them
        return 2
    with connection:  # its kept-open connections closed when the command is done
        not_run, why = tests_needing_risk(pack, args.risk_index, detections)
        if why is not None and len(not_run) == sum(len(detection.tests) for detection in detections):
            return usage_error("replay", why)  # nothing else to run; logged in only: nothing searched, nothing sent
        try:
            ingestor = Ingestor(connection, connection.hec(args.hec_url), notice, wait_timeout=args.wait)
            remote = RemoteReplay(pack, connection, ingestor, RemoteOptions(args.index, args.risk_index, args.compare),
                                  notice)
            remote.check_indexes(lambda line: warning("replay", line))
            remote.warn_earlier_events(lambda line: warning("replay", line))
        except SplunkError as exc:
            return usage_error("replay", str(exc))
        result = remote.run(detections)
        if why is not None:
            notice(f"contentpack replay: {why}")
        if result.skipped_risk_drilldowns:
            notice(f"contentpack replay: {result.skipped_risk_drilldowns} drilldown check(s) read the Risk data model "
                   "and were not run: give --risk-index (on a test instance) to run them")
        if result.lineage_not_checked:
            notice(f"contentpack replay: {result.lineage_not_checked} events or risk drilldown check(s) ran without "
                   "the lineage check (an events drilldown returns every event behind its row, the risk drilldowns "
                   "every risk event): it is not run on Splunk; the local replay (without --splunk) runs it")
        for line in result.leftovers:
            notice(f"contentpack replay: warning: test events may remain ({line})")
        if args.format == "json":
            data = report_json(result.report)
            data["splunk"] = {"url": connection.target.url, "index": args.index, "sent_with": result.method,
                              "aborted": result.aborted, "leftovers": list(result.leftovers),
                              "not_run": [{"detection": detection.name, "test": detection.tests[index].name,
                                           "position": position_json(position_of_test(detection, index))}
                                          for detection, index in not_run]}
            print(json_text(data, indent=2))
        else:
            print(render_table(result.report, output_width(sys.stdout), on_terminal(sys.stdout),
                               args.format == "summary"))
            notice(f"contentpack replay: on {connection.target.url}, index {args.index}, events sent through "
                   f"{result.method}")
        from contentpack.cli.replay import write_junit_report

        if args.junit is not None and not write_junit_report(args.junit, result.report):
            return 2
        if result.aborted:
            return usage_error("replay", f"stopped: {result.aborted}")
        return 0 if result.report.ok else 1
