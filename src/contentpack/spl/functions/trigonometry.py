"""Trigonometry and hyperbolic functions: acos, acosh, asin, asinh, atan, atan2, atanh, cos, cosh, hypot, sin,
sinh, tan, tanh (angles in radians).

Source: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/trig-and-hyperbolic-functions
A non-numeric argument, or one outside the function's domain (``acos(2)``), gives null.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from contentpack.spl.functions import coerce
from contentpack.spl.functions.spec import FunctionSpec
from contentpack.spl.values import EvalContext, Value


def _numeric(name: str, arity: int, function: Callable[..., float]) -> FunctionSpec:
    def impl(ctx: EvalContext, args: list[Value]) -> Value:
        numbers = [coerce.number(arg) for arg in args]
        if any(number is None for number in numbers):
            return None
        try:
            result = function(*numbers)
        except (ValueError, OverflowError):
            return None
        return result if math.isfinite(result) else None

    return FunctionSpec(name, arity, arity, impl)


FUNCTIONS: tuple[FunctionSpec, ...] = tuple(
    _numeric(name, arity, function)
    for name, arity, function in (
        ("acos", 1, math.acos), ("acosh", 1, math.acosh), ("asin", 1, math.asin), ("asinh", 1, math.asinh),
        ("atan", 1, math.atan), ("atan2", 2, math.atan2), ("atanh", 1, math.atanh), ("cos", 1, math.cos),
        ("cosh", 1, math.cosh), ("hypot", 2, math.hypot), ("sin", 1, math.sin), ("sinh", 1, math.sinh),
        ("tan", 1, math.tan), ("tanh", 1, math.tanh),
    )
)
