"""Names: file name ↔ name (CP020 detections, CP078 macros), Splunk name-length limits (CP021), stanza-breaking
characters (CP022)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.model import SourceMap, detection_file_stem
from contentpack.content.rules import RuleContext

MAX_NAME = 67  # contentctl: 81 - len("ESCU -  - Rule")
MAX_STANZA = 81  # "<label> - <name> - Rule"
MAX_ES_CLONE = 99  # "<security_domain> - <stanza> - Rule", the name ES gives a cloned correlation search

# `[` or `]` would end or open a .conf stanza header; control characters (newlines above all) would split it.
_STANZA_BREAKING = re.compile(r"[\[\]\x00-\x1f\x7f]")


def _misnamed(files: Iterable[tuple[str, SourceMap]]) -> Iterator[tuple[SourceMap, str, str]]:
    """Each (expected file name, source) whose file is named otherwise, with the two names."""
    for expected, source in files:
        actual = PurePosixPath(source.path).name
        if actual != expected:
            yield source, expected, actual


def file_name_matches_name(context: RuleContext) -> Iterator[Diagnostic]:
    """CP020: contentctl derives the file name (and the filter macro) from ``name``."""
    detections = ((f"{detection_file_stem(d.name)}.yml", d.source) for d in context.pack.detections)
    for source, expected, actual in _misnamed(detections):
        yield error(source.at("name"), "CP020",
                    f"file name must follow the name: expected '{expected}', found '{actual}'")


def macro_file_name_is_name(context: RuleContext) -> Iterator[Diagnostic]:
    """CP078: a macro's file is named ``<name>.yml``, its arguments not written (``entra_id_ctime.yml`` holds
    ``entra_id_ctime``, the ``entra_id_ctime(1)`` stanza), so the file a search's macro call names is found."""
    for source, expected, actual in _misnamed((f"{m.name}.yml", m.source) for m in context.pack.macros):
        yield error(
            source.at("name"),
            "CP078",
            f"file name must be the macro's name: expected '{expected}', found '{actual}' (rename the file, or set "
            f"name to '{PurePosixPath(actual).stem}' and the calls with it)",
        )


def name_lengths(context: RuleContext) -> Iterator[Diagnostic]:
    """CP021: names, stanza names and ES clone names have length limits."""
    label = context.pack.app.label
    for detection in context.pack.detections:
        stanza = f"{label} - {detection.name} - Rule"
        clone = f"{detection.tags.security_domain} - {stanza} - Rule"
        if len(detection.name) > MAX_NAME:
            yield error(detection.source.at("name"), "CP021",
                        f"name is {len(detection.name)} characters, over the limit of {MAX_NAME}")
        elif len(stanza) > MAX_STANZA:
            yield error(detection.source.at("name"), "CP021",
                        f"stanza name '{stanza}' is {len(stanza)} characters, over the limit of {MAX_STANZA}")
        elif len(clone) > MAX_ES_CLONE:
            yield error(
                detection.source.at("name"),
                "CP021",
                f"ES clone name '{clone}' is {len(clone)} characters, over the limit of {MAX_ES_CLONE}",
            )


def named_objects(context: RuleContext) -> Iterator[tuple[str, str, SourceMap]]:
    pack = context.pack
    yield from (("detection", d.name, d.source) for d in pack.detections)
    yield from (("macro", m.name, m.source) for m in pack.macros)
    yield from (("story", s.name, s.source) for s in pack.stories)
    yield from (("data source", d.name, d.source_map) for d in pack.data_sources)
    yield from (("lookup", lk.name, lk.source) for lk in pack.lookups)


def stanza_safe_names(context: RuleContext) -> Iterator[Diagnostic]:
    """CP022: names become .conf stanza headers, which have no escaping."""
    for kind, name, source in named_objects(context):
        bad = _STANZA_BREAKING.search(name)
        if bad:
            yield error(
                source.at("name"),
                "CP022",
                f"{kind} name contains {bad.group()!r}, which would break its .conf stanza",
            )


RULES = (file_name_matches_name, macro_file_name_is_name, name_lengths, stanza_safe_names)
