"""Informational functions: isnull, isnotnull, isnum, isint, isstr, isbool, isarray, isobject, typeof.

Source: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/informational-functions
A field value that reads as a number is a Number to eval (fields hold text; eval types them on use).
``isnull``/``isnotnull`` take a multivalue whole: it holds values, and null is "no value" (``null()``, Comparison
and Conditional functions page: "The evaluation engine uses NULL to represent "no value""); ``typeof`` calls
it ``Multivalue`` (``assumed``). No page says what ``isnum``, ``isint``, ``isstr``, ``isbool``, ``isarray`` or
``isobject`` answer for one (the engine answered false, or read the first value), so one is refused.
"""

from __future__ import annotations

from contentpack.spl.events import load_json_value
from contentpack.spl.functions import coerce
from contentpack.spl.functions.spec import FunctionSpec, eager
from contentpack.spl.values import EvalContext, Value, as_number


def type_name(value: Value) -> str:
    """Splunk's ``typeof`` wording: Number, String, Bool, Multivalue, or Invalid for null. The page's example
    ``typeof(12) + typeof("string") + typeof(1==2) + typeof(badfield)`` "returns "NumberStringBoolInvalid""."""
    if value is None:
        return "Invalid"
    if isinstance(value, tuple):
        return "Multivalue"
    if isinstance(value, bool):
        return "Bool"
    if as_number(value) is not None:
        return "Number"
    return "String"


@eager("typeof", 1, 1, multivalue=(0,))
def _typeof(ctx: EvalContext, args: list[Value]) -> Value:
    return type_name(args[0])


@eager("isnull", 1, 1, multivalue=(0,))
def _isnull(ctx: EvalContext, args: list[Value]) -> Value:
    return args[0] is None


@eager("isnotnull", 1, 1, multivalue=(0,))
def _isnotnull(ctx: EvalContext, args: list[Value]) -> Value:
    return args[0] is not None


@eager("isnum", 1, 1)
def _isnum(ctx: EvalContext, args: list[Value]) -> Value:
    """A field holding the text ``NaN`` is a number (``as_number`` reads it as a NaN), the literal ``"NaN"`` is
    not (a ``Text``): the page's example gives ``strvalIsNumeric`` and ``numvalIsNumeric`` true,
    ``literalNanIsNumeric`` false."""
    return type_name(args[0]) == "Number"


@eager("isint", 1, 1)
def _isint(ctx: EvalContext, args: list[Value]) -> Value:
    if type_name(args[0]) != "Number":
        return False
    number = coerce.number(args[0])
    return isinstance(number, int) or (isinstance(number, float) and number.is_integer())


@eager("isstr", 1, 1)
def _isstr(ctx: EvalContext, args: list[Value]) -> Value:
    """A NaN is a string as well as a number: the page (10.0, isstr), "When a "NaN" string is contained in a
    field, the "NaN" behaves as both a string and a number. [...] In both cases, the isstr command parses the
    "NaN" value as a string", its example giving ``strvalIsStr`` and ``numvalIsStr`` (``strval % 1``) true."""
    number = as_number(args[0])
    return type_name(args[0]) == "String" or number != number  # only a NaN differs from itself


@eager("isbool", 1, 1)
def _isbool(ctx: EvalContext, args: list[Value]) -> Value:
    return isinstance(args[0], bool)


def _json_kind(value: Value) -> type | None:
    """The JSON container type a text value holds (list or dict), else None."""
    text = coerce.text(value)
    if text is None or not text.lstrip().startswith(("[", "{")):
        return None
    try:
        decoded = load_json_value(text)
    except ValueError:
        return None
    return type(decoded) if isinstance(decoded, (list, dict)) else None


@eager("isarray", 1, 1)
def _isarray(ctx: EvalContext, args: list[Value]) -> Value:
    """TRUE for a JSON array value (documented: isarray("[1, 2, 3]") is True, isarray(1) is False)."""
    return _json_kind(args[0]) is list


@eager("isobject", 1, 1)
def _isobject(ctx: EvalContext, args: list[Value]) -> Value:
    """TRUE for a JSON object value."""
    return _json_kind(args[0]) is dict


FUNCTIONS: tuple[FunctionSpec, ...] = (
    _typeof, _isnull, _isnotnull, _isnum, _isint, _isstr, _isbool, _isarray, _isobject,
)
