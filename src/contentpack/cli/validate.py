"""`contentpack validate [PATHS...] [--root DIR] [--strict] [--format text|json] [--junit FILE]`.

The whole pack is always validated (references cross files); PATHS only narrow which files' findings are
printed. Exit status: 0 valid, 1 invalid content (or warnings with --strict), 2 usage or I/O error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from contentpack import collector
from contentpack.cli.common import counted, diagnostics_json, pack_root, print_diagnostics, usage_error
from contentpack.content.config import CONFIG_FILE, PackRootError
from contentpack.content.diagnostics import Diagnostic
from contentpack.content.validate import ValidationResult, validate_pack
from contentpack.cli.report_file import junit_problem, report_path, write_junit
from contentpack.junit import Case
from contentpack.spl.files import no_such_path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "validate",
        help="check every content file of the pack and print each problem with its position",
        description="Validate the pack's YAML content (schemas and semantic rules) and print every problem "
        "as path:line:col: severity[RULE]: message.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="only report problems in these files/folders")
    parser.add_argument(
        "--root",
        type=Path,
        help=f"pack root (default: the nearest directory holding {CONFIG_FILE}, from the first PATH or the cwd)",
    )
    parser.add_argument("--strict", action="store_true", help="treat warnings as failures (exit 1)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument("--junit", type=report_path, metavar="FILE",
                        help="also write the findings as JUnit XML for CI test reporters (docs/ci.md)")
    parser.set_defaults(func=run)


def _selected(diagnostic: Diagnostic, prefixes: list[str]) -> bool:
    path = diagnostic.position.path
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


def _prefixes(root: Path, paths: list[str]) -> list[str] | str:
    """PATHS as root-relative posix prefixes, or an error message."""
    prefixes: list[str] = []
    resolved_root = root.resolve()
    for raw in paths:
        candidate = Path(raw)
        absolute = (candidate if candidate.is_absolute() else Path.cwd() / candidate).resolve()
        if not absolute.exists():
            return no_such_path(raw)
        if not absolute.is_relative_to(resolved_root):
            return f"{raw}: not inside the pack root {root}"
        relative = absolute.relative_to(resolved_root).as_posix()
        if relative == ".":
            return []
        prefixes.append(relative)
    return prefixes


def _summary(result: ValidationResult, shown: list[Diagnostic]) -> str:
    errors = sum(1 for d in shown if d.severity.value == "error")
    warnings = len(shown) - errors
    pack = result.pack
    scope = (
        ", ".join(_scope(len(items), result.files.get(kind, 0), noun) for items, kind, noun in (
            (pack.detections, "detection", "detection"), (pack.macros, "macro", "macro"),
            (pack.stories, "story", "story"), (pack.data_sources, "data_source", "data source"),
            (pack.lookups, "lookup", "lookup")))
        if pack is not None
        else "pack configuration invalid"
    )
    verdict = "valid" if errors == 0 and not (result.strict and warnings) else "INVALID"
    return f"{verdict}: {counted(errors, 'error')}, {counted(warnings, 'warning')} ({scope})"


def _scope(modelled: int, files: int, noun: str) -> str:
    """``12 detections``, or ``11 of 12 detections`` when a file's errors kept it out of the pack: a count that
    silently dropped the broken file would read as if the file were not there."""
    if files > modelled:
        return f"{modelled:,} of {counted(files, noun)}"
    return counted(modelled, noun)


def junit_cases(shown: list[Diagnostic], strict: bool) -> list[Case]:
    """One case per finding (failed when it fails the run: an error, or a warning with --strict), at its file
    and line; a warning that does not fail the run says what it is as the passed case's output (a passed case
    has no failure text for it). A clean run is one passed case, so reporters show that validation ran."""
    cases = []
    for d in shown:
        fails = d.severity.value == "error" or strict
        cases.append(Case(classname=f"validate {d.position.path}", name=f"{d.rule} {d.position.line}:{d.position.col}",
                          failure=d.message if fails else None, details=d.render(), file=d.position.path,
                          line=d.position.line or None, output="" if fails else d.render()))
    return cases or [Case(classname="validate", name="pack")]


def run(args: argparse.Namespace) -> int:
    """The command, with the cycle collector paused until its output is printed: ``validate_pack`` pauses it
    while loading, but the result keeps the whole pack alive, and the first collection after that would walk
    all of it just before the command ends anyway."""
    with collector.cyclic_gc_paused():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    root = pack_root("validate", args.root, Path(args.paths[0]) if args.paths else None)
    if isinstance(root, int):
        return root
    prefixes = _prefixes(root, list(args.paths))
    if isinstance(prefixes, str):
        return usage_error("validate", prefixes)
    refused = junit_problem("validate", args.junit)
    if refused is not None:
        return refused
    try:
        result = validate_pack(root, strict=args.strict)
    except PackRootError as exc:
        return usage_error("validate", str(exc))
    shown = [d for d in result.diagnostics if not prefixes or _selected(d, prefixes)]
    errors = any(d.severity.value == "error" for d in shown)
    failed = errors or (args.strict and bool(shown))
    if args.format == "json":
        print(diagnostics_json(shown, not failed, _summary(result, shown)))
    else:
        print_diagnostics(shown)
        print_diagnostics([_summary(result, shown)])
    if args.junit is not None and not write_junit(args.junit, "validate", "contentpack validate",
                                                  junit_cases(shown, args.strict)):
        return 2
    return 1 if failed else 0
