"""Build benchmark: 2,000 generated detections -> dist/ (render, round-trip check, tarball, docs).

Run: .venv/bin/python benchmarks/bench_build.py [--detections 2000] [--repeat 3]
Prints wall times; the target is under 2 s (contentctl 5.6.2 builds ESCU's 1,870 in about 13 s here).
The first figures build model objects (no YAML): the builder alone. The last figure is end to end, as
`contentpack build` runs: 2,000 ESCU-size detections written as YAML (the validation benchmark's generator),
loaded, validated and built — the like-for-like comparison with contentctl's build time.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_validate import generate as generate_yaml_pack  # noqa: E402
from contentpack.build.builder import build, build_pack, render_app  # noqa: E402
from contentpack.build.dates import BuildDate  # noqa: E402
from contentpack.content.model import Pack  # noqa: E402
from tests.build import factory  # noqa: E402

KINDS = ("TTP", "Anomaly", "Hunting", "Correlation")


def generated_pack(root: Path, count: int) -> Pack:
    base = factory.detection()
    detections = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        template = factory.detection(type=kind)
        detections.append(dataclasses.replace(
            template, name=f"Generated Consent Detection {i:05d}", id=f"00000000-0000-4000-8000-{i:012d}",
            description=f"{base.description}\nVariant {i} of the consent rule.\n" * 3,
            search=base.search.replace("65004", str(65000 + i % 10)) + f"\n| where count > {i % 7}"))
    return dataclasses.replace(factory.pack(root), detections=tuple(detections))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detections", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", default=str(ROOT),
                        help="where the scratch dist/ goes (default: the project folder, where dist/ normally lives)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix=".bench-build-", dir=args.workdir) as tmp:
        root = Path(tmp)
        pack = generated_pack(root, args.detections)
        render_times, build_times, build_cpu = [], [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            built = render_app(pack, BuildDate(factory.EPOCH, "bench"))
            render_times.append(time.perf_counter() - start)
            start, cpu = time.perf_counter(), time.process_time()
            report = build_pack(pack, root / "dist", environ=factory.ENV)
            build_times.append(time.perf_counter() - start)
            build_cpu.append(time.process_time() - cpu)
            if not report.ok:
                print("build failed:", report.problems[:3], file=sys.stderr)
                return 1
        size = (root / "dist" / built.tarball_name).stat().st_size
        saved = len(built.files["default/savedsearches.conf"])
        yaml_root, yaml_out = root / "yaml-pack", root / "yaml-dist"
        yaml_root.mkdir()
        generate_yaml_pack(yaml_root, args.detections)
        end_to_end = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            report = build(yaml_root, yaml_out, environ=factory.ENV)
            end_to_end.append(time.perf_counter() - start)
            if not report.ok:
                print("end-to-end build failed:", report.problems[:3], file=sys.stderr)
                return 1
    print(f"detections: {args.detections} (scratch output under {args.workdir})")
    print(f"render + round-trip check (in memory): best {min(render_times):.3f} s, "
          f"median {sorted(render_times)[len(render_times) // 2]:.3f} s")
    print(f"full build to dist/ (render, check, tarball, docs, navigator, atomic swap): best {min(build_times):.3f} s, "
          f"median {sorted(build_times)[len(build_times) // 2]:.3f} s; CPU time best {min(build_cpu):.3f} s")
    print(f"savedsearches.conf {saved / 1e6:.1f} MB, tarball {size / 1e6:.2f} MB; target < 2 s: "
          f"{'met' if min(build_times) < 2 else 'NOT met'}")
    print(f"end to end from YAML (load, validate, build to dist/): best {min(end_to_end):.3f} s, "
          f"median {sorted(end_to_end)[len(end_to_end) // 2]:.3f} s; target < 2 s: "
          f"{'met' if min(end_to_end) < 2 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
