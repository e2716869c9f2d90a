"""Where a first `contentpack build` of 2,000 generated detections spends its time, phase by phase.

Run: .venv/bin/python benchmarks/build_phases.py [--detections 2000] [--repeat 3] [--workdir DIR]

Each repeat is a fresh interpreter (no module imported yet, every memo cache empty, empty parse cache and
output folder): what a command-line first build pays. Inside it, the build's steps are timed by wrapping the
functions that carry them, so the table reads like the README's "where a first build's time goes" and can be
re-measured after a change. Times are CPU seconds of the process (``time.process_time``), best of the repeats
per phase; the wall time of the whole build is printed beside them. The interpreter's start before the first
import and its exit after the build are not inside the process's own clock: ``bench_build.py`` times the
whole command.

The pack is ``bench_validate.generate``'s, the one ``bench_build.py`` compares with contentctl.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.workdir import workdir  # noqa: E402

# (module, function, phase): the phase a call of that function is counted under. Nested phases are
# subtracted from the phase around them (the read-back is not also counted as rendering).
WRAPPED = (
    ("contentpack.content.validate", "load_cached", "YAML: read and parse"),
    ("contentpack.content.parse_cache", "CacheUpdate.save", "parse cache: save"),
    ("contentpack.content.validate", "check_document", "schema checks and model"),
    ("contentpack.content.validate", "run_rules", "rules"),  # the rules without a phase of their own
    ("contentpack.esapp.builder", "render_app", "render .conf files"),
    ("contentpack.esapp.builder", "check_round_trip", "render: read back"),
    ("contentpack.esapp.builder", "docs_files", "docs pages"),
    ("contentpack.esapp.builder", "tarball_bytes", "tarball"),
    ("contentpack.esapp.builder", "write_tree", "write files"),
)
# Rules with a phase of their own (the rest count as "rules"); run_rules finds them through all_rules().
RULE_PHASES = {"spl_rules": "rules: SPL parse (CP060/CP061)",
               "attacker_controlled_drilldown_tokens": "rules: drilldown taint (CP045)"}


def child(pack: Path, output: Path) -> None:
    """One cold build in this (fresh) interpreter; prints the phase times as JSON."""
    started = time.process_time()
    import importlib

    import contentpack.content.validate  # noqa: F401  (imports are a phase of their own)
    import contentpack.spl.exprparser  # noqa: F401  (the rules import the engine's parser on first use)
    import contentpack.spl.parser  # noqa: F401
    from contentpack.content.rules import all_rules
    from contentpack.esapp import builder

    all_rules()  # the rule modules, imported on first use
    totals: dict[str, float] = {"imports": time.process_time() - started}
    stack: list[str] = []

    def timed(original: Callable[..., Any], phase: str) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            stack.append(phase)
            start = time.process_time()
            try:
                result = original(*args, **kwargs)
                return list(result) if phase in RULE_PHASES.values() else result  # rules are generators
            finally:
                spent = time.process_time() - start
                stack.pop()
                totals[phase] = totals.get(phase, 0.0) + spent
                if stack:  # not also the enclosing phase's own time
                    totals[stack[-1]] = totals.get(stack[-1], 0.0) - spent
        return run

    for module_name, qualname, phase in WRAPPED:
        owner: Any = importlib.import_module(module_name)
        *outer, name = qualname.split(".")
        for part in outer:
            owner = getattr(owner, part)
        setattr(owner, name, timed(getattr(owner, name), phase))
    setattr(sys.modules["contentpack.content.rules"], "all_rules",  # noqa: B010  (a module attribute)
            lambda: tuple(timed(rule, RULE_PHASES[rule.__name__]) if rule.__name__ in RULE_PHASES else rule
                          for rule in all_rules()))
    os.environ["CONTENTPACK_CACHE_DIR"] = str(output.parent / "parse-cache")
    wall, cpu = time.perf_counter(), time.process_time()
    report = builder.build(pack, output, environ={"SOURCE_DATE_EPOCH": "1767225600"})
    totals["build, wall"] = time.perf_counter() - wall
    totals["build, CPU"] = time.process_time() - cpu
    if not report.ok:
        sys.exit(f"build failed: {[p.render() for p in report.stopped_by[:3]]}")
    totals["other"] = totals["build, CPU"] - sum(v for k, v in totals.items() if k not in ("imports", "build, wall",
                                                                                            "build, CPU"))
    print(json.dumps(totals))


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--detections", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=workdir, default=str(ROOT),
                        help="where the scratch pack and outputs go (made when missing)")
    parser.add_argument("--child", nargs=2, metavar=("PACK", "OUTPUT"), help=argparse.SUPPRESS)
    return parser


def main() -> int:
    args = arguments().parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return 0
    from benchmarks.bench_build import SLOW_CREATE_SECONDS, file_create_seconds  # noqa: E402
    from benchmarks.bench_validate import generate  # noqa: E402

    compileall.compile_dir(str(ROOT / "src"), quiet=1)  # as an install would (see bench_build.py)
    runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix=".build-phases-", dir=args.workdir) as tmp:
        create_cost = file_create_seconds(Path(tmp) / "fs-probe")
        pack = Path(tmp) / "pack"
        pack.mkdir()
        generate(pack, args.detections)
        for i in range(args.repeat):
            out = Path(tmp) / f"run-{i}" / "dist"
            out.parent.mkdir()
            env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
            done = subprocess.run([sys.executable, __file__, "--child", str(pack), str(out)], capture_output=True,
                                  text=True, env=env, check=False)
            if done.returncode != 0:
                sys.exit(f"run {i} failed: {done.stderr[-500:]}")
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    load = f"load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "load average unknown"
    print(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, {os.cpu_count()} CPUs, {load}; "
          f"{args.detections} detections, {args.repeat} fresh interpreters; CPU seconds, best per phase; creating "
          f"a file in the scratch folder took {create_cost * 1e6:.0f} us")
    if create_cost > SLOW_CREATE_SECONDS:
        print("note: creating files is slow in this folder (see bench_build.py): 'write files' is inflated")
    phases = [phase for _, _, phase in WRAPPED]
    phases[phases.index("rules") + 1:phases.index("rules") + 1] = RULE_PHASES.values()
    order = ["imports", *phases, "other", "build, CPU", "build, wall"]
    for phase in order:
        values = [run.get(phase, 0.0) for run in runs]
        print(f"  {phase:<34} {min(values):6.3f} s   (runs: {', '.join(f'{v:.3f}' for v in values)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
