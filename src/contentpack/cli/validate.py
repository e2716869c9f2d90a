"""`contentpack validate [PATHS...] [--root DIR] [--strict] [--format text|json] [--junit FILE]`.

The whole pack is always validated (references cross files); PATHS only narrow which files' findings are
printed, and the exit status judges those files alone. The summary then names what was checked and counts the
problems of the other files it did not print: ``valid`` beside the pack's counts alone read as "the pack is
valid" to a user whose other file was broken. Exit status: 0 valid, 1 invalid content (or warnings with
--strict), 2 usage or I/O error.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

from contentpack import collector
from contentpack.cli.common import diagnostics_json, pack_root, print_diagnostics, usage_error
from contentpack.content.config import CONFIG_FILE, PackRootError
from contentpack.content.diagnostics import Diagnostic
from contentpack.content.validate import ValidationResult, validate_pack
from contentpack.cli.report_file import junit_problem, report_path, write_junit
from contentpack.cut_lists import count_text, counted
from contentpack.junit import Case
from contentpack.spl.files import no_such_input


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Validate the pack's YAML content (schemas and semantic rules) and print every problem "
                          "as path:line:col: severity[RULE]: message.")
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="only report problems in these files/folders (the summary counts the other files')")
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
    """Whether a finding is at, or concerns, a file under PATHS."""
    return any(path == p or path.startswith(p.rstrip("/") + "/")
               for path in (diagnostic.position.path, *diagnostic.concerns) for p in prefixes)


def _prefixes(root: Path, paths: list[str]) -> list[str] | str:
    """PATHS as root-relative posix prefixes, or an error message."""
    prefixes: list[str] = []
    resolved_root = root.resolve()
    for raw in paths:
        candidate = Path(raw)
        if not candidate.exists():  # before resolve(), which raised RuntimeError on a loop of links
            return no_such_input(raw)
        absolute = (candidate if candidate.is_absolute() else Path.cwd() / candidate).resolve()
        if not absolute.is_relative_to(resolved_root):
            return f"{raw}: not inside the pack root {root}"
        relative = absolute.relative_to(resolved_root).as_posix()
        if relative == ".":
            return []
        prefixes.append(relative + "/" if absolute.is_dir() else relative)  # a folder says so in the summary
    return list(dict.fromkeys(prefixes))


def _summary(result: ValidationResult, shown: list[Diagnostic], prefixes: list[str]) -> str:
    """``valid: 0 errors, 0 warnings (16 detections, ...)``, ``INVALID (--strict: warnings count as errors): 0
    errors, 1 warning (...)`` when only --strict fails the run; with PATHS, what was checked and what the other
    files hold, not shown: ``valid: 0 errors, 0 warnings in detections/x.yml; 1 error in other files not shown
    (pack: 15 of 16 detections, ...; 1 file stopped at its errors, ...)``."""
    errors, warnings = _counts(shown)
    pack = result.pack
    if pack is None:
        scope = "pack configuration invalid"
    else:
        kinds = ((len(pack.detections), "detection", "detection"), (len(pack.macros), "macro", "macro"),
                 (len(pack.stories), "story", "story"), (len(pack.data_sources), "data_source", "data source"),
                 (len(pack.lookups), "lookup", "lookup"))
        scope = ", ".join(_scope(modelled, result.files.get(kind, 0), noun) for modelled, kind, noun in kinds)
        scope += _stopped(sum(max(result.files.get(kind, 0) - modelled, 0) for modelled, kind, _ in kinds))
    # a run that only --strict fails says so: "INVALID: 0 errors" read as a contradiction
    verdict = "valid" if errors == 0 and not (result.strict and warnings) else \
        "INVALID" if errors else "INVALID (--strict: warnings count as errors)"
    found = f"{counted(errors, 'error')}, {counted(warnings, 'warning')}"
    if not prefixes:
        return f"{verdict}: {found} ({scope})"
    other = _others(*_counts(d for d in result.diagnostics if not _selected(d, prefixes)))
    return f"{verdict}: {found} in {_checked(prefixes)}; {other} ({'pack: ' if pack is not None else ''}{scope})"


def _checked(prefixes: list[str]) -> str:
    """``detections/x.yml``, ``detections/``; ``3 paths`` (a shell glob may give dozens: the line stays short)."""
    return prefixes[0] if len(prefixes) == 1 else f"{len(prefixes)} paths"


def _counts(diagnostics: Iterable[Diagnostic]) -> tuple[int, int]:
    """(errors, warnings)."""
    severities = [d.severity.value for d in diagnostics]
    errors = severities.count("error")
    return errors, len(severities) - errors


def _others(errors: int, warnings: int) -> str:
    """What the files outside PATHS hold: the whole pack was loaded, so it is known, only not printed."""
    if not errors and not warnings:
        return "no problems in other files"
    parts = [counted(n, noun) for n, noun in ((errors, "error"), (warnings, "warning")) if n]
    return f"{' and '.join(parts)} in other files not shown"


def _scope(modelled: int, files: int, noun: str) -> str:
    """``12 detections``, or ``11 of 12 detections`` when a file's errors kept it out of the pack: a count that
    silently dropped the broken file would read as if the file were not there."""
    if files > modelled:
        return f"{count_text(modelled)} of {counted(files, noun)}"
    return counted(modelled, noun)


def _stopped(files: int) -> str:
    """Why ``15 of 16``: a file that fails a layer (YAML, schema, a lookup's CSV) is not checked by the next,
    so its other problems show only once these are fixed (docs/validation_rules.md)."""
    if not files:
        return ""
    return f"; {counted(files, 'file')} stopped at {'its' if files == 1 else 'their'} errors, not checked " \
        "by the later layers: fix them to see the rest"


def junit_cases(shown: list[Diagnostic], strict: bool, checked: str | None = None, summary: str = "") -> list[Case]:
    """One case per finding (failed when it fails the run: an error, or a warning with --strict), at its file
    and line; a warning that does not fail the run says what it is as the passed case's output (a passed case
    has no failure text for it). A clean run is one passed case, so reporters show that validation ran: named
    ``pack``, or with PATHS the PATHS ``checked`` (a case named ``pack`` would claim the whole pack), with
    ``summary`` as its output. With PATHS and findings, one more case, ``other files``, carries the summary:
    it counts the problems of the files not shown, as the text and json output do. It passes: those problems
    do not fail the run, whose exit status judges the PATHS alone."""
    cases = []
    for d in shown:
        fails = d.severity.value == "error" or strict
        cases.append(Case(classname=f"validate {d.position.path}", name=f"{d.rule} {d.position.line}:{d.position.col}",
                          failure=d.message if fails else None, details=d.render(), file=d.position.path,
                          line=d.position.line or None, output="" if fails else d.render()))
    if not cases:
        return [Case(classname="validate", name=checked or "pack", output=summary)]
    if checked is not None:
        cases.append(Case(classname="validate", name="other files", output=summary))
    return cases


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
    summary = _summary(result, shown, prefixes)
    if args.format == "json":
        print(diagnostics_json(shown, not failed, summary))
    else:
        print_diagnostics(shown)
        print_diagnostics([summary])
    cases = junit_cases(shown, args.strict, _checked(prefixes), summary) if prefixes else \
        junit_cases(shown, args.strict)
    if args.junit is not None and not write_junit(args.junit, "validate", "contentpack validate", cases):
        return 2
    return 1 if failed else 0
