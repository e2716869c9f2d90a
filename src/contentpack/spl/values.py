"""Field values as Splunk sees them.

An event is a ``dict[str, Value]``. A field that is absent is simply not in the dict (``None`` is used
for "null" results of eval expressions, and assigning ``None`` removes the field). A present value is:

* a scalar ``str`` — every value extracted from an event is the original text; its numeric reading is
  derived on demand (``as_number``), so ``"65004"`` and ``65004`` compare equal numerically;
* a scalar ``Text`` (a ``str``) — a String to eval even when its text looks like a number: a quoted string
  literal (``Quoted``, ``typeof("12")`` is String), a concatenation, or the result of a function whose page
  says it returns a string (``substr``, ``tostring``, ...; the function's spec declares it). It lives only
  inside an expression: a command storing a result in an event stores plain text (``field_value``);
* a scalar ``int``/``float`` — produced by eval arithmetic and numeric functions;
* a scalar ``bool`` — only as an intermediate result inside eval/where expressions (Splunk: "The result
  of an eval expression cannot be a Boolean"); commands never store a bool in an event;
* a multivalue ``tuple`` of scalars (length ≥ 2, or ≥ 1 when produced by mv functions).

Why strings with a lazy number and not typed columns: Splunk types values per value, not per field, and
the same field can be ``"0"`` in one event and ``"null"`` in the next. Keeping the original text keeps
``values()``/``dc()``/``list()`` (which Splunk documents as string-based) exact.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Protocol, Union

Scalar = Union[str, int, float, bool]
Value = Union[None, Scalar, tuple[Scalar, ...]]
Event = dict[str, Value]

# Numbers as Splunk reads them from text: optional sign, digits with optional fraction, or a leading dot,
# optional exponent. Hex, "inf", "nan" and thousands separators are not numbers. Surrounding spaces are not
# allowed (Splunk compares " 5" as a string). Field text ``NaN`` is the one word that reads as a number
# (``FIELD_NAN``, in ``as_number``).
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z")

# The text of a numeric NaN, both ways: a field holding it reads as a NaN, and a NaN prints as it. The
# Informational functions page (10.0, isnum): "When a field contains a "NaN" string, the "NaN" behaves as both
# a string and a number. However, when a "NaN" value is present as a literal string in an evaluator
# expression, it is considered a string, not a number", and "if the same value is stored as "NaN" in a field,
# it is parsed as a numeric type"; its example prints ``numval=strval % 1`` as ``NaN``. Only this spelling:
# the page shows no other, so ``nan`` and ``NAN`` stay strings (assumed).
FIELD_NAN = "NaN"


class Text(str):
    """Text that eval types as a String, never as a Number, whatever it spells.

    Why a ``str`` subclass and not a flag beside each value: every text operation (concatenation, ``len``,
    regexes, hashing, equality with field text) must treat it as the text it is; only the numeric reading
    differs (``as_number`` gives None). ``"5"+1`` is then null and ``"10" < "9"`` compares text, as the eval
    page's operator rules say for strings; ``substr("123", 1, 2) + 1`` is null the same way."""

    __slots__ = ()


class Quoted(Text):
    """A quoted string literal of the expression itself. Apart from being a String, it differs from a
    computed ``Text`` in one place: ``tonumber`` fails the search on a literal it cannot read, where it
    gives null for any other value (conversion functions page)."""

    __slots__ = ()


def as_text(value: Value) -> Value:
    """A function's text result typed as a String: each ``str`` (or each ``str`` value of a multivalue)
    becomes ``Text``; numbers, Booleans and null pass unchanged (a function documented to return a string
    still gives null for a null argument)."""
    if type(value) is str:
        return Text(value)
    if type(value) is tuple:
        return tuple(Text(item) if type(item) is str else item for item in value)
    return value


def field_value(value: Value) -> Value:
    """``value`` as a command stores it in an event: a String (``Text``) becomes plain field text, which reads
    as a number again when it looks like one (assumed: no page says whether eval's String type survives
    into the next command; a field's value is its text, so ``eval x="5" | where x > 3`` holds)."""
    if isinstance(value, Text):
        return str(value)
    if type(value) is tuple and any(isinstance(item, Text) for item in value):
        return tuple(str(item) if isinstance(item, Text) else item for item in value)
    return value


def mv_values(value: Value) -> list[Scalar]:
    """The values of a field as a list: [] for null, [v] for a scalar, the items of a multivalue."""
    if value is None:
        return []
    if isinstance(value, tuple):
        return list(value)
    return [value]


def make_mv(values: Iterable[Scalar]) -> Value:
    """Collapse a list into a field value: [] → null, [v] → v, more → multivalue tuple."""
    items = tuple(values)
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    return items


def epoch_seconds(value: object) -> float | None:
    """A ``_time`` (or ``_indextime``) value as epoch seconds when it is a number, else None: a bool is not a
    time, nor is a NaN, which has no place in time (a sort key that is one leaves an order undefined)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        return float(value)
    return None


def as_number(value: Value) -> int | float | None:
    """The numeric reading of a scalar, or None when it is not a number (multivalues are not numbers). Field
    text reads as the number it spells, and the text ``NaN`` as a NaN (``FIELD_NAN``); ``Text`` never reads as
    a number, so the literal ``"NaN"`` stays a string."""
    if type(value) is float:  # by type, not isinstance: a bool is an int, and no number
        return value
    if type(value) is int:
        return within_double(value)
    if type(value) is str:  # Text (a literal, a function's text result) is a String, whatever it spells
        if _NUMBER.match(value):
            return _spelled_number(value)
        return math.nan if value == FIELD_NAN else None  # the check costs only text that is no number
    return None  # a bool, Text, a multivalue, null


def parse_number(text: str) -> int | float | None:
    """The number ``text`` spells in digits, or None: for ``tonumber`` of any text (``tonumber`` keeps to the
    conversion page's digits; a field's ``NaN`` is read by ``as_number``)."""
    return _spelled_number(text) if _NUMBER.match(text) else None


def _spelled_number(text: str) -> int | float:
    """The number of text that matches ``_NUMBER``."""
    if "." in text or "e" in text or "E" in text or len(text) > _DOUBLE_DIGITS:
        return float(text)  # past the largest double: an infinity, as 1e400 reads
    return within_double(int(text))


_DOUBLE_DIGITS = 300  # integer text up to this long is read exactly; longer text is read as a double


def within_double(number: int) -> int | float:
    """``number``, or the infinity of its sign when it is past the largest double (about 1.8e308).

    Why: Splunk calculates in doubles ("During calculations, numbers are treated as double-precision
    floating-point numbers", eval command usage, SPL2 search reference; assumed the same for SPL1), where
    such a number overflows to infinity; Python's unbounded integers would instead fail the first
    calculation that meets a double. Integers a double holds stay exact (``9223372036854775808`` prints
    every digit)."""
    if number.bit_length() < 1024:
        return number
    try:
        float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf
    return number


def format_number(number: int | float) -> str:
    """A number's text as Splunk prints it: integral values without a fraction, others in shortest form.

    ``eval x=10/2`` shows ``5`` (numbers are doubles during calculation, but integral results print without a
    fraction); ``1/3`` prints the shortest text that reads back as the same double, and ``0.1+0.2`` prints
    ``0.30000000000000004`` (assumed: the eval usage page's Numeric calculations says numbers are doubles
    "subject to all the usual behaviors of floating point numbers", and no source shows Splunk's digits for a sum
    or quotient). Where Splunk is known to print fewer digits - a product with a fractional operand keeps only the
    significant figures of its least precise one unless inside exact() - the evaluator refuses a product those
    figures would change (``evaluator.product``), so no number reaching here prints otherwise than its double.
    Integral doubles up to 1e21 print every digit (``pow(2,60)`` → ``1152921504606846976``) rather than in
    exponent form.

    A NaN prints ``NaN``, as the Informational functions page's isnum and isstr examples show ``numval`` (and as
    its test ``match(numval,"NaN")`` needs), so it reads back as a NaN. The eval page's Numeric calculations says
    instead that NaN "is represented as "nan" in your results"; the two 10.0 pages disagree, and the example
    output is followed (assumed). Infinities print ``inf``/``-inf`` as that section says.
    """
    if isinstance(number, bool):
        return "true" if number else "false"
    if isinstance(number, int):
        return str(number)
    if math.isnan(number):
        return FIELD_NAN
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    if number.is_integer() and abs(number) < 1e21:
        return str(int(number))
    return repr(number)


def to_str(value: Value) -> str | None:
    """The text of a scalar (None for null). Multivalues: the first value's text."""
    if type(value) is str:  # the common case first
        return value
    if value is None:
        return None
    if isinstance(value, tuple):
        return to_str(value[0]) if value else None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return format_number(value)


def compare(a: Scalar, b: Scalar) -> int:
    """Three-way comparison: numeric when both sides read as numbers, else by the text (UTF-8 bytes). A NaN is
    ordered with no number, so a comparison meeting one compares the texts, as ``ordered_number`` orders it:
    ``NaN`` equals ``NaN`` and no number (assumed: the Informational functions page says a field's "NaN"
    "behaves as both a string and a number", and no page says how it compares)."""
    na, nb = as_number(a), as_number(b)
    if na is not None and nb is not None:
        if na < nb:
            return -1
        if na > nb:
            return 1
        if na == nb:
            return 0
    ba, bb = utf8(to_str(a) or ""), utf8(to_str(b) or "")
    return (ba > bb) - (ba < bb)


def ordered_number(value: Scalar) -> int | float | None:
    """The numeric reading of a value for placing it among others, None for a NaN as for text. Why: a NaN is
    neither less than, equal to nor greater than any number, so a sort meeting it as a number would order at
    random; sort, group order and min/max place it among the strings by its text ``NaN`` instead (assumed: no
    page says where Splunk orders a NaN)."""
    number = as_number(value)
    return None if number != number else number  # only a NaN differs from itself


def utf8(text: str) -> bytes:
    """``text`` as UTF-8, for byte order and hashes. A lone surrogate, which a JSON string may hold
    (``"\\ud800"`` decodes to one) and strict UTF-8 refuses, is written as its three-byte form, as if it were a
    character: a log value an attacker chose must not make a search fail (assumed: no Splunk document says
    how its byte order or hashes treat one)."""
    return text.encode("utf-8", "surrogatepass")


def lexicographic_key(value: Scalar) -> bytes:
    """Sort key for Splunk's "lexicographical" order (values(), mvsort): UTF-8 bytes of the text.

    Documented: numbers sort before letters, by first digit (10, 100, 70, 9); upper case before lower.
    """
    return utf8(to_str(value) or "")


class EvalContext(Protocol):
    """What an eval function may ask of the evaluator.

    ``event`` is the current event; ``now`` the fixed search time (epoch seconds); ``tz`` the IANA time
    zone name used by strftime/strptime (``UTC`` by default). ``evaluate`` evaluates an expression node
    against the current event, optionally with extra field bindings (``mvfilter`` binds the field to each
    value in turn). ``searchmatch`` applies search-language text to the current event.
    """

    event: Mapping[str, Value]
    now: float
    tz: str
    exact: bool  # inside ``exact(...)``: products are the full-precision doubles (``evaluator.product``)

    def evaluate(self, node: object, bindings: Mapping[str, Value] | None = None) -> Value: ...

    def searchmatch(self, text: str) -> bool: ...
