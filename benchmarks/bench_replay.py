"""Time the whole pack's replay: scheduled mode (the default: all-time checks + the simulated ES timeline)
beside --all-time (contentctl's way) in the same run (target: scheduled < 5 s); then one test of a detection
rescheduled to run every minute over a 30-day window (``EVERY_MINUTE``: about 130,000 runs, where resolving
each run's dispatch window weighs most), and with ``--sweep`` the pack's ``contentpack replay --sweep``.

    .venv/bin/python benchmarks/bench_replay.py [--root .] [--repeat 3] [--sweep]

Each measurement is a fresh ``replay_pack`` over the validated pack (validation not timed: ``contentpack
replay`` pays it once, ~0.1 s). Prints best and median wall time, the best CPU time, the scheduled part
(scheduled minus all-time), the number of simulated runs, notables and risk events, the load average and a
fixed Python loop's time: on a shared machine the wall time is only meaningful with those.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from contentpack.content.model import Detection, Pack
from contentpack.content.validate import validate_pack
from contentpack.replay.runner import ReplayReport, replay_pack
from contentpack.replay.sweep import sweep_pack

from bench_validate import _reference_loop  # the one machine-speed reference loop (benchmarks/ is on sys.path)


Result = TypeVar("Result")
# The every-minute case: this detection's first test, its schedule replaced (a long window resolved every minute).
EVERY_MINUTE = ("Entra ID Tenant-Wide Admin Consent Granted", "* * * * *", "-30d@m", "-10m@m")


def _time(run: Callable[[], Result]) -> tuple[float, float, Result]:
    start, cpu = time.perf_counter(), time.process_time()
    report = run()
    return time.perf_counter() - start, time.process_time() - cpu, report


def _every_minute(pack: Pack) -> tuple[Pack, Detection]:
    """The pack with ``EVERY_MINUTE``'s detection rescheduled and cut to its first test, and that detection."""
    name, cron, earliest, latest = EVERY_MINUTE
    original = next(d for d in pack.detections if d.name == name)
    deployment = original.effective_deployment
    scheduling = replace(deployment.scheduling, cron_schedule=cron, earliest_time=earliest, latest_time=latest)
    detection = replace(original, tests=original.tests[:1],
                        deployment=replace(deployment, scheduling=scheduling))
    return replace(pack, detections=tuple(detection if d is original else d for d in pack.detections)), detection


def main() -> int:
    parser = argparse.ArgumentParser(description="benchmark the pack's scheduled and all-time replay")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sweep", action="store_true", help="also time the pack's replay --sweep (about a minute "
                                                               "a repeat)")
    args = parser.parse_args()
    result = validate_pack(args.root)
    if result.pack is None or result.errors:
        sys.exit("the pack is invalid: run contentpack validate")
    pack = result.pack
    replay_pack(pack, all_time=True)  # warm-up: ATT&CK data, page cache
    scheduled = [_time(lambda: replay_pack(pack)) for _ in range(args.repeat)]
    all_time = [_time(lambda: replay_pack(pack, all_time=True)) for _ in range(args.repeat)]
    minute_pack, minute = _every_minute(pack)
    every_minute = [_time(lambda: replay_pack(minute_pack, [minute])) for _ in range(args.repeat)]
    sweeps = [_time(lambda: sweep_pack(pack)) for _ in range(args.repeat if args.sweep else 0)]
    report = scheduled[0][2]
    outcomes = [o.scheduled for o in report.outcomes if o.scheduled is not None]
    runs = sum(o.runs for o in outcomes)
    notables = sum(len(o.notables) for o in outcomes)
    risk = sum(o.risk_events for o in outcomes)
    load = os.getloadavg()[0]
    reference = _reference_loop()
    best_s, best_a = min(w for w, _, _ in scheduled), min(w for w, _, _ in all_time)
    print(f"replay, scheduled (default): {len(report.outcomes)} tests, {runs} simulated runs, {notables} notables, "
          f"{risk} risk events: best {best_s:.2f} s, median {statistics.median(w for w, _, _ in scheduled):.2f} s "
          f"wall, best CPU {min(c for _, c, _ in scheduled):.2f} s; target < 5 s")
    print(f"replay --all-time (reference, same run): best {best_a:.2f} s, median "
          f"{statistics.median(w for w, _, _ in all_time):.2f} s wall, best CPU {min(c for _, c, _ in all_time):.2f} s; "
          f"the simulation adds {best_s - best_a:.2f} s")
    minute_runs = sum(o.scheduled.runs for o in every_minute[0][2].outcomes if o.scheduled is not None)
    print(f"every-minute replay ({EVERY_MINUTE[0]!r}, first test, cron {EVERY_MINUTE[1]!r}, window "
          f"{EVERY_MINUTE[2]}..{EVERY_MINUTE[3]}): {minute_runs} simulated runs: best CPU "
          f"{min(c for _, c, _ in every_minute):.2f} s, median {statistics.median(c for _, c, _ in every_minute):.2f} s")
    if sweeps:
        swept = sweeps[0][2]
        print(f"replay --sweep: {len(swept.tests)} tests, {sum(t.variants for t in swept.tests)} variants, "
              f"{'all pass' if swept.ok else 'FAILING'}: best CPU {min(c for _, c, _ in sweeps):.2f} s, median "
              f"{statistics.median(c for _, c, _ in sweeps):.2f} s")
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs, reference loop {reference:.2f} s CPU")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
