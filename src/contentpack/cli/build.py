"""`contentpack build [--output dist] [--json-style compact|contentctl] [--root DIR] [--force] [--format text|json]`.

Validates the pack, then writes ``<output>/<appid>/``, ``<output>/<appid>-<version>.tar.gz`` and
``<output>/docs/`` (and the marker ``<output>/.contentpack-build`` that lets the next build replace them).
Exit 0 on success, 1 when content is invalid or cannot be built safely, 2 on usage errors. With
``--format json`` stdout holds only the JSON document ``validate --format json`` prints: the validator's
positioned findings then the build's own (``BDxxx``, docs/build.md), ``ok``, and a summary naming the tarball
or saying that nothing was built.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from contentpack.cli.common import diagnostics_json, pack_root, print_diagnostics
from contentpack.content.config import CONFIG_FILE
from contentpack.cut_lists import counted
from contentpack.esapp.jsonvalues import JSON_STYLES
from contentpack.printable import printable

if TYPE_CHECKING:
    from contentpack.esapp.builder import BuildReport


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Validate the pack, then write the Splunk ES app folder, its .tar.gz and docs/ (one page "
                          "per detection, an ATT&CK Navigator layer) into the output folder (docs/build.md).")
    parser.add_argument("--output", default="dist",
                        help="output folder, replaced atomically, and only if an earlier build wrote it (default: dist)")
    parser.add_argument("--force", action="store_true",
                        help="replace the output folder even if it does not look like an earlier build's output")
    parser.add_argument("--json-style", choices=JSON_STYLES, default="compact",
                        help="JSON values in .conf files: compact sorted JSON as ES writes it (default), or "
                             "contentctl 5.x's spaced form")
    parser.add_argument("--root", type=Path,
                        help=f"pack root (default: the nearest directory holding {CONFIG_FILE}, from the cwd up)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text (findings on stderr), or one JSON document on stdout as validate prints")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from contentpack.esapp.builder import build  # imported here so other sub-commands do not pay for it

    root = pack_root("build", args.root)
    if isinstance(root, int):
        return root
    # the verdict names the output folder as the user wrote it, as the build's own problems (BD001) do
    given = Path(args.output)
    report = build(root, given, args.json_style, force=args.force)
    failed = f"contentpack build: failed with {counted(len(report.stopped_by), 'problem')}; {given} left unchanged"
    if args.format == "json":
        print_diagnostics(report.notes, sys.stderr)
        # the validator's findings then the build's own, as the text output lists them
        summary = _summary(report) if report.ok else failed
        print(diagnostics_json((*report.diagnostics, *report.build_problems), report.ok, summary))
    elif report.ok:  # the output folder as typed, escaped (printable) as every path the commands print
        print_diagnostics((*report.diagnostics, *report.notes), sys.stderr)
        print(printable(_summary(report)))
    else:
        # the validator's findings (warnings, when the build's own problems stopped it) then those problems
        print_diagnostics((*report.notes, *report.diagnostics, *report.build_problems), sys.stderr)
        print(printable(failed), file=sys.stderr)
    return 0 if report.ok else 1


def _summary(report: BuildReport) -> str:
    unchanged = (f" ({counted(report.reused_files, 'file')} unchanged since the last build)" if report.reused_files
                 else "")
    return f"built {counted(report.detections, 'detection')}: {report.tarball}{unchanged}"
