"""The validation pipeline: files → loader → JSON Schema → model → semantic rules → sorted diagnostics.

``validate_pack`` is the one entry point (the CLI, the builder and the tests all call it). It never raises
for bad *content*: every problem becomes a ``Diagnostic``. It raises ``PackRootError`` only when there is no
pack to look at (no ``contentpack.yml``), which callers treat as a usage error.

Files whose bytes did not change since the last run come from the parse cache (``parse_cache``), and the SPL
parser's answers for searches that did not change from ``rules.spl_answers``; both are saved before
``validate_pack`` returns.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contentpack import attack, collector
from contentpack.content import schemas
from contentpack.content.config import PackRootError, load_app_config
from contentpack.content.build_model import (
    build_data_source,
    build_detection,
    build_lookup,
    build_macro,
    build_story,
)
from contentpack.content.diagnostics import Diagnostic, Position, Severity, error
from contentpack.content.loader import RULE_ENCODING
from contentpack.content.lookup_csv import match_type_problems, read_header
from contentpack.content.model import DataSource, Detection, Lookup, Macro, Pack, SourceMap, Story
from contentpack.content.parse_cache import Loaded, load_cached
from contentpack.content.rules import RuleContext, run_rules
from contentpack.content.rules.spl_answers import StoredAnswers
from contentpack.spl.files import describe_kind, os_reason

__all__ = ["ValidationResult", "validate_pack", "PackRootError", "CONTENT_DIRS"]

# Content folder → schema kind. Files are taken in path order, the order contentctl writes stanzas.
CONTENT_DIRS: Mapping[str, schemas.SchemaKind] = {
    "detections": "detection",
    "macros": "macro",
    "stories": "story",
    "data_sources": "data_source",
    "lookups": "lookup",
}
RULE_EXTENSION = "CP015"

ContentObject = Detection | Macro | Story | DataSource | Lookup


@dataclass(frozen=True)
class ValidationResult:
    """The outcome of one validation run."""

    pack: Pack | None  # None only when contentpack.yml itself is unusable
    diagnostics: list[Diagnostic] = field(default_factory=list)  # sorted, deduplicated
    strict: bool = False
    # content files read, by kind: more than the pack holds when some failed to load (a summary says so)
    files: Mapping[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        """No errors; with ``strict``, no warnings either."""
        return not self.errors and not (self.strict and self.warnings)


@dataclass(frozen=True)
class FileOutcome:
    """What one file yields on its own: a model object, or the problems that prevented it."""

    kind: schemas.SchemaKind
    obj: ContentObject | None
    problems: list[Diagnostic]
    declared_name: str | None  # the file's `name` value when it could be read, modelled or not


def _build(
    kind: schemas.SchemaKind, data: Mapping[str, Any], source: SourceMap, root: Path, shown: str
) -> tuple[ContentObject | None, list[Diagnostic]]:
    """Schema-valid data → model object (a lookup also needs its CSV header, and its ``match_type`` to fit it)."""
    if kind == "detection":
        return build_detection(data, source), []
    if kind == "macro":
        return build_macro(data, source), []
    if kind == "story":
        return build_story(data, source), []
    if kind == "data_source":
        return build_data_source(data, source), []
    csv_name = data.get("filename", f"{Path(shown).stem}.csv")
    header, problems = read_header(root, csv_name, source.at("filename" if "filename" in data else "name"))
    if header is None:
        return None, problems
    lookup = build_lookup(data, source, csv_name, header)
    refused = match_type_problems(lookup)
    return (None if refused else lookup), problems + refused  # ``problems``: the CSV's warnings


def check_document(kind: schemas.SchemaKind, root: Path, shown: str,
                   loaded: Loaded) -> FileOutcome:
    """Everything about one parsed file that needs no other file (``shown``: its path relative to ``root``)."""
    document, problems = loaded
    if document is None:
        return FileOutcome(kind, None, problems, None)
    data = document.data
    name = data.get("name") if isinstance(data, dict) else None
    declared = name if isinstance(name, str) else None
    problems = schemas.validate(kind, data, document.source)
    if problems:
        return FileOutcome(kind, None, problems, declared)
    obj, problems = _build(kind, data, document.source, root, shown)  # type: ignore[arg-type]
    return FileOutcome(kind, obj, problems, declared)


def _discover(root: Path) -> tuple[list[tuple[schemas.SchemaKind, str]], list[Diagnostic]]:
    """Content files in path order. ``os.walk`` rather than ``Path.rglob``: a third of the time on big packs."""
    tasks: list[tuple[schemas.SchemaKind, str]] = []
    problems: list[Diagnostic] = []
    root_text = str(root)

    def refused(exc: OSError) -> None:
        """A folder os.walk cannot list: before, skipped without a word (its files left out of the build)."""
        shown = os.path.relpath(os.fsdecode(exc.filename), root_text).replace(os.sep, "/")
        problems.append(error(Position(shown), RULE_ENCODING, f"cannot read the folder: {os_reason(exc)}"))

    for folder, kind in CONTENT_DIRS.items():
        found: list[tuple[str, str]] = []  # (shown path, absolute path)
        if os.path.islink(root / folder):
            problems.append(error(Position(folder), RULE_EXTENSION,
                                  "content folder is a symbolic link: not read (make it a real folder)"))
            continue
        if not os.path.isdir(root / folder):  # a missing folder holds no content; anything else is a mistake
            if os.path.lexists(root / folder):
                mode = os.lstat(root / folder).st_mode
                what = "a file" if stat.S_ISREG(mode) else describe_kind(mode)
                problems.append(error(Position(folder), RULE_EXTENSION,
                                      f"{what} where the content folder should be: not read (make it a folder)"))
            continue
        for directory, subdirs, files in os.walk(root / folder, onerror=refused):
            subdirs[:] = [d for d in subdirs if not d.startswith(".")]
            relative_dir = os.path.relpath(directory, root_text).replace(os.sep, "/")
            for name in subdirs:  # os.walk does not follow links to folders: say so instead of skipping silently
                if os.path.islink(os.path.join(directory, name)):
                    problems.append(error(Position(f"{relative_dir}/{name}"), RULE_EXTENSION,
                                          "symbolic link to a folder in content: not read (make it a real folder)"))
            # a folder named like a content file (x.yml/) is one: the loader refuses it as it refuses a FIFO of that
            # name ("a folder, not a regular file: not read"), rather than walked into (its files read as if beside it)
            named_like_files = [d for d in subdirs
                                if d.endswith(".yml") and not os.path.islink(os.path.join(directory, d))]
            subdirs[:] = [d for d in subdirs if d not in named_like_files]
            found.extend((f"{relative_dir}/{name}", os.path.join(directory, name))
                         for name in [*files, *named_like_files] if name[0] != ".")
        for shown, absolute in sorted(found):
            suffix = os.path.splitext(shown)[1]
            if suffix.lower() in (".yml", ".yaml", ".csv") and os.path.islink(absolute):
                problems.append(
                    error(Position(shown), RULE_EXTENSION, "symbolic links are not allowed in content (copy the file)")
                )
            elif suffix == ".yml":
                tasks.append((kind, shown))
            elif suffix.lower() in (".yml", ".yaml"):  # .yaml, .YML, .Yml...
                problems.append(
                    error(Position(shown), RULE_EXTENSION,
                          "content files must end in .yml, in lower case (this one is not read)")
                )
    return tasks, problems


def _attack_catalog() -> tuple[attack.AttackCatalog | None, str | None]:
    try:
        return attack.load(), None
    except attack.AttackDataError as exc:
        return None, str(exc)


def _finish(diagnostics: Iterable[Diagnostic], pack: Pack | None, strict: bool,
            tasks: list[tuple[schemas.SchemaKind, str]]) -> ValidationResult:
    return ValidationResult(pack, sorted(set(diagnostics)), strict, Counter(kind for kind, _ in tasks))


def validate_pack(
    root: Path,
    *,
    strict: bool = False,
    today: dt.date | None = None,
    attack_catalog: Callable[[], tuple[attack.AttackCatalog | None, str | None]] = _attack_catalog,
) -> ValidationResult:
    """Validate the pack at ``root`` and model it.

    ``today`` fixes the date the "not in the future" rule compares with (default: today in UTC);
    ``attack_catalog`` supplies the ATT&CK data (default: the data shipped in the package).
    """
    root = Path(root)
    with collector.cyclic_gc_paused():
        app, problems = load_app_config(root)
        diagnostics: list[Diagnostic] = list(problems)
        tasks, discovery_problems = _discover(root)
        diagnostics.extend(discovery_problems)
        loaded, cache_update, texts_fit, commented = load_cached(root, [shown for _, shown in tasks])
        found: dict[str, list[Any]] = {kind: [] for kind in CONTENT_DIRS.values()}
        unmodelled: set[str] = set()
        unread: set[str] = set()
        for (kind, shown), one in zip(tasks, loaded):  # in path order
            outcome = check_document(kind, root, shown, one)
            diagnostics.extend(outcome.problems)
            if outcome.obj is not None:
                found[outcome.kind].append(outcome.obj)
            elif outcome.declared_name is not None:
                unmodelled.add(outcome.declared_name)
            else:  # not parsed, or parsed with no name to read (a list, a number for a name): its name is unknown
                unread.add(kind)
        if cache_update is not None:
            cache_update.save()
        if app is None:
            return _finish(diagnostics, None, strict, tasks)
        pack = Pack(
            root=str(root),
            app=app,
            detections=tuple(found["detection"]),
            macros=tuple(found["macro"]),
            stories=tuple(found["story"]),
            data_sources=tuple(found["data_source"]),
            lookups=tuple(found["lookup"]),
        )
        catalog, catalog_problem = attack_catalog()
        answers = StoredAnswers.for_pack(root)
        context = RuleContext(
            pack=pack,
            root=root,
            today=today or dt.datetime.now(dt.timezone.utc).date(),
            unmodelled_names=frozenset(unmodelled),
            unread_kinds=frozenset(unread),
            attack=catalog,
            attack_problem=catalog_problem,
            spl_answers=answers,
            texts_fit=texts_fit,
            commented=commented,
        )
        diagnostics.extend(run_rules(context))
        answers.save()
        return _finish(diagnostics, pack, strict, tasks)

