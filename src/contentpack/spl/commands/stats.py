"""``stats``, ``eventstats`` and ``streamstats``: one aggregate-term grammar, three ways to apply it.

stats (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/stats): without
BY one row; with BY "one row is returned for each distinct value specified in the BY clause", only BY fields
and aggregates remain, rows come sorted by the BY values; events whose BY field is null are dropped and a
multivalue BY value fans out to one group per value (S21, assumed). eventstats adds the group's aggregates
to every event (S20). streamstats computes the running aggregate per event in search order, with
``window``, ``current``, ``reset_on_change``, ``time_window`` (S19).
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from contentpack.spl.aggregates import Aggregator, AggregateSpec, aggregate_label, get_aggregate
from contentpack.spl.commands.args import as_bool, as_int, at_option, read_field, read_field_list, read_option
from contentpack.spl.commands.base import CommandInput, CommandNode, CommandSpec, FieldSet, RunContext, plus
from contentpack.spl.cursor import Cursor
from contentpack.spl.errors import SplRuntimeError, SplSyntaxError, SplUnsupportedError
from contentpack.spl.timeutil import Span, parse_span
from contentpack.spl.values import Event, Scalar, Value, as_number, lexicographic_key, mv_values

_ALIASES = {"c": "count", "distinct_count": "dc", "mean": "avg"}


@dataclass(frozen=True)
class AggTerm:
    """``function(field) AS name``; ``field`` is None for a bare ``count``."""

    function: str
    field: str | None
    output: str
    offset: int

    def spec(self) -> AggregateSpec:
        spec = get_aggregate(self.function)
        assert spec is not None  # checked at parse time
        return spec


def _read_agg(cur: Cursor) -> AggTerm:
    tok = cur.peek()
    if tok.kind != "WORD":
        raise cur.error("expected a statistical function")
    cur.next()
    written = tok.text
    name = _ALIASES.get(written.lower(), written.lower())
    field: str | None = None
    if cur.at("LPAREN") and cur.adjacent(-1):
        cur.next()
        if cur.at("RPAREN"):
            cur.next()
        else:
            arg = cur.peek()
            if arg.kind == "WORD" and arg.text.lower() == "eval" and cur.at("LPAREN", k=1):
                raise cur.unsupported("an eval expression inside a stats function", arg)
            field, field_tok = read_field(cur, "a field name")
            if "*" in field:
                raise cur.unsupported(f"a wildcard field in {written}()", field_tok)
            cur.expect("RPAREN", f"')' closing {written}(")
    spec = get_aggregate(name)
    if spec is None:
        raise SplUnsupportedError(f"{cur.command}: stats function '{written}' is not supported",
                                  offset=cur.off(tok), command=cur.command, feature=("stats function", written))
    if spec.requires_field and field is None:
        raise cur.error(f"the function '{written}' needs a field, e.g. {written}(user)", tok)
    output = aggregate_label(written, field)
    if cur.accept_keyword("as"):
        output, _ = read_field(cur, "the output name after AS")
    return AggTerm(name, field, output, cur.off(tok))


def read_aggregates(cur: Cursor, options: Sequence[str]) -> tuple[dict[str, tuple[str, object]], list[AggTerm], list[str]]:
    """Options (in any position before BY), aggregate terms, BY fields."""
    found: dict[str, tuple[str, object]] = {}
    terms: list[AggTerm] = []
    by: list[str] = []
    while not cur.at_end():
        if cur.accept("COMMA"):
            continue
        if at_option(cur):
            key, value, tok = read_option(cur, options)
            found[key] = (value, tok)
            continue
        if cur.accept_keyword("by"):
            by = read_field_list(cur, allow_options=True)
            if not by:
                raise cur.error("expected field names after BY")
            continue
        if by:
            raise cur.error("unexpected text after the BY fields")
        terms.append(_read_agg(cur))
    if not terms:
        raise cur.error("expected at least one statistical function")
    outputs = [t.output for t in terms]
    if len(set(outputs)) != len(outputs):
        duplicate = next(o for o in outputs if outputs.count(o) > 1)
        raise SplSyntaxError(f"{cur.command}: the output field '{duplicate}' is defined twice (use AS)",
                             offset=terms[0].offset, command=cur.command)
    return found, terms, by


def group_keys(event: Event, by: Sequence[str]) -> list[tuple[Scalar, ...]]:
    """BY values of an event: none when a BY field is null; the cartesian product of multivalues."""
    choices: list[list[Scalar]] = []
    for name in by:
        values = mv_values(event.get(name))
        if not values:
            return []
        choices.append(list(dict.fromkeys(values)))
    return [tuple(combo) for combo in itertools.product(*choices)]


def sort_key(value: Scalar) -> tuple[int, float, bytes]:
    """Group order: numbers first in numeric order, then text by bytes."""
    number = as_number(value)
    if number is not None:
        return (0, float(number), b"")
    return (1, 0.0, lexicographic_key(value))


def feed_aggregates(aggs: list[Aggregator], terms: Sequence[AggTerm], event: Event) -> None:
    when = event.get("_time")
    time = when if isinstance(when, (int, float)) and not isinstance(when, bool) else None
    for agg, term in zip(aggs, terms):
        agg.add(1 if term.field is None else event.get(term.field), time)


def _terms_fields(terms: Sequence[AggTerm], by: Sequence[str]) -> set[str]:
    return {t.field for t in terms if t.field is not None} | set(by)


# ------------------------------------------------------------------------------------------------ stats


@dataclass(frozen=True)
class StatsCommand(CommandNode):
    terms: tuple[AggTerm, ...]
    by: tuple[str, ...]

    def reads(self) -> set[str]:
        return _terms_fields(self.terms, self.by)

    def produces(self) -> set[str]:
        return {t.output for t in self.terms}

    def requires(self, needed: FieldSet) -> FieldSet:
        return frozenset(_terms_fields(self.terms, self.by) | {"_time"})


def parse_stats(cmd: CommandInput) -> StatsCommand:
    cur = cmd.cursor()
    _, terms, by = read_aggregates(cur, ())
    return StatsCommand(cmd.name, cmd.offset, tuple(terms), tuple(by))


def aggregate_groups(
    events: Iterator[Event], terms: Sequence[AggTerm], by: Sequence[str]
) -> dict[tuple[Scalar, ...], list[Aggregator]]:
    specs = [t.spec() for t in terms]
    groups: dict[tuple[Scalar, ...], list[Aggregator]] = {}
    if not by:
        groups[()] = [spec.create() for spec in specs]
    for event in events:
        for key in group_keys(event, by) if by else [()]:
            aggs = groups.get(key)
            if aggs is None:
                aggs = groups[key] = [spec.create() for spec in specs]
            feed_aggregates(aggs, terms, event)
    return groups


def stats_rows(groups: dict[tuple[Scalar, ...], list[Aggregator]], terms: Sequence[AggTerm],
               by: Sequence[str]) -> Iterator[Event]:
    for key in sorted(groups, key=lambda k: tuple(sort_key(v) for v in k)):
        row: Event = dict(zip(by, key))
        for term, agg in zip(terms, groups[key]):
            value = agg.result()
            if value is not None:
                row[term.output] = value
        yield row


def run_stats(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, StatsCommand)
    yield from stats_rows(aggregate_groups(events, node.terms, node.by), node.terms, node.by)


# ------------------------------------------------------------------------------------------------ eventstats


@dataclass(frozen=True)
class EventstatsCommand(StatsCommand):
    def requires(self, needed: FieldSet) -> FieldSet:
        return plus(needed, _terms_fields(self.terms, self.by), "_time")


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
    groups = aggregate_groups(iter(rows), node.terms, node.by)
    results = {key: [agg.result() for agg in aggs] for key, aggs in groups.items()}
    for event in rows:
        keys = group_keys(event, node.by) if node.by else [()]
        if keys:
            values = results[keys[0]]
            for term, value in zip(node.terms, values):
                if value is None:
                    event.pop(term.output, None)
                else:
                    event[term.output] = value
        yield event


# ------------------------------------------------------------------------------------------------ streamstats


@dataclass(frozen=True)
class StreamstatsCommand(StatsCommand):
    window: int = 0
    current: bool = True
    reset_on_change: bool = False
    time_window: Span | None = None

    def requires(self, needed: FieldSet) -> FieldSet:
        return plus(needed, _terms_fields(self.terms, self.by), "_time")


_STREAM_OPTIONS = ("window", "current", "reset_on_change", "time_window", "global", "allnum",
                   "reset_before", "reset_after")


def parse_streamstats(cmd: CommandInput) -> StreamstatsCommand:
    cur = cmd.cursor()
    options, terms, by = read_aggregates(cur, _STREAM_OPTIONS)
    window, current, reset, span = 0, True, False, None
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
            if not as_bool(cur, text, tok, key):  # type: ignore[arg-type]
                raise cur.unsupported("global=false", tok)  # type: ignore[arg-type]
        else:
            raise cur.unsupported(f"option '{key}'", tok)  # type: ignore[arg-type]
    return StreamstatsCommand(cmd.name, cmd.offset, tuple(terms), tuple(by), window, current, reset, span)


def _window_result(node: StreamstatsCommand, window: Sequence[Event]) -> list[Value]:
    aggs = [t.spec().create() for t in node.terms]
    for event in window:
        feed_aggregates(aggs, node.terms, event)
    return [agg.result() for agg in aggs]


def run_streamstats(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    """Windows keep the events themselves and recompute (aggregators only add); running totals add once."""
    assert isinstance(node, StreamstatsCommand)
    windowed = node.window > 0 or node.time_window is not None
    history: dict[tuple[Scalar, ...], deque[Event]] = {}
    running: dict[tuple[Scalar, ...], list[Aggregator]] = {}
    previous: tuple[Scalar, ...] | None = None
    for event in events:
        keys = group_keys(event, node.by) if node.by else [()]
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
            past = history.setdefault(key, deque())
            if node.time_window is not None:
                now = event.get("_time")
                width = node.time_window.seconds or 0.0
                if not isinstance(now, (int, float)):
                    raise SplRuntimeError("streamstats time_window needs _time on every event",
                                          offset=node.offset, command=node.name)
                while past and abs(float(past[0]["_time"]) - float(now)) > width:  # type: ignore[arg-type]
                    past.popleft()
            if node.current:
                past.append(snapshot)
            if node.window and len(past) > node.window:
                past.popleft()
            values = _window_result(node, past)
            if not node.current:
                past.append(snapshot)
                if node.window and len(past) > node.window:
                    past.popleft()
        else:
            aggs = running.get(key)
            if aggs is None:
                aggs = running[key] = [t.spec().create() for t in node.terms]
            if node.current:
                feed_aggregates(aggs, node.terms, snapshot)
                values = [agg.result() for agg in aggs]
            else:
                values = [agg.result() for agg in aggs]
                feed_aggregates(aggs, node.terms, snapshot)
        for term, value in zip(node.terms, values):
            if value is None:
                event.pop(term.output, None)
            else:
                event[term.output] = value
        yield event


SPECS = (
    CommandSpec(("stats",), parse_stats, run_stats),
    CommandSpec(("eventstats",), parse_eventstats, run_eventstats),
    CommandSpec(("streamstats",), parse_streamstats, run_streamstats),
)
