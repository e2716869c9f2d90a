"""Conversion functions: tonumber, tostring, printf.

Source: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/conversion-functions
"""

from __future__ import annotations

import math
import re
import sys

from contentpack.spl.errors import SplRuntimeError, SplUnsupportedError
from contentpack.spl.functions import coerce
from contentpack.spl.functions.math import round_half_away
from contentpack.spl.functions.spec import FunctionSpec, eager
from contentpack.spl.values import (EvalContext, Quoted, Value, as_number, format_number, parse_number, to_str,
                                   within_double)


# A number spelled with more significant digits than this, in any base from 2 to 36, is at least 2**1024, past the
# largest double.
_DOUBLE_DIGITS_ANY_BASE = 1024
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def to_number(text: str, base: int = 10) -> int | float | None:
    """Read text as a number in ``base`` (2..36); base 10 also reads decimals and exponents; else null.

    A number past the largest double is its infinity, as in base 10 (``values.within_double``: Splunk calculates
    in doubles); one of more than 1,024 significant digits is known to be one without reading it, which Python
    refuses past 4,300 digits in most bases (a log value of 5,000 digits gave null in base 36 and, in base 16,
    a number no command could print)."""
    if base == 10:
        return parse_number(text)
    candidate = text.strip()
    if base == 16 and candidate.lower().startswith(("0x", "-0x", "+0x")):
        candidate = candidate.replace("0x", "", 1).replace("0X", "", 1)
    sign = candidate[:1] if candidate[:1] in ("+", "-") else ""
    digits = candidate[len(sign):].lstrip("0")
    if not set(digits.lower()) <= set(_DIGITS[:base]) or not candidate[len(sign):]:
        return None  # only the base's ASCII digits: Python's int() would also take "1_0" and other scripts' digits
    if len(digits) > _DOUBLE_DIGITS_ANY_BASE:
        return -math.inf if sign == "-" else math.inf
    return within_double(int(candidate, base))


@eager("tonumber", 1, 2)
def _tonumber(ctx: EvalContext, args: list[Value]) -> Value:
    base = coerce.integer(args[1]) if len(args) > 1 else 10
    if base is None or not 2 <= base <= 36:
        raise SplRuntimeError("tonumber: the base must be a whole number from 2 to 36")
    value = coerce.first(args[0])
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value if base == 10 else to_number(format_number(value), base)
    number = to_number(value, base)
    if number is None and type(value) is Quoted:
        # The page: a field value that cannot be parsed gives NULL, but "If the tonumber function can't
        # parse a literal string to a number, it returns an error."
        raise SplRuntimeError(f"the literal string {value!r} is not a number in base {base}")
    return number


def with_commas(number: int | float) -> str:
    """Thousands separators; a number with a fraction is rounded to two decimals (documented). One that rounds to
    zero has no sign, ``-0.004`` is ``0.00`` (``assumed``: the engine prints a negative zero as ``0``, and
    ``duration`` writes ``-1e-9`` as ``00:00:00``; was ``-0.00``)."""
    if isinstance(number, float) and not number.is_integer():
        return f"{round_half_away(number, 2) or 0.0:,.2f}"  # -0.0 is falsy: the zero without its sign
    return f"{int(number):,}"


def as_duration(number: int | float) -> str:
    """Seconds as ``[D+]HH:MM:SS`` (fractions kept as six decimals), e.g. 615 → ``00:10:15``."""
    seconds_total = abs(number)
    whole = int(seconds_total)
    # rounded to the microsecond as a whole: 0.9999999 is 00:00:01, not 00:00:00 and a fraction of 1000000
    micros = int(round((seconds_total - whole) * 1_000_000))
    if micros == 1_000_000:
        whole, micros = whole + 1, 0
    negative = number < 0 and bool(whole or micros)  # -1e-9 rounds to 00:00:00, with no sign
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    if micros:
        text += f".{micros:06d}"
    if days:
        text = f"{days}+{text}"
    return f"-{text}" if negative else text


def as_hex(number: int | float) -> str | None:
    """A whole number from 0 to 2^63-1 in hexadecimal (``check_whole_form`` refuses the rest); a fraction has
    none (null)."""
    if isinstance(number, float):
        if not number.is_integer():
            return None
        number = int(number)
    return f"0x{number:X}"


# "Only integers in the range of 0 to 2^53 -1 are accepted as input to the function" (tostring, "binary").
MAX_BINARY = 2**53 - 1


def as_binary(value: Value) -> str:
    """``tostring(9, "binary")`` is ``1001``. Anything but a whole number from 0 to 2^53-1 is refused as
    unsupported: the page says only those are accepted ("tostring("5", "binary") is not supported") and not
    what Splunk answers otherwise."""
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if number is None or not math.isfinite(number) or not float(number).is_integer() or not 0 <= number <= MAX_BINARY:
        raise SplUnsupportedError(f"\"binary\" takes a whole number from 0 to 2^53-1, got {coerce.describe(value)}")
    return format(int(number), "b")


#: C's widest integer type is 64 bits: converting a double past it to an integer is undefined behaviour (C11
#: 6.3.1.4), as is converting a negative one to an unsigned type
INT64_LIMIT = 2**63


def check_whole_form(number: int | float, value: Value, what: str, *, unsigned: bool = False) -> None:
    """The one check before a number is written as the digits of its whole part (tostring's "hex", "commas" and
    "duration"; printf's %d %i %u %o %x %X). Refused as unsupported: an infinity or NaN (no page gives a form of
    one, and C's %d of one is undefined; was ``inf``), a magnitude of 2^63 or more (``assumed``: no page gives a
    limit, and past C's 64-bit integers the conversion is undefined; was every digit of ``1e300``, a 300-digit day
    count for "duration") and, for an unsigned conversion, a negative number (C's %u/%x of one is undefined; was
    a ``-`` C never writes)."""
    why = ""
    if not math.isfinite(number):
        why = "no page gives a form of an infinity or NaN"
    elif not -INT64_LIMIT <= number < INT64_LIMIT:
        why = "its whole part is past C's 64-bit integers, and no page gives the form of one"
    elif unsigned and number < 0:
        why = "it is negative, and the conversion is unsigned"
    if why:
        raise SplUnsupportedError(f"{what} of {coerce.describe(value)} is not supported ({why})")


@eager("tostring", 1, 2, returns_text=True, multivalue=(0,))
def _tostring(ctx: EvalContext, args: list[Value]) -> Value:
    """Text of a value. Booleans become ``True``/``False`` (documented example ``tostring(1==1)``); a multivalue
    converts value by value (``assumed``: the page says nothing of one);
    with a format, numbers are shown as ``binary``, ``hex``, ``commas`` or ``duration``; any other format is
    refused as unsupported. Text keeps its text ("The format argument is optional and is only used when the value
    argument is a number"); a number with none of those forms on the page (an infinity, a NaN, a whole part past
    2^63) is refused too (``check_whole_form``)."""
    value = args[0]
    if value is None:
        return None
    if isinstance(value, tuple):
        if len(args) > 1:  # the assumed value-by-value reading stops short of a format
            raise coerce.multivalue_refused(value, "the page says nothing of one with a format", "argument 1")
        return tuple(to_str(v) or "" for v in value)
    if isinstance(value, bool):
        return "True" if value else "False"
    if len(args) == 1:
        return to_str(value)
    fmt = coerce.text(args[1])
    number = as_number(value)
    if fmt is None:
        return None
    if fmt == "binary":
        return as_binary(value)
    if fmt not in ("hex", "commas", "duration"):
        raise SplUnsupportedError(
            f"the format {fmt!r} is not supported (\"binary\", \"hex\", \"commas\" or \"duration\")")
    if number is None:
        return to_str(value)
    check_whole_form(number, value, f"the {fmt!r} format", unsigned=fmt == "hex")  # no page gives -5 in hex
    if fmt == "hex":
        return as_hex(number)
    if fmt == "commas":
        return with_commas(number)
    return as_duration(number)


# One conversion of a C format string: flags (including Splunk's ' thousands flag), width, precision, type.
_CONVERSION = re.compile(r"%(?P<flags>[-+ #0']*)(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?(?P<length>hh|h|ll|l|L|q|j|z|t)?(?P<type>[diouxXeEfFgGcsaAzp%])")

# The page's aliases: "%s | %z | String" (printf("%s%z", "foo", "bar") returns foobar) and "%x or %X | %p"
# (printf("%x,%X,%p",10,10,10) returns a,A,A).
_ALIASES = {"z": "s", "p": "X"}


def printf(fmt: str, args: list[Value]) -> str:
    """C-style formatting as Splunk's ``printf``: ``%d %i %u %o %x %X %e %f %g %c %s %%`` (``%z`` is ``%s``,
    ``%p`` is ``%X``), flags ``-+ #0'``,
    width and precision (``*`` takes them from the arguments). Missing arguments format as empty. An integer
    conversion of a number C leaves undefined (an infinity, NaN, one past 64 bits, a negative one unsigned) is
    refused (``check_whole_form``); %f/%e/%g/%a of an infinity print ``inf`` as C's do."""
    queue = list(args)
    out: list[str] = []
    position = 0

    def take() -> Value:
        return queue.pop(0) if queue else None

    for match in _CONVERSION.finditer(fmt):
        out.append(_literal(fmt[position : match.start()]))
        position = match.end()
        kind = _ALIASES.get(match["type"], match["type"])
        if kind == "%":
            out.append("%")
            continue
        flags = match["flags"] or ""
        width = match["width"]
        precision = match["precision"]
        if width == "*":
            width = str(coerce.integer(take()) or 0)
        if precision == "*":
            precision = str(coerce.integer(take()) or 0)
        width, precision = _bounded(width), _bounded(precision)
        value = take()
        thousands = "'" in flags
        py_flags = flags.replace("'", "")
        spec = f"%{py_flags}{width or ''}{'.' + precision if precision is not None else ''}"
        if kind in "diouxX":
            number = coerce.number(value)
            if number is None:
                out.append("")
                continue
            check_whole_form(number, value, f"the printf conversion '%{match['type']}'", unsigned=kind in "uoxX")
            py_kind = "d" if kind in "iu" else kind
            text = (spec + py_kind) % int(number)
            if thousands and kind in "diu":
                text = _group_digits(text)
            out.append(text)
        elif kind in "aA":
            number = coerce.number(value)
            if number is None:
                out.append("")
                continue
            text = hex_float(float(number), int(precision) if precision is not None else None)
            text = text.upper() if kind == "A" else text
            out.append(("%" + py_flags.replace("0", "") + (width or "") + "s") % text)
        elif kind in "eEfFgG":
            number = coerce.number(value)
            if number is None:
                out.append("")
                continue
            text = (spec + kind) % float(number)
            if thousands:
                text = _group_digits(text)
            out.append(text)
        elif kind == "c":
            number = coerce.integer(value)
            char = chr(number) if number is not None and 0 <= number < 0x110000 else (coerce.text(value) or "")[:1]
            out.append((spec + "s") % char)
        else:
            out.append((spec + "s") % (coerce.text(value) or ""))
    out.append(_literal(fmt[position:]))
    return "".join(out)


def _literal(text: str) -> str:
    """Format text between conversions. A ``%`` left here starts a conversion this engine does not know, such
    as the page's "not supported" ``%C``, ``%n``, ``%S`` and ``%<num>$``: refused, never printed as text."""
    if "%" in text:
        start = text.index("%")
        raise SplUnsupportedError(f"the printf conversion {text[start:start + 3]!r} is not supported")
    return text


# Widths and precisions are capped so a format cannot ask for gigabytes of padding.
MAX_FIELD_WIDTH = 10_000


def _bounded(size: str | None) -> str | None:
    if size is None:
        return None
    return str(min(abs(int(size)), MAX_FIELD_WIDTH))


def hex_float(number: float, precision: int | None) -> str:
    """C's ``%a``: ``0x1.<hex fraction>p<exponent>``, the fraction rounded to ``precision`` hex digits
    (shortest exact form without a precision), e.g. pi with ``%.3a`` is ``0x1.922p+1``."""
    if not math.isfinite(number):
        return repr(number)
    sign = "-" if math.copysign(1.0, number) < 0 else ""
    magnitude = abs(number)
    if magnitude == 0:
        lead, fraction_bits, exponent = 0, 0, 0
    elif magnitude < sys.float_info.min:  # subnormal: C (glibc) writes 0x0.<fraction>p-1022, not renormalised
        lead, fraction_bits, exponent = 0, int(math.ldexp(magnitude, 1074)), -1022
    else:
        mantissa, exponent = math.frexp(magnitude)  # magnitude = mantissa * 2**exponent, mantissa in [0.5, 1)
        lead, exponent = 1, exponent - 1
        fraction_bits = int((mantissa * 2 - 1) * (1 << 52))
    digits = f"{fraction_bits:013x}"
    if precision is None:
        digits = digits.rstrip("0")
    elif precision < 13:
        scaled = fraction_bits / 16 ** (13 - precision)
        rounded = int(scaled)
        odd = rounded % 2 if precision else lead % 2  # a tie rounds to the even last digit written
        if scaled - rounded > 0.5 or (scaled - rounded == 0.5 and odd):
            rounded += 1
        if rounded >= 16**precision:
            lead, rounded = lead + 1, rounded - 16**precision
        digits = f"{rounded:0{precision}x}" if precision else ""
    else:
        digits = digits + "0" * (precision - 13)
    point = "." + digits if digits else ""
    return f"{sign}0x{lead}{point}p{exponent:+d}"


def _group_digits(text: str) -> str:
    """Insert thousands separators into the integer digits of an already formatted number."""
    match = re.search(r"\d+", text)
    if not match:
        return text
    digits = match.group(0)
    grouped = f"{int(digits):,}"
    return text[: match.start()] + grouped + text[match.end() :]


@eager("printf", 1, None, returns_text=True)
def _printf(ctx: EvalContext, args: list[Value]) -> Value:
    fmt = coerce.text(args[0])
    if fmt is None:
        return None
    return printf(fmt, list(args[1:]))


FUNCTIONS: tuple[FunctionSpec, ...] = (_tonumber, _tostring, _printf)
