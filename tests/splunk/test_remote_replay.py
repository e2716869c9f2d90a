"""`contentpack replay --splunk` against the splunkd test double (a protocol-level double, not Splunk): the same
verdicts as the local replay, --compare, HEC disabled, a failing search, a server that stops answering."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from contentpack.content.model import Detection, Pack
from contentpack.content.validate import validate_pack
from contentpack.replay.engine_setup import build_engine
from contentpack.replay.runner import replay_pack
from contentpack.spl import Engine, MacroDef
from contentpack.spl.commands import search as search_command
from pack_copies import CUT_MESSAGE, pack_with_cut_subsearch

from .helpers import FAST, ROOT, Run, cli, token_env
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
    local = replay_pack(real_pack, all_time=True)  # the remote replay runs the all-time checks only
    expected = {(o.detection, o.test): (o.ok, o.result_count) for o in local.outcomes}
    assert verdicts(run) == expected and len(expected) == sum(len(d.tests) for d in real_pack.detections)
    data = json.loads(run.out)
    assert data["splunk"]["sent_with"] == "HEC"
    assert all(any(c["name"] == "compare_embedded_engine" and c["ok"] for c in t["checks"]) for t in data["tests"])
    assert double.state.batches == [] and double.state.events == []  # every test's events were deleted
    assert any(path.endswith("/collector/raw") for _, path in double.state.requests)


def test_compare_reports_a_planted_disagreement(double: SplunkdDouble, real_pack: Pack,
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The double's "Splunk" has a different spike threshold than the pack: both result sets are printed."""
    def tampered() -> Engine:
        engine = build_engine(real_pack)
        engine.macros["entra_id_consent_denial_spike_threshold"] = MacroDef(
            "entra_id_consent_denial_spike_threshold", (), "1000")
        return engine

    double.knowledge = tampered
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
    double.state.answer_budget = 6  # server info, the index checks, the first test's events, then silence
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


def test_correlation_tests_need_a_risk_index(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    token_env(monkeypatch, double)
    ready(double, risk=False)
    run = replay(capsys, double, detections=["Entra ID OAuth Consent Abuse Risk Across Detections"])
    assert run.code == 1
    tests = json.loads(run.out)["tests"]
    assert all("--risk-index" in t["errors"][0] for t in tests)
    assert double.state.batches == []  # nothing was sent for a test that cannot run


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


def test_reads_risk_recognises_the_risk_data_model() -> None:
    from contentpack.splunk.remote_replay import reads_risk

    assert reads_risk("| from datamodel Risk.All_Risk | stats count")
    assert reads_risk("| tstats count from datamodel=Risk.All_Risk")
    assert not reads_risk("`azure_monitor_aad` | search user=x")


def test_a_bad_index_name_is_refused_before_anything_is_sent(double: SplunkdDouble,
                                                             capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    token_env(monkeypatch, double)
    run = replay(capsys, double, "--index", 'x" OR index=*', detections=[DECLINED])
    assert run.code == 2 and run.err.startswith("contentpack replay: error: index name"), run.err  # as any error
    assert double.state.batches == []


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
            "--hec-url", double.url, "--wait", "3", "--format", "json", "--risk-index", "risk", *FAST,
            "--detection", DECLINED, "--detection", CORRELATION]
    run = cli(capsys, args)
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
    text = cli(capsys, [a for a in args if a not in ("--format", "json")])
    assert f"warning: {warning}" in text.out and "pass (warn)" in text.out
