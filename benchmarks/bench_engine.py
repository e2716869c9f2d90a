"""Benchmark the embedded SPL engine against DuckDB on generated Entra ID sign-in logs (issue 3).

Generates N sign-in events (default 1,000,000, ~3.4 KB each, ~1% consent errors) with the project's one
generator (``contentpack.datagen.scale.write_events``), then times in this process:

  (a) the consent-denied detection (selective: a raw-bytes prefilter on ``65004`` applies), and
  (b) a full-scan aggregation ``stats count dc(user) by properties.appDisplayName properties.status.errorCode``
      (the issue writes ``appDisplayName``; in ``azure:monitor:aad`` events it lives under ``properties.``),

and the same two questions asked of DuckDB (``read_json`` over the same file, hand-written SQL). Prints
events/s and the engine/DuckDB time ratio. Not a test: run it by hand.

    .venv/bin/python benchmarks/bench_engine.py --events 20000
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from contentpack.datagen.scale import write_events
from contentpack.spl import Engine

BYTES_PER_EVENT = 3600  # generous: the generator writes ~3.4 KB per sign-in line (3.4 GB per million)
NOW = 4_102_444_800.0  # 2100-01-01, after any generated event

DETECTION = (
    'sourcetype=azure:monitor:aad operationName="Sign-in activity" properties.status.errorCode=65004 '
    "| rename properties.* as * | fillnull "
    "| stats count min(_time) max(_time) by dest user src vendor_account vendor_product appDisplayName "
    "status.failureReason signature"
)
FULL_SCAN = "sourcetype=azure:monitor:aad | stats count dc(user) by properties.appDisplayName properties.status.errorCode"

# The add-on's search-time fields (shared/reference/azure_monitor_aad.md §3).
ALIASES = (("tenantId", "dest"), ("tenantId", "vendor_account"), ("callerIpAddress", "src"),
           ("operationName", "signature"))
CALCULATED = (
    ("vendor_product", '"Azure AD"'),
    ("user", "coalesce('properties.initiatedBy.user.userPrincipalName', 'properties.userPrincipalName', "
             "'properties.servicePrincipalName')"),
)

SQL_DETECTION = """
SELECT tenantId AS dest,
       properties.userPrincipalName AS "user",
       callerIpAddress AS src, tenantId AS vendor_account, 'Azure AD' AS vendor_product,
       properties.appDisplayName AS appDisplayName, properties.status.failureReason AS failureReason,
       operationName AS signature, count(*) AS count, min("time") AS first, max("time") AS last
FROM read_json('{path}', format = 'newline_delimited')
WHERE operationName = 'Sign-in activity' AND properties.status.errorCode = 65004
GROUP BY ALL
"""
SQL_FULL_SCAN = """
SELECT properties.appDisplayName AS app, properties.status.errorCode AS code, count(*) AS count,
       count(DISTINCT properties.userPrincipalName) AS users
FROM read_json('{path}', format = 'newline_delimited')
GROUP BY ALL
"""


def timed(action: Callable[[], int]) -> tuple[float, int]:
    started = time.perf_counter()
    rows = action()
    return time.perf_counter() - started, rows


def engine_for(path: Path, workers: int) -> Engine:
    engine = Engine()
    engine.register_events(path, sourcetype="azure:monitor:aad", source="Azure AD", lazy=True)
    engine.register_search_time("azure:monitor:aad", ALIASES, CALCULATED)
    engine.workers = workers
    return engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000, help="number of sign-in events (default 1e6)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for the full scan")
    parser.add_argument("--dir", default=None, help="where to write the events file (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    args = parser.parse_args(argv)

    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench_engine_"))
    folder.mkdir(parents=True, exist_ok=True)
    need = args.events * BYTES_PER_EVENT
    free = shutil.disk_usage(folder).free
    if need > free * 0.9:
        print(f"not enough disk in {folder}: need ~{need / 1e9:.1f} GB, free {free / 1e9:.1f} GB; "
              f"lower N with --events (e.g. --events {int(free * 0.5 / BYTES_PER_EVENT)}) or use --dir",
              file=sys.stderr)
        return 1
    path = folder / "signins.jsonl"
    try:
        started = time.perf_counter()
        write_events(path, args.events, args.seed, progress=True)
        size = path.stat().st_size
        print(f"generated {args.events:,} events, {size / 1e6:.1f} MB ({size / max(args.events, 1):.0f} B/event) "
              f"in {time.perf_counter() - started:.1f} s")

        engine = engine_for(path, args.workers)
        connection = duckdb.connect()
        results: list[tuple[str, float, int, float, int]] = []
        for name, spl, sql in (("(a) consent-denied detection", DETECTION, SQL_DETECTION),
                               ("(b) full-scan stats", FULL_SCAN, SQL_FULL_SCAN)):
            spl_time, spl_rows = timed(lambda: len(engine.search(spl, now=NOW).rows))
            query = sql.format(path=str(path).replace("'", "''"))
            sql_time, sql_rows = timed(lambda: len(connection.execute(query).fetchall()))
            results.append((name, spl_time, spl_rows, sql_time, sql_rows))

        print(f"\n{'question':32} {'engine s':>9} {'engine ev/s':>13} {'rows':>6} {'duckdb s':>9} "
              f"{'duckdb ev/s':>13} {'rows':>6} {'engine/duckdb':>14}")
        for name, spl_time, spl_rows, sql_time, sql_rows in results:
            print(f"{name:32} {spl_time:9.2f} {args.events / spl_time:13,.0f} {spl_rows:6} {sql_time:9.2f} "
                  f"{args.events / sql_time:13,.0f} {sql_rows:6} {spl_time / sql_time:13.2f}x")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\nworkers for the full scan: {args.workers}; peak RSS of this process: {peak:.0f} MB")
        return 0
    finally:
        if not args.keep:
            path.unlink(missing_ok=True)
            if not args.dir:
                shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
