"""Cryptographic, network and JSON eval functions, and the function registry.

Sources: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/cryptographic-functions ;
https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions ;
https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/json-functions
"""

from __future__ import annotations

import pytest

from contentpack.spl.errors import SplRuntimeError
from contentpack.spl.functions import FunctionSpec, function_names, get_function

from .h2_fakes import call
from .spl_support import make_engine, rows


@pytest.mark.parametrize(
    ("name", "digest"),
    [
        ("md5", "900150983cd24fb0d6963f7d28e17f72"),
        ("sha1", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("sha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("sha512", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
    ],
)
def test_hash_functions(name: str, digest: str) -> None:
    """md5/sha1/sha256/sha512(<str>): the hex digest of the string (standard test vectors for "abc").
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/cryptographic-functions"""
    assert call(name, "abc") == digest
    assert call(name, None) is None


@pytest.mark.parametrize(
    ("cidr", "ip", "expected"),
    [
        ("192.0.2.0/24", "192.0.2.5", True),
        ("192.0.2.0/24", "192.0.3.5", False),
        ("2001:db8::/32", "2001:db8::1", True),
        ("192.0.2.0/24", "not-an-ip", False),
        ("bad", "192.0.2.5", False),
        ("192.0.2.0/24", None, None),
    ],
)
def test_cidrmatch(cidr: str, ip: object, expected: object) -> None:
    """cidrmatch(<cidr>,<ip>): TRUE when the IP address is in the subnet (example
    cidrmatch("192.0.2.0/24", ip)). https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    assert call("cidrmatch", cidr, ip) is expected


DOC = '{"consent":{"scopes":["openid","Mail.Read"],"admin":false,"grant":{"id":7,"by":null}}}'


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        ((), '{"consent":{"scopes":["openid","Mail.Read"],"admin":false,"grant":{"id":7,"by":null}}}'),
        (("consent.scopes{1}",), "Mail.Read"),
        (("consent.scopes{}",), ("openid", "Mail.Read")),
        (("consent.scopes",), '["openid","Mail.Read"]'),
        (("consent.grant.id",), 7),
        (("consent.admin",), "false"),
        (("consent.grant.by",), "null"),
        (("consent.missing",), None),
        (("consent.grant.id", "consent.scopes{0}"), (7, "openid")),
    ],
)
def test_json_extract(paths: tuple[str, ...], expected: object) -> None:
    """json_extract(<json>,<paths>): with no path the whole document; keys joined by ".", array elements
    {N}; objects and arrays are returned as JSON text.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/json-functions"""
    assert call("json_extract", DOC, *paths) == expected


def test_json_extract_invalid_json_is_null() -> None:
    """A value that is not JSON gives null. https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/json-functions"""
    assert call("json_extract", "{not json", "a") is None
    assert call("spath", "{not json", "a") is None


def test_spath_eval_function() -> None:
    """spath(<value>,<path>): extracts with an spath location path (commits{}.author.name style).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/evaluation-functions/text-functions"""
    doc = '{"commits":[{"author":{"name":"a"}},{"author":{"name":"b"}}]}'
    assert call("spath", doc, "commits{}.author.name") == ("a", "b")


ISSUE_FUNCTIONS = (
    "if case coalesce isnull isnotnull isnum isstr like match searchmatch lower upper len substr replace trim "
    "ltrim rtrim split urldecode mvindex mvfind mvcount mvappend mvjoin mvfilter mvdedup mvsort mvzip tonumber "
    "tostring round floor ceiling ceil abs pow log ln exp sqrt min max strftime strptime now time relative_time "
    "cidrmatch in json_extract null true false typeof printf sha256 md5 sha1 sha512"
).split()


def test_every_function_of_the_issue_is_registered_with_a_sane_arity() -> None:
    """Function names are the lower-case Splunk names; each has a spec with a consistent arity.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    for name in ISSUE_FUNCTIONS:
        spec = get_function(name)
        assert isinstance(spec, FunctionSpec), name
        assert spec.name in (name, "length")
        assert spec.max_args is None or spec.max_args >= spec.min_args
    assert set(ISSUE_FUNCTIONS) <= set(function_names())


def test_lookup_is_case_sensitive_and_unknown_is_none() -> None:
    """Eval function names are lower case; IF or an unknown name is not a function.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    assert get_function("IF") is None
    assert get_function("no_such_function") is None


@pytest.mark.parametrize(
    ("name", "count", "ok"),
    [("if", 3, True), ("if", 2, False), ("substr", 2, True), ("substr", 4, False), ("mvappend", 9, True),
     ("now", 0, True), ("now", 1, False)],
)
def test_arity(name: str, count: int, ok: bool) -> None:
    """if takes three arguments, substr two or three, mvappend any number, now none.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions"""
    spec = get_function(name)
    assert spec is not None
    assert spec.accepts(count) is ok
    assert spec.arity_text()


@pytest.mark.parametrize(
    ("mask", "ip", "expected"),
    [("255.255.255.0", "10.20.30.120", "10.20.30.0"), ("0.255.0.224", "10.20.30.120", "0.20.0.96"),
     ("255.255.0.0", "not-an-ip", None), ("bad", "10.0.0.1", None)],
)
def test_ipmask(mask: str, ip: str, expected: str | None) -> None:
    """ipmask(<mask>,<ip>): bitwise AND; documented ipmask("255.255.255.0", "10.20.30.120") = 10.20.30.0 and
    the 0.255.0.224 mask giving 0.20.0.96; invalid IPv4 text gives null.
    https://docs.splunk.com/Documentation/Splunk/9.4.0/SearchReference/ConversionFunctions"""
    assert call("ipmask", mask, ip) == expected


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("json_valid", ('{"a":1}',), True), ("json_valid", ("{",), False),
        ("json_keys", ('{"a":{"b":1},"c":2}',), '["a","c"]'),
        ("json_keys", ('{"a":{"b":1},"c":2}', 2), '["a","b","c"]'),
        ("json_keys", ("[1,2]",), None),
    ],
)
def test_json_valid_and_keys(name: str, args: tuple[object, ...], expected: object) -> None:
    """json_valid(<json>) tells whether the value is valid JSON; json_keys(<json>,<depth>) lists an object's
    keys as a JSON array. https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/json-functions"""
    assert call(name, *args) == expected


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("cos", (0,), 1.0), ("sin", (0,), 0.0), ("tan", (0,), 0.0), ("atan2", (1, 1), 0.7853981633974483),
        ("acos", (1,), 0.0), ("acos", (2,), None), ("asin", ("1",), 1.5707963267948966), ("hypot", (3, 4), 5.0),
        ("cosh", (0,), 1.0), ("sinh", (0,), 0.0), ("tanh", (0,), 0.0), ("acosh", (1,), 0.0), ("asinh", (0,), 0.0),
        ("atanh", (0,), 0.0), ("atanh", (1,), None), ("atan", ("x",), None),
    ],
)
def test_trig_and_hyperbolic(name: str, args: tuple[object, ...], expected: float | None) -> None:
    """Trig and hyperbolic functions in radians (hypot(3,4) = 5); outside the domain gives null.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/trig-and-hyperbolic-functions"""
    result = call(name, *args)
    assert result == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    "expression",
    [
        'like(null(), "a%")', 'match("a", null())', "searchmatch(null())",
        'mvfind(split("a,b", ","), null())', 'mvzip(split("a,b", ","), split("c,d", ","), null())',
        'spath("{}", null())', 'json_extract("{\\"a\\":1}", null())', 'json_extract(null())', "json_keys(null())",
        'json_array_to_mv("{\\"a\\":1}")', 'printf(null(), 1)', 'tostring(5, null())',
    ],
)
def test_a_null_text_argument_gives_null(expression: str) -> None:
    """A function whose text argument (the value, the pattern, the path, the delimiter, the format) is null
    returns null, like text that is not a number where a number is needed (Search Reference, "Evaluation
    functions" overview; null for a null text argument is ``assumed``, no page states it per function)."""
    [row] = rows(make_engine(), f'| makeresults | eval r=if(isnull({expression}), "null", "set")')
    assert row["r"] == "null"


def test_a_condition_that_is_not_boolean_is_an_error_at_the_function() -> None:
    """if(<predicate>, ...): "<predicate> must be a Boolean expression" (Comparison and Conditional functions,
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions)."""
    with pytest.raises(SplRuntimeError) as raised:
        rows(make_engine(), '| makeresults | eval r=if(split("a,b", ","), 1, 2)')
    assert str(raised.value) == ("if(): the condition of 'if' must be a Boolean expression, got a multivalue of 2 "
                                 "values (command 'eval', column 24)")
