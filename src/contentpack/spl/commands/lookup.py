"""``lookup`` and ``inputlookup`` over CSV tables the caller registers.

lookup (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/lookup and
transforms.conf, S25): input fields match the table exactly (case-sensitive unless the table was registered
with ``case_sensitive=False``); up to ``max_matches`` (default 100) matching rows give multivalue outputs;
``OUTPUT`` overwrites the event's fields, ``OUTPUTNEW`` only fills fields the event does not have; without an
output clause every other column of the table is output. When nothing matches no field is written (assumed).
inputlookup (…/search-commands/inputlookup): a generating command returning the table's rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from contentpack.spl.commands.args import as_bool, at_option, read_field, read_option
from contentpack.spl.commands.base import (
    CommandInput,
    CommandNode,
    CommandSpec,
    FieldSet,
    LookupTable,
    RunContext,
    plus,
)
from contentpack.spl.cursor import Cursor
from contentpack.spl.errors import SplRuntimeError
from contentpack.spl.values import Event, Scalar, make_mv, mv_values, to_str


def _pairs(cur: Cursor, stop: tuple[str, ...]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    while not cur.at_end() and not cur.at_keyword(*stop):
        if cur.accept("COMMA"):
            continue
        name, _ = read_field(cur)
        alias = name
        if cur.accept_keyword("as"):
            alias, _ = read_field(cur, "the event field name after AS")
        pairs.append((name, alias))
    return pairs


@dataclass(frozen=True)
class LookupCommand(CommandNode):
    table: str
    inputs: tuple[tuple[str, str], ...]  # (lookup column, event field)
    outputs: tuple[tuple[str, str], ...]  # empty: every other column
    output_new: bool = False
    streaming = True

    def reads(self) -> set[str]:
        return {event_field for _, event_field in self.inputs}

    def produces(self) -> set[str]:
        return {event_field for _, event_field in self.outputs}

    def requires(self, needed: FieldSet) -> FieldSet:
        return plus(needed, self.reads())


def parse_lookup(cmd: CommandInput) -> LookupCommand:
    cur = cmd.cursor()
    while at_option(cur):
        key, value, tok = read_option(cur, ("local", "update", "event_time_field"))
        if key == "event_time_field" or as_bool(cur, value, tok, key):
            raise cur.unsupported(f"option '{key}'", tok)
    table, _ = read_field(cur, "the lookup name")
    inputs = _pairs(cur, ("output", "outputnew"))
    if not inputs:
        raise cur.error("expected the lookup field(s) to match on")
    outputs: list[tuple[str, str]] = []
    output_new = False
    mode = cur.accept_keyword("output", "outputnew")
    if mode is not None:
        output_new = mode.text.lower() == "outputnew"
        outputs = _pairs(cur, ())
        if not outputs:
            raise cur.error(f"expected field names after {mode.text}")
    cur.expect_end()
    return LookupCommand(cmd.name, cmd.offset, table, tuple(inputs), tuple(outputs), output_new)


def find_table(ctx: RunContext, name: str, node: CommandNode) -> LookupTable:
    table = ctx.lookups.get(name)
    if table is None:
        known = ", ".join(sorted(ctx.lookups)) or "none registered"
        raise SplRuntimeError(f"{node.name}: unknown lookup '{name}' (known: {known})", offset=node.offset,
                              command=node.name)
    return table


def run_lookup(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, LookupCommand)
    table = find_table(ctx, node.table, node)
    for column, _ in node.inputs:
        if column not in table.fields:
            raise SplRuntimeError(f"lookup: table '{table.name}' has no column '{column}'", offset=node.offset,
                                  command=node.name)
    fold = (lambda s: s) if table.case_sensitive else str.lower
    index: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for row in table.rows:
        key = tuple(fold(row.get(column, "")) for column, _ in node.inputs)
        index.setdefault(key, []).append(row)
    input_columns = {column for column, _ in node.inputs}
    outputs = node.outputs or tuple((c, c) for c in table.fields if c not in input_columns)
    for event in events:
        choices = [[fold(to_str(v) or "") for v in mv_values(event.get(field))] for _, field in node.inputs]
        matches: list[dict[str, str]] = []
        if all(choices):
            for key in _product(choices):
                matches.extend(index.get(key, ()))
        matches = matches[: table.max_matches]
        if matches:
            for column, field in outputs:
                if node.output_new and event.get(field) is not None:
                    continue
                values: list[Scalar] = [row[column] for row in matches if row.get(column, "") != ""]
                value = make_mv(list(dict.fromkeys(values)))
                if value is None:
                    event.pop(field, None)
                else:
                    event[field] = value
        yield event


def _product(choices: list[list[str]]) -> Iterator[tuple[str, ...]]:
    if not choices:
        yield ()
        return
    for first in dict.fromkeys(choices[0]):
        for rest in _product(choices[1:]):
            yield (first, *rest)


@dataclass(frozen=True)
class InputlookupCommand(CommandNode):
    table: str

    def requires(self, needed: FieldSet) -> FieldSet:
        return needed


def parse_inputlookup(cmd: CommandInput) -> InputlookupCommand:
    cur = cmd.cursor()
    while at_option(cur):
        key, value, tok = read_option(cur, ("append", "start", "max"))
        if key != "append" or as_bool(cur, value, tok, key):
            raise cur.unsupported(f"option '{key}'", tok)
    table, _ = read_field(cur, "the lookup name")
    if cur.at_keyword("where"):
        raise cur.unsupported("inputlookup ... where (pipe into | search instead)")
    cur.expect_end()
    return InputlookupCommand(cmd.name, cmd.offset, table)


def run_inputlookup(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, InputlookupCommand)
    table = find_table(ctx, node.table, node)
    for row in table.rows:
        yield {k: v for k, v in row.items() if v != ""}


SPECS = (
    CommandSpec(("lookup",), parse_lookup, run_lookup),
    CommandSpec(("inputlookup",), parse_inputlookup, run_inputlookup, generating=True),
)
