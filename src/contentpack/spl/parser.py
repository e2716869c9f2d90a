"""From search text to a :class:`Pipeline`: macro expansion, pipeline splitting, per-command parsing.

The first segment without a leading ``|`` is an implicit ``search``; a leading ``|`` starts with a generating
command (``| makeresults``, ``| inputlookup``, ``| from datamodel ...``). Each command parses its own
arguments (``commands/*``). Unknown commands raise :class:`SplUnsupportedError` naming the command and its
column; every offset in an error is a position in the text the author wrote.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import NamedTuple

from contentpack.spl.ast import Command, Pipeline
from contentpack.spl.commands import get_command
from contentpack.spl.commands.base import CommandInput
from contentpack.spl.cursor import OffsetMap, remap
from contentpack.spl.errors import SplError, SplSyntaxError, SplUnsupportedError
from contentpack.spl.lexer import Segment, Token, split_pipeline, tokenize_search
from contentpack.spl.macros import Expanded, MacroDef, expand

_COMMAND_NAME = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)")
# A map search's "$field$" where a command's name goes: map writes each result's value there (command_words)
_TOKEN_COMMAND = re.compile(r"\s*(\$[^\s$]+\$)")
# An unknown command's text that reads as a search's terms: a boolean operator, or a field compared or listed
# (``NOT user IN (...)``, ``user!="x"``, ``properties.appId="x"``): ``search`` left out after a '|'
_SEARCH_TERMS = re.compile(r"\s*(?:(?:NOT|AND|OR)\b|[A-Za-z_][\w.{}*:-]*\s*(?:!?=|[<>]=?|\s+IN\s*\())",
                           re.IGNORECASE)
_TERMS_SHOWN = 60  # characters of such text quoted in the hint
_APPEND = re.compile(r"(?:^|\s)append\s*=\s*(?:t|true|1)\b", re.IGNORECASE)


def parse(text: str, macros: Mapping[str, MacroDef] | None = None) -> Pipeline:
    """Parse a search (expanding macros first). Raises only :class:`SplError` subclasses."""
    if not isinstance(text, str):
        raise SplSyntaxError("the search must be text", offset=0)
    expanded = expand(text, macros)
    try:
        pipeline = parse_pipeline(expanded.text, 0, expanded.original_offset, subsearch=False,
                                  origin=expanded.origin)
    except RecursionError:
        raise _too_deep() from None
    return Pipeline(pipeline.commands, text)


def check(text: str, macros: Mapping[str, MacroDef] | None = None) -> list[SplError]:
    """Every problem the parser finds in a search, instead of only the first: a command that fails to parse
    (or that this engine does not implement) is recorded and parsing goes on with the next command, inside
    subsearches too. For validators, which must report all problems and must tell valid SPL the engine does
    not run (:class:`SplUnsupportedError`) from broken SPL. Macro errors stop the check (nothing to parse)."""
    expanded = expand_for_check(text, macros)
    if not isinstance(expanded, Expanded):
        return expanded
    return located(check_expanded(expanded.text), expanded)


def expand_for_check(text: str, macros: Mapping[str, MacroDef] | None = None) -> Expanded | list[SplError]:
    """The search with its macros expanded, or ``check``'s answer when they cannot be."""
    try:
        return expand(text, macros)
    except RecursionError:
        return [_too_deep()]
    except SplError as exc:
        return [exc]


def check_expanded(text: str, segments: Sequence[Segment] | None = None) -> tuple[list[SplError], bool]:
    """``check`` of an already expanded search, offsets in that text (``located`` maps them to the author's).

    Why apart: the answer depends on the expanded text only, so a validator checking thousands of searches
    parses each distinct expansion once. The flag: parsing stopped because the search nests too deeply.
    ``segments``: ``split_pipeline(text)`` when the caller has it already (a validator's other rules split
    every search too), so the text is not split again."""
    problems: list[SplError] = []
    try:
        parse_pipeline(text, 0, _same, subsearch=False, problems=problems, segments=segments)
    except RecursionError:
        return problems, True
    except SplError as exc:
        problems.append(exc)
    return problems, False


def located(checked: tuple[list[SplError], bool], expanded: Expanded) -> list[SplError]:
    """The problems of ``check_expanded`` at offsets in the text the author wrote."""
    problems, too_deep = checked
    mapped = [remap(problem, expanded.original_offset, None) for problem in problems]
    return [*mapped, _too_deep()] if too_deep else mapped


def _same(offset: int) -> int:
    return offset


def _too_deep() -> SplSyntaxError:
    return SplSyntaxError("the search nests parentheses or subsearches too deeply", offset=0)


def parse_pipeline(text: str, base: int, mapper: OffsetMap, *, subsearch: bool,
                   problems: list[SplError] | None = None, segments: Sequence[Segment] | None = None,
                   origin: tuple[int, ...] | None = None) -> Pipeline:
    """``problems``: collect each command's error there and go on (``check``), instead of raising it.
    ``segments``: ``split_pipeline(text, base)``, when the caller has it. ``origin``: ``mapper``'s table
    (``Expanded.origin``), given for a whole search: its commands are then taken from ``_COMMANDS`` when parsed
    before.

    ``check_expanded``'s own commands (offsets unmapped, not in a subsearch) are answered by
    ``command_alone`` when they hold no subsearch, so its pipeline lacks them: it wants the problems only."""
    if segments is None:
        try:
            segments = split_pipeline(text, base)
        except SplError as exc:
            raise remap(exc, mapper, None) from None
    leading_pipe = text.lstrip().startswith("|")
    commands: list[Command] = []

    def parse_nested(inner: str, inner_base: int) -> Pipeline:
        return parse_pipeline(inner, inner_base, mapper, subsearch=True, problems=problems)

    memo_problems = problems if mapper is _same and not subsearch else None  # check_expanded's own commands
    for index, segment in enumerate(segments):
        if memo_problems is not None and "[" not in segment.text:
            problem = command_alone(segment.text, min(index, 2), leading_pipe).problem
            if problem is not None:
                offset = None if problem.offset is None else segment.offset + problem.offset
                memo_problems.append(problem.moved(offset, problem.command))
            continue
        try:
            if origin is not None and problems is None:
                command = _COMMANDS.command(index, segment, leading_pipe, origin,
                                            lambda: _parse_command(index, segment, leading_pipe, mapper, subsearch,
                                                                   parse_nested))
            else:
                command = _parse_command(index, segment, leading_pipe, mapper, subsearch, parse_nested)
        except SplError as exc:
            if problems is None:
                raise
            problems.append(exc)
            continue
        if command is not None:
            commands.append(command)
    if not commands and problems is None:
        raise SplSyntaxError("empty search", offset=mapper(base))
    return Pipeline(tuple(commands), text)


class _CommandMemo:
    """The commands of the searches parsed so far, by their text, place and where each character came from: a
    replay parses a drilldown for each row it checks (``%original_detection_search% | search user="..."``), each a
    distinct text that repeats the detection's search command for command, and parsing those was most of the
    drilldowns' cost. A top-level command's parse depends on its text, its place (first, second after a leading
    ``|``, or later), whether the search starts with ``|``, and its offsets in the search as written, which its
    characters' origins (``Expanded.origin``, one past its end included) give; at the very end of a search an
    offset is mapped otherwise (``Expanded.original_offset``), so that is in the key too. Only commands that
    parse are kept (the AST is frozen, so a pipeline may share them); bounded, starting afresh past ``LIMIT``."""

    LIMIT = 8192

    def __init__(self) -> None:
        self._commands: dict[tuple[object, ...], Command | None] = {}

    def command(self, index: int, segment: Segment, leading_pipe: bool, origin: tuple[int, ...],
                parse: Callable[[], Command | None]) -> Command | None:
        end = segment.offset + len(segment.text)
        key = (min(index, 2), leading_pipe, segment.text, segment.offset, origin[segment.offset:end + 1],
               end + 1 >= len(origin))
        if key in self._commands:
            return self._commands[key]
        command = parse()
        if len(self._commands) >= self.LIMIT:
            self._commands.clear()
        self._commands[key] = command
        return command


_COMMANDS = _CommandMemo()


class CommandAlone(NamedTuple):
    """One top-level command parsed on its own (``command_alone``): offsets count from the command's start."""

    command: Command | None  # None when it has a problem, or is the empty text before a leading ``|``
    problem: SplError | None


# Sized for ESCU: its 1,870 searches hold about 4,100 distinct commands.
@functools.lru_cache(maxsize=8192)
def command_alone(text: str, place: int, leading_pipe: bool) -> CommandAlone:
    """One top-level command, parsed as if it started the text, with its problem (None when it parses).
    ``place``: its index in the pipeline, 2 for any later one; ``leading_pipe``: whether the pipeline starts
    with ``|``. A subsearch inside it (``[ ... ]``) is parsed too, and its first problem is the command's.

    Why a memo: searches of a pack share whole commands (``| rename properties.* as *``, the expansions of the
    same macros), and the parse of one depends on its text and place only: with offsets left unmapped
    (``check_expanded``) every offset in it, inside its subsearches too, is the command's start plus a position
    in its own text. Validation asks several times for many commands (the syntax check, the drilldown rule that
    follows field values through the search, the lookup-column check), and parses each once. The syntax check
    asks only for commands without a subsearch: it wants every problem of a subsearch, not the first. A problem
    is a copy without the traceback (which would keep the parse's frames alive); callers move a copy of it to
    the command's offset. Callers must not change the command (the AST is frozen)."""
    try:
        return CommandAlone(_parse_command(place, Segment(text, 0), leading_pipe, _same, False, _nested), None)
    except SplError as exc:
        return CommandAlone(None, exc.moved(exc.offset, exc.command))
    except RecursionError:
        return CommandAlone(None, _too_deep())


def _nested(text: str, base: int) -> Pipeline:
    return parse_pipeline(text, base, _same, subsearch=True)


def subsearch_commands(text: str, base: int = 0) -> list[Command]:
    """The commands that parse in the subsearches (``[ ... ]``) of one command the engine refuses as a whole
    (``command_alone`` says ``SplUnsupportedError``): valid SPL it does not run, such as
    ``tstats ... where [| inputlookup t]`` or a subsearch holding ``outputlookup``, still has subsearches
    Splunk runs, and a validator reads what they name. Each subsearch is read command by command, as a
    subsearch (it may open with a generating command), and a refused command's own subsearches likewise;
    a command with a syntax error gives nothing (the syntax check reports it). ``base``: where ``text``
    starts, so offsets are positions in the text ``command_alone`` read (the command's own offsets).
    Outermost first, in text order."""
    try:
        tokens = tokenize_search(text, base)
    except SplError:
        return []  # an unclosed quote or bracket: the syntax check's
    found: list[Command] = []
    for token in tokens:
        if token.kind != "SUBSEARCH":
            continue
        try:
            segments = split_pipeline(token.text, token.offset)
        except SplError:
            continue
        leading_pipe = token.text.lstrip().startswith("|")
        for index, segment in enumerate(segments):
            try:
                command = _parse_command(index, segment, leading_pipe, _same, True, _nested)
            except SplUnsupportedError:
                found += subsearch_commands(segment.text, segment.offset)
                continue
            except (SplError, RecursionError):
                continue
            if command is not None:
                found.append(command)
    return found


class CommandWord(NamedTuple):
    """A command's name as written (lower case) and its offset, from :func:`command_words`."""

    name: str
    offset: int
    piped: bool  # after a ``|``; False for the first word of a subsearch opened without one


def command_words(text: str, base: int = 0, *, subsearch: bool = False,
                  mapped: bool = False) -> Iterator[CommandWord]:
    """The name of every command ``text`` runs, those of its ``[ ... ]`` subsearches and of ``map``'s
    ``search="..."`` included, read off the text alone: a command the engine does not run, or that holds one
    it does not run, is read as well as one it does, and none is parsed.

    Why not the parse: the parser stops at the first command it lacks, so a command inside such a command's
    subsearch (``foreach * [| sendemail ...]``) is never reached; a rule asking which commands Splunk would run
    must not depend on what the engine supports. The first segment of a search without a leading ``|`` is the
    implicit ``search`` and gives no word; in a subsearch it is given with ``piped`` False, since the engine
    (and, assumed, Splunk) reads a generating command there (``[inputlookup t]``). A text that cannot be
    split (an unclosed quote or bracket) gives nothing: CP060 reports it. ``base``: where ``text`` starts.

    Inside a map search (``mapped``) a ``$field$`` where a command's name goes is given as a word of its own
    (name ``$field$``): map writes each result's value of the field there, so the value names the command."""
    try:
        segments = split_pipeline(text, base)
    except SplError:
        return
    leading_pipe = text.lstrip().startswith("|")
    for index, segment in enumerate(segments):
        if index == 0 and leading_pipe:
            continue  # the empty text before a leading "|"
        match = _COMMAND_NAME.match(segment.text) or (_TOKEN_COMMAND.match(segment.text) if mapped else None)
        name = "" if match is None else match.group(1) if match.group(1).startswith("$") else match.group(1).lower()
        if match and (index > 0 or subsearch):
            yield CommandWord(name, segment.offset + match.start(1), index > 0)
        try:
            tokens = tokenize_search(segment.text, segment.offset)
        except SplError:
            continue
        for at, token in enumerate(tokens):
            if token.kind == "SUBSEARCH":
                yield from command_words(token.text, token.offset, subsearch=True, mapped=mapped)
            elif name == "map" and is_map_search_string(tokens, at):
                # map runs the string as a search for each result; a string holding escapes is placed at its
                # opening quote (its unescaped offsets are not the file's)
                raw = text[token.offset - base + 1:token.end - base - 1]
                inner = command_words(token.text, token.offset + 1, subsearch=True, mapped=True)
                yield from (inner if raw == token.text
                            else (word._replace(offset=token.offset) for word in inner))


def is_map_search_string(tokens: Sequence[Token], at: int) -> bool:
    """Whether ``tokens[at]`` (of a ``map`` command, ``tokenize_search``) is its quoted ``search="..."`` string: the
    search map runs once per result, which CP085 reads for commands and CP086 for the tokens filled into it."""
    return (tokens[at].kind == "PHRASE" and at >= 2 and tokens[at - 1].text == "="
            and tokens[at - 2].text.lower() == "search")


def _search_terms(text: str) -> str | None:
    """``text`` (an unknown command's segment) cut to its first characters when it reads as a search's terms."""
    if not _SEARCH_TERMS.match(text):
        return None
    terms = " ".join(text.split())
    return terms if len(terms) <= _TERMS_SHOWN else terms[:_TERMS_SHOWN - 3] + "..."


def _parse_command(index: int, segment: Segment, leading_pipe: bool, mapper: OffsetMap, subsearch: bool,
                   parse_nested: Callable[[str, int], Pipeline]) -> Command | None:
    """One pipeline segment as a command (None for the empty text before a leading ``|``)."""
    if index == 0 and leading_pipe:
        return None
    match = _COMMAND_NAME.match(segment.text)
    first = index == 0 or (index == 1 and leading_pipe)
    if first and not leading_pipe:
        # The implicit search; a subsearch may also open with a generating command ([inputlookup x]).
        name, args_start = "search", 0
        word = match.group(1) if match else ""
        named = get_command(word) if word else None
        if word.lower() == "search" or (subsearch and named is not None and named.generating):
            name, args_start = word, match.end()  # type: ignore[union-attr]
        leading_space = len(segment.text) - len(segment.text.lstrip())
        name_offset = mapper(segment.offset + (match.start(1) if match and args_start else leading_space))
    else:
        if match is None:
            where = segment.offset + len(segment.text) - len(segment.text.lstrip())
            raise SplSyntaxError("expected a command name after '|'", offset=mapper(where))
        name, args_start = match.group(1), match.end()
        name_offset = mapper(segment.offset + match.start(1))
    spec = get_command(name)
    if spec is None:
        raise SplUnsupportedError(f"command '{name}' is not supported", offset=name_offset, command=name,
                                  feature=("command", name), terms=_search_terms(segment.text))
    command_input = CommandInput(
        name=name.lower() if name.lower() != "search" else "search",
        offset=name_offset,
        text=segment.text[args_start:],
        base=segment.offset + args_start,
        mapper=mapper,
        parse_subsearch=parse_nested,
    )
    try:
        node = spec.parse(command_input)
    except SplError as exc:
        if exc.offset is None:
            raise exc.moved(name_offset, exc.command or name) from None
        raise
    if spec.generating and not first and not getattr(node, "appends", False):
        if _APPEND.search(segment.text[match.end():] if match else ""):
            # "append=true" adds the generated rows to the results so far (tstats, inputcsv...)
            raise SplUnsupportedError(f"'{name}' with append=true after other commands is not supported",
                                      offset=name_offset, command=name)
        raise SplSyntaxError(f"'{name}' is a generating command and must be the first command",
                             offset=name_offset, command=name)
    return node
