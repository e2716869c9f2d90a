"""``contentpack replay --sweep`` on a small pack of two detections written for it: the same search over two
refusals a user made a minute apart, hourly over ``-70m@m`` .. ``-10m@m`` (windows that meet, no overlap), one
throttled on the user for two hours and one not. Moved so that a window edge falls between the two records,
two runs each return the user: the throttled detection still raises one notable and writes its risk once, the
other raises two and writes it twice -- the double ``contentpack.replay.sweep`` exists to find."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from contentpack.cli import main
from contentpack.content.validate import validate_pack
from contentpack.replay.sweep import sweep_pack
from contentpack.replay.sweep_report import render_table

from . import factory as f
from .simfactory import decline

FIXTURE = Path(__file__).resolve().parents[1] / "content" / "fixtures" / "valid"
ROBUST = "Entra ID Refusal Throttled On The User"
FRAGILE = "Entra ID Refusal Not Throttled"
USER = "alice@contoso.example"
SEARCH = ('`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004 '
          "| rename properties.* as * | fillnull value=unknown dest src vendor_account vendor_product "
          "| stats count min(_time) as firstTime by dest user src vendor_account vendor_product")


def _detection(name: str, number: int, throttled: bool,
               schedule: tuple[str, str, str] = ("0 * * * *", "-70m@m", "-10m@m")) -> str:
    """The detection's YAML (written as JSON, which YAML reads): by default hourly over ``-70m@m`` .. ``-10m@m``."""
    throttling = {"throttling": {"fields": ["user"], "period": "2h"}} if throttled else {}
    filter_macro = name.lower().replace(" ", "_") + "_filter"
    return json.dumps({
        "name": name, "id": f"3d2c1b0a-9f8e-4d7c-b6a5-94837261500{number}", "version": 1, "date": "2025-04-30",
        "author": "Fixture Author, Fixture Company", "status": "production", "type": "TTP",
        "data_source": ["Azure Active Directory Sign-in activity"],
        "description": "Finds users who refused the permissions an OAuth application asked for (error code 65004).",
        "search": f"{SEARCH} | `{filter_macro}`",
        "how_to_implement": "Stream Entra ID sign-in logs into the azure:monitor:aad sourcetype.",
        "known_false_positives": "A user may refuse a legitimate application by mistake.",
        "drilldown_searches": [
            {"name": 'The results for - "$user$"', "search": '%original_detection_search% | search user = "$user$"',
             "earliest_offset": "$info_min_time$", "latest_offset": "$info_max_time$"},
            {"name": 'The risk of - "$user$"', "search": '| from datamodel Risk.All_Risk | search '
             'normalized_risk_object IN ("$user$") starthoursago=168 | stats count by normalized_risk_object',
             "earliest_offset": "$info_min_time$", "latest_offset": "$info_max_time$"}],
        "rba": {"message": "User $user$ refused consent for an OAuth application.",
                "risk_objects": [{"field": "user", "type": "user", "score": 30}], "threat_objects": []},
        "deployment": {"scheduling": dict(zip(("cron_schedule", "earliest_time", "latest_time"), schedule))},
        "tags": {"analytic_story": ["Entra ID Consent Fixture Story"], "asset_type": "Azure Tenant",
                 "mitre_attack_id": ["T1528"], "security_domain": "identity",
                 "product": ["Splunk Enterprise", "Splunk Enterprise Security", "Splunk Cloud"], **throttling},
        "tests": [{"name": "Two Refusals A Minute Apart", "expected_results": 1, "expected_notables": 1,
                   "attack_data": [{"data": "attack_data/refusals/refusals.log", "source": "Azure AD",
                                    "sourcetype": "azure:monitor:aad"}]}],
    }, indent=1) + "\n"


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sweep") / "pack"
    shutil.copytree(FIXTURE, root)
    shutil.rmtree(root / "detections" / "cloud")
    (root / "detections" / "cloud").mkdir()
    for number, (name, throttled) in enumerate(((ROBUST, True), (FRAGILE, False))):
        file = name.lower().replace(" ", "_")
        (root / "detections" / "cloud" / f"{file}.yml").write_text(_detection(name, number, throttled),
                                                                   encoding="utf-8")
    f.write_events(root, "refusals/refusals", [decline(USER, "2026-10-13 09:20"), decline(USER, "2026-10-13 09:21")])
    return root


def _table_rows(out: str) -> list[list[str]]:
    return [[part.strip() for part in line.split("│")[1:-1]] for line in out.splitlines() if line.startswith("│")]


def test_a_robust_detection_passes_every_variant(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--root", str(pack), "--sweep", "--detection", ROBUST]) == 0
    out = capsys.readouterr().out
    assert _table_rows(out) == [[ROBUST, "Two Refusals A Minute Apart", "24", "1", "0", "pass"]]
    assert out.splitlines()[-1].startswith("PASS: 1 test(s) swept, 1 passed, 0 failed (24 variant(s), ")


def test_a_detection_that_a_window_edge_doubles_fails_with_what_moved_and_what_changed(
        pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--root", str(pack), "--detection", FRAGILE]) == 0  # the plain replay is green
    capsys.readouterr()
    assert main(["replay", "--root", str(pack), "--sweep"]) == 1
    out = capsys.readouterr().out
    assert _table_rows(out) == [[FRAGILE, "Two Refusals A Minute Apart", "24", "1", "2", "FAIL"],
                                [ROBUST, "Two Refusals A Minute Apart", "24", "1", "0", "pass"]]
    doubled = f"2 notables instead of 1; risk of {USER} 60 instead of 30"
    # moved 29m, 09:49 is in the 10:00 run's window (08:50 .. 09:50) and 09:50 in the 11:00 run's; runs 31m
    # late search 08:21 .. 09:21 and 09:21 .. 10:21
    assert out.splitlines()[-3:-1] == [
        f"{FRAGILE} / Two Refusals A Minute Apart: attack moved 29m later: {doubled}",
        f"{FRAGILE} / Two Refusals A Minute Apart: runs skewed 31m after their ticks: {doubled}"]
    assert out.splitlines()[-1].startswith("FAIL: 2 test(s) swept, 1 passed, 1 failed (48 variant(s), ")


def test_json_gives_the_same_as_data_and_junit_a_case_per_test(pack: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    junit = tmp_path / "sweep.xml"
    assert main(["replay", "--root", str(pack), "--sweep", "--format", "json", "--junit", str(junit)]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False and payload["mode"] == "sweep" and payload["setup_errors"] == []
    fragile, robust = payload["tests"]
    assert robust["ok"] is True and robust["differences"] == [] and robust["variants"] == 24
    assert fragile["unmoved"] == {"notables": 1, "risk_by_object": {USER: 30}}
    moved, skewed = fragile["differences"]
    assert moved["moved"] == "attack" and moved["offset"] == 29 * 60
    assert skewed["moved"] == "runs" and skewed["skews"] == {FRAGILE: 31 * 60}
    assert moved["raised"] == skewed["raised"] == {"notables": 2, "risk_by_object": {USER: 60}}
    assert moved["detail"].startswith("attack moved 29m later: 2 notables instead of 1")
    xml = junit.read_text(encoding="utf-8")
    assert 'name="contentpack replay --sweep" tests="2" failures="1"' in xml
    assert f'message="attack moved 29m later: 2 notables instead of 1; risk of {USER} 60 instead of 30"' in xml


@pytest.mark.parametrize(("options", "why"), [
    (["--all-time"], "--all-time: the sweep moves the scheduled timeline, which --all-time leaves out"),
    (["--splunk", "https://sh.example:8089"], "--splunk: the sweep replays every variant with the embedded engine"),
])
def test_sweep_refuses_what_it_cannot_combine_with(pack: Path, options: list[str], why: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--root", str(pack), "--sweep", *options]) == 2
    assert capsys.readouterr() == ("", f"contentpack replay: error: --sweep cannot be combined with {why}\n")


def test_a_pack_with_nothing_to_sweep_says_so(pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only scheduled tests that expect something are swept; a pack (or a --detection) without one is told why
    the table is empty, and passes."""
    empty = tmp_path / "empty"
    shutil.copytree(FIXTURE, empty)
    shutil.rmtree(empty / "detections" / "cloud")
    assert main(["replay", "--root", str(empty), "--sweep"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "no test to sweep: only the tests of TTP, Anomaly and Correlation detections that expect results or "
        "notables are swept", out.splitlines()[-1]]
    assert out.splitlines()[-1].startswith("PASS: 0 test(s) swept, 0 passed, 0 failed (0 variant(s), ")


def test_on_an_80_column_terminal_the_table_fits_and_keeps_every_column(pack: Path) -> None:
    """The replay's narrow layout (each detection once, its tests below it): the counts and the status fit
    beside the names, and a failure below the table wraps between words with a hanging indent."""
    loaded = validate_pack(pack).pack
    assert loaded is not None
    text = render_table(sweep_pack(loaded), 80, terminal=True)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert _table_rows(text)[:2] == [[FRAGILE, "", "", "", ""], ["Two Refusals A Minute Apart", "24", "1", "2", "FAIL"]]
    assert "not shown in 80 columns" not in text
    assert f"{FRAGILE} / Two Refusals A Minute Apart: attack moved 29m\n    later: 2 notables" in text


LATE = "Entra ID Refusal Two Minutes Behind"


@pytest.fixture(scope="module")
def late_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The throttled detection run every ten minutes over ``-12m@m`` .. ``-2m@m``: windows one run long whose
    latest edge lags its run two minutes, on the same refusals (Entra ID's delay model, their own delays under
    two minutes)."""
    root = tmp_path_factory.mktemp("sweep-late") / "pack"
    shutil.copytree(FIXTURE, root)
    shutil.rmtree(root / "detections" / "cloud")
    (root / "detections" / "cloud").mkdir()
    (root / "detections" / "cloud" / f"{LATE.lower().replace(' ', '_')}.yml").write_text(
        _detection(LATE, 2, True, ("*/10 * * * *", "-12m@m", "-2m@m")), encoding="utf-8")
    f.write_events(root, "refusals/refusals", [decline(USER, "2026-10-13 09:20"), decline(USER, "2026-10-13 09:21")])
    return root


def test_a_detection_that_loses_late_records_fails_only_under_late_data(
        late_pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only the run at 09:30 (window 09:18 .. 09:28) holds the refusals; indexed 15 minutes later than Entra ID
    delivered them (its assumed ceiling, ``simulate.delays``), they reach the index after it, and the next run's
    window (09:28 .. 09:38) no longer holds them: never seen. Every edge offset and skew passes (the throttle on
    the user holds a refusal split from the other), and so do 5 minutes late (the model's p99)."""
    assert main(["replay", "--root", str(late_pack), "--sweep", "--format", "json"]) == 1
    [swept] = json.loads(capsys.readouterr().out)["tests"]
    [lost] = swept["differences"]
    assert (lost["moved"], lost["late"]) == ("indexing", 15 * 60)
    assert lost["detail"] == f"records indexed 15m later: 0 notables instead of 1; risk of {USER} 0 instead of 30"
    assert main(["replay", "--root", str(late_pack), "--sweep"]) == 1
    assert capsys.readouterr().out.splitlines()[-2] == (
        f"{LATE} / Two Refusals A Minute Apart: records indexed 15m later: 0 notables instead of 1; "
        f"risk of {USER} 0 instead of 30")
