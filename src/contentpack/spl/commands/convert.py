"""``convert``: ``ctime``, ``mktime``, ``dur2sec``, ``memk``, ``mstime``, ``rmcomma``, ``rmunit`` and ``none``,
over field names with wildcards, with ``timeformat=``.

The page (https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/convert,
read in full) gives each function one sentence; the engine does what the sentence says and refuses, by name,
what it leaves open:

* ``convert [timeformat=string] (<convert-function> [AS <field>] )...``; "Unless you use the AS clause, the
  original values are replaced by the new values"; ``timeformat`` default ``%m/%d/%Y %H:%M:%S``, "used by
  ``ctime`` and ``mktime``". The time zone is the engine's (UTC unless the caller says otherwise). ESCU's
  ``security_content_ctime(1)`` macro expands to ``convert timeformat="%Y-%m-%dT%H:%M:%S" ctime($field$)``.
* Every function takes ``<wc-field>``: "You can use a wildcard ( * ) character to specify all fields"; ``*``
  matches any run of characters in the names the result has (ESCU: ``convert ctime(*ttime)``). Refused where the
  page is silent: ``AS`` after a wildcard (no page says how the new names are made), a wildcard meeting an
  internal ``_`` field (whether ``*`` reaches ``_time`` is not written), and one field met by two functions, or
  written by one and read by another (the page never says in which order they apply).
* ``none(<wc-field>)``: "In the presence of other wildcards, indicates that the matching fields should not be
  converted" (example: ``convert auto(*) none(src_ip)``), so it takes fields out of the wildcard conversions;
  ``none()`` of a field another function names outright, or with ``AS``, is refused (the page says nothing).
* ``auto()`` ("using the best conversion") and ``num()`` ("Like auto()") name no rule, so they are refused.
* A field the result lacks, or a null, is left alone and no ``AS`` field is made (assumed: nothing to
  convert). A multivalue is refused (``base.single_input``): the page speaks only of "field values".
* ``ctime()`` leaves a value that is not a number as it is (assumed, as the engine always did); each other
  function refuses a value outside the form its sentence gives (:data:`_FORMS`), since the page does not say
  what Splunk makes of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from contentpack.spl.commands.args import at_option, read_field, read_option
from contentpack.spl.commands.base import (FieldUse, Multivalued, uses, CommandInput, CommandNode, CommandSpec,
                                           FieldSet, RunContext, plus, single_input)
from contentpack.spl.commands.fieldops import matching_fields, wildcard_regex
from contentpack.spl.lexer import Token
from contentpack.spl.errors import SplRuntimeError, SplUnsupportedError
from contentpack.spl.timeutil import DEFAULT_CTIME_FORMAT, UnsupportedTimeVariable, convert_ctime, strptime
from contentpack.spl.values import Event, Scalar, as_number, to_str

_REFUSED = {"auto": "auto() converts 'using the best conversion', a rule the page does not give",
            "num": "num() is 'Like auto()', whose 'best conversion' the page does not give"}

# The form each function's sentence gives, and what it makes of a match (assumed where the sentence is short:
# digits only, no sign or exponent; memk's k/m/g lower case and 1024 apart, as "kilobytes"/"megabytes" read).
_DUR2SEC = re.compile(r"(?:(\d+)\+)?(\d+):(\d+):(\d+)")  # "[D+]HH:MM:SS"
_MEMK = re.compile(r"(\d+(?:\.\d+)?)([kmg]?)")  # "a positive number (integer or float) followed by an optional ..."
_MSTIME = re.compile(r"(?:(\d+):)?(\d+(?:\.\d+)?)")  # "[MM:]SS.SSS"
_RMUNIT = re.compile(r"(\d+(?:\.\d+)?)(?![\d.,eE])")  # "numbers at the beginning of the value"
_MEMK_FACTOR = {"": 1, "k": 1, "m": 1024, "g": 1024 * 1024}
_FORMS = {"dur2sec": "[D+]HH:MM:SS", "memk": "a positive number followed by an optional k, m or g",
          "mstime": "[MM:]SS.SSS", "rmunit": "a number at the beginning of the value", "mktime": "the timeformat"}


class _Unconvertible(Exception):
    """A value outside the form the function's sentence gives."""


@dataclass(frozen=True)
class Conversion:
    function: str
    source: str  # a field name or a wildcard pattern
    output: str  # the source itself when there is no AS


@dataclass(frozen=True)
class ConvertCommand(CommandNode):
    timeformat: str
    conversions: tuple[Conversion, ...]
    excluded: tuple[str, ...]  # none()'s patterns

    def requires(self, needed: FieldSet) -> FieldSet:
        """A wildcard reads every field: which fields it meets decides its refusals (an internal field, one met
        by two functions), so a scan keeping only the fields needed later must not change them."""
        if any("*" in c.source for c in self.conversions):
            return None
        return plus(needed, {c.source for c in self.conversions})


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def _convert_value(function: str, value: Scalar, node: ConvertCommand, ctx: RunContext) -> Scalar:
    """The new value; ``_Unconvertible`` for a value outside the function's form."""
    text = to_str(value) or ""
    if function == "ctime":
        number = as_number(value)
        return value if number is None else convert_ctime(float(number), node.timeformat, ctx.tz)
    if function == "rmcomma":  # "Removes all commas from value"; a value without one keeps its type
        return text.replace(",", "") if "," in text else value
    if function == "mktime":
        epoch = strptime(text, node.timeformat, ctx.tz)
        if epoch is None:
            raise _Unconvertible
        return epoch
    if function == "rmunit":
        match = _RMUNIT.match(text)
        if match is None:
            raise _Unconvertible
        return match.group(1)
    if function == "dur2sec":
        match = _DUR2SEC.fullmatch(text)
        if match is None:
            raise _Unconvertible
        days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
        return ((days * 24 + hours) * 60 + minutes) * 60 + seconds
    if function == "memk":
        match = _MEMK.fullmatch(text)
        if match is None:
            raise _Unconvertible
        return _number(match.group(1)) * _MEMK_FACTOR[match.group(2)]
    assert function == "mstime"
    match = _MSTIME.fullmatch(text)
    if match is None:
        raise _Unconvertible
    return int(match.group(1) or 0) * 60 + _number(match.group(2))


def _clash(plan: Sequence[tuple[str, str, str]]) -> str | None:
    """Why ``plan`` (function, field read, field written) has no answer the page gives, or None: one field
    written twice, or written by one conversion and read by another."""
    writers: dict[str, str] = {}
    for function, _, output in plan:
        if output in writers:
            return f"the field '{output}' is written by both {writers[output]}() and {function}()"
        writers[output] = function
    for function, source, output in plan:
        writer = writers.get(source)
        if writer is not None and not (writer == function and output == source):
            return f"the field '{source}' is read by {function}() and written by {writer}()"
    return None


def parse_convert(cmd: CommandInput) -> ConvertCommand:
    cur = cmd.cursor()
    timeformat = DEFAULT_CTIME_FORMAT
    conversions: list[Conversion] = []
    excluded: list[tuple[str, Token]] = []
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
        if name in _REFUSED:
            raise cur.unsupported(f"conversion '{tok.text}()' ({_REFUSED[name]})", tok)
        if name not in _FORMS and name not in ("ctime", "rmcomma", "none"):
            raise cur.error(f"unknown conversion '{tok.text}()'", tok)
        cur.next()
        source, _ = read_field(cur)
        cur.expect("RPAREN", "')'")
        output = source
        if cur.at_keyword("as"):
            as_tok = cur.next()
            output, _ = read_field(cur, "the output name after AS")
            if name == "none":
                raise cur.unsupported("AS after none() (the page gives none() no output)", as_tok)
            if "*" in source or "*" in output:
                raise cur.unsupported(f"AS with a wildcard field in {name}() (the page does not say how AS names "
                                      "the fields a wildcard matches)", as_tok)
        if name == "none":
            excluded.append((source, tok))
            continue
        conversions.append(Conversion(name, source, output))
        clash = _clash([(c.function, c.source, c.output) for c in conversions if "*" not in c.source])
        if clash is not None:
            raise cur.unsupported(f"{clash} (the page does not say in which order convert applies its functions)",
                                  tok)
    if not conversions:
        raise cur.error("expected a conversion such as ctime(field)")
    for pattern, tok in excluded:
        if any(wildcard_regex(pattern).match(c.source) for c in conversions if "*" not in c.source):
            raise cur.unsupported(f"none({pattern}) of a field another function names (the page speaks of none() "
                                  "only 'in the presence of other wildcards')", tok)
    return ConvertCommand(cmd.name, cmd.offset, timeformat, tuple(conversions),
                          tuple(pattern for pattern, _ in excluded))


def _plan(node: ConvertCommand, event: Event) -> list[tuple[str, str, str]]:
    """(function, field read, field written) for this event: each wildcard expanded over its fields, less
    none()'s."""
    if not any("*" in c.source for c in node.conversions):
        return [(c.function, c.source, c.output) for c in node.conversions]
    names = list(event)
    plan: list[tuple[str, str, str]] = []
    for c in node.conversions:
        if "*" not in c.source:
            plan.append((c.function, c.source, c.output))
            continue
        for name in matching_fields([c.source], names):
            if matching_fields(node.excluded, [name]):
                continue
            if name.startswith("_"):
                raise SplUnsupportedError(
                    f"convert: {c.function}({c.source}) meets the internal field '{name}', which is not supported "
                    "(the page does not say whether a wildcard reaches internal fields)",
                    offset=node.offset, command=node.name)
            plan.append((c.function, name, name))
    clash = _clash(plan)
    if clash is not None:
        raise SplUnsupportedError(f"convert: {clash}, which is not supported (the page does not say in which "
                                  "order convert applies its functions)", offset=node.offset, command=node.name)
    return plan


def run_convert(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, ConvertCommand)
    for event in events:
        for function, source, output in _plan(node, event):
            value = single_input(event, source, node)
            if value is None:
                continue
            try:
                event[output] = _convert_value(function, value, node, ctx)
            except _Unconvertible:
                raise SplUnsupportedError(
                    f"convert: {function}({source}): the value {to_str(value)!r} is not {_FORMS[function]}, and the "
                    "page does not say what Splunk makes of it", offset=node.offset, command=node.name) from None
            except UnsupportedTimeVariable as exc:
                raise SplUnsupportedError(f"convert timeformat: {exc}", offset=node.offset,
                                          command=node.name) from None
            except ValueError as exc:  # the calendar's range, worded for the author (as strftime() says it)
                raise SplRuntimeError(f"convert: {function}({source}): {exc}", offset=node.offset,
                                      command=node.name) from None
        yield event


def _convert_fields(node: CommandNode) -> FieldUse:
    assert isinstance(node, ConvertCommand)
    return uses([c.source for c in node.conversions], [c.output for c in node.conversions if c.output != c.source])


def _convert_multivalue(node: CommandNode, multivalued: Multivalued) -> dict[str, str]:
    """Each field a conversion reads or writes, a wildcard's matches too, is rewritten in place: no longer
    certainly multivalue (as ``base.rewrites``, whose field use names no wildcard)."""
    assert isinstance(node, ConvertCommand)
    names = [name for c in node.conversions for name in (c.source, c.output)]
    rewritten = set(matching_fields(names, list(multivalued)))
    return {name: why for name, why in multivalued.items() if name not in rewritten}


def _convert_result_fields(node: CommandNode, fields: frozenset[str]) -> frozenset[str]:
    """Each ``AS`` field whose source is among the fields (a missing source makes none; a wildcard takes no
    ``AS``): the rest are converted in place."""
    assert isinstance(node, ConvertCommand)
    return fields | {c.output for c in node.conversions if c.source in fields}


SPECS = (CommandSpec(("convert",), parse_convert, run_convert, streaming=True, one_to_one=True,
                     fields=_convert_fields, multivalue=_convert_multivalue, result_fields=_convert_result_fields),)
