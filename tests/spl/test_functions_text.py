"""Text eval functions. Source: https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/evaluation-functions/text-functions"""

from __future__ import annotations

import pytest

from contentpack.spl import SplUnsupportedError

from .h2_fakes import call


@pytest.mark.parametrize(
    ("value", "expected"),
    [("buttercup", 9), ("rarity", 6), ("tenderhoof", 10), ("dash", 4), ("mistmane", 8), ("héllo", 5), ("", 0),
     (12345, 5), (None, None)],
)
def test_len_counts_code_points(value: object, expected: int | None) -> None:
    """len(<str>): "a count of the UTF-8 code points in a string"; the documented names table (buttercup 9,
    rarity 6, tenderhoof 10, dash 4, mistmane 8). https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/evaluation-functions/text-functions"""
    assert call("len", value) == expected


def test_length_is_an_alias_of_len() -> None:
    """"you can use either len or length for the function name".
    https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/evaluation-functions/text-functions"""
    assert call("length", "dash") == 4


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("lower", "Consent To Application", "consent to application"),
        ("upper", "user@Contoso.com", "USER@CONTOSO.COM"),
        ("lower", ("A", "B"), ("a", "b")),
        ("upper", None, None),
        ("lower", 10, "10"),
    ],
)
def test_lower_upper(name: str, value: object, expected: object) -> None:
    """lower(<str>)/upper(<str>) change case; null stays null.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/evaluation-functions/text-functions"""
    assert call(name, value) == expected


@pytest.mark.assumed
def test_lower_upper_map_other_scripts_one_character_for_one() -> None:
    """``assumed``: the page says lower "returns the string in lowercase" and nothing of letters outside ASCII;
    the engine lowers them as Unicode's one-to-one case mapping does (Latin, Cyrillic, Greek capitals alike).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/evaluation-functions/text-functions"""
    assert call("lower", "\u00c9COLE \u0414\u0416 \u03a9mega \u03a3") == "\u00e9cole \u0434\u0436 \u03c9mega \u03c3"
    assert call("upper", "\u00e9cole \u0434\u0436 \u03c9") == "\u00c9COLE \u0414\u0416 \u03a9"


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("upper", "stra\u00dfe", "'\u00df' (U+00DF), whose upper case in Unicode is 'SS'"),
        ("lower", "\u0130stanbul", "'\u0130' (U+0130), whose lower case in Unicode is 'i\u0307'"),
        ("lower", "\u039f\u0394\u039f\u03a3", "depends on the characters around it"),  # a final sigma: \u03c2
        ("upper", ("a", "\ufb01"), "'\ufb01' (U+FB01), whose upper case in Unicode is 'FI'"),
    ],
)
def test_lower_upper_refuse_a_case_that_is_not_one_character_for_one(name: str, value: object, shown: str) -> None:
    """Where Unicode's full case mapping differs from its one-to-one mapping (SpecialCasing: ``\u00df`` upper is
    ``SS``, ``\u0130`` lower is ``i`` and a combining dot; a final sigma lowers to ``\u03c2``), implementations
    differ as well and no page says which Splunk's is: refused, where the engine gave Python's full mapping."""
    with pytest.raises(SplUnsupportedError, match="no Splunk page says whether") as caught:
        call(name, value)
    assert shown in str(caught.value)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("splunk", 1, 3), "spl"),
        (("splunk", -3), "unk"),
        (("string", 1, 3), "str"),
        (("string", -3), "ing"),
        (("splunk", 2), "plunk"),
        (("splunk", 4, 100), "unk"),
        (("splunk", 10), ""),
        (("splunk", -10, 2), "sp"),
        ((None, 1, 2), None),
        (("splunk", None), None),
        (("splunk", 1, None), None),  # a null length is null in, null out, not "to the end"
    ],
)
def test_substr_is_one_based_with_negative_start_from_end(args: tuple[object, ...], expected: object) -> None:
    """substr(<str>,<start>,<length>): indexes start at 1 and a negative <start> counts from the end of the
    string; documented example substr("splunk", 1, 3) + substr("splunk", -3) = "splunk".
    https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/evaluation-functions/text-functions"""
    assert call("substr", *args) == expected


@pytest.mark.assumed
def test_substr_start_zero_and_non_positive_length() -> None:
    """Assumed: a start of 0 behaves as 1 and a length ≤ 0 gives the empty string (docs silent).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/evaluation-functions/text-functions"""
    assert call("substr", "splunk", 0, 2) == "sp"
    assert call("substr", "splunk", 1, 0) == ""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("1/14/2023", r"^(\d{1,2})/(\d{1,2})/", r"\2/\1/"), "14/1/2023"),
        (("aaa", "a", "b"), "bbb"),
        (("user@contoso.com", "@.*", ""), "user"),
        (("abc", "(x)?b", r"[\1]"), "a[]c"),  # a group that did not take part is empty
        (("a.b", r"\.", r"\\"), "a\\b"),
        ((None, "a", "b"), None),
    ],
)
def test_replace_uses_regex_and_backreferences(args: tuple[object, ...], expected: object) -> None:
    """replace(<str>,<regex>,<replacement>): every match replaced; \\1 in the replacement refers to the
    first group (documented example swapping month and day: replace(date, "^(\\d{1,2})/(\\d{1,2})/", "\\2/\\1/")).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/evaluation-functions/text-functions"""
    assert call("replace", *args) == expected


_MV = ("a1 ", " b2")


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("len", (_MV,)),
        ("substr", (_MV, 2)),
        ("trim", (_MV,)),
        ("ltrim", (_MV, " ")),
        ("rtrim", (_MV,)),
        ("replace", (_MV, r"\d", "#")),
        ("replace", (_MV, None, "#")),  # refused whatever the other arguments hold
        ("urldecode", (_MV,)),
        ("spath", (_MV, "a")),
    ],
)
def test_not_supported_on_multivalue_fields_is_refused(name: str, args: tuple[object, ...]) -> None:
    """Each of these functions' sections says "This function is not supported on multivalue fields." and no
    page states a result, so a multivalue argument is refused as unsupported, never answered with a guess
    (lower and upper, which "You can use ... on multivalue fields", convert each value: see above).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/evaluation-functions/text-functions"""
    with pytest.raises(SplUnsupportedError, match="a multivalue argument"):
        call(name, *args)


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("trim", ("    ZZZZabcZZ ", " Z"), "abc"),
        ("ltrim", ("    ZZZZabcZZ ", " Z"), "abcZZ "),
        ("rtrim", ("    ZZZZabcZZ ", " Z"), "    ZZZZabc"),
        ("trim", ("\t  padded \t",), "padded"),
        ("ltrim", ("  x  ",), "x  "),
        ("rtrim", ("  x  ",), "  x"),
        ("trim", ("\nx\n",), "\nx\n"),  # only spaces and tabs by default
        ("trim", (None,), None),
    ],
)
def test_trim_family(name: str, args: tuple[object, ...], expected: object) -> None:
    """trim/ltrim/rtrim(<str>,<trim_chars>): documented example trim("    ZZZZabcZZ ", " Z") = "abc",
    ltrim(...) = "abcZZ ", rtrim(...) = "    ZZZZabc"; without trim_chars, spaces and tabs are removed.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/evaluation-functions/text-functions"""
    assert call(name, *args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("a;b;c", ";"), ("a", "b", "c")),
        (("single", ";"), "single"),
        (("a;;b", ";"), ("a", "", "b")),
        (("abc", ""), ("a", "b", "c")),
        (("Scope: openid, profile", ", "), ("Scope: openid", "profile")),
        ((None, ","), None),
    ],
)
def test_split_makes_a_multivalue(args: tuple[object, ...], expected: object) -> None:
    """split(<str>,<delim>): splits on the delimiter into a multivalue field; an empty delimiter splits
    every character. https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/evaluation-functions/text-functions"""
    assert call("split", *args) == expected


@pytest.mark.parametrize("args", [(_MV, ";"), ("a;b", ("a", ";")), (_MV, None)])
def test_split_refuses_a_multivalue_argument(args: tuple[object, ...]) -> None:
    """split(<str>,<delim>): "This function splits the string values on the delimiter and returns the string
    values as a multivalue field." The section (Multivalue eval functions page) shows only single-value input and
    says nothing of a multivalue one, so it is refused rather than read as its first value.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/evaluation-functions/multivalue-eval-functions"""
    with pytest.raises(SplUnsupportedError, match="the split page .* does not say what a multivalue"):
        call("split", *args)


def test_urldecode_documented_example() -> None:
    """urldecode("http%3A%2F%2Fwww.splunk.com%2Fdownload%3Fr%3Dheader") = "http://www.splunk.com/download?r=header".
    https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/evaluation-functions/text-functions"""
    assert call("urldecode", "http%3A%2F%2Fwww.splunk.com%2Fdownload%3Fr%3Dheader") == "http://www.splunk.com/download?r=header"
    assert call("urldecode", None) is None


@pytest.mark.assumed
def test_urldecode_plus_is_space() -> None:
    """Assumed: "+" decodes to a space (form encoding); the docs' example has none.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/evaluation-functions/text-functions"""
    assert call("urldecode", "a+b%20c") == "a b c"
