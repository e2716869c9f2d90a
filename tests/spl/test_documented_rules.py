"""Documented rules the engine used to answer differently (issue 14's five silent wrong answers), each
pinned by a test quoting its Search Reference page."""

from __future__ import annotations

import pytest

from contentpack.spl import SplUnsupportedError

from .spl_support import NOW, event, make_engine, rows

SEARCH_PAGE = "https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/search"


def test_search_equals_compares_strings() -> None:
    """search: "Comparison expressions with the equal ( = ) or not equal ( != ) operator compare string
    values. For example, "1" does not match "1.0"." (SEARCH_PAGE). where compares numbers numerically."""
    engine = make_engine([event(NOW - 1, v="1"), event(NOW - 2, v="1.0"), event(NOW - 3, v=1)])
    assert len(rows(engine, "v=1")) == 2
    assert len(rows(engine, "v=1.0")) == 1
    assert len(rows(engine, "v!=1")) == 1
    assert len(rows(engine, "v IN (1.0)")) == 1
    assert len(rows(engine, "* | where v=1")) == 3


def test_search_less_greater_compare_numbers_numerically_and_others_lexicographically() -> None:
    """search: "Comparison expressions with greater than or less than operators < > <= >= numerically compare
    two numbers and lexicographically compare other values." (SEARCH_PAGE)"""
    engine = make_engine([event(NOW - 1, v="10"), event(NOW - 2, v="9"), event(NOW - 3, v="abc"),
                          event(NOW - 4, v="ABC")])
    assert [r["v"] for r in rows(engine, "v>5 | table v")] == ["10", "9", "abc", "ABC"]  # "abc" > "5"
    assert [r["v"] for r in rows(engine, "v<b | table v")] == ["10", "9", "abc", "ABC"]
    assert [r["v"] for r in rows(engine, "v>=abc | table v")] == ["abc"]


def test_streamstats_window_with_by_clause_is_one_global_window() -> None:
    """streamstats global: "Used only when the window argument is set. Defines whether to use a single
    window, global=true, or to use separate windows based on the by clause. If global=false and window is
    set to a non-zero value, a separate window is used for each group of values of the field specified in
    the by clause. Default: true"
    (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/streamstats)"""
    data = [event(NOW - i, h=h, b=b) for i, (h, b) in enumerate([("x", 1), ("y", 10), ("x", 2), ("x", 4)])]
    engine = make_engine(data)
    shared = rows(engine, "* | streamstats window=2 sum(b) AS s by h | table h s")
    assert shared == [{"h": "x", "s": 1}, {"h": "y", "s": 10}, {"h": "x", "s": 2}, {"h": "x", "s": 6}]
    separate = rows(engine, "* | streamstats window=2 global=false sum(b) AS s by h | table h s")
    assert separate == [{"h": "x", "s": 1}, {"h": "y", "s": 10}, {"h": "x", "s": 3}, {"h": "x", "s": 6}]


def test_streamstats_without_a_window_is_bounded_by_max_stream_window() -> None:
    """streamstats: "If you don't set the time_window or the window arguments, the default of 10,000 events
    set by the max_stream_window in the limits.conf file applies" (same page). Up to 10,000 events the
    running total is exact; beyond, the engine refuses rather than answer with another window."""
    engine = make_engine([event(NOW - i, b=1) for i in range(10_001)])
    assert rows(engine, "* | head 10000 | streamstats sum(b) AS s | tail 1 | table s") == [{"s": 10_000}]
    with pytest.raises(SplUnsupportedError, match="max_stream_window"):
        rows(engine, "* | streamstats sum(b) AS s")
    assert rows(engine, "* | streamstats window=3 sum(b) AS s | tail 1 | table s") == [{"s": 3}]


def test_dedup_sortby_decides_which_event_is_kept() -> None:
    """dedup: "You can sort the fields, which determines which event is retained."
    (https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.0.2503/search-commands/dedup)"""
    engine = make_engine([event(NOW - 1, u="a", n=1), event(NOW - 2, u="a", n=3), event(NOW - 3, u="b", n=2)])
    assert rows(engine, "* | dedup u | table u n") == [{"u": "a", "n": 1}, {"u": "b", "n": 2}]
    assert rows(engine, "* | dedup u sortby -n | table u n") == [{"u": "a", "n": 3}, {"u": "b", "n": 2}]


def test_rename_of_a_missing_field_removes_the_target() -> None:
    """rename, "Renaming a field that does not exist": "Suppose you rename fieldA to fieldB, but fieldA does
    not exist. If fieldB does not exist, nothing happens. If fieldB does exist, the result of the rename is
    that the data in fieldB is removed."
    (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/rename)"""
    engine = make_engine([event(NOW - 1, pid=7, product_id=1), event(NOW - 2, product_id=2), event(NOW - 3, x=1)])
    assert rows(engine, "* | rename pid AS product_id | table product_id x") == [
        {"product_id": 7}, {}, {"x": 1}]
