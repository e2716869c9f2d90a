"""`contentpack generate-data`'s options, which need none of the generator: its ``--help`` names the scenarios
from ``datagen.seeds`` alone, and a usage error imports no generator module. The writing is
``cli.generate``."""

from __future__ import annotations

import argparse
from pathlib import Path

from contentpack.cli import run_from
from contentpack.datagen.seeds import SCENARIO_SEEDS


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Write the committed attack-data scenarios (JSON lines + dataset.yml) or, with --events, "
                          "a large file of realistic sign-in records. Output is deterministic for a seed.")
    parser.add_argument(
        "--scenario", default="all", metavar="NAME",
        help=f"scenario to write, or 'all' (default). Known: {', '.join(SCENARIO_SEEDS)}",
    )
    parser.add_argument(
        "--out", type=Path, help="output folder for scenarios (default attack_data) or file for --events"
    )
    parser.add_argument(
        "--seed", type=int, help="random seed (default: each scenario's committed seed; 7 for --events)"
    )
    parser.add_argument(
        "--app-catalog", type=Path, metavar="CSV",
        help="also write the app lookup CSV (first-party / publisher-verified facts) to this path",
    )
    parser.add_argument(
        "--docs", type=Path, metavar="MD",
        help="also refresh the generated scenario-facts section of this Markdown file (docs/attack_data.md)",
    )
    parser.add_argument("--variant", metavar="NEW",
                        help="timing variant: write the scenario with the timing options under this name")
    parser.add_argument("--shift", metavar="DURATION",
                        help="timing variant: move every timestamp by this much (e.g. 35m, 2d)")
    parser.add_argument("--record-lag", metavar="DURATION",
                        help="timing variant: sign-in records' time this long after the sign-in (the real "
                        "sample: 12m)")
    parser.add_argument("--ingestion-delay", metavar="SPEC",
                        help="timing variant: stamp _indextime from fixed=D, uniform=MIN,MAX or "
                        "percentiles=p0:D,...,p100:D (seeded with --seed or the scenario's seed)")
    parser.add_argument("--events", type=int, metavar="N", help="scale mode: write N sign-in records to --out FILE")
    parser.add_argument("--workers", type=int, help="scale mode: worker processes (default: CPU count, max 4)")
    parser.add_argument("--no-progress", action="store_true", help="scale mode: no progress bar (one is drawn only when stderr is a terminal)")
    parser.set_defaults(func=run_from("contentpack.cli.generate"))
