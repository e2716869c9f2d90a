"""A quoted string literal in an eval expression is a String, even when its text looks like a number; a field
value that looks like a number is a Number. Each test names its source; ``assumed`` where no page says it.

Pages (Splunk Enterprise 10.0 Search Reference, "Evaluation functions"):
INFORMATIONAL and CONVERSION below, as in ``test_eval_documented_examples``.
"""

from __future__ import annotations

import pytest

from contentpack.spl import SplRuntimeError

from .spl_support import make_engine, rows
from .test_eval_documented_examples import CONVERSION, INFORMATIONAL


def _assumed(expression: str, expected: object) -> object:
    """A row the pages do not state outright (see the test's docstring)."""
    return pytest.param(expression, expected, marks=pytest.mark.assumed)


def _x(expression: str, setup: str = "") -> object:
    before = f"| eval {setup} " if setup else ""
    [row] = rows(make_engine(), f"| makeresults {before}| eval x={expression}")
    return row.get("x")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        _assumed('typeof("12")', "String"),
        _assumed('typeof("-1.5e3")', "String"),
        _assumed('if(isnum("5"), "y", "n")', "n"),
        _assumed('if(isint("5"), "y", "n")', "n"),
        _assumed('if(isstr("5"), "y", "n")', "y"),
        ('if(isnum("NaN"), "y", "n")', "n"),
        ('if(isstr("NaN"), "y", "n")', "y"),
        ("typeof(12)", "Number"),
    ],
)
def test_a_quoted_literal_is_a_string_whatever_its_text(expression: str, expected: str) -> None:
    """INFORMATIONAL, isnum: "Notice that literalNanIsNumeric is false because the isnum command interprets
    "NaN" as a string" -- the literal's quotes make it a string, not its text (``"NaN"`` is a number's name);
    typeof's example gives the two types side by side: ``typeof(12) + typeof("string")`` "returns
    "NumberStringBoolInvalid"". Applying the same rule to a literal whose text is digits is ``assumed``
    (no page shows ``typeof("12")``)."""
    assert _x(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        _assumed("typeof(f)", "Number"),
        ('if(isnum(f), "y", "n")', "y"),
        ('if(isint(f), "y", "n")', "y"),
        ('if(isstr(f), "y", "n")', "n"),
        _assumed("f + 1", 6),
    ],
)
def test_a_field_holding_digits_is_a_number(expression: str, expected: object) -> None:
    """INFORMATIONAL, isint: "If the value of "field" is a number, the isint function returns TRUE"; isbool:
    "field values are either string or number data types". A field set from a quoted literal by an earlier
    eval holds its text, which reads as a number again (``assumed``: no page says whether eval's String type
    survives into the next command)."""
    assert _x(expression, setup='f="5"') == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"5" + "1"', "51"),  # two strings: + concatenates
        _assumed('"5" + 1', None),  # a string and a number: neither adds nor concatenates (assumed)
        _assumed('"5" * 2', None),  # * needs two numbers (assumed: a quoted literal is not one)
        ('"5" . 1', "51"),  # . reads both sides as text
        ('if("10" < "9", "y", "n")', "y"),  # two strings compare as text (assumed)
        ('if(10 < 9, "y", "n")', "n"),
        _assumed('if(f < "9", "y", "n")', "y"),  # a Number against a String: compared as text (assumed)
    ],
)
def test_operators_treat_a_quoted_literal_as_a_string(expression: str, expected: object) -> None:
    """The eval command's operators: "+" adds two numbers and concatenates two strings, "." concatenates the
    text of both sides, "-", "*", "/" and "%" need numbers, and comparisons are numeric only when both sides
    are numbers (eval command page, Usage; ``values.compare``). Which side is a string follows from the
    quotes, as above; the mixed cases are ``assumed``."""
    assert _x(expression, setup='f="10"') == expected


def test_tonumber_reads_a_quoted_literal_that_spells_a_number() -> None:
    """CONVERSION: 'the result of the following function is 5: eval result = tonumber("0101", 2)' -- tonumber
    is how a quoted literal becomes a Number."""
    assert _x('tonumber("5") + 1') == 6
    assert _x('typeof(tonumber("12"))') == "Number"


def test_tonumber_of_a_field_that_is_not_a_number_is_null() -> None:
    """CONVERSION, tonumber usage: "If the tonumber function cannot parse a field value to a number, for
    example if the value contains a leading and trailing space, the function returns NULL"."""
    assert _x("tonumber(f)", setup='f="seven"') is None
    assert _x("tonumber(f)", setup='f=" 21 "') is None


def test_tonumber_of_a_literal_that_is_not_a_number_fails_the_search() -> None:
    """CONVERSION, tonumber usage: a literal string that cannot be parsed is an error, not NULL (the 10.0 page
    says the search fails; a field value gives NULL, above)."""
    with pytest.raises(SplRuntimeError, match=r"tonumber\(\): the literal string 'seven' is not a number"):
        _x('tonumber("seven")')


@pytest.mark.assumed
def test_commands_store_a_quoted_literal_as_plain_field_text() -> None:
    """``assumed``: a value an eval command stored is the field's text for every later command (stats sums it,
    where compares it as a number), the same as a value read from an event."""
    result = rows(make_engine(), '| makeresults | eval f="5" | where f > 3 | stats sum(f) as total')
    assert result == [{"total": 5}]
