"""One test per engine behaviour row of shared/reference/spl_semantics.md §B (S1–S29), citing its source.

Rows the reference marks **verify** that the docs did not settle are marked ``assumed`` with what is assumed.
"""

from __future__ import annotations

import pytest

from contentpack.spl import Engine, MacroDef, SplRuntimeError, SplSyntaxError

from .spl_support import NOW, event, make_engine, rows

MANY = [event(NOW - i, n=str(i)) for i in range(1, 151)]


def test_s1_values_are_distinct_and_lexicographic() -> None:
    """S1: "The order of the values is lexicographical."
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.3/internal-commands/mcatalog"""
    engine = make_engine([event(NOW - i, v=v) for i, v in enumerate(["b", "a", "b", "10", "9", "B"], 1)])
    assert rows(engine, "* | stats values(v)")[0]["values(v)"] == ("10", "9", "B", "a", "b")


@pytest.mark.assumed
def test_s2_lexicographic_means_utf8_bytes() -> None:
    """S2 (assumed from the SPL2 manual, https://help.splunk.com/en/splunk-enterprise/search/spl2-search-manual/
    sort-and-order): numbers before letters by first digit (10, 100, 70, 9), uppercase before lowercase.
    Assumed: SPL1's values() uses the same UTF-8 byte order."""
    engine = make_engine([event(NOW - i, v=v) for i, v in enumerate(["9", "70", "100", "10", "z", "Z"], 1)])
    assert rows(engine, "* | stats values(v) as v")[0]["v"] == ("10", "100", "70", "9", "Z", "z")


def test_s3_list_keeps_event_order_and_first_100() -> None:
    """S3: "The order of the values reflects the order of the events"; "only the first 100 are returned".
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/statistical-and-charting-functions/
    multivalue-stats-and-chart-functions"""
    engine = make_engine(MANY)
    listed = rows(engine, "* | stats list(n) as l values(n) as v")[0]
    assert listed["l"][:3] == ("1", "2", "3") and len(listed["l"]) == 100
    assert len(listed["v"]) == 150


def test_s4_dc_counts_strings_min_max_read_numbers() -> None:
    """S4: "Each value is considered a distinct string value. The only exceptions are the max and min
    functions." https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/statistical-and-charting-functions"""
    engine = make_engine([event(NOW - i, v=v) for i, v in enumerate(["1", "1.0", "01", "9", "10"], 1)])
    result = rows(engine, "* | stats dc(v) as d min(v) as lo max(v) as hi")[0]
    assert result["d"] == 5
    assert str(result["hi"]) == "10" and str(result["lo"]) in ("1", "1.0", "01")


def test_s5_count_field_counts_events_with_a_value() -> None:
    """S5: count(field) "Returns the number of occurrences where the field that you specify contains any value".
    https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/statistical-and-charting-functions"""
    engine = make_engine([event(NOW - 1, a="x"), event(NOW - 2), event(NOW - 3, a="y")])
    assert rows(engine, "* | stats count count(a)") == [{"count": 3, "count(a)": 2}]


def test_s6_first_last_follow_search_order_earliest_latest_follow_time() -> None:
    """S6: first is "the most recent instance ... based on the order in which the events are seen by the
    stats command"; earliest is "the chronologically earliest seen occurrence".
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/statistical-and-charting-functions/time-functions ;
    …/event-order-functions"""
    engine = make_engine([event(NOW - 10, v="old"), event(NOW - 1, v="new"), event(NOW - 5, v="mid")])
    result = rows(engine, "* | stats first(v) as f last(v) as l earliest(v) as e latest(v) as t")[0]
    assert result == {"f": "new", "l": "old", "e": "old", "t": "new"}
    reordered = rows(engine, "* | sort v | stats first(v) as f earliest(v) as e")[0]
    assert reordered == {"f": "mid", "e": "old"}


def test_s7_events_enter_newest_first() -> None:
    """S7: "For historical searches, the most recent events are searched first."
    https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.0.2503/search-commands/dedup"""
    engine = make_engine([event(NOW - 30, n="a"), event(NOW - 10, n="c"), event(NOW - 20, n="b")])
    assert [r["n"] for r in rows(engine, "* | table n")] == ["c", "b", "a"]
    assert rows(engine, "* | head 1 | table n") == [{"n": "c"}]


def test_s8_rename_wildcards_map_by_position() -> None:
    """S8: `rename EU* AS EMEA*` turns EU_UK, EU_DE, EU_PL into EMEA_UK, EMEA_DE, EMEA_PL.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/rename"""
    engine = make_engine([event(NOW - 1, EU_UK="1", EU_DE="2", EU_PL="3", US="4")])
    result = rows(engine, "* | rename EU* AS EMEA* | table EMEA* US EU*")
    assert result == [{"EMEA_UK": "1", "EMEA_DE": "2", "EMEA_PL": "3", "US": "4"}]
    with pytest.raises(SplSyntaxError, match="wildcard mismatch"):
        rows(engine, "* | rename EU* AS EMEA")


@pytest.mark.assumed
def test_s8_a_renamed_field_keeps_its_column() -> None:
    """S8, assumed: no Splunk page states where a renamed column goes. OpenSearch's PPL field-order RFC, written to
    replicate Splunk's behaviour, lists rename as modifying the field order by replacing the field in it, so
    ``stats count by X | rename X as code`` keeps ``code`` first, where ``stats`` put ``X``; a wildcard rename
    renames each matched field where it stands. https://github.com/opensearch-project/sql/issues/5045"""
    engine = make_engine([event(NOW - 1, X="a"), event(NOW - 2, X="b")])
    assert [list(r) for r in rows(engine, "* | stats count by X | rename X as code")] == [["code", "count"]] * 2
    engine = make_engine([event(NOW - 1, EU_UK="1", US="4", EU_DE="2")])
    result = rows(engine, "* | table EU_UK US EU_DE | rename EU* AS EMEA*")
    assert [list(r) for r in result] == [["EMEA_UK", "US", "EMEA_DE"]]


@pytest.mark.assumed
def test_s8_a_rename_onto_an_existing_name_takes_the_renamed_fields_place() -> None:
    """S8, assumed (the RFC above): renaming ``b`` onto an existing ``a`` leaves one ``a``, holding ``b``'s value at
    ``b``'s column; the old ``a`` is gone. https://github.com/opensearch-project/sql/issues/5045"""
    engine = make_engine([event(NOW - 1, a="old", m="1", b="new")])
    assert [list(r.items()) for r in rows(engine, "* | table a m b | rename b as a")] == [[("m", "1"), ("a", "new")]]


def test_s8_rename_onto_an_existing_field_replaces_it() -> None:
    """S8: rename (10.0), "You can't merge multiple fields into one field": with events holding either product_id or
    pid, ``rename pid AS product_id`` does not merge them - it overwrites product_id, with null where pid is absent;
    and "Renaming a field that does not exist": renaming a missing fieldA onto an existing fieldB removes fieldB's
    data. So the renamed value replaces the field of the new name - what `rename properties.* as *` relies on for
    `result` - and a missing source clears it.
    https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/rename"""
    engine = make_engine([event(NOW - 1, **{"result": "top", "properties.result": "inner"})])
    assert rows(engine, "* | rename properties.* as * | table result") == [{"result": "inner"}]
    engine = make_engine([event(NOW - 1, pid="1"), event(NOW - 2, product_id="2", other="x")])
    assert rows(engine, "* | rename pid AS product_id | table product_id other") == [
        {"product_id": "1"}, {"other": "x"}]


def test_s9_fillnull_defaults_and_field_lists() -> None:
    """S9: default value 0; "If you specify a field that didn't previously exist, the field is created. If you
    do not specify a field list, the value is applied to all fields" seen in the results.
    https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.0.2503/search-commands/fillnull"""
    engine = make_engine([event(NOW - 1, a="x"), event(NOW - 2, b="y")])
    assert rows(engine, "* | fillnull | table a b") == [{"a": "x", "b": "0"}, {"a": "0", "b": "y"}]
    assert rows(engine, '* | fillnull value="n/a" a new | table a b new') == [
        {"a": "x", "new": "n/a"}, {"a": "n/a", "b": "y", "new": "n/a"}]


def test_s10_eval_left_to_right_overwrites_and_rejects_booleans() -> None:
    """S10: assignments are processed left to right and may use earlier ones; "The result of an eval
    expression cannot be a Boolean." https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/eval"""
    engine = make_engine([event(NOW - 1, a="1")])
    assert rows(engine, "* | eval b=a+1, a=b*10 | table a b") == [{"a": 20, "b": 2}]
    with pytest.raises(SplRuntimeError, match="cannot be a Boolean"):
        rows(engine, "* | eval c=a=1")


def test_s11_operators_and_coercion() -> None:
    """S11: eval (10.0), "Operators that produce numbers": `+` takes two numbers for addition or two strings for
    concatenation, `-` `*` `/` `%` take two numbers; `.` concatenates numbers in their string form; `=` is a
    synonym of `==`. A field whose text is a number is a number to them: the page's first example divides two
    event fields (``eval velocity=distance/time``) and the where page (10.0, example 3) keeps events with
    ``where distance/time > 100`` (time is elapsed here, the helper's own argument).
    https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/eval ; https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/
    search-commands/where"""
    engine = make_engine([event(NOW - 1, n="2", s="ab", distance="300", elapsed="2")])
    result = rows(engine, '* | eval add=n+3, cat=s+"c", dot=n . s, bad=s-1, frac=7/2, eq=if(n=2, "y", "n") '
                          "| table add cat dot bad frac eq")
    assert result == [{"add": 5, "cat": "abc", "dot": "2ab", "frac": 3.5, "eq": "y"}]
    assert rows(engine, "* | where distance/elapsed > 100 | eval velocity=distance/elapsed | table velocity") == [
        {"velocity": 150}]


def test_s12_single_quotes_name_fields_double_quotes_are_strings() -> None:
    """S12: field names with non-alphanumeric characters go in single quotes; strings in double quotes.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/where"""
    engine = make_engine([event(NOW - 1, **{"a{}.b": "v", "x": "a{}.b"})])
    assert rows(engine, """* | eval f='a{}.b', s="a{}.b" | table f s""") == [{"f": "v", "s": "a{}.b"}]


def test_s13_where_is_case_sensitive_search_is_not() -> None:
    """S13: where: "The <eval-expression> is case-sensitive"; search: "By default, searches are
    case-insensitive"; CASE() makes a search term case-sensitive.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/where ;
    https://help.splunk.com/splunk-enterprise/search/search-manual/9.0/search-primer/use-case-and-term-to-match-phrases"""
    engine = make_engine([event(NOW - 1, user="Alice")])
    assert len(rows(engine, "user=alice")) == 1
    assert len(rows(engine, "* | search user=ALICE")) == 1
    assert rows(engine, '* | where user="alice"') == []
    assert len(rows(engine, '* | where user="Alice"')) == 1
    assert rows(engine, "user=CASE(alice)") == []
    assert rows(engine, "CASE(alice)") == [] and len(rows(engine, "alice")) == 1


@pytest.mark.assumed
def test_s13_field_names_are_case_sensitive() -> None:
    """S13 (verify: no explicit statement retrieved). Assumed: field names are case-sensitive in search.
    https://help.splunk.com/splunk-enterprise/search/search-manual/9.0/search-primer/use-case-and-term-to-match-phrases"""
    engine = make_engine([event(NOW - 1, user="alice")])
    assert rows(engine, "User=alice") == []


def test_s14_wildcards_in_search_and_like_in_where() -> None:
    """S14: `host=webserver* status IN(4*, 5*)`; where takes wildcards only through like() with `%`.
    SPL2 search examples https://help.splunk.com/splunk-enterprise/search/spl2-search-reference/search-command/
    search-command-examples ; where page (9.2)."""
    engine = make_engine([event(NOW - 1, host="webserver1", status="404"), event(NOW - 2, host="db", status="500"),
                          event(NOW - 3, host="WebServer2", status="200")])
    assert len(rows(engine, "host=webserver* status IN(4*, 5*)")) == 1
    assert len(rows(engine, "status IN (4*, 5*)")) == 2
    assert len(rows(engine, '* | where like(host, "web%")')) == 1
    assert rows(engine, '* | where host="web*"') == []


def test_s15_precedence_changes_results() -> None:
    """S15: search evaluates OR before AND; eval/where AND before OR.
    https://help.splunk.com/en/splunk-enterprise/search/search-manual/9.3/expressions-and-predicates"""
    engine = make_engine([event(NOW - 1, a="1", b="0", c="0"), event(NOW - 2, a="0", b="0", c="1")])
    # search: a=1 AND (b=1 OR c=1) -> nothing; where: (a=1 AND b=1) OR c=1 -> the second event
    assert rows(engine, "a=1 b=1 OR c=1") == []
    assert [r["c"] for r in rows(engine, "* | where a=1 AND b=1 OR c=1 | table c")] == ["1"]


def test_s16_not_equal_needs_the_field_not_does_not() -> None:
    """S16: "If you search with the != expression, every event that has a value in the field, where that value
    does not match the value you specify, is returned. Events that do not have a value in the field are not
    included"; "If you search for a Location that does not exist using the != expression, all of the events that
    have a Location value are returned"; "If you search with the NOT operator, every event is returned except the
    events that contain the value you specify. This includes events that do not have a value in the field."
    Search Manual, "Difference between != and NOT",
    https://docs.splunk.com/Documentation/Splunk/9.0.9/Search/NOTexpressions"""
    engine = make_engine([event(NOW - 1, f="v"), event(NOW - 2, f="w"), event(NOW - 3, g="1")])
    assert len(rows(engine, "f!=v")) == 1
    assert len(rows(engine, "f!=nowhere")) == 2
    assert len(rows(engine, "NOT f=v")) == 2


@pytest.mark.assumed
def test_s16_where_comparison_with_null_is_false_and_not_makes_it_true() -> None:
    """Assumed (the where and eval pages do not say): a comparison or match() with a null operand is false, and
    NOT of it is true, so `where NOT match(f, ...)` and `where NOT f="x"` keep events without f while `where
    f!="x"` drops them. This is what Splunk 8.2.2 was observed to do ("if either side is NULL the condition is
    always false ... NOT does not consider whether a NULL is involved", https://qiita.com/frozencatpisces/items/
    bb0adbf22712565c15e1). A detection that must not depend on it tests isnull()/coalesce() first, as the pack's
    own searches do. https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/where"""
    engine = make_engine([event(NOW - 1, f="x"), event(NOW - 2, f="y"), event(NOW - 3, g="1")])
    assert [r.get("g") for r in rows(engine, '* | where NOT match(f, "x") | table f g')] == [None, "1"]
    assert len(rows(engine, '* | where NOT f="x"')) == 2
    assert len(rows(engine, '* | where f!="x"')) == 1
    assert rows(engine, '* | eval r=if(f="x", "t", "f") | table r') == [{"r": "t"}, {"r": "f"}, {"r": "f"}]


def test_s17_json_arrays_are_multivalue_and_spath_paths() -> None:
    """S17: `path="commits{}.author.name"` extracts all array elements as a multivalue field; input=_raw; an index
    counts from 0: "JSON uses zero-based indexing. In JSON, product.desc{3} refers to the fourth element of the
    desc child of the product element" (the engine counted from 1, which the page says of XML only).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/search-commands/spath"""
    engine = Engine()
    engine.register_events([{"_time": NOW - 1, "_raw": '{"commits": [{"author": {"name": "a"}}, '
                                                       '{"author": {"name": "b"}}]}'}])
    assert rows(engine, '* | spath path="commits{}.author.name" output=n | table n') == [{"n": ("a", "b")}]
    assert rows(engine, "* | spath | table commits{}.author.name") == [{"commits{}.author.name": ("a", "b")}]
    assert rows(engine, "* | spath path=commits{1}.author.name output=second | table second") == [{"second": "b"}]
    assert rows(engine, "* | spath path=commits{0}.author.name output=first | table first") == [{"first": "a"}]
    assert rows(engine, "* | spath path=commits{2}.author.name output=third | table third") == [{}]


def test_s18_dedup_keeps_first_in_search_order() -> None:
    """S18: keeps the first event per combination; keepempty "Default: false. All events where any of the
    selected fields are null are removed"; consecutive.
    https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.0.2503/search-commands/dedup"""
    data = [event(NOW - 1, h="a", n="1"), event(NOW - 2, h="b", n="2"), event(NOW - 3, h="a", n="3"),
            event(NOW - 4, n="4"), event(NOW - 5, h="a", n="5")]
    engine = make_engine(data)
    assert [r["n"] for r in rows(engine, "* | dedup h | table n")] == ["1", "2"]
    assert [r["n"] for r in rows(engine, "* | dedup h keepempty=true | table n")] == ["1", "2", "4"]
    runs = make_engine([event(NOW - i, h=h, n=str(i)) for i, h in enumerate("aabba", 1)])
    assert [r["n"] for r in rows(runs, "* | dedup h consecutive=true | table n")] == ["1", "3", "5"]
    # "You can sort the fields, which determines which event is retained": sorted by -n first, then deduplicated
    assert [r["n"] for r in rows(engine, "* | dedup 2 h sortby -n | table n")] == ["5", "3", "2"]


def test_s19_streamstats_window_golden_example() -> None:
    """S19: `streamstats window=3 avg(bytes)` on 100, 200, 400, 50, 150, 100 gives 100, 150, 233.33, 216.66,
    200, 100 (the page truncates 216.67). https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/
    search-commands/streamstats"""
    engine = make_engine([event(NOW - i, bytes=str(b)) for i, b in enumerate([100, 200, 400, 50, 150, 100], 1)])
    got = [float(r["avg(bytes)"]) for r in rows(engine, "* | streamstats window=3 avg(bytes) | table avg(bytes)")]
    assert got == pytest.approx([100, 150, 233.333, 216.667, 200, 100], abs=0.01)


def test_s19_streamstats_count_by_resets_per_group() -> None:
    """S19: `streamstats count() BY host` counts per host (SPL2 streamstats examples).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/streamstats"""
    engine = make_engine([event(NOW - i, host=h) for i, h in enumerate("abab", 1)])
    assert [r["count"] for r in rows(engine, "* | streamstats count by host | table count")] == [1, 1, 2, 2]


def test_s20_eventstats_adds_to_every_event() -> None:
    """S20: eventstats adds the aggregate to every original event without removing events (SPL2 overview);
    an event missing the field still gets the aggregate.
    https://help.splunk.com/splunk-enterprise/search/spl2-search-reference/eventstats-command/
    eventstats-command-overview-syntax-and-usage ;
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.0/search-commands/eventstats"""
    engine = make_engine([event(NOW - 1, age="10"), event(NOW - 2, age="30"), event(NOW - 3)])
    result = rows(engine, "* | eventstats avg(age) as avg_age | table age avg_age")
    assert [r["avg_age"] for r in result] == [20, 20, 20] and len(result) == 3


def test_s21_stats_rows_and_default_names() -> None:
    """S21: without BY one row; "one row is returned for each distinct value specified in the BY clause";
    default names like `values(appDisplayName)`.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/stats"""
    engine = make_engine([event(NOW - 1, u="b", app="x"), event(NOW - 2, u="a", app="y"), event(NOW - 3, u="b")])
    assert rows(engine, "* | stats count") == [{"count": 3}]
    assert rows(engine, "* | stats count values(app) by u") == [
        {"u": "a", "count": 1, "values(app)": "y"}, {"u": "b", "count": 2, "values(app)": "x"}]


def test_s21_a_multivalue_by_value_makes_one_group_per_value() -> None:
    """S21: stats (10.0), dedup_splitvals "Specifies whether to remove duplicate values in multivalued BY clause
    fields" (default false), and basic example 5, ``stats avg(field) BY mvfield dedup_splitvals=true``, returns a
    row "For each unique value of mvfield": a multivalue BY field splits the event into one group per value, a
    value the field holds twice counting twice unless dedup_splitvals=true.
    https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/stats"""
    engine = make_engine([event(NOW - 1, u=("a", "b", "a")), event(NOW - 2, u="a")])
    assert rows(engine, "* | stats count by u") == [{"u": "a", "count": 3}, {"u": "b", "count": 1}]
    assert rows(engine, "* | stats count by u dedup_splitvals=true") == [
        {"u": "a", "count": 2}, {"u": "b", "count": 1}]


@pytest.mark.assumed
def test_s21_null_by_values_drop() -> None:
    """S21 (the stats page, 10.0, read in full, does not say; chart's and timechart's usenull speak of their
    split-by series only). Assumed: events whose BY field is null are dropped. Corroboration, not stats' own
    page: tstats (10.0) documents the same for its group-by fields - without fillnull_value it "omits rows for
    events with one or more null field values" (https://help.splunk.com/splunk-enterprise/search/
    spl-search-reference/10.0/search-commands/tstats).
    https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/stats"""
    engine = make_engine([event(NOW - 1, u="a"), event(NOW - 2, u="a"), event(NOW - 3)])
    assert rows(engine, "* | stats count by u") == [{"u": "a", "count": 2}]


@pytest.mark.assumed
def test_s22_bin_span_floors_time_to_multiples() -> None:
    """S22 (verify: the SPL2 example starts bins at the first event). Assumed for SPL1: `span=5m` floors
    _time to multiples of 300 s in UTC. https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/
    search-commands/bin"""
    engine = make_engine([event(1_000_000_123.0), event(1_000_000_450.5)])
    assert [r["_time"] for r in rows(engine, "* | bucket span=5m _time | table _time")] == [
        1_000_000_200, 999_999_900]


@pytest.mark.assumed
def test_s23_timechart_limit_useother_usenull() -> None:
    """S23: "If you set limit=0, no series filtering occurs"; useother/usenull; default limit 10 (verify:
    seen in OpenSearch PPL docs — assumed). https://help.splunk.com/splunk-enterprise/spl-search-reference/
    10.0/search-commands/timechart"""
    base = 1_700_000_000.0 - (1_700_000_000.0 % 3600)
    data = [event(base + i, u=u) for i, u in enumerate(["a", "a", "a", "b", "b", "c"])] + [event(base + 10)]
    engine = make_engine(data)
    limited = rows(engine, "* | timechart span=1h limit=2 count by u")
    assert limited == [{"_time": int(base), "a": 3, "b": 2, "NULL": 1, "OTHER": 1, "_span": 3600}]
    unlimited = rows(engine, "* | timechart span=1h limit=0 usenull=f count by u")
    assert unlimited == [{"_time": int(base), "a": 3, "b": 2, "c": 1, "_span": 3600}]
    no_other = rows(engine, "* | timechart span=1h limit=1 useother=f usenull=f count by u")
    assert no_other == [{"_time": int(base), "a": 3, "_span": 3600}]


def test_s24_macros_expand_before_the_search_runs() -> None:
    """S24: arguments substituted as $arg$, invoked with backticks, nested allowed.
    https://help.splunk.com/en/splunk-enterprise/manage-knowledge-objects/knowledge-management-manual/10.0/search-macros"""
    macros = {"m": MacroDef("only", ("f", "v"), "$f$=$v$"), "n": MacroDef("outer", (), "`only(u, a)`")}
    engine = make_engine([event(NOW - 1, u="a"), event(NOW - 2, u="b")], macros=macros)
    assert rows(engine, "`outer` | table u") == [{"u": "a"}]


def test_s25_lookup_output_outputnew_and_case(tmp_path) -> None:
    """S25: lookup (10.0, Usage): "If the OUTPUT clause is specified, the output lookup fields overwrite existing
    fields. If the OUTPUTNEW clause is specified, the lookup is not performed for events in which the output fields
    already exist." Field matching rules (transforms.conf, Knowledge Manager Manual 9.4.0): case_sensitive_match,
    default true, matches with case when true and ignores case when false - the pack's two lookups set it false.
    https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/lookup ;
    https://docs.splunk.com/Documentation/Splunk/9.4.0/Knowledge/Addfieldmatchingrulestoyourlookupconfiguration"""
    table = tmp_path / "apps.csv"
    table.write_text("app,risk\nEvil,high\nGood,low\n")
    engine = make_engine([event(NOW - 1, app="Evil", risk="old"), event(NOW - 2, app="evil")])
    engine.register_lookup("apps", table)
    assert rows(engine, "* | lookup apps app OUTPUT risk | table risk") == [{"risk": "high"}, {}]
    assert rows(engine, "* | lookup apps app OUTPUTNEW risk | table risk") == [{"risk": "old"}, {}]
    engine.register_lookup("apps_ci", table, case_sensitive=False)
    assert rows(engine, "* | lookup apps_ci app | table risk") == [{"risk": "high"}, {"risk": "high"}]


def test_s26_regex_filters_rex_extracts() -> None:
    """S26: `regex field=<regex>` / `field!=<regex>` filter (unanchored); rex extracts named groups.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/regex"""
    engine = make_engine([event(NOW - 1, p="Scope: Mail.Read, x"), event(NOW - 2, p="none")])
    assert len(rows(engine, '* | regex p="Scope"')) == 1
    assert len(rows(engine, '* | regex p!="^Scope"')) == 1
    assert rows(engine, '* | rex field=p "Scope: (?<Scope>[^,]+)" | table Scope') == [{"Scope": "Mail.Read"}, {}]


def test_s27_multivalue_eval_functions_through_the_engine() -> None:
    """S27: Multivalue eval functions (10.0): mvfind returns the index of the first value the regex matches,
    "beginning with zero", and NULL when none does; mvindex indexes "start at zero", -1 is the last value, and an
    index out of range gives NULL (so the detections' ``mvindex(v, mvfind(k, re))`` is null when k has no such
    key); mvcount is the number of values. https://help.splunk.com/splunk-enterprise/search/spl-search-reference/
    10.0/evaluation-functions/multivalue-eval-functions"""
    engine = make_engine([event(NOW - 1, **{"d{}": ("A", "ConsentAction.Reason", "C"), "v{}": ("1", "2", "3")})])
    result = rows(engine, """* | eval i=mvfind('d{}', "Reason"), r=mvindex('v{}', i), last=mvindex('v{}', -1),
                                 n=mvcount('d{}'), none=mvfind('d{}', "zzz"), past=mvindex('v{}', 3),
                                 missing=mvindex('v{}', mvfind('d{}', "zzz")) | table i r last n none past missing""")
    assert result == [{"i": 1, "r": "2", "last": "3", "n": 3}]


def test_s28_convert_ctime_with_escu_timeformat() -> None:
    """S28: security_content_ctime expands to `convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(field)`; default
    timeformat %m/%d/%Y %H:%M:%S (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/
    search-commands/convert); TZ pinned to UTC."""
    engine = make_engine([event(1_700_000_000.0, t="1700000000")])
    assert rows(engine, '* | convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(t) | table t') == [
        {"t": "2023-11-14T22:13:20"}]
    assert rows(engine, "* | convert ctime(t) AS shown | table shown") == [{"shown": "11/14/2023 22:13:20"}]


def test_s29_error_code_matches_numbers_and_strings() -> None:
    """S29: properties.status.errorCode is numeric while resultType is a string, so errorCode=65004 must match
    both 65004 and "65004" (https://learn.microsoft.com/entra/identity-platform/reference-error-codes). The
    search command compares = as strings: "Comparison expressions with the equal ( = ) or not equal ( != )
    operator compare string values. For example, "1" does not match "1.0"."
    (https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/search)"""
    engine = Engine()
    engine.register_events([
        {"_time": NOW - 1, "_raw": '{"c": 65004}', "c": 65004},
        {"_time": NOW - 2, "_raw": '{"c": "65004"}', "c": "65004"},
        {"_time": NOW - 3, "_raw": '{"c": "65004.0"}', "c": "65004.0"},
        {"_time": NOW - 4, "_raw": '{"c": 650040}', "c": "650040"},
    ])
    assert len(rows(engine, "c=65004")) == 2
    assert len(rows(engine, "65004")) == 3  # terms match raw tokens: 65004.0 holds the token 65004
    assert rows(engine, "650") == []


