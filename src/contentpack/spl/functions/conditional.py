"""Comparison and conditional functions: if, case, coalesce, nullif, validate, like, match, searchmatch, in,
null/true/false.

Source: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions
``if``/``case``/``coalesce`` are lazy so only the branch Splunk would evaluate is evaluated.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from contentpack.spl.errors import SplRuntimeError
from contentpack.spl.functions import coerce
from contentpack.spl.functions.spec import FunctionSpec, eager, lazy
from contentpack.spl.regex import Pcre, compile_pcre, compile_plain, glob_fullmatch
from contentpack.spl.values import EvalContext, Value, compare


# the page: <true_value> when the predicate is TRUE, else <false_value>: either branch's values, as they are
@lazy("if", 3, 3, keeps_values=(1, 2))
def _if(ctx: EvalContext, nodes: list[Any]) -> Value:
    condition = coerce.boolean(ctx.evaluate(nodes[0]), "if")
    return ctx.evaluate(nodes[1] if condition else nodes[2])


# "returns the first value for which the condition evaluates to TRUE": any pair's value, as it is
@lazy("case", 2, None, keeps_values="pairs")
def _case(ctx: EvalContext, nodes: list[Any]) -> Value:
    """Pairs of condition, value; the first true condition wins; no match gives null."""
    if len(nodes) % 2:
        raise SplRuntimeError("the 'case' function takes pairs of condition and value (an even number of arguments)")
    for index in range(0, len(nodes), 2):
        if coerce.boolean(ctx.evaluate(nodes[index]), "case"):
            return ctx.evaluate(nodes[index + 1])
    return None


# "returns the first value that is not NULL": any argument's values, whenever those before it are null
@lazy("coalesce", 1, None, keeps_values="every")
def _coalesce(ctx: EvalContext, nodes: list[Any]) -> Value:
    for node in nodes:
        value = ctx.evaluate(node)
        if value is not None:
            return value
    return None


@lazy("validate", 2, None)
def _validate(ctx: EvalContext, nodes: list[Any]) -> Value:
    """Pairs of condition, message: the message of the first condition that is FALSE, or null if all hold."""
    if len(nodes) % 2:
        raise SplRuntimeError("the 'validate' function takes pairs of condition and value (an even number of arguments)")
    for index in range(0, len(nodes), 2):
        if coerce.boolean(ctx.evaluate(nodes[index]), "validate") is False:
            return ctx.evaluate(nodes[index + 1])
    return None


@eager("nullif", 2, 2)
def _nullif(ctx: EvalContext, args: list[Value]) -> Value:
    a, b = args
    if a is not None and b is not None and not isinstance(a, tuple) and not isinstance(b, tuple):
        if compare(a, b) == 0:
            return None
    return a


@lru_cache(maxsize=256)
def like_pattern(pattern: str) -> Pcre:
    """The regex for an SQL-style LIKE pattern: ``%`` any run, ``_`` one character, ``\\%``/``\\_`` literal."""
    parts: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "%_\\":
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return compile_plain("".join(parts), re.DOTALL, pattern)


def like(text: str, pattern: str) -> bool:
    """SQL LIKE, case-sensitive, whole-value match (shared with the ``LIKE`` operator). A pattern with only
    ``%`` wildcards is matched by a linear scan, no regex (``%e%e%e%zzz`` cannot backtrack)."""
    if "_" not in pattern and "\\" not in pattern:
        return glob_fullmatch(tuple(pattern.split("%")), text)
    return like_pattern(pattern).fullmatch(text) is not None


@eager("like", 2, 2)
def _like(ctx: EvalContext, args: list[Value]) -> Value:
    text, pattern = coerce.text(args[0]), coerce.text(args[1])
    if text is None or pattern is None:
        return None
    return like(text, pattern)


@eager("match", 2, 2, patterns=(1,))
def _match(ctx: EvalContext, args: list[Value]) -> Value:
    """Unanchored PCRE search: true when the regex matches anywhere in the value."""
    text, pattern = coerce.text(args[0]), coerce.text(args[1])
    if text is None or pattern is None:
        return None
    return compile_pcre(pattern).search(text) is not None


@eager("searchmatch", 1, 1)
def _searchmatch(ctx: EvalContext, args: list[Value]) -> Value:
    text = coerce.text(args[0])
    if text is None:
        return None
    return ctx.searchmatch(text)


@eager("in", 1, None)
def _in(ctx: EvalContext, args: list[Value]) -> Value:
    """True when any value of the first argument equals one of the listed values (exact, case-sensitive)."""
    candidates = [v for arg in args[1:] for v in coerce.values(arg)]
    for value in coerce.values(args[0]):
        if any(compare(value, candidate) == 0 for candidate in candidates):
            return True
    return False


@eager("null", 0, 0)
def _null(ctx: EvalContext, args: list[Value]) -> Value:
    return None


@eager("true", 0, 0)
def _true(ctx: EvalContext, args: list[Value]) -> Value:
    return True


@eager("false", 0, 0)
def _false(ctx: EvalContext, args: list[Value]) -> Value:
    return False


FUNCTIONS: tuple[FunctionSpec, ...] = (
    _if, _case, _coalesce, _validate, _nullif, _like, _match, _searchmatch, _in, _null, _true, _false,
)
