"""`contentpack build [--output dist] [--json-style compact|contentctl] [--root DIR]`.

Validates the pack, then writes ``<output>/<appid>/``, ``<output>/<appid>-<version>.tar.gz`` and
``<output>/docs/``. Exit 0 on success, 1 when content is invalid or cannot be built safely, 2 on I/O trouble.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from contentpack.esapp.jsonvalues import JSON_STYLES


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("build", help="validate the pack and build the Splunk ES app into dist/")
    parser.add_argument("--output", default="dist", help="output folder, replaced atomically (default: dist)")
    parser.add_argument("--json-style", choices=JSON_STYLES, default="compact",
                        help="JSON values in .conf files: compact sorted JSON as ES writes it (default), or "
                             "contentctl 5.x's spaced form")
    parser.add_argument("--root", default=".", help="pack root holding contentpack.yml (default: .)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from contentpack.esapp.builder import build  # imported here so other sub-commands do not pay for it

    root = Path(args.root)
    if not root.is_dir():
        print(f"contentpack build: {root}: no such folder", file=sys.stderr)
        return 2
    output = Path(args.output)
    if not output.is_absolute():
        output = Path.cwd() / output
    report = build(root, output, args.json_style)
    for line in (*report.warnings, *report.notes):
        print(line, file=sys.stderr)
    if not report.ok:
        for line in report.problems:
            print(line, file=sys.stderr)
        print(f"contentpack build: failed with {len(report.problems)} problem(s); {output} left unchanged",
              file=sys.stderr)
        return 1
    unchanged = f" ({report.reused_files} file(s) unchanged since the last build)" if report.reused_files else ""
    print(f"built {report.detections} detection(s): {report.tarball}{unchanged}")
    return 0
