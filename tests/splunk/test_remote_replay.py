"""`contentpack replay --splunk` against the splunkd test double (a protocol-level double, not Splunk): the same
verdicts as the local replay, --compare, HEC disabled, a failing search, a server that stops answering."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from contentpack.content.diagnostics import Position
from contentpack.content.model import Detection, Drilldown, Pack, UnitTest
from contentpack.content.validate import validate_pack
from contentpack.replay.engine_setup import build_engine
from contentpack.replay.runner import replay_pack
from contentpack.spl import Engine, MacroDef
from contentpack.spl.commands import search as search_command
from contentpack.splunk.ingest import Ingestor
from contentpack.splunk.remote_replay import RemoteOptions, RemoteReplay, needs_risk_index
from pack_copies import CUT_MESSAGE, pack_copy, pack_with_cut_subsearch
from real_pack_runs import all_time_replay

from .helpers import FAST, ROOT, Run, cli, connection, token_env
from .splunkd_double import SplunkdDouble

TEST_INDEX = "contentpack_replay"
DECLINED = "Entra ID User Declined OAuth Application Consent"
SPIKE = "Entra ID OAuth Consent Declined by Many Users"


def replay(capsys: pytest.CaptureFixture[str], double: SplunkdDouble, *extra: str,
           detections: Sequence[str] = ()) -> Run:
    args = ["replay", "--root", str(ROOT), "--splunk", double.url, "--ca-file", str(double.ca_file),
            "--hec-url", double.url, "--wait", "3", "--format", "json", *FAST, *extra]
    for name in detections:
        args += ["--detection", name]
    return cli(capsys, args)


def ready(double: SplunkdDouble, risk: bool = True) -> None:
    double.state.indexes |= {TEST_INDEX, "risk"}
    if risk:
        double.state.risk_index = "risk"


def verdicts(run: Run) -> dict[tuple[str, str], tuple[bool, int | None]]:
    data = json.loads(run.out)
    return {(t["detection"], t["test"]): (t["ok"], t["result_count"]) for t in data["tests"]}


@pytest.mark.slow
def test_every_test_gets_the_local_verdict_and_the_engines_agree(
        double: SplunkdDouble, real_pack: Pack, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Acceptance: every detection test of the pack, replayed through HEC on the double with --compare, gets the
    verdict and the result count the local replay gives; the test events are gone afterwards.

    The Correlation tests read risk events written as key="value" text with sourcetype stash, which the double
    extracts the way Splunk's automatic key/value extraction does (assumed for ES's stash handling: no page we
    found states how the Risk data model reads such events). The oneshot job gets earliest_time, latest_time,
    now and count=0 (REST API reference, Search endpoint descriptions, search/jobs parameters)."""
    token_env(monkeypatch, double)
    ready(double)
    run = replay(capsys, double, "--risk-index", "risk", "--compare")
    assert run.code == 0, run.err + run.out
    local = all_time_replay()  # replay_pack(real_pack, all_time=True): the remote replay runs the all-time checks
    expected = {(o.detection, o.test): (o.ok, o.result_count) for o in local.outcomes}
    assert verdicts(run) == expected and len(expected) == sum(len(d.tests) for d in real_pack.detections)
    data = json.loads(run.out)
    assert data["splunk"]["sent_with"] == "HEC"
    assert all(any(c["name"] == "compare_embedded_engine" and c["ok"] for c in t["checks"]) for t in data["tests"])
    assert double.state.batches == [] and double.state.events == []  # every test's events were deleted
    assert any(path.endswith("/collector/raw") for _, path in double.state.requests)


def plant_spike_threshold(double: SplunkdDouble, pack: Pack) -> None:
    """The double's "Splunk" gets a spike threshold of 1000, not the pack's: the spike detection finds nothing."""
    def tampered() -> Engine:
        engine = build_engine(pack)
        engine.macros["entra_id_consent_denial_spike_threshold"] = MacroDef(
            "entra_id_consent_denial_spike_threshold", (), "1000")
        return engine

    double.knowledge = tampered


def test_compare_reports_a_planted_disagreement(double: SplunkdDouble, real_pack: Pack,
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The double's "Splunk" has a different spike threshold than the pack: both result sets are printed."""
    plant_spike_threshold(double, real_pack)
    token_env(monkeypatch, double)
    ready(double)
    run = replay(capsys, double, "--risk-index", "risk", "--compare", detections=[SPIKE])
    assert run.code == 1
    tests = json.loads(run.out)["tests"]
    compare = [c for t in tests for c in t["checks"] if c["name"] == "compare_embedded_engine" and not c["ok"]]
    positive = [t for t in _detection(real_pack, SPIKE).tests if t.expected_results]
    assert len(compare) == len(positive) >= 1  # the tests that expect rows; the must-miss tests agree on 0 rows
    detail = compare[0]["detail"]
    assert "Splunk: 0 row(s)" in detail and "embedded engine: 1 row(s)" in detail and "appDisplayName=" in detail


def test_the_double_builds_its_knowledge_once_while_the_events_change(
        double: SplunkdDouble, real_pack: Pack, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The double forks each search engine from one engine holding the pack's knowledge, so its parse, compile and
    scan memos outlive a change of the stored events (a rebuild per change cost the acceptance replay seconds)."""
    built: list[Engine] = []

    def counted() -> Engine:
        built.append(build_engine(real_pack))
        return built[-1]

    double.knowledge = counted
    token_env(monkeypatch, double)
    ready(double)
    run = replay(capsys, double, "--risk-index", "risk", detections=[DECLINED])
    assert run.code == 0, run.err
    assert double.version > 2 and len(built) == 1  # events were sent and deleted for each test


def test_without_a_hec_token_events_go_through_receivers_simple(double: SplunkdDouble,
                                                                capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    token_env(monkeypatch, double, hec=False)
    ready(double)
    run = replay(capsys, double, "--risk-index", "risk", detections=[DECLINED])
    assert run.code == 0, run.err
    assert json.loads(run.out)["splunk"]["sent_with"] == "receivers/simple"
    assert not any(path.endswith("/collector/raw") for _, path in double.state.requests)


def test_hec_disabled_falls_back_to_receivers_simple(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """HEC answers 403 {"text": "Token disabled", "code": 1} (Splunk Getting Data In, "Troubleshoot HTTP Event
    Collector", error-code table)."""
    token_env(monkeypatch, double)
    ready(double)
    double.state.hec_mode = "token-disabled"
    run = replay(capsys, double, "--risk-index", "risk", detections=[DECLINED])
    assert run.code == 0, run.err
    assert "HEC is not available" in run.err and "Token disabled" in run.err
    assert json.loads(run.out)["splunk"]["sent_with"] == "receivers/simple"


def test_a_failing_search_fails_its_test_and_the_replay_goes_on(double: SplunkdDouble,
                                                                capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    token_env(monkeypatch, double)
    ready(double)
    double.state.fail_search = "entra_id_user_declined_oauth_application_consent_filter"  # only that detection
    run = replay(capsys, double, "--risk-index", "risk", detections=[DECLINED, SPIKE])
    assert run.code == 1
    tests = json.loads(run.out)["tests"]
    failed = [t for t in tests if not t["ok"]]
    assert failed and {t["detection"] for t in failed} == {DECLINED}
    assert all("Error in 'search' command" in t["errors"][0] for t in failed)
    assert all(t["ok"] for t in tests if t["detection"] == SPIKE)
    assert double.state.batches == []  # cleaned up after the failing tests too


@pytest.mark.slow
def test_a_server_that_stops_answering_mid_replay_stops_the_run(double: SplunkdDouble,
                                                                capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    token_env(monkeypatch, double)
    ready(double)
    # server info, the index checks, the searches for earlier runs' events, the first test's events, then silence
    double.state.answer_budget = 8
    run = replay(capsys, double, "--risk-index", "risk", detections=[DECLINED])
    assert run.code == 2
    assert "contentpack replay: error: stopped:" in run.err and "cannot reach" in run.err
    assert "Traceback" not in run.err
    assert "test events may remain" in run.err
    data = json.loads(run.out)
    assert data["splunk"]["aborted"] and data["ok"] is False


def test_a_missing_test_index_is_a_clear_error(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    token_env(monkeypatch, double)
    run = replay(capsys, double, detections=[DECLINED])
    assert run.code == 2 and "index 'contentpack_replay' does not exist" in run.err


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_missing_index_is_told_once_with_no_empty_report(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    """A missing --index (or --risk-index) is a set-up problem, as a refused login is: one usage error, before any
    test. It used to stop the run as if the server had been lost: the message printed twice (in the report and as
    the error) under a report of nothing, `FAIL: 0 test(s), 0 passed, 0 failed`."""
    token_env(monkeypatch, double)
    double.state.indexes |= {TEST_INDEX}
    args = ["replay", "--root", str(ROOT), "--splunk", double.url, "--ca-file", str(double.ca_file), "--format", fmt,
            *FAST, "--risk-index", "risk", "--detection", DECLINED]
    run = cli(capsys, args)
    assert run.code == 2
    assert run.out == ""
    assert run.err.count("does not exist") == 1
    assert "contentpack replay: error: index 'risk' does not exist on" in run.err


def test_a_refused_index_look_up_is_a_warning_and_the_replay_runs(
        double: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The check backtest --splunk shares (``ingest.check_index_exists``): a 403 on ``data/indexes/<name>``
    proves nothing about the index, so the replay warns that it could not check and runs."""
    token_env(monkeypatch, double)
    ready(double, risk=False)
    double.state.forbidden.add(f"data/indexes/{TEST_INDEX}")
    run = replay(capsys, double, detections=[DECLINED])
    assert run.code == 0, run.err
    assert (f"contentpack replay: warning: cannot check that index {TEST_INDEX!r} exists (could not look up "
            f"index {TEST_INDEX!r}: permission denied (HTTP 403)") in run.err


def test_without_a_risk_index_correlation_tests_are_not_run_and_the_rest_are(
        double: SplunkdDouble, real_pack: Pack, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """README's set-up recipe runs the whole pack on Splunk without --risk-index (risk events in a production risk
    index raise real notables). The tests that read risk events (risk_from) cannot run there: they are left out
    and named (how many, the first and its ``tests[i]`` place, in the notice and under JSON's ``not_run``), the
    others run and decide the exit status, as risk drilldowns are reported as not run."""
    token_env(monkeypatch, double)
    ready(double, risk=False)
    correlation = _detection(real_pack, "Entra ID OAuth Consent Abuse Risk Across Detections")
    declined = _detection(real_pack, DECLINED)
    run = replay(capsys, double, detections=[DECLINED, correlation.name])
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert {t["detection"] for t in data["tests"]} == {DECLINED} and len(data["tests"]) == len(declined.tests)
    not_run = data["splunk"]["not_run"]
    assert [(t["detection"], t["test"]) for t in not_run] == [(correlation.name, t.name) for t in correlation.tests]
    first = correlation.source.at("tests", 0)
    assert not_run[0]["position"] == {"path": first.path, "line": first.line, "col": first.col}
    assert (f"contentpack replay: {len(correlation.tests)} test(s) read risk events (risk_from) and were not run, "
            f"the first {correlation.name} / {correlation.tests[0].name} at {first.path}:{first.line}:{first.col}: "
            "give --risk-index NAME") in " ".join(run.err.split()), run.err


def test_a_selection_of_correlation_tests_alone_needs_a_risk_index(
        double: SplunkdDouble, real_pack: Pack, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With nothing else to run, the missing option is a usage error (exit 2, the shared wording), told once
    logged in, before anything is searched or sent."""
    token_env(monkeypatch, double)
    ready(double, risk=False)
    correlation = _detection(real_pack, "Entra ID OAuth Consent Abuse Risk Across Detections")
    run = replay(capsys, double, detections=[correlation.name])
    assert (run.code, run.out) == (2, "")
    assert run.err.startswith(f"contentpack replay: error: {len(correlation.tests)} test(s) read risk events "
                              f"(risk_from) and were not run, the first {correlation.name} / "
                              f"{correlation.tests[0].name} at detections/cloud/"), run.err
    assert double.state.batches == [] and [path for _, path in double.state.requests] == ["/services/server/info"]


def _at(pack: Pack, name: str, *node: str | int) -> Position:
    """Where ``node`` of the pack's detection ``name`` stands in its YAML, as the replay places it (read from the
    source map, so a test added above it does not move the expectation)."""
    detection = next(d for d in pack.detections if d.name == name)
    return detection.source.at(*node)

def test_a_failed_test_on_splunk_is_placed_in_its_yaml_as_locally(
        double: SplunkdDouble, real_pack: Pack, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The remote replay's failures carry the local replay's positions: a search Splunk refuses is RP003 at the
    detection's ``search`` (``path:line:col: error[RP003]: ...``, as validate prints a finding), a failed check
    is at the key of the expectation it checks (``expected_results``), a check no key writes (``--compare``'s) at
    its test's ``tests[i]`` entry, in text and JSON (the check's ``position``); the test at its entry in JSON
    (``position``) and JUnit (the case's ``line``)."""
    plant_spike_threshold(double, real_pack)  # --compare fails SPIKE's tests that expect rows
    token_env(monkeypatch, double)
    ready(double)
    double.state.fail_search = "entra_id_user_declined_oauth_application_consent_filter"
    junit = tmp_path / "replay.xml"
    run = replay(capsys, double, "--risk-index", "risk", "--compare", "--format", "table", "--junit", str(junit),
                 detections=[DECLINED, SPIKE])
    assert run.code == 1, run.err
    declined_search = _at(real_pack, DECLINED, "search")
    declined, spike_test = declined_search.path, _at(real_pack, SPIKE, "tests", 0)
    spike, line = spike_test.path, spike_test.line
    assert [line for line in run.out.splitlines() if f": {DECLINED} / True Positive Test: " in line] == [
        f"{declined_search}: {DECLINED} / True Positive Test: error[RP003]: could not run the search of "
        f"{DECLINED!r}: HTTP 400 Bad Request -- Error in 'search' command: planted failure "
        "(entra_id_user_declined_oauth_application_consent_filter)"]
    failed = [line for line in run.out.splitlines() if f"{SPIKE} / True Positive Test: " in line]
    source = next(d for d in real_pack.detections if d.name == SPIKE).source
    counted, row = source.key("tests", 0, "expected_results"), source.key("tests", 0, "expected_rows", 0)
    assert spike_test.line < counted.line < row.line
    assert failed[0] == f"{counted}: {SPIKE} / True Positive Test: expected_results: 0 result(s), expected 1"
    assert [line.split(": ")[2] for line in failed] == ["expected_results", "expected_rows[0]", "contentctl_pass_rule",
                                                        "compare_embedded_engine"]
    assert [line.split(f": {SPIKE}")[0] for line in failed] == [str(counted), str(row), str(spike_test),
                                                                 str(spike_test)]  # each at its place, as locally
    xml = junit.read_text(encoding="utf-8")
    assert f'name="True Positive Test" time="' in xml and f'file="{spike}" line="{line}">' in xml
    assert f'file="{declined}" line="{_at(real_pack, DECLINED, "tests", 0).line}">' in xml
    double.state.fail_search = None
    run = replay(capsys, double, "--risk-index", "risk", "--compare", detections=[SPIKE])
    tests = json.loads(run.out)["tests"]
    assert [t["position"] for t in tests[:2]] == [
        {"path": spike, "line": at.line, "col": at.col} for at in (spike_test, _at(real_pack, SPIKE, "tests", 1))]
    assert next(c for c in tests[0]["checks"] if c["name"] == "expected_results")["position"] == {
        "path": spike, "line": counted.line, "col": counted.col}


def test_attack_data_that_cannot_be_sent_is_rp002_at_its_entry(double: SplunkdDouble, real_pack: Pack,
                                                               tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A JSON-array file (the local replay reads one; HEC's raw endpoint takes lines) is RP002 at the test's
    ``attack_data`` entry, as the local replay places a file it cannot read, and nothing is sent."""
    root = pack_copy(tmp_path)
    data = root / "attack_data" / "single_user_declines" / "single_user_declines.log"
    data.write_text("[" + ",".join(data.read_text(encoding="utf-8").splitlines()) + "]\n", encoding="utf-8")
    token_env(monkeypatch, double)
    ready(double)
    run = cli(capsys, ["replay", "--root", str(root), "--splunk", double.url, "--ca-file", str(double.ca_file),
                       "--hec-url", double.url, "--wait", "3", "--format", "json", *FAST, "--detection", DECLINED])
    first = json.loads(run.out)["tests"][0]
    entry = _at(real_pack, DECLINED, "tests", 0, "attack_data", 0, "data")  # the copy's lines are the pack's
    assert first["errors"] == [f"{entry}: error[RP002]: a JSON-array file cannot be sent as raw events; use JSON lines"]
    assert run.code == 1 and double.state.batches == []


@pytest.mark.parametrize("risk_index", ["risk", None])
def test_a_risk_from_naming_no_detection_is_rp004_at_its_entry_on_splunk_too(
        double: SplunkdDouble, real_pack: Pack, risk_index: str | None) -> None:
    """validate refuses such a pack (CP048); the remote replay, given one anyway, says so as the local replay does
    (``runner.risk_sources``): RP004 at the ``risk_from`` entry, before anything is sent. Without a risk index too:
    such a test was left out as one "reading risk events", silently, though it is broken whatever the options."""
    from contentpack.splunk.remote_replay import tests_needing_risk  # (a test_ name: not imported at the top)

    broken, test = _broken_correlation(real_pack)
    ready(double)
    [outcome] = _remote(double, real_pack, risk_index).run([broken]).report.outcomes
    at = broken.source.at("tests", 0, "risk_from", len(test.risk_from) - 1)
    assert [problem.render() for problem in outcome.errors] == [
        f"{at}: error[RP004]: risk_from names no detection of the pack: 'Nowhere'"]
    assert at.line > broken.source.at("tests", 0).line and double.state.batches == []
    assert tests_needing_risk(real_pack, risk_index, [broken]) == ([], None)  # the command's notice agrees


def test_run_test_refuses_a_test_that_needs_a_risk_index_without_one(double: SplunkdDouble,
                                                                     real_pack: Pack) -> None:
    """``run`` leaves out the tests that read risk events when there is no risk index (``needs_risk_index``, as
    ``tests_needing_risk`` reports them); ``run_test``, given one directly, refuses it instead of failing it for
    want of the risk events it would never find -- before anything is sent."""
    correlation = _detection(real_pack, CORRELATION)
    by_name = {d.name: d for d in real_pack.detections}
    assert needs_risk_index(by_name, None, correlation, 0, correlation.tests[0])
    assert not needs_risk_index(by_name, "risk", correlation, 0, correlation.tests[0])
    ready(double)
    remote = _remote(double, real_pack, None)
    with pytest.raises(ValueError, match=f"{CORRELATION} / .* reads risk events .* without a risk index"):
        remote.run_test(correlation, 0, correlation.tests[0], 1)
    assert double.state.batches == [] and not any("search" in path for _, path in double.state.requests)


def _broken_correlation(pack: Pack) -> tuple[Detection, UnitTest]:
    """The Correlation detection with one test, whose ``risk_from`` also names a detection the pack lacks."""
    correlation = _detection(pack, CORRELATION)
    test = replace(correlation.tests[0], risk_from=(*correlation.tests[0].risk_from, "Nowhere"))
    return replace(correlation, tests=(test,)), test


def _remote(double: SplunkdDouble, pack: Pack, risk_index: str | None) -> RemoteReplay:
    splunk = connection(double)
    return RemoteReplay(pack, splunk, Ingestor(splunk, splunk.hec(double.url), print),
                        RemoteOptions(TEST_INDEX, risk_index, False), print)


def _detection(pack: Pack, name: str) -> Detection:
    [found] = [d for d in pack.detections if d.name == name]
    return found


def test_without_a_risk_index_risk_drilldowns_are_reported_as_not_run(
        double: SplunkdDouble, real_pack: Pack, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    token_env(monkeypatch, double)
    ready(double, risk=False)
    run = replay(capsys, double, detections=[DECLINED])
    assert run.code == 0, run.out
    tests = json.loads(run.out)["tests"]
    first = tests[0]["checks"]
    drilldowns = _detection(real_pack, DECLINED).drilldown_searches
    assert "Risk.All_Risk" in drilldowns[-1].search  # the risk drilldown is the last one
    assert [c["name"] for c in first if c["name"].startswith("drilldown")] == [
        f"drilldown[{i}]" for i in range(len(drilldowns))]
    assert "row(s) drilled down" in first[-2]["detail"] and "not run on Splunk" in first[-1]["detail"]
    assert "drilldown check(s) read the Risk data model and were not run" in run.err


@pytest.mark.parametrize("risk_index", [True, False])
def test_the_drilldowns_lineage_check_is_said_not_run_on_splunk(
        double: SplunkdDouble, real_pack: Pack, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, risk_index: bool) -> None:
    """The events behind a row, and the risk events, are found by running the search again without each event,
    which on Splunk would mean deleting it and sending it again: not run there, and each events and risk drilldown's
    check, and the command, say so (they passed on having returned some row, as if nothing were behind it)."""
    token_env(monkeypatch, double)
    ready(double, risk=risk_index)
    run = replay(capsys, double, *(["--risk-index", "risk"] if risk_index else []), detections=[DECLINED])
    assert run.code == 0, run.err + run.out
    tests = json.loads(run.out)["tests"]
    drilled = [t for t in tests if t["result_count"]]
    assert drilled, "no test of the detection drilled down"
    for test in drilled:
        events, results, risk = (c["detail"] for c in test["checks"] if c["name"].startswith("drilldown"))
        assert events.endswith("row(s) drilled down; the events behind each row not checked: not run on Splunk (it "
                               "runs the search again without each event, which there means deleting and sending it "
                               "again); the local replay runs it"), events
        assert results.endswith("row(s) drilled down"), results
        not_run = "not run on Splunk: it reads the Risk data model and no --risk-index was given"
        assert risk == (events.replace("the events behind", "the risk events behind") if risk_index
                        else not_run), risk
    counted = len(drilled) * (2 if risk_index else 1)
    assert (f"contentpack replay: {counted} events or risk drilldown check(s) ran without the lineage check (an "
            "events drilldown returns every event behind its row, the risk drilldowns every risk event): it is not "
            "run on Splunk; the local replay (without --splunk) runs it") in " ".join(run.err.split()), run.err


def test_reads_risk_recognises_the_risk_data_model() -> None:
    from contentpack.splunk.remote_replay import reads_risk

    assert reads_risk("| from datamodel Risk.All_Risk | stats count")
    assert reads_risk("| tstats count from datamodel=Risk.All_Risk")
    assert not reads_risk("`azure_monitor_aad` | search user=x")


def test_every_risk_drilldown_of_the_lineage_check_needs_the_risk_index(real_pack: Pack) -> None:
    """``reads_risk`` (can a drilldown run on Splunk without ``--risk-index``) is wider than the local replay's
    ``reads_risk_index`` (are its results risk events), on purpose; a risk drilldown it missed would run there with
    no risk events to read and fail. Each form the engine reads, and each of the pack's risk drilldowns."""
    from contentpack.replay.drilldowns import reads_risk_index
    from contentpack.splunk.remote_replay import reads_risk

    forms = ["| from datamodel Risk.All_Risk | search risk_object=x", "| FROM DATAMODEL Risk.All_Risk",
             '|from datamodel:"Risk.All_Risk"', "  | from  datamodel\tRisk.All_Risk | stats count"]
    drilldowns = [Drilldown("risk events", form, None, None) for form in forms]
    drilldowns += [d for detection in real_pack.detections for d in detection.drilldown_searches]
    risk = [d for d in drilldowns if reads_risk_index(d)]
    assert len(risk) > len(forms)  # the pack has risk drilldowns of its own
    assert [d.search for d in risk if not reads_risk(d.search)] == []


@pytest.mark.parametrize("hec", [True, False])
def test_a_plain_http_hec_url_is_refused_as_a_plain_http_splunk_url_is(
        double: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        hec: bool) -> None:
    """``--splunk http://`` was refused (credentials in clear text) while ``--hec-url http://`` sent the HEC token,
    a credential too, in clear text without a word. Both now need ``--insecure``; nothing is sent. It is a usage
    error, told with the other ones before any request (it was told after logging in, the credentials sent),
    with or without a HEC token (without one it was ignored)."""
    token_env(monkeypatch, double, hec=hec)
    ready(double)
    run = replay(capsys, double, "--hec-url", "http://127.0.0.1:1", detections=[DECLINED])
    assert (run.code, run.out, double.state.requests) == (2, "", [])
    assert run.err == ("contentpack replay: error: --hec-url: http://127.0.0.1:1: plain http would send the HEC "
                       "token in clear text; use https (or --insecure to accept that)\n")
    assert double.state.hec_token not in run.err


@pytest.mark.parametrize("option", ["--index", "--risk-index"])
def test_a_bad_index_name_is_refused_before_any_request(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch, option: str) -> None:
    """A usage error, told with the other ones before any request (it was told after logging in, the credentials
    sent), naming the option, as backtest --splunk words it."""
    token_env(monkeypatch, double)
    run = replay(capsys, double, option, 'x" OR index=*', detections=[DECLINED])
    assert (run.code, run.out, double.state.requests) == (2, "", [])
    assert run.err == (f"contentpack replay: error: {option}: index name 'x\" OR index=*': use lower-case "
                       "letters, digits, '_' and '-' (indexes.conf rules)\n")


def test_local_replay_is_unchanged_without_splunk(real_pack: Pack, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, ["replay", "--root", str(ROOT), "--detection", DECLINED])
    count = len(_detection(real_pack, DECLINED).tests)
    assert run.code == 0 and f"PASS: {count} test(s)" in run.out


def test_replay_help_documents_the_splunk_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli(capsys, ["replay", "--help"])
    out = capsys.readouterr().out
    for option in ("--splunk URL", "--index NAME", "--risk-index NAME", "--compare", "--ca-file", "--insecure"):
        assert option in out




CORRELATION = "Entra ID OAuth Consent Abuse Risk Across Detections"


def test_splunks_job_messages_are_the_tests_warnings_worded_as_locally(
        double: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    """A user's detection whose subsearch Splunk cuts at its maxout (Search Manual, "About subsearches"; the
    double's engine, maxout lowered to 1, lists it as Splunk does: {"type": "WARN", "text": ...} beside the
    results): each test of it, and each Correlation test reading its risk (``risk_from``), gets the warnings the
    local replay gives for the same pack -- the same words, from the same helper; the drilldown built on the
    cut search is cut on Splunk too and named after the drilldown -- and still passes."""
    monkeypatch.setattr(search_command, "SUBSEARCH_MAXOUT", 1)
    root = pack_with_cut_subsearch(tmp_path)
    token_env(monkeypatch, double)
    ready(double)
    args = ["replay", "--root", str(root), "--splunk", double.url, "--ca-file", str(double.ca_file),
            "--hec-url", double.url, "--wait", "3", "--risk-index", "risk", *FAST, "--detection", DECLINED]
    run = cli(capsys, [*args, "--format", "json", "--detection", CORRELATION])
    assert run.code == 0, run.err + run.out
    got = {(t["detection"], t["test"]): t["warnings"] for t in json.loads(run.out)["tests"]}
    checked = validate_pack(root)
    assert checked.pack is not None
    chosen = [d for d in checked.pack.detections if d.name in (DECLINED, CORRELATION)]
    local = replay_pack(checked.pack, chosen, all_time=True)
    assert got == {(o.detection, o.test): list(o.warnings) for o in local.outcomes}
    warning = f"search (warn): {CUT_MESSAGE}"
    # the drilldown built on the detection's search is cut too when opened: named as the YAML names it
    drilldown = f"""drilldown 'View the detection results for - "$user$" and "$app_id$"' (warn): {CUT_MESSAGE}"""
    # (drilldowns are opened from results: a test that finds none runs none)
    declined = [t for t in json.loads(run.out)["tests"] if t["detection"] == DECLINED]
    assert {t["result_count"] > 0 for t in declined} == {True, False}
    assert all(t["warnings"] == ([warning, drilldown] if t["result_count"] else [warning]) for t in declined)
    reading = [w for (name, _), w in got.items() if name == CORRELATION and w]
    assert reading and all(w == [f"risk_from detection {DECLINED!r}: {warning}"] for w in reading)
    # the text report words them so too (the declined detection's tests carry these lines: the Correlation's 36
    # tests are not replayed again for it)
    text = cli(capsys, args)
    assert f"warning: {warning}" in text.out and "pass (warn)" in text.out


def test_events_an_earlier_replay_left_in_the_test_index_are_warned_of(
        double: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A replay whose clean-up could not delete its events (no can_delete) left them in the test index; the next
    run's searches read them beside each test's own events, and its tests failed with doubled counts and no word
    of why (newuser17). The command now says so before it runs; a clean index draws no such warning."""
    token_env(monkeypatch, double)
    ready(double)
    clean = replay(capsys, double, "--risk-index", "risk", detections=[DECLINED])
    assert clean.code == 0 and "earlier replay" not in clean.err, clean.err
    line = (ROOT / "attack_data" / "single_user_declines" / "single_user_declines.log").read_bytes().splitlines()[0]
    double.add_events(line + b"\n", TEST_INDEX, "Azure AD", "azure:monitor:aad", "contentpack-replay-0a1b2c3d-1")
    run = replay(capsys, double, "--risk-index", "risk", detections=[DECLINED])
    assert ("contentpack replay: warning: index 'contentpack_replay' holds events an earlier replay left (host "
            "contentpack-replay-*" in run.err), run.err
    assert "risk' holds" not in run.err  # the risk index holds none
