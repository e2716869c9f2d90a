"""``convert``: only ``ctime()`` (epoch → text), with ``timeformat=``.

https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/convert: default
``timeformat`` is ``%m/%d/%Y %H:%M:%S``; ``ctime(field) [AS new]``; values that are not numbers stay as they
are. ESCU's ``security_content_ctime(1)`` macro expands to ``convert timeformat="%Y-%m-%dT%H:%M:%S"
ctime($field$)``. The time zone is the engine's (UTC unless the caller says otherwise). A multivalue field is
refused (``base.single_input``): the 10.0 page says only "converts field values in your search results" and
never what ``ctime()`` gives for a field holding several (the engine used to convert each value). A wildcard
field name (``ctime(*time)``, which the page allows) is refused: the engine converted one field of that literal
name, a silent no-op.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from contentpack.spl.commands.args import at_option, read_field, read_option
from contentpack.spl.commands.base import (FieldUse, uses, CommandInput, CommandNode, CommandSpec, FieldSet,
                                           RunContext, plus, rewrites, single_input)
from contentpack.spl.errors import SplRuntimeError, SplUnsupportedError
from contentpack.spl.timeutil import DEFAULT_CTIME_FORMAT, CalendarRangeError, UnsupportedTimeVariable, convert_ctime
from contentpack.spl.values import Event, as_number

_KNOWN = {"auto", "dur2sec", "memk", "mktime", "mstime", "none", "num", "rmcomma", "rmunit"}


@dataclass(frozen=True)
class ConvertCommand(CommandNode):
    timeformat: str
    conversions: tuple[tuple[str, str], ...]  # (field, output)

    def _input_fields(self) -> set[str]:
        return {source for source, _ in self.conversions}

    def requires(self, needed: FieldSet) -> FieldSet:
        return plus(needed, self._input_fields())


def parse_convert(cmd: CommandInput) -> ConvertCommand:
    cur = cmd.cursor()
    timeformat = DEFAULT_CTIME_FORMAT
    conversions: list[tuple[str, str]] = []
    while not cur.at_end():
        if cur.accept("COMMA"):
            continue
        if at_option(cur):
            _, timeformat, _ = read_option(cur, ("timeformat",))
            continue
        tok = cur.next()
        if tok.kind != "WORD" or not cur.at("LPAREN"):
            raise cur.error("expected a conversion such as ctime(field)", tok)
        name = tok.text.lower()
        if name != "ctime":
            if name in _KNOWN:
                raise cur.unsupported(f"conversion '{tok.text}()'", tok)
            raise cur.error(f"unknown conversion '{tok.text}()'", tok)
        cur.next()
        source, source_tok = read_field(cur)
        if "*" in source:  # the page's ctime(*time) converts every matching field; the engine read one named "*time"
            raise cur.unsupported("a wildcard field name in ctime()", source_tok)
        cur.expect("RPAREN", "')'")
        output = source
        if cur.accept_keyword("as"):
            output, _ = read_field(cur, "the output name after AS")
        conversions.append((source, output))
    if not conversions:
        raise cur.error("expected a conversion such as ctime(field)")
    return ConvertCommand(cmd.name, cmd.offset, timeformat, tuple(conversions))


def run_convert(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, ConvertCommand)
    for event in events:
        for source, output in node.conversions:
            value = single_input(event, source, node)
            if value is None:
                continue
            number = as_number(value)
            try:
                event[output] = value if number is None else convert_ctime(float(number), node.timeformat, ctx.tz)
            except UnsupportedTimeVariable as exc:
                raise SplUnsupportedError(f"convert timeformat: {exc}", offset=node.offset,
                                          command=node.name) from None
            except CalendarRangeError as exc:  # the calendar's range, worded for the author (as strftime() says it)
                raise SplRuntimeError(f"convert: ctime({source}): {exc}", offset=node.offset,
                                      command=node.name) from None
        yield event


def _convert_fields(node: CommandNode) -> FieldUse:
    assert isinstance(node, ConvertCommand)
    return uses([s for s, _ in node.conversions], [o for s, o in node.conversions if o != s])


SPECS = (CommandSpec(("convert",), parse_convert, run_convert, streaming=True, one_to_one=True,
                     fields=_convert_fields, multivalue=rewrites(_convert_fields)),)
