"""Hostile input for chart/timechart's split (``commands/series.py``), join usetime=, transaction maxspan= and
tostring's duration: each test failed on the code before its fix (traceback, overwritten field, silent wrong or
damaged answer, or a pair-by-pair cost).

TIMECHART is the Enterprise 10.0 timechart page, JOIN and TRANSACTION the 10.0 join and transaction pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.spl import SplSyntaxError, SplUnsupportedError
from contentpack.spl.values import Event

from .spl_support import event, lines_executed, make_engine, pivoted_counts, rows

TIMECHART = "https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/timechart"
JOIN = "https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/join"
TRANSACTION = "https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/transaction"


def _split_events() -> list[Event]:
    return [event(100.0 + i, **{k: v for k, v in (("a", a), ("b", b)) if v is not None})
            for i, (a, b) in enumerate([("x", "p"), ("x", "q"), ("y", "p"), ("y", None), ("z", "r")])]


@pytest.mark.parametrize("search", [
    "* | timechart span=1h count by b nullstr=_time",  # overwrote every row's _time with the NULL counts
    "* | timechart span=1h count by b limit=1 otherstr=_span",  # OTHER's counts lost under _span
    "* | chart count over a by b nullstr=_hidden",
    "* | timechart span=1h count AS _time",  # the count replaced the bin's time
    "* | timechart span=1h count AS _span",
    "* | chart count AS a OVER a",  # the count replaced the row label
    "* | chart count over a by b limit=1 otherstr=NULL",  # NULL and OTHER merged into one column
    '* | chart count over a by b limit=1 otherstr=""',  # a column with no name
    '* | chart count over a by b nullstr=""',
])
def test_a_label_that_would_overwrite_or_merge_columns_is_refused(search: str) -> None:
    """assumed: TIMECHART's nullstr "specifies the label for the series that is created for events that do not
    contain the split-by field" and otherstr the label of the series of the other values; no page says what a label
    naming an internal field, a field the command writes itself, the other label, or nothing at all gives. The
    engine wrote such a column over ``_time``/``_span``/the row label, or merged the two series, silently."""
    with pytest.raises(SplUnsupportedError) as caught:
        rows(make_engine(_split_events()), search)
    assert "column 5" in str(caught.value)


def test_a_split_value_named_like_a_column_that_is_not_made_is_kept() -> None:
    """A split value "OTHER" clashes with nothing when limit=0 makes no OTHER column (TIMECHART: "limit=0 ... no
    limit"); the engine refused it whatever the limit."""
    engine = make_engine([event(1.0, a="x", b="OTHER"), event(2.0, a="x", b="p")])
    assert rows(engine, "* | chart count over a by b limit=0") == [{"a": "x", "OTHER": 1, "p": 1}]


_EQUAL_NUMBERS = ["1", "01", "1.0", "0", "-0", "+0"]


@settings(max_examples=30, deadline=None)
@given(st.permutations(_EQUAL_NUMBERS))
def test_texts_of_one_number_sort_the_same_whatever_order_they_came_in(order: list[str]) -> None:
    """assumed (``stats.sort_key``): groups are numbers in numeric order, then text by bytes; texts of one number
    now follow by bytes too. Chart's rows and columns came out in set order (another order per PYTHONHASHSEED)
    and stats' in first-seen order (the file's order in a full scan, newest first in a pipeline)."""
    events = [event(10.0 + i, a=v, b=v) for i, v in enumerate(order)]
    expected = ["+0", "-0", "0", "01", "1", "1.0"]
    engine = make_engine(events)
    assert [r["a"] for r in rows(engine, "* | stats count by a")] == expected
    assert [r["a"] for r in rows(engine, "* | chart count over a by b limit=0")] == expected
    assert list(rows(engine, "* | chart count over a by b limit=0")[0])[1:] == expected


def _growth(events: Callable[[int], list[Event]], search: str) -> float:
    """How much more work (Python lines executed) the search does over twice the events: about 2 when each
    event or result is handled once, about 4 when every pair is compared."""
    work = [lines_executed(lambda: rows(make_engine(events(n)), search)) for n in (300, 600)]
    return work[1] / work[0]


def test_many_rows_and_series_are_not_compared_pair_by_pair() -> None:
    """Each output row read every cell of the table and each series' score every cell again (27 s at 100,000
    events by 5,000 x 3,000 values): the work grew fourfold with twice the rows and series (3.5x measured on
    that code), a pass each grows twofold."""
    def events(n: int) -> list[Event]:
        return [event(float(i), a=f"r{i}", b=f"c{i}") for i in range(n)]

    assert _growth(events, "* | chart count over a by b limit=3") < 2.5
    out = rows(make_engine(events(8000)), "* | chart count over a by b limit=3")
    assert len(out) == 8000 and list(out[0]) == ["a", "c0", "c1", "c10", "OTHER"]


_VALUES = st.sampled_from(["p", "q", "10", "9", "01", "1", "nan", "1e999", "+5", "-0", None])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), _VALUES), min_size=1, max_size=12))
def test_timechart_limit_0_is_stats_count_by_bin_and_value_pivoted(pairs: list[tuple[int, Any]]) -> None:
    """TIMECHART: with a split-by field each distinct value is a series, "limit=0 ... no limit", and nullstr "the
    label for the series that is created for events that do not contain the split-by field": the counts of
    ``bin _time span=1h | stats count by _time b``, pivoted, empty cells 0 (assumed, as chart's page shows)."""
    events = [event(3600.0 * hour + i, **({} if b is None else {"b": b})) for i, (hour, b) in enumerate(pairs)]
    engine = make_engine(events)
    chart = rows(engine, "* | timechart span=1h cont=f limit=0 count by b")
    stats = rows(engine, '* | bin _time span=1h | fillnull value="NULL" b | stats count by _time b')
    expected = pivoted_counts(stats, "_time", "b")
    assert [r["_time"] for r in chart] == sorted(expected)
    for row in chart:
        cells = {k: v for k, v in row.items() if k not in ("_time", "_span")}
        assert {k: v for k, v in cells.items() if v} == expected[row["_time"]]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ms"), st.sampled_from("kl"), st.sampled_from([0.0, 0.5, 1.0, 1.9, 2.0])),
                min_size=1, max_size=10))
def test_join_usetime_earlier_partitions_the_matches_by_second(rows_in: list[tuple[str, str, float]]) -> None:
    """JOIN: "If usetime=true and earlier=true, the main search results are matched only against earlier results
    from the subsearch. If earlier=false, the main search results are matched only against later results from the
    subsearch. Results that occur at the same time (second) are not eliminated by either value": with max=0 the
    two together are every match, those of the same second in both."""
    events = [event(when + 10 * i, side=side, k=k, id=i) for i, (side, k, when) in enumerate(rows_in)]
    engine = make_engine(events)
    pairs: dict[str, set[tuple[int, int]]] = {}
    for earlier in ("true", "false"):
        out = rows(engine, f"side=m | rename id AS mid | join usetime=true earlier={earlier} max=0 k "
                           "[search side=s | rename id AS sid]")
        pairs[earlier] = {(r["mid"], r["sid"]) for r in out}
    second = {i: int((when + 10 * i) // 1) for i, (_, _, when) in enumerate(rows_in)}
    every = {(m, s) for m, (ms, mk, _) in enumerate(rows_in) for s, (ss, sk, _) in enumerate(rows_in)
             if ms == "m" and ss == "s" and mk == sk}
    assert pairs["true"] == {(m, s) for m, s in every if second[s] <= second[m]}
    assert pairs["false"] == {(m, s) for m, s in every if second[s] >= second[m]}


def test_join_does_not_compare_every_main_result_with_every_subsearch_result() -> None:
    """JOIN: "the main search results are matched" with the subsearch's on the join fields: the subsearch's results
    are looked up by key; comparing every pair took seconds for 3,000 by 3,000 results (the work grew 3.8x with
    twice the results on that code)."""
    def events(n: int) -> list[Event]:
        return [event(float(i), side="ms"[i % 2], k=f"k{i // 2}", id=i) for i in range(n)]

    search = "side=m | join k [search side=s | rename id AS sid] | stats count"
    assert _growth(events, search) < 2.5
    assert rows(make_engine(events(6000)), search) == [{"count": 3000}]


@pytest.mark.parametrize("search", [
    "* | head ²", "* | head limit=--5", "* | tail ²", "* | transaction a maxevents=²",
    '* | rex mode=sed field=a "s/x/y/²"', "* | head limit=٣", "* | chart count over a by b limit=٣",
])
def test_a_number_in_other_digits_is_a_positioned_error(search: str) -> None:
    """A count in a search is ASCII digits: ``str.isdigit`` passed ``²`` to ``int`` (a ValueError traceback),
    ``--5`` passed the sign check, and ``٣`` (Arabic-Indic three) was read as 3."""
    with pytest.raises((SplSyntaxError, SplUnsupportedError)) as caught:
        rows(make_engine(_split_events()), search)
    assert "column" in str(caught.value)


def test_transaction_maxspan_is_a_whole_number_of_seconds_minutes_hours_or_days() -> None:
    """TRANSACTION: "Syntax: maxspan=<int>[s | m | h | d]" (maxpause the same). maxspan=0.2s over 0.1 and 0.3 spans
    0.19999999999999998 in floating point: the "exactly maxspan" case the engine refuses went unseen and the
    transaction was kept. The duration is written to the microsecond (assumed), not 0.19999999999999998."""
    engine = make_engine([event(0.3, a="x"), event(0.1, a="x")])
    for option in ("maxspan=0.2s", "maxpause=0.5s", "maxspan=1w"):
        with pytest.raises(SplUnsupportedError, match="<int>"):
            rows(engine, f"* | transaction a {option}")
    assert rows(engine, "* | transaction a maxspan=1s")[0]["duration"] == 0.2


@pytest.mark.parametrize(("seconds", "text"), [
    (0.9999999, "00:00:01"),  # was 00:00:00.1000000, which reads as a tenth of a second
    (86399.9999999, "1+00:00:00"),
    (-0.0000001, "00:00:00"),  # was -00:00:00.000000
    (90.5, "00:01:30.500000"),
])
def test_tostring_duration_rounds_to_the_whole_microsecond(seconds: float, text: str) -> None:
    """tostring(X, "duration") "formats the number as a string in the HH:MM:SS format" (10.0 Conversion functions);
    the sub-second six digits are ``assumed`` (tests/spl/test_functions_conversion.py). A fraction rounding up to
    a whole second carries into the seconds."""
    engine = make_engine([event(1.0)])
    assert rows(engine, f'* | eval d=tostring({seconds}, "duration")')[0]["d"] == text


@pytest.mark.parametrize(("search", "key"), [("* | chart count over a by b limit=1 limit=5", "limit"),
                                           ("* | timechart span=1h useother=f count by b useother=t", "useother"),
                                           ("* | stats dedup_splitvals=t count by a dedup_splitvals=f",
                                            "dedup_splitvals")])
def test_an_option_given_twice_is_refused(search: str, key: str) -> None:
    """assumed: no page says whether the first or the last of two values of one option applies (the last won
    without a word), so the split and stats commands refuse the second, at its column."""
    engine = make_engine([event(1.0, a="x", b="p")])
    with pytest.raises(SplUnsupportedError, match=f"option '{key}' given twice") as caught:
        rows(engine, search)
    assert caught.value.column == search.rindex(f"{key}=") + 1
