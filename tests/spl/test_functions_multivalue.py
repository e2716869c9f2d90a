"""Multivalue eval functions.
Source: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contentpack.spl.errors import SplRuntimeError
from contentpack.spl.functions.multivalue import referenced_fields

from .h2_fakes import Call, Cmp, FieldRef, Lit, call
from .spl_support import make_engine, rows

MV = ("a", "b", "c", "d", "e")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((MV, 2), "c"),
        ((MV, -1), "e"),
        ((MV, 0), "a"),
        ((MV, 1, 3), ("b", "c", "d")),
        ((MV, -3, -1), ("c", "d", "e")),
        ((MV, 2, 2), "c"),
        ((MV, 3, 100), ("d", "e")),  # assumed: the page does not say an <end> past the last value is clipped
        ((MV, 5), None),
        ((MV, -6), None),
        ((MV, 3, 1), None),
        (("only", 0), "only"),
        ((None, 0), None),
    ],
)
def test_mvindex(args: tuple[object, ...], expected: object) -> None:
    """mvindex(<mv>,<start>,<end>): 0-based (indexes start at zero), negative indexes count from the end
    (-1 is the last value), the range includes <end>; out-of-range gives null. Examples mvindex(multifield, 2)
    and the consent detections' mvindex('…newValue', idx).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions"""
    assert call("mvindex", *args) == expected


@pytest.mark.parametrize(
    ("values", "regex", "expected"),
    [
        (("ConsentContext.IsAdminConsent", "ConsentAction.Reason", "ConsentAction.Permissions"), "ConsentAction.Reason", 1),
        (("abc", "err42", "err7"), r"err\d+", 1),
        (("abc", "def"), r"err\d+", None),
        ("solo-err1", r"err\d", 0),
        (None, "x", None),
    ],
)
def test_mvfind_returns_first_matching_index_or_null(values: object, regex: str, expected: object) -> None:
    """mvfind(<mv>,<regex>) returns the index of the first value that matches the regex, or NULL if none does
    (example mvfind(mymvfield, "err\\d+")); used by the consent-blocked detection.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions"""
    assert call("mvfind", values, regex) == expected


def test_mvcount() -> None:
    """mvcount(<mv>): the number of values; a single value counts 1.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions"""
    assert call("mvcount", MV) == 5
    assert call("mvcount", "one") == 1


def test_mvcount_of_null_is_null() -> None:
    """mvcount: "If the field has no values, this function returns NULL."
    https://docs.splunk.com/Documentation/Splunk/7.0.7/SearchReference/MultivalueEvalFunctions"""
    assert call("mvcount", None) is None


def test_mvappend_flattens_and_skips_null() -> None:
    """mvappend(<values>): one multivalue result with all values; arguments can be strings, multivalue or
    single value fields (example mvappend("localhost", srcip)).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions"""
    assert call("mvappend", "localhost", FieldRef("srcip"), event={"srcip": ("10.0.0.1", "10.0.0.2")}) == (
        "localhost", "10.0.0.1", "10.0.0.2")
    assert call("mvappend", Call("mvappend", ("localhost", FieldRef("srcip"))), FieldRef("destip"), "192.168.1.1",
                event={"srcip": "1.1.1.1"}) == ("localhost", "1.1.1.1", "192.168.1.1")
    assert call("mvappend", None, "x") == "x"  # assumed: the page does not say a null argument adds no value


def test_mvjoin() -> None:
    """mvjoin(<mv>,<delim>): example mvjoin(address, ";") joins the values.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions"""
    assert call("mvjoin", ("1", "2", "3"), ";") == "1;2;3"
    assert call("mvjoin", "solo", ",") == "solo"
    assert call("mvjoin", None, ",") is None


def test_mvdedup_keeps_first_occurrence_order() -> None:
    """mvdedup(<mv>): removes duplicate values.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions"""
    assert call("mvdedup", ("b", "a", "b", "c", "a")) == ("b", "a", "c")
    assert call("mvdedup", ("a", "A")) == ("a", "A")  # assumed: values differing in case are not duplicates


def test_mvsort_is_lexicographic() -> None:
    """mvsort(<mv>) sorts the values lexicographically — numbers before letters, by first digit,
    upper case before lower case. https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions
    ; https://help.splunk.com/en/splunk-enterprise/search/spl2-search-manual/sort-and-order"""
    assert call("mvsort", ("b", "100", "a", "9", "10", "B", "70")) == ("10", "100", "70", "9", "B", "a", "b")
    assert call("mvsort", (9, 100, "a", 10)) == (10, 100, 9, "a")  # numbers (not text) too: by first digit


@given(st.lists(st.text(max_size=6), min_size=2, max_size=12))
def test_mvsort_orders_by_utf8_bytes(values: list[str]) -> None:
    """Property: mvsort's output is a permutation of its input ordered by UTF-8 bytes.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions"""
    result = call("mvsort", tuple(values))
    assert isinstance(result, tuple)
    assert sorted(result) == sorted(values)
    keys = [v.encode("utf-8") for v in result if isinstance(v, str)]
    assert len(keys) == len(result) and keys == sorted(keys)


def test_mvzip() -> None:
    """mvzip(<mv_left>,<mv_right>,<delim>): pairs values position by position, default delimiter comma
    (example mvzip(hosts, ports)). https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions"""
    assert call("mvzip", ("h1", "h2"), ("80", "443")) == ("h1,80", "h2,443")
    assert call("mvzip", ("h1", "h2", "h3"), ("80", "443"), ":") == ("h1:80", "h2:443")


def test_mvrange() -> None:
    """mvrange(<start>,<end>,<step>): numbers from start up to but not including end.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions"""
    assert call("mvrange", 1, 11, 2) == (1, 3, 5, 7, 9)
    assert call("mvrange", 0, 3) == (0, 1, 2)


def test_mvfilter_keeps_values_matching_the_expression() -> None:
    """mvfilter(<predicate>): keeps the values of the one field named in the predicate for which it is TRUE
    (example mvfilter(match(email, "\\.net$") OR match(email, "\\.org$"))).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions"""
    event = {"email": ("a@x.net", "b@y.com", "c@z.org")}
    assert call("mvfilter", Call("match", (FieldRef("email"), Lit(r"\.net$"))), event=event) == "a@x.net"
    assert call("mvfilter", Cmp("!=", FieldRef("email"), Lit("b@y.com")), event=event) == ("a@x.net", "c@z.org")
    assert call("mvfilter", Cmp("=", FieldRef("email"), Lit("none")), event=event) is None


def test_mvfilter_requires_exactly_one_field() -> None:
    """mvfilter's predicate may reference only one field.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions"""
    with pytest.raises(SplRuntimeError, match="exactly one field"):
        call("mvfilter", Cmp("=", FieldRef("a"), FieldRef("b")), event={"a": "1", "b": "1"})


def test_referenced_fields_ignores_function_names() -> None:
    """Function-call nodes carry a name too; only field nodes count (how mvfilter finds its one field).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions"""
    node = Call("match", (FieldRef("email"), Lit("x"), Call("lower", (FieldRef("email"),))))
    assert referenced_fields(node) == ["email"]


def test_mvmap_evaluates_the_expression_per_value() -> None:
    """mvmap(<mv>,<expression>): iterates over the values of a multivalue field, the expression seeing each
    value in turn (example mvmap(results, results*10)).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions"""
    event = {"results": ("1", "2", "3")}
    squares = call("mvmap", FieldRef("results"), Call("pow", (FieldRef("results"), Lit(2))), event=event)
    assert squares == (1, 4, 9)
    assert call("mvmap", FieldRef("missing"), Lit("x"), event=event) is None
    assert call("mvmap", FieldRef("results"), Call("null", ()), event=event) is None


def test_mvrange_timespan_step_must_move_forward() -> None:
    """mvrange(<start>,<end>,<step>) with a timespan step adds it until <end>; a step of no time would never end,
    so it is an error at the function (``assumed``: the page shows only forward steps).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions"""
    with pytest.raises(SplRuntimeError) as raised:
        rows(make_engine(), '| makeresults | eval r=mvrange(0, 10, "0s")')
    assert str(raised.value) == ("mvrange(): the timespan step '0s' must move forward (command 'eval', column 24)")
