"""The ``chart`` command against its Search Reference page.

PAGE is the chart page (Splunk Cloud Platform 10.0.2503 Search Reference; the stored copy read in full has the
same text); TIMECHART is the Enterprise 10.0 timechart page, whose limit= scoring the chart page's "based on the
sum of each series" shortens. Rows marked ``assumed`` pin what no page says.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.spl import SplSyntaxError, SplUnsupportedError
from contentpack.spl.errors import SplRuntimeError
from contentpack.spl.values import Event

from .spl_support import event, make_engine, pivoted_counts, rows

PAGE = "https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.0.2503/search-commands/chart"
TIMECHART = "https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/timechart"

# The page's extended example 1 (products, quarter, sales), newest first.
SALES: list[Event] = [
    event(100 - i, products=p, quarter=q, sales=s)
    for i, (p, q, s) in enumerate([
        ("ProductA", "QTR1", 1200), ("ProductB", "QTR1", 1400), ("ProductC", "QTR1", 1650),
        ("ProductA", "QTR2", 1425), ("ProductB", "QTR2", 1175), ("ProductC", "QTR2", 1550),
        ("ProductA", "QTR3", 1300), ("ProductB", "QTR3", 1250), ("ProductC", "QTR3", 1375),
        ("ProductA", "QTR4", 1550), ("ProductB", "QTR4", 1700), ("ProductC", "QTR4", 1625),
    ])
]
SALES_TABLE = [
    {"products": "ProductA", "QTR1": 1200, "QTR2": 1425, "QTR3": 1300, "QTR4": 1550},
    {"products": "ProductB", "QTR1": 1400, "QTR2": 1175, "QTR3": 1250, "QTR4": 1700},
    {"products": "ProductC", "QTR1": 1650, "QTR2": 1550, "QTR3": 1375, "QTR4": 1625},
]


def _engine(events: list[Event]) -> Any:
    return make_engine(events)


def _mixed() -> list[Event]:
    """a: row split; b: column split (missing on one event); n: a number."""
    out = [event(200 - i, a=a, n=n, **({} if b is None else {"b": b}))
           for i, (a, b, n) in enumerate([("x", "p", 1), ("x", "q", 2), ("y", "p", 3), ("y", None, 4),
                                          ("z", "r", 5), ("z", "r", 6)])]
    return out


def test_by_row_and_column_split_is_the_pages_sales_table() -> None:
    """PAGE, extended example 1: "chart sum(sales) BY products quarter" gives one row per product and one column
    per quarter ("The products field is referred to as the <row-split> field ... The quarter field is referred to
    as the <column-split> field")."""
    assert rows(_engine(SALES), "* | chart sum(sales) BY products quarter") == SALES_TABLE


def test_over_row_by_column_is_by_row_column() -> None:
    """PAGE: "[ BY <row-split> <column-split> ] | [ OVER <row-split> ] [BY <column-split>]"; "You can also specify
    the x-axis field after the over keyword, before any by and subsequent split-by clause"."""
    engine = _engine(SALES)
    assert rows(engine, "* | chart sum(sales) OVER products BY quarter") == SALES_TABLE
    assert rows(engine, "* | chart max(sales) over products") == rows(engine, "* | chart max(sales) by products")


def test_rows_follow_the_row_value_and_one_split_is_stats() -> None:
    """PAGE, basic example 5 ("chart avg(size) BY host": "the average ... for each distinct value in the host
    field"); the row order, sorted by value, is ``assumed`` (every example on the page is in that order)."""
    engine = _engine(_mixed())
    assert rows(engine, "* | chart avg(n) BY a") == [{"a": "x", "avg(n)": 1.5}, {"a": "y", "avg(n)": 3.5},
                                                      {"a": "z", "avg(n)": 5.5}]
    assert rows(engine, "* | chart count") == [{"count": 6}]


def test_count_of_an_eval_expression_per_row() -> None:
    """PAGE, extended example 2: "chart count(eval(method="GET")) AS GET, count(eval(method="POST")) AS POST by
    host" gives one row per host with a GET and a POST column."""
    events = [event(1, host="www1", method="GET"), event(2, host="www1", method="POST"),
              event(3, host="www2", method="GET"), event(4, host="www1", method="GET")]
    search = '* | chart count(eval(method="GET")) AS GET, count(eval(method="POST")) AS POST by host'
    assert rows(_engine(events), search) == [{"host": "www1", "GET": 2, "POST": 1}, {"host": "www2", "GET": 1,
                                                                                     "POST": 0}]


def test_empty_cells_of_count_are_zero_and_null_column_is_named_null() -> None:
    """PAGE extended example 6 shows 0 for a (magnitude, place) pair with no quake in "chart count BY mag place";
    nullstr: "Specifies the name of the field for data series for events that do not contain the split-by field
    ... Default: NULL"; usenull: "Controls whether or not a series is created for events that do not contain the
    split-by field. ... Default: true". NULL after the named columns is ``assumed``."""
    engine = _engine(_mixed())
    assert rows(engine, "* | chart count over a by b") == [
        {"a": "x", "p": 1, "q": 1, "r": 0, "NULL": 0},
        {"a": "y", "p": 1, "q": 0, "r": 0, "NULL": 1},
        {"a": "z", "p": 0, "q": 0, "r": 2, "NULL": 0},
    ]
    assert list(rows(engine, "* | chart count over a by b usenull=f")[0]) == ["a", "p", "q", "r"]
    assert list(rows(engine, '* | chart count over a by b nullstr="none"')[0]) == ["a", "p", "q", "r", "none"]


def test_an_empty_cell_is_what_stats_gives_over_no_value() -> None:
    """PAGE, cont: bins "that have no values will display with a count of 0 or null values"; its examples show 0
    for ``count`` (extended example 6) and ``dc`` (extended example 5). Which other functions give null is
    ``assumed``: what ``stats`` gives over no value (``stats sum(n)`` over events without ``n`` is null), so a cell
    no event reached reads like a cell whose events all lack ``n`` (the first was 0, the second null), and the
    aliases ``c`` and ``distinct_count`` are 0 like ``count`` and ``dc`` (they were null)."""
    engine = _engine([event(100, u="a", v="p", n=1), event(99, u="a", v="q"), event(98, u="b", v="p")])
    assert rows(engine, "* | stats sum(n) by u v") == [{"u": "a", "v": "p", "sum(n)": 1}, {"u": "a", "v": "q"},
                                                       {"u": "b", "v": "p"}]
    assert rows(engine, "* | chart sum(n) over u by v") == [{"u": "a", "p": 1}, {"u": "b"}]
    assert rows(engine, "* | chart sum(n) over u by v limit=1") == [{"u": "a", "p": 1}, {"u": "b"}]
    for function in ("count", "c", "dc", "distinct_count"):
        assert rows(engine, f"* | chart {function}(n) over u by v") == [{"u": "a", "p": 1, "q": 0},
                                                                        {"u": "b", "p": 0, "q": 0}]
    assert rows(engine, "* | chart c(n) over u by v limit=1") == [{"u": "a", "p": 1, "OTHER": 0},
                                                                  {"u": "b", "p": 0, "OTHER": 0}]


def test_limit_keeps_the_top_series_by_sum_and_folds_the_rest_into_other() -> None:
    """PAGE, limit: "When you set limit=N the top or bottom N values are retained, based on the sum of each series
    and the prefix you have selected. If limit=0, all results are returned. If you opt not to provide a prefix,
    the Splunk software provides the top results"; useother "Specifies if a series should be added for data
    series not included"; otherstr "Default: OTHER". TIMECHART: "Ties in scoring are broken lexicographically"."""
    engine = _engine(_mixed())
    top = "* | chart count over a by b usenull=f limit=1"
    # p and r both score 2, q 1: the tie goes to p, lexicographically first
    assert rows(engine, top) == [{"a": "x", "p": 1, "OTHER": 1}, {"a": "y", "p": 1, "OTHER": 0},
                                 {"a": "z", "p": 0, "OTHER": 2}]
    assert rows(engine, top.replace("limit=1", "limit=top1")) == rows(engine, top)
    assert list(rows(engine, top.replace("limit=1", "limit=bottom1 otherstr=rest"))[0]) == ["a", "q", "rest"]
    assert list(rows(engine, top.replace("limit=1", "limit=2 useother=f"))[0]) == ["a", "p", "r"]
    assert list(rows(engine, top.replace("limit=1", "limit=0"))[0]) == ["a", "p", "q", "r"]


def test_limit_sums_the_cells_of_a_single_aggregate() -> None:
    """PAGE: "based on the sum of each series"; TIMECHART: "the score is based on the sum of the values in the
    aggregation for that split-by value": max(n) per row, summed down the column, not max over the column."""
    events = [event(10, a="r1", b="big", n=10), event(11, a="r1", b="wide", n=6), event(12, a="r2", b="wide", n=6)]
    # big: 10 (one cell); wide: 6 + 6 = 12 > 10, though its own max is 6
    assert list(rows(_engine(events), "* | chart max(n) over a by b limit=1 useother=f")[0]) == ["a", "wide"]


def test_limit_with_several_aggregates_ranks_by_frequency() -> None:
    """TIMECHART, limit: "If multiple aggregations are specified, the score is based on the frequency of each
    value of <field>" (mstats' chart.limit "is identical to the limit argument of the chart and timechart
    commands"); several aggregates name their columns ``<output>: <value>`` (``assumed``)."""
    events = [event(10, a="r", b="rare", n=100), event(11, a="r", b="common", n=1), event(12, a="r", b="common", n=1)]
    out = rows(_engine(events), "* | chart sum(n) max(n) over a by b limit=1 useother=f")
    assert out == [{"a": "r", "sum(n): common": 2, "max(n): common": 1}]


def test_other_of_a_function_that_does_not_add_up_is_refused() -> None:
    """``assumed``: no page says whether OTHER's avg is the mean of the folded events or of their cells."""
    with pytest.raises(SplRuntimeError, match="OTHER"):
        rows(_engine(_mixed()), "* | chart avg(n) over a by b limit=1")


def test_multivalue_splits_follow_stats_and_dedup_splitvals() -> None:
    """PAGE, dedup_splitvals: "Specifies whether to remove duplicate values in multivalued BY clause fields.
    Default: false" (basic example 8: "chart avg(field) BY mvfield dedup_splitval=true")."""
    engine = make_engine([event(1, x="1")])
    base = '| makeresults | eval r=split("a,a,b", ","), c=split("p,p", ",") | chart count over r by c'
    assert rows(engine, base) == [{"r": "a", "p": 4}, {"r": "b", "p": 2}]
    assert rows(engine, base + " dedup_splitvals=true") == [{"r": "a", "p": 1}, {"r": "b", "p": 1}]


@pytest.mark.parametrize(("search", "column"), [
    ("* | chart count by a b c", 17),
    ("* | chart count over a by b c", 24),
    ("* | chart count by a over b", 22),
    ("* | chart", 10),
    ("* | chart count over", 21),
    ("* | chart count over a b", 24),
])
def test_malformed_clauses_are_positioned_syntax_errors(search: str, column: int) -> None:
    """PAGE: the BY clause takes a row split and a column split, OVER one row split before BY."""
    with pytest.raises(SplSyntaxError) as caught:
        rows(_engine(_mixed()), search)
    assert f"column {column}" in str(caught.value)


def test_a_function_of_the_row_split_field_is_an_error() -> None:
    """PAGE: "you cannot specify the same field in a function and as the row-split field" ("... | chart sum(A)
    by A span=log2": "you cannot run this search")."""
    with pytest.raises(SplSyntaxError, match="row-split") as caught:
        rows(_engine(_mixed()), "* | chart sum(n) by n")
    assert "column 11" in str(caught.value)


@pytest.mark.parametrize(("search", "what"), [
    ("* | chart count by a span=3", "'span'"),  # basic example 6: bins of a split field
    ("* | chart count by a bins=10", "'bins'"),
    ("* | chart count by a b where count in top2", "WHERE"),
    ("* | chart cont=f count by a", "'cont'"),
    ("* | chart format=$VAL$ count by a b", "'format'"),
    ("* | chart sep=- count by a b", "'sep'"),
    ("* | chart agg=max count by a b", "'agg'"),
    ("* | chart sum(*) by a", "wildcard"),
    ("* | chart sparkline(count) by a", "sparkline"),
    ("* | chart eval(avg(n)/max(n)) AS ratio BY a b", "eval expression"),  # basic example 3
    ("* | chart (avg(n)) BY a", "eval expression"),
])
def test_what_the_page_leaves_open_is_refused_by_name(search: str, what: str) -> None:
    """Bin options, cont, format/sep, agg and the where clause are described too loosely to answer (module
    docstring of ``commands/chart.py``): refused as unsupported, with a column."""
    with pytest.raises(SplUnsupportedError, match=re.escape(what)) as caught:
        rows(_engine(_mixed()), search)
    assert "column" in str(caught.value)


def test_many_numeric_row_values_and_underscore_columns_are_refused() -> None:
    """PAGE: bin options "Default: bins=300", yet its examples show numeric row values unbinned; and the
    timechart page's VALUE_ prefix for a column starting with "_" is not on the chart page."""
    many = make_engine([event(float(i), v=i) for i in range(301)])
    with pytest.raises(SplUnsupportedError, match="300"):
        rows(many, "* | chart count by v")
    assert len(rows(make_engine([event(float(i), v=i) for i in range(300)]), "* | chart count by v")) == 300
    with pytest.raises(SplUnsupportedError, match="starts with '_'"):
        rows(make_engine([event(1.0, a="x", b="_hidden")]), "* | chart count by a b")


_ROWS = st.sampled_from(["a", "b", "c", "10", "9", None])
_COLUMNS = st.sampled_from(["p", "q", "10", "9", None])  # never "a": a column named as the row field is refused


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_ROWS, _COLUMNS), min_size=1, max_size=12))
def test_chart_count_over_a_by_b_is_stats_count_by_a_b_pivoted(pairs: list[tuple[Any, Any]]) -> None:
    """PAGE: "each column represents a distinct value of the column-split field. This is in contrast with the
    stats command, where each row represents a single unique combination of values": the same counts, pivoted
    (limit=0 keeps every column; absent pairs are 0, NULL collects the events without b)."""
    events = [event(float(i), **{k: v for k, v in (("a", a), ("b", b)) if v is not None})
              for i, (a, b) in enumerate(pairs)]
    engine = make_engine(events)
    chart = rows(engine, "* | chart count over a by b limit=0")
    stats = rows(engine, '* | fillnull value="NULL" b | stats count by a b')
    expected = pivoted_counts(stats, "a", "b")
    columns = sorted({c for cells in expected.values() for c in cells if c != "NULL"},
                     key=lambda v: (0, float(v), "") if v.isdigit() else (1, 0.0, v))
    if any("NULL" in cells for cells in expected.values()):
        columns.append("NULL")
    assert [r["a"] for r in chart] == [r for r in dict.fromkeys(s["a"] for s in stats)]
    for row in chart:
        assert list(row) == ["a", *columns]
        assert {c: row[c] for c in columns} == {c: expected[row["a"]].get(c, 0) for c in columns}


def test_timechart_shares_the_split_options() -> None:
    """TIMECHART (tc options and limit): "Setting limit=bottomN keeps the lowest scoring distinct values";
    nullstr "specifies the label for the series that is created for events that do not contain the split-by
    field"; otherstr "specifies the label for the series"; "Ties in scoring are broken lexicographically, based on
    the value of the split-by field" (so "10" wins a tie with "9", which numeric order would not give)."""
    base = 1_700_000_000.0 - (1_700_000_000.0 % 3600)
    engine = make_engine([event(base + i, **({"u": u} if u else {})) for i, u in enumerate(["a", "a", "b", ""])])
    out = rows(engine, "* | timechart span=1h limit=bottom1 otherstr=rest nullstr=none count by u")
    assert out == [{"_time": int(base), "b": 1, "none": 1, "rest": 2, "_span": 3600}]
    tied = make_engine([event(base, u=9), event(base + 1, u=10)])
    assert list(rows(tied, "* | timechart span=1h limit=1 useother=f count by u")[0]) == ["_time", "10", "_span"]


def test_a_split_value_starting_with_underscore_is_refused_by_timechart_too() -> None:
    """assumed: a timechart column named ``_hidden`` (or ``_time``/``_span``, which every row already holds) would
    be an internal field. The engine wrote it as it was, overwriting ``_time`` for a split value "_time"; no page
    this engine cites says how such a column is named, so both split commands refuse it (one home: series.py)."""
    engine = make_engine([event(1.0, u="_time"), event(2.0, u="x")])
    with pytest.raises(SplUnsupportedError, match="starts with '_'") as caught:
        rows(engine, "* | timechart span=1h count by u")
    assert "column" in str(caught.value)
    assert rows(make_engine([event(1.0, u="x")]), "* | timechart span=1h count by u")[0]["x"] == 1


def test_usenull_false_refuses_a_row_whose_events_all_lack_the_column_field() -> None:
    """assumed: with usenull=false a row value whose events all lack the column-split field has no cell, and no
    page says whether Splunk still lists it; the row used to vanish without a word. A row with some events
    holding the field is listed, its null events left out (PAGE usenull, above)."""
    engine = make_engine([event(1.0, a="x", b="p"), event(2.0, a="y"), event(3.0, a="y", b="q")])
    assert rows(engine, "* | chart count over a by b usenull=f") == [{"a": "x", "p": 1, "q": 0},
                                                                    {"a": "y", "p": 0, "q": 1}]
    lonely = make_engine([event(1.0, a="x", b="p"), event(2.0, a="y")])
    with pytest.raises(SplUnsupportedError, match="every event of the row 'y' lacks the column-split field 'b'"):
        rows(lonely, "* | chart count over a by b usenull=f")
    assert rows(lonely, "* | chart count over a by b")[1] == {"a": "y", "p": 0, "NULL": 1}


def test_one_field_as_both_splits_is_refused() -> None:
    """assumed: the chart page does not say what ``chart count over x by x`` gives (the engine made a diagonal
    table), so it is refused as unsupported."""
    engine = make_engine([event(1.0, a="x"), event(2.0, a="y")])
    with pytest.raises(SplUnsupportedError, match="'a' as both the row-split and the column-split field"):
        rows(engine, "* | chart count over a by a")
    with pytest.raises(SplUnsupportedError, match="both the row-split"):
        rows(engine, "* | chart count by a a")
