"""Edges the engine answered silently and wrongly, found by an adversarial review (review 16): ``sort num()`` over
a text value, ``%`` with operands of opposite signs, spath steps no page defines. Each test quotes its page."""

from __future__ import annotations

import itertools
import json

import pytest

from contentpack.spl import SplUnsupportedError

from .spl_support import NOW, event, make_engine, rows

SORT_PAGE = "https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/search-commands/sort"
EVAL_PAGE = "https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/search-commands/eval"
SPATH_PAGE = "https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/search-commands/spath"


@pytest.mark.assumed
@pytest.mark.parametrize("order", list(itertools.permutations(["9", "10", "5x"])))
def test_sort_num_orders_numbers_as_numbers_whatever_order_the_events_came_in(order: tuple[str, ...]) -> None:
    """sort (SORT_PAGE), num: "Interpret the values of the field as numbers.", so 9 sorts before 10. The page does
    not say where num() puts a value that is not a number (assumed: after the numbers, as the default order does,
    and as tests/spl/test_field_nan.py pins for ``abc``). The engine compared a number with a text by text, a
    comparison that is not transitive (10 < 5x < 9 < 10): the answer hung on the events' order, and 10 came before 9
    for two of the six."""
    engine = make_engine([event(NOW - i, v=v) for i, v in enumerate(order, 1)])
    assert [r["v"] for r in rows(engine, "* | sort num(v) | table v")] == ["9", "10", "5x"]
    assert [r["v"] for r in rows(engine, "* | sort - num(v) | table v")] == ["5x", "10", "9"]


@pytest.mark.parametrize("expression", ["-10 % 3", "10 % -3", "x % 3", "7.5 % -2"])
def test_remainder_of_operands_of_opposite_signs_is_refused(expression: str) -> None:
    """eval (EVAL_PAGE): the arithmetic operators "accept two numbers"; no page says the sign of a remainder when
    the signs differ, and the two conventions disagree there (-10 % 3 is -1 in C's, 2 in Python's). The engine
    answered 2; it now refuses, naming the operator."""
    with pytest.raises(SplUnsupportedError, match="'%' operator"):
        rows(make_engine(), f"| makeresults | eval x=-10 | eval r={expression}")


def test_remainder_of_operands_of_one_sign_is_kept() -> None:
    """Operands of one sign (or a remainder of 0) give the same answer under both conventions, so they are
    answered: 10 % 3 = 1, -10 % -3 = -1, -9 % 3 = 0, 0 % -3 = 0."""
    [row] = rows(make_engine(), "| makeresults | eval a=10 % 3, b=-10 % -3, c=-9 % 3, d=0 % -3 | fields - _time")
    assert row == {"a": 1, "b": -1, "c": 0, "d": 0}


@pytest.mark.parametrize("path", ["items{-1}.n", "items{first}.n", "items{0}x"])
def test_spath_refuses_an_array_step_the_page_does_not_define(path: str) -> None:
    """spath (SPATH_PAGE): "The location step is composed of a field name and an optional array index indicated by
    curly brackets around an integer or a string", and for JSON only ``{N}`` ("JSON uses zero-based indexing") and
    ``{}`` (every element) are described. ``items{-1}`` used to be read as a key named ``items{-1}`` (a silent
    null) and ``items{0}x`` as ``items{0}``; each is now refused, in the command (before any event is read) and in
    the spath and json_extract eval functions."""
    raw = json.dumps({"items": [{"n": "a"}, {"n": "b"}]})
    engine = make_engine([event(NOW - 1, j=raw)])
    with pytest.raises(SplUnsupportedError, match="spath: the path"):
        rows(engine, f"* | spath input=j path={path} output=x")
    with pytest.raises(SplUnsupportedError, match="spath.*is not <name>"):
        rows(engine, f'* | eval x=spath(j, "{path}")')
    with pytest.raises(SplUnsupportedError, match="json_extract.*is not <name>"):
        rows(engine, f'* | eval x=json_extract(j, "{path}")')
    assert rows(engine, "* | spath input=j path=items{1}.n output=x | table x") == [{"x": "b"}]
