"""Command options and snap units the engine accepts that no other test pinned, each against its Search Reference
page (an inventory of the registered commands' options, eval functions, stats functions and time units, run against
tests/spl, found these with no test citing a source).

Pages (Splunk Enterprise Search Reference, "Search commands", unless the test names another):
top / rare (9.4): showcount; eventstats (9.0): allnum; appendpipe (Splunk Cloud Platform 10.0.2503): run_in_preview;
inputlookup (9.2): strict; lookup (9.4): local, update; format (Splunk Cloud Platform 10.0.2503): maxresults; transaction (10.0): keepevicted; Time modifiers (9.4): the w0..w7 snap units.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.spl import SplRuntimeError, SplUnsupportedError, timeutil

from .spl_support import NOW, event, make_engine, rows

@pytest.mark.parametrize("command", ["top", "rare"])
def test_showcount_false_leaves_out_the_count_field(command: str) -> None:
    """top page, countfield: the count of events holding each value "is returned by default. If you do not want to
    return the count of events, specify showcount=false" (rare lists the same option). The percent stays; with
    showperc=false too, only the values are left.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/top"""
    engine = make_engine([event(NOW - 1, a="x"), event(NOW - 2, a="x"), event(NOW - 3, a="y")])
    found = rows(engine, f"* | {command} a showcount=false")
    assert [sorted(row) for row in found] == [["a", "percent"], ["a", "percent"]]
    assert {row["a"]: row["percent"] for row in found} == {"x": pytest.approx(200 / 3), "y": pytest.approx(100 / 3)}
    assert sorted(map(sorted, rows(engine, f"* | {command} a showcount=f showperc=f"))) == [["a"], ["a"]]
    assert all("count" in row for row in rows(engine, f"* | {command} a showcount=true"))


def test_eventstats_allnum_false_is_the_default_and_true_is_refused() -> None:
    """eventstats page, allnum: "If set to true, computes numerical statistics on each field, if and only if, all
    of the values of that field are numerical ... Default: false". allnum=false answers as no option does (avg over
    the numbers, the text value ignored); allnum=true, not implemented, is refused rather than answered as false
    would (a wrong number where Splunk gives none)."""
    engine = make_engine([event(NOW - 1, x="1"), event(NOW - 2, x="abc"), event(NOW - 3, x="3")])
    plain = rows(engine, "* | eventstats avg(x) AS m | table x m")
    assert plain == [{"x": "1", "m": 2.0}, {"x": "abc", "m": 2.0}, {"x": "3", "m": 2.0}]
    assert rows(engine, "* | eventstats allnum=false avg(x) AS m | table x m") == plain
    with pytest.raises(SplUnsupportedError, match="allnum=true"):
        rows(engine, "* | eventstats allnum=true avg(x) AS m")


def test_appendpipe_run_in_preview_does_not_change_the_final_results() -> None:
    """appendpipe page (Splunk Cloud Platform 10.0.2503), run_in_preview: when false "the preview shows the results
    as if the appendpipe command is not part of the search. However, when the search finishes, the results include
    the impact of the appendpipe command". A scheduled search's answer is the finished one, so either value gives
    the appended row; a value that is not a boolean is an error."""
    engine = make_engine([event(NOW - 1, a="x"), event(NOW - 2, a="x"), event(NOW - 3, a="y")])
    expected = [{"a": "x", "count": 2}, {"a": "y", "count": 1}, {"count": 3}]
    for value in ("false", "true"):
        search = f"* | stats count by a | appendpipe run_in_preview={value} [stats sum(count) AS count]"
        assert rows(engine, search) == expected
    with pytest.raises(Exception, match="run_in_preview"):
        rows(engine, "* | stats count by a | appendpipe run_in_preview=maybe [stats sum(count) AS count]")


def test_inputlookup_strict(tmp_path: Path) -> None:
    """inputlookup page (9.2), strict: "When set to true this argument forces the search to fail completely if
    inputlookup raises an error ... When set to false, many inputlookup error conditions return warning messages but
    do not otherwise cause the search to fail. Default: false". A readable table gives the same rows either way.
    Assumed (a deliberate difference, louder than the page): a lookup that does not exist fails the search with
    strict=false too, where the page's <filename> says "a warning message is displayed": the empty answer Splunk
    would give beside a warning is one a replay could take for "the detection found nothing"."""
    table = tmp_path / "t.csv"
    table.write_text("n\n1\n2\n", encoding="utf-8")
    engine = make_engine([])
    engine.register_lookup("t", table)
    for value in ("true", "false"):
        assert rows(engine, f"| inputlookup strict={value} t") == [{"n": "1"}, {"n": "2"}]
        with pytest.raises(SplRuntimeError, match="unknown lookup 'missing'"):
            rows(engine, f"| inputlookup strict={value} missing")


@pytest.mark.parametrize("options", ["local=true", "local=false", "update=true", "local=t update=f"])
def test_lookup_local_and_update_do_not_change_the_answer(tmp_path: Path, options: str) -> None:
    """lookup page (9.4): local "If local=true, forces the lookup to run on the search head and not on any remote
    peers"; update makes real-time searches see a table changed on disk and "does not apply to searches that are
    not real-time searches" (both "Default: false"). Neither says where the answer comes from, only where the lookup
    runs, so each gives the rows the bare lookup gives; a value that is not a boolean is an error."""
    table = tmp_path / "t.csv"
    table.write_text("k,v\na,high\n", encoding="utf-8")
    engine = make_engine([event(NOW - 1, k="a"), event(NOW - 2, k="b")])
    engine.register_lookup("t", table)
    expected = [{"k": "a", "v": "high"}, {"k": "b"}]
    assert rows(engine, "* | lookup t k OUTPUT v | table k v") == expected
    assert rows(engine, f"* | lookup {options} t k OUTPUT v | table k v") == expected
    with pytest.raises(Exception, match="local"):
        rows(engine, "* | lookup local=sometimes t k OUTPUT v")


def test_format_maxresults_keeps_the_first_results_and_0_is_no_limit() -> None:
    """format page (Splunk Cloud Platform 10.0.2503), maxresults: "The maximum results to return. Default: 0, which
    means no limitation on the number of results returned". The results kept are the first ones, in search order."""
    engine = make_engine([event(NOW - 1, u="a"), event(NOW - 2, u="b"), event(NOW - 3, u="c")])
    every = [{"search": '( ( u="a" ) OR ( u="b" ) OR ( u="c" ) )'}]
    assert rows(engine, "* | table u | format") == every
    assert rows(engine, "* | table u | format maxresults=0") == every
    assert rows(engine, "* | table u | format maxresults=2") == [{"search": '( ( u="a" ) OR ( u="b" ) )'}]


def test_transaction_keepevicted_outputs_the_transaction_endswith_never_closed() -> None:
    """transaction page (10.0), keepevicted: "Whether to output evicted transactions. Evicted transactions can be
    distinguished from non-evicted transactions by checking the value of the 'closed_txn' field ... Default: false".
    The newest event opens a transaction that endswith= never closes (evicted when the events end): left out by
    default and with keepevicted=false, output with keepevicted=true, with closed_txn 0 (endswith is not among the
    conditions that set it to 1)."""
    events = [event(NOW - 1, user="a", code=0), event(NOW - 2, user="a", code=2), event(NOW - 3, user="a", code=0)]
    engine = make_engine(events)
    closed = [{"eventcount": 2, "code": (0, 2), "closed_txn": 0}]
    for option in ("", "keepevicted=false"):
        assert rows(engine, f"* | transaction user endswith=(code=2) {option} | table eventcount code closed_txn") \
            == closed
    kept = rows(engine, "* | transaction user endswith=(code=2) keepevicted=true | table eventcount code closed_txn")
    assert kept == [{"eventcount": 1, "code": 0, "closed_txn": 0}, *closed]


@pytest.mark.parametrize(("unit", "day"), [("w0", "2024-05-12"), ("w1", "2024-05-13"), ("w2", "2024-05-14"),
                                           ("w3", "2024-05-15"), ("w4", "2024-05-09"), ("w5", "2024-05-10"),
                                           ("w6", "2024-05-11"), ("w7", "2024-05-12")])
def test_week_day_snaps(unit: str, day: str) -> None:
    """Time modifiers page (9.4): "You can specify a day of the week: w0 (Sunday), w1, w2, w3, w4, w5 and w6
    (Saturday). For Sunday, you can specify w0 or w7"; a snap rounds down to the most recent such day's start. From
    Wednesday 2024-05-15 10:30:45 UTC, @w3 is that Wednesday's midnight and @w4 the Thursday before."""
    now = timeutil.parse_time_modifier("05/15/2024:10:30:45", 0)
    assert timeutil.parse_time_modifier(f"@{unit}", now) == timeutil.parse_time_modifier(f"{day[5:7]}/{day[8:]}/"
                                                                                          f"{day[:4]}:00:00:00", 0)
