"""``contentpack replay --format summary``, what ``make build`` prints: one line per detection instead of the
table's row per test (about 300 lines on the repository's pack), then the table of the failed tests only and every
failure and warning in full, as the table gives them, then the summary line."""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.cli import main
from contentpack.content.validate import validate_pack
from contentpack.replay.runner import replay_pack
from contentpack.replay.report import render_table
from contentpack.replay.sweep import sweep_pack
from contentpack.replay.sweep_report import render_table as render_sweep

from . import factory as f
from .sweep_fixture import detection_yaml, write_pack
from pack_copies import pack_copy as copy_of_pack

ADMIN = "Entra ID Tenant-Wide Admin Consent Granted"
ADMIN_FILE = "detections/cloud/entra_id_tenant_wide_admin_consent_granted.yml"
DECLINED = "Entra ID User Declined OAuth Application Consent"


def _below_table(out: str) -> list[str]:
    """The lines after the table's last border: the failures, the warnings and the summary line."""
    lines = out.splitlines()
    last_border = max(at for at, line in enumerate(lines) if line.startswith("└"))
    return lines[last_border + 1:]


def test_a_passing_pack_is_one_line_per_detection_and_the_summary(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    pack = copy_of_pack(tmp_path)
    assert main(["replay", "--root", str(pack), "--detection", ADMIN, "--detection", DECLINED,
                 "--format", "summary"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [f"pass  {ADMIN}: 19 test(s)", f"pass  {DECLINED}: 14 test(s)"]
    assert len(lines) == 3 and lines[2].startswith("PASS: 33 test(s), 33 passed, 0 failed (")


def test_a_failed_test_keeps_its_row_and_its_failures_in_full(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    pack = copy_of_pack(tmp_path)
    path = pack / ADMIN_FILE
    text = path.read_text(encoding="utf-8")
    assert "expected_results: 1\n" in text
    path.write_text(text.replace("expected_results: 1\n", "expected_results: 7\n", 1), encoding="utf-8")
    arguments = ["replay", "--root", str(pack), "--detection", ADMIN, "--detection", DECLINED, "--all-time"]
    assert main(arguments) == 1
    table = capsys.readouterr().out
    assert main([*arguments, "--format", "summary"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == [f"FAIL  {ADMIN}: 1 of 19 test(s) failed", f"pass  {DECLINED}: 14 test(s)"]
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert len(rows) == 1 and ADMIN in rows[0] and "True Positive Test" in rows[0] and "FAIL" in rows[0]
    failure = [line for line in _below_table(out) if line.startswith(f"{ADMIN_FILE}:")]
    assert len(failure) == 1 and " result(s), expected 7; rows: {" in failure[0]
    assert _below_table(out)[:-1] == _below_table(table)[:-1]  # every failure in full, as the table gives it
    assert _below_table(out)[-1].startswith("FAIL: 33 test(s), 32 passed, 1 failed (")


def test_warnings_stay_in_full_under_the_detection_lines(tmp_path: Path) -> None:
    """A test that passes with a warning is not a row of its own, but its warning is printed as the table's is
    (the subsearch cut of ``test_report_and_cli``)."""
    data = f.write_events(tmp_path, "declines", [f.sign_in("a@contoso.example", 65004)])
    search = f.DECLINED_SEARCH.replace(
        "errorCode=65004 ", 'errorCode=65004 NOT [| makeresults count=10001 | eval user="nobody" | fields user] ', 1)
    report = replay_pack(f.pack(tmp_path, f.detection(search=search, tests=[f.unit_test(data, expected=1)])),
                         all_time=True)
    lines = render_table(report, brief=True).splitlines()
    assert lines[0] == "pass  Test Declined: 1 test(s)"
    [outcome] = report.outcomes
    assert lines[1].startswith(f"{outcome.position}: Test Declined / True Positive Test: warning: search (warn): "
                               "[subsearch]: ")
    assert lines[-1].endswith(", all-time, 1 with warnings)") and not any(line.startswith("│") for line in lines)


def test_a_sweep_in_summary_names_each_detection_and_every_differing_variant(tmp_path: Path) -> None:
    fragile, robust = "Entra ID Refusal Not Throttled", "Entra ID Refusal Throttled Over Two Slots"
    pack = write_pack(tmp_path / "pack", [
        (robust, detection_yaml(robust, 0, True, ("0 * * * *", "-100m@m", "-10m@m"))),
        (fragile, detection_yaml(fragile, 1, False))])
    report = sweep_pack(validate_pack(pack).pack)  # type: ignore[arg-type]
    out = render_sweep(report, brief=True)
    assert out.splitlines()[:2] == [f"FAIL  {fragile}: 1 of 1 test(s) failed", f"pass  {robust}: 1 test(s)"]
    def cells(text: str) -> list[list[str]]:
        return [[part.strip() for part in line.split("│")[1:-1]] for line in text.splitlines() if line.startswith("│")]

    assert cells(out) == [row for row in cells(render_sweep(report)) if row[0] == fragile]
    assert _below_table(out) == _below_table(render_sweep(report))


def test_on_a_narrow_terminal_a_long_detection_line_wraps_with_a_hanging_indent(tmp_path: Path) -> None:
    data = f.write_events(tmp_path, "declines", [f.sign_in("a@contoso.example", 65004)])
    name = "Entra ID A Detection Whose Name Is Far Too Long For A Narrow Terminal Of Forty Columns"
    report = replay_pack(f.pack(tmp_path, f.detection(name=name, tests=[f.unit_test(data, expected=1)])),
                         all_time=True)
    lines = render_table(report, 40, terminal=True, brief=True).splitlines()
    assert lines[0].startswith("FAIL  Entra ID A Detection") and all(len(line) <= 40 for line in lines)
    assert lines[1].startswith("    ")


@pytest.mark.parametrize("width", [40, 120, 159])
def test_a_passing_run_on_a_terminal_narrower_than_the_table_is_its_detection_lines_and_summary(
        tmp_path: Path, width: int) -> None:
    """Every test passed, so the summary has no table; under the wide table's width the narrow table sized its
    columns by the rows of failed tests, of which there were none (``max()`` of nothing: an internal error on any
    terminal under 160 columns, as the README's ``replay --format summary`` is typed)."""
    data = f.write_events(tmp_path, "declines", [f.sign_in("a@contoso.example", 65004)])
    report = replay_pack(f.pack(tmp_path, f.detection(tests=[f.unit_test(data, expected=1)])), all_time=True)
    assert report.ok
    lines = render_table(report, width, terminal=True, brief=True).splitlines()
    assert lines[0] == "pass  Test Declined: 1 test(s)"
    assert lines[1].startswith("PASS: 1 test(s), 1 passed, 0 failed")  # at 40 columns its end wraps, indented
    assert all(line.startswith("    ") for line in lines[2:]) and not any(line.startswith("│") for line in lines)


def test_a_passing_sweep_in_summary_on_a_narrow_terminal(tmp_path: Path) -> None:
    robust = "Entra ID Refusal Throttled Over Two Slots"
    pack = write_pack(tmp_path / "pack", [(robust, detection_yaml(robust, 0, True, ("0 * * * *", "-100m@m", "-10m@m")))])
    report = sweep_pack(validate_pack(pack).pack)  # type: ignore[arg-type]
    lines = render_sweep(report, 120, terminal=True, brief=True).splitlines()
    assert lines[0] == f"pass  {robust}: 1 test(s)" and not any(line.startswith("│") for line in lines)
