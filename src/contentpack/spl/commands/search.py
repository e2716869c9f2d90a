"""``search`` (also the implicit first command) and ``where``: the two filters, with different languages.

search: terms and ``field=value`` in the search language, case-insensitive, OR before AND
(https://help.splunk.com/en/splunk-enterprise/search/search-manual/9.3/expressions-and-predicates).
where: an eval expression, case-sensitive, AND before OR; keeps events where it is true
(https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/where).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from contentpack.spl.ast import (
    Expr,
    FieldIn,
    FieldMatch,
    MatchAll,
    SearchAnd,
    SearchExpr,
    SearchNot,
    SearchOr,
    Subsearch,
    TimeBounds,
)
from contentpack.spl.commands.base import (
    assigns_nothing,
    CommandInput,
    CommandNode,
    CommandSpec,
    FieldSet,
    RunContext,
    plus,
    uses,
)
from contentpack.spl.commands.subsearch import FormatCommand, run_format
from contentpack.spl.cursor import Cursor
from contentpack.spl.errors import SplRuntimeError, SplUnsupportedError
from contentpack.spl.evaluator import EvalState
from contentpack.spl.exprparser import expression_fields, parse_full_expression
from contentpack.spl.matching import compile_search, value_matches
from contentpack.spl.searchparser import parse_search, search_fields
from contentpack.spl.timeutil import in_window, parse_time_modifier
from contentpack.spl.values import Event

# Search Manual, "About subsearches": a subsearch returns at most 10,000 results by default (limits.conf
# [subsearch] maxout); the rest are dropped before its results become search text.
SUBSEARCH_MAXOUT = 10_000


@dataclass(frozen=True)
class SearchCommand(CommandNode):
    expr: SearchExpr
    bounds: TimeBounds

    def requires(self, needed: FieldSet) -> FieldSet:
        fields = search_fields(self.expr)
        if "*" in fields:
            return None
        return plus(needed, fields, "_time", "_indextime") if self.bounds.on_index_time else plus(needed, fields, "_time")


def parse_search_command(cmd: CommandInput) -> SearchCommand:
    cur = cmd.cursor()
    cur.subsearch_parser = cmd.parse_subsearch
    expr, bounds = parse_search(cur)
    return SearchCommand(cmd.name, cmd.offset, expr, bounds)


def time_window(bounds: TimeBounds, ctx: RunContext, command: str) -> tuple[float | None, float | None]:
    """The epoch window of inline ``earliest=``/``latest=`` modifiers (None where not given)."""
    def resolve(text: str | None) -> float | None:
        if text is None:
            return None
        try:
            return parse_time_modifier(text, ctx.now, ctx.tz)
        except ValueError as exc:  # timeutil's messages name the value they refuse (a long one elided: "invalid time
            # modifier '-99...9d' (5,002 characters)"); "empty time modifier" does not
            named = repr(text) in str(exc) or str(exc).startswith("invalid time modifier")
            message = str(exc) if named else f"invalid time modifier {text!r}: {exc}"
            raise SplRuntimeError(message, offset=bounds.offset, command=command) from None

    return resolve(bounds.earliest), resolve(bounds.latest)


def resolve_subsearches(expr: SearchExpr, ctx: RunContext) -> SearchExpr:
    """Run every ``[ ... ]`` and put the search text it returns in its place.

    Splunk formats a subsearch's results into search text (as ``format`` does) unless they already hold a
    ``search`` field (``return``/``format``); no results match nothing.
    """
    if isinstance(expr, Subsearch):
        results = ctx.run_subsearch(expr.pipeline, SUBSEARCH_MAXOUT)
        if results and "search" in results[0]:
            text = str(results[0]["search"])
        else:
            text = str(next(run_format(FormatCommand("format", expr.offset), iter(results), ctx))["search"])
        if not text.strip() or text.strip() == "NOT ()":
            return SearchNot(MatchAll(expr.offset), expr.offset)
        cursor = Cursor.search(text, 0, lambda offset: expr.offset, "search")
        inner, _ = parse_search(cursor)
        return inner
    if isinstance(expr, (FieldMatch, FieldIn)) and expr.field == "eventtype" and ctx.eventtypes:
        return _eventtype_search(expr, ctx)
    if isinstance(expr, SearchNot):
        return SearchNot(resolve_subsearches(expr.operand, ctx), expr.offset)
    if isinstance(expr, SearchAnd):
        return SearchAnd(tuple(resolve_subsearches(op, ctx) for op in expr.operands), expr.offset)
    if isinstance(expr, SearchOr):
        return SearchOr(tuple(resolve_subsearches(op, ctx) for op in expr.operands), expr.offset)
    return expr


def _eventtype_search(expr: FieldMatch | FieldIn, ctx: RunContext) -> SearchExpr:
    """``eventtype=NAME`` (wildcards allowed, or ``eventtype IN (...)``) is the OR of the searches of the
    registered event types it names (eventtypes.conf ``search =``); naming none is an error, never an empty
    answer."""
    if isinstance(expr, FieldMatch) and expr.op not in ("=", "!="):
        raise SplUnsupportedError(f"search: eventtype{expr.op} (only = , != and IN)", offset=expr.offset,
                                  command="search")
    patterns = [expr.value] if isinstance(expr, FieldMatch) else list(expr.values)
    chosen = [search for name, search in sorted(ctx.eventtypes.items())
              if any(value_matches(name, pattern) for pattern in patterns)]
    if not chosen:
        known = ", ".join(sorted(ctx.eventtypes))
        raise SplUnsupportedError(f"search: eventtype {', '.join(patterns)!s} is not registered (known: {known})",
                                  offset=expr.offset, command="search")
    either: SearchExpr = chosen[0] if len(chosen) == 1 else SearchOr(tuple(chosen), expr.offset)
    return SearchNot(either, expr.offset) if isinstance(expr, FieldMatch) and expr.op == "!=" else either


def index_time_filter(events: Iterable[Event], bounds: TimeBounds, ctx: RunContext, command: str) -> Iterator[Event]:
    """Events whose ``_indextime`` is in [_index_earliest, _index_latest). An event without ``_indextime`` (data
    registered without index times) counts as indexed at the search's ``now``, as freshly replayed data is."""
    low, high = time_window(TimeBounds(bounds.index_earliest, bounds.index_latest, bounds.offset), ctx, command)
    for event in events:
        when = event.get("_indextime")
        indexed = when if isinstance(when, (int, float)) and not isinstance(when, bool) else ctx.now
        if (low is None or indexed >= low) and (high is None or indexed < high):
            yield event


def run_search(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, SearchCommand)
    predicate = compile_search(resolve_subsearches(node.expr, ctx))
    earliest, latest = time_window(node.bounds, ctx, node.name)
    if node.bounds.on_index_time:
        events = index_time_filter(events, node.bounds, ctx, node.name)
    for event in events:
        if in_window(event, earliest, latest) and predicate(event):
            yield event


@dataclass(frozen=True)
class WhereCommand(CommandNode):
    expr: Expr

    def requires(self, needed: FieldSet) -> FieldSet:
        return plus(needed, expression_fields(self.expr))


def parse_where(cmd: CommandInput) -> WhereCommand:
    cur = cmd.eval_cursor()
    if cur.at_end():
        raise cur.error("expected an expression")
    return WhereCommand(cmd.name, cmd.offset, parse_full_expression(cur))


def run_where(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, WhereCommand)
    compiled = ctx.evaluator.compile(node.expr)
    evaluator = ctx.evaluator
    for event in events:
        result = compiled(EvalState(evaluator, event))
        if result is True:
            yield event
        elif result is not None and result is not False:
            raise SplRuntimeError(
                "where: the expression must be a Boolean (a comparison or a Boolean function)",
                offset=node.offset,
                command=node.name,
            )


SPECS = (
    CommandSpec(("search",), parse_search_command, run_search, streaming=True, multivalue=assigns_nothing,
                fields=lambda node: uses(search_fields(node.expr) - {"_raw"})),  # type: ignore[attr-defined]
    CommandSpec(("where",), parse_where, run_where, streaming=True, multivalue=assigns_nothing,
                fields=lambda node: uses(expression_fields(node.expr))),  # type: ignore[attr-defined]
)
