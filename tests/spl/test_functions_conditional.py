"""Comparison, conditional and informational eval functions.

Sources: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions
and https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/informational-functions
"""

from __future__ import annotations

import pytest

from contentpack.spl.errors import SplRuntimeError

from .h2_fakes import Call, Cmp, FakeContext, FieldRef, Lit, call, invoke


def test_if_picks_branch_and_evaluates_only_that_branch() -> None:
    """if(<predicate>,<true_value>,<false_value>): returns the second argument when the predicate is TRUE,
    else the third. https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    ctx = FakeContext(event={"error": "200"})
    cond = Cmp("=", FieldRef("error"), Lit(200))
    assert invoke(ctx, "if", [cond, Lit("OK"), Lit("Error")]) == "OK"
    assert Lit("Error") not in ctx.evaluated  # the other branch never runs
    assert call("if", Cmp("=", FieldRef("error"), Lit(200)), "OK", "Error", event={"error": "404"}) == "Error"


def test_if_rejects_a_non_boolean_condition() -> None:
    """Splunk rejects an if() whose predicate is not Boolean (the arguments to if are invalid).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    with pytest.raises(SplRuntimeError, match="Boolean"):
        call("if", "yes", 1, 2)


@pytest.mark.parametrize(
    ("status", "expected"),
    [("200", "OK"), ("404", "Not found"), ("500", "Internal Server Error"), ("302", None)],
)
def test_case_returns_first_true_branch_or_null(status: str, expected: str | None) -> None:
    """case(error == 404, "Not found", error == 500, "Internal Server Error", error == 200, "OK"): the documented
    example; with no match the result is null.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    args = [
        Cmp("=", FieldRef("error"), Lit(404)), "Not found",
        Cmp("=", FieldRef("error"), Lit(500)), "Internal Server Error",
        Cmp("=", FieldRef("error"), Lit(200)), "OK",
    ]
    assert call("case", *args, event={"error": status}) == expected


def test_case_catch_all_with_true() -> None:
    """case(..., true(), "Other") — the documented idiom for a default branch.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    assert call("case", Cmp("=", FieldRef("x"), Lit(1)), "one", Call("true", ()), "Other", event={"x": "9"}) == "Other"


def test_case_with_odd_argument_count_is_an_error() -> None:
    """case takes condition/value pairs. https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    with pytest.raises(SplRuntimeError, match="pairs"):
        call("case", True, "a", False)


def test_coalesce_returns_first_non_null_and_stops() -> None:
    """coalesce(<values>) returns the first of its values that is not null (documented with clientip/ipaddress).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    ctx = FakeContext(event={"ipaddress": "10.0.0.1"})
    assert invoke(ctx, "coalesce", [FieldRef("clientip"), FieldRef("ipaddress"), FieldRef("never")]) == "10.0.0.1"
    assert FieldRef("never") not in ctx.evaluated
    assert call("coalesce", FieldRef("a"), FieldRef("b")) is None
    assert call("coalesce", FieldRef("a"), "") == ""  # an empty string is a value, not null


def test_nullif() -> None:
    """nullif(x, y): null when the two are equal, else x.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    assert call("nullif", "a", "a") is None
    assert call("nullif", "a", "b") == "a"
    assert call("nullif", "5", 5) is None


@pytest.mark.assumed
def test_nullif_compares_numbers_numerically() -> None:
    """Assumed: nullif's "equal" is eval's ``==``, which compares two numbers numerically ("5.0" equals 5),
    not their texts; the page says only "returns NULL if the value in <field1> is equal to the value in
    <field2>". https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    assert call("nullif", "5.0", 5) is None
    assert call("nullif", "5.0", "6") == "5.0"


@pytest.mark.parametrize(
    ("text", "pattern", "expected"),
    [
        ("10.9.165.8", "10.9.165.%", True),
        ("10.9.165.8", "10.9.%", True),
        ("10.9.165.8", "10.9._", False),
        ("abc", "a_c", True),
        ("abc", "A%", False),  # case-sensitive
        ("abc", "A_c", False),  # case-sensitive with "_" too (the regex reading, not only the "%"-only scan)
        ("abc", "%b%", True),
        ("abc", "b%", False),  # whole-value match
    ],
)
def test_like(text: str, pattern: str, expected: bool) -> None:
    """like(<str>,<pattern>): "%" matches multiple characters, "_" one character; example
    like(field, "addr%"). https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    assert call("like", text, pattern) is expected


@pytest.mark.assumed
def test_like_backslash_escapes_wildcards() -> None:
    """Assumed: a backslash makes % or _ literal (the docs show no escape example).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    assert call("like", "100%", "100\\%") is True
    assert call("like", "1000", "100\\%") is False


@pytest.mark.parametrize(
    ("text", "regex", "expected"),
    [
        ("192.0.2.17", r"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$", True),
        ("address 192.0.2.17", r"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$", False),
        ("address 192.0.2.17", r"\d{1,3}\.\d{1,3}", True),  # unanchored
        ("Consent to application", "(?<verb>Consent) to", True),  # PCRE named group
        ("abc", "ABC", False),
    ],
)
def test_match_is_an_unanchored_pcre_search(text: str, regex: str, expected: bool) -> None:
    """match(<str>,<regex>): TRUE if the regex finds a match against any substring; anchor with ^ and $
    (documented example with an IP address). https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    assert call("match", text, regex) is expected


def test_match_bad_regex_is_a_clear_error() -> None:
    """An invalid regular expression is an error naming the pattern, not a traceback.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    with pytest.raises(SplRuntimeError, match=r"invalid regular expression '\(unclosed'"):
        call("match", "x", "(unclosed")


def test_searchmatch_delegates_to_the_search_language() -> None:
    """searchmatch(<search_str>): TRUE if the event matches the search string.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    event = {"_raw": "user declined consent 65004"}
    assert call("searchmatch", "65004", event=event) is True
    assert call("searchmatch", "65001", event=event) is False


@pytest.mark.parametrize(
    ("value", "candidates", "expected"),
    [
        ("404", ["404", "500", "503"], True),
        ("200", ["404", "500", "503"], False),
        ("404", [404], True),  # "404" and 404 are the same value
        (None, ["x"], False),
        ("ABC", ["abc"], False),  # case-sensitive
    ],
)
def test_in(value: object, candidates: list[object], expected: bool) -> None:
    """in(<value>,<list>): TRUE if one of the values in the list matches the value (example
    in(status, "404","500","503")). https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    assert call("in", value, *candidates) is expected


def test_null_true_false() -> None:
    """null(), true(), false(). https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    assert call("null") is None
    assert call("true") is True
    assert call("false") is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12, "Number"), ("12", "Number"), ("-1.5e3", "Number"), ("string", "String"), (True, "Bool"),
     (None, "Invalid"), ("", "String")],
)
def test_typeof(value: object, expected: str) -> None:
    """typeof: documented examples typeof(12)="Number", typeof("string")="String", typeof(1==2)="Bool" (the page: "This example returns
    "NumberStringBoolInvalid""),
    typeof(badfield)="Invalid". https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/informational-functions"""
    assert call("typeof", value) == expected


@pytest.mark.assumed
def test_typeof_multivalue() -> None:
    """Assumed: a multivalue field reports "Multivalue" (not shown in the docs' examples).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/informational-functions"""
    assert call("typeof", ("a", "b")) == "Multivalue"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("isnull", None, True), ("isnull", "", False), ("isnull", "null", False),
        ("isnotnull", "x", True), ("isnotnull", None, False),
        ("isnum", "65004", True), ("isnum", 3.5, True), ("isnum", "65004a", False), ("isnum", None, False),
        ("isint", "42", True), ("isint", 4.5, False), ("isint", "x", False),
        ("isstr", "abc", True), ("isstr", "42", False), ("isstr", None, False),
        ("isbool", True, True), ("isbool", "true", False),
    ],
)
def test_is_functions(name: str, value: object, expected: bool) -> None:
    """isnull/isnotnull/isnum/isint/isstr/isbool: TRUE when the value is of that kind; field values are
    strings or numbers, never Booleans ("This function cannot be used to determine if field values are
    "true" or "false""). https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/informational-functions"""
    assert call(name, value) is expected


def test_validate_returns_the_message_of_the_first_failed_check() -> None:
    """validate(<condition>,<value>,...) returns the value paired with the first condition that evaluates to
    FALSE; all TRUE gives null (example validate(isint(port), "ERROR: Port is not an integer", port >= 1
    AND port <= 65535, "ERROR: Port is out of range")).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    checks = [
        Call("isint", (FieldRef("port"),)), "ERROR: Port is not an integer",
        Cmp("<=", FieldRef("port"), Lit(65535)), "ERROR: Port is out of range",
    ]
    assert call("validate", *checks, event={"port": "x"}) == "ERROR: Port is not an integer"
    assert call("validate", *checks, event={"port": "70000"}) == "ERROR: Port is out of range"
    assert call("validate", *checks, event={"port": "443"}) is None


@pytest.mark.assumed
def test_validate_a_null_condition_is_not_a_failed_check() -> None:
    """Assumed: only a condition that "evaluates to FALSE" gives its message; one that is null (``like`` of a
    missing field) is not FALSE, so the next pair is tried, and no FALSE condition gives null.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    checks = [Call("like", (FieldRef("user"), Lit("svc_%"))), "not a service account"]
    assert call("validate", *checks, event={}) is None
    assert call("validate", *checks, event={"user": "alice"}) == "not a service account"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [("isarray", "[1, 2, 3]", True), ("isarray", 1, False), ("isarray", '{"a":1}', False), ("isarray", "[", False),
     ("isobject", '{"a": 1}', True), ("isobject", "[1]", False), ("isarray", None, False)],
)
def test_isarray_isobject(name: str, value: object, expected: bool) -> None:
    """isarray(<value>): documented if(isarray("[1, 2, 3]"), "True", "False") returns True and isarray(1) False;
    isobject likewise for JSON objects. https://docs.splunk.com/Documentation/Splunk/9.4.0/SearchReference/InformationalFunctions"""
    assert call(name, value) is expected
