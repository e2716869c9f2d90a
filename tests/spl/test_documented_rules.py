"""Documented rules the engine used to answer differently (issue 14's five silent wrong answers), each
pinned by a test quoting its Search Reference page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contentpack.spl import Engine, SplUnsupportedError

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


def test_eval_and_where_comparisons_hold_at_equality_only_when_they_include_it() -> None:
    """eval: the comparison operators ``<, >, <=, >=, !=, =, ==`` (Search Reference, eval, "Operators",
    https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/eval); where takes
    the same eval expressions. ``<=`` and ``>=`` hold for equal values, ``<`` and ``>`` do not, numerically (5 and
    5.0) and on text alike."""
    engine = make_engine([event(NOW - 1, v="5"), event(NOW - 2, v="6"), event(NOW - 3, v="4"), event(NOW - 4, v="5.0")])
    assert [r["v"] for r in rows(engine, "* | where v<=5 | table v")] == ["5", "4", "5.0"]
    assert [r["v"] for r in rows(engine, "* | where v>=5 | table v")] == ["5", "6", "5.0"]
    assert [r["v"] for r in rows(engine, "* | where v<5 | table v")] == ["4"]
    assert [r["v"] for r in rows(engine, "* | where v>5 | table v")] == ["6"]
    compared = rows(engine, '* | head 1 | eval le=if(v<=5, "y", "n"), ge=if(v>=5, "y", "n"), lt=if(v<5, "y", "n"), '
                            'gt=if(v>5, "y", "n"), tle=if("b"<="b", "y", "n"), tge=if("b">="b", "y", "n") '
                            '| table le ge lt gt tle tge')
    assert compared == [{"le": "y", "ge": "y", "lt": "n", "gt": "n", "tle": "y", "tge": "y"}]


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


STATS_PAGE = "https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/search-commands/stats"


def test_stats_keeps_duplicate_values_of_a_multivalue_by_field_unless_dedup_splitvals() -> None:
    """stats: dedup_splitvals "Specifies whether to remove duplicate values in multivalued BY clause fields.
    Default: false"; basic example 5, "In a multivalue BY field, remove duplicate values": "stats avg(field) BY
    mvfield dedup_splitvals=true" "Deduplicates the values in the mvfield." (STATS_PAGE). So by default an event
    whose BY field holds a value twice is split into that group twice; the engine used to deduplicate always,
    and refused dedup_splitvals=."""
    engine = make_engine([event(NOW - 1, tags=("x", "x", "y"), n=2), event(NOW - 2, tags="x", n=5)])
    assert rows(engine, "* | stats count sum(n) AS total BY tags") == [
        {"tags": "x", "count": 3, "total": 9}, {"tags": "y", "count": 1, "total": 2}]
    assert rows(engine, "* | stats count BY tags dedup_splitvals=false") == [
        {"tags": "x", "count": 3}, {"tags": "y", "count": 1}]
    assert rows(engine, "* | stats count sum(n) AS total BY tags dedup_splitvals=true") == [
        {"tags": "x", "count": 2, "total": 7}, {"tags": "y", "count": 1, "total": 2}]
    assert rows(engine, "* | stats dedup_splitvals=t count BY tags") == [
        {"tags": "x", "count": 2}, {"tags": "y", "count": 1}]


def test_stats_dedup_splitvals_applies_to_the_parallel_scan_too(tmp_path: Path) -> None:
    """The order-free parallel scan (``workers`` > 1) groups events in its workers: same rule as above."""
    path = tmp_path / "e.jsonl"
    path.write_text("".join(json.dumps({"time": 1_700_000_000 + i, "tags": ["x", "x", "y"]}) + "\n"
                            for i in range(50)))
    engine = Engine()
    engine.register_events(path, sourcetype="t", source="t", lazy=True)
    engine.workers = 2
    for search, x_count in (("* | stats count BY tags{}", 100), ("* | stats count BY tags{} dedup_splitvals=1", 50)):
        assert engine.search(search, now=NOW).rows == [{"tags{}": "x", "count": x_count},
                                                       {"tags{}": "y", "count": 50}]


@pytest.mark.assumed
def test_eventstats_and_streamstats_refuse_a_multivalue_by_value() -> None:
    """Neither the eventstats nor the streamstats page (10.0) says which group's statistics an event gets when
    its BY field holds several values (each group's? the first value's?); eventstats has no dedup_splitvals
    either. The engine used to give such an event its first value's group (and feed streamstats' running
    totals of that group only): a guess, now refused. The pack's detections never meet one (their BY fields
    are single values); a single value and a null BY value are unchanged."""
    engine = make_engine([event(NOW - 1, u=("a", "b"), n=1), event(NOW - 2, u="a", n=2)])
    for command in ("eventstats", "streamstats"):
        with pytest.raises(SplUnsupportedError, match=rf"{command}: a multivalue input field \(2 values\) is not "
                           rf"supported \('u'\): the {command} page does not say which group's statistics") as caught:
            rows(engine, f"* | {command} sum(n) AS s BY u")
        assert caught.value.command == command
    expanded = "* | mvexpand u | {} sum(n) AS s BY u | table u s"
    assert rows(engine, expanded.format("eventstats")) == [{"u": "a", "s": 3}, {"u": "b", "s": 1}, {"u": "a", "s": 3}]
    assert rows(engine, expanded.format("streamstats")) == [{"u": "a", "s": 1}, {"u": "b", "s": 1}, {"u": "a", "s": 3}]
    assert rows(engine, "* | eventstats sum(n) AS s BY v | table s") == [{}, {}]  # null BY value: unchanged


def test_streamstats_time_window_refuses_events_out_of_time_order() -> None:
    """streamstats time_window: "To use the time_window argument, the events must be sorted in either ascending
    or descending time order." (https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/search-commands/streamstats).
    The page does not say what Splunk answers otherwise, so input that turns back in time is refused (the engine
    used to answer from whichever events its window still held); either order, and equal times, run."""
    engine = make_engine([event(NOW - s, b="1", k=k) for s, k in ((0, 1), (30, 3), (200, 2), (50, 4))])
    assert [r["s"] for r in rows(engine, "* | sort 0 _time | streamstats time_window=60s sum(b) AS s | table s")] == [
        1, 1, 2, 3]
    assert [r["s"] for r in rows(engine, "* | sort 0 - _time | streamstats time_window=60s sum(b) AS s")] == [
        1, 2, 3, 1]
    with pytest.raises(SplUnsupportedError, match="must be sorted in either ascending or descending time order") as caught:
        rows(engine, "* | sort 0 k | streamstats time_window=60s sum(b) AS s")  # 0, 200, 30, 50 s ago
    assert caught.value.command == "streamstats"
    tied = make_engine([event(NOW, b="1"), event(NOW, b="1"), event(NOW - 10, b="1"), event(NOW - 10, b="1")])
    assert [r["s"] for r in rows(tied, "* | streamstats time_window=5s sum(b) AS s")] == [1, 2, 1, 2]


@pytest.mark.assumed
def test_an_event_exactly_time_window_away_is_in_the_window() -> None:
    """``assumed``: the streamstats page gives time_window as "the window size for the streamstats calculations,
    based on time" and says nothing of its edge; the engine keeps an event exactly the span away (``75m`` holds
    the event 4,500 seconds earlier), in either time order and with current=false alike. The pack's replays meet
    that edge (the 90-minute windows of events logged exactly 90 minutes apart) and pass either way; a change of
    this choice must change this test and docs/spl_engine.md."""
    engine = make_engine([event(NOW - s, b=1) for s in (0, 4500, 4501)])
    assert [r["c"] for r in rows(engine, "* | streamstats time_window=75m count AS c")] == [1, 2, 2]
    assert [r["c"] for r in rows(engine, "* | sort 0 _time | streamstats time_window=75m count AS c")] == [1, 2, 2]
    assert [r["c"] for r in rows(engine, "* | streamstats time_window=75m current=false count AS c")] == [0, 1, 1]


def test_a_time_window_holds_at_most_max_stream_window_events(monkeypatch: pytest.MonkeyPatch) -> None:
    """streamstats basic example 4: "If there are more events in the time-based window than the value for the
    max_stream_window argument, the max_stream_window argument takes precedence. The count will never be
    greater than 10000, even if there are actually more than 10,000 events in any 5 minute period."
    (https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/search-commands/streamstats). The limit
    is lowered to 3 so the test stays small (the 10,000 itself is the constant the no-window test pins). With
    a BY clause the page does not say whose events the limit counts, so a group's window past it is refused."""
    from contentpack.spl.commands import stats

    monkeypatch.setattr(stats, "MAX_STREAM_WINDOW", 3)
    engine = make_engine([event(NOW - i, b=1, h="x") for i in range(5)])
    counts = [r["c"] for r in rows(engine, "* | sort 0 _time | streamstats time_window=5m count AS c | table c")]
    assert counts == [1, 2, 3, 3, 3]
    assert [r["c"] for r in rows(engine, "* | streamstats time_window=5m window=4 count AS c")] == [1, 2, 3, 4, 4]
    with pytest.raises(SplUnsupportedError, match="max_stream_window then counts the group's events"):
        rows(engine, "* | streamstats time_window=5m count AS c by h")
    assert [r["c"] for r in rows(engine, "* | streamstats time_window=5m window=2 count AS c by h")] == [
        1, 2, 2, 2, 2]


def test_unquoted_dotted_names_in_eval_and_where_are_fields() -> None:
    """``assumed``: an unquoted ``a.b`` (or ``x{}.y``) written without spaces in eval/where is the field of that
    name, and only ``a . b`` with spaces concatenates. No Splunk page says which: the eval page names ``.`` the
    concatenation operator and says of a field name with "non-alphanumeric characters, other than the underscore"
    that it "needs to be surrounded by single quotation marks" (Search Reference, eval, "Required arguments",
    http://docs.splunk.com/Documentation/SplunkCloud/9.3.2408/SearchReference/eval), without saying what the
    unquoted form does. Splunk's own ESCU detections rely on this reading and the engine must run them:
    detections/cloud/aws_createaccesskey.yml (and aws_updateloginprofile.yml) compare the two CloudTrail users
    with ``match(userIdentity.userName,requestParameters.userName)``; read as concatenations of the absent
    fields ``userIdentity``, ``userName``... both arguments would be null on every event and the comparison
    never hold. So the reading is kept, not refused."""
    engine = make_engine([event(NOW - 1, a="A", b="B", **{
        "a.b": "field a.b", "x{}.y": "field x{}.y", "properties.status.errorCode": 65004,
        "userIdentity.userName": "alice", "requestParameters.userName": "alice"})])
    found = rows(engine, "* | where properties.status.errorCode=65004 "
                         "| eval c=a.b, d=a . b, e=x{}.y, f='a.b', "
                         "match=if(match(userIdentity.userName,requestParameters.userName),1,0) "
                         "| table c d e f match")
    assert found == [{"c": "field a.b", "d": "AB", "e": "field x{}.y", "f": "field a.b", "match": 1}]
