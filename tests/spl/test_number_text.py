"""How a number's text reads and prints at its edges: infinities, NaN, negative zero and a leading ``+``.

Sources: the eval command page, Numeric calculations (10.0,
https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/eval): "The special
values for positive and negative infinity are represented in your results as "inf" and "-inf" respectively"; the
Conversion functions page (10.0, ``CONVERSION``), tostring. The NaN spelling is the Informational functions page's
(docs/spl_engine.md, NaN). Rows marked ``assumed`` pin a reading no page states.
"""

from __future__ import annotations

import pytest

from contentpack.spl import SplUnsupportedError
from contentpack.spl.values import to_str

from .spl_support import make_engine, rows

CONVERSION = ("https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/evaluation-functions/"
              "conversion-functions")


def _row(search: str) -> dict[str, object]:
    [row] = rows(make_engine(), search)
    return {name: value for name, value in row.items() if name != "_time"}


def test_tostring_prints_infinities_as_the_eval_page_says() -> None:
    """eval page: infinities "are represented in your results as "inf" and "-inf""; tostring: "If the value is a
    number, this function reformats it as a string" (CONVERSION), so its text is the result's."""
    assert _row('| makeresults | eval a=tostring(1e400), b=tostring(-1e400), c=tostring(1e400) . ""') == {
        "a": "inf", "b": "-inf", "c": "inf"}


@pytest.mark.assumed
def test_tostring_prints_a_nan_as_the_informational_page_shows_it() -> None:
    """assumed (the pages disagree): the eval page says a NaN "is represented as "nan" in your results", the
    Informational functions page's isnum example prints ``numval=strval % 1`` as ``NaN`` and tests it with
    ``match(numval,"NaN")``; the engine follows the example (values.format_number), in tostring as in output."""
    row = _row('| makeresults | eval s="NaN" | eval n=s % 1 | eval t=tostring(n), m=if(match(n, "NaN"), 1, 0)')
    assert (to_str(row["n"]), row["t"], row["m"]) == ("NaN", "NaN", 1)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", ["hex", "commas", "duration"])
@pytest.mark.parametrize("value", ["1e400", "-1e400", "1e400-1e400"])
def test_tostring_refuses_a_format_of_an_infinity_or_nan(fmt: str, value: str) -> None:
    """CONVERSION, tostring: "hex" "Converts the number to a hexadecimal value", "commas" "Formats the number with
    commas", "duration" "Converts the value in seconds to the readable time format HH:MM:SS": an infinity or NaN
    has none of these and the page says nothing of one, so it is refused at the function (was: its plain text,
    ``inf``, as if no format were given)."""
    search = f'| makeresults | eval x={value} | eval r=tostring(x, "{fmt}")'
    with pytest.raises(SplUnsupportedError, match=f"the '{fmt}' format of the number") as caught:
        rows(make_engine(), search)
    assert caught.value.offset == search.index("tostring")


@pytest.mark.assumed
@pytest.mark.parametrize(("expression", "why"), [
    ('printf("%d", 1e400)', "the printf conversion '%d' of the number inf .*infinity or NaN"),
    ('printf("%i", 1e400-1e400)', "the printf conversion '%i' of the number nan"),
    ('printf("%d", 1e300)', "the printf conversion '%d' of the number 1e\\+300 .*past C's 64-bit integers"),
    ('printf("%x", -1)', "the printf conversion '%x' of the number -1 .*negative, and the conversion is unsigned"),
    ('printf("%u", -2)', "the printf conversion '%u'"),
    ('printf("%o", -2)', "the printf conversion '%o'"),
    ('printf("%p", -2)', "the printf conversion '%p'"),
    ('tostring(1e300, "duration")', "the 'duration' format of the number 1e\\+300 .*past C's 64-bit integers"),
    ('tostring(-1e19, "hex")', "the 'hex' format of the number -1e\\+19"),
    ('tostring(-5, "hex")', "the 'hex' format of the number -5 .*negative"),
    ('tostring(1e19, "commas")', "the 'commas' format of the number 1e\\+19"),
])
def test_a_whole_number_form_c_leaves_undefined_is_refused(expression: str, why: str) -> None:
    """CONVERSION, printf: "%d | %i | Signed decimal integer", "%u | Unsigned, or non-negative, decimal integer",
    "%x or %X | %p | Unsigned hexadecimal number", "%o | Unsigned octal number"; the function "is similar to the C
    sprintf() function", and C leaves undefined the conversion of a double to an integer type that cannot hold
    it (C11 6.3.1.4): an infinity, a NaN, a number past 64 bits, a negative number made unsigned. No page says
    what Splunk writes then (assumed: refused; %d of ``1e400`` was ``inf``, of ``1e300`` all 301 digits, %x of
    -1 ``-1``). tostring's "duration", "hex" and "commas" go through the same check (one home,
    ``conversion.check_whole_form``; "hex" as an unsigned conversion: no page gives a negative number in hex, and
    ``tostring(-5, "hex")`` was ``-0x5``): ``tostring(1e300, "duration")`` was a 300-digit day count."""
    search = f"| makeresults | eval r={expression}"
    with pytest.raises(SplUnsupportedError, match=why) as caught:
        rows(make_engine(), search)
    assert caught.value.offset == search.index(expression.split("(")[0])


@pytest.mark.assumed
def test_the_whole_number_limit_is_c_s_64_bits() -> None:
    """assumed (see above): the 64-bit edges are written, as C's long long holds them, and one past is refused;
    CONVERSION: printf("%d,%i,%d",-2,+4,30) "returns -2,4,30"."""
    assert _row('| makeresults | eval a=printf("%d|%x", -9223372036854775808, 9223372036854775807), '
                'b=tostring(9223372036854775807, "hex"), c=tostring(86400 * 1000, "duration")') == {
        "a": "-9223372036854775808|7fffffffffffffff", "b": "0x7FFFFFFFFFFFFFFF", "c": "1000+00:00:00"}
    for past in ('printf("%d", 9223372036854775808)', 'printf("%d", -9223372036854775809)',
                 'tostring(9223372036854775808, "commas")'):
        with pytest.raises(SplUnsupportedError, match="past C's 64-bit integers"):
            rows(make_engine(), f"| makeresults | eval r={past}")


@pytest.mark.assumed
def test_commas_of_a_number_rounding_to_zero_has_no_sign() -> None:
    """CONVERSION, tostring "commas": "If the number includes a decimal, the function rounds the number to nearest
    two decimal places". assumed: ``-0.004`` rounds to a negative zero, which the engine prints without its sign
    (``test_negative_zero_is_zero``; "duration" writes ``-1e-9`` as ``00:00:00``), so ``0.00`` (was ``-0.00``);
    ``-0.005`` rounds half away from zero to ``-0.01``."""
    assert _row('| makeresults | eval a=tostring(-0.004, "commas"), b=tostring(-0.005, "commas"), '
                'c=tostring(-1234.5678, "commas"), d=tostring(-1e-9, "duration")') == {
        "a": "0.00", "b": "-0.01", "c": "-1,234.57", "d": "00:00:00"}


def test_tostring_keeps_text_whatever_the_format() -> None:
    """CONVERSION: "The format argument is optional and is only used when the value argument is a number"."""
    assert _row('| makeresults | eval r=tostring("inf", "hex")')["r"] == "inf"


@pytest.mark.assumed
def test_negative_zero_is_zero() -> None:
    """assumed: no page says how a negative zero prints. The eval page says numbers are doubles "subject to all
    the usual behaviors of floating point numbers", where -0.0 equals 0; the engine prints it ``0`` (tostring and
    output alike), a field's text ``-0`` keeps its text and reads as 0."""
    assert _row('| makeresults | eval z=-0.0, t=tostring(0 * -1.0), e=if(-0.0 == 0, 1, 0), f="-0" '
                '| eval g=f + 0, h=if(f == 0, 1, 0)') == {"z": 0, "t": "0", "e": 1, "f": "-0", "g": 0, "h": 1}


@pytest.mark.assumed
def test_a_leading_plus_reads_as_a_number() -> None:
    """assumed: no page says whether field text ``+5`` is a number (the Conversion functions page's tonumber says
    only that text it "can't parse" is null, "for example if the value contains a leading and trailing space").
    The engine reads an optional sign, as C's strtod does, in comparisons, arithmetic, tonumber and stats; the
    field keeps its text, and stats reads the number (max gives 5)."""
    assert _row('| makeresults | eval s="+5" | eval c=if(s > 4, 1, 0), p=s + 1, n=tonumber(s), '
                'i=if(isnum(s), 1, 0)') == {"s": "+5", "c": 1, "p": 6, "n": 5, "i": 1}
    assert _row('| makeresults | eval s="+5" | stats sum(s) as total max(s) as top') == {"total": 5, "top": 5}
