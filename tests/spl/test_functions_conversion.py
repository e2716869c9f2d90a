"""Conversion functions and the number-to-text rule of the value model.
Source: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/conversion-functions"""

from __future__ import annotations

import math

import pytest

from contentpack.spl.errors import SplRuntimeError, SplUnsupportedError
from contentpack.spl.values import format_number, to_str

from .h2_fakes import Call, Cmp, Lit, call
from .spl_support import make_engine, rows


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("0A4", 16), 164),
        (("1010", 2), 10),
        (("0xFF", 16), 255),
        (("65004",), 65004),
        (("3.5",), 3.5),
        (("-1e3",), -1000.0),
        (("12abc",), None),
        (("",), None),
        (("1_0", 16), None),  # Python's int() reads 16: not a number in base 16
        (("\u0661\u0662", 16), None),  # Arabic-Indic digits: Python's int() reads 18
        (("-", 16), None),
        (("-ff", 16), -255),
        (("-0x1F", 16), -31),  # the sign before the 0x
        ((42,), 42),
        ((None,), None),
    ],
)
def test_tonumber(args: tuple[object, ...], expected: object) -> None:
    """tonumber(<str>,<base>): documented example tonumber("0A4",16) = 164; base 2 to 36, default 10; text
    that is not a number gives null (text holding anything but the base's ASCII digits, after an optional sign
    and 0x in base 16, is not a number: ``assumed`` for underscores and other scripts' digits, which the page
    does not mention). https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/conversion-functions"""
    assert call("tonumber", *args) == expected


def test_tonumber_of_a_literal_that_is_no_number_is_an_error() -> None:
    """The page: a field value that cannot be parsed gives NULL, but "If the tonumber function can't parse a
    literal string to a number, it returns an error."
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/conversion-functions"""
    engine = make_engine()
    with pytest.raises(SplRuntimeError, match="is not a number"):
        rows(engine, '| makeresults | eval n=tonumber("abc")')
    assert rows(engine, '| makeresults | eval s="abc" | eval n=tonumber(s) | table n') == [{}]


def test_tonumber_bad_base() -> None:
    """The base must be 2..36. https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/conversion-functions"""
    with pytest.raises(SplRuntimeError, match="base"):
        call("tonumber", "10", 40)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((Cmp("=", Lit(1), Lit(1)),), "True"),
        ((Cmp("=", Lit(1), Lit(2)),), "False"),
        ((15, "hex"), "0xF"),
        ((12345.6789, "commas"), "12,345.68"),
        ((1234567, "commas"), "1,234,567"),
        ((615, "duration"), "00:10:15"),
        ((3600 * 5 + 62, "duration"), "05:01:02"),
        ((5.0,), "5"),
        ((0.25,), "0.25"),
        (("text",), "text"),
        (("abc", "hex"), "abc"),
        ((None,), None),
    ],
)
def test_tostring(args: tuple[object, ...], expected: object) -> None:
    """tostring(<value>,<format>): documented "True 0xF 12,345.68" from tostring(1==1) + tostring(15, "hex") +
    tostring(12345.6789, "commas"); tostring(615, "duration") = "00:10:15"; "commas" rounds to two decimals.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/conversion-functions"""
    assert call("tostring", *args) == expected


@pytest.mark.assumed
def test_tostring_duration_over_a_day() -> None:
    """Assumed: durations of a day or more are written D+HH:MM:SS (docs show only under an hour).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/conversion-functions"""
    assert call("tostring", 2 * 86400 + 5, "duration") == "2+00:00:05"
    assert call("tostring", 86400 + 615, "duration") == "1+00:10:15"  # one day is a day too, not 24:10:15


def test_tostring_unknown_format_is_unsupported() -> None:
    """The formats are "binary", "hex", "commas" and "duration" (10.0 page's table); any other is refused as
    unsupported, the page not saying what Splunk answers.
    https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/evaluation-functions/conversion-functions"""
    with pytest.raises(SplUnsupportedError, match="the format 'octal' is not supported"):
        call("tostring", 5, "octal")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("%04d", 42), "0042"),
        (("%-5s|", "ab"), "ab   |"),
        (("%.2f", 3.14159), "3.14"),
        (("%x %X %o", 255, 255, 8), "ff FF 10"),
        (("%'d", 12345678), "12,345,678"),
        (("%+d %5.1f%%", 5, 99.44), "+5  99.4%"),
        (("%s=%d", "count"), "count="),  # missing arguments format as empty
        (("%*d", 4, 7), "   7"),
        (("%c", 65), "A"),
        (("%e", 1234.5), "1.234500e+03"),
    ],
)
def test_printf(args: tuple[object, ...], expected: str) -> None:
    """printf("format", arguments): C printf conversions %d %i %u %o %x %X %e %f %g %c %s %%, flags including
    ' (thousands separator), width and precision, "*" taking them from the arguments.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/conversion-functions"""
    assert call("printf", *args) == expected


@pytest.mark.parametrize(
    ("number", "text"),
    [(5.0, "5"), (10 / 2, "5"), (65004, "65004"), (-3.0, "-3"), (0.5, "0.5"), (2.56, "2.56"), (1e15, "1000000000000000")],
)
def test_format_number_integral_values_have_no_fraction(number: float, text: str) -> None:
    """eval x=10/2 shows 5: "During calculations, numbers are treated as double-precision floating-point
    numbers" and integral results print without a fraction.
    https://help.splunk.com/splunk-enterprise/search/spl2-search-reference/eval-command/eval-command-usage"""
    assert format_number(number) == text
    assert to_str(number) == text


@pytest.mark.assumed
def test_format_number_non_integral_uses_shortest_round_trip() -> None:
    """Assumed: eval x=1/3 prints the shortest text that reads back as the same double (0.3333333333333333);
    the docs do not state Splunk's digit count. https://help.splunk.com/splunk-enterprise/search/spl2-search-reference/eval-command/eval-command-usage"""
    assert format_number(1 / 3) == "0.3333333333333333"
    assert float(format_number(0.1 + 0.2)) == 0.1 + 0.2


@pytest.mark.assumed
def test_format_number_large_integral_values_print_all_digits() -> None:
    """Assumed: large integral doubles print in full (pow(2,60) = 1152921504606846976), not as 1e+18; beyond
    1e21 the exponent form is kept. https://help.splunk.com/splunk-enterprise/search/spl2-search-reference/eval-command/eval-command-usage"""
    assert format_number(float(2**60)) == "1152921504606846976"
    assert format_number(1e20) == "100000000000000000000"
    assert format_number(1e22) == "1e+22"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("%.3A", Call("pi", ())), "0X1.922P+1"),
        (("%c,%c", 65, "Foo"), "A,F"),
        (("%d,%i,%d", -2, "+4", 30), "-2,4,30"),
        (("%a", 1.0), "0x1p+0"),
        (("%a", 0.1), "0x1.999999999999ap-4"),
    ],
)
def test_printf_documented_examples(args: tuple[object, ...], expected: str) -> None:
    """Documented examples: printf("%.3A",pi()) returns 0X1.922P+1; printf("%c,%c",65,"Foo") returns A,F;
    printf("%d,%i,%d",-2,+4,30) returns -2,4,30 (%a as C's hexadecimal floating point).
    https://docs.splunk.com/Documentation/Splunk/6.6.2/SearchReference/ConversionFunctions"""
    assert call("printf", *args) == expected


def test_printf_guards_against_huge_widths() -> None:
    """A format cannot demand unbounded padding (an infinite value in %d is refused: test_number_text.py).
    https://docs.splunk.com/Documentation/Splunk/6.6.2/SearchReference/ConversionFunctions"""
    assert len(call("printf", "%999999999d", 1)) == 10_000  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('printf("%.0a", 1.5)', "0x2p+0"),  # a tie rounds to the even digit: the leading 1 is odd
        ('printf("%.0a", 2.5)', "0x1p+1"),
        ('printf("%.1a", 1.96875)', "0x2.0p+0"),  # 0x1.f8 rounds up into the leading digit
        ('printf("%.15a", 1.5)', "0x1.800000000000000p+0"),
        ('printf("%a", 0)', "0x0p+0"),
        ('printf("%a", tonumber("-0.0"))', "-0x0p+0"),
        ('printf("%a", tonumber("5e-324"))', "0x0.0000000000001p-1022"),  # subnormals are not renormalised
        ('printf("%.2a", tonumber("1e-310"))', "0x0.01p-1022"),
        ('printf("%a|%A", tonumber("1e400"), tonumber("-1e400"))', "inf|-INF"),
        ('printf("[%a|%5.1e|%A]", "x", "y", "z")', "[||]"),  # text that is not a number prints nothing
    ],
)
def test_printf_hexadecimal_floats_as_c_writes_them(expression: str, expected: str) -> None:
    """printf "builds a string value, based on a string format and the arguments specified", like C's sprintf
    (https://docs.splunk.com/Documentation/Splunk/6.6.2/SearchReference/ConversionFunctions): %a is C's
    hexadecimal floating point. The expected strings are what glibc's snprintf writes for the same doubles
    (checked with ctypes; C leaves the leading digit of a subnormal unspecified: glibc's form is ``assumed``)."""
    assert rows(make_engine(), f"| makeresults | eval r={expression}")[0]["r"] == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('tostring(90.5, "duration")', "00:01:30.500000"),
        ('tostring(15.0, "hex")', "0xF"),
        ('tostring(15.5, "hex")', None),  # only whole numbers have a hex form (assumed)
        ('tostring(5, null())', None),
        ('tostring(split("a,b", ","))', ("a", "b")),
    ],
)
def test_tostring_edges(expression: str, expected: object) -> None:
    """tostring(<value>,<format>): "duration" is HH:MM:SS (sub-second digits kept, assumed), "hex" a hexadecimal
    number; a null format gives null and a multivalue converts value by value (assumed).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/conversion-functions"""
    assert rows(make_engine(), f"| makeresults | eval r={expression}")[0].get("r") == expected


def test_printf_thousands_flag_on_floats() -> None:
    """The ' flag groups the integer digits (documented: printf("%'d",12345) returns 12,345); on %f the same
    (``assumed``: C's flag applies to %f too); an infinite number has no digits to group.
    https://docs.splunk.com/Documentation/Splunk/6.6.2/SearchReference/ConversionFunctions"""
    [row] = rows(make_engine(), """| makeresults | eval r=printf("%'.2f|%'f", 1234567.891, tonumber("1e400"))""")
    assert row["r"] == "1,234,567.89|inf"


@pytest.mark.parametrize(("args", "expected"), [
    (("f" * 5000, 16), math.inf),  # was a 20,000-bit integer: printing it ended search in an internal error
    (("9" * 5000, 36), math.inf),  # was null: Python reads at most 4,300 digits in a base not a power of two
    (("-" + "1" * 5000, 2), -math.inf),
    (("0x" + "F" * 300, 16), math.inf),  # 1,200 bits
    (("1" * 1024, 2), math.inf),  # 2**1024 - 1 rounds to 2**1024, past the largest double
    (("1" * 1023, 2), 2 ** 1023 - 1),  # a double holds it: exact, as base 10 keeps such integers
    (("0" * 5000 + "7", 8), 7),  # leading zeros are no size
    (("9" * 5000 + "!", 36), None),  # not a number in the base, however long
])
def test_tonumber_past_the_largest_double_is_an_infinity(args: tuple[object, ...], expected: object) -> None:
    """A number past the largest double, in any base, is its infinity, as base 10 reads ``1e400`` (``assumed``:
    the conversion functions page gives no such case; the eval command's usage, "During calculations, numbers
    are treated as double-precision floating-point numbers", where it overflows to infinity, as
    ``values.within_double`` reads it). https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/conversion-functions"""
    assert call("tonumber", *args) == expected
