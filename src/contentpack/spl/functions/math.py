"""Mathematical and statistical eval functions: abs, ceiling/ceil, floor, round, pow, log, ln, exp, sqrt, pi,
exact, min, max.

Sources: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/mathematical-functions ;
https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/statistical-eval-functions
A non-numeric argument makes the result null; results outside the real numbers (``sqrt(-1)``, ``log(0)``) are null.
``max``/``min`` take multivalue fields (Multivalue eval functions page: "You can also use the statistical eval
functions, max and min, on multivalue fields."); the Mathematical functions page says nothing of a multivalue
given to the others, so one is refused (``FunctionSpec.multivalue``).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from contentpack.spl.errors import SplUnsupportedError
from contentpack.spl.functions import coerce
from contentpack.spl.functions.spec import FunctionSpec, eager, lazy
from contentpack.spl.values import EvalContext, Scalar, Value, as_number, lexicographic_key


def _numeric_or_none(result: float) -> int | float | None:
    return result if math.isfinite(result) else None


@eager("abs", 1, 1)
def _abs(ctx: EvalContext, args: list[Value]) -> Value:
    number = coerce.number(args[0])
    return None if number is None else abs(number)


def _ceiling(ctx: EvalContext, args: list[Value]) -> Value:
    number = coerce.number(args[0])
    return None if number is None or not math.isfinite(number) else math.ceil(number)


_ceiling_spec = FunctionSpec("ceiling", 1, 1, _ceiling)
_ceil_spec = FunctionSpec("ceil", 1, 1, _ceiling)


@eager("floor", 1, 1)
def _floor(ctx: EvalContext, args: list[Value]) -> Value:
    number = coerce.number(args[0])
    return None if number is None or not math.isfinite(number) else math.floor(number)


def round_half_away(number: int | float, digits: int = 0) -> int | float:
    """Round to ``digits`` decimals, halves away from zero, on the decimal text of the number.

    Why decimal text: ``round(2.555, 2)`` must give 2.56 as Splunk documents, while the binary double
    2.555 sits just below the half and binary rounding gives 2.55.
    """
    if isinstance(number, int) and digits >= 0:
        return number
    if not math.isfinite(number):
        return number
    try:
        quantum = Decimal(1).scaleb(-digits)
        rounded = Decimal(repr(number)).quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return number
    if digits <= 0:
        return int(rounded)
    return float(rounded)


@eager("round", 1, 2)
def _round(ctx: EvalContext, args: list[Value]) -> Value:
    number = coerce.number(args[0])
    digits = coerce.integer(args[1]) if len(args) > 1 else 0
    if number is None or digits is None:
        return None
    if digits < 0:
        # "You cannot specify a negative number for the decimal places": what Splunk does then is not said.
        raise SplUnsupportedError(f"a negative number of decimal places ({digits}) is not supported")
    return round_half_away(number, digits)


@eager("pow", 2, 2)
def _pow(ctx: EvalContext, args: list[Value]) -> Value:
    base, exponent = coerce.number(args[0]), coerce.number(args[1])
    if base is None or exponent is None:
        return None
    if isinstance(base, int) and isinstance(exponent, int) and 0 <= exponent <= 64:
        return base**exponent
    try:
        result = float(base) ** float(exponent)
    except (OverflowError, ZeroDivisionError):
        return None
    if isinstance(result, complex):
        return None
    return _numeric_or_none(result)


@eager("log", 1, 2)
def _log(ctx: EvalContext, args: list[Value]) -> Value:
    """Logarithm, base 10 unless a base is given."""
    number = coerce.number(args[0])
    base = coerce.number(args[1]) if len(args) > 1 else 10
    if number is None or base is None or number <= 0 or base <= 0 or base == 1:
        return None
    return math.log(number, base) if base != 10 else math.log10(number)


@eager("ln", 1, 1)
def _ln(ctx: EvalContext, args: list[Value]) -> Value:
    number = coerce.number(args[0])
    if number is None or number <= 0:
        return None
    return math.log(number)


@eager("exp", 1, 1)
def _exp(ctx: EvalContext, args: list[Value]) -> Value:
    number = coerce.number(args[0])
    if number is None:
        return None
    try:
        return math.exp(number)
    except OverflowError:
        return None


@eager("sqrt", 1, 1)
def _sqrt(ctx: EvalContext, args: list[Value]) -> Value:
    number = coerce.number(args[0])
    if number is None or number < 0:
        return None
    return math.sqrt(number)


# "This function takes no arguments and returns the constant pi to 11 digits of precision" (Mathematical functions).
PI_11_DIGITS = 3.14159265359


@eager("pi", 0, 0)
def _pi(ctx: EvalContext, args: list[Value]) -> Value:
    return PI_11_DIGITS


@lazy("exact", 1, 1)
def _exact(ctx: EvalContext, nodes: list[Any]) -> Value:
    """The expression's number with its products in full double precision: Splunk's default multiplication keeps
    only the significant figures of its least precise fractional operand, and exact() "renders the result of a
    numeric expression with a larger amount of precision in the formatted output" (Mathematical functions);
    Splunk's community wiki shows ``exact(3 * 0.5)`` as 1.5 where ``3 * 0.5`` is 2
    (https://wiki.splunk.com/Community:BadMath). Without exact() the engine refuses a product those figures
    would change (``evaluator.product``). The result prints as any number does (``values.format_number``)."""
    saved, ctx.exact = ctx.exact, True
    try:
        return coerce.number(ctx.evaluate(nodes[0]))
    finally:
        ctx.exact = saved


def _extreme(args: list[Value], want_max: bool) -> Value:
    """Eval min/max over all values: numbers compare numerically; strings are greater than numbers and
    compare lexicographically among themselves (documented for ``max``; ``min`` mirrors it)."""
    numbers: list[tuple[int | float, Scalar]] = []
    strings: list[Scalar] = []
    for arg in args:
        for value in coerce.values(arg):
            number = as_number(value)
            if number is not None:
                numbers.append((number, value))
            elif not isinstance(value, bool):
                strings.append(value)
    if want_max:
        if strings:
            return max(strings, key=lexicographic_key)
        return max(numbers, key=lambda pair: pair[0])[1] if numbers else None
    if numbers:
        return min(numbers, key=lambda pair: pair[0])[1]
    return min(strings, key=lexicographic_key) if strings else None


@eager("max", 1, None, multivalue="every")
def _max(ctx: EvalContext, args: list[Value]) -> Value:
    return _extreme(args, want_max=True)


@eager("min", 1, None, multivalue="every")
def _min(ctx: EvalContext, args: list[Value]) -> Value:
    return _extreme(args, want_max=False)


FUNCTIONS: tuple[FunctionSpec, ...] = (
    _abs, _ceiling_spec, _ceil_spec, _floor, _round, _pow, _log, _ln, _exp, _sqrt, _pi, _exact, _max, _min,
)
