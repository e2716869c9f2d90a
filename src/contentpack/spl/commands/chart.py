"""``chart``: stats with the second split field turned into columns.

chart (Search Reference, https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.0.2503/search-
commands/chart, the same text as the Enterprise 10.0 page's stored copy): ``chart <agg>... [BY <row-split>
<column-split>] | [OVER <row-split>] [BY <column-split>]``. The row split "becomes the first column in the
results table. The field values become the row labels"; with a column split "each column represents a distinct
value of the column-split field", limited to 10 by default. The split options (``limit=top|bottom N``,
``useother``, ``usenull``, ``otherstr``, ``nullstr``, ``dedup_splitvals``) are timechart's
(``commands/series.py``); ``timechart`` is this command with time bins as rows.

Rows and groups as ``stats`` makes them (``stats.group_keys``, ``stats.sort_key``): an event without the row
field is left out, a multivalue row or column field counts the event once per value (twice for a value held
twice unless ``dedup_splitvals=true``), rows come sorted by the row value (``assumed``: the page's examples
are in that order: ProductA..C, hours 0..5, magnitudes 3.5..5).

Refused as unsupported, because the page does not say enough to answer them: the bin options on a split field
(``bins``, ``span``, ``start``, ``end``, ``aligntime``, ``minspan``), and a split field with more than 300
distinct numeric values (the page gives ``bins=300`` as the bin options' default yet its examples show numeric
row values unbinned: which applies past 300 is not said); ``cont=`` (it "Specifies if the bins are continuous":
without bins its effect is not described); ``format=``/``sep=`` and ``agg=`` (the series-scoring function);
the ``WHERE`` clause of the column split; wildcard fields; and a column-split value starting with ``_`` (refused by
both split commands in ``series``: such a column would be an internal field, and how Splunk names it is not
implemented). A function reading the
row-split field is an error, as the page says ("you cannot specify the same field in a function and as the
row-split field").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from contentpack.spl.commands.base import (CommandInput, CommandNode, CommandSpec, FieldSet, FieldUse, RunContext,
                                           uses)
from contentpack.spl.commands.series import SPLIT_OPTIONS, SeriesTable, SplitOptions, read_split_options
from contentpack.spl.commands.stats import (AggTerm, group_keys, group_order, has_wildcards, read_aggregates,
                                            terms_fields)
from contentpack.spl.errors import SplSyntaxError, SplUnsupportedError
from contentpack.spl.values import Event, Scalar, ordered_number

#: the bin options of a split field (the page's "Bin options" and "tc options")
_BIN_OPTIONS = ("bins", "span", "start", "end", "aligntime", "minspan")
_REFUSED_OPTIONS = ("cont", "format", "sep", "agg")
#: the page's default ``bins=300``
MAX_UNBINNED = 300


@dataclass(frozen=True)
class ChartCommand(CommandNode):
    terms: tuple[AggTerm, ...]
    row: str | None
    column: str | None
    split: SplitOptions = SplitOptions()

    def splits(self) -> list[str]:
        return [name for name in (self.row, self.column) if name is not None]

    def requires(self, needed: FieldSet) -> FieldSet:
        return frozenset(terms_fields(self.terms, self.splits()) | {"_time"})


def parse_chart(cmd: CommandInput) -> ChartCommand:
    cur = cmd.cursor()
    options, terms, by = read_aggregates(cur, SPLIT_OPTIONS + _BIN_OPTIONS + _REFUSED_OPTIONS, over=True, max_by=2,
                                         refused=("where",))
    for key, (_, tok) in options.items():
        if key in _BIN_OPTIONS:
            raise cur.unsupported(f"option '{key}' (bin options on a split field)", tok)  # type: ignore[arg-type]
        if key in _REFUSED_OPTIONS:
            raise cur.unsupported(f"option '{key}'", tok)  # type: ignore[arg-type]
    if has_wildcards(terms):
        raise cur.unsupported("a wildcard field in a chart function")
    row = by[0] if by else None
    for term in terms:
        if row is not None and term.field == row:
            raise SplSyntaxError(f"chart: '{row}' is both the row-split field and read by {term.function}(); the "
                                 "chart page: you cannot specify the same field in a function and as the row-split "
                                 f"field (eval a copy first: eval {row}1={row})", offset=term.offset, command=cmd.name)
    if len(by) > 1 and by[0] == by[1]:
        # assumed: the page does not say what one field as both splits gives (a diagonal table, each row's value
        # its own column?), so it is refused rather than guessed
        raise cur.unsupported(f"'{row}' as both the row-split and the column-split field")
    return ChartCommand(cmd.name, cmd.offset, tuple(terms), row, by[1] if len(by) > 1 else None,
                        read_split_options(cur, options))


def _check_unbinned(node: ChartCommand, values: dict[str, set[Scalar]]) -> None:
    for field, seen in values.items():
        numeric = {value for value in seen if ordered_number(value) is not None}
        if len(numeric) > MAX_UNBINNED:
            raise SplUnsupportedError(
                f"chart: the split field '{field}' has more than {MAX_UNBINNED} distinct numeric values; the chart "
                f"page gives bins={MAX_UNBINNED} as the default discretization but does not say how it bins them",
                offset=node.offset, command=node.name)


def run_chart(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, ChartCommand)
    table: SeriesTable[tuple[Scalar, ...]] = SeriesTable(node, node.terms, node.column, node.split)
    seen: dict[str, set[Scalar]] = {name: set() for name in node.splits()}
    for event in events:
        names = table.series(event)  # the event's columns, the same for each of its row values
        if node.row is None:
            table.add((), names, event, ctx.evaluator)
            continue
        for (value,) in group_keys(event, [node.row], dedup=node.split.dedup_splitvals):
            seen[node.row].add(value)
            table.add((value,), names, event, ctx.evaluator)
        if node.column is not None:
            seen[node.column].update(v for (v,) in group_keys(event, [node.column]))
    _check_unbinned(node, seen)
    if node.row is None:
        table.cell((), None)  # no split: one row even over no event, as stats gives (assumed)
    else:
        _check_rows_kept(node, seen[node.row], table)
    kept = table.kept()
    columns = table.columns(kept, taken=node.splits()[:1])
    # sorted as stats sorts its groups (``stats.group_order``: texts of one number, "1" and "1.0", by bytes)
    rows = group_order(table.cells)
    for row in rows:
        out: Event = dict(zip([node.row] if node.row else [], row))
        out.update(table.row_cells(row, kept, columns))
        yield out


def _check_rows_kept(node: ChartCommand, values: set[Scalar], table: SeriesTable[tuple[Scalar, ...]]) -> None:
    """With usenull=false, a row value whose events all lack the column-split field has no cell left: whether
    Splunk still lists that row (empty) or drops it, no page says (assumed), so it is refused, not guessed."""
    for value in values:
        if (value,) not in table.cells:
            raise SplUnsupportedError(
                f"chart: with usenull=false, every event of the row '{value}' lacks the column-split field "
                f"'{node.column}', and no page says whether the row is still listed (use usenull=true, or filter "
                "those events out first)", offset=node.offset, command=node.name)


def _chart_fields(node: CommandNode) -> FieldUse:
    assert isinstance(node, ChartCommand)
    return uses(terms_fields(node.terms, node.splits()), [t.output for t in node.terms])


SPECS = (CommandSpec(("chart",), parse_chart, run_chart, fields=_chart_fields),)
