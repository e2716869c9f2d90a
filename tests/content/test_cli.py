"""`contentpack validate` end to end, in a subprocess: exit codes, output format, and the acceptance cases
of issue 2 (each exits 1 with a position and never a traceback)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from terminal_output import stdout_on_terminal

from .helpers import CORRELATION, HUNTING, STORY, TTP, edit, locate


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "contentpack", "validate", *args], capture_output=True, text=True, cwd=cwd
    )


def assert_no_traceback(out: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in out.stdout + out.stderr
    assert "internal error" not in out.stderr


def test_valid_pack_exits_0_from_inside_the_pack(pack: Path) -> None:
    out = run_cli(cwd=pack / "detections")  # the root is found by walking up to contentpack.yml
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines() == [
        "valid: 0 errors, 0 warnings (3 detections, 2 macros, 1 story, 1 data source, 1 lookup)"
    ]


def test_root_is_found_from_the_path_given(pack: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = run_cli(str(pack / TTP), cwd=elsewhere)
    assert out.returncode == 0 and out.stdout.startswith("valid: "), out.stderr


def _acceptance_misspelt_rba_key(pack: Path) -> tuple[str, str]:
    edit(pack, TTP, "  risk_objects:\n", "  risk_object:\n")
    line, col = locate(pack, TTP, "risk_object:")
    return f"{TTP}:{line}:{col}: error[CP010]: unknown key 'risk_object' in rba", TTP


def _acceptance_duplicate_key(pack: Path) -> tuple[str, str]:
    edit(pack, STORY, "status: production\n", "status: production\nstatus: deprecated\n")
    line, col = locate(pack, STORY, "status: deprecated")
    return f"{STORY}:{line}:{col}: error[CP005]: duplicate key 'status'", STORY


def _acceptance_tab_indented(pack: Path) -> tuple[str, str]:
    edit(pack, STORY, "  usecase:", "\tusecase:")
    line, _ = locate(pack, STORY, "\tusecase:")
    return f"{STORY}:{line}:1: error[CP003]: tab character in indentation", STORY


def _acceptance_50_mb_file(pack: Path) -> tuple[str, str]:
    with (pack / "detections/cloud/huge.yml").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: no 50 MB written to disk
    return "detections/cloud/huge.yml:1:1: error[CP001]: file is 52,428,800 bytes", "detections/cloud/huge.yml"


def _acceptance_binary_file(pack: Path) -> tuple[str, str]:
    (pack / "macros/logo.yml").write_bytes(bytes(range(256)))
    return "macros/logo.yml:1:1: error[CP002]: binary file", "macros/logo.yml"


@pytest.mark.parametrize(
    "mutate",
    [
        _acceptance_misspelt_rba_key,
        _acceptance_duplicate_key,
        _acceptance_tab_indented,
        _acceptance_50_mb_file,
        _acceptance_binary_file,
    ],
)
def test_acceptance_cases_exit_1_with_a_position(pack: Path, mutate) -> None:
    expected, _ = mutate(pack)
    out = run_cli("--root", str(pack))
    assert_no_traceback(out)
    assert out.returncode == 1
    assert any(line.startswith(expected) for line in out.stdout.splitlines()), out.stdout
    assert out.stdout.splitlines()[-1].startswith("INVALID: ")


STOPPED = "1 file stopped at its errors, not checked by the later layers: fix them to see the rest"


def test_summary_counts_a_file_its_errors_kept_out_of_the_pack(pack: Path) -> None:
    """A detection whose file does not load is not in the pack; the summary still counts its file, so the
    reader is not told the pack has one detection fewer than its folder holds, and says why it is ``2 of 3``:
    the file's problems of the later layers (here a CP045 warning) are not reported until its schema error is
    fixed (docs/validation_rules.md), which the bare ``2 of 3`` left a new user to guess."""
    edit(pack, TTP, "known_false_positives:", "known_false_positive:")
    edit(pack, TTP, 'results for - "$user$"', 'results for - "$appDisplayName$"')  # a CP045, not reported
    out = run_cli("--root", str(pack))
    assert out.returncode == 1
    assert [line.split(": ")[1] for line in out.stdout.splitlines()[:-1]] == ["error[CP010]"]
    summary = f"INVALID: 1 error, 0 warnings (2 of 3 detections, 2 macros, 1 story, 1 data source, 1 lookup; {STOPPED})"
    assert out.stdout.splitlines()[-1] == summary
    assert json.loads(run_cli("--root", str(pack), "--format", "json").stdout)["summary"] == summary


def test_a_pack_copied_without_its_attack_data_is_told_so_once(pack: Path) -> None:
    """A pack whose YAML was copied into another repository without ``attack_data/`` got one CP046 per test's
    path (hundreds for the shipped pack) and the cause, one missing folder, was left to the reader: now one
    error, at the first path in path order, names the folder, where it was looked for and how many tests read
    from it. The run's other problems are still reported, and it still fails; ``validate FILE`` for another file
    whose test reads from the folder shows the error too (it would have called that file valid)."""
    shutil.rmtree(pack / "attack_data")
    edit(pack, STORY, "usecase: Advanced Threat Detection", "usecase: Hunting")
    out = run_cli(cwd=pack)
    assert_no_traceback(out)
    assert out.returncode == 1
    line, col = locate(pack, CORRELATION, "attack_data/consent_prompts/consent_prompts.log")
    story_line, story_col = locate(pack, STORY, "Hunting")
    assert out.stdout.splitlines() == [
        f"{CORRELATION}:{line}:{col}: error[CP046]: attack_data/: no such folder in the pack (looked for at "
        f"{pack / 'attack_data'}); 2 tests of 2 detections read their attack data from it (2 paths, not reported one "
        "by one): replay needs the pack's attack data, copy attack_data/ with the pack",
        f'{STORY}:{story_line}:{story_col}: error[CP012]: tags.usecase: "Hunting" is not one of: Fraud Detection, '
        "Compliance, Application Security, Security Monitoring, Advanced Threat Detection, Insider Threat, Other",
        f"INVALID: 2 errors, 0 warnings (3 detections, 2 macros, 0 of 1 story, 1 data source, 1 lookup; {STOPPED})",
    ]
    # the other file whose test reads from the folder, asked about alone, is not called valid
    alone = run_cli(HUNTING, cwd=pack)
    assert alone.returncode == 1
    assert alone.stdout.splitlines()[0] == out.stdout.splitlines()[0]
    assert alone.stdout.splitlines()[1].startswith(f"INVALID: 1 error, 0 warnings in {HUNTING}; 1 error in other files")


def test_every_problem_in_one_run_sorted_and_json(pack: Path) -> None:
    edit(pack, TTP, "score: 36", "score: 0")
    edit(pack, STORY, "usecase: Advanced Threat Detection", "usecase: Hunting")
    out = run_cli("--root", str(pack), "--format", "json")
    assert out.returncode == 1
    payload = json.loads(out.stdout)
    assert payload["ok"] is False
    found = [(d["path"], d["rule"]) for d in payload["diagnostics"]]
    assert found == [(TTP, "CP012"), (STORY, "CP012")]  # sorted by path: detections/ before stories/
    assert payload["summary"].startswith("INVALID: 2 errors")


def test_control_characters_never_split_a_diagnostic_line(pack: Path) -> None:
    edit(pack, STORY, "name: Entra ID Consent Fixture Story", 'name: "Entra ID\\nConsent Fixture Story"')
    out = run_cli("--root", str(pack), str(pack / "stories"))
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"{STORY}:1:7: error[CP022]: story name contains '\\n'")


def test_paths_narrow_the_report(pack: Path) -> None:
    edit(pack, TTP, "score: 36", "score: 0")
    edit(pack, STORY, "usecase: Advanced Threat Detection", "usecase: Hunting")
    out = run_cli("--root", str(pack), str(pack / "stories"))
    assert out.returncode == 1
    assert [line.split(":")[0] for line in out.stdout.splitlines()[:-1]] == [STORY]


def test_a_file_given_a_used_id_is_invalid_whichever_sorts_first(pack: Path) -> None:
    """A new file given a shipped detection's id: the clash was reported at the file sorting first only, so
    ``validate`` of the other printed "valid: 0 errors ...; 1 error in other files not shown" and exited 0."""
    copy = "detections/zz/zz_copy.yml"
    (pack / copy).parent.mkdir(parents=True)
    (pack / copy).write_text((pack / TTP).read_text(encoding="utf-8")
                             .replace("Entra ID User Declined Consent For OAuth App", "ZZ Copy"), encoding="utf-8")
    for path in (TTP, copy):
        out = run_cli("--root", str(pack), str(pack / path))
        assert out.returncode == 1 and f"{path}:2:5: error[CP040]: detection id " in out.stdout, out.stdout


REPO = Path(__file__).resolve().parents[2]
# the story's CP012 kept it out of the pack
BROKEN_STORY_COUNTS = f"3 detections, 2 macros, 0 of 1 story, 1 data source, 1 lookup; {STOPPED}"


def _read_as_shown(lines: list[str]) -> str:
    """The summary as a person reads it off an 80-column terminal: its wrapped lines joined again."""
    return " ".join(line.strip() for line in lines)


def test_a_path_summary_names_what_was_checked_and_counts_the_other_files_problems(pack: Path,
                                                                                  tmp_path: Path) -> None:
    """``valid`` beside the pack's counts read as "the pack is valid" while another file was broken: the summary
    names the file checked and the problems of the others it did not print. The exit status still judges the
    files asked about (0), and ``--format json`` and ``--junit`` say the same (a passed case named ``pack``
    claimed the whole pack)."""
    edit(pack, STORY, "usecase: Advanced Threat Detection", "usecase: Hunting")
    edit(pack, TTP, 'results for - "$user$"', 'results for - "$appDisplayName$"')  # a CP045 warning
    report = tmp_path / "validate.xml"
    status, lines = stdout_on_terminal(["validate", "--root", str(pack), str(pack / HUNTING), "--format", "text",
                                        "--junit", str(report)], 80, REPO, 60)
    summary = (f"valid: 0 errors, 0 warnings in {HUNTING}; 1 error and 1 warning in other files not shown "
               f"(pack: {BROKEN_STORY_COUNTS})")
    assert (status, _read_as_shown(lines)) == (0, summary)
    assert all(len(line) <= 80 for line in lines)
    [case] = ET.parse(report).getroot().iter("testcase")
    assert (case.get("name"), case.findtext("system-out")) == (HUNTING, summary)
    as_json = run_cli("--root", str(pack), str(pack / HUNTING), "--format", "json")
    assert as_json.returncode == 0 and json.loads(as_json.stdout) == {"ok": True, "diagnostics": [],
                                                                      "summary": summary}


def test_a_path_with_findings_still_counts_the_other_files_problems_in_junit(pack: Path, tmp_path: Path) -> None:
    """The text and json output give the summary beside the PATH's own findings; JUnit gave only the findings'
    cases, so the other files' error was not reported there. One more passed case carries the summary (the
    other files' problems do not fail the run: exit status and failures count the PATH's alone)."""
    edit(pack, STORY, "usecase: Advanced Threat Detection", "usecase: Hunting")
    edit(pack, TTP, "score: 36", "score: 0")
    report = tmp_path / "validate.xml"
    out = run_cli("--root", str(pack), str(pack / TTP), "--junit", str(report))
    summary = out.stdout.splitlines()[-1]
    assert out.returncode == 1 and "; 1 error in other files not shown (pack: " in summary
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures")) == ("2", "1")
    finding, others = suite.iter("testcase")
    assert finding.get("file") == TTP and finding.find("failure") is not None
    assert (others.get("name"), others.find("failure"), others.findtext("system-out")) == ("other files", None,
                                                                                          summary)
    as_json = run_cli("--root", str(pack), str(pack / TTP), "--format", "json")
    assert json.loads(as_json.stdout)["summary"] == summary


def test_a_folder_path_with_clean_other_files_says_so(pack: Path) -> None:
    edit(pack, STORY, "usecase: Advanced Threat Detection", "usecase: Hunting")
    out = run_cli("--root", str(pack), str(pack / "stories"), str(pack / TTP))
    assert out.returncode == 1
    assert out.stdout.splitlines()[-1] == (
        f"INVALID: 1 error, 0 warnings in 2 paths; no problems in other files (pack: {BROKEN_STORY_COUNTS})")
    only_stories = run_cli("--root", str(pack), str(pack / "stories"))
    assert " in stories/; " in only_stories.stdout.splitlines()[-1]


def test_a_bad_enum_value_is_answered_with_the_value_meant(pack: Path) -> None:
    edit(pack, TTP, "type: TTP\n", "type: TTPP\n")
    out = run_cli("--root", str(pack), str(pack / TTP))
    line, col = locate(pack, TTP, "TTPP")
    assert out.returncode == 1 and out.stdout.splitlines()[0] == (
        f"{TTP}:{line}:{col}: error[CP012]: type: \"TTPP\" is not one of: TTP, Anomaly, Hunting, Correlation "
        "(did you mean 'TTP'?)")


def test_warnings_exit_0_unless_strict(pack: Path) -> None:
    edit(pack, TTP, 'results for - "$user$"', 'results for - "$appDisplayName$"')
    relaxed = run_cli("--root", str(pack))
    strict = run_cli("--root", str(pack), "--strict")
    assert relaxed.returncode == 0 and "warning[CP045]" in relaxed.stdout
    # "INVALID: 0 errors" alone did not say why: the run that only --strict fails says so
    assert strict.returncode == 1 and strict.stdout.splitlines()[-1].startswith(
        "INVALID (--strict: warnings count as errors): 0 errors, 1 warning ")
    edit(pack, TTP, "type: TTP\n", "type: TTPP\n")  # with an error, --strict changes nothing: not said
    assert run_cli("--root", str(pack), "--strict").stdout.splitlines()[-1].startswith("INVALID: 1 error, ")


def test_usage_errors_exit_2(tmp_path: Path, pack: Path) -> None:
    no_pack = run_cli(cwd=tmp_path)
    assert no_pack.returncode == 2 and "no contentpack.yml" in no_pack.stderr
    missing_path = run_cli("--root", str(pack), str(pack / "nope"))
    assert missing_path.returncode == 2 and "no such file" in missing_path.stderr
    bad_root = run_cli("--root", str(tmp_path))
    assert bad_root.returncode == 2 and "no contentpack.yml" in bad_root.stderr
    for out in (no_pack, missing_path, bad_root):
        assert_no_traceback(out)


def test_a_file_name_that_is_not_utf8_reads_the_same_in_the_text_and_in_the_json(pack: Path) -> None:
    """Python names a file's byte that is not UTF-8 by a lone surrogate (PEP 383: b"caf\\xe9" is "caf\\udce9"):
    the text said ``detections/caf\\xe9.yml`` and ``--format json`` the JSON escape ``"\\udce9"``, which a strict
    JSON reader refuses (a UTF-8 encoder cannot write it); both now say ``caf\\xe9``, as ``backtest``'s JSON does
    (``printable.path_text``)."""
    (pack / os.fsdecode(b"detections/caf\xe9.yml")).write_text("name: [unclosed\n", encoding="utf-8")
    text = run_cli("--root", str(pack))
    as_json = run_cli("--root", str(pack), "--format", "json")
    assert_no_traceback(as_json)
    shown = "detections/caf\\xe9.yml:2:1: error[CP004]: "
    assert text.stdout.startswith(shown)
    assert "\\udc" not in as_json.stdout
    found = json.loads(as_json.stdout)["diagnostics"]
    assert [(d["path"], d["rule"]) for d in found] == [("detections/caf\\xe9.yml", "CP004")]
