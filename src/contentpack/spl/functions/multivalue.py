"""Multivalue eval functions: mvappend, mvcount, mvdedup, mvfilter, mvfind, mvindex, mvjoin, mvmap, mvrange,
mvsort, mvzip.

Source: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions
Indexes are 0-based; negative indexes count from the end (-1 is the last value); an ``mvindex`` range
includes its end index. The arguments the page describes as multivalue fields take one whole (``multivalue=``:
``mvappend``'s values "can be strings, multivalue fields, or single value fields", ``mvcount``, ``mvdedup``,
``mvfind``, ``mvindex``, ``mvjoin``'s ``<mv>``, ``mvsort``, ``mvzip``'s ``<mv_left>``/``<mv_right>``); a
multivalue index, regex, delimiter or ``mvrange`` bound is refused, as in every function.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from typing import Any

from contentpack.spl import limits, timeutil
from contentpack.spl.errors import SplRuntimeError
from contentpack.spl.functions import coerce
from contentpack.spl.functions.spec import FunctionSpec, eager, lazy
from contentpack.spl.regex import compile_pcre
from contentpack.spl.values import EvalContext, Scalar, Value, lexicographic_key, make_mv, to_str


# "returns a single multivalue result that contains all of the values": each argument's, and two or more make one
@eager("mvappend", 1, None, multivalue="every", keeps_values="every", makes_from_arity=2)
def _mvappend(ctx: EvalContext, args: list[Value]) -> Value:
    return make_mv(v for arg in args for v in coerce.values(arg))


@eager("mvcount", 1, 1, multivalue=(0,))
def _mvcount(ctx: EvalContext, args: list[Value]) -> Value:
    values = coerce.values(args[0])
    return len(values) if values else None


# "returns a multivalue field with its duplicate values removed": several distinct values stay several
@eager("mvdedup", 1, 1, multivalue=(0,), keeps_values=(0,))
def _mvdedup(ctx: EvalContext, args: list[Value]) -> Value:
    seen: set[str] = set()
    kept: list[Scalar] = []
    for value in coerce.values(args[0]):
        key = to_str(value) or ""
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return make_mv(kept)


def _resolve_index(index: int, count: int) -> int:
    return index + count if index < 0 else index


def mvindex(values: list[Scalar], start: int, end: int | None) -> Value:
    """The value at ``start``, or the values from ``start`` to ``end`` inclusive; out of range gives null."""
    count = len(values)
    first = _resolve_index(start, count)
    if not 0 <= first < count:
        return None
    if end is None:
        return values[first]
    last = min(_resolve_index(end, count), count - 1)
    if last < first:
        return None
    return make_mv(values[first : last + 1])


# "returns a subset of the multivalue field using the start and end index values": a range (3 arguments) can keep
# several of them, but not from a start to the same index or one before it; "If the <end> value is not specified,
# the function returns only the value at <start>"
@eager("mvindex", 2, 3, multivalue=(0,), keeps_values=(0,), keeps_from_arity=3, span_args=(1, 2))
def _mvindex(ctx: EvalContext, args: list[Value]) -> Value:
    start = coerce.integer(args[1])
    end = coerce.integer(args[2]) if len(args) > 2 else None
    if start is None or (len(args) > 2 and end is None):
        return None
    return mvindex(coerce.values(args[0]), start, end)


@eager("mvfind", 2, 2, patterns=(1,), multivalue=(0,))
def _mvfind(ctx: EvalContext, args: list[Value]) -> Value:
    """Index of the first value the regex matches (unanchored), or null."""
    pattern = coerce.text(args[1])
    if pattern is None:
        return None
    compiled = compile_pcre(pattern)
    for index, value in enumerate(coerce.values(args[0])):
        if compiled.search(to_str(value) or ""):
            return index
    return None


@eager("mvjoin", 2, 2, returns_text=True, multivalue=(0,))
def _mvjoin(ctx: EvalContext, args: list[Value]) -> Value:
    values = coerce.values(args[0])
    delimiter = coerce.text(args[1])
    if not values or delimiter is None:
        return None
    return delimiter.join(to_str(v) or "" for v in values)


# "creates a multivalue field based on a range of specified numbers"
@eager("mvrange", 2, 3, makes_from_arity=2)
def _mvrange(ctx: EvalContext, args: list[Value]) -> Value:
    """Numbers from start up to (not including) end by step; a timespan step (``"7d"``) steps UNIX times."""
    start, end = coerce.number(args[0]), coerce.number(args[1])
    timespan = coerce.text(args[2]) if len(args) > 2 and coerce.number(args[2]) is None else None
    if timespan is not None:
        return None if start is None or end is None else _time_range(start, end, timespan, ctx.tz)
    step = coerce.number(args[2]) if len(args) > 2 else 1
    if start is None or end is None or step is None or step == 0:
        return None
    span = (end - start) / step
    count = max(0, math.ceil(span)) if math.isfinite(span) else sys.maxsize
    limits.check_mv_size(count, "mvrange")  # never a silently shortened range
    out: list[Scalar] = []
    current = start
    while current < end if step > 0 else current > end:
        out.append(current)
        current += step
    return make_mv(out)


def _time_range(start: int | float, end: int | float, span: str, tz: str) -> Value:
    """mvrange with a timespan step: "If the increment is a timespan such as 7d, the starting and ending numbers
    are treated as UNIX time". Each step is the relative time ``+<span>`` in the search's time zone, so a day
    keeps its wall-clock time across a daylight-saving change, as the page's example shows (1520277931 then
    1520879131, 7 days less one hour, in a US zone)."""
    modifier = "+" + span.strip()
    out: list[Scalar] = []
    current: int | float = start
    while current < end:
        out.append(current)
        limits.check_mv_size(len(out), "mvrange")
        try:
            following = timeutil.relative_time(float(current), modifier, tz)
        except ValueError as exc:
            raise SplRuntimeError(f"the step {span!r} is neither a number nor a timespan ({exc})") from None
        if following <= current:
            raise SplRuntimeError(f"the timespan step {span!r} must move forward")
        current = int(following) if float(following).is_integer() else following
    return make_mv(out)


# "returns a multivalue field with the values sorted lexicographically"
@eager("mvsort", 1, 1, multivalue=(0,), keeps_values=(0,))
def _mvsort(ctx: EvalContext, args: list[Value]) -> Value:
    """Lexicographic order (UTF-8 bytes): numbers before letters, by first digit."""
    return make_mv(sorted(coerce.values(args[0]), key=lexicographic_key))


# "combines the values in two multivalue fields", pairing them "similar to the Python zip command"
@eager("mvzip", 2, 3, returns_text=True, multivalue=(0, 1), zips_values=(0, 1))
def _mvzip(ctx: EvalContext, args: list[Value]) -> Value:
    """Pairs the values of two fields position by position, joined by the delimiter (default comma)."""
    left, right = coerce.values(args[0]), coerce.values(args[1])
    delimiter = coerce.text(args[2]) if len(args) > 2 else ","
    if not left or not right or delimiter is None:
        return None
    return make_mv(f"{to_str(a)}{delimiter}{to_str(b)}" for a, b in zip(left, right))


def referenced_fields(node: object) -> list[str]:
    """Names of the fields an expression node refers to, in first-seen order.

    Works on any dataclass AST: a node counts as a field reference when its class name contains "Field"
    and it has a string ``name`` (function-call nodes also have a ``name`` but are not "Field" nodes).
    """
    found: list[str] = []
    _walk_fields(node, found)
    return found


def _walk_fields(item: object, found: list[str]) -> None:
    """Add to ``found`` the fields ``item`` refers to (``referenced_fields``). A module function, not a closure
    calling itself: such a closure is a reference cycle, freed only by the garbage collector (mvmap's runs made
    thousands)."""
    if isinstance(item, (list, tuple)):
        for element in item:
            _walk_fields(element, found)
        return
    if not dataclasses.is_dataclass(item) or isinstance(item, type):
        return
    name = getattr(item, "name", None)
    if "field" in type(item).__name__.lower() and isinstance(name, str):
        if name not in found:
            found.append(name)
        return
    for field in dataclasses.fields(item):
        _walk_fields(getattr(item, field.name), found)


# "filters a multivalue field based on an arbitrary Boolean expression": some of the named field's values
@lazy("mvfilter", 1, 1, keeps_values="named")
def _mvfilter(ctx: EvalContext, nodes: list[Any]) -> Value:
    """Keep the values of the one field the expression names for which the expression is true."""
    fields = referenced_fields(nodes[0])
    if len(fields) != 1:
        raise SplRuntimeError(
            f"mvfilter needs an expression that refers to exactly one field, found {len(fields)}"
            + (f" ({', '.join(fields)})" if fields else "")
        )
    field = fields[0]
    kept: list[Scalar] = []
    for value in coerce.values(ctx.event.get(field)):
        if ctx.evaluate(nodes[0], {field: value}) is True:
            kept.append(value)
    return make_mv(kept)


# "returns a multivalue field with the list of results", one per value of the field it iterates over
@lazy("mvmap", 2, 2, keeps_values=(0,))
def _mvmap(ctx: EvalContext, nodes: list[Any]) -> Value:
    """Evaluate the expression once per value of the first argument, the one field it names bound to the value
    in turn: mvmap(results, results*10), and mvmap(mvindex(results, 1, 2), results*threshold) documented to
    multiply "the 2nd and 3rd values in the results field"; null results are dropped."""
    fields = referenced_fields(nodes[0])
    values = coerce.values(ctx.evaluate(nodes[0]))
    field = fields[0] if len(fields) == 1 else None
    mapped: list[Scalar] = []
    for value in values:
        result = ctx.evaluate(nodes[1], {field: value} if field else None)
        mapped.extend(coerce.values(result))
    return make_mv(mapped)


FUNCTIONS: tuple[FunctionSpec, ...] = (
    _mvappend, _mvcount, _mvdedup, _mvindex, _mvfind, _mvjoin, _mvrange, _mvsort, _mvzip, _mvfilter, _mvmap,
)
