"""Command behaviours beyond the §B rows: each test names the Search Reference page it follows."""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.spl import Engine, SplRuntimeError, SplSyntaxError, SplUnsupportedError

from .spl_support import NOW, event, make_engine, rows


def test_rex_max_match_gives_multivalue_and_keeps_fields_without_match() -> None:
    """rex: max_match default 1, 0 = unlimited
    (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/rex)."""
    engine = make_engine([event(NOW - 1, s="a=1 a=2 a=3", v="keep")])
    assert rows(engine, '* | rex field=s "a=(?<v>\\d)" | table v') == [{"v": "1"}]
    assert rows(engine, '* | rex field=s max_match=0 "a=(?<v>\\d)" | table v') == [{"v": ("1", "2", "3")}]
    assert rows(engine, '* | rex field=s "zzz(?<v>\\d)" | table v') == [{"v": "keep"}]


def test_rex_sed_mode() -> None:
    """rex mode=sed: s/regex/replacement/flags and y/from/to/ (rex page, 9.4)."""
    engine = make_engine([event(NOW - 1, s="a-b-c")])
    assert rows(engine, '* | rex field=s mode=sed "s/-/+/g" | table s') == [{"s": "a+b+c"}]
    assert rows(engine, '* | rex field=s mode=sed "s/-/+/" | table s') == [{"s": "a+b-c"}]
    assert rows(engine, '* | rex field=s mode=sed "s/-/+/2" | table s') == [{"s": "a-b+c"}]
    assert rows(engine, '* | rex field=s mode=sed "s/(\\w)-/\\1_/g" | table s') == [{"s": "a_b_c"}]
    assert rows(engine, '* | rex field=s mode=sed "y/abc/xyz/" | table s') == [{"s": "x-y-z"}]


def test_rex_errors() -> None:
    engine = make_engine([event(NOW - 1)])
    with pytest.raises(SplSyntaxError, match="no named group"):
        rows(engine, '* | rex "abc"')
    with pytest.raises(SplSyntaxError, match="invalid regular expression '\\(\\?<x>': missing closing parenthesis"):
        rows(engine, '* | rex "(?<x>"')
    with pytest.raises(SplUnsupportedError, match="this engine cannot compile it"):  # valid PCRE (\cA) it lacks
        rows(engine, '* | rex "(?<x>\\cA)"')


def test_mvexpand_and_makemv() -> None:
    """mvexpand: one result per value; makemv delim= / tokenizer= (Search Reference 9.4)."""
    engine = make_engine([event(NOW - 1, m=("a", "b"), s="x,y,,z", n="1")])
    assert rows(engine, "* | mvexpand m | table m n") == [{"m": "a", "n": "1"}, {"m": "b", "n": "1"}]
    assert rows(engine, '* | makemv delim="," s | table s') == [{"s": ("x", "y", "z")}]
    assert rows(engine, '* | makemv delim="," allowempty=true s | table s') == [{"s": ("x", "y", "", "z")}]
    assert rows(engine, '* | makemv tokenizer="([^,]+),?" s | table s') == [{"s": ("x", "y", "z")}]


def test_sort_orders_and_limits() -> None:
    """sort: -/+ per field, num()/str(), auto puts numbers before text, count limits, desc
    (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/sort)."""
    engine = make_engine([event(NOW - i, v=v) for i, v in enumerate(["10", "9", "b", "A", "100"], 1)])
    assert [r["v"] for r in rows(engine, "* | sort v | table v")] == ["9", "10", "100", "A", "b"]
    assert [r["v"] for r in rows(engine, "* | sort -v | table v")] == ["b", "A", "100", "10", "9"]
    assert [r["v"] for r in rows(engine, "* | sort str(v) | table v")] == ["10", "100", "9", "A", "b"]
    assert [r["v"] for r in rows(engine, "* | sort 2 num(v) | table v")] == ["9", "10"]
    assert [r["v"] for r in rows(engine, "* | sort v desc | table v")][0] == "b"


def test_sort_puts_results_missing_the_field_last_in_either_order() -> None:
    """sort: "Results missing a given field are treated as having the smallest or largest possible value of that
    field if the order is descending or ascending, respectively": last both ways, and a later key still orders
    them among themselves (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.0/search-commands/sort)."""
    engine = make_engine([event(NOW - 1, n="1"), event(NOW - 2, v="5", n="2"), event(NOW - 3, n="3"),
                          event(NOW - 4, v="10", n="4")])
    assert [r["n"] for r in rows(engine, "* | sort v | table n")] == ["2", "4", "1", "3"]
    assert [r["n"] for r in rows(engine, "* | sort - v | table n")] == ["4", "2", "1", "3"]
    assert [r["n"] for r in rows(engine, "* | sort -v, -n | table n")] == ["4", "2", "3", "1"]


@pytest.mark.assumed
def test_sort_a_sign_apart_from_its_field_orders_the_later_unsigned_fields() -> None:
    """searchbnf.conf's sort description (the text Splunk's search assistant shows; the stored copy read is a
    third-party SPL grammar quoting it, so marked assumed): "If the fieldname is immediately (no space) preceded by
    "-", the sort is descending. If white space follows "+/-", the sort order is applied to all following fields
    without a different explicit sort order." The 10.0 sort page's syntax, "[ - | + ] <sort-field>, ( - | + )
    <sort-field> ...", says nothing of a later field without a sign. So in ``sort 0 - score - total name`` (the
    shape of the pack's risk correlation) ``name`` sorts descending; the engine used to sort it ascending.
    https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/sort"""
    engine = make_engine([event(NOW - i, s=s, t=t, u=u) for i, (s, t, u) in
                          enumerate([("5", "9", "ann"), ("5", "9", "cy"), ("5", "9", "bo"), ("7", "1", "al")], 1)])
    order = "* | sort 0 {} | table u"
    assert [r["u"] for r in rows(engine, order.format("- s - t u"))] == ["al", "cy", "bo", "ann"]
    assert [r["u"] for r in rows(engine, order.format("- s, u"))] == ["al", "cy", "bo", "ann"]
    assert [r["u"] for r in rows(engine, order.format("- s +u"))] == ["al", "ann", "bo", "cy"]  # its own sign
    assert [r["u"] for r in rows(engine, order.format("-s u"))] == ["al", "ann", "bo", "cy"]  # attached: no carry
    assert [r["u"] for r in rows(engine, order.format("-s, -t, u"))] == ["al", "ann", "bo", "cy"]
    assert [r["u"] for r in rows(engine, order.format("+ t u"))] == ["al", "ann", "bo", "cy"]


def test_sort_zero_nulls_last_in_the_correlation_shape() -> None:
    """The 10.0 sort page: "Results missing a given field are treated as having the smallest or largest possible
    value of that field if the order is descending or ascending, respectively" (so last both ways: smallest last
    when descending), and "If the number 0 is specified, all of the results are returned" (the default is 10000).
    Rows with no ranked_* fields (the correlation's campaign and application rows) come last in arrival order.
    https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/sort"""
    ranked = {2: ("60", "60", "b"), 3: ("60", "65", "a"), 4: ("0", "5", "c")}
    engine = make_engine([event(NOW - n, n=str(n), **dict(zip(("rs", "rt", "ru"), ranked.get(n, ()))))
                          for n in range(1, 10003)])
    ordered = rows(engine, "* | sort 0 - rs - rt ru | table n")
    assert len(ordered) == 10002 and [r["n"] for r in ordered[:5]] == ["3", "2", "4", "1", "5"]
    assert len(rows(engine, "* | sort - rs - rt ru | table n")) == 10000


def test_head_tail() -> None:
    """head/tail default 10; tail returns the last results in reverse order (Search Reference 9.4)."""
    engine = make_engine([event(NOW - i, n=str(i)) for i in range(1, 16)])
    assert len(rows(engine, "* | head")) == 10
    assert [r["n"] for r in rows(engine, "* | head limit=2 | table n")] == ["1", "2"]
    assert [r["n"] for r in rows(engine, "* | tail 2 | table n")] == ["15", "14"]


def test_fields_keep_and_remove() -> None:
    """fields: `+` keeps (internal fields stay), `-` removes, wildcards allowed (fields page, 9.4)."""
    engine = make_engine([event(NOW - 1, a="1", ab="2", b="3")])
    kept = rows(engine, "* | fields a*")[0]
    assert set(kept) == {"a", "ab", "_raw", "_time"}
    removed = rows(engine, "* | fields - a* _raw")[0]
    assert "a" not in removed and "_raw" not in removed and removed["b"] == "3"


def test_table_orders_columns_and_results_fields() -> None:
    engine = make_engine([event(NOW - 1, b="1", a="2")])
    result = engine.search("* | table b nothere a", now=NOW)
    assert result.rows == [{"b": "1", "a": "2"}]
    assert result.fields == ["b", "nothere", "a"]


@pytest.mark.assumed
@pytest.mark.parametrize("after", ["head 1", "sort - a | head 5", "where a=\"2\"", "search a=2", "dedup a",
                                   "tail 1", "regex a=\"2\""])
def test_a_table_before_commands_that_keep_rows_as_they_are_still_sets_the_columns(after: str) -> None:
    """``| table b nothere a | head 1`` has the columns of the table, the empty one too, as the search UI shows:
    head, tail, sort, dedup, search, where and regex filter or order results and leave their fields alone
    (assumed: no Splunk page says an all-empty column survives them). The column was lost, and a CSV of one
    result had no header at all when it was the only one."""
    engine = make_engine([event(NOW - 1, b="1", a="2")])
    assert engine.search(f"* | table b nothere a | {after}", now=NOW).fields == ["b", "nothere", "a"]
    assert engine.search("* | table nothere | head 1", now=NOW).fields == ["nothere"]
    assert engine.search("* | table b nothere a | eval c=1", now=NOW).fields == ["b", "a", "c"]  # eval: rows'


def test_bin_numeric_fields_make_ranges() -> None:
    """bin on a numeric field gives low-high ranges (bin page, 9.4)."""
    engine = make_engine([event(NOW - 1, n="23")])
    assert rows(engine, "* | bin n span=10 as r | table r") == [{"r": "20-30"}]
    with pytest.raises(SplUnsupportedError):
        rows(engine, "* | bin bins=10 n")


def test_timechart_without_by_and_continuous_bins() -> None:
    base = 1_700_000_000.0 - (1_700_000_000.0 % 3600)
    engine = make_engine([event(base + 10), event(base + 7300)])
    result = rows(engine, "* | timechart span=1h count")
    assert [(r["_time"], r["count"]) for r in result] == [(int(base), 1), (int(base) + 3600, 0),
                                                          (int(base) + 7200, 1)]


def test_streamstats_current_false_and_reset_on_change() -> None:
    """streamstats current=f excludes the event itself; reset_on_change restarts when BY values change
    (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/streamstats)."""
    engine = make_engine([event(NOW - i, h=h, b="1") for i, h in enumerate("aabba", 1)])
    assert [r.get("s") for r in rows(engine, "* | streamstats current=f sum(b) as s | table s")] == [
        None, 1, 2, 3, 4]
    counts = rows(engine, "* | streamstats reset_on_change=true count by h | table count")
    assert [r["count"] for r in counts] == [1, 2, 1, 2, 1]


def test_streamstats_time_window() -> None:
    engine = make_engine([event(NOW - s, b="1") for s in (0, 30, 50, 200)])
    sums = rows(engine, "* | streamstats time_window=60s sum(b) as s | table s")
    assert [r["s"] for r in sums] == [1, 2, 3, 1]


def test_lookup_and_inputlookup(tmp_path: Path) -> None:
    table = tmp_path / "users.csv"
    table.write_text("user,dept\nalice,hr\nbob,it\nbob,ops\n")
    engine = make_engine([event(NOW - 1, u="bob")])
    engine.register_lookup("users", table)
    assert rows(engine, "* | lookup users user AS u OUTPUT dept AS d | table d") == [{"d": ("it", "ops")}]
    assert rows(engine, "| inputlookup users.csv | search dept=hr") == [{"user": "alice", "dept": "hr"}]
    with pytest.raises(SplRuntimeError, match="unknown lookup 'nope'"):
        rows(engine, "* | lookup nope user")


def test_makeresults_append_and_subsearch_return() -> None:
    """append adds subsearch results after the main results; return builds field="value" search text
    (Search Reference 9.4: append, return)."""
    engine = make_engine([event(NOW - 1, u="bob"), event(NOW - 2, u="eve")])
    result = rows(engine, '| makeresults count=2 | eval n=1 | append [ search u=bob | table u ] | table n u')
    assert result == [{"n": 1}, {"n": 1}, {"u": "bob"}]
    assert rows(engine, "* | head 1 | return u") == [{"search": 'u="bob"'}]
    assert rows(engine, "* | return 2 who=u") == [{"search": '(who="bob") OR (who="eve")'}]
    assert rows(engine, "* | return $u") == [{"search": "bob"}]
    assert rows(engine, "* | table u | format") == [{"search": '( ( u="bob" ) OR ( u="eve" ) )'}]


def test_subsearch_in_search_filters_by_returned_values() -> None:
    """A subsearch's `search` field becomes part of the outer search (Search Manual, "About subsearches")."""
    engine = make_engine([event(NOW - 1, u="bob", k="1"), event(NOW - 2, u="eve", k="2")])
    assert rows(engine, "[ search k=2 | return u ] | table u") == [{"u": "eve"}]
    assert rows(engine, "* | search [ search k=1 | table u | format ] | table u") == [{"u": "bob"}]


def test_inline_time_modifiers_narrow_the_window() -> None:
    """earliest=/latest= in the search override the time range
    (https://help.splunk.com/en/splunk-enterprise/search/search-manual/9.3/specify-time-ranges/time-modifiers)."""
    engine = make_engine([event(NOW - 3600 * h, h=str(h)) for h in (1, 30, 200)])
    assert [r["h"] for r in rows(engine, "earliest=-24h | table h")] == ["1"]
    assert [r["h"] for r in rows(engine, "starthoursago=48 | table h")] == ["1", "30"]
    assert [r["h"] for r in rows(engine, "* | table h", earliest="-48h", latest="-2h")] == ["30"]
    with pytest.raises(SplRuntimeError, match="invalid time modifier"):
        rows(engine, "earliest=-3x")


def test_from_datamodel_risk_reads_the_registered_risk_index() -> None:
    engine = Engine()
    engine.register_risk_index([{"_time": NOW - 5, "risk_object": "a"}, {"_time": NOW - 1, "risk_object": "b"}])
    assert rows(engine, '| from datamodel:"Risk.All_Risk" | table risk_object') == [
        {"risk_object": "b"}, {"risk_object": "a"}]


def test_search_after_stats_matches_field_values() -> None:
    engine = make_engine([event(NOW - 1, u="bob"), event(NOW - 2, u="eve")])
    assert rows(engine, "* | stats count by u | search bob") == [{"u": "bob", "count": 1}]


def test_terms_match_whole_tokens_of_raw() -> None:
    """Terms match segments of _raw split at breakers (Search Manual, "Event segmentation and searching")."""
    engine = make_engine([event(NOW - 1, upn="user15@splunkresearch.onmicrosoft.com", code="65004")])
    assert len(rows(engine, "splunkresearch")) == 1
    assert len(rows(engine, "user15@splunk*")) == 1
    assert rows(engine, "splunkres") == [] and rows(engine, "6500") == []
    assert len(rows(engine, '"onmicrosoft.com"')) == 1


def test_eval_null_result_removes_field_and_where_needs_boolean() -> None:
    engine = make_engine([event(NOW - 1, a="x")])
    assert rows(engine, "* | eval a=null() | table a") == [{}]
    with pytest.raises(SplRuntimeError, match="Boolean"):
        rows(engine, "* | where a")


def test_timechart_other_series_sums_the_folded_counts() -> None:
    """timechart: series beyond `limit` fold into OTHER (timechart page, 10.0)."""
    base = 1_700_000_000.0 - (1_700_000_000.0 % 3600)
    engine = make_engine([event(base + i, u=u) for i, u in enumerate("aaabbc")])
    assert rows(engine, "* | timechart span=1h limit=1 count by u") == [
        {"_time": int(base), "a": 3, "OTHER": 3, "_span": 3600}]
    with pytest.raises(SplRuntimeError, match="OTHER"):
        rows(engine, "* | timechart span=1h limit=1 dc(u) by u")


def test_searchmatch_uses_the_search_language() -> None:
    """searchmatch(<search>) is true when the event matches the search string (comparison and conditional
    functions, https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/
    comparison-and-conditional-functions)."""
    engine = make_engine([event(NOW - 1, user="Bob"), event(NOW - 2, user="eve")])
    result = rows(engine, '* | eval m=if(searchmatch("user=bob"), "yes", "no") | table m')
    assert result == [{"m": "yes"}, {"m": "no"}]


def test_search_time_aliases_then_independent_calculated_fields() -> None:
    """Search-time order: extraction, field aliases, calculated fields; a calculated field sees aliases but
    not another calculated field's result (https://help.splunk.com/splunk-enterprise/manage-knowledge-objects/
    knowledge-management-manual/9.2/get-started-with-knowledge-objects/the-sequence-of-search-time-operations)."""
    engine = Engine()
    engine.register_events([{"_time": NOW - 1, "ip": "1.2.3.4", "a": "x"}], sourcetype="st")
    engine.register_search_time("st", [("ip", "src")],
                                [("first", 'src . "!"'), ("second", 'coalesce(first, "unset")'), ("a", '"new"')])
    assert rows(engine, "* | table src first second a") == [
        {"src": "1.2.3.4", "first": "1.2.3.4!", "second": "unset", "a": "new"}]
    assert len(rows(engine, "src=1.2.3.4 first=*")) == 1


def test_term_directive_needs_a_whole_token() -> None:
    """TERM() matches a term bounded by major breakers, minor breakers included in it
    (https://help.splunk.com/splunk-enterprise/search/search-manual/9.0/search-primer/use-case-and-term-to-match-phrases)."""
    engine = make_engine([event(NOW - 1, ip="10.1.2.3", upn="bob@example.com")])
    assert len(rows(engine, "TERM(10.1.2.3)")) == 1
    assert rows(engine, "TERM(1.2.3)") == [] and len(rows(engine, "1.2.3")) == 1
    assert rows(engine, "TERM(bob)") == [] and len(rows(engine, "bob")) == 1
    assert len(rows(engine, "TERM(bob@example.com)")) == 1


def test_term_directive_keeps_an_equals_sign_inside_the_term() -> None:
    """`=` is a minor breaker, so TERM(action=blocked) names one term of key=value text
    (https://help.splunk.com/splunk-enterprise/search/search-manual/9.0/search-primer/use-case-and-term-to-match-phrases:
    "Match whatever is inside the parentheses as a single term ... even if it contains characters that are
    usually recognized as minor breakers")."""
    engine = Engine()
    engine.register_events([{"_time": NOW - 1, "_raw": "2026-01-01 action=blocked user=bob"},
                            {"_time": NOW - 2, "_raw": "2026-01-01 action=blockedx user=bob"}])
    assert len(rows(engine, "TERM(action=blocked)")) == 1
    assert rows(engine, "TERM(action=block)") == []
    assert len(rows(engine, "TERM(user=bob) TERM(action=blockedx)")) == 1


def test_stats_output_named_as_a_group_by_field_is_splunks_error() -> None:
    """Splunk rejects it ("Error in 'stats' command: The output field 'date_mday' cannot have the same name as a
    group-by field.", quoted from searches Splunk rejected; no doc page states the rule). The engine wrote the
    count over the group's value: `stats count as a by a` gave a = 2, 2, 1."""
    engine = make_engine([event(NOW, a="x"), event(NOW - 1, a="x"), event(NOW - 2, a="y")])
    with pytest.raises(SplSyntaxError) as caught:
        rows(engine, "* | stats count as a by a")
    assert "the output field 'a' cannot have the same name as a group-by field" in caught.value.message
    assert (caught.value.command, caught.value.column) == ("stats", 11)
    with pytest.raises(SplSyntaxError, match="output field 'count'"):
        rows(engine, "* | stats count by count")
    assert rows(engine, "* | stats count as n by a") == [{"a": "x", "n": 2}, {"a": "y", "n": 1}]


SEARCH_PAGE = "https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/search"


def test_search_wildcard_values_and_in_lists_ignore_case() -> None:
    """search page: "By default, searches are case-insensitive" -- also a value with a ``*`` wildcard, and each
    value of ``IN (...)``; ``CASE()`` makes a value case-sensitive, also inside an OR of plain values (which the
    engine answers with one set lookup). SEARCH_PAGE"""
    engine = make_engine([event(NOW - 1, u="alice@contoso.com", n="1"), event(NOW - 2, u="Bob", n="2")])
    assert [r["n"] for r in rows(engine, "u=ALICE* | table n")] == ["1"]
    assert [r["n"] for r in rows(engine, "u IN (BOB, carol) | table n")] == ["2"]
    assert [r["n"] for r in rows(engine, "u=CASE(bob) OR u=nobody | table n")] == []
    assert [r["n"] for r in rows(engine, "u=CASE(Bob) OR u=nobody | table n")] == ["2"]


def test_search_ordered_comparisons_include_the_bound() -> None:
    """search page: "Comparison expressions with greater than or less than operators < > <= >= numerically
    compare two numbers": ``n<=5`` keeps 5, ``n<5`` does not. SEARCH_PAGE"""
    engine = make_engine([event(NOW - i, n=str(n)) for i, n in enumerate((4, 5, 6), 1)])
    assert [r["n"] for r in rows(engine, "n<=5 | table n")] == ["4", "5"]
    assert [r["n"] for r in rows(engine, "n<5 | table n")] == ["4"]
    assert [r["n"] for r in rows(engine, "n>=5 | table n")] == ["5", "6"]


def test_search_terms_are_whole_tokens_at_both_ends_and_wildcards_stop_at_major_breakers() -> None:
    """Terms match segments of _raw split at breakers (Search Manual, "Event segmentation and searching", as
    test_terms_match_whole_tokens_of_raw): ``004`` is no segment of ``65004`` (a term is bounded at its start as
    at its end), and ``ab*cd`` does not reach across the space, a major breaker, between ``ab`` and ``cd``
    (matching.py: ``*`` matches a run of characters that are not major breakers)."""
    engine = make_engine([event(NOW - 1, s="code 65004", n="1"), event(NOW - 2, s="ab cd", n="2")])
    assert rows(engine, "004 | table n") == []
    assert [r["n"] for r in rows(engine, "65004 | table n")] == ["1"]
    assert rows(engine, "ab*cd | table n") == []
    assert [r["n"] for r in rows(engine, "a*b | table n")] == ["2"]


def test_latest_is_exclusive_and_earliest_inclusive() -> None:
    """Search Manual, "Specify time modifiers in your search" (10.0): ``earliest=@w1 latest=+7d@w6`` runs "from
    the start of the current week at 12:00 A.M. on Monday" and concludes "at 11:59 P.M. on Friday": the earliest
    instant is in the range, the latest one (Saturday 12:00 A.M.) is not; the same for the index-time bounds
    ``_index_earliest``/``_index_latest``."""
    engine = make_engine([event(NOW - 7200, n="at -2h"), event(NOW - 3600, n="at -1h")])
    assert [r["n"] for r in rows(engine, "earliest=-2h latest=-1h | table n")] == ["at -2h"]
    assert [r["n"] for r in rows(engine, "* | search earliest=-2h latest=-1h | table n")] == ["at -2h"]
    indexed = make_engine([event(NOW - 60, _indextime=NOW - 7200, n="at -2h"),
                           event(NOW - 60, _indextime=NOW - 3600, n="at -1h")])
    assert [r["n"] for r in rows(indexed, "* | search _index_earliest=-2h _index_latest=-1h | table n")] == ["at -2h"]


@pytest.mark.assumed
def test_rex_group_that_takes_no_part_writes_no_field() -> None:
    """Assumed (the rex page does not say): an optional named group that did not take part in the match writes
    nothing, so the field keeps its old value (or stays absent) rather than becoming empty."""
    engine = make_engine([event(NOW - 1, s="y", a="old")])
    assert rows(engine, '* | rex field=s "(?<a>x)?(?<b>y)" | table a b') == [{"a": "old", "b": "y"}]


def test_dedup_consecutive_keeps_the_first_n_of_each_run() -> None:
    """dedup (https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.0.2503/search-commands/dedup)
    keeps the first N events of each value combination, and with consecutive=true removes only duplicates that
    follow each other: ``dedup 2 a consecutive=true`` keeps two events of each run of equal values."""
    engine = make_engine([event(NOW - i, a=a, n=str(i)) for i, a in enumerate("xxxyx", 1)])
    assert [r["n"] for r in rows(engine, "* | dedup 2 a consecutive=true | table n")] == ["1", "2", "4", "5"]


def test_streamstats_window_current_false_leaves_the_event_out() -> None:
    """streamstats page: "current: If true, the search includes the given, or current, event in the summary
    calculations. If false, the search uses the field value from the previous event." -- with ``window=`` too.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/streamstats"""
    engine = make_engine([event(NOW - i, b=str(i)) for i in (1, 2, 3, 4)])
    sums = rows(engine, "* | streamstats window=2 current=f sum(b) as s | table s")
    assert [r.get("s") for r in sums] == [None, 1, 3, 5]
