"""`contentpack build [--output dist] [--json-style compact|contentctl] [--root DIR] [--force]`.

Validates the pack, then writes ``<output>/<appid>/``, ``<output>/<appid>-<version>.tar.gz`` and
``<output>/docs/`` (and the marker ``<output>/.contentpack-build`` that lets the next build replace them).
Exit 0 on success, 1 when content is invalid or cannot be built safely, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from contentpack.cli.common import pack_root, print_diagnostics
from contentpack.content.config import CONFIG_FILE
from contentpack.esapp.jsonvalues import JSON_STYLES


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("build", help="validate the pack and build the Splunk ES app into dist/")
    parser.add_argument("--output", default="dist",
                        help="output folder, replaced atomically, and only if an earlier build wrote it (default: dist)")
    parser.add_argument("--force", action="store_true",
                        help="replace the output folder even if it does not look like an earlier build's output")
    parser.add_argument("--json-style", choices=JSON_STYLES, default="compact",
                        help="JSON values in .conf files: compact sorted JSON as ES writes it (default), or "
                             "contentctl 5.x's spaced form")
    parser.add_argument("--root", type=Path,
                        help=f"pack root (default: the nearest directory holding {CONFIG_FILE}, from the cwd up)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from contentpack.esapp.builder import build  # imported here so other sub-commands do not pay for it

    root = pack_root("build", args.root)
    if isinstance(root, int):
        return root
    output = Path(args.output)
    if not output.is_absolute():
        output = Path.cwd() / output
    report = build(root, output, args.json_style, force=args.force)
    print_diagnostics((*report.warnings, *report.notes), sys.stderr)
    if not report.ok:
        print_diagnostics(report.problems, sys.stderr)
        print(f"contentpack build: failed with {len(report.problems)} problem(s); {output} left unchanged",
              file=sys.stderr)
        return 1
    unchanged = f" ({report.reused_files} file(s) unchanged since the last build)" if report.reused_files else ""
    print(f"built {report.detections} detection(s): {report.tarball}{unchanged}")
    return 0
