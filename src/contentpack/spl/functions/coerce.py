"""Argument coercions shared by every function family: one home for "what counts as a number/text/flag".

Splunk's rule (Search Reference, "Evaluation functions" overview): a function that needs a number reads the
value's numeric form; text that is not a number makes the result null. A multivalue reaches a function only in
the arguments its page says take one (``FunctionSpec.multivalue``); in any other the evaluator refuses it first
(:func:`multivalue_refused`), so the readers below see one value or null.
"""

from __future__ import annotations

from collections.abc import Sequence

from contentpack.spl.errors import SplRuntimeError, SplUnsupportedError
from contentpack.spl.values import Scalar, Value, as_number, mv_values, to_str


def first(value: Value) -> Scalar | None:
    """The single value of an argument, ``None`` for null. A multivalue here is refused as
    :func:`multivalue_refused` (a function called without the evaluator's check, as the unit tests do): never
    read as its first value."""
    if isinstance(value, tuple):
        raise multivalue_refused(value)
    return value


NOT_SUPPORTED_ON_MV = "the function's page says \"This function is not supported on multivalue fields.\""
NO_PAGE_SAYS = "no Splunk page says which of its values the function reads, or what it returns for several"
INPUT_FIELD = "input field"  # the ``kind`` of a command's input field (``commands.base.single_input``)


def multivalue_refused(value: tuple[Scalar, ...], why: str | None = None, argument: str | None = None,
                       kind: str = "argument", field: str | None = None, also: str | None = None) -> SplUnsupportedError:
    """The error for a multivalue in an argument that takes one value (``FunctionSpec.single_value_args``), or,
    with ``kind="operand"``, in an operand of an eval/where operator (``evaluator.single_operand``), or, with
    ``kind=INPUT_FIELD``, in the input ``field`` of a command that reads one value (``commands.base.single_input``):
    the way out is then a command before it, as eval functions are no command's arguments.

    Why refuse rather than read the first value, as the engine did: the pages that say anything say the
    function "is not supported on multivalue fields" (Text functions: ``len``, ``substr``, ``trim``...), and the
    others (and the eval page's operators) say nothing, so any reading is a guess; ``match(mv, "q")`` false while
    ``mv == "q"`` is true is how such a guess turns a detection's ``where`` without a word. The message says how
    to write it unambiguously. ``argument`` names it (``argument 1, 'scope'``) when the caller knows it; ``also``
    adds a way out that fits one command (``sort``: the smallest value, ``dedup``: the set of values).
    """
    where = f" ({argument})" if argument else ""
    if kind == INPUT_FIELD:
        name = field or "<field>"
        way_out = (f"say which value you mean before it: eval {name}=mvindex({name}, 0) for one value, "
                   f"eval {name}=mvjoin({name}, <delimiter>) for all of them as one text, mvexpand {name} for "
                   "one event per value" + (f", {also}" if also else ""))
    else:
        way_out = ("say which value you mean: mvindex(<field>, 0) for one value, mvfind(<field>, <regex>) or "
                   "mvfilter(<expression>) to test each value, mvjoin(<field>, <delimiter>) for all of them as "
                   "one text, mvmap(<field>, <expression>) to apply it to each")
    return SplUnsupportedError(
        f"a multivalue {kind} ({len(value)} values) is not supported{where}: {why or NO_PAGE_SAYS}; {way_out}")


def refuse_multivalues(values: Sequence[Value], indexes: Sequence[int], why: str | None = None,
                       labels: Sequence[str] | None = None) -> None:
    """Refuse (:func:`multivalue_refused`) a multivalue among ``values`` at ``indexes`` (the arguments
    ``FunctionSpec.single_value_args`` names); ``labels`` name them, position by position with ``indexes``."""
    for position, index in enumerate(indexes):
        value = values[index]
        if isinstance(value, tuple):
            raise multivalue_refused(value, why, labels[position] if labels else f"argument {index + 1}")


def number(value: Value) -> int | float | None:
    """The numeric reading of an argument, ``None`` when it is null or not a number (a multivalue: see
    :func:`first`)."""
    return as_number(first(value))


def text(value: Value) -> str | None:
    """The text of an argument (booleans as ``true``/``false``), ``None`` for null (a multivalue: see
    :func:`first`)."""
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
