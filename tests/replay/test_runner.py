"""The test runner: expected_results, expected_rows, contentctl's pass rule, attack-data handling, errors."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from contentpack.content.model import Pack, Rba, RiskObject, ThreatObject
from contentpack.replay.runner import replay_pack
from contentpack.replay.runner import DetectionTestOutcome, select_detections
from contentpack.spl import engine as spl_engine

from . import factory as f

DECLINES = [f.sign_in("a@contoso.example", 65004, minute=1), f.sign_in("b@contoso.example", 65004, minute=2),
            f.sign_in("c@contoso.example", 0, minute=3), f.sign_in("d@contoso.example", 65001, minute=4)]


def _run(tmp_path: Path, *tests, **detection_options) -> list[DetectionTestOutcome]:
    pack = f.pack(tmp_path, f.detection(tests=tests, **detection_options))
    report = replay_pack(pack)
    assert not report.setup_errors
    return list(report.outcomes)


def _failed_with_no_results(pack: Pack) -> tuple[str, ...]:
    """The warnings of the pack's one test, which failed with no result."""
    [outcome] = replay_pack(pack).outcomes
    assert not outcome.ok and outcome.result_count == 0
    return outcome.warnings


def _check(outcome: DetectionTestOutcome, name: str):
    return next(c for c in outcome.checks if c.name == name)


def test_matching_expected_results_passes(tmp_path: Path) -> None:
    data = f.write_events(tmp_path, "declines", DECLINES)
    [outcome] = _run(tmp_path, f.unit_test(data, expected=2))
    assert outcome.ok and outcome.result_count == 2
    assert _check(outcome, "expected_results").ok
    assert outcome.risk_event_count == 2  # one per result: one risk object, single-valued


def test_expected_results_mismatch_is_reported(tmp_path: Path) -> None:
    data = f.write_events(tmp_path, "declines", DECLINES)
    [outcome] = _run(tmp_path, f.unit_test(data, expected=3))
    check = _check(outcome, "expected_results")
    assert not outcome.ok and not check.ok
    # the failure shows the rows that came back, not only the count (issue 12)
    assert check.detail.startswith("2 result(s), expected 3; rows: {")
    assert "user=" in check.detail and check.detail.count("{") == 2
    assert f"expected_results: {check.detail}" in outcome.failures


def test_more_results_than_expected_fail_too(tmp_path: Path) -> None:
    """expected_results is an exact count, not a floor: a detection that starts matching benign sign-ins
    returns more rows than its test expects and must fail."""
    data = f.write_events(tmp_path, "declines", DECLINES)
    [outcome] = _run(tmp_path, f.unit_test(data, expected=1))
    check = _check(outcome, "expected_results")
    assert not outcome.ok and not check.ok and check.detail.startswith("2 result(s), expected 1; rows: {")


def test_no_results_names_a_field_the_search_filters_on_that_no_event_has(tmp_path: Path) -> None:
    """A newcomer's typo (``properties.status.errorCod``) made a test fail with "0 result(s), expected 2" and no
    word of why; ``search`` said which field no event has, the replay did not. It says it now, as ``search``
    words it, beside the failure."""
    data = f.write_events(tmp_path, "declines", DECLINES)
    search = f.DECLINED_SEARCH.replace("properties.status.errorCode=65004", "properties.status.errorCod=65004")
    assert search != f.DECLINED_SEARCH
    [outcome] = _run(tmp_path, f.unit_test(data, expected=2), search=search)
    assert not outcome.ok and outcome.result_count == 0
    assert outcome.warnings == (
        "no results, and the search filters on 'properties.status.errorCod' (search), a field no event has in the "
        "test's data (did you mean 'properties.status.errorCode'?): a typo, or a search-time field no data source "
        "of the pack defines (data_sources/*.yml, search_time)",)


def test_the_no_results_field_hint_suggests_only_a_close_field(tmp_path: Path) -> None:
    """The replay's hint suggests as ``search``'s does (spl.hints.AbsentField.said): the field the events have
    with the closest name, as the search sees it after a ``rename``, and none for a name close to nothing."""
    data = f.write_events(tmp_path, "declines", DECLINES)

    def warned(old: str, new: str) -> str:
        search = f.DECLINED_SEARCH.replace(old, new)
        assert search != f.DECLINED_SEARCH
        [outcome] = _run(tmp_path, f.unit_test(data, expected=2), search=search)
        [warning] = outcome.warnings
        return warning

    far = warned("properties.status.errorCode=65004", "qqzx=65004")
    assert "filters on 'qqzx' (search), a field no event has in the test's data: a typo" in far
    renamed = warned("properties.status.errorCode=65004 | rename properties.* as * ",
                     "| rename properties.* as * | search status.errorCod=65004 ")
    assert "a field no event has in the test's data (nor properties.status.errorCod, which it would come from) " \
           "(did you mean 'status.errorCode'?): a typo" in renamed


def test_no_results_the_pack_s_filter_macro_dropped_names_the_macro(tmp_path: Path) -> None:
    """A newcomer tuned the detection's filter macro (macros/<stem>_filter.yml) with an allowlist holding the test's
    users: the test failed with "0 result(s), expected 2" and no word of the macro. The replay says how many rows
    the search returns with the macro as the build's own ``search *``, and which file defines it; nothing when the
    rows are missing for another reason, or when the test expects none."""
    from contentpack.content.model import Macro, SourceMap

    data = f.write_events(tmp_path, "declines", DECLINES)
    tuned = Macro("test_declined_filter", 'search NOT user IN ("a@contoso.example", "b@contoso.example")', "d",
                  source=SourceMap("macros/test_declined_filter.yml"))
    pack = f.pack(tmp_path, f.detection(tests=(f.unit_test(data, expected=2),)), extra_macros=(tuned,))
    assert _failed_with_no_results(pack) == (
        "no results, but 2 result(s) with the filter macro `test_declined_filter` as 'search *' (the build's "
        "default): its definition in macros/test_declined_filter.yml drops them; change the tuning or the test's "
        "data",)
    silent = f.pack(tmp_path, f.detection(tests=(f.unit_test(data, expected=0),)), extra_macros=(tuned,))
    assert [o.warnings for o in replay_pack(silent).outcomes] == [()]
    typo = f.DECLINED_SEARCH.replace("errorCode=65004", "errorCode=65005")
    other = f.pack(tmp_path, f.detection(search=typo, tests=(f.unit_test(data, expected=2),)), extra_macros=(tuned,))
    assert [o.warnings for o in replay_pack(other).outcomes] == [()]


def test_no_results_names_the_field_of_an_or_branch_no_event_has(tmp_path: Path) -> None:
    """``errorCod=65004 OR errorCode=1`` can pass without ``errorCod``, so it was never named, and the test failed
    with no word of why. As ``search`` does (``spl.hints._emptied_by``, the one rule), the replay names it when
    the filter kept no event and would keep one were that field's comparisons true, in a ``search`` and in a
    ``where``; not when its absence only lets events through (``NOT``)."""
    data = f.write_events(tmp_path, "declines", DECLINES)

    def warned(new: str) -> tuple[str, ...]:
        search = f.DECLINED_SEARCH.replace("properties.status.errorCode=65004", new)
        assert search != f.DECLINED_SEARCH
        [outcome] = _run(tmp_path, f.unit_test(data, expected=2), search=search)
        assert not outcome.ok and outcome.result_count == 0
        return outcome.warnings

    assert warned("(properties.status.errorCod=65004 OR properties.status.errorCode=1)") == (
        "no results, and the search filters on 'properties.status.errorCod' (search), a field no event has in the "
        "test's data (did you mean 'properties.status.errorCode'?): a typo, or a search-time field no data source "
        "of the pack defines (data_sources/*.yml, search_time)",)
    [where] = warned("| where 'properties.status.errorCod'=65004 OR 'properties.status.errorCode'=1")
    assert where.startswith("no results, and the search filters on 'properties.status.errorCod' (where), a field "
                            "no event has in the test's data (did you mean 'properties.status.errorCode'?)")
    assert warned("properties.status.errorCode=1 NOT properties.status.errorCod=65004") == ()


def test_no_field_hint_when_results_came_back_or_none_were_expected(tmp_path: Path) -> None:
    data = f.write_events(tmp_path, "declines", DECLINES)
    search = f.DECLINED_SEARCH.replace("properties.status.errorCode=65004", "properties.status.errorCod=65004")
    [must_miss] = _run(tmp_path, f.unit_test(data, name="Must Not Fire", expected=0), search=search)
    assert must_miss.ok and must_miss.warnings == ()
    [found] = _run(tmp_path / "found", f.unit_test(data, expected=3))
    assert not found.ok and found.warnings == ()


def test_a_must_miss_test_passes_with_no_results_and_skips_the_pass_rule(tmp_path: Path) -> None:
    data = f.write_events(tmp_path, "benign", [f.sign_in("c@contoso.example", 0), f.sign_in("d@contoso.example", 65001)])
    [outcome] = _run(tmp_path, f.unit_test(data, name="Must Not Fire", expected=0))
    assert outcome.ok and outcome.result_count == 0
    assert [c.name for c in outcome.checks] == ["expected_results"]


def test_expected_rows_each_must_match_a_row(tmp_path: Path) -> None:
    data = f.write_events(tmp_path, "declines", DECLINES)
    good = f.unit_test(data, expected=2, rows=[{"user": "a@contoso.example", "appId": "app-1"},
                                               {"user": "b@contoso.example", "src": "192.0.2.10"}])
    bad = f.unit_test(data, name="Wrong Row", expected=2, rows=[{"user": "c@contoso.example"}])
    first, second = _run(tmp_path, good, bad)
    assert first.ok and [c.ok for c in first.checks if c.name.startswith("expected_rows")] == [True, True]
    check = _check(second, "expected_rows[0]")
    assert not second.ok and not check.ok
    # what was missing, what the closest row has instead, then the rows that came back (issue 12)
    assert check.detail.startswith("no row has: user=c@contoso.example; closest row differs in user (expected "
                                   "'c@contoso.example', found 'a@contoso.example'); rows: {")
    assert "user=a@contoso.example" in check.detail and "user=b@contoso.example" in check.detail


def test_expected_rows_match_one_value_of_a_multivalue_field(tmp_path: Path) -> None:
    data = f.write_events(tmp_path, "declines", DECLINES)
    search = ('`azure_monitor_aad` properties.status.errorCode=65004 | rename properties.* as * '
              "| stats values(user) as user count by appId | `test_declined_filter`")
    test = f.unit_test(data, expected=1, rows=[{"user": "b@contoso.example", "count": "2"}])
    [outcome] = _run(tmp_path, test, search=search, drilldowns=())
    assert outcome.ok, outcome.failures


def test_contentctl_pass_rule_needs_results_when_no_count_is_expected(tmp_path: Path) -> None:
    """contentctl: PASS requires resultCount > 0 (escu_format.md §4)."""
    data = f.write_events(tmp_path, "benign", [f.sign_in("c@contoso.example", 0)])
    [outcome] = _run(tmp_path, f.unit_test(data, expected=None))
    check = _check(outcome, "contentctl_pass_rule")
    assert not outcome.ok and "resultCount > 0" in check.detail


def test_contentctl_pass_rule_risk_object_must_be_set_in_every_row(tmp_path: Path) -> None:
    """contentctl: every risk-object field present and not null in every result (escu_format.md §4)."""
    data = f.write_events(tmp_path, "declines", DECLINES)
    rba = Rba("m", (RiskObject("src_user", "user", 30),), ())
    search = ('`azure_monitor_aad` properties.status.errorCode=65004 | eval src_user=if(user="a@contoso.example", '
              "user, null()) | table user src_user | `test_declined_filter`")
    [outcome] = _run(tmp_path, f.unit_test(data, expected=2), search=search, rba=rba, drilldowns=())
    check = _check(outcome, "contentctl_pass_rule")
    assert not check.ok and check.detail == "risk object field 'src_user' is null in 1 of 2 result(s)"


def test_contentctl_pass_rule_treats_the_text_null_as_null(tmp_path: Path) -> None:
    data = f.write_events(tmp_path, "declines", DECLINES[:1])
    rba = Rba("m", (RiskObject("user", "user", 30),), ())
    search = '`azure_monitor_aad` properties.status.errorCode=65004 | eval user="null" | table user'
    [outcome] = _run(tmp_path, f.unit_test(data, expected=1), search=search, rba=rba, drilldowns=())
    assert not _check(outcome, "contentctl_pass_rule").ok


def test_contentctl_pass_rule_threat_object_needs_one_non_null_row(tmp_path: Path) -> None:
    """contentctl: every threat-object field non-null in at least one result (escu_format.md §4)."""
    data = f.write_events(tmp_path, "declines", DECLINES)
    search = ('`azure_monitor_aad` properties.status.errorCode=65004 | eval one_app=if(user="a@contoso.example", '
              "'properties.appId', null()) | table user one_app never")
    threats = (ThreatObject("one_app", "url"),)
    in_one = Rba("m", (RiskObject("user", "user", 30),), threats)
    in_none = Rba("m", (RiskObject("user", "user", 30),), (ThreatObject("never", "url"),))
    [passing] = _run(tmp_path, f.unit_test(data, expected=2), search=search, rba=in_one, drilldowns=())
    assert _check(passing, "contentctl_pass_rule").ok
    [failing] = _run(tmp_path, f.unit_test(data, expected=2), search=search, rba=in_none, drilldowns=())
    assert _check(failing, "contentctl_pass_rule").detail == "threat object field 'never' is null in every result"


def test_the_search_runs_over_all_time_and_now_follows_the_data(tmp_path: Path) -> None:
    """contentctl runs the test search with FORCE_ALL_TIME (escu_format.md §4): year-old data still matches,
    even with a search that carries the detection's scheduled window in its text."""
    data = f.write_events(tmp_path, "declines", DECLINES)
    [outcome] = _run(tmp_path, f.unit_test(data, expected=2))
    assert outcome.ok
    newest = dt.datetime(2026, 10, 13, 12, 4, tzinfo=dt.timezone.utc).timestamp()  # the newest event
    assert outcome.now == newest + 1
    report = replay_pack(f.pack(tmp_path, f.detection(tests=[f.unit_test(data, expected=2)])), now=2e9)
    assert report.outcomes[0].now == 2e9 and report.outcomes[0].result_count == 2


def test_attack_data_problems_are_positioned_errors(tmp_path: Path) -> None:
    outside = tmp_path.parent / "outside.log"
    outside.write_text("{}\n", encoding="utf-8")
    tests = [f.unit_test("attack_data/missing.log", name="Missing"),
             f.unit_test("https://media.example/attack.log", name="Remote"),
             f.unit_test("../outside.log", name="Escapes"),
             f.unit_test(str(outside), name="Absolute")]
    outcomes = _run(tmp_path, *tests)
    messages = [o.errors[0].render() for o in outcomes]
    assert all(not o.ok and o.result_count is None for o in outcomes)
    assert all(m.startswith("detections/Test Declined.yml:1:1: error[RP002]: ") for m in messages)
    # the path rules and wording of CP046 (content.attack_data_paths): one answer per path in both commands
    assert messages[0].endswith("RP002]: attack_data/missing.log: no such file or folder")
    assert "cannot be replayed offline" in messages[1]
    assert messages[2].endswith("'../outside.log' must be relative to the pack root and stay inside it")
    assert messages[3].endswith(f"'{outside}' must be relative to the pack root and stay inside it")


def test_malformed_attack_data_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "attack_data").mkdir()
    (tmp_path / "attack_data" / "bad.log").write_text('{"time": \n', encoding="utf-8")
    [outcome] = _run(tmp_path, f.unit_test("attack_data/bad.log"))
    assert not outcome.ok and "malformed JSON event" in outcome.errors[0].message


def test_attack_data_without_readable_times_is_an_error(tmp_path: Path) -> None:
    """An event whose time the engine cannot read would get the file's modification time, which every checkout
    sets anew: the test would pass or fail by when the file was written. The Entra admin center's download
    format ('10/21/2026 5:20:00 PM') and a record without a time are refused, saying what to write."""
    portal = [dict(event, time=f"10/13/2026 12:0{n}:00 PM") for n, event in enumerate(DECLINES)]
    timeless = [{k: v for k, v in event.items() if k != "time"} for event in DECLINES[:2]]
    tests = [f.unit_test(f.write_events(tmp_path, "portal", portal), name="Portal"),
             f.unit_test(f.write_events(tmp_path, "timeless", timeless), name="Timeless")]
    portal_outcome, timeless_outcome = _run(tmp_path, *tests)
    assert not portal_outcome.ok and portal_outcome.result_count is None
    assert tuple(problem.render() for problem in portal_outcome.errors) == (
        "detections/Test Declined.yml:1:1: error[RP002]: 4 event(s) had no readable time in field 'time' "
        "(unreadable time '10/13/2026 12:00:00 PM', the first): the replay would give them the file's modification "
        "time, which every checkout changes; write each event's time as ISO 8601 (2026-11-10T10:00:00Z, "
        "2026-11-10 10:00:00+01:00; UTC when it has no offset) or epoch seconds (1794304800)",)
    assert timeless_outcome.errors[0].render().endswith(
        "RP002]: 2 event(s) had no time in field 'time': the replay would give them the file's modification time, "
        "which every checkout changes; give each event a 'time' field")


def test_an_spl_error_is_reported_at_the_search_with_its_column(tmp_path: Path) -> None:
    """The detection has no file here (the factory builds the pack in memory), so the error is at the ``search``
    key with the column in the search text: the one place that can be given."""
    data = f.write_events(tmp_path, "declines", DECLINES)
    [outcome] = _run(tmp_path, f.unit_test(data), search="`azure_monitor_aad` | stats count by", drilldowns=())
    [problem] = outcome.errors
    assert problem.render().startswith("detections/Test Declined.yml:12:9: error[RP003]: search column ")
    assert not outcome.ok and outcome.result_count is None


def test_select_detections_reports_unknown_names(tmp_path: Path) -> None:
    pack = f.pack(tmp_path, f.detection("Test Declined"), f.detection("Other"))
    chosen, unknown = select_detections(pack, ["Other", "Nope"])
    assert [d.name for d in chosen] == ["Other"] and unknown == ["Nope"]
    assert [d.name for d in select_detections(pack)[0]] == ["Test Declined", "Other"]


def test_a_replay_parses_each_search_once_and_reads_each_lookup_once(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's engine is a fork of the replay's one engine: the pack's lookups are read once per replay, and a
    detection's search is parsed once for all its tests and their simulated runs, not once per test."""
    parsed: Counter[str] = Counter()
    read: Counter[str] = Counter()
    real_parse, real_read = spl_engine.parse, spl_engine.read_lookup_csv

    def parse(text: str, *args: Any) -> Any:
        parsed[text] += 1
        return real_parse(text, *args)

    def read_lookup_csv(name: str, *args: Any) -> Any:
        read[name] += 1
        return real_read(name, *args)

    monkeypatch.setattr(spl_engine, "parse", parse)
    monkeypatch.setattr(spl_engine, "read_lookup_csv", read_lookup_csv)
    data = f.write_events(tmp_path, "declines", DECLINES)
    pack = f.pack(tmp_path, f.detection(tests=[f.unit_test(data, expected=2),
                                               f.unit_test(data, name="Again", expected=2)]),
                  lookups=[f.lookup(tmp_path, "apps", ["appId", "publisher"], [["app-1", "Contoso"]])])
    report = replay_pack(pack)
    assert report.ok and len(report.outcomes) == 2
    assert parsed[f.DECLINED_SEARCH] == 1
    assert read["apps"] == 1


@pytest.mark.parametrize("fails", [False, True])
def test_tests_run_with_the_cycle_collector_paused_and_it_resumes_after(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        fails: bool) -> None:
    """A replay keeps every simulated run of a test alive until the test ends and makes few reference cycles,
    so the collector is paused while tests run (each collection would re-scan all those runs) and is back on
    when ``replay_pack`` returns, even when a test's run raises."""
    import gc

    from contentpack.replay import runner

    real = runner.run_test
    seen: list[bool] = []

    def watched(*args: Any) -> DetectionTestOutcome:
        seen.append(gc.isenabled())
        if fails:
            raise RuntimeError("boom")
        return real(*args)

    monkeypatch.setattr(runner, "run_test", watched)
    data = f.write_events(tmp_path, "declines", DECLINES)
    assert gc.isenabled()
    if fails:
        with pytest.raises(RuntimeError):
            _run(tmp_path, f.unit_test(data, expected=2))
    else:
        [outcome] = _run(tmp_path, f.unit_test(data, expected=2))
        assert outcome.ok
    assert seen == [False] and gc.isenabled()


def test_a_replay_leaves_no_reference_cycle(tmp_path: Path) -> None:
    """A replay runs with the collector paused, so anything one of its tests leaves in a reference cycle (a test's
    event index, its engine's lookup tables) stays in memory until the whole replay ends; a replay over large
    attack data would hold every test's events at once. A replay therefore makes none."""
    import gc

    data = f.write_events(tmp_path, "declines", DECLINES)
    # a base search the prefilter cannot judge once for all runs (a subsearch): the test's index serves as is
    search = f.DECLINED_SEARCH.replace("65004 ", "65004 [| makeresults | eval search=\"65004\" | fields search] ", 1)
    pack = f.pack(tmp_path, f.detection(search=search, tests=[f.unit_test(data, expected=2)]))
    gc.collect()
    gc.disable()
    try:
        report = replay_pack(pack)
        left = gc.collect()
    finally:
        gc.enable()
    assert report.ok and len(report.outcomes) == 1
    assert left == 0


def test_a_scheduled_runs_unclosed_quote_names_its_quotes_at_their_yaml_lines(tmp_path: Path) -> None:
    """The scheduled run's search error is placed as the replay's own (``placed_in_file``): an unclosed quote's
    message named the other two quotes by their column in the search text ("the quote at column 151"), beside a
    place given as the YAML's line and column."""
    from contentpack.content.validate import validate_pack
    from contentpack.replay.runner import placed_simulation_error
    from contentpack.simulate import index_events, simulate
    from pack_copies import DECLINED_FILE, pack_with_edit

    root = pack_with_edit(tmp_path, DECLINED_FILE, 'operationName="Sign-in activity" ',
                          'operationName="Sign-in activity ')
    pack = validate_pack(root).pack
    assert pack is not None
    [detection] = [d for d in pack.detections if d.source.path == DECLINED_FILE.as_posix()]
    [problem] = simulate(pack, index_events([], None), detections=[detection]).errors
    said = placed_simulation_error(root, detection, problem)
    lines = (root / DECLINED_FILE).read_text(encoding="utf-8").splitlines()
    search = next(number for number, line in enumerate(lines, 1) if '"Sign-in' in line)
    fillnull = next(number for number, line in enumerate(lines, 1) if 'fillnull value="unknown"' in line)
    closing = lines[fillnull - 1].index('"unknown') + 1
    end = next(number for number, line in enumerate(lines, 1) if number > search and line.endswith("_filter`'"))
    last = max(number for number in range(search, end + 1) if '"' in lines[number - 1])  # the search's last quote
    left_open = lines[last - 1].rindex('"') + 1  # the quotes after the opening pair up to it, which stays open
    opening = lines[search - 1].index('"Sign-in') + 1
    assert (said.rule, said.position.line, said.position.col) == ("RP003", search, opening)
    assert said.message.endswith(f"to the quote at line {fillnull} column {closing}, so the quote at line {last} "
                                 f"column {left_open} is never closed (is a quote missing here?)"), said.message


def test_no_results_names_an_index_the_search_asks_for_that_the_test_data_is_not_in(tmp_path: Path) -> None:
    """A new user set ``index=entra`` in the repository's macro, as the README once suggested: every test failed
    with "0 result(s), expected 2" and no word of the index, as the test's attack data is indexed in ``main``. The
    replay names both indexes and says where to set the index instead; a test whose data its ``custom_index`` puts
    in that index passes, with no such word."""
    from dataclasses import replace

    from contentpack.content.model import Macro

    data = f.write_events(tmp_path, "declines", DECLINES)
    pack = f.pack(tmp_path, f.detection(tests=(f.unit_test(data, expected=2),)))
    indexed = replace(pack, macros=(Macro("azure_monitor_aad", f"index=entra sourcetype={f.SOURCETYPE}", "d"),
                                    *pack.macros[1:]))
    assert _failed_with_no_results(indexed) == (
        "no results, and the search asks for index=entra, an index no event of the test's data is in (theirs: main): "
        "leave the repository's macros as shipped and set your index in Splunk (Settings > Advanced search > Search "
        "macros); a test's attack data is indexed in main, or in its attack_data entry's custom_index",)
    [test] = indexed.detections[0].tests
    in_entra = replace(test, attack_data=(replace(test.attack_data[0], custom_index="entra"),))
    [passed] = replay_pack(replace(indexed, detections=(replace(indexed.detections[0], tests=(in_entra,)),))).outcomes
    assert passed.ok and passed.warnings == ()
