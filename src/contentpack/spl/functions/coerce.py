"""Argument coercions shared by every function family: one home for "what counts as a number/text/flag".

Splunk's rule (Search Reference, "Evaluation functions" overview): a function that needs a number reads the
value's numeric form; text that is not a number makes the result null. A multivalue argument where a single
value is expected uses its first value, except where the function's page says it "is not supported on
multivalue fields", or where no page says what a multivalue gives and the first value would be a guess
(:func:`single_text`).
"""

from __future__ import annotations

from contentpack.spl.errors import SplRuntimeError, SplUnsupportedError
from contentpack.spl.values import Scalar, Value, as_number, mv_values, to_str


def first(value: Value) -> Scalar | None:
    """The single value of an argument: the first value of a multivalue, ``None`` for null."""
    if isinstance(value, tuple):
        return value[0] if value else None
    return value


NOT_SUPPORTED_ON_MV = "the function's page says \"This function is not supported on multivalue fields.\""


def single_text(value: Value, why: str = NOT_SUPPORTED_ON_MV) -> str | None:
    """The text of an argument its function's page calls "not supported on multivalue fields" (or, ``why``
    says, states nothing about a multivalue input: ``split``).

    The 10.0 Text functions page says so, word for word, of ``len``, ``substr``, ``trim``/``ltrim``/``rtrim``,
    ``replace``, ``spath`` and ``urldecode``, and states no result for such an input; no page, answer or issue
    found says what Splunk returns for one. So a multivalue is refused as unsupported rather than answered with a
    guess (its first value, or each value); a single value or null reads as :func:`text` does. ``mvmap`` applies
    such a function to each value, where the documented usage holds.
    """
    if isinstance(value, tuple):
        raise SplUnsupportedError(
            f"a multivalue argument ({len(value)} values) is not supported: {why} (use mvmap(<field>, ...) to "
            "apply it to each value, or mvindex to pick one)")
    return to_str(value)


def number(value: Value) -> int | float | None:
    """The numeric reading of an argument, ``None`` when it is null or not a number."""
    return as_number(first(value))


def text(value: Value) -> str | None:
    """The text of an argument (booleans as ``true``/``false``), ``None`` for null."""
    return to_str(first(value))


def integer(value: Value) -> int | None:
    """An argument that must be a whole number (indexes, lengths, bases): ``None`` when it is not one."""
    num = number(value)
    if num is None:
        return None
    if isinstance(num, float):
        if not num.is_integer():
            return None
        return int(num)
    return num


def boolean(value: Value, function: str) -> bool | None:
    """A condition argument: ``True``/``False``, ``None`` for null; anything else is an error.

    Splunk rejects a non-Boolean condition as invalid arguments to the function.
    """
    if value is None or isinstance(value, bool):
        return value
    raise SplRuntimeError(f"the condition of '{function}' must be a Boolean expression, got {describe(value)}")


def values(value: Value) -> list[Scalar]:
    """All values of an argument (re-exported so families need only this module)."""
    return mv_values(value)


def describe(value: Value) -> str:
    """A short description of a value for error messages."""
    if isinstance(value, tuple):
        return f"a multivalue of {len(value)} values"
    if isinstance(value, bool):
        return "a Boolean"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"the string {value!r}"
