"""Which result fields of a detection an attacker can choose: field provenance followed through the search.

A drilldown ``$token$`` is replaced by the value of a result field of the detection's search (the notable
event's field). If that value can come from a field the attacker writes — an application's display name, a
user agent, any text of the raw event — the attacker shapes the analyst's next search (CP045). A name match
is not enough: ``eval x=appDisplayName``, ``rename``, ``stats values(appDisplayName) as apps``, a ``rex``
extraction or ``spath`` all carry the value to a field with another name. So the search is parsed with the
engine's own parser (macros expanded with the pack's definitions) and taint is propagated command by command:

* the data sources' ``attacker_controlled_fields`` (names, or glob patterns such as ``*DisplayName``) and the
  free-text fields every event has (``DEFAULT_PATTERNS``: display names, user agents, ``_raw``) start tainted;
  the add-on's field aliases and calculated fields (``search_time``) pass taint on as Splunk applies them;
* ``eval``: a target is tainted when its expression can return the value of a tainted field, clean otherwise
  (overwritten); only the branches of ``if``/``case`` count, not their conditions, a branch guarded by
  ``match(F, "<safe anchored regex>")`` returns F as safe token text, and a hash (``sha256(_raw)``) hexadecimal
  digits (``returned_fields``);
* ``rename``: taint moves with the name (wildcards too);
* ``stats``/``eventstats``/``streamstats``/``timechart``: an output is tainted when its aggregated field is,
  unless the function yields a number (``count``, ``dc``, ``sum``...); ``by`` fields keep theirs; ``stats``
  drops every other field;
* ``rex``/``spath``: extracted fields are tainted when their input is (``_raw`` is);
* ``lookup ... OUTPUT``: outputs come from the pack's table, so they are clean (of the attacker: what the table
  itself writes is CP085's question, ``result_taint``'s ``cells``);
* any other command: each field it produces is tainted when any field it reads is (conservative).

A command the parser cannot read (a typo such as ``filnull`` or ``stats coutn``, which CP060/CP061 report) is
passed over: taint keeps following the commands that can be read (assumed: the unread command keeps the fields
and values it does not name, as most commands do), and every field name written in it is of unknown provenance
(``Taint.unread``) until a readable command sets it, so a drilldown token on one is reported as not checked
rather than passed as clean (not beside the search's own CP060/CP061 error, which is the one to fix: ``tokens``).
When the search cannot be split into commands at all (an unclosed quote or bracket) or its macros cannot be
expanded, field names are matched instead: the declared fields, without their ``properties.`` prefix too, and the
default patterns.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from contentpack.content.model import Pack

if TYPE_CHECKING:
    from contentpack.spl.lexer import Segment

# Free-text fields an attacker sets on any Entra ID event (an application's or device's display name, the user
# agent) and the raw event itself: tainted whether or not a data source declares them (case-insensitive).
DEFAULT_PATTERNS = ("*displayname", "*useragent", "*user_agent", "_raw")
# Aggregations whose result is a number (or a time) whatever the input: never attacker text.
NUMERIC_FUNCTIONS = frozenset({
    "count", "c", "dc", "distinct_count", "estdc", "estdc_error", "sum", "sumsq", "avg", "mean", "median", "stdev",
    "stdevp", "var", "varp", "range", "per_second", "per_minute", "per_hour", "per_day", "rate", "earliest_time",
    "latest_time", "perc", "p", "exactperc", "upperperc",
})

# Eval functions whose value is the hexadecimal digest of their argument (Search Reference, "Cryptographic
# functions": md5, sha1, sha256, sha512): letters a-f and digits only, whatever text went in.
HASH_FUNCTIONS = frozenset({"md5", "sha1", "sha256", "sha512"})


@dataclass
class Taint:
    """Tainted field names, each with the attacker-controlled field its value can come from, plus patterns that
    taint any name not explicitly cleaned since."""

    names: dict[str, str] = field(default_factory=dict)
    patterns: tuple[str, ...] = DEFAULT_PATTERNS
    clean: set[str] = field(default_factory=set)
    # field name -> the text of the unreadable command that names it: where its value comes from is not known
    unread: dict[str, str] = field(default_factory=dict)

    def origin(self, name: str) -> str | None:
        """The attacker-controlled field ``name``'s value can come from, or None when it is clean."""
        found = self.names.get(name)
        if found is not None:
            return found
        if name in self.clean:
            return None
        return name if _pattern_taints(self.patterns, name) else None

    def first(self, names: Iterable[str]) -> str | None:
        """The origin of the first tainted name (sorted, so messages are stable)."""
        for name in sorted(names):
            found = self.origin(name)
            if found is not None:
                return found
        return None

    def set(self, name: str, origin: str | None) -> None:
        self.unread.pop(name, None)
        if origin is not None:
            self.names[name] = origin
            self.clean.discard(name)
        else:
            self.names.pop(name, None)
            self.clean.add(name)

    def copy(self) -> Taint:
        return Taint(dict(self.names), self.patterns, set(self.clean), dict(self.unread))


@functools.lru_cache(maxsize=65_536)
def _pattern_taints(patterns: tuple[str, ...], name: str) -> bool:
    """Whether one of the glob ``patterns`` taints the field ``name`` (any case). Remembered: every search asks
    about the same few field names, and each answer is a regular-expression match."""
    return _matcher(patterns)(name.lower()) is not None


@functools.lru_cache(maxsize=256)
def _matcher(patterns: tuple[str, ...]) -> Callable[[str], object]:
    """One compiled regular expression matching what any of the glob ``patterns`` matches (``fnmatchcase``)."""
    if not patterns:
        return lambda name: None
    return re.compile("|".join(f"(?:{fnmatch.translate(pattern)})" for pattern in patterns)).match


def initial_taint(pack: Pack, data_source_names: Iterable[str], *, unprefixed: bool = False) -> Taint:
    """What is tainted before the search runs: declared fields and patterns, through the add-on's aliases and
    calculated fields. ``unprefixed``: declared ``properties.x`` also taints ``x`` (the name-only fallback, for
    searches that ``rename properties.* as *``)."""
    taint = Taint()
    patterns = list(DEFAULT_PATTERNS)
    sources = [ds for ds in (pack.data_source(name) for name in data_source_names) if ds is not None]
    for data_source in sources:
        for declared in data_source.attacker_controlled_fields:
            if "*" in declared:
                patterns.append(declared.lower())
                continue
            taint.names.setdefault(declared, declared)
            if unprefixed and declared.startswith("properties."):
                taint.names.setdefault(declared.removeprefix("properties."), declared)
    taint.patterns = tuple(patterns)
    for data_source in sources:
        for alias in data_source.search_time.field_aliases:
            origin = taint.origin(alias.source_field)
            if origin is not None:
                taint.set(alias.alias, origin)
        before = taint.copy()  # calculated fields see the event as it was before any of them ran
        for calculated in data_source.search_time.calculated_fields:
            reads = _expression_reads(calculated.expression)
            origin = f"the calculated field {calculated.field}" if reads is None else before.first(reads)
            if origin is not None:
                taint.set(calculated.field, origin)
    return taint


@functools.cache
def _spl() -> Any:
    """The engine's parser and command classes, imported once and only when a drilldown needs them (importing
    the engine costs a CLI run a noticeable fraction of a second)."""
    from contentpack.spl import ast, errors, exprparser, lexer, parser
    from contentpack.spl.commands import eval as eval_command
    from contentpack.spl.commands import convert, fieldops, lookup, replace, rex, spath, stats, subsearch, timebins

    return SimpleNamespace(
        ast=ast, SplError=errors.SplError, parse_eval_text=exprparser.parse_eval_text,
        command_alone=parser.command_alone, split_pipeline=lexer.split_pipeline, tokenize=lexer.tokenize_search,
        EvalCommand=eval_command.EvalCommand, RenameCommand=fieldops.RenameCommand, renamed=fieldops.renamed,
        LookupCommand=lookup.LookupCommand, InputlookupCommand=lookup.InputlookupCommand,
        RexCommand=rex.RexCommand, SpathCommand=spath.SpathCommand,
        AppendCommand=subsearch.AppendCommand, JoinCommand=subsearch.JoinCommand,
        AppendpipeCommand=subsearch.AppendpipeCommand, ConvertCommand=convert.ConvertCommand,
        FillnullCommand=fieldops.FillnullCommand, ReplaceCommand=replace.ReplaceCommand,
        StatsCommand=stats.StatsCommand, EventstatsCommand=stats.EventstatsCommand,
        StreamstatsCommand=stats.StreamstatsCommand, TimechartCommand=timebins.TimechartCommand)


def _expression_reads(text: str) -> set[str] | None:
    spl = _spl()
    try:
        return returned_fields(spl.parse_eval_text(text, "eval"))
    except spl.SplError:
        return None


# What the pack's own lookup tables write (``result_taint``'s ``cells``): for a table name, each column one of whose
# values ``writes_spl``, with where that value is (a message's words); None for a table the pack does not ship.
Cells = Callable[[str], Mapping[str, str] | None]


def result_taint(moving: Moving | None, taint: Taint, *, literal: str | None = None,
                 cells: Cells | None = None) -> Taint | None:
    """``taint`` carried through a search, given by its ``moving_segments``; None when there are none (its macros cannot
    be expanded or it cannot be split). A command that cannot be parsed is passed over, the fields it names left
    ``unread``.  ``literal``: follow the text the search writes itself instead of the attacker's (CP085's map tokens,
    with ``moving_segments(written=True)``): a name ``taint`` taints, standing for each string that can hold SPL
    (``writes_spl``) an ``eval`` returns (``returned_fields``) or ``fillnull``'s ``value``, ``replace``'s ``with``,
    ``rex mode=sed``'s expression, ``rangemap``'s labels and ``default`` or ``convert``'s ``timeformat`` set a field to
    (every field, when the command names none); ``cells`` gives what the pack's own lookup tables write, each such
    column of a ``lookup`` or ``inputlookup`` tainted by where its value is; and the fields an ``append``, ``join`` or
    ``appendpipe`` subsearch writes so are followed out of it (``_follow_written``)."""
    if moving is None:
        return None
    for command in _commands(moving):
        _carry(command, taint, literal, cells)
    return taint


def _carry(command: object, taint: Taint, literal: str | None, cells: Cells | None) -> None:
    """``taint`` carried through one parsed ``command`` (or the text of an unreadable one), for ``result_taint``."""
    spl = _spl()
    EvalCommand, RenameCommand, renamed = spl.EvalCommand, spl.RenameCommand, spl.renamed  # noqa: N806
    LookupCommand, RexCommand, SpathCommand = spl.LookupCommand, spl.RexCommand, spl.SpathCommand  # noqa: N806
    StatsCommand, TimechartCommand = spl.StatsCommand, spl.TimechartCommand  # noqa: N806
    EventstatsCommand, StreamstatsCommand = spl.EventstatsCommand, spl.StreamstatsCommand  # noqa: N806
    if isinstance(command, str):  # unreadable: its text
        taint.unread.update(dict.fromkeys(_FIELD_WORD.findall(command), command))
    elif isinstance(command, EvalCommand):
        for target, expr in command.assignments:
            taint.set(target, taint.first(returned_fields(expr, literal)))
    elif isinstance(command, RenameCommand):
        for source, target in command.pairs:
            moved = {name: new for name in taint.names if (new := renamed(source, target, name)) is not None}
            for name, new in moved.items():
                taint.set(new, taint.names.pop(name))
            if "*" not in source and source not in moved:
                taint.set(target, taint.origin(source))  # tainted by a pattern, or clean
    elif isinstance(command, (StatsCommand, TimechartCommand)):
        by = command.by if isinstance(command, StatsCommand) else ((command.by,) if command.by else ())
        outputs = {term.output: None if term.field is None or term.function.lower() in NUMERIC_FUNCTIONS
                   else taint.origin(term.field) for term in command.terms}
        if not isinstance(command, (EventstatsCommand, StreamstatsCommand)):  # transforming: only these remain
            kept = {name: taint.origin(name) for name in by}
            taint.names = {name: source for name, source in kept.items() if source is not None}
            taint.clean = {name for name, source in kept.items() if source is None}
            taint.unread = {name: text for name, text in taint.unread.items() if name in by}
        for output, origin in outputs.items():
            taint.set(output, origin)
    elif isinstance(command, RexCommand):
        origin = taint.origin(command.field)
        for name in _produced(command):
            taint.set(name, origin)
    elif isinstance(command, SpathCommand):
        origin = taint.origin(command.path) if command.input == "_raw" and command.path else \
            taint.origin(command.input)
        for name in _produced(command):
            taint.set(name, origin)
    elif isinstance(command, LookupCommand):
        for name in _produced(command):
            taint.set(name, None)
    elif isinstance(command, spl.FillnullCommand):
        pass  # fills only null values (kept in the moving segments for ``literal`` only, which followed it)
    else:
        produced = _produced(command)
        if produced:
            origin = taint.first(_read(command))
            for name in produced:
                taint.set(name, origin)
    if literal is not None:
        _follow_written(command, taint, literal, cells)


# A regular expression that only admits "safe token text": anchored at both ends, made of letters, digits and
# ``_ . : @ -`` (classes, escapes ``\d \w \. \-`` and quantifiers). A value that matched it cannot hold a
# quote, a space, a pipe, a bracket or a dollar sign, so it cannot inject search text.
_SAFE_PIECE = re.compile(r"(?:\[(?:[A-Za-z0-9_.:@]|\\[dw.\-]|-)+\]|[A-Za-z0-9_:@]|\\[dw.\-])(?:[+*?]|\{\d+(?:,\d*)?\})?")
_SAFE_REGEX = re.compile(rf"(?:\(\?i\))?\^(?:{_SAFE_PIECE.pattern})+\$")


# A character a value needs to end a quoted value or start a command, a subsearch or a macro in the search text
# map writes it into, or that makes such a character from a code (urldecode's "%7C", printf's "%c"): a string
# without one writes no SPL of its own.
_SPL_CHARACTER = re.compile(r"[|\[\]\"'`\\%]")


def writes_spl(text: str) -> bool:
    """Whether ``text``, written in a search, can make SPL of a value it becomes (``_SPL_CHARACTER``)."""
    return _SPL_CHARACTER.search(text) is not None


def _follow_written(command: object, taint: Taint, literal: str, cells: Cells | None) -> None:
    """``result_taint``'s ``literal`` for the commands other than ``eval`` that set a field to a string of their
    own, when the string ``writes_spl``: ``fillnull``, ``replace``, ``rex mode=sed``, ``rangemap`` (``_ranges``);
    a lookup table's values (``_follow_cells``); what a subsearch's commands write (``_follow_subsearches``)."""
    spl = _spl()
    texts: tuple[str, ...]
    if isinstance(command, spl.FillnullCommand):
        texts, names = (command.value,), command.names
    elif isinstance(command, spl.ReplaceCommand):
        texts, names = tuple(new for _, new in command.pairs), command.fields
    elif isinstance(command, spl.RexCommand) and command.sed:
        texts, names = (command.pattern,), (command.field,)
    elif isinstance(command, str) and command.lower().split(None, 1)[:1] == ["rangemap"]:
        texts, names = _ranges(command), ("range",)
    elif isinstance(command, spl.ConvertCommand):
        _follow_timeformat(command, taint, literal)
        return
    elif isinstance(command, (spl.LookupCommand, spl.InputlookupCommand)):
        _follow_cells(command, taint, cells)
        return
    else:
        _follow_subsearches(command, taint, literal, cells)
        return
    if not any(map(writes_spl, texts)):
        return
    if not names:
        taint.patterns += ("*",)  # every field
    for name in names:
        taint.set(name, literal)


# A strftime directive (``%Y``, ``%3N``, ``%:z``): it writes a time's digits, letters and signs, not characters of
# the format's own; ``%%`` writes a "%".
_DIRECTIVE = re.compile(r"%(?:%|[-_0^#:]*\d*[A-Za-z])")


def _format_writes_spl(time_format: str) -> bool:
    """Whether a time format (``strftime``'s, ``convert``'s ``timeformat``) ``writes_spl`` in the text it makes:
    its characters other than its directives, which write a time's digits, letters and signs, not a ``%``
    (``security_content_ctime``'s ``%Y-%m-%dT%H:%M:%S`` writes digits, ``-``, ``T`` and ``:``)."""
    return writes_spl(_DIRECTIVE.sub(lambda match: "%" if match.group(0) == "%%" else "", time_format))


def _follow_timeformat(command: Any, taint: Taint, literal: str) -> None:
    """``convert``'s ``ctime()`` writes each time in its ``timeformat``, whose characters other than its directives
    are the search's own text in the value (Search Reference, convert: ``timeformat`` is "used by ``ctime`` and
    ``mktime``", as ``strftime``'s format): such a field is written when ``_format_writes_spl``."""
    if not _format_writes_spl(command.timeformat):
        return
    for conversion in command.conversions:
        if conversion.function == "ctime" and "*" in conversion.output:
            taint.patterns += (conversion.output.lower(),)
        elif conversion.function == "ctime":
            taint.set(conversion.output, literal)


def _ranges(command: str) -> tuple[str, ...]:
    """The strings ``rangemap`` (valid SPL the engine does not read) writes into its ``range`` field: each label
    (``<attribute_name>=<numeric_range>``) and ``default=``'s value (Search Reference, rangemap: "adds in a new
    field called range to each event"); a text that cannot be split into words is taken to write a quote."""
    spl = _spl()
    try:
        tokens = spl.tokenize(command)
    except spl.SplError:
        return ('"',)
    return tuple(value.text if name.text.lower() == "default" else name.text
                 for name, sign, value in zip(tokens, tokens[1:], tokens[2:], strict=False)
                 if sign.kind == "OP" and sign.text == "=" and name.text.lower() != "field")


def _follow_cells(command: Any, taint: Taint, cells: Cells | None) -> None:
    """A ``lookup``'s output fields (every column but the matched ones, when it names none) or an ``inputlookup``'s
    columns, each tainted by where a value of its column that ``writes_spl`` is, for a table of the pack's own."""
    written = cells(command.table) if cells is not None else None
    if not written:  # another app's table (CP025's error), or no value of the pack's table writes SPL
        return
    if isinstance(command, _spl().LookupCommand):
        matched = {column for column, _ in command.inputs}
        pairs = command.outputs or tuple((column, column) for column in written if column not in matched)
    else:
        pairs = tuple((column, column) for column in written)
    for column, name in pairs:
        if column in written:
            taint.set(name, written[column])


def _follow_subsearches(command: object, taint: Taint, literal: str, cells: Cells | None) -> None:
    """The fields an ``append``, ``join`` or ``appendpipe`` subsearch writes (a string of its own, a lookup's
    value) become the command's: its commands are followed from the results' taint as it is (``appendpipe``'s
    subsearch reads them; ``append``'s and ``join``'s start afresh, which only adds what is already there)."""
    spl = _spl()
    if isinstance(command, (spl.AppendCommand, spl.JoinCommand)):
        pipeline = command.subsearch
    elif isinstance(command, spl.AppendpipeCommand):
        pipeline = command.subpipeline
    else:
        return
    inner = taint.copy()
    for each in pipeline.commands:
        _carry(each, inner, literal, cells)
    for name, origin in inner.names.items():
        if taint.names.get(name) is None:
            taint.set(name, origin)
    taint.patterns += tuple(pattern for pattern in inner.patterns if pattern not in taint.patterns)


def returned_fields(expr: object, literal: str | None = None) -> set[str]:
    """The fields whose value (or part of it) an eval expression can return, worked out part by part: of a
    conditional, only the branches it can return (``if``, ``case``: not their conditions; ``coalesce`` and any
    other function: every argument), and a branch ``F`` whose condition is ``match(F, "<safe anchored regex>")``
    returns F only as safe token text, so it counts for nothing (the way to keep a drilldown token on a field the
    attacker may influence, e.g. an id picked out of a free-text list), and so does a hash (``HASH_FUNCTIONS``:
    ``sha256(_raw)`` is hexadecimal digits). Whatever else an expression is made of
    returns the fields it reads, so an unguarded branch anywhere (``coalesce(if(match(F, ...), F, null()), G)``:
    G) still counts. ``literal``: the name a string of the expression counts as when it ``writes_spl`` (None:
    strings count for nothing), so ``"x | sendemail"``, ``printf("%c", 124)`` or ``urldecode("%7C")`` is
    followed too (each character such a function makes comes from a string of the search); a ``strftime``
    format only by its characters other than its directives (``_format_writes_spl``: ``"%Y-%m-%d"`` writes none)."""
    spl = _spl()
    ast = spl.ast
    if isinstance(expr, ast.FieldRef):
        return {expr.name}
    if isinstance(expr, ast.Literal):
        return {literal} if literal is not None and isinstance(expr.value, str) and writes_spl(expr.value) else set()
    if isinstance(expr, ast.Unary):
        parts: Sequence[object] = (expr.operand,)
    elif isinstance(expr, ast.Binary):
        parts = (expr.left, expr.right)
    elif isinstance(expr, ast.Call) and expr.name.lower() in HASH_FUNCTIONS:
        return set()
    elif isinstance(expr, ast.Call) and expr.name.lower() == "strftime" and len(expr.args) == 2 \
            and isinstance(expr.args[1], ast.Literal) and isinstance(expr.args[1].value, str):
        written = {literal} if literal is not None and _format_writes_spl(expr.args[1].value) else set()
        return returned_fields(expr.args[0], literal) | written
    elif isinstance(expr, ast.Call):
        branches = _branches(expr)
        parts = expr.args if branches is None else \
            [value for condition, value in branches if condition is None or not _guards(condition, value)]
    else:
        return set()
    return set().union(*(returned_fields(part, literal) for part in parts))


def _branches(call: Any) -> tuple[tuple[object | None, object], ...] | None:
    """(condition, value) for each value a conditional can return (None: no condition of its own), or None when
    ``call`` is not ``if``/``case`` (or has not the arguments they take)."""
    name, args = call.name.lower(), call.args
    if name == "if" and len(args) == 3:
        return ((args[0], args[1]), (None, args[2]))
    if name == "case" and args and len(args) % 2 == 0:
        return tuple(zip(args[::2], args[1::2], strict=True))
    return None


def _guards(condition: object, value: object) -> bool:
    """Whether ``condition`` is ``match(F, "<safe anchored regex>")`` and ``value`` is the field F."""
    ast = _spl().ast
    if not (isinstance(condition, ast.Call) and condition.name.lower() == "match" and len(condition.args) == 2):
        return False
    checked, pattern = condition.args
    return (isinstance(checked, ast.FieldRef) and isinstance(pattern, ast.Literal) and isinstance(pattern.value, str)
            and _SAFE_REGEX.fullmatch(pattern.value) is not None
            and isinstance(value, ast.FieldRef) and value.name == checked.name)


# Commands that neither create a field nor move a value to another name: not parsed here (the others are parsed
# once per distinct command, a parse the syntax check shares).
_NEUTRAL = frozenset({"search", "where", "fillnull", "table", "fields", "dedup", "sort", "head", "tail", "reverse",
                      "makemv", "mvexpand", "regex"})


# A search's segments that can move taint, each as the engine's parser keys a command it parses on its own:
# (text, place in the pipeline, whether the pipeline starts with '|'); see ``contentpack.spl.parser.command_alone``.
Moving = tuple[tuple[str, int, bool], ...]


def moving_segments(expanded: str, segments: Sequence[Segment] | None = None, *,
                    written: bool = False) -> Moving | None:
    """The pipeline segments of an expanded search that can move taint, which is all ``result_taint`` reads
    (searches written from one pattern differ in their first, filtering, segment and share these); None when
    the search cannot be split into commands (an unclosed quote or bracket).

    Split by the engine (``segments``: its ``split_pipeline(expanded)`` when the caller has it, as
    ``SplAnalysis.segments`` shares it with the syntax check), and keyed as the syntax check (CP060) keys each
    command, so both rules share one parse of every command. ``written``: ``fillnull`` too, which writes its
    ``value`` (for ``result_taint``'s ``literal``; it moves no attacker's value)."""
    spl = _spl()
    if segments is None:
        try:
            segments = spl.split_pipeline(expanded)
        except spl.SplError:
            return None
    leading_pipe = expanded.lstrip().startswith("|")
    moving = []
    for index, segment in enumerate(segments):
        words = segment.text.split(None, 1)
        if (index == 0 and not leading_pipe) or not words or (words[0].lower() in _NEUTRAL
                                                              and not (written and words[0].lower() == "fillnull")):
            continue  # the implicit search filters and creates nothing; so do the neutral commands
        moving.append((segment.text, min(index, 2), leading_pipe))
    return tuple(moving)


# What may be a field name in the text of a command the parser cannot read (its command and function names too)
_FIELD_WORD = re.compile(r"[A-Za-z_@][\w.{}@]*")


def _commands(moving: Moving) -> tuple[object, ...]:
    """The parsed ``moving_segments`` of a search (subsearches and all), the text of each unreadable one instead."""
    spl = _spl()
    return tuple(spl.command_alone(text, place, leading_pipe).command or text for text, place, leading_pipe in moving)


def _produced(command: object) -> set[str]:
    from contentpack.spl.commands import field_use

    try:
        return set(field_use(command).produces)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - a command that cannot tell (a bad regex) produces nothing we know of
        return set()


def _read(command: object) -> set[str]:
    from contentpack.spl.commands import field_use

    try:
        return set(field_use(command).reads)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - as in _produced
        return {"_raw"}
