"""The constructs Azure and consent detections use next (issue 14, deliver 4), each pinned to its page."""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.spl import Engine, SplUnsupportedError
from contentpack.spl.values import Event

from .spl_support import NOW, event, make_engine, rows


def test_eval_expressions_inside_stats_functions() -> None:
    """"Using an eval expression in a statistical or charting function is a shortcut for specifying an eval
    command that creates a field, followed by a stats command that references that field ... stats
    count(eval(status="404")) AS count_status BY sourcetype"
    (https://help.splunk.com/splunk-enterprise/search/spl2-search-reference/statistical-and-charting-functions/
    overview-of-spl2-stats-and-chart-functions). A true comparison counts, a false one does not."""
    engine = make_engine([event(NOW - 1, s=404, u="a"), event(NOW - 2, s=200, u="a"), event(NOW - 3, s=404, u="b")])
    result = rows(engine, '* | stats count(eval(s=404)) AS nf values(eval(if(s=404, u, null()))) AS who '
                          'dc(eval(lower(u))) AS users')
    assert result == [{"nf": 2, "who": ("a", "b"), "users": 2}]
    assert rows(engine, "* | eventstats count(eval(s=404)) AS nf by u | table u nf") == [
        {"u": "a", "nf": 1}, {"u": "a", "nf": 1}, {"u": "b", "nf": 1}]


def test_wildcard_fields_in_stats_functions() -> None:
    """``stats values(*) AS * by src_ip`` (ESCU baselines): the function applies to every field, the output
    wildcard takes the field's name (wildcard rules as for rename, S8)."""
    engine = make_engine([event(NOW - 1, ip="1", a="x", b=1), event(NOW - 2, ip="1", a="y"), event(NOW - 3, ip="2", b=2)])
    assert rows(engine, "* | fields ip a b | stats values(*) AS * by ip") == [
        {"ip": "1", "a": ("x", "y"), "b": 1}, {"ip": "2", "b": 2}]
    assert rows(engine, "* | fields ip a b | stats values(a*) by ip") == [{"ip": "1", "values(a)": ("x", "y")}, {"ip": "2"}]


def test_fromjson_expands_keys_with_prefix() -> None:
    """fromjson: "returns keys as fields and key values as field values"; prefix "Prepends a string to the
    fields that fromjson extracts" (https://help.splunk.com/splunk-cloud-platform/spl-search-reference/
    9.3.2408/search-commands/fromjson)."""
    engine = make_engine([event(NOW - 1, object='{"name": "Albert", "age": 63, "tags": ["a", "b"], "o": {"k": 1}}')])
    assert rows(engine, "* | fromjson object | table name age tags o") == [
        {"name": "Albert", "age": 63, "tags": ("a", "b"), "o": '{"k":1}'}]
    assert rows(engine, "* | fromjson object prefix=json_ | table json_name") == [{"json_name": "Albert"}]


def test_json_array_to_mv() -> None:
    """json_array_to_mv: "Maps the elements of a JSON array to a multivalue field"
    (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/json-functions)."""
    engine = make_engine([event(NOW - 1, j='["a", "b", 3]')])
    assert rows(engine, "* | eval m=json_array_to_mv(j), q=json_array_to_mv(j, true()) | table m q") == [
        {"m": ("a", "b", 3), "q": ('"a"', '"b"', 3)}]


def test_replace_command() -> None:
    """replace: "Replaces field values in your search results with the values that you specify"; wildcards
    carry over (`replace *localhost WITH localhost IN host`)
    (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/replace)."""
    engine = make_engine([event(NOW - 1, op="patch", src="::ffff:10.1.2.3"), event(NOW - 2, op="create", src="1.2.3.4")])
    assert rows(engine, '* | replace "patch" with "updated", "create" with "created" in op | table op') == [
        {"op": "updated"}, {"op": "created"}]
    assert rows(engine, '* | replace "::ffff:*" with * in src | table src') == [{"src": "10.1.2.3"}, {"src": "1.2.3.4"}]


def test_rare_and_top() -> None:
    """rare "Displays the least common values of a field"; top the most common; count and percent columns,
    limit default 10 (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/rare,
    …/top)."""
    engine = make_engine([event(NOW - i, cam=c) for i, c in enumerate("aaabbc")])
    assert rows(engine, "* | rare cam") == [{"cam": "c", "count": 1, "percent": pytest.approx(16.666667)},
                                            {"cam": "b", "count": 2, "percent": pytest.approx(33.333333)},
                                            {"cam": "a", "count": 3, "percent": 50.0}]
    assert rows(engine, "* | top limit=1 cam showperc=f") == [{"cam": "a", "count": 3}]


def test_xmlkv() -> None:
    """xmlkv extracts key-value pairs from XML-formatted text
    (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/xmlkv)."""
    xml = "<Task><Actions><Exec><Command>cmd.exe</Command><Arguments>/c whoami</Arguments></Exec></Actions></Task>"
    engine = make_engine([event(NOW - 1, TaskContent=xml)])
    assert rows(engine, "* | xmlkv TaskContent | table Command Arguments Exec") == [
        {"Command": "cmd.exe", "Arguments": "/c whoami"}]


def test_join_inner_left_and_max() -> None:
    """join: type "Default: inner"; max "Specifies the maximum number of subsearch results that each main
    search result can join with. If set to max=0, there is no limit. Default: 1"; overwrite "Default: true"
    (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/join)."""
    engine = make_engine([event(NOW - 1, u="a", x=1), event(NOW - 2, u="b", x=2)])
    sub = '[| makeresults count=3 | streamstats count | eval u=if(count<3, "a", "z"), x=count*10 | table u x]'
    assert rows(engine, f"* | join u {sub} | table u x") == [{"u": "a", "x": 10}]
    assert rows(engine, f"* | join type=left u {sub} | table u x") == [{"u": "a", "x": 10}, {"u": "b", "x": 2}]
    assert rows(engine, f"* | join max=0 u {sub} | table u x") == [{"u": "a", "x": 10}, {"u": "a", "x": 20}]
    assert rows(engine, f"* | join overwrite=false u {sub} | table u x") == [{"u": "a", "x": 1}]


@pytest.mark.assumed
def test_join_usetime_overwrite_takes_the_subsearch_time() -> None:
    """join (10.0, https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/join):
    overwrite "If fields in the main search results and subsearch results have the same name, indicates whether
    fields from the subsearch results overwrite the fields from the main search results ... Default: true";
    usetime "to limit the matches in the subsearch results" says nothing of which ``_time`` the joined result
    carries. assumed: ``_time`` is such a field (the page exempts none), so with usetime=true and the default
    overwrite the result carries the matched subsearch result's time; overwrite=false keeps the main one's."""
    engine = make_engine([event(100.0, u="a")])
    sub = '[| makeresults | eval u="a", _time=90.5]'
    assert rows(engine, f"* | join usetime=true u {sub} | table _time u") == [{"_time": 90.5, "u": "a"}]
    assert rows(engine, f"* | join usetime=true overwrite=false u {sub} | table _time u") == [
        {"_time": 100.0, "u": "a"}]


def test_transaction_maxspan_startswith_endswith() -> None:
    """transaction: "maxspan: Specifies the maximum length of time ... that the events can span";
    startswith/endswith open and close a transaction; keepevicted false drops unclosed ones; results carry
    duration and eventcount (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/
    search-commands/transaction)."""
    base = NOW - 1000
    events: list[Event] = [event(base + t, user=u, EventCode=c) for t, u, c in
                           [(0, "a", 1), (10, "a", 2), (500, "a", 3), (20, "b", 4781), (30, "b", 1), (40, "b", 4768)]]
    engine = make_engine(events)
    spans = rows(engine, "* | transaction user maxspan=60s | table user eventcount duration")
    assert spans == [{"user": "a", "eventcount": 1, "duration": 0}, {"user": "b", "eventcount": 3, "duration": 20},
                     {"user": "a", "eventcount": 2, "duration": 10}]
    ends = rows(engine, "* | transaction user startswith=(EventCode=4781) endswith=(EventCode=4768) "
                        "| table user eventcount EventCode")
    assert ends == [{"user": "b", "eventcount": 3, "EventCode": (1, 4768, 4781)}]  # "ordered alphabetically"


def test_appendpipe_runs_over_the_current_results() -> None:
    """appendpipe: "Appends the result of the subpipeline to the search results"
    (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/appendpipe)."""
    engine = make_engine([event(NOW - 1, u="a"), event(NOW - 2, u="b"), event(NOW - 3, u="a")])
    assert rows(engine, '* | stats count by u | appendpipe [stats sum(count) AS count | eval u="TOTAL"]') == [
        {"u": "a", "count": 2}, {"u": "b", "count": 1}, {"count": 3, "u": "TOTAL"}]


def test_appendpipe_runs_over_the_results_as_they_reach_it() -> None:
    """The subpipeline runs over "the current results" (appendpipe page, above): the results as they reach
    appendpipe, not as the commands after it change them. The engine ran it over the rows after a later eval had
    changed them: ``eval n=n+10`` reached the subpipeline's input, and the appended row read n=21, m=11."""
    engine = make_engine([event(NOW - 1, u="a")])
    assert rows(engine, "* | head 1 | eval n=1 | appendpipe [eval m=n] | eval n=n+10 | table n m") == [
        {"n": 11}, {"n": 11, "m": 1}]


def test_iplocation_uses_a_registered_geoip_table_or_is_refused(tmp_path: Path) -> None:
    """iplocation "Extracts location information from IP addresses by using 3rd-party databases"; by default
    City, Country, Region, lat, lon; prefix prepends to the names
    (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/iplocation). Without
    a database the engine refuses by name rather than return events without locations."""
    engine = make_engine([event(NOW - 1, src="8.8.8.8"), event(NOW - 2, src="10.0.0.1"), event(NOW - 3, src="x")])
    with pytest.raises(SplUnsupportedError, match="iplocation needs a GeoIP table") as caught:
        rows(engine, "* | iplocation prefix=src_ src")
    assert (caught.value.command, caught.value.column) == ("iplocation", 5)
    # the message reaches replay and backtest users too, who have no --geoip: it says so (it named only
    # "Engine.register_geoip / --geoip CSV", an option only search has)
    assert "contentpack search reads one with --geoip CSV" in caught.value.message
    assert "replay and backtest run without one" in caught.value.message
    table = tmp_path / "geo.csv"
    table.write_text("network,City,Country,Region,lat,lon,Timezone\n8.0.0.0/8,Somewhere,US,CA,1,2,PST\n"
                     "8.8.8.0/24,Mountain View,United States,California,37.4,-122.1,PST\n", encoding="utf-8")
    engine.register_geoip(table)
    assert rows(engine, "* | iplocation prefix=src_ src | table src_City src_Country src_lat src_Timezone") == [
        {"src_City": "Mountain View", "src_Country": "United States", "src_lat": "37.4"}, {}, {}]
    assert rows(engine, "* | iplocation allfields=true src | head 1 | table Timezone") == [{"Timezone": "PST"}]


def test_lookup_update_is_accepted(tmp_path: Path) -> None:
    """lookup ``update`` only affects real-time searches ("If set to true, the lookup is updated ... for
    real-time searches", lookup page): a historical search gives the same answer."""
    table = tmp_path / "t.csv"
    table.write_text("k,v\na,1\n", encoding="utf-8")
    engine: Engine = make_engine([event(NOW - 1, k="a")])
    engine.register_lookup("t", table)
    assert rows(engine, "* | lookup update=true t k OUTPUT v | table v") == [{"v": "1"}]
