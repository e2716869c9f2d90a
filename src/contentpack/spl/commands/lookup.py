"""``lookup`` and ``inputlookup`` over CSV tables the caller registers.

lookup (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/lookup): "if an
OUTPUT or OUTPUTNEW clause is not specified, all of the fields in the lookup table that are not the match
fields are used as output fields. If the OUTPUT clause is specified, the output lookup fields overwrite
existing fields. If the OUTPUTNEW clause is specified, the lookup is not performed for events in which the
output fields already exist." Which rows match (case, WILDCARD/CIDR, max/min matches, default_match) is the
table definition's business: :mod:`contentpack.spl.lookups`. The matching rows' values of an output column
become one (multivalue) value; an event whose input field is null is left alone. A match or output field the
table lacks never gives a silent answer (``missing_columns``, ``missing_outputs``).
inputlookup (…/search-commands/inputlookup): a generating command returning the table's rows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from contentpack.spl.ast import SearchExpr
from contentpack.spl.commands.args import as_bool, as_int, at_option, read_field, read_option
from contentpack.spl.commands.base import (
    CommandInput,
    CommandNode,
    CommandSpec,
    FieldSet,
    FieldUse,
    Multivalued,
    RunContext,
    plus,
    uses,
)
from contentpack.spl.cursor import Cursor
from contentpack.spl.errors import SplRuntimeError, SplUnsupportedError
from contentpack.spl.lookups import LookupTable, source_file_hint, written_names
from contentpack.spl.lookups import find_table as find_registered
from contentpack.spl.matching import compile_search
from contentpack.spl.searchparser import parse_search
from contentpack.spl.suggest import did_you_mean
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

    def _input_fields(self) -> set[str]:
        return {event_field for _, event_field in self.inputs}

    def requires(self, needed: FieldSet) -> FieldSet:
        return plus(needed, self._input_fields())


def parse_lookup(cmd: CommandInput) -> LookupCommand:
    cur = cmd.cursor()
    while at_option(cur):
        key, value, tok = read_option(cur, ("local", "update", "event_time_field"))
        # local/update only say where and when a real-time search reads the table: no effect on the answer
        if key == "event_time_field":
            raise cur.unsupported(f"option '{key}'", tok)
        as_bool(cur, value, tok, key)
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
    table = find_registered(ctx.lookups, name)
    if table is None:
        known = ", ".join(written_names(ctx.lookups)) or "none registered"
        hint = source_file_hint(ctx.lookups, name, lambda found: found.name)
        raise SplRuntimeError(f"{node.name}: unknown lookup '{name}'{': ' + hint if hint else ''} (known: {known})",
                              offset=node.offset, command=node.name)
    return table


def missing_columns(node: LookupCommand, columns: Collection[str]) -> list[str]:
    """The match fields of a ``lookup`` command (each ``<lookup-field>``, left of ``AS``) that are not columns of
    its table (``columns``: the CSV header).

    Splunk refuses such a search: "Error in 'lookup' command: Could not find all of the specified lookup fields
    in the lookup table." (https://github.com/olafhartong/ThreatHunting/issues/46: a lookup field named
    ``driver_signature_status`` against a CSV column ``driver_signatureStatus``). One home for the engine,
    which stops the search here, and the validator (CP065), which reports it before the search runs."""
    return [column for column in dict.fromkeys(column for column, _ in node.inputs) if column not in columns]


def missing_outputs(node: LookupCommand, columns: Collection[str]) -> list[tuple[str, str]]:
    """(lookup field, event field) for each ``OUTPUT``/``OUTPUTNEW`` field of a ``lookup`` command whose
    ``<lookup-field>`` (left of ``AS``) is not a column of its table; the first event field of each.

    The Search Reference does not say what Splunk does with one the table lacks (refuse the search, or leave
    the event field unset), but either way the event field is never set from the table: an enrichment or a
    filter on it silently does nothing. So the engine refuses it as unsupported rather than guess, and the
    validator warns of it (CP068) beside CP065, from the same walk over the searches."""
    absent: dict[str, str] = {}
    for column, field in node.outputs:
        if column not in columns:
            absent.setdefault(column, field)
    return list(absent.items())


def missing_column_message(table: str, column: str) -> str:
    return f"lookup: table '{table}' has no column '{column}'"


def columns_hint(column: str, columns: Sequence[str], consequence: str = "") -> str:
    """What follows a missing column's message: the closest column, ``consequence``, then the table's columns
    (`` (did you mean 'appId'?); its columns: appId, app_name``), in the engine's error and the validator's."""
    return f"{did_you_mean(column, columns)}{consequence}; its columns: {', '.join(columns)}"


def missing_output_message(node: LookupCommand, table: str, column: str) -> str:
    """``lookup: table 'apps' has no column 'verdikt' to OUTPUT`` (or ``to OUTPUTNEW``, as the search says)."""
    return f"{missing_column_message(table, column)} to {'OUTPUTNEW' if node.output_new else 'OUTPUT'}"


def run_lookup(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    """Match each event against the table with the definition's rules (see :mod:`contentpack.spl.lookups`)."""
    assert isinstance(node, LookupCommand)
    table = find_table(ctx, node.table, node)
    missing = missing_columns(node, table.fields)
    if missing:
        raise SplRuntimeError(missing_column_message(table.name, missing[0]) + columns_hint(missing[0], table.fields),
                              offset=node.offset, command=node.name)
    absent = missing_outputs(node, table.fields)
    if absent:  # never a silent answer: see missing_outputs
        raise SplUnsupportedError(f"{missing_output_message(node, table.name, absent[0][0])}, which is not "
                                  "supported: what Splunk does with an output field its table lacks is not "
                                  "documented", offset=node.offset, command=node.name)
    matcher = table.matcher(tuple(column for column, _ in node.inputs))
    input_columns = {column for column, _ in node.inputs}
    outputs = node.outputs or tuple((c, c) for c in table.fields if c not in input_columns)
    rules = table.rules
    for event in events:
        choices = [[to_str(v) or "" for v in mv_values(event.get(field))] for _, field in node.inputs]
        if not all(choices):  # a null input field: no lookup, and no default_match either (assumed)
            yield event
            continue
        if node.output_new and all(event.get(field) is not None for _, field in outputs):
            yield event  # "the lookup is not performed for events in which the output fields already exist"
            continue
        matches = matcher.rows(choices)
        for column, field in outputs:
            if node.output_new and event.get(field) is not None:
                continue
            values: list[Scalar] = [row[column] for row in matches if row.get(column, "") != ""]
            if len(matches) < rules.min_matches and rules.default_match != "":
                values.extend([rules.default_match] * (rules.min_matches - len(matches)))
            value = make_mv(list(dict.fromkeys(values)))
            if value is None:
                event.pop(field, None)  # OUTPUT overwrites: no value replaces the old one
            else:
                event[field] = value
        yield event


@dataclass(frozen=True)
class InputlookupCommand(CommandNode):
    table: str
    append: bool = False
    start: int = 0
    max: int = 1_000_000_000
    where: SearchExpr | None = None

    @property
    def appends(self) -> bool:
        """``append=true`` adds the rows to the incoming results, so it may follow other commands."""
        return self.append

    def requires(self, needed: FieldSet) -> FieldSet:
        return needed


def _inputlookup_options(cur: Cursor, options: dict[str, int]) -> None:
    while at_option(cur):
        key, value, tok = read_option(cur, ("append", "start", "max", "strict"))
        if key in ("append", "strict"):  # strict: an unknown table is always an error here
            options[key] = int(as_bool(cur, value, tok, key))
        else:
            options[key] = as_int(cur, value, tok, key)


def parse_inputlookup(cmd: CommandInput) -> InputlookupCommand:
    """inputlookup (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/
    inputlookup): ``append`` "Default: false", ``start`` (0-based first row, default 0), ``max`` (default
    1000000000), ``strict``, then the table and an optional ``WHERE <search-query>``."""
    cur = cmd.cursor()
    options: dict[str, int] = {"append": 0, "start": 0, "max": 1_000_000_000}
    _inputlookup_options(cur, options)
    table, _ = read_field(cur, "the lookup name")
    _inputlookup_options(cur, options)  # options may follow the table name too (`inputlookup t append=t`)
    append, start, maximum = bool(options["append"]), options["start"], options["max"]
    where: SearchExpr | None = None
    if cur.accept_keyword("where"):
        if cur.at_end():
            raise cur.error("expected a search after WHERE")
        where, bounds = parse_search(cur)
        if bounds.earliest is not None or bounds.latest is not None:
            raise cur.unsupported("time modifiers in inputlookup ... WHERE")
    cur.expect_end()
    return InputlookupCommand(cmd.name, cmd.offset, table, append, start, maximum, where)


def run_inputlookup(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, InputlookupCommand)
    table = find_table(ctx, node.table, node)
    if node.append:
        yield from events
    keep = compile_search(node.where) if node.where is not None else None
    for row in table.rows[node.start: node.start + node.max]:
        event: Event = {k: v for k, v in row.items() if v != ""}
        if keep is None or keep(event):
            yield event


def _lookup_fields(node: CommandNode) -> FieldUse:
    """The explicit outputs (without an output clause the table's columns decide, unknown at parse time)."""
    assert isinstance(node, LookupCommand)
    return uses([f for _, f in node.inputs], [f for _, f in node.outputs])


def _lookup_result_fields(node: CommandNode, fields: frozenset[str]) -> frozenset[str] | None:
    """The output fields, when the clause names them and every input field is among the fields; unknown
    without an output clause (the table's columns decide) or with an input missing (what a lookup matches
    then is not read from any page)."""
    assert isinstance(node, LookupCommand)
    use = _lookup_fields(node)
    if not node.outputs or not use.reads <= fields:
        return None
    return fields | use.produces


def _lookup_multivalue(node: CommandNode, multivalued: Multivalued) -> dict[str, str] | None:
    """The fields after a lookup. Its input fields are only matched on: they keep what they hold. An OUTPUT field
    is overwritten with the matching rows' values: one per row, and several rows may match (``max_matches``,
    "The maximum number of possible matches for each value input to the lookup table", default 100: Knowledge
    Manager Manual, "Add field matching rules to your lookup configuration",
    https://help.splunk.com/splunk-enterprise/manage-knowledge-objects/knowledge-management-manual/9.4/
    use-the-configuration-files-to-configure-lookups/add-field-matching-rules-to-your-lookup-configuration), so
    it possibly holds several values, but whether the table has several rows for a key is the table's data, not
    the search's: no claim either way (never a warning). The one OUTPUTNEW field of ``OUTPUTNEW f`` keeps what it
    holds ("the lookup is not performed for events in which the output fields already exist", the lookup page);
    with several OUTPUTNEW fields, whether one existing is enough to skip the lookup the page does not say, so no
    claim for any of them. Without an output clause every other column of the table is written, which ones is
    the table's business: the search is not followed."""
    assert isinstance(node, LookupCommand)
    if not node.outputs:
        return None
    out = dict(multivalued)
    if node.output_new and len(node.outputs) == 1:
        return out
    for _, name in node.outputs:
        out.pop(name, None)
    return out


SPECS = (
    CommandSpec(("lookup",), parse_lookup, run_lookup, streaming=True, one_to_one=True, fields=_lookup_fields,
                multivalue=_lookup_multivalue, result_fields=_lookup_result_fields),
    CommandSpec(("inputlookup",), parse_inputlookup, run_inputlookup, generating=True),
)
