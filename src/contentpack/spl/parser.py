"""From search text to a :class:`Pipeline`: macro expansion, pipeline splitting, per-command parsing.

The first segment without a leading ``|`` is an implicit ``search``; a leading ``|`` starts with a generating
command (``| makeresults``, ``| inputlookup``, ``| from datamodel ...``). Each command parses its own
arguments (``commands/*``). Unknown commands raise :class:`SplUnsupportedError` naming the command and its
column; every offset in an error is a position in the text the author wrote.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from contentpack.spl.ast import Command, Pipeline
from contentpack.spl.commands import get_command
from contentpack.spl.commands.base import CommandInput
from contentpack.spl.cursor import OffsetMap, remap
from contentpack.spl.errors import SplError, SplSyntaxError, SplUnsupportedError
from contentpack.spl.lexer import split_pipeline
from contentpack.spl.macros import MacroDef, expand

_COMMAND_NAME = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)")


def parse(text: str, macros: Mapping[str, MacroDef] | None = None) -> Pipeline:
    """Parse a search (expanding macros first). Raises only :class:`SplError` subclasses."""
    if not isinstance(text, str):
        raise SplSyntaxError("the search must be text", offset=0)
    expanded = expand(text, macros)
    try:
        pipeline = parse_pipeline(expanded.text, 0, expanded.original_offset, subsearch=False)
    except RecursionError:
        raise SplSyntaxError("the search nests parentheses or subsearches too deeply", offset=0) from None
    return Pipeline(pipeline.commands, text)


def parse_pipeline(text: str, base: int, mapper: OffsetMap, *, subsearch: bool) -> Pipeline:
    try:
        segments = split_pipeline(text, base)
    except SplError as exc:
        raise remap(exc, mapper, None) from None
    leading_pipe = text.lstrip().startswith("|")
    commands: list[Command] = []

    def parse_nested(inner: str, inner_base: int) -> Pipeline:
        return parse_pipeline(inner, inner_base, mapper, subsearch=True)

    for index, segment in enumerate(segments):
        if index == 0 and leading_pipe:
            continue
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
            raise SplUnsupportedError(f"command '{name}' is not supported", offset=name_offset, command=name)
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
                raise type(exc)(exc.message, offset=name_offset, command=exc.command or name) from None
            raise
        if spec.generating and not first and not getattr(node, "appends", False):
            raise SplSyntaxError(f"'{name}' is a generating command and must be the first command",
                                 offset=name_offset, command=name)
        commands.append(node)
    if not commands:
        raise SplSyntaxError("empty search", offset=mapper(base))
    return Pipeline(tuple(commands), text)
