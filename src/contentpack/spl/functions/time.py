"""Date and time functions: now, time, relative_time, strftime, strptime.

Source: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/date-and-time-functions
``now()`` and ``time()`` both return the caller's fixed search time (``ctx.now``) so replays are deterministic
(Splunk's ``time()`` is the wall clock at evaluation; a replay has no meaningful wall clock).
"""

from __future__ import annotations

from contentpack.spl.errors import SplRuntimeError, SplUnsupportedError
from contentpack.spl.functions import coerce
from contentpack.spl.functions.spec import FunctionSpec, eager
from contentpack.spl import timeutil
from contentpack.spl.values import EvalContext, Value

# The functions whose value depends on the search's time: an expression calling none of them gives the same
# value at every run time (``spl.prepared`` relies on it to compute a scheduled search's per-event commands once).
RUN_TIME_FUNCTIONS = frozenset({"now", "time"})


@eager("now", 0, 0)
def _now(ctx: EvalContext, args: list[Value]) -> Value:
    return ctx.now


@eager("time", 0, 0)
def _time(ctx: EvalContext, args: list[Value]) -> Value:
    return ctx.now


@eager("relative_time", 2, 2)
def _relative_time(ctx: EvalContext, args: list[Value]) -> Value:
    epoch, modifier = coerce.number(args[0]), coerce.text(args[1])
    if epoch is None or modifier is None:
        return None
    try:
        return timeutil.relative_time(float(epoch), modifier, ctx.tz)
    except (ValueError, OverflowError) as exc:
        raise SplRuntimeError(str(exc)) from None


@eager("strftime", 2, 2, returns_text=True)
def _strftime(ctx: EvalContext, args: list[Value]) -> Value:
    epoch, fmt = coerce.number(args[0]), coerce.text(args[1])
    if epoch is None or fmt is None:
        return None
    try:
        return timeutil.strftime(float(epoch), fmt, ctx.tz)
    except timeutil.UnsupportedTimeVariable as exc:
        raise SplUnsupportedError(str(exc)) from None
    except (ValueError, OverflowError) as exc:
        raise SplRuntimeError(str(exc)) from None


@eager("strptime", 2, 2)
def _strptime(ctx: EvalContext, args: list[Value]) -> Value:
    text, fmt = coerce.text(args[0]), coerce.text(args[1])
    if text is None or fmt is None:
        return None
    try:
        return timeutil.strptime(text, fmt, ctx.tz)
    except timeutil.UnsupportedTimeVariable as exc:
        raise SplUnsupportedError(str(exc)) from None
    except ValueError as exc:
        raise SplRuntimeError(str(exc)) from None


FUNCTIONS: tuple[FunctionSpec, ...] = (_now, _time, _relative_time, _strftime, _strptime)
