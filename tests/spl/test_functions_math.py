"""Mathematical and statistical eval functions.
Sources: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/mathematical-functions ;
https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/statistical-eval-functions"""

from __future__ import annotations

import math

import pytest

from .h2_fakes import call


@pytest.mark.parametrize(
    ("args", "expected"),
    [((3.5,), 4), ((2.555, 2), 2.56), ((1.4,), 1), ((7,), 7), (("2.5",), 3), ((1234.5678, 2), 1234.57),
     ((0.125, 2), 0.13), (("abc",), None), ((None,), None)],
)
def test_round(args: tuple[object, ...], expected: object) -> None:
    """round(<num>,<precision>): documented examples round(3.5) = 4 and round(2.555, 2) = 2.56 (a decimal
    half rounds up even where the binary double sits just below it).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/mathematical-functions"""
    assert call("round", *args) == expected


@pytest.mark.assumed
def test_round_negative_halves_go_away_from_zero() -> None:
    """Assumed: halves round away from zero for negatives too (round(-2.5) = -3); docs show positives only.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/mathematical-functions"""
    assert call("round", -2.5) == -3
    assert call("round", -1.005, 2) == -1.01


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("abs", (-5,), 5), ("abs", ("-2.5",), 2.5),
        ("ceiling", (1.9,), 2), ("ceil", (1.1,), 2), ("ceiling", (-1.5,), -1),
        ("floor", (1.9,), 1), ("floor", (-1.1,), -2),
        ("pow", (2, 10), 1024), ("pow", (4, 0.5), 2.0), ("pow", (-8, 0.5), None),
        ("log", (100,), 2.0), ("log", (8, 2), 3.0), ("log", (0,), None),
        ("ln", (math.e,), 1.0), ("ln", (-1,), None),
        ("exp", (0,), 1.0),
        ("sqrt", (9,), 3.0), ("sqrt", (-1,), None),
        ("exact", ("3.14",), 3.14),
        ("abs", ("x",), None), ("floor", (None,), None),
    ],
)
def test_math_functions(name: str, args: tuple[object, ...], expected: object) -> None:
    """abs, ceiling/ceil, floor, pow, log (base 10 by default; log(8,2)), ln, exp, sqrt, exact; a non-numeric
    argument or a result outside the reals gives null.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/mathematical-functions"""
    result = call(name, *args)
    if isinstance(expected, float):
        assert result == pytest.approx(expected)
    else:
        assert result == expected


def test_pi() -> None:
    """pi() is the constant π. https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/mathematical-functions"""
    assert call("pi") == pytest.approx(3.141592653589793)


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("max", (1, 3, 6, 7, "foo", "baz"), "foo"),
        ("max", (1, 3, 6, 7, "foo", "zaz"), "zaz"),
        ("max", (("1", "6", "3"),), "6"),
        ("max", (3, "10", 9), "10"),  # numeric, not lexicographic, among numbers
        ("min", (3, "10", 9), 3),
        ("min", (5, "foo"), 5),  # numbers are smaller than strings
        ("min", ("b", "a"), "a"),
        ("max", (None,), None),
    ],
)
def test_eval_min_max(name: str, args: tuple[object, ...], expected: object) -> None:
    """max(<values>): "Strings are greater than numbers"; example max(1, 3, 6, 7, "foo", name) is "foo" when
    name is "baz" and "zaz" when name is "zaz"; applied to a multivalue field it uses every value.
    https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/statistical-eval-functions"""
    assert call(name, *args) == expected
