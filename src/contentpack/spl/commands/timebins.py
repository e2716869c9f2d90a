"""``bin``/``bucket`` and ``timechart``.

bin (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/bin): ``span=`` puts
each ``_time`` at the start of its bin; with UTC ``span=5m`` floors to multiples of 300 s (S22, assumed for
SPL1 — the SPL2 example differs). Numeric fields become ``low-high`` range strings. ``bins=``/``minspan``/
``aligntime`` without ``span`` are rejected as unsupported. The 10.0 page says nothing of a multivalue field
("Specify a field name"), so one is refused (``base.single_input``); the engine used to bin its first value.
timechart (https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/search-commands/timechart):
one row per time bin; with BY one column per series; ``limit`` (default top 10, 0 = no limit, ``bottomN``) keeps the
series with the largest (smallest) scores and folds the rest into ``otherstr`` (``OTHER``) when ``useother``
(default true); null BY values form the ``nullstr`` (``NULL``) series when ``usenull`` (default true); count-like
cells with no events are 0. A multivalue BY field puts the event in one series per value, a value held twice
counting twice unless ``dedup_splitvals=true`` ("Specifies whether to remove duplicate values in multivalued
<split-by-clause> fields. Default: false"), as stats does (``stats.group_keys``). The split itself (limit, OTHER,
NULL, column names) is shared with ``chart``: ``commands/series.py``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from contentpack.spl import limits
from contentpack.spl.commands.args import as_bool, at_option, read_field, read_option
from contentpack.spl.commands.base import (FieldUse, uses, CommandInput, CommandNode, CommandSpec, FieldSet, RunContext,
                                           plus, rewrites, single_input)
from contentpack.spl.commands.series import SPLIT_OPTIONS, SeriesTable, SplitOptions, read_split_options
from contentpack.spl.commands.stats import AggTerm, has_wildcards, read_aggregates, terms_fields
from contentpack.spl.errors import SplRuntimeError
from contentpack.spl.timeutil import CalendarRangeError, Span, bin_start, parse_span
from contentpack.spl.values import Event, Scalar, Value, as_number, format_number

# ------------------------------------------------------------------------------------------------ bin


@dataclass(frozen=True)
class BinCommand(CommandNode):
    field: str
    span: Span
    output: str

    def requires(self, needed: FieldSet) -> FieldSet:
        return plus(needed, self.field)


def _span_option(cur, value: str, tok) -> Span:
    try:
        return parse_span(value)
    except ValueError as exc:
        raise cur.error(str(exc), tok) from None


def parse_bin(cmd: CommandInput) -> BinCommand:
    cur = cmd.cursor()
    span: Span | None = None
    field: str | None = None
    output: str | None = None
    while not cur.at_end():
        if at_option(cur):
            key, value, tok = read_option(cur, ("span", "bins", "minspan", "start", "end", "aligntime"))
            if key != "span":
                raise cur.unsupported(f"option '{key}'", tok)
            span = _span_option(cur, value, tok)
            continue
        if field is not None and cur.accept_keyword("as"):
            output, _ = read_field(cur, "the output name after AS")
            continue
        if field is not None:
            raise cur.error("unexpected argument")
        field, _ = read_field(cur)
    if field is None:
        raise cur.error("expected the field to bin")
    if span is None:
        raise cur.unsupported("bin without span= (bins=/automatic spans)")
    return BinCommand(cmd.name, cmd.offset, field, span, output or field)


def bin_value(value: Scalar | None, span: Span, is_time: bool, tz: str) -> Value:
    """The bin of ``value``; raises ValueError for a number no bin holds (infinite, NaN, past the calendar
    or too large for the span), which :func:`unbinnable` words for the search's author."""
    number = as_number(value)
    if number is None:
        return None
    if is_time:
        start = bin_start(float(number), span, tz)
        return int(start) if float(start).is_integer() else start
    width = span.seconds or span.amount
    quotient = number / width
    if not math.isfinite(quotient):
        raise ValueError("no bin holds it")
    low = math.floor(quotient) * width
    return f"{format_number(low)}-{format_number(low + width)}"


def unbinnable(node: CommandNode, field: str, value: Value, exc: ValueError | OverflowError) -> SplRuntimeError:
    """The error for a value no bin holds: the calendar's range when that is the reason, else the value
    itself (assumed: Splunk documents no answer for an infinite or NaN value, so the search stops rather
    than put it in a bin of its own)."""
    reason = str(exc) if isinstance(exc, CalendarRangeError) else "it is not a finite number, or too large for the span"
    shown = format_number(value) if isinstance(value, (int, float)) else repr(value)
    return SplRuntimeError(f"{node.name}: {field}={shown} has no bin: {reason}", offset=node.offset, command=node.name)


def run_bin(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, BinCommand)
    is_time = node.field == "_time"
    for event in events:
        value = single_input(event, node.field, node)
        try:
            binned = bin_value(value, node.span, is_time, ctx.tz)
        except (ValueError, OverflowError) as exc:
            raise unbinnable(node, node.field, value, exc) from None
        if binned is not None:
            event[node.output] = binned
        yield event


# ------------------------------------------------------------------------------------------------ timechart


@dataclass(frozen=True)
class TimechartCommand(CommandNode):
    terms: tuple[AggTerm, ...]
    by: str | None
    span: Span | None
    split: SplitOptions = SplitOptions()
    cont: bool = True

    def requires(self, needed: FieldSet) -> FieldSet:
        return frozenset(terms_fields(self.terms, [self.by] if self.by else []) | {"_time"})


def parse_timechart(cmd: CommandInput) -> TimechartCommand:
    cur = cmd.cursor()
    options, terms, by = read_aggregates(
        cur, ("span", "cont", "bins", "minspan", "partial", "agg", "fixedrange", "format", "sep") + SPLIT_OPTIONS
    )
    if has_wildcards(terms):
        raise cur.unsupported("a wildcard field in a timechart function")
    span = None
    cont = True
    for key, (value, tok) in options.items():
        text = str(value)
        if key == "span":
            span = _span_option(cur, text, tok)
        elif key == "cont":
            cont = as_bool(cur, text, tok, key)  # type: ignore[arg-type]
        elif key not in SPLIT_OPTIONS:
            raise cur.unsupported(f"option '{key}'", tok)  # type: ignore[arg-type]
    if len(by) > 1:
        raise cur.unsupported("more than one BY field")
    return TimechartCommand(cmd.name, cmd.offset, tuple(terms), by[0] if by else None, span,
                            read_split_options(cur, options), cont)


def default_span(earliest: float | None, latest: float | None) -> Span:
    """Splunk's default timechart span by search range (S23): 15 min → 10 s, 60 min → 1 min, 4 h → 5 min,
    24 h → 30 min, up to 30 days → 1 day, longer → 1 month."""
    if earliest is None or latest is None:
        return Span(86400.0, "s")
    width = latest - earliest
    for limit, span in ((900, Span(10.0, "s")), (3600, Span(60.0, "s")), (14400, Span(300.0, "s")),
                        (86400, Span(1800.0, "s")), (30 * 86400 + 1, Span(86400.0, "s"))):
        if width <= limit:
            return span
    return Span(1.0, "mon")


def run_timechart(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, TimechartCommand)
    span = node.span or default_span(ctx.earliest, ctx.latest)
    table: SeriesTable[float] = SeriesTable(node, node.terms, node.by, node.split)
    for event in events:
        when = as_number(event.get("_time"))
        if when is None:
            raise SplRuntimeError("timechart needs _time on every event", offset=node.offset, command=node.name)
        try:
            start = bin_start(float(when), span, ctx.tz)
        except (ValueError, OverflowError) as exc:
            raise unbinnable(node, "_time", when, exc) from None
        table.add(start, table.series(event), event, ctx.evaluator)
    kept = table.kept()
    bins = sorted(table.cells)
    if node.cont and bins:
        bins = _continuous(bins, span, ctx, node)
    columns = table.columns(kept, taken=("_time", "_span"))
    for start in bins:
        row: Event = {"_time": int(start) if float(start).is_integer() else start}
        row.update(table.row_cells(start, kept, columns))
        if span.seconds:
            row["_span"] = int(span.seconds)
        yield row


def _continuous(bins: list[float], span: Span, ctx: RunContext, node: CommandNode) -> list[float]:
    """Every bin from the first to the last (cont=true), the empty ones included. The bins it makes count
    against the engine's generated-rows limit, which fails loudly: a silent cap would drop later bins that
    hold data."""
    first = bins[0] if ctx.earliest is None else min(bins[0], bin_start(ctx.earliest, span, ctx.tz))
    last = bins[-1] if ctx.latest is None else max(bins[-1], bin_start(ctx.latest - 1e-6, span, ctx.tz))
    if span.seconds is None:
        return bins
    out: list[float] = []
    current = first
    while current <= last + 1e-9:
        out.append(current)
        if len(out) % 4096 == 0:
            limits.check_generated(len(out), node.name, node.offset)
        current = bin_start(current + span.seconds, span, ctx.tz)
    limits.check_generated(len(out), node.name, node.offset)
    return out


def _bin_fields(node: CommandNode) -> FieldUse:
    assert isinstance(node, BinCommand)
    return uses([node.field], [node.output] if node.output != node.field else [])


def _timechart_fields(node: CommandNode) -> FieldUse:
    assert isinstance(node, TimechartCommand)
    return uses(terms_fields(node.terms, [node.by] if node.by else []), [t.output for t in node.terms])


SPECS = (
    CommandSpec(("bin", "bucket"), parse_bin, run_bin, streaming=True, one_to_one=True, fields=_bin_fields,
                multivalue=rewrites(_bin_fields)),
    CommandSpec(("timechart",), parse_timechart, run_timechart, fields=_timechart_fields),
)
