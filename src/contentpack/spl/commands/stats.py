"""``stats``, ``eventstats`` and ``streamstats``: one aggregate-term grammar, three ways to apply it.

stats (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/stats): without
BY one row; with BY "one row is returned for each distinct value specified in the BY clause", only BY fields
and aggregates remain, rows come sorted by the BY values; events whose BY field is null are dropped and a
multivalue BY value fans out to one group per value (S21, assumed), a value held twice counting twice unless
``dedup_splitvals=true`` (the 10.0 page: it "Specifies whether to remove duplicate values in multivalued BY
clause fields. Default: false"). eventstats adds the group's aggregates
to every event (S20). streamstats computes the running aggregate per event in search order, with
``window``, ``current``, ``reset_on_change``, ``time_window`` (S19).
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from contentpack.spl.aggregates import Aggregator, AggregateSpec, aggregate_label, get_aggregate
from contentpack.spl.commands.args import as_bool, as_int, at_option, read_field, read_field_list, read_option
from contentpack.spl.commands.base import (
    CommandInput,
    CommandNode,
    CommandSpec,
    FieldSet,
    FieldUse,
    Multivalued,
    RunContext,
    multivalue_refused,
    plus,
    uses,
)
from contentpack.spl.ast import Expr
from contentpack.spl.commands.fieldops import renamed
from contentpack.spl.cursor import Cursor
from contentpack.spl.evaluator import Evaluator
from contentpack.spl.exprparser import expression_fields, parse_full_expression
from contentpack.spl.errors import SplRuntimeError, SplSyntaxError, SplUnsupportedError, count_text
from contentpack.spl.timeutil import Span, parse_span
from contentpack.spl.values import Event, Scalar, Value, field_value, lexicographic_key, mv_values, ordered_number

_ALIASES = {"c": "count", "distinct_count": "dc", "mean": "avg"}
_EVAL_OVER_AGGREGATES = "an eval expression over statistical functions"


@dataclass(frozen=True)
class AggTerm:
    """``function(field) AS name``; ``field`` is None for a bare ``count`` and for ``function(eval(expr))``.

    ``func(eval(<expression>))`` "is equivalent to ... | eval temp_field = <expression> | stats
    func(temp_field)" (Overview of stats and chart functions, https://help.splunk.com/splunk-enterprise/search/
    spl2-search-reference/statistical-and-charting-functions/overview-of-spl2-stats-and-chart-functions); a
    comparison counts as 1 when true and as no value when false (``count(eval(status=404))``).
    A ``field`` with ``*`` (``values(*) AS *``) stands for every matching field of the events.
    """

    function: str
    field: str | None
    output: str
    offset: int
    expr: Expr | None = None

    def spec(self) -> AggregateSpec:
        spec = get_aggregate(self.function)
        assert spec is not None  # checked at parse time
        return spec


def _read_agg(cur: Cursor) -> AggTerm:
    # The token list read with an index for the usual ``count``, ``f(field)`` and ``AS name`` (every stats of
    # a pack has some); the rarer spellings go through the cursor's readers.
    tokens, i = cur.tokens, cur.i
    tok = tokens[i]
    after = tokens[i + 1] if tok.kind != "EOF" else tok
    if tok.text.lower() == "eval" and after.kind == "LPAREN" and after.offset == tok.end:
        raise cur.unsupported(_EVAL_OVER_AGGREGATES, tok)  # chart's and timechart's eval(avg(x)/max(y))
    if tok.kind != "WORD":
        raise cur.error("expected a statistical function")
    written = tok.text
    name = _ALIASES.get(written.lower(), written.lower())
    field: str | None = None
    expr: Expr | None = None
    i += 1  # past a WORD, so at most at the EOF token
    paren = tokens[i]
    if paren.kind == "LPAREN" and paren.offset == tok.end:
        arg = tokens[i + 1]
        if arg.kind == "RPAREN":
            i += 2
        elif arg.kind == "WORD" and tokens[i + 2].kind == "RPAREN":  # one word: read_field's answer too
            field = arg.text
            i += 3
        else:
            cur.i = i + 1
            if arg.kind == "WORD" and arg.text.lower() == "eval" and cur.at("LPAREN", k=1):
                cur.next()
                inner = cur.parenthesised_eval()
                if inner.at_end():
                    raise cur.error("expected an expression inside eval( )", arg)
                expr = parse_full_expression(inner)
            else:
                field, _ = read_field(cur, "a field name")
            cur.expect("RPAREN", f"')' closing {written}(")
            i = cur.i
    cur.i = i
    spec = get_aggregate(name)
    if spec is None:
        raise SplUnsupportedError(f"{cur.command}: stats function '{written}' is not supported",
                                  offset=cur.off(tok), command=cur.command, feature=("stats function", written))
    if spec.requires_field and field is None and expr is None:
        raise cur.error(f"the function '{written}' needs a field, e.g. {written}(user)", tok)
    output = aggregate_label(written, field)
    after = tokens[i]
    if after.kind == "WORD" and after.text.lower() == "as":
        cur.i = i + 1
        output, out_tok = read_field(cur, "the output name after AS")
        if "*" in output and (field is None or output.count("*") != field.count("*")):
            raise cur.error("a wildcard output name needs a field with as many wildcards", out_tok)
    elif expr is not None:
        raise cur.error(f"{written}(eval(...)) needs AS <name> to name its result", tok)
    return AggTerm(name, field, output, cur.off(tok), expr)


def read_aggregates(cur: Cursor, options: Sequence[str], *, over: bool = False, max_by: int | None = None,
                    refused: Sequence[str] = ()) -> tuple[dict[str, tuple[str, object]], list[AggTerm], list[str]]:
    """Options (in any position), aggregate terms, BY fields.

    For ``chart``: ``over`` accepts ``OVER <row-split>`` before BY (its field comes first in the answer, so
    ``OVER a BY b`` reads as ``BY a b``), ``max_by`` bounds the split fields, and a word in ``refused`` (its
    ``WHERE`` clause) is refused as unsupported where a term or the end would be."""
    found: dict[str, tuple[str, object]] = {}
    terms: list[AggTerm] = []
    by: list[str] = []
    row: list[str] = []
    tokens = cur.tokens
    while not cur.at_end():
        tok = tokens[cur.i]
        word = tok.text.lower() if tok.kind == "WORD" else ""
        if tok.kind == "COMMA":
            cur.next()
            continue
        if at_option(cur):
            key_tok = tok
            key, value, tok = read_option(cur, options)
            if key in found:  # no page says whether the first or the last applies (assumed: refused, not guessed)
                raise cur.unsupported(f"option '{key}' given twice", key_tok)
            found[key] = (value, tok)
            continue
        if word in refused:
            raise cur.unsupported(f"{word.upper()} clause", tok)
        if over and tok.kind == "LPAREN":  # chart's "(<eval-expression>)" term
            raise cur.unsupported(_EVAL_OVER_AGGREGATES, tok)
        if over and word == "over":
            if row or by:
                raise cur.error("OVER comes once, before BY", tok)
            cur.next()
            row = [read_field(cur, "the row-split field after OVER")[0]]
            continue
        if word == "by":
            if by:
                raise cur.error("BY comes once", tok)
            cur.next()
            by = read_field_list(cur, (*refused, "over") if over else refused, allow_options=True)
            if not by:
                raise cur.error("expected field names after BY")
            limit = None if max_by is None else max_by - len(row)
            if limit is not None and len(by) > limit:
                raise cur.error(f"expected at most {limit} field{'s' if limit > 1 else ''} after BY", tok)
            continue
        if by or row:
            raise cur.error(f"unexpected text after the {'BY' if by else 'OVER'} field{'s' if by else ''}")
        terms.append(_read_agg(cur))
    by = row + by
    if not terms:
        raise cur.error("expected at least one statistical function")
    outputs = [t.output for t in terms]
    if len(set(outputs)) != len(outputs):
        duplicate = next(o for o in outputs if outputs.count(o) > 1)
        raise SplSyntaxError(f"{cur.command}: the output field '{duplicate}' is defined twice (use AS)",
                             offset=terms[0].offset, command=cur.command)
    inputs = [(t.function, t.field) for t in terms if t.expr is None]
    for twice in (t for t in terms if t.expr is None and inputs.count((t.function, t.field)) > 1):
        # rename page: "You can't rename one field with multiple names. ... This rule also applies to other
        # commands where you can rename fields, such as the stats command": first(host) AS site, first(host) AS report
        raise SplSyntaxError(f"{cur.command}: '{aggregate_label(twice.function, twice.field)}' is computed twice "
                             "(a field can't be renamed with multiple names)", offset=twice.offset, command=cur.command)
    return found, terms, by


def group_keys(event: Event, by: Sequence[str], *, dedup: bool = True) -> list[tuple[Scalar, ...]]:
    """BY values of an event: none when a BY field is null; the cartesian product of multivalues, each value
    once with ``dedup``, else as often as the field holds it (stats' ``dedup_splitvals=false``)."""
    key = tuple(map(event.get, by))
    if _one_group(key):  # the common case, answered without building the product
        return [key]  # type: ignore[list-item]
    choices: list[list[Scalar]] = []
    for name in by:
        values = mv_values(event.get(name))
        if not values:
            return []
        choices.append(list(dict.fromkeys(values)) if dedup else values)
    return [tuple(combo) for combo in itertools.product(*choices)]


def _one_group(values: tuple[Value, ...]) -> bool:
    """Whether BY values that are each a single value (neither null nor a multivalue) make the event's one group,
    the values themselves: what the cartesian product of one-value choices gives."""
    for value in values:
        if value is None or isinstance(value, tuple):
            return False
    return True


def sort_key(value: Scalar) -> tuple[int, float, bytes]:
    """Group order: numbers first in numeric order, then text by bytes. Texts of one number ("1", "01", "1.0";
    "0", "-0") follow by bytes too (``assumed``: no page orders them), so the order does not hang on which came
    first: the full-scan stats reads the file oldest first, a pipeline newest first."""
    number = ordered_number(value)
    if number is not None:
        return (0, float(number), lexicographic_key(value))
    return (1, 0.0, lexicographic_key(value))


def group_order(keys: Iterable[tuple[Scalar, ...]]) -> list[tuple[Scalar, ...]]:
    """Groups in stats' order: by ``sort_key`` of each BY value in turn. Each distinct value's key is worked out
    once: BY values repeat from group to group (every group of one tenant has the same ``dest``)."""
    known: dict[tuple[type, Scalar], tuple[int, float, bytes]] = {}

    def order(key: tuple[Scalar, ...]) -> list[tuple[int, float, bytes]]:
        out = []
        for value in key:
            tag = (type(value), value)  # 1, 1.0 and True are equal keys of a dict, not of the order
            found = known.get(tag)
            if found is None:
                found = known[tag] = sort_key(value)
            out.append(found)
        return out

    return sorted(keys, key=order)


def term_input(term: AggTerm, event: Event, evaluator: Evaluator | None) -> Value:
    """What one event gives a term: its field's value, its eval expression's value, or 1 for ``count``."""
    if term.expr is not None:
        if evaluator is None:
            raise SplRuntimeError("an eval expression in a stats function needs the evaluator", offset=term.offset)
        value = evaluator.evaluate(term.expr, event)
        return 1 if value is True else None if value is False else field_value(value)
    return 1 if term.field is None else event.get(term.field)


def feed_aggregates(aggs: list[Aggregator], terms: Sequence[AggTerm], event: Event,
                    evaluator: Evaluator | None = None) -> None:
    when = event.get("_time")
    time = when if isinstance(when, (int, float)) and not isinstance(when, bool) else None
    for agg, term in zip(aggs, terms):
        if term.expr is None:  # the common case, inline: this runs once per event and term
            agg.add(1 if term.field is None else event.get(term.field), time)
        else:
            agg.add(term_input(term, event, evaluator), time)


def terms_fields(terms: Sequence[AggTerm], by: Sequence[str]) -> set[str]:
    fields = {t.field for t in terms if t.field is not None} | set(by)
    for term in terms:
        if term.expr is not None:
            fields |= expression_fields(term.expr)
    return fields


def has_wildcards(terms: Sequence[AggTerm]) -> bool:
    return any(t.field is not None and "*" in t.field for t in terms)


def expand_wildcards(terms: Sequence[AggTerm], by: Sequence[str], rows: Sequence[Event]) -> tuple[AggTerm, ...]:
    """``values(*) AS *``: one term per field of the events the pattern matches (BY fields and internal
    ``_`` fields left out unless the pattern starts with ``_``; assumed), in first-seen order."""
    names: dict[str, None] = {}
    for row in rows:
        for name in row:
            names.setdefault(name, None)
    out: list[AggTerm] = []
    for term in terms:
        if term.field is None or "*" not in term.field:
            out.append(term)
            continue
        pattern = term.field
        for name in names:
            if name in by or (name.startswith("_") and not pattern.startswith("_")):
                continue
            if renamed(pattern, pattern, name) is None:
                continue
            if "*" in term.output:
                output = renamed(pattern, term.output, name) or name
            else:
                output = aggregate_label(term.function, name) if term.output == aggregate_label(
                    term.function, pattern) else term.output
            out.append(AggTerm(term.function, name, output, term.offset))
    return tuple(out)


# ------------------------------------------------------------------------------------------------ stats


@dataclass(frozen=True)
class StatsCommand(CommandNode):
    terms: tuple[AggTerm, ...]
    by: tuple[str, ...]
    #: stats' dedup_splitvals (default false); eventstats and streamstats have no such option
    dedup_splitvals: bool = False

    def requires(self, needed: FieldSet) -> FieldSet:
        return frozenset(terms_fields(self.terms, self.by) | {"_time"})

    def keys(self, event: Event) -> list[tuple[Scalar, ...]]:
        """The groups an event adds to (one home for the serial and the parallel stats)."""
        return group_keys(event, self.by, dedup=self.dedup_splitvals) if self.by else [()]


def parse_stats(cmd: CommandInput) -> StatsCommand:
    cur = cmd.cursor()
    options, terms, by = read_aggregates(cur, ("dedup_splitvals",))
    for term in terms:
        if term.output in by:
            # Splunk's own error (no doc page states the rule; it is quoted from searches it rejected, e.g.
            # "Error in 'stats' command: The output field 'date_mday' cannot have the same name as a group-by
            # field."): the engine wrote the aggregate over the group's value instead
            raise SplSyntaxError(f"stats: the output field '{term.output}' cannot have the same name as a group-by "
                                 "field", offset=term.offset, command=cur.command)
    dedup = False
    if "dedup_splitvals" in options:
        value, tok = options["dedup_splitvals"]
        dedup = as_bool(cur, str(value), tok, "dedup_splitvals")  # type: ignore[arg-type]
    return StatsCommand(cmd.name, cmd.offset, tuple(terms), tuple(by), dedup)


def aggregate_groups(
    events: Iterator[Event], terms: Sequence[AggTerm], node: StatsCommand, evaluator: Evaluator | None = None,
    keys_out: list[list[tuple[Scalar, ...]]] | None = None,
) -> dict[tuple[Scalar, ...], list[Aggregator]]:
    """Each group's aggregators fed with its events. ``keys_out`` receives each event's groups, in event order,
    for a caller that goes over the events again (eventstats): working them out is much of the cost."""
    specs = [t.spec() for t in terms]
    groups: dict[tuple[Scalar, ...], list[Aggregator]] = {}
    if not node.by:
        groups[()] = [spec.create() for spec in specs]
    for event in events:
        keys = node.keys(event)
        if keys_out is not None:
            keys_out.append(keys)
        for key in keys:
            aggs = groups.get(key)
            if aggs is None:
                aggs = groups[key] = [spec.create() for spec in specs]
            feed_aggregates(aggs, terms, event, evaluator)
    return groups


def stats_rows(groups: dict[tuple[Scalar, ...], list[Aggregator]], terms: Sequence[AggTerm],
               by: Sequence[str]) -> Iterator[Event]:
    for key in group_order(groups):
        row: Event = dict(zip(by, key))
        for term, agg in zip(terms, groups[key]):
            value = agg.result()
            if value is not None:
                row[term.output] = value
        yield row


def run_stats(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, StatsCommand)
    terms: Sequence[AggTerm] = node.terms
    if has_wildcards(terms):
        rows = list(events)
        terms = expand_wildcards(terms, node.by, rows)
        events = iter(rows)
    yield from stats_rows(aggregate_groups(events, terms, node, ctx.evaluator), terms, node.by)


# ------------------------------------------------------------------------------------------------ eventstats


def single_value_keys(node: StatsCommand, event: Event) -> list[tuple[Scalar, ...]]:
    """The one group of an eventstats or streamstats event (none when a BY field is null). A BY field holding
    several values is refused: neither command's page (10.0) says which group's statistics such an event gets,
    and eventstats has no dedup_splitvals; ``mvexpand`` the field first, or eval it to one value."""
    key = tuple(map(event.get, node.by))
    if _one_group(key):  # no multivalue to refuse, no null to drop the event for
        return [key]  # type: ignore[list-item]
    for name in node.by:
        value = event.get(name)
        if isinstance(value, tuple) and len(value) > 1:
            raise multivalue_refused(node, value, name, f"the {node.name} page does not say which group's "
                                     "statistics an event whose BY field holds several values gets")
    return group_keys(event, node.by) if node.by else [()]


@dataclass(frozen=True)
class EventstatsCommand(StatsCommand):
    def requires(self, needed: FieldSet) -> FieldSet:
        return plus(needed, terms_fields(self.terms, self.by), "_time")

    def keys(self, event: Event) -> list[tuple[Scalar, ...]]:
        return single_value_keys(self, event)


def parse_eventstats(cmd: CommandInput) -> EventstatsCommand:
    cur = cmd.cursor()
    options, terms, by = read_aggregates(cur, ("allnum",))
    if "allnum" in options:
        value, tok = options["allnum"]
        if as_bool(cur, str(value), tok, "allnum"):  # type: ignore[arg-type]
            raise cur.unsupported("allnum=true", tok)  # type: ignore[arg-type]
    return EventstatsCommand(cmd.name, cmd.offset, tuple(terms), tuple(by))


def run_eventstats(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, EventstatsCommand)
    rows = list(events)
    terms = expand_wildcards(node.terms, node.by, rows) if has_wildcards(node.terms) else node.terms
    event_keys: list[list[tuple[Scalar, ...]]] = []
    groups = aggregate_groups(iter(rows), terms, node, ctx.evaluator, event_keys)
    results = {key: [agg.result() for agg in aggs] for key, aggs in groups.items()}
    for event, keys in zip(rows, event_keys):
        if keys:
            set_outputs(event, terms, results[keys[0]])
        yield event


def set_outputs(event: Event, terms: Sequence[AggTerm], values: Sequence[Value]) -> None:
    """Each term's value written to the event, as eventstats and streamstats write them: a null removes the
    field."""
    for term, value in zip(terms, values):
        if value is None:
            event.pop(term.output, None)
        else:
            event[term.output] = value


# ------------------------------------------------------------------------------------------------ streamstats


@dataclass(frozen=True)
class StreamstatsCommand(StatsCommand):
    window: int = 0
    current: bool = True
    reset_on_change: bool = False
    time_window: Span | None = None
    global_window: bool = True

    def requires(self, needed: FieldSet) -> FieldSet:
        return plus(needed, terms_fields(self.terms, self.by), "_time")

    def keys(self, event: Event) -> list[tuple[Scalar, ...]]:
        return single_value_keys(self, event)


_STREAM_OPTIONS = ("window", "current", "reset_on_change", "time_window", "global", "allnum",
                   "reset_before", "reset_after")


def parse_streamstats(cmd: CommandInput) -> StreamstatsCommand:
    cur = cmd.cursor()
    options, terms, by = read_aggregates(cur, _STREAM_OPTIONS)
    if has_wildcards(terms):
        raise cur.unsupported("a wildcard field in a streamstats function")
    window, current, reset, span, global_window = 0, True, False, None, True
    for key, (value, tok) in options.items():
        text = str(value)
        if key == "window":
            window = as_int(cur, text, tok, key)  # type: ignore[arg-type]
        elif key == "current":
            current = as_bool(cur, text, tok, key)  # type: ignore[arg-type]
        elif key == "reset_on_change":
            reset = as_bool(cur, text, tok, key)  # type: ignore[arg-type]
        elif key == "time_window":
            try:
                span = parse_span(text)
            except ValueError as exc:
                raise cur.error(str(exc), tok) from None  # type: ignore[arg-type]
            if span.seconds is None:
                raise cur.error("time_window must be a fixed span (s, m, h, d, w)", tok)  # type: ignore[arg-type]
        elif key == "global":
            global_window = as_bool(cur, text, tok, key)  # type: ignore[arg-type]
        else:
            raise cur.unsupported(f"option '{key}'", tok)  # type: ignore[arg-type]
    return StreamstatsCommand(cmd.name, cmd.offset, tuple(terms), tuple(by), window=window, current=current,
                              reset_on_change=reset, time_window=span, global_window=global_window)


def _window_result(node: StreamstatsCommand, window: Sequence[Event], evaluator: Evaluator) -> list[Value]:
    aggs = [t.spec().create() for t in node.terms]
    for event in window:
        feed_aggregates(aggs, node.terms, event, evaluator)
    return [agg.result() for agg in aggs]


class _TimeOrder:
    """Checks that a time_window streamstats meets its events in one time order, either way, as its page requires:
    "To use the time_window argument, the events must be sorted in either ascending or descending time order"."""

    def __init__(self, node: StreamstatsCommand) -> None:
        self.node = node
        self.last: float | None = None
        self.direction = 0  # 1 ascending, -1 descending, 0 not yet known

    def check(self, when: Value) -> None:
        if not isinstance(when, (int, float)) or isinstance(when, bool):
            return  # the window's own check names an event without _time
        if self.last is not None and when != self.last:
            step = 1 if when > self.last else -1
            if self.direction and step != self.direction:
                raise SplUnsupportedError(
                    "streamstats time_window: the events must be sorted in either ascending or descending time "
                    "order (the streamstats page), and these are not; add | sort 0 _time or | sort 0 - _time",
                    offset=self.node.offset, command=self.node.name)
            self.direction = step
        self.last = float(when)


#: limits.conf max_stream_window: the window streamstats uses when neither window= nor time_window= is set, and
#: the most events a time_window holds without window=
MAX_STREAM_WINDOW = 10_000


def _check_time_window_cap(node: StreamstatsCommand) -> None:
    """Refuses the case the page leaves open: a time window past max_stream_window with a BY clause."""
    if node.window == 0 and node.by:
        raise SplUnsupportedError(
            f"streamstats time_window with BY: a group's window holds more than {count_text(MAX_STREAM_WINDOW)} "
            "events, and the streamstats page does not say whether max_stream_window then counts the group's events "
            "or the stream's; set window=", offset=node.offset, command=node.name)


def run_streamstats(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    """Running aggregates per event in search order (streamstats,
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/streamstats).

    * ``window=N``: the last N events. ``global`` "Defines whether to use a single window, global=true, or to
      use separate windows based on the by clause ... Default: true": with the default, the N events are the
      last N of the whole stream and each event's statistic covers those of its own group among them.
    * no ``window``/``time_window``: "the default of 10,000 events set by the max_stream_window in the
      limits.conf file applies": running totals are exact up to that many events; a stream longer than that
      is refused (set ``window=`` explicitly) rather than answered with a different window.
    * ``time_window``: "the events must be sorted in either ascending or descending time order" (10.0 page);
      what Splunk answers otherwise is not said, so a stream that turns back in time is refused. Without
      ``window=``, "If there are more events in the time-based window than the value for the max_stream_window
      argument, the max_stream_window argument takes precedence. The count will never be greater than 10000"
      (basic example 4): the window keeps its last 10,000 events. With a BY clause the page does not say whether
      the 10,000 are the group's or the stream's, so a group's window past 10,000 events is refused.
    Windows keep the events themselves and recompute (aggregators only add); running totals add once.
    """
    assert isinstance(node, StreamstatsCommand)
    windowed = node.window > 0 or node.time_window is not None
    shared = node.window > 0 and node.global_window and node.time_window is None
    history: dict[tuple[Scalar, ...], deque[tuple[tuple[Scalar, ...], Event]]] = {}
    running: dict[tuple[Scalar, ...], list[Aggregator]] = {}
    previous: tuple[Scalar, ...] | None = None
    seen = 0
    order = _TimeOrder(node) if node.time_window is not None else None
    limit = node.window or (MAX_STREAM_WINDOW if node.time_window is not None else 0) or math.inf
    for event in events:
        if order is not None:
            order.check(event.get("_time"))
        seen += 1
        if not windowed and seen > MAX_STREAM_WINDOW:
            most = count_text(MAX_STREAM_WINDOW)
            raise SplUnsupportedError(
                f"streamstats without window= over more than {most} events: Splunk's max_stream_window would limit "
                f"the window to the last {most} events; set window=", offset=node.offset, command=node.name)
        keys = node.keys(event)
        if not keys:
            yield event
            continue
        key = keys[0]
        if node.reset_on_change and previous is not None and key != previous:
            history.clear()
            running.clear()
        previous = key
        snapshot = dict(event)
        if windowed:
            past = history.setdefault(() if shared else key, deque())
            if node.time_window is not None:
                now = event.get("_time")
                width = node.time_window.seconds or 0.0
                if not isinstance(now, (int, float)):
                    raise SplRuntimeError("streamstats time_window needs _time on every event",
                                          offset=node.offset, command=node.name)
                while past and abs(float(past[0][1]["_time"]) - float(now)) > width:  # type: ignore[arg-type]
                    past.popleft()
            if node.current:
                past.append((key, snapshot))
            if len(past) > limit:
                _check_time_window_cap(node)
                past.popleft()
            values = _window_result(node, [e for k, e in past if k == key], ctx.evaluator)
            if not node.current:
                past.append((key, snapshot))
                if len(past) > limit:
                    _check_time_window_cap(node)
                    past.popleft()
        else:
            aggs = running.get(key)
            if aggs is None:
                aggs = running[key] = [t.spec().create() for t in node.terms]
            if node.current:
                feed_aggregates(aggs, node.terms, snapshot, ctx.evaluator)
                values = [agg.result() for agg in aggs]
            else:
                values = [agg.result() for agg in aggs]
                feed_aggregates(aggs, node.terms, snapshot, ctx.evaluator)
        set_outputs(event, node.terms, values)
        yield event


def stats_fields(node: CommandNode) -> FieldUse:
    """What a stats-family command reads (aggregated and BY fields) and writes (its output columns)."""
    assert isinstance(node, StatsCommand)
    return uses(terms_fields(node.terms, node.by), [t.output for t in node.terms])


def added_aggregates(node: CommandNode, fields: frozenset[str]) -> frozenset[str] | None:
    """eventstats and streamstats add their aggregates to each result ("saves those statistics in a new field",
    the eventstats page; "adds a field to that event", the streamstats page), when every field they and the BY
    clause read is among the fields; unknown with a wildcard or an input missing (``count(x)`` of a missing x is
    0, ``max(x)`` none). A streamstats with ``current=false`` leaves the current event out of its own statistics
    (the streamstats page's ``current`` option), so the first result of each group has nothing to aggregate:
    unknown too. Its other options keep the current event in each window (``window``, ``time_window``,
    ``global``, ``reset_on_change``); ``allnum``, ``reset_before`` and ``reset_after`` the parser refuses, so a
    search with them is not judged."""
    assert isinstance(node, StatsCommand)
    if isinstance(node, StreamstatsCommand) and not node.current:
        return None
    if has_wildcards(node.terms) or not terms_fields(node.terms, node.by) <= fields:
        return None
    return fields | {t.output for t in node.terms}


#: the stats functions whose result holds every (distinct) value of the groups' events: several values whenever
#: a group's events hold several ("values(X)": "Returns the list of all distinct values of the field X as a
#: multivalue entry", "list(X)": "Returns a list of up to 100 values of the field X as a multivalue entry",
#: Multivalue stats and chart functions, https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/
#: statistical-and-charting-functions/multivalue-stats-and-chart-functions)
MULTIVALUE_FUNCTIONS = frozenset({"values", "list"})


def stats_multivalue(node: CommandNode, multivalued: Multivalued) -> dict[str, str]:
    """The fields after a stats-family command. ``stats`` keeps only its BY fields (one value per group) and its
    outputs; ``eventstats``/``streamstats`` add their outputs to each event ("saves those statistics in a new
    field", the eventstats page), so the other fields keep what they hold. An output of ``values()``/``list()``
    can hold several values; any other output is one statistic (no claim). ``streamstats window=1`` ("the
    number of events to use when computing the statistics", the streamstats page) reads one event: its
    ``values(f)`` holds what that event's f holds, several only when f certainly can. A wildcard output
    (``values(*) as *``) names fields only the data knows: no claim for any field."""
    assert isinstance(node, StatsCommand)
    out = {} if type(node) is StatsCommand else dict(multivalued)
    one_event = isinstance(node, StreamstatsCommand) and node.window == 1
    for term in node.terms:
        if "*" in term.output:
            out.clear()
            continue
        out.pop(term.output, None)
        if term.function not in MULTIVALUE_FUNCTIONS or term.field is None:
            continue
        if not one_event:
            out[term.output] = f"the search's {node.name} makes it with {term.function}({term.field})"
        elif (why := multivalued.get(term.field)) is not None:
            out[term.output] = f"as {term.field}: {why}"
    return out


SPECS = (
    CommandSpec(("stats",), parse_stats, run_stats, fields=stats_fields, multivalue=stats_multivalue),
    CommandSpec(("eventstats",), parse_eventstats, run_eventstats, fields=stats_fields,
                multivalue=stats_multivalue, result_fields=added_aggregates),
    CommandSpec(("streamstats",), parse_streamstats, run_streamstats, fields=stats_fields,
                multivalue=stats_multivalue, result_fields=added_aggregates),
)
