"""Subsearch commands: ``append [ ... ]``, and ``return``/``format`` that turn results into search text.

append (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/append): the
subsearch's results follow the main results. return (…/search-commands/return): ``return [N] field``
gives ``field="value"``, ``alias=field`` renames, ``$field`` gives the bare value; N > 1 joins rows with OR. The
10.0 page's "Multiple values can be specified and are placed within OR clauses" is about several rows ("So,
'return 2 user ip' might output '(user=bob ip=10.1.11.2) OR (user=fred ip=10.2.12.3)'"); it says nothing of a
multivalue field, so one is refused (``base.single_input``); the engine used to return its first value.
format (…/search-commands/format): ``( ( f1="v1" AND f2="v2" ) OR ( ... ) )`` in a field named ``search``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from contentpack.spl.ast import Pipeline
from contentpack.spl.commands.args import as_bool, as_int, at_option, is_digits, read_field, read_option
from contentpack.spl.commands.base import (uses, CommandInput, CommandNode, CommandSpec, FieldSet, RunContext, plus,
                                           single_input)
from contentpack.spl.errors import SplUnsupportedError
from contentpack.spl.lexer import Token
from contentpack.spl.values import Event, as_number, mv_values, to_str

# How many results of its subsearch a command takes; the rest are dropped, as Splunk truncates them.
# append (Search Reference, append): its maxout option, "the maximum number of result rows to output from the
# subsearch", defaults to 50000. join: limits.conf's [join] subsearch_maxout, default 50000 (limits.conf.spec).
APPEND_MAXOUT = 50_000
JOIN_MAXOUT = 50_000


@dataclass(frozen=True)
class AppendCommand(CommandNode):
    subsearch: Pipeline

    def requires(self, needed: FieldSet) -> FieldSet:
        return needed


def parse_append(cmd: CommandInput) -> AppendCommand:
    cur = cmd.cursor()
    while at_option(cur):
        key, _, tok = read_option(cur, ("extendtimerange", "maxtime", "maxout", "timeout"))
        raise cur.unsupported(f"option '{key}'", tok)
    tok = cur.next()
    if tok.kind != "SUBSEARCH":
        raise cur.error("expected a subsearch in square brackets", tok)
    cur.expect_end()
    return AppendCommand(cmd.name, cmd.offset, cmd.parse_subsearch(tok.text, tok.offset))


def run_append(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, AppendCommand)
    yield from events
    yield from ctx.run_subsearch(node.subsearch, APPEND_MAXOUT)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class ReturnCommand(CommandNode):
    count: int
    items: tuple[tuple[str, str, bool], ...]  # (output name, field, bare value)

    def _input_fields(self) -> set[str]:
        return {field for _, field, _ in self.items}

    def requires(self, needed: FieldSet) -> FieldSet:
        return frozenset(self._input_fields())


def parse_return(cmd: CommandInput) -> ReturnCommand:
    cur = cmd.cursor()
    count = 1
    if cur.at("WORD") and is_digits(cur.peek().text):
        tok = cur.next()
        count = as_int(cur, tok.text, tok, "count", 1)
    items: list[tuple[str, str, bool]] = []
    while not cur.at_end():
        if cur.accept("COMMA"):
            continue
        tok = cur.next()
        if tok.kind != "WORD":
            raise cur.error("expected a field, alias=field or $field", tok)
        if cur.at("OP", "=") and cur.adjacent(-1):
            cur.next()
            field = cur.next()
            if field.kind != "WORD":
                raise cur.error("expected the field after alias=", field)
            items.append((tok.text, field.text, False))
        elif tok.text.startswith("$") and len(tok.text) > 1:
            items.append((tok.text[1:], tok.text[1:], True))
        else:
            items.append((tok.text, tok.text, False))
    if not items:
        raise cur.error("expected at least one field")
    return ReturnCommand(cmd.name, cmd.offset, count, tuple(items))


def run_return(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, ReturnCommand)
    groups: list[str] = []
    for event in events:
        if len(groups) >= node.count:
            break
        parts: list[str] = []
        for name, field, bare in node.items:
            value = single_input(event, field, node)
            if value is None:
                continue
            text = to_str(value) or ""
            parts.append(text if bare else f"{name}={_quote(text)}")
        if parts:
            groups.append(" ".join(parts))
    if not groups:
        text = ""
    elif len(groups) == 1:
        text = groups[0]
    else:
        text = " OR ".join(f"({g})" for g in groups)
    yield {"search": text}


@dataclass(frozen=True)
class FormatCommand(CommandNode):
    maxresults: int = 0


def parse_format(cmd: CommandInput) -> FormatCommand:
    cur = cmd.cursor()
    maxresults = 0
    while not cur.at_end():
        if not at_option(cur):
            raise cur.unsupported("custom row/column separators")
        key, value, tok = read_option(cur, ("maxresults", "mvsep", "emptystr"))
        if key != "maxresults":
            raise cur.unsupported(f"option '{key}'", tok)
        maxresults = as_int(cur, value, tok, key)
    return FormatCommand(cmd.name, cmd.offset, maxresults)


def run_format(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, FormatCommand)
    rows: list[str] = []
    for event in events:
        if node.maxresults and len(rows) >= node.maxresults:
            break
        terms = []
        for name, value in event.items():
            if name.startswith("_"):
                continue
            values = [to_str(v) or "" for v in mv_values(value)]
            if len(values) == 1:
                terms.append(f"{name}={_quote(values[0])}")
            elif values:
                terms.append("( " + " OR ".join(f"{name}={_quote(v)}" for v in values) + " )")
        if terms:
            rows.append("( " + " AND ".join(terms) + " )")
    yield {"search": "( " + " OR ".join(rows) + " )" if rows else "NOT ()"}


# ------------------------------------------------------------------------------------------------ join


@dataclass(frozen=True)
class JoinCommand(CommandNode):
    """join (https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/join):
    ``join [type=inner|outer|left] [usetime=<bool>] [earlier=<bool>] [max=<int>] [overwrite=<bool>] [<field-list>]
    [subsearch]``. "type ... Default: inner"; "max ... Specifies the maximum number of subsearch results that each
    main search result can join with. If set to max=0, there is no limit. Default: 1"; "overwrite ... Default:
    true"; with no field list "all of the fields that are common to both datasets are used": the field names of
    the main results and of the subsearch's (a main result lacking one of them joins nothing, as a missing field
    never matches). ``outer`` and ``left`` are the same: every main result is kept.

    usetime "Indicates whether to use time to limit the matches in the subsearch results" (default false), and
    earlier: "If usetime=true and earlier=true, the main search results are matched only against earlier results
    from the subsearch. If earlier=false, the main search results are matched only against later results from the
    subsearch. Results that occur at the same time (second) are not eliminated by either value. Default: true".
    So times are compared by their whole second, and max= counts the matches time leaves. Refused: usetime=true
    with type=left/outer (the page says only that the results "are similar to those of an inner join"), and a
    result without a numeric ``_time`` on either side (no time to compare)."""

    fields: tuple[str, ...]
    subsearch: Pipeline
    keep_unmatched: bool = False
    max: int = 1
    overwrite: bool = True
    usetime: bool = False
    earlier: bool = True

    def requires(self, needed: FieldSet) -> FieldSet:
        if not self.fields:
            return None
        return plus(needed, *self.fields, "_time") if self.usetime else plus(needed, *self.fields)


def parse_join(cmd: CommandInput) -> JoinCommand:
    cur = cmd.cursor()
    keep_unmatched, maximum, overwrite, earlier = False, 1, True, True
    usetime: Token | None = None  # the value of usetime=true, where a refusal of its combination points
    fields: list[str] = []
    subsearch: Pipeline | None = None
    while not cur.at_end():
        if cur.accept("COMMA"):
            continue
        if at_option(cur):
            key, value, tok = read_option(cur, ("type", "max", "overwrite", "usetime", "earlier", "left",
                                                "right", "where", "return_multivalue"))
            if key == "type":
                if value.lower() not in ("inner", "outer", "left"):
                    raise cur.error("type= expects inner, outer or left", tok)
                keep_unmatched = value.lower() != "inner"
            elif key == "max":
                maximum = as_int(cur, value, tok, key)
            elif key == "overwrite":
                overwrite = as_bool(cur, value, tok, key)
            elif key == "usetime":
                usetime = tok if as_bool(cur, value, tok, key) else None
            elif key == "earlier":
                earlier = as_bool(cur, value, tok, key)
            else:
                raise cur.unsupported(f"option '{key}'", tok)
            continue
        tok = cur.peek()
        if tok.kind == "SUBSEARCH":
            cur.next()
            subsearch = cmd.parse_subsearch(tok.text, tok.offset)
            break
        name, _ = read_field(cur)
        fields.append(name)
    if subsearch is None:
        raise cur.error("expected a subsearch in square brackets")
    cur.expect_end()
    if usetime is not None and keep_unmatched:
        raise cur.unsupported("usetime=true with type=left or type=outer (the join page says only that the results "
                              "\"are similar to those of an inner join\")", usetime)
    return JoinCommand(cmd.name, cmd.offset, tuple(fields), subsearch, keep_unmatched, maximum, overwrite,
                       usetime is not None, earlier)


def _join_key(event: Event, fields: Sequence[str], node: JoinCommand) -> tuple[str, ...] | None:
    """The event's values of the join fields, None when one is null. A multivalue is refused
    (``base.single_input``): no page read says what a join field holding several values joins on, and the engine
    used to key on its first value."""
    key: list[str] = []
    for name in fields:
        value = single_input(event, name, node, "mvexpand the field before the join, on both sides")
        if value is None:
            return None
        key.append(to_str(value) or "")
    return tuple(key)


def _second(event: Event, node: JoinCommand, side: str) -> int:
    """The whole second of the result's ``_time``, which usetime=true compares ("Results that occur at the same
    time (second) are not eliminated by either value"); a result without a finite numeric ``_time`` is refused."""
    when = as_number(single_input(event, "_time", node))
    if when is None or not math.isfinite(when):
        raise SplUnsupportedError(
            f"join usetime=true: a {side} result without a numeric _time (the page compares the results' times) "
            "is not supported", offset=node.offset, command=node.name)
    return math.floor(when)


def _in_time(node: JoinCommand, main: int, row: Event) -> bool:
    """earlier=true: the subsearch result is no later than the main result's second; earlier=false: no earlier."""
    second = _second(row, node, "subsearch")
    return second <= main if node.earlier else second >= main


def run_join(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, JoinCommand)
    right = ctx.run_subsearch(node.subsearch, JOIN_MAXOUT)
    fields = node.fields
    if not fields:  # "all of the fields that are common to both result sets are used": the sets, not each pair
        events = iter(left := list(events))
        right_names = {name for row in right for name in row}
        fields = tuple(dict.fromkeys(name for event in left for name in event if name in right_names))
    index: dict[tuple[str, ...], list[Event]] | None = None  # the subsearch's results by key, made on first use
    for event in events:
        key = _join_key(event, fields, node)
        if key is not None and index is None:  # once, not once per main result (was: every pair compared)
            index = {}
            for row in right:
                if (row_key := _join_key(row, fields, node)) is not None:
                    index.setdefault(row_key, []).append(row)
        matches = list(index.get(key, ())) if key is not None and index is not None else []
        if node.usetime and matches:
            main = _second(event, node, "main")
            matches = [row for row in matches if _in_time(node, main, row)]
        if node.max:
            matches = matches[: node.max]
        if not matches:
            if node.keep_unmatched:
                yield event
            continue
        for row in matches:
            joined = dict(event)
            for name, value in row.items():
                if node.overwrite or name not in joined:
                    joined[name] = value
            yield joined


# ------------------------------------------------------------------------------------------------ appendpipe


@dataclass(frozen=True)
class AppendpipeCommand(CommandNode):
    """appendpipe (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/
    appendpipe): "Appends the result of the subpipeline to the search results" — the subpipeline runs over
    the current results, not over new events."""

    subpipeline: Pipeline

    def requires(self, needed: FieldSet) -> FieldSet:
        return None


def parse_appendpipe(cmd: CommandInput) -> AppendpipeCommand:
    cur = cmd.cursor()
    while at_option(cur):
        key, value, tok = read_option(cur, ("run_in_preview",))
        as_bool(cur, value, tok, key)  # preview only: no effect on the final results
    tok = cur.next()
    if tok.kind != "SUBSEARCH":
        raise cur.error("expected a subpipeline in square brackets", tok)
    cur.expect_end()
    text = tok.text.lstrip()
    if not text.startswith("|"):  # the subpipeline is commands applied to the results
        text = "| " + text
    return AppendpipeCommand(cmd.name, cmd.offset, cmd.parse_subsearch(text, tok.offset))


def run_appendpipe(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, AppendpipeCommand)
    rows = list(events)
    copies = [dict(row) for row in rows]  # taken first: the commands after this one change the rows it yields
    yield from rows
    yield from ctx.run_pipe(node.subpipeline, copies, ctx)


SPECS = (
    CommandSpec(("join",), parse_join, run_join),
    CommandSpec(("appendpipe",), parse_appendpipe, run_appendpipe),
    CommandSpec(("append",), parse_append, run_append),
    CommandSpec(("return",), parse_return, run_return,
                fields=lambda node: uses([f for _, f, _ in getattr(node, "items", ())], ["search"])),
    CommandSpec(("format",), parse_format, run_format, fields=lambda node: uses(produces=["search"])),
)
