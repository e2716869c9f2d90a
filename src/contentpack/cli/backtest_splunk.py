"""The ``--splunk`` side of `contentpack backtest`: options and the run (``contentpack.splunk.remote_backtest``).

The report is the local backtest's (``backtest.report.Summary``); what differs is where each run's rows come
from. Exit status as the local backtest's, plus 2 when Splunk cannot be reached or stops answering (the runs
finished so far stay in ``--out``'s checkpoint: run the same command again to resume), and when ``--index`` does
not exist there (``splunk.ingest.check_index_exists``: told before any run).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from contentpack.cli.common import print_diagnostics, usage_error, warning
from contentpack.cli.option_types import count_between
from contentpack.cli.splunk_connection import add_connection_options, connect
from contentpack.splunk.options import CHECKPOINT, DEFAULT_CONCURRENCY, MAX_CONCURRENCY

if TYPE_CHECKING:  # the run's own imports are in it: the options above are all the backtest's parser needs
    from contentpack.backtest.report import Summary
    from contentpack.backtest.run import Backtest
    from contentpack.content.model import Detection, Pack
    from contentpack.splunk.remote_backtest import Answered


def add_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "backtest on a real Splunk (--splunk URL --index NAME --from T --to T --out DIR)",
        "Each scheduled run of a search over events is dispatched as a search job over its window on --index, "
        "seeing only events indexed by the run's time (index_latest); correlation searches run locally over "
        "the risk events computed from Splunk's rows. The pack must be deployed there (contentpack deploy) for "
        f"its macros and lookups. Finished runs are kept in DIR/{CHECKPOINT}: an interrupted backtest run again "
        "dispatches only what it had not finished.")
    group.add_argument("--splunk", metavar="URL", help="splunkd management URL, e.g. https://sh:8089")
    group.add_argument("--concurrency", type=count_between(1, MAX_CONCURRENCY), default=DEFAULT_CONCURRENCY,
                       metavar="N", help=f"search jobs running at once (default {DEFAULT_CONCURRENCY}, at most "
                       f"{MAX_CONCURRENCY})")
    add_connection_options(parser)


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[Answered], None] | None]:
    """A progress bar of the runs answered (on a terminal only), redrawn from the callback, in the words of
    ``Answered.said``: a count of "?" jobs read as a stalled backtest when every run was reused."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, TextColumn, TimeRemainingColumn

    from contentpack.cli.progress import stderr_bars

    with stderr_bars(TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn()) as bars:
        task = bars.add_task("search jobs: finding the runs", total=None)

        def update(answered: Answered) -> None:
            if answered.total:
                bars.update(task, description=answered.said(), completed=answered.settled, total=answered.total)
            else:  # nothing to answer: done, not a bar at 0
                bars.update(task, description=answered.said(), completed=1, total=1)

        yield update


def run(args: argparse.Namespace, pack: Pack, detections: list[Detection], start: float,
        end: float) -> int | tuple[Backtest, Summary, list[Path]]:
    """The backtest on Splunk, or the exit status after printing why it stopped."""
    from contentpack.backtest.inputs import ReadReport
    from contentpack.backtest.report import Summary
    from contentpack.backtest.run import Backtest
    from contentpack.splunk.client import SplunkError
    from contentpack.splunk.ingest import check_index_exists, check_index_name, index_holds_events
    from contentpack.splunk.remote_backtest import BACKTEST_INDEX_HINT, RemoteBacktest

    try:
        check_index_name(args.index)
    except SplunkError as exc:
        return usage_error("backtest", f"--index: {exc}")
    connection = connect(args, args.splunk, pack.app.appid, "backtest")
    if connection is None:
        return 2
    with connection:  # its kept-open connections closed when the command is done
        try:  # a set-up problem, told as the connection's are, before any run
            check_index_exists(connection, args.index, BACKTEST_INDEX_HINT, lambda line: warning("backtest", line),
                               searchable=lambda: index_holds_events(connection, args.index) is True)
        except SplunkError as exc:
            return usage_error("backtest", str(exc))
        checkpoint = Path(args.out) / CHECKPOINT
        try:
            with _progress(sys.stderr.isatty()) as progress:
                remote = RemoteBacktest(pack, connection, args.index, checkpoint, concurrency=args.concurrency,
                                        progress=progress)
                result, fetched = remote.run(start, end, detections)
        except SplunkError as exc:
            # one error line, as every other command's connection error: what stopped it, then how to go on
            return usage_error("backtest", f"stopped: {exc} (the runs finished so far are kept in {checkpoint}; run "
                               "the same command again to resume)")
        print_diagnostics([f"contentpack backtest: on {connection.target.url}, index {args.index}: "
                           f"{fetched.dispatched} search job(s) dispatched, {fetched.reused} run(s) reused from "
                           f"{checkpoint}" + (f", {fetched.skipped} run(s) skipped: their detection's search had "
                                              "failed (the error below)" if fetched.skipped else "")], sys.stderr)
        backtest = Backtest(tuple(detections), result, ReadReport(),
                            searched_on=f"index {args.index} on {connection.target.url}", empty_span=fetched.empty_span,
                            filtered=fetched.filtered)
        summary = Summary(pack, backtest)
        return backtest, summary, summary.write(Path(args.out))
