"""`--junit FILE` for `replay` and `validate`: JUnit XML that validates against the schema CI reporters' format
is checked with (tests/fixtures/junit/junit.xsd; the format per GitLab's "Unit test reports",
https://docs.gitlab.com/ci/testing/unit_test_reports), with the numbers and positions the run had."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from contentpack.cli import main
from contentpack.content.diagnostics import Position, error
from contentpack.junit import Case, render
from contentpack.replay.report import junit_cases
from contentpack.replay import runner
from contentpack.replay.runner import DetectionTestOutcome, ReplayReport
from real_pack_runs import replay_pack_sharing_the_replay

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = etree.XMLSchema(etree.parse(str(ROOT / "tests" / "fixtures" / "junit" / "junit.xsd")))
VALID_PACK = ROOT / "tests" / "content" / "fixtures" / "valid"
AT = Position("detections/d.yml", 12, 3)  # a replayed test's tests[i] entry


def valid(data: bytes) -> etree._ElementTree:
    document = etree.ElementTree(etree.fromstring(data))
    assert SCHEMA.validate(document), SCHEMA.error_log
    return document


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "contentpack", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=600, check=False)


def test_replay_junit_of_the_repository_pack_validates_against_the_schema(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The command in this process, its replay of the pack being the shared one (tests/real_pack_runs.py):
    the report, the exit status and the file are the command's own."""
    out = tmp_path / "replay.xml"
    monkeypatch.setattr(runner, "replay_pack", replay_pack_sharing_the_replay)  # the command imports it as it runs
    monkeypatch.chdir(ROOT)
    status = main(["replay", "--junit", str(out), "--format", "json"])
    assert status == 0, capsys.readouterr().err[-2000:]
    document = valid(out.read_bytes())
    suite = document.getroot().find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    detections = list((ROOT / "detections").rglob("*.yml"))
    assert int(suite.get("tests", "0")) == len(cases) > len(detections)
    assert suite.get("failures") == "0" and all(case.find("failure") is None for case in cases)
    assert {case.get("file") for case in cases} == {p.relative_to(ROOT).as_posix() for p in detections}


def test_failed_tests_and_hostile_text_still_make_a_valid_report() -> None:
    failed = DetectionTestOutcome("Det <&\"x\">", "Must Fire", AT, 0, 1, (),
                                  (error(Position("detections/d.yml", 3, 9), "RP003", "boom \x01 ]]>"),), 0.25)
    passed = DetectionTestOutcome("Det", "Must Not Fire", AT, 0, 0, (), (), 0.1)
    report = ReplayReport((failed, passed), ("setup: no attack data",), 0.35)
    document = valid(render("contentpack replay", junit_cases(report), report.seconds))
    suite = document.getroot().find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures")) == ("3", "2")
    first = suite.findall("testcase")[0]
    assert first.get("classname") == 'Det <&"x">'
    assert (first.get("file"), first.get("line")) == ("detections/d.yml", "12")  # its tests[i] entry
    failure = first.find("failure")
    assert failure is not None and "boom \\x01 ]]>" in (failure.text or "")


def test_a_tests_warnings_are_its_system_out_and_do_not_fail_it() -> None:
    """Jenkins shows a case's ``<system-out>`` as its "Standard Output", passed or failed (JUnit plugin docs);
    the warnings are a replay's job messages, whose text can come from events: nothing in it may break the XML."""
    hostile = "drilldown 'D' (warn): value ]]> <b>&amp; \x01\x1b\ud800\ufffe end"
    warned = DetectionTestOutcome("Det", "Must Fire", AT, 1, 1, (), (), 0.1,
                                  warnings=("subsearch results truncated at 10000 (maxout)", hostile))
    failed = DetectionTestOutcome("Det", "Must Not Fire", AT, 1, 0, (), (error(AT, "RP003", "boom"),), 0.1,
                                  warnings=("risk: no risk object",))
    quiet = DetectionTestOutcome("Det", "Quiet", AT, 0, 0, (), (), 0.1)
    report = ReplayReport((warned, failed, quiet), (), 0.3)
    document = valid(render("contentpack replay", junit_cases(report), report.seconds))
    suite = document.getroot().find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures")) == ("3", "1")
    first, second, third = suite.findall("testcase")
    assert first.find("failure") is None
    assert first.findtext("system-out") == ("warning: subsearch results truncated at 10000 (maxout)\n"
                                            "warning: drilldown 'D' (warn): value ]]> <b>&amp; "
                                            "\\x01\\x1b\\xd800\\xfffe end")
    assert second.find("failure") is not None and second.findtext("system-out") == "warning: risk: no risk object"
    assert third.find("system-out") is None


def test_validate_junit_reports_each_finding_at_its_file_and_line(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(VALID_PACK, pack)
    ttp = pack / "detections" / "cloud" / "entra_id_user_declined_consent_for_oauth_app.yml"
    ttp.write_text(ttp.read_text(encoding="utf-8").replace("| fillnull ", "| filnull "), encoding="utf-8")
    out = tmp_path / "validate.xml"
    run = cli("validate", "--root", str(pack), "--junit", str(out))
    assert run.returncode == 1
    (case,) = valid(out.read_bytes()).getroot().iter("testcase")
    assert case.get("file") == "detections/cloud/entra_id_user_declined_consent_for_oauth_app.yml"
    assert case.get("line") == "16" and case.get("name") == "CP061 16:5"
    failure = case.find("failure")
    assert failure is not None and "filnull" in failure.get("message", "")
    clean = tmp_path / "clean.xml"
    assert cli("validate", "--root", str(VALID_PACK), "--junit", str(clean)).returncode == 0
    (only,) = valid(clean.read_bytes()).getroot().iter("testcase")
    assert only.find("failure") is None


def test_validate_junit_says_what_a_warning_is_in_its_passed_case(tmp_path: Path) -> None:
    """A warning passes (unless --strict), so its text is the case's output, not a failure."""
    pack = tmp_path / "pack"
    shutil.copytree(VALID_PACK, pack)
    ttp = pack / "detections" / "cloud" / "entra_id_user_declined_consent_for_oauth_app.yml"
    ttp.write_text(ttp.read_text(encoding="utf-8").replace("    sourcetype: azure:monitor:aad",
                                                           "    sourcetype: azure:monitor:add"), encoding="utf-8")
    out = tmp_path / "validate.xml"
    assert cli("validate", "--root", str(pack), "--junit", str(out)).returncode == 0
    (case,) = valid(out.read_bytes()).getroot().iter("testcase")
    assert case.get("name", "").startswith("CP053 ") and case.find("failure") is None
    assert "warning[CP053]: attack data sourcetype 'azure:monitor:add'" in (case.findtext("system-out") or "")
    strict = tmp_path / "strict.xml"
    assert cli("validate", "--root", str(pack), "--strict", "--junit", str(strict)).returncode == 1
    (case,) = valid(strict.read_bytes()).getroot().iter("testcase")
    assert case.find("failure") is not None and case.find("system-out") is None


def test_unwritable_junit_file_is_a_usage_error_without_traceback(tmp_path: Path) -> None:
    run = cli("validate", "--root", str(VALID_PACK), "--junit", str(tmp_path / "missing" / "out.xml"))
    assert run.returncode == 2 and "--junit" in run.stderr and "Traceback" not in run.stderr


def test_cases_without_file_or_line_are_valid() -> None:
    valid(render("s", [Case("c", "n"), Case("c", "m", failure="f")]))
