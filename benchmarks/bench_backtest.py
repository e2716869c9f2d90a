"""Benchmark a whole-pack backtest against one DuckDB full-scan aggregation over the same file (issue 16).

Generates N sign-ins with ``contentpack generate-data --events N --out FILE`` (default 1,000,000, ~3.4 GB),
then, in the same run:

  (a) DuckDB: one full-scan aggregation over the file (``read_json``, ``GROUP BY`` application and error
      code, count and distinct users — the same question ``bench_engine.py`` asks), in this process;
  (b) ``contentpack backtest --events FILE`` in a child process: every detection of the pack on its
      schedule over the file (one pass over the input, the scheduled simulation, the report).

Prints both times, the ratio (target: the backtest within 2x the single DuckDB query), the backtest's max
RSS (``os.wait4``'s resource usage of that child alone: neither DuckDB's memory nor the generator's is
counted) and the file size, so "memory stays flat" can be read against the input. The machine's load
average is printed too: on a shared machine both sides slow down, the ratio less so. Not a test: run it
by hand, from the pack root.

    .venv/bin/python benchmarks/bench_backtest.py --events 100000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

BYTES_PER_EVENT = 3600  # the generator writes ~3.4 KB per sign-in line
SQL_FULL_SCAN = """
SELECT properties.appDisplayName AS app, properties.status.errorCode AS code, count(*) AS count,
       count(DISTINCT properties.userPrincipalName) AS users
FROM read_json('{path}', format = 'newline_delimited')
GROUP BY ALL
"""


def contentpack(*args: str) -> list[str]:
    return [sys.executable, "-m", "contentpack", *args]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000, help="number of sign-ins (default 1e6)")
    parser.add_argument("--dir", default=None, help="where to write the events file (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated file (and reuse it if present)")
    args = parser.parse_args(argv)

    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench_backtest_"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"signins-{args.events}.log"
    need = args.events * BYTES_PER_EVENT
    if not path.exists() and need > shutil.disk_usage(folder).free * 0.9:
        print(f"not enough disk in {folder} for ~{need / 1e9:.1f} GB; lower --events or use --dir", file=sys.stderr)
        return 1
    out = folder / "backtest-out"
    try:
        if not path.exists():
            started = time.perf_counter()
            subprocess.run(contentpack("generate-data", "--events", str(args.events), "--out", str(path)),
                           check=True, stderr=subprocess.DEVNULL)
            print(f"generated {args.events:,} sign-ins in {time.perf_counter() - started:.1f} s")
        size = path.stat().st_size
        print(f"file: {size / 1e6:,.1f} MB ({size / max(args.events, 1):,.0f} B/event); "
              f"load average before: {os.getloadavg()[0]:.2f}")

        query = SQL_FULL_SCAN.format(path=str(path).replace("'", "''"))
        started = time.perf_counter()
        groups = len(duckdb.connect().execute(query).fetchall())
        duck = time.perf_counter() - started

        started = time.perf_counter()
        with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
            child = subprocess.Popen(contentpack("backtest", "--events", str(path), "--out", str(out),
                                                 "--format", "json"),
                                     stdout=stdout, stderr=stderr, text=True)
            _, status, usage = os.wait4(child.pid, 0)  # this child's own peak memory, nobody else's
            child.returncode = os.waitstatus_to_exitcode(status)
            backtest = time.perf_counter() - started
            stdout.seek(0)
            stderr.seek(0)
            if child.returncode != 0:
                print(stderr.read(), file=sys.stderr)
                return 1
            summary = json.loads(stdout.read())
        peak = usage.ru_maxrss / 1024

        print(f"\n{'':40} {'seconds':>9} {'events/s':>12}")
        print(f"{'(a) DuckDB full-scan aggregation':40} {duck:9.2f} {args.events / duck:12,.0f}   ({groups} groups)")
        print(f"{'(b) whole-pack backtest (command)':40} {backtest:9.2f} {args.events / backtest:12,.0f}")
        print(f"\nbacktest / DuckDB: {backtest / duck:.2f}x (target: within 2x)")
        print(f"backtest max RSS: {peak:,.0f} MB for a {size / 1e6:,.0f} MB input")
        kept = summary["input"]["events_kept"]
        notables = sum(day["notables"] for day in summary["per_day"])
        risk = sum(day["risk_events"] for day in summary["per_day"])
        print(f"backtest: {summary['input']['lines']:,} lines read, {kept:,} events kept for the detections, "
              f"{len(summary['detections'])} detections, {notables:,} notables, {risk:,} risk events, period "
              f"{summary['period']['start']} .. {summary['period']['end']}")
        print(f"load average after: {os.getloadavg()[0]:.2f} (the machine may be shared: both sides slow down)")
        return 0
    finally:
        shutil.rmtree(out, ignore_errors=True)
        if not args.keep:
            path.unlink(missing_ok=True)
            if not args.dir:
                shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
