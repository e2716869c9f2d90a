"""A `` #`` that cuts a prose value short (CP079).

YAML ends an unquoted (plain) value at white space followed by ``#``: the rest of the line is a comment, read
by no one. ``description: Guest users (#EXT#) consent`` keeps the whole text, but ``description: Guest users
#EXT# accounts`` keeps only ``Guest users``, with no error: the value parses, only shorter. The loader keeps
where each value starts, not where it ends, so the end is found again in the file's text: on the value's line
for a one-line value, through ``scalar_positions`` (which rebuilds the value from its text) for one folded over
several lines. Only files whose bytes hold a `` #`` are read (``RuleContext.commented``), and only a value whose
last word stands before a `` #`` somewhere in its file is looked up: looking up positions is most of the cost
(0.57 s for 2,000 detection files read with every value looked up; with this filter 0.08 s).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from contentpack.content.diagnostics import Diagnostic, Position, warning
from contentpack.content.model import NodePath, Pack, SourceMap
from contentpack.content.rules import RuleContext
from contentpack.content.scalar_positions import locate

RULE = "CP079"
_COMMENT = re.compile(r"[ \t]+#")
_NOT_PLAIN = frozenset("'\"|>!&*")  # quoted, block, tagged, anchored or alias values: no comment can cut them


def _prose(pack: Pack) -> Iterator[tuple[SourceMap, NodePath, str | None]]:
    """Every free-text value of the pack's objects: where it is, and its value."""
    for detection in pack.detections:
        source = detection.source
        yield source, ("description",), detection.description
        yield source, ("how_to_implement",), detection.how_to_implement
        yield source, ("known_false_positives",), detection.known_false_positives
        yield source, ("explanation",), detection.explanation
        yield source, ("tags", "manual_test"), detection.tags.manual_test
    for macro in pack.macros:
        yield macro.source, ("description",), macro.description
    for story in pack.stories:
        yield story.source, ("description",), story.description
        yield story.source, ("narrative",), story.narrative
    for data_source in pack.data_sources:
        yield data_source.source_map, ("description",), data_source.description
    for lookup in pack.lookups:
        yield lookup.source, ("description",), lookup.description


def _value_end(text: str, lines: list[str], start: Position, value: str) -> tuple[int, int] | None:
    """Line and column (1-based) just after the last character of the plain value starting at ``start``; None
    when the value is not plain or its end cannot be told for certain."""
    line = lines[start.line - 1]
    if line[start.col - 1:start.col] in _NOT_PLAIN:
        return None
    if line[start.col - 1:start.col - 1 + len(value)] == value:  # one line: the text is the value
        return start.line, start.col + len(value)
    last = locate(text, start.line, start.col, value, len(value) - 1)
    return None if last is None else (last[0], last[1] + 1)


@dataclass(frozen=True)
class _File:
    text: str
    lines: list[str]
    before_comments: frozenset[str]  # each word that stands before a `` #`` (a plain value ends in one of them)


def _read(path: Path) -> _File | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError):  # gone or changed since it was loaded: nothing to judge
        return None
    return _File(text, text.split("\n"), _words_before_comments(text))


def _words_before_comments(text: str) -> frozenset[str]:
    """The word before each white space + ``#`` of ``text``, split as ``_cut_short`` splits a value (``str.find``
    over the file, which is faster than a regular expression for it)."""
    words: set[str] = set()
    for marker in (" #", "\t#"):
        at = text.find(marker)
        while at != -1:
            before = text[text.rfind("\n", 0, at) + 1:at].rsplit(None, 1)
            if before:
                words.add(before[-1])
            at = text.find(marker, at + 1)
    return frozenset(words)


def _cut_short(file: _File, source: SourceMap, node: NodePath, value: str) -> Diagnostic | None:
    if not value.strip() or value.rsplit(None, 1)[-1] not in file.before_comments:
        return None
    text, lines = file.text, file.lines
    start = source.value_positions.get(node)
    if start is None or not 1 <= start.line <= len(lines):
        return None
    end = _value_end(text, lines, start, value)
    if end is None:
        return None
    line, col = end
    comment = _COMMENT.match(lines[line - 1], col - 1)
    if comment is None:
        return None
    key = ".".join(str(part) for part in node)
    return warning(
        Position(source.path, line, comment.end()),
        RULE,
        f"' #' starts a YAML comment after an unquoted value: the text after it is not part of {key}, which "
        f"ends '{value[-30:]}'; put the value in quotes (or write # without a space before it) to keep it",
    )


def comment_cuts_prose(context: RuleContext) -> Iterator[Diagnostic]:
    """CP079 (warning): a prose value written without quotes, followed on its last line by `` #`` and text."""
    files: dict[str, _File | None] = {}
    for source, node, value in _prose(context.pack):
        path = source.path
        if value is None or (context.commented is not None and path not in context.commented):
            continue
        if path not in files:
            files[path] = _read(Path(context.root) / path)
        file = files[path]
        found = None if file is None else _cut_short(file, source, node, value)
        if found is not None:
            yield found


RULES = (comment_cuts_prose,)
