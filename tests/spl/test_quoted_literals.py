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
    "NumberStringBoolInvalid"". The isnum page read in full (10.0 informational functions) says why: "because
    "NaN" is just a collection of characters, it is considered a string and returns false in a search like
    isnum("NaN")", and its example gives ``literalIsNumeric`` false for ``isnum("anystring")``. Applying the same
    rule to a literal whose text is digits is ``assumed`` (no page shows ``typeof("12")`` or ``isnum("5")``;
    phrases searched: "literalNanIsNumeric", "not supported on multivalue fields")."""
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


_TEXT = "https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/evaluation-functions/text-functions"
_DATE_AND_TIME = ("https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/evaluation-functions/"
                  "date-and-time-functions")


@pytest.mark.parametrize(
    ("expression", "page", "quote"),
    [
        ('typeof(substr("123", 1, 2))', _TEXT, "substr: This function returns a substring of a string"),
        ("typeof(substr(f, 1, 1))", _TEXT, "substr: This function returns a substring of a string"),
        ('typeof(lower("5"))', _TEXT, "lower: This function takes one string argument and returns the string in "
         "lowercase."),
        ("typeof(upper(f))", _TEXT, "upper: This function returns a string in uppercase."),
        ('typeof(urldecode("%35"))', _TEXT, "urldecode: This function takes one URL string argument X and returns "
         "the unescaped or decoded URL string."),
        ("typeof(tostring(5))", CONVERSION, "tostring: This function converts a value to a string. If the value is "
         "a number, this function reformats it as a string."),
        ("typeof(tostring(1==1))", CONVERSION, 'tostring: If the value is a Boolean value, it returns the '
         'corresponding string value, "True" or "False".'),
        ('typeof(printf("%d", 7))', CONVERSION, "printf: This function builds a string value, based on a string "
         "format and the values specified."),
        ('typeof(strftime(0, "%Y"))', _DATE_AND_TIME, "strftime: This function takes a UNIX time value as the "
         "first argument and renders the time as a string using the format specified."),
    ],
)
def test_a_function_whose_page_says_it_returns_a_string_gives_a_string(expression: str, page: str,
                                                                      quote: str) -> None:
    """Each row's 10.0 page (read in full) says the function returns a string (the row's quote, word for word);
    INFORMATIONAL's typeof example names a string's type: ``typeof(12) + typeof("string")`` returns
    "NumberStringBoolInvalid". So the result is a String whatever its text, like a quoted literal."""
    assert _x(expression, setup='f="10"') == "String", f"{page}: {quote}"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('typeof(trim(" 5 "))', "String"),
        ('typeof(replace(f, "0", "1"))', "String"),
        ('typeof(mvindex(split("1,2", ","), 0))', "String"),
        ('typeof(mvjoin(split("1,2", ","), ""))', "String"),
        ('typeof("1" . "2")', "String"),
        ("typeof(f . f)", "String"),
        ('typeof("1" + "2")', "String"),
        ("tostring(5) + 1", None),  # a String and a Number: + neither adds nor concatenates
        ('if(substr("10", 1, 2) < "9", "y", "n")', "y"),  # two Strings compare as text
        ("tonumber(tostring(5)) + 1", 6),  # tonumber is how the text becomes a Number again
        ("len(tostring(12345))", 5),  # len itself returns a Number
        ("typeof(len(f))", "Number"),
    ],
)
@pytest.mark.assumed
def test_a_text_function_result_is_a_string_whatever_its_text(expression: str, expected: object) -> None:
    """Functions whose 10.0 page describes a text result without the words "returns a string" (each read in
    full): trim "removes the trim characters from both sides of the string", replace "substitutes the replacement
    string for every occurrence of the regular expression in the string" (Text functions); mvjoin "concatenates
    the individual values within <mv> using the value of <delim> as a separator" (Multivalue eval functions).
    They give a String like the functions above; ``mvindex`` passes a String value through. ``assumed``: no page
    says so outright; ``.`` and ``+`` of two strings "concatenate" (eval command page), so their result is text
    too, and the rows that go on to compute follow from a String (``tonumber`` is how text becomes a Number)."""
    assert _x(expression, setup='f="10"') == expected


@pytest.mark.assumed
def test_a_stored_text_function_result_reads_as_a_number_again() -> None:
    """``assumed`` as for quoted literals above: an eval command stores the text, which the next command reads
    as a number (``field_value``)."""
    result = rows(make_engine(), '| makeresults | eval f=substr("123", 1, 2) | where f > 3 | eval g=f+1')
    assert [row.get("g") for row in result] == [13]


def test_tonumber_of_a_text_function_result_that_is_not_a_number_is_null() -> None:
    """CONVERSION, tonumber usage: only "a literal string" it cannot parse is an error; a function's text result
    is not a literal, so it gives NULL like a field value."""
    assert _x('tonumber(lower("Seven"))') is None
    assert _x('tonumber(substr(f, 2))', setup='f="x12"') == 12


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('round("3.5")', None),
        ('abs("-2")', None),
        ("round(f)", 10),  # a field's digits are a number
        ('if(f == "10.0", "y", "n")', "n"),  # a String: compared as text, "10" is not "10.0"
        ("if(f == 10.0, \"y\", \"n\")", "y"),  # two numbers compare numerically
        ('if(in(z, "1"), "y", "n")', "n"),  # in() compares like ==: "01" is not the text "1"
        ('if(in(z, 1), "y", "n")', "y"),
    ],
)
@pytest.mark.assumed
def test_what_a_quoted_number_means_beside_fields_and_math(expression: str, expected: object) -> None:
    """Consequences of a quoted literal being a String, none stated outright by a page (``assumed``). Nearest
    sentences: the Evaluation functions overview (9.0), "All functions that accept numbers can accept literal
    numbers or any numeric field" -- a quoted literal is neither, so a math function gives null as for any
    non-number; the SPL2 where page, ``where ipaddress="198.51.100.1"``: "The IP address is a string value.
    All strings must be enclosed in double quotation marks"; the search page (command, not eval): "1" does not
    match "1.0"."""
    assert _x(expression, setup='f="10", z="01"') == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('if(isnum(strval), "true", "false")', "true"),  # strvalIsNumeric | true
        ('if(isstr(strval), "true", "false")', "true"),  # strvalIsStr | true
        ('if(isnum("NaN"), "true", "false")', "false"),  # literalNanIsNumeric | false
        _assumed('if(isnum(lower(strval)), "true", "false")', "false"),  # a function's text result: a String
        _assumed('if(isint(strval), "true", "false")', "false"),  # NaN is no integer (the page shows no isint)
    ],
)
def test_a_field_holding_nan_is_both_a_string_and_a_number(expression: str, expected: str) -> None:
    """INFORMATIONAL, isnum: "When a field contains a "NaN" string, the "NaN" behaves as both a string and a
    number. However, when a "NaN" value is present as a literal string in an evaluator expression, it is
    considered a string, not a number." Its example (``eval strval="NaN"``) gives ``strvalIsNumeric`` true, and
    the isstr page's ``strvalIsStr`` true. The page's ``numval=strval % 1`` (a NaN): ``test_field_nan``."""
    assert _x(expression, setup='strval="NaN"') == expected
