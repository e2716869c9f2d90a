"""Informational functions: isnull, isnotnull, isnum, isint, isstr, isbool, isarray, isobject, typeof.

Source: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/informational-functions
A field value that reads as a number is a Number to eval (fields hold text; eval types them on use).
"""

from __future__ import annotations

import json

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


@eager("typeof", 1, 1)
def _typeof(ctx: EvalContext, args: list[Value]) -> Value:
    return type_name(args[0])


@eager("isnull", 1, 1)
def _isnull(ctx: EvalContext, args: list[Value]) -> Value:
    return args[0] is None


@eager("isnotnull", 1, 1)
def _isnotnull(ctx: EvalContext, args: list[Value]) -> Value:
    return args[0] is not None


@eager("isnum", 1, 1)
def _isnum(ctx: EvalContext, args: list[Value]) -> Value:
    """A field holding the text ``NaN`` is a number here (and still a String to isstr and typeof): the page,
    "When a field contains a "NaN" string, the "NaN" behaves as both a string and a number", its example
    giving ``strvalIsNumeric`` true; the literal ``"NaN"`` is a ``Text`` and stays a string. Only the page's
    spelling is read so (other spellings: no page says)."""
    value = args[0]
    return type_name(value) == "Number" or (type(value) is str and value == _FIELD_NAN)


_FIELD_NAN = "NaN"


@eager("isint", 1, 1)
def _isint(ctx: EvalContext, args: list[Value]) -> Value:
    if type_name(args[0]) != "Number":
        return False
    number = coerce.number(args[0])
    return isinstance(number, int) or (isinstance(number, float) and number.is_integer())


@eager("isstr", 1, 1)
def _isstr(ctx: EvalContext, args: list[Value]) -> Value:
    return type_name(args[0]) == "String"


@eager("isbool", 1, 1)
def _isbool(ctx: EvalContext, args: list[Value]) -> Value:
    return isinstance(args[0], bool)


def _json_kind(value: Value) -> type | None:
    """The JSON container type a text value holds (list or dict), else None."""
    text = coerce.text(value)
    if text is None or not text.lstrip().startswith(("[", "{")):
        return None
    try:
        decoded = json.loads(text)
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
