"""`contentpack generate-data`: write the attack-data scenarios or a large scale-mode file.

    contentpack generate-data [--scenario NAME|all] [--out attack_data] [--seed S]
    contentpack generate-data --scenario NAME --variant NEW [--shift 35m] [--record-lag 12m]
                              [--ingestion-delay fixed=20m|uniform=1m,5m|percentiles=p0:30s,...,p100:15m]
    contentpack generate-data --events N --out FILE [--seed S] [--workers W] [--no-progress]

Exit status: 0 written, 2 usage or I/O error (message on stderr, no traceback). Bounded: --events at most
``scale.MAX_EVENTS``, --workers at most ``scale.MAX_WORKERS``, the timing durations at most
``timing.MAX_TIMING_DAYS`` (docs/attack_data.md).
The options are declared in ``cli.generate_options``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from contentpack.cli.common import print_diagnostics, usage_error
from contentpack.cli.report_file import file_in_made_folders_problem, junit_problem, report_stream
from contentpack.printable import printable
from contentpack.spl.files import os_problem
from contentpack.spl.suggest import did_you_mean
from contentpack.content.diagnostics import Diagnostic
from contentpack.content.loader import load_yaml
from contentpack.cut_lists import count_text, cut_list
from contentpack.datagen.output import refresh_docs, write_app_catalog, write_scenario
from contentpack.datagen.scale import MAX_EVENTS, MAX_WORKERS, write_events
from contentpack.datagen.scenarios import SCENARIOS
from contentpack.datagen.timing import Timing, parse_delay_spec
from contentpack.durations import duration_seconds

DEFAULT_SCALE_SEED = 7


def _manifests(attack_data: Path) -> tuple[list[dict[str, object]], list[Diagnostic]]:
    """Every scenario's ``dataset.yml``, read with the strict loader (as all YAML the CLI reads)."""
    manifests: list[dict[str, object]] = []
    problems: list[Diagnostic] = []
    for name in SCENARIOS:
        path = attack_data / name / "dataset.yml"
        loaded, found = load_yaml(path, str(path))
        problems += found
        if loaded is not None and isinstance(loaded.data, dict):
            manifests.append(loaded.data)
    return manifests, problems


def variant_next_step(log_path: Path) -> str:
    """What to do with a timing variant once written: a detection test replays it only when its ``attack_data``
    names it, which the command did not say (a new variant sat in ``attack_data/``, read by nothing)."""
    return (f"a detection's test replays it once its attack_data names it (- data: {log_path.as_posix()}, with "
            "the source and sourcetype its dataset.yml's replay gives; docs/new_detection.md): then run "
            "contentpack replay --detection NAME")

def run(args: argparse.Namespace) -> int:
    if args.events is not None:
        return _scale(args)
    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        known = ["all", *SCENARIOS]  # the closest name when one is close (a name cut short), else all of them
        hint = did_you_mean(unknown[0], known) or f"; known: {', '.join(known)}"
        return usage_error("generate-data", f"unknown scenario {unknown[0]!r}{hint}")
    if args.seed is not None and len(names) > 1:
        return usage_error("generate-data", "--seed needs a single --scenario (each scenario has its own seed)")
    try:
        timing = _timing(args)
    except ValueError as exc:
        return usage_error("generate-data", str(exc))
    if (timing is None) != (args.variant is None) or (timing is not None and len(names) > 1):
        return usage_error("generate-data", "a timing variant needs one --scenario, --variant NAME and at least one "
                           "of --shift, --record-lag, --ingestion-delay")
    # before the scenarios are written, not after (the catalog's missing folders are made, as the scenarios' are)
    refused = junit_problem("generate-data", args.docs, "--docs") or junit_problem(
        "generate-data", args.app_catalog, "--app-catalog", check=file_in_made_folders_problem)
    if refused is not None:
        return refused
    out = args.out or Path("attack_data")
    if args.docs is not None:
        # the facts are refreshed from every scenario's dataset.yml: one that this run does not write must be in
        # --out already (before, each missing one was a "cannot read file" error, after writing the rest)
        made_now = set() if args.variant is not None else set(names)
        missing = [n for n in SCENARIOS if n not in made_now and not (out / n / "dataset.yml").is_file()]
        if missing:
            return usage_error("generate-data", f"--docs {args.docs}: the scenario facts are made from every "
                               f"scenario's dataset.yml, and {out} has none for {len(missing)} of the "
                               f"{len(SCENARIOS)} scenarios: {_some_of(missing)}; generate them all "
                               "(--scenario all) with --docs, or drop --docs")
    try:
        for name in names:
            written = write_scenario(name, out, args.seed, timing, args.variant)
            print(printable(f"{written.log_path}: {count_text(written.events)} events, "
                            f"{count_text(written.bytes)} bytes"))
            if args.variant is not None:  # a new scenario no test reads yet: where it goes (the run said nothing)
                print(printable(f"contentpack generate-data: note: {variant_next_step(written.log_path)}"),
                      file=sys.stderr)
        if args.docs is not None:
            manifests, problems = _manifests(Path(out))
            if problems:
                print_diagnostics(problems, sys.stderr)
                return 1
            print(printable(f"{refresh_docs(args.docs, manifests)}: scenario facts refreshed"))
        if args.app_catalog is not None:
            print(printable(f"{write_app_catalog(args.app_catalog)}: app catalog"))
    except OSError as exc:
        return usage_error("generate-data", os_problem(exc, out))
    return 0


def _scale(args: argparse.Namespace) -> int:
    if not 0 <= args.events <= MAX_EVENTS:
        return usage_error("generate-data", f"--events must be 0 to {count_text(MAX_EVENTS)} (about 340 GB); write "
                           "larger volumes as several files with different --seed values")
    if args.out is None or args.out.is_dir():
        return usage_error("generate-data", "--events needs --out FILE (a file path)")
    if args.workers is not None and not 1 <= args.workers <= MAX_WORKERS:
        return usage_error("generate-data", f"--workers must be 1 to {MAX_WORKERS}")
    # a missing folder or one this user cannot write in, said as --junit says it, before any record is made
    # (before, Python's words for the file alone: "big.log: No such file or directory")
    refused = junit_problem("generate-data", args.out, "--out")
    if refused is not None:
        return refused
    seed = DEFAULT_SCALE_SEED if args.seed is None else args.seed
    try:
        # a bar is for a person watching: in a pipe or a CI log its last frame would be noise, as for backtest
        progress = not args.no_progress and sys.stderr.isatty()
        stats = write_events(args.out, args.events, seed, progress=progress, workers=args.workers,
                             opener=report_stream)
    except OSError as exc:
        return usage_error("generate-data", os_problem(exc, args.out))
    codes = ", ".join(f"{code}: {n}" for code, n in stats.by_error_code.items())
    # into a pipe or a device (``--out /dev/stdout | gzip``), stdout may be the data: the summary goes beside it
    summary_to = sys.stdout if args.out.is_file() else sys.stderr
    print(printable(
        f"{stats.path}: {count_text(stats.events)} events, {count_text(stats.bytes)} bytes in {stats.seconds:.1f} s "
        f"({_rate(stats.events_per_second, 'events/s')}; {_rate(stats.events_per_cpu_second, 'events per CPU-second')}); "
        f"error codes {{{codes}}}"
    ), file=summary_to)
    return 0


def _rate(rate: float | None, unit: str) -> str:
    """A rate as printed, or that the time was too short to measure one (a tiny run on a coarse clock)."""
    return f"{rate:,.0f} {unit}" if rate is not None else f"{unit}: too short to measure"


MISSING_SHOWN = 3  # scenarios named in --docs's usage error; the rest are counted


def _some_of(names: list[str]) -> str:
    """``a, b, c (+11 more)``: one line a reader takes in (all 14 names of a lone ``--scenario`` ran past three
    terminal lines); four or fewer are all named."""
    return cut_list(names, MISSING_SHOWN, separator=", ", in_full=MISSING_SHOWN + 1)


def _timing(args: argparse.Namespace) -> Timing | None:
    """The timing variant the options ask for (None when none is given); ValueError says what is wrong."""
    if args.shift is None and args.record_lag is None and args.ingestion_delay is None:
        return None
    seed = args.seed if args.seed is not None else SCENARIOS.get(args.scenario, (None, 0))[1]
    return Timing(
        shift=_signed_duration(args.shift) if args.shift else 0.0,
        record_lag=duration_seconds(args.record_lag) if args.record_lag else None,
        ingestion_delay=parse_delay_spec(args.ingestion_delay, seed) if args.ingestion_delay else None,
    )


def _signed_duration(text: str) -> float:
    return -duration_seconds(text[1:]) if text.startswith("-") else duration_seconds(text.lstrip("+"))
