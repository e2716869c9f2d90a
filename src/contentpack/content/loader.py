"""Safe YAML loading that keeps the line and column of every node and never raises on bad input.

Why not ``yaml.safe_load``: it forgets positions, silently keeps the *last* of two duplicate keys, expands
anchors without limit and turns every failure into an exception. Here the file is checked in cheap steps
(size before reading, bytes before decoding, YAML 1.1 line breaks and indentation before parsing), then composed with libyaml
(``CSafeLoader``) and converted to plain JSON-compatible Python values by our own walk of the node graph,
which records positions, rejects duplicate keys and caps the number of nodes an alias expansion may produce.

Output values are what JSON Schema validates: ``dict`` (string keys), ``list``, ``str``, ``int``, ``float``,
``bool`` and ``None``. Unquoted YAML dates (``date: 2025-05-02``) become the ISO string ``"2025-05-02"`` so
quoted and unquoted dates are accepted alike; timestamps with a time part become ISO strings that the schema's
date pattern then rejects with a clear message.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from contentpack.content.diagnostics import Diagnostic, Position, error
from contentpack.content.model import SourceMap
from contentpack.content.positions import DocumentPositions, FlatPositions, PositionTable
from contentpack.cut_lists import count_text
from contentpack.spl.files import FileRefused, os_reason, read_capped

MAX_FILE_BYTES = 1024 * 1024  # content files are a few KB; anything this big is a mistake or an attack
MAX_NODES = 100_000  # nodes produced by one document, aliases expanded (stops "billion laughs")
MAX_DEPTH = 64  # nesting depth (stops recursive anchors and pathological nesting)
# Bytes of scalar text (keys and values) a document may hold once aliases are expanded. Without aliases the
# text cannot exceed the file, so only an alias bomb reaches it; it bounds every later copy of the data (the
# schema validator converts the whole document, the model holds it).
MAX_EXPANDED_BYTES = 2 * MAX_FILE_BYTES
# libyaml's composer recurses in C once per nesting level and overflows the C stack (SIGSEGV) somewhere past
# 10,000 levels, before any check of ours can run. Every nesting level needs an indicator character of its
# own (``[``, ``{``, ``-``, ``?`` or the ``:`` of a key), so a document with fewer of those than this cannot
# nest deeper; only the rest get a streaming depth check on libyaml's event stream (which does not recurse)
# before they are composed.
_COMPOSE_SAFE_INDICATORS = 2_000

# Rule ids of the file layer (documented in docs/validation_rules.md).
RULE_TOO_LARGE = "CP001"
RULE_ENCODING = "CP002"
RULE_TAB = "CP003"
RULE_SYNTAX = "CP004"
RULE_DUPLICATE_KEY = "CP005"
RULE_DOCUMENTS = "CP006"
RULE_EXPANSION = "CP007"
RULE_UNSUPPORTED = "CP008"
RULE_YAML11_BREAK = "CP009"

_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_SCALAR_TAGS = frozenset(
    {
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:timestamp",
        _STR_TAG,
    }
)
_CONSTRUCTOR = SafeConstructor()

JsonValue = object  # dict | list | str | int | float | bool | None


@dataclass(frozen=True)
class LoadedDocument:
    """One YAML file turned into plain data plus the positions of its nodes."""

    path: str  # as reported in diagnostics (relative to the pack root)
    data: JsonValue
    source: SourceMap
    positions: DocumentPositions  # what ``source`` looks positions up in (see contentpack.content.positions)


PlainDocument = tuple[str, JsonValue, FlatPositions]


def plain_document(document: LoadedDocument) -> PlainDocument:
    """The document as builtin values only (for ``marshal``): path, data and walk-order positions."""
    return document.path, document.data, document.positions.flat


def restore_document(plain: PlainDocument) -> LoadedDocument:
    """The inverse of ``plain_document``."""
    path, data, flat = plain
    return _document(path, data, flat)


def _document(path: str, data: JsonValue, flat: FlatPositions) -> LoadedDocument:
    positions = DocumentPositions(path, data, flat)
    return LoadedDocument(path, data, SourceMap(path, PositionTable(positions, False), PositionTable(positions, True)),
                          positions)


class _LoadFailure(Exception):
    """Internal: aborts the walk of one document with a ready-made diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class _BadScalar(_LoadFailure):
    """Internal: ``node``'s text is not a value of its tag (``2026-13-01``, a timestamp by its form, has no month
    13); the mapping holding it names its key (``_Walker._mapping``), which PyYAML's reason alone did not."""

    def __init__(self, diagnostic: Diagnostic, node: yaml.Node, kind: str, reason: str) -> None:
        super().__init__(diagnostic)
        self.node, self.kind, self.reason = node, kind, reason


def _mark_position(path: str, mark: yaml.Mark | None) -> Position:
    if mark is None:
        return Position(path)
    return Position(path, mark.line + 1, mark.column + 1)


def _offset_position(path: str, raw: bytes, offset: int) -> Position:
    line = raw.count(b"\n", 0, offset) + 1
    col = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return Position(path, line, col)


def read_text(file: Path, shown: str, limit: int = MAX_FILE_BYTES) -> tuple[str | None, list[Diagnostic]]:
    """Read a content file as UTF-8 text with the kind (regular files only: a FIFO would block), size
    (checked before reading and while reading), binary and encoding checks.

    Shared by the YAML loader and the lookup CSV reader so both reject the same bad files the same way.
    """
    raw, problems = read_bytes(file, shown, limit)
    if raw is None:
        return None, problems
    return decode_text(raw, shown)


def read_bytes(file: Path, shown: str, limit: int = MAX_FILE_BYTES) -> tuple[bytes | None, list[Diagnostic]]:
    """The bytes of a content file (regular files only, at most ``limit`` bytes), or why it cannot be read."""
    try:
        return read_capped(file, limit), []
    except FileRefused as exc:
        if exc.too_large:
            return None, [error(Position(shown, 1, 1), RULE_TOO_LARGE, exc.message)]
        return None, [error(Position(shown), RULE_ENCODING, exc.message)]
    except OSError as exc:
        return None, [error(Position(shown), RULE_ENCODING, f"cannot read file: {os_reason(exc)}")]


def decode_text(raw: bytes, shown: str) -> tuple[str | None, list[Diagnostic]]:
    """A content file's bytes as text: refused when binary (a NUL byte) or not UTF-8; a leading BOM dropped."""
    nul = raw.find(b"\x00")
    if nul >= 0:
        return None, [
            error(_offset_position(shown, raw, nul), RULE_ENCODING, "binary file (NUL byte): not a text file")
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [
            error(
                _offset_position(shown, raw, exc.start),
                RULE_ENCODING,
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            )
        ]
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, []


_TAB_INDENT = re.compile(r"^ *\t[ \t]*\S", re.MULTILINE)


def _tab_indentation(text: str, shown: str) -> Diagnostic | None:
    """YAML forbids tabs in indentation; libyaml's message for it is cryptic, so find it first."""
    if "\t" not in text:  # nearly every file: a substring test is far cheaper than the multi-line regex
        return None
    match = _TAB_INDENT.search(text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    col = text.index("\t", match.start()) - match.start() + 1
    return error(Position(shown, line, col), RULE_TAB, "tab character in indentation: YAML indentation must use spaces")


# Characters YAML 1.1 (libyaml, PyYAML, so contentctl and Splunk's tooling) reads as line breaks and YAML 1.2 and
# editors do not, with the escape a double-quoted string writes them as.
_YAML11_BREAKS = {"\u0085": ("NEL (U+0085)", "\\N"), "\u2028": ("LINE SEPARATOR (U+2028)", "\\L"),
                  "\u2029": ("PARAGRAPH SEPARATOR (U+2029)", "\\P")}
_YAML11_BREAK = re.compile("[\u0085\u2028\u2029]")


def text_position(text: str, shown: str, at: int) -> Position:
    """The line and column an editor shows for ``text[at]`` (1-based; only ``\\n`` breaks a line, as in an
    editor, unlike libyaml's YAML 1.1 breaks)."""
    return Position(shown, text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1)


def _yaml11_breaks(text: str, shown: str) -> list[Diagnostic]:
    """Every raw NEL, U+2028 and U+2029, at the line and column an editor shows.

    Why an error: libyaml counts each as a line break, so a comment holding one ends there and the rest of its
    line is read as YAML an editor shows as a comment, and every later position libyaml reports is a line off
    from the editor's. Written as an escape in a double-quoted string, the same character is plain text.
    """
    if "\u0085" not in text and "\u2028" not in text and "\u2029" not in text:  # nearly every file
        return []
    problems = []
    for match in _YAML11_BREAK.finditer(text):
        at = match.start()
        name, escape = _YAML11_BREAKS[match.group()]
        problems.append(error(text_position(text, shown, at), RULE_YAML11_BREAK,
                              f"{name} is a line break to YAML 1.1 readers (libyaml, PyYAML, contentctl) but not to "
                              f"an editor: write it as {escape} in a double-quoted string, or remove it"))
    return problems


class _Expansion(Exception):
    """Internal: the document grows past a limit at ``node``; each collection on the way out adds itself.

    Reported at the collection that first uses an alias on the way to ``node``: an alias resolves to the
    anchored node itself, whose marks point back at the anchor, so the first place where the path from the
    document to ``node`` jumps backwards in the file is the collection holding the alias.
    """

    def __init__(self, node: yaml.Node, message: str, *, recorded: bool) -> None:
        super().__init__(message)
        self.node = node
        self.message = message
        self.path: list[yaml.Node] = [node] if recorded else []  # innermost first; ``node`` once it has a position

    def diagnostic(self, shown: str) -> Diagnostic:
        marks = [(node.start_mark.line, node.start_mark.column) for node in reversed(self.path)]
        for here, there in zip(marks[1:], marks[2:]):  # the document itself (marks[0]) is never the one
            if there < here:
                return error(Position(shown, here[0] + 1, here[1] + 1), RULE_EXPANSION, self.message)
        return error(_mark_position(shown, self.node.start_mark), RULE_EXPANSION, self.message)


class _Walker:
    """Converts a composed node graph to plain values, recording positions and enforcing limits.

    Positions go into one flat list in walk order (see contentpack.content.positions), so the hot loop builds
    no node paths.
    """

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.nodes = 0
        self.budget = MAX_EXPANDED_BYTES  # scalar bytes left (see MAX_EXPANDED_BYTES)
        self.positions: list[int] = []

    def fail(self, node: yaml.Node, rule: str, message: str) -> _LoadFailure:
        return _LoadFailure(error(_mark_position(self.shown, node.start_mark), rule, message))

    def convert(self, node: yaml.Node, depth: int) -> JsonValue:
        # The hot loop of validation. Plain-string children (most nodes) are handled inline by the
        # collection loops below, without a call per node.
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Expansion(node, f"document expands to more than {count_text(MAX_NODES)} nodes (alias/anchor bomb?)",
                             recorded=False)
        if depth > MAX_DEPTH:
            raise _Expansion(node, f"nesting deeper than {MAX_DEPTH} levels (recursive anchor?)", recorded=False)
        mark = node.start_mark
        self.positions += (mark.line, mark.column)
        cls = node.__class__
        if cls is yaml.ScalarNode:
            self.budget -= len(node.value)
            if self.budget < 0:
                raise _over_budget(node)
            return node.value if node.tag == _STR_TAG else self._scalar(node)
        try:
            if cls is yaml.MappingNode:  # ``is`` on the class: cheaper than isinstance, but mypy does not narrow on it
                return self._mapping(node, depth + 1)  # type: ignore[arg-type]
            return self._sequence(node, depth + 1)
        except _Expansion as expansion:
            expansion.path.append(node)
            raise

    def _child(self, node: yaml.Node, depth: int) -> JsonValue:
        """``convert`` with the common case (a plain string) inlined."""
        if node.__class__ is yaml.ScalarNode and node.tag == _STR_TAG:
            self.nodes += 1
            mark = node.start_mark
            self.positions += (mark.line, mark.column)
            self.budget -= len(node.value)
            if self.budget < 0:
                raise _over_budget(node)
            return node.value
        return self.convert(node, depth)

    def _sequence(self, node: yaml.Node, depth: int) -> list[JsonValue]:
        if node.tag != _SEQ_TAG:
            raise self.fail(node, RULE_UNSUPPORTED, f"unsupported YAML tag {node.tag!r}")
        child = self._child
        return [child(item, depth) for item in node.value]

    def _mapping(self, node: yaml.MappingNode, depth: int) -> dict[str, JsonValue]:
        if node.tag != _MAP_TAG:
            raise self.fail(node, RULE_UNSUPPORTED, f"unsupported YAML tag {node.tag!r}")
        result: dict[str, JsonValue] = {}
        positions = self.positions
        child = self._child
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode:
                raise self.fail(key_node, RULE_UNSUPPORTED, "mapping keys must be plain text")
            if key_node.tag == _MERGE_TAG:
                raise self.fail(key_node, RULE_UNSUPPORTED, "merge keys (<<) are not supported")
            # Keys are read as written: `on:` stays "on" (YAML 1.1 would make it the boolean true).
            key = key_node.value
            self.budget -= len(key)
            if key in result:
                # the first definition's path:line:col, as every rule naming a second place says it (CP069)
                first = _mark_position(self.shown, next(k.start_mark for k, _ in node.value if k.value == key))
                raise self.fail(key_node, RULE_DUPLICATE_KEY, f"duplicate key '{key}' (first defined at {first})")
            mark = key_node.start_mark
            positions += (mark.line, mark.column)
            try:
                result[key] = child(value_node, depth)
            except _BadScalar as bad:
                if bad.node is not value_node:  # deeper down: the mapping holding it named its key
                    raise
                raise self._bad_scalar(value_node, bad.kind, bad.reason, key) from None
        return result

    def _scalar(self, node: yaml.Node) -> JsonValue:
        if node.tag not in _SCALAR_TAGS:
            raise self.fail(node, RULE_UNSUPPORTED, f"unsupported YAML tag {node.tag!r}")
        try:
            value = SafeConstructor.yaml_constructors[node.tag](_CONSTRUCTOR, node)
        except (ConstructorError, ValueError) as exc:
            reason = str(exc)
            if reason.startswith("Exceeds the limit"):  # Python's own cap on decimal digits, not YAML's
                reason = f"more than {count_text(sys.get_int_max_str_digits())} digits"
            raise self._bad_scalar(node, node.tag.rsplit(":", 1)[-1], reason) from None
        except (LookupError, AttributeError):
            # PyYAML's bool, int, float and timestamp constructors expect text the resolver already matched to
            # the tag; an explicit tag (``!!bool x``, ``!!int ''``, ``!!timestamp x``) skips that match, and they
            # then fail on a dictionary key, an index or a regular expression that found nothing
            kind = node.tag.rsplit(":", 1)[-1]
            raise self._bad_scalar(node, kind, f"{node.value!r} is not a YAML {kind}") from None
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        return value

    def _bad_scalar(self, node: yaml.Node, kind: str, reason: str, key: str | None = None) -> _BadScalar:
        """``invalid timestamp value for key 'date': month must be in 1..12`` at ``node``, the key named when a
        mapping holds it: an unquoted ``date: 2026-13-01`` is a timestamp by its form, and PyYAML's reason alone
        did not say which value of the file it was."""
        named = "" if key is None else f" for key '{key}'"
        return _BadScalar(error(_mark_position(self.shown, node.start_mark), RULE_SYNTAX,
                                f"invalid {kind} value{named}: {reason}"), node, kind, reason)


def _over_budget(node: yaml.Node) -> _Expansion:
    return _Expansion(node, f"document expands to more than {count_text(MAX_EXPANDED_BYTES)} bytes of text "
                      "(alias/anchor bomb?)", recorded=True)


_NOTHING: dict[object, None] = {}  # its ``get`` is the cheapest callable that accepts the hook's arguments


class _Loader(yaml.CSafeLoader):  # libyaml's parser, PyYAML's safe resolver
    """``CSafeLoader`` whose per-node callbacks from libyaml cost as little as Python allows.

    libyaml asks Python for the tag of every node (``resolve``) and calls two path-resolver hooks around it;
    on a big pack that is hundreds of thousands of calls. The hooks do nothing in safe loading, so builtins
    that accept the same arguments stand in for them, and ``resolve`` is a C-level LRU cache in front of the
    safe resolver: node kinds, keys and short values repeat across thousands of files.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        # per-instance stand-ins for the resolver's methods (see the class docstring)
        self.descend_resolver = _NOTHING.get  # type: ignore[method-assign, assignment]
        self.ascend_resolver = int  # type: ignore[method-assign, assignment]
        self.resolve = _resolve_tag  # type: ignore[method-assign]


_SAFE_RESOLVER = yaml.resolver.Resolver()


@functools.lru_cache(maxsize=65_536)
def _resolve_tag(kind: type, value: str | None, implicit: tuple[bool, bool]) -> str:
    """The tag PyYAML's safe loader gives a node (a pure function of its arguments, hence cacheable)."""
    if kind is not yaml.ScalarNode:
        # Safe loading has no path resolvers: collections without an explicit tag get the default one.
        return _MAP_TAG if kind is yaml.MappingNode else _SEQ_TAG
    if not implicit[0]:
        return _STR_TAG  # quoted (or block) scalars are strings; only plain ones are resolved
    return str(_SAFE_RESOLVER.resolve(kind, value, implicit))


_OPENING = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSING = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _too_deep(text: str, shown: str) -> Diagnostic | None:
    """CP007 at the first collection nested deeper than ``MAX_DEPTH``, found without composing (see
    ``_COMPOSE_SAFE_INDICATORS``); None when the text cannot nest that deep or does not. Raises libyaml's
    errors like composing would."""
    indicators = text.count("[") + text.count("{") + text.count("-") + text.count("?") + text.count(":")
    if indicators < _COMPOSE_SAFE_INDICATORS:
        return None
    depth = 0
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, _OPENING):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                return error(
                    Position(shown, mark.line + 1, mark.column + 1) if mark is not None else Position(shown, 1, 1),
                    RULE_EXPANSION,
                    f"nesting deeper than {MAX_DEPTH} levels",
                )
        elif isinstance(event, _CLOSING):
            depth -= 1
    return None


# What YAML 1.1 lets a stream hold (its "printable" production): anything else, raw, is refused by libyaml.
_NOT_YAML_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _unprintable(text: str, shown: str, exc: yaml.reader.ReaderError) -> Diagnostic:
    """CP004 at the character libyaml refused to read (an ESC, a bell...), at the line and column an editor
    shows. libyaml's own message placed it at 1:1 with a byte offset ("position 365") and a line break of its
    own; the character itself is what the author needs, and how to write it."""
    match = _NOT_YAML_PRINTABLE.search(text)
    if match is None:  # not a character of the text (no known case): libyaml's words
        return error(Position(shown, 1, 1), RULE_SYNTAX, f"YAML error: {exc.reason}")
    at = match.start()
    position = text_position(text, shown, at)
    code = ord(match.group())
    escape = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return error(position, RULE_SYNTAX, f"character U+{code:04X} cannot be written raw in YAML: write it as {escape} "
                                         "in a double-quoted string, or remove it")


def _indentation(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _key_column(line: str) -> int:
    """Where the line's key starts (0-based), after its indentation and any ``- `` of a sequence entry."""
    match = re.match(r"[ ]*(?:-[ ]+)*", line)
    return match.end() if match else 0


def _line_above(lines: list[str], index: int) -> int | None:
    """The nearest line above ``index`` that holds more than white space or a comment."""
    return next((n for n in range(index - 1, -1, -1) if lines[n].strip() and not lines[n].lstrip().startswith("#")),
                None)


def _list_owner(lines: list[str], item: int) -> int | None:
    """The line of the key whose list the ``- value`` entry on line ``item`` is in (None: that line is no list
    entry, or no key above holds it): a key indented deeper than that ``-`` continues the entry's value, as a key
    indented deeper than a key continues that key's value."""
    entry = lines[item]
    if not re.match(r"[ ]*-[ ]+\S", entry):
        return None
    dash = _indentation(entry)
    number = _line_above(lines, item)
    while number is not None:
        text = lines[number]
        if _indentation(text) < dash or (_indentation(text) == dash and not text.lstrip().startswith("-")):
            return number if re.match(r"[ ]*[\w.{}-]+:\s*$", text) else None
        number = _line_above(lines, number)
    return None


def _syntax_hint(text: str, mark: yaml.Mark, problem: str | None) -> str | None:
    """What the author most likely did, for the syntax errors libyaml words for its grammar: a key indented
    deeper than the one above it (or in no mapping's column), ``: `` in an unquoted value, `` #`` that ends an
    unquoted value as a comment, a quote that closes a quoted value early (a search written in '...' that uses '
    itself). None when the error is none of these."""
    lines = text.split("\n")
    if mark.line >= len(lines):
        return None
    line = lines[mark.line].rstrip("\r")
    before = line[:mark.column]
    above = _line_above(lines, mark.line)
    if problem == "mapping values are not allowed in this context":
        if re.fullmatch(r"[\w.{}-]+", before.strip()) and above is not None:
            if _indentation(line) > _key_column(lines[above]):
                return (f"this line is indented deeper than the key on line {above + 1}, so YAML reads it as more of "
                        f"that key's value; start it in column {_key_column(lines[above]) + 1}, as that key")
            owner = _list_owner(lines, above) if _indentation(line) > _indentation(lines[above]) else None
            if owner is not None:
                return (f"this line is indented deeper than the '-' on line {above + 1}, so YAML reads it as more of "
                        f"that list item's value; start it in column {_indentation(lines[owner]) + 1}, as the key "
                        f"on line {owner + 1}")
        return "a value written without quotes cannot hold ': '; put the value in quotes"
    if problem == "did not find expected key" and not before.strip() and above is not None:
        if re.search(r"\s#", lines[above]):
            return (f"the ' #' on line {above + 1} starts a comment, which ends the unquoted value there; put the "
                    "value in quotes, or write # without a space before it")
        if _indentation(line) < _key_column(lines[above]):
            return "no key above starts in this line's column; indent it as the keys of the mapping it belongs to"
    if before.endswith("'"):
        return "the ' just before this ends the quoted value; inside '...' write a single quote twice ('')"
    if before.endswith('"'):
        return 'the " just before this ends the quoted value; inside "..." write a double quote as \\"'
    return None


def parse_yaml(text: str, shown: str) -> tuple[LoadedDocument | None, list[Diagnostic]]:
    """Parse YAML text (already decoded) into a ``LoadedDocument``; problems come back as diagnostics."""
    breaks = _yaml11_breaks(text, shown)
    if breaks:
        return None, breaks
    tab = _tab_indentation(text, shown)
    if tab is not None:
        return None, [tab]
    try:
        too_deep = _too_deep(text, shown)
        if too_deep is not None:
            return None, [too_deep]
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        hint = _syntax_hint(text, exc.problem_mark, exc.problem) if exc.problem_mark is not None else None
        message += f": {hint}" if hint else ""
        return None, [error(_mark_position(shown, mark), RULE_SYNTAX, f"YAML syntax error: {message}")]
    except yaml.reader.ReaderError as exc:
        return None, [_unprintable(text, shown, exc)]
    except yaml.YAMLError as exc:
        return None, [error(Position(shown, 1, 1), RULE_SYNTAX, f"YAML error: {exc}")]
    except RecursionError:
        return None, [error(Position(shown, 1, 1), RULE_EXPANSION, "document nests too deeply")]
    if not documents or documents[0] is None:
        return None, [error(Position(shown, 1, 1), RULE_DOCUMENTS, "empty file: expected one YAML document")]
    if len(documents) > 1:
        return None, [
            error(
                _mark_position(shown, documents[1].start_mark),
                RULE_DOCUMENTS,
                f"{len(documents)} YAML documents in one file: put each object in its own file",
            )
        ]
    walker = _Walker(shown)
    try:
        data = walker.convert(documents[0], 0)
    except _LoadFailure as failure:
        return None, [failure.diagnostic]
    except _Expansion as expansion:
        return None, [expansion.diagnostic(shown)]
    except RecursionError:
        return None, [error(Position(shown, 1, 1), RULE_EXPANSION, "document nests too deeply")]
    return _document(shown, data, walker.positions), []


def load_yaml(file: Path, shown: str) -> tuple[LoadedDocument | None, list[Diagnostic]]:
    """Read and parse one content file; ``shown`` is the path printed in diagnostics."""
    text, problems = read_text(file, shown)
    if text is None:
        return None, problems
    return parse_yaml(text, shown)


def load_yaml_bytes(raw: bytes, shown: str) -> tuple[LoadedDocument | None, list[Diagnostic]]:
    """``load_yaml`` for bytes already read (with ``read_bytes``)."""
    text, problems = decode_text(raw, shown)
    if text is None:
        return None, problems
    return parse_yaml(text, shown)
