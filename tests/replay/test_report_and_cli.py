"""The report renderers and ``contentpack replay`` (exit 0 all pass / 1 failures or invalid content / 2 usage)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from contentpack.cli import main
from contentpack.replay.runner import replay_pack
from contentpack.content.validate import validate_pack
from contentpack.replay.report import render_table, report_json, summary

from . import factory as f
from .conftest import REPO
from pack_copies import pack_copy as copy_of_pack

ADMIN = "Entra ID Tenant-Wide Admin Consent Granted"
ADMIN_FILE = "detections/cloud/entra_id_tenant_wide_admin_consent_granted.yml"


def _small_report(tmp_path: Path):
    data = f.write_events(tmp_path, "declines", [f.sign_in("a@contoso.example", 65004)])
    detection = f.detection(tests=[f.unit_test(data, expected=1), f.unit_test(data, name="Off By One", expected=2)])
    return replay_pack(f.pack(tmp_path, detection))


def test_table_shows_each_test_its_status_and_why_it_failed(tmp_path: Path) -> None:
    report = _small_report(tmp_path)
    text = render_table(report)
    assert "True Positive Test" in text and "Off By One" in text
    assert "pass" in text and "FAIL" in text
    assert "expected_results: 1 result(s), expected 2; rows: {" in text
    assert text.splitlines()[-1].startswith("FAIL: 2 test(s), 1 passed, 1 failed (")
    assert summary(report) == text.splitlines()[-1]


def test_json_report_carries_every_check(tmp_path: Path) -> None:
    payload = report_json(_small_report(tmp_path))
    assert payload["ok"] is False and payload["setup_errors"] == []
    first, second = payload["tests"]
    assert first["ok"] and first["result_count"] == 1 and first["risk_events"] == 1
    [check] = [c for c in second["checks"] if c["name"] == "expected_results"]
    assert not check["ok"] and check["detail"].startswith("1 result(s), expected 2; rows: {")
    json.dumps(payload)  # serialisable as is


def test_a_warning_below_the_table_starts_with_its_tests_position(tmp_path: Path) -> None:
    """A newcomer's typo (``errCode``) failed the test at ``path:line:col:`` and explained why in the one line below
    the table without a position, ``DETECTION / TEST: warning: no results, and the search filters on ...``, which
    an editor or a CI annotator cannot place (every other line there starts with one). It is at the test's
    ``tests[i]`` entry now, as its failed checks are."""
    data = f.write_events(tmp_path, "declines", [f.sign_in("a@contoso.example", 65004)])
    search = f.DECLINED_SEARCH.replace("properties.status.errorCode=65004", "properties.status.errCode=65004")
    assert search != f.DECLINED_SEARCH
    report = replay_pack(f.pack(tmp_path, f.detection(search=search, tests=[f.unit_test(data, expected=1)])))
    [outcome] = report.outcomes
    [hint] = outcome.warnings
    below = [line for line in render_table(report).splitlines() if "True Positive Test: " in line]
    assert below and all(line.startswith(f"{outcome.position}: Test Declined / True Positive Test: ")
                         for line in below)
    assert f"{outcome.position}: Test Declined / True Positive Test: warning: {hint}" in below
    assert re.fullmatch(r"detections/.+\.yml:\d+:\d+", str(outcome.position))


def test_a_subsearch_cut_in_the_detection_search_is_a_warning_of_its_test(tmp_path: Path) -> None:
    """Search Manual, "About subsearches": a subsearch returns at most 10,000 results (limits.conf [subsearch]
    maxout), and Splunk says so in the job's messages ("[subsearch]: Subsearch produced N results, truncating to
    maxout 10000.", wording ``assumed``). The replay returns what Splunk returns, so the test still passes, but
    its author learns that the detection's search was cut: in the table, the JSON and the summary."""
    data = f.write_events(tmp_path, "declines", [f.sign_in("a@contoso.example", 65004)])
    search = f.DECLINED_SEARCH.replace(
        "errorCode=65004 ", 'errorCode=65004 NOT [| makeresults count=10001 | eval user="nobody" | fields user] ', 1)
    tests = [f.unit_test(data, expected=1), f.unit_test(data, name="Own Risk", risk_from=["Test Declined"])]
    report = replay_pack(f.pack(tmp_path, f.detection(search=search, tests=tests)), all_time=True)
    cut = "[subsearch]: Subsearch produced 10001 results, truncating to maxout 10000."
    warning = f"search (warn): {cut}"
    # the drilldown built on the detection's search is cut as well when the analyst opens it
    drilldown = f"""drilldown 'View the detection results for - "$user$" and "$appId$"' (warn): {cut}"""
    outcome, with_risk = report.outcomes
    assert outcome.ok and outcome.result_count == 1 and outcome.warnings == (warning, drilldown)
    # a risk_from detection's search is the test's too: its cut is named after it
    assert with_risk.ok and with_risk.warnings == (f"risk_from detection 'Test Declined': {warning}", warning,
                                                   drilldown)
    text = render_table(report)
    assert f"{outcome.position}: Test Declined / True Positive Test: warning: {warning}" in text
    assert f"{outcome.position}: Test Declined / True Positive Test: warning: {drilldown}" in text
    assert "pass (warn)" in text
    assert summary(report).endswith(", all-time, 2 with warnings)")
    assert report_json(report)["tests"][0]["warnings"] == [warning, drilldown]


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """A copy of the real pack to change without touching the repository."""
    return copy_of_pack(tmp_path)


def test_an_spl_error_is_placed_where_validate_places_the_same_problem(pack_copy: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """RP003 points at the YAML line and column of the search's part the engine refused, as validate's finding
    on it does (CP068 here: an OUTPUT field the lookup lacks, which the engine refuses as unsupported); it used
    to point at the ``search`` key, with a column into the folded search text."""
    name = "Entra ID OAuth Consent Granted After User Declined"  # a lookup in the search itself, not in a macro
    path = "detections/cloud/entra_id_oauth_consent_granted_after_user_declined.yml"
    detection = pack_copy / path
    text = detection.read_text(encoding="utf-8")
    assert "OUTPUT appId AS known_app_id" in text
    detection.write_text(text.replace("OUTPUT appId AS known_app_id", "OUTPUT appIdd AS known_app_id", 1),
                         encoding="utf-8")
    [finding] = validate_pack(pack_copy).diagnostics
    assert finding.rule == "CP068" and finding.position.line > 19
    assert main(["replay", "--root", str(pack_copy), "--all-time", "--detection", name]) == 1
    out = capsys.readouterr().out
    where = f"{path}:{finding.position.line}:{finding.position.col}: {name} / "
    lines = [line for line in out.splitlines() if line.startswith(where)]  # each of its tests
    assert lines and all(": error[RP003]: search: lookup: " in line for line in lines), out


def test_cli_exit_0_when_the_selected_detection_passes(pack_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--root", str(pack_copy), "--detection", ADMIN]) == 0
    out = capsys.readouterr().out
    last = out.rstrip().splitlines()[-1]
    assert ADMIN in out and re.match(r"PASS: (\d+) test\(s\), \1 passed, 0 failed \(", last), last


def test_cli_exit_1_and_json_when_a_test_fails(pack_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = pack_copy / ADMIN_FILE
    text = path.read_text(encoding="utf-8")
    assert "expected_results: 1\n" in text
    path.write_text(text.replace("expected_results: 1\n", "expected_results: 7\n", 1), encoding="utf-8")
    assert main(["replay", "--root", str(pack_copy), "--detection", ADMIN, "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False
    failed = [t for t in payload["tests"] if not t["ok"]]
    assert len(failed) == 1
    [check] = [c for c in failed[0]["checks"] if not c["ok"]]
    assert check["name"] == "expected_results" and " result(s), expected 7; rows: {" in check["detail"]


def test_cli_exit_1_on_invalid_content(pack_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = pack_copy / ADMIN_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("\nsearch: ", "\nsearchy: ", 1), encoding="utf-8")
    assert main(["replay", "--root", str(pack_copy)]) == 1
    err = capsys.readouterr().err
    assert ADMIN_FILE in err and "the pack is invalid" in err


def test_cli_exit_2_on_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--root", str(REPO), "--detection", "No Such Detection"]) == 2
    err = capsys.readouterr().err
    assert "no detection named 'No Such Detection'" in err and "did you mean" not in err  # nothing close
    # the README's table adds the error code to a name: the error gives the pack's name back
    readme_name = "Entra ID User Declined OAuth Application Consent (AADSTS65004)"
    assert main(["replay", "--root", str(REPO), "--detection", readme_name, "--detection", "Nope"]) == 2
    assert capsys.readouterr().err == (
        f"contentpack replay: error: --detection: no detection named {readme_name!r} (did you mean "
        "'Entra ID User Declined OAuth Application Consent'?); --detection: no detection named 'Nope' (a detection's "
        "name is the name: of its file under detections/)\n")
    # a name written from memory, a word left out, is close to none: the names holding its words are offered
    assert main(["replay", "--root", str(REPO), "--detection", "Entra ID User Declined Consent"]) == 2
    assert capsys.readouterr().err == (
        "contentpack replay: error: --detection: no detection named 'Entra ID User Declined Consent' (did you mean "
        "'Entra ID OAuth Consent Granted After User Declined' or 'Entra ID User Declined OAuth Application Consent'?)\n")
    assert main(["replay", "--root", str(tmp_path)]) == 2
    assert "contentpack replay:" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["replay", "--format", "xml"])
    assert usage.value.code == 2


def test_cli_json_lists_every_simulated_notable_and_all_time_mode_has_none(
        pack_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--root", str(pack_copy), "--detection", ADMIN, "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["mode"] == "scheduled" and payload["summary"].endswith(", scheduled)")
    positive = next(t for t in payload["tests"] if t["test"] == "True Positive Test")
    scheduled = positive["scheduled"]
    assert scheduled["runs"] > 0 and scheduled["notable_count"] == len(scheduled["notables"]) == 1
    [notable] = scheduled["notables"]
    assert notable["detection"] == ADMIN and notable["run_time"] % 3600 == 0  # hourly cron, on the hour
    # its -100m@m .. -10m@m window, resolved at the run (on the hour, so the snap to the minute moves nothing)
    assert notable["earliest"] == notable["run_time"] - 100 * 60 and notable["latest"] == notable["run_time"] - 600
    assert scheduled["time_to_detect"] == scheduled["first_alert"] - scheduled["first_event"] > 0
    assert main(["replay", "--root", str(pack_copy), "--detection", ADMIN, "--format", "json", "--all-time"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["mode"] == "all-time" and all(t["scheduled"] is None for t in payload["tests"])


def test_cli_a_cron_that_is_not_cron_fails_at_its_column(pack_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    relative = "detections/cloud/entra_id_oauth_consent_granted_after_user_declined.yml"
    path = pack_copy / relative
    text = path.read_text(encoding="utf-8")
    assert "    cron_schedule: 0 * * * *\n" in text
    path.write_text(text.replace("    cron_schedule: 0 * * * *\n", "    cron_schedule: 0 * * jan *\n"), encoding="utf-8")
    line = text[:text.index("    cron_schedule:")].count("\n") + 1
    name = "Entra ID OAuth Consent Granted After User Declined"
    assert main(["replay", "--root", str(pack_copy), "--detection", name]) == 1
    captured = capsys.readouterr()
    # validation refuses it first (CP062), at the same column the simulation would report (RP005, below)
    assert f"{relative}:{line}:26: error[CP062]: " in captured.err and "Traceback" not in captured.err


def test_a_cron_that_is_not_cron_fails_the_test_in_the_runner(tmp_path: Path) -> None:
    """The runner does not rely on validation: a model with a bad cron fails its test with RP005."""
    from .simfactory import decline, scheduled

    data = f.write_events(tmp_path, "one", [decline("a@contoso.example", "2026-10-13 09:15")])
    detection = scheduled(f.detection(tests=[f.unit_test(data)]), cron="0 * * jan *")
    [outcome] = replay_pack(f.pack(tmp_path, detection)).outcomes
    [problem] = outcome.errors
    assert "error[RP005]: scheduled run: cron_schedule: month value 'jan' is not a number" in problem.render()
