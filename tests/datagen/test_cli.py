"""`contentpack generate-data`: writes scenarios and scale files; bad input is a message, not a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from contentpack.cli import main
from contentpack.datagen.scenarios import SCENARIOS

from .datagen_support import ROOT, log_path


def test_writes_one_scenario_identical_to_the_committed_one(tmp_path: Path, capsys: object) -> None:
    assert main(["generate-data", "--scenario", "risky_app_blocked", "--out", str(tmp_path)]) == 0
    written = tmp_path / "risky_app_blocked" / "risky_app_blocked.log"
    assert written.read_bytes() == log_path("risky_app_blocked").read_bytes()
    assert (tmp_path / "risky_app_blocked" / "dataset.yml").is_file()


def test_a_scenario_line_groups_its_count_of_events(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The baseline tenant's 1,936 events, written as every count the commands print (``count_text``)."""
    assert main(["generate-data", "--scenario", "baseline_tenant", "--out", str(tmp_path)]) == 0
    written = tmp_path / "baseline_tenant" / "baseline_tenant.log"
    assert f"{written}: 1,936 events, {written.stat().st_size:,} bytes" in capsys.readouterr().out


def test_app_catalog_option_writes_the_committed_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--app-catalog CSV`` (how docs/app_catalog.csv is refreshed) writes it, its folders too, and says where."""
    target = tmp_path / "new" / "app_catalog.csv"
    assert main(["generate-data", "--scenario", "risky_app_blocked", "--out", str(tmp_path / "out"),
                 "--app-catalog", str(target)]) == 0
    assert target.read_bytes() == (ROOT / "docs" / "app_catalog.csv").read_bytes()
    assert f"{target}: app catalog" in capsys.readouterr().out


def test_scale_mode_writes_n_lines(tmp_path: Path) -> None:
    out = tmp_path / "big.log"
    assert main(["generate-data", "--events", "700", "--out", str(out), "--no-progress", "--workers", "1"]) == 0
    lines = out.read_text().splitlines()
    assert len(lines) == 700
    assert json.loads(lines[0])["operationName"] == "Sign-in activity"


def test_scale_mode_draws_no_progress_bar_when_stderr_is_no_terminal(tmp_path: Path) -> None:
    """A CI log or `2>file` gets the summary line only, as backtest's bar shows "on a terminal, never in a pipe";
    the bar's last frame used to land in the log."""
    result = _run("--events", "300", "--out", str(tmp_path / "big.log"), "--workers", "1")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith(f"{tmp_path / 'big.log'}: 300 events")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "contentpack", "generate-data", *args],
                          capture_output=True, text=True, check=False)


def test_unknown_scenario_is_a_usage_error() -> None:
    result = _run("--scenario", "nope")
    assert result.returncode == 2
    assert result.stderr.startswith("contentpack generate-data: error: unknown scenario 'nope'; known: all, ")


def test_a_scenario_name_cut_short_gets_a_did_you_mean_not_the_whole_list() -> None:
    result = _run("--scenario", "consent_phishing_campaig")
    assert result.returncode == 2
    assert result.stderr == ("contentpack generate-data: error: unknown scenario 'consent_phishing_campaig' "
                             "(did you mean 'consent_phishing_campaign'?)\n")


def test_events_without_an_output_file_is_a_usage_error(tmp_path: Path) -> None:
    result = _run("--events", "10")
    assert result.returncode == 2 and "--out FILE" in result.stderr
    result = _run("--events", "10", "--out", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_unwritable_output_is_reported_with_its_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = _run("--scenario", "single_user_declines", "--out", str(blocker))
    assert result.returncode == 2
    assert str(blocker) in result.stderr and "Traceback" not in result.stderr


def test_scale_mode_says_a_rate_was_too_short_to_measure_rather_than_infinite(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A tiny run can take less CPU time than the process clock counts; its summary said "inf events per
    CPU-second". It now says the time was too short to measure."""
    from contentpack.datagen import scale
    monkeypatch.setattr(scale, "_cpu_seconds", lambda: 0.0)
    assert main(["generate-data", "--events", "5", "--out", str(tmp_path / "tiny.log"), "--no-progress",
                 "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "inf" not in out and "events per CPU-second: too short to measure" in out


@pytest.mark.parametrize(("where", "why"), [
    ("", "a folder, not a file"),
    ("fifo", "a FIFO (named pipe), not a file"),
    ("file/app_catalog.csv", "{tmp}/file is a file, not a folder"),
])
def test_an_app_catalog_path_it_cannot_write_is_refused_before_any_scenario_is_written(
        where: str, why: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Its missing folders are made (test above), so what is checked is the nearest one there is, and that
    the path is no folder, FIFO or device; before, every scenario was written first, then Python's words."""
    (tmp_path / "file").write_text("not a folder\n")
    if where == "fifo":
        os.mkfifo(tmp_path / "fifo")  # POSIX, as every FIFO case of the suite
    target = tmp_path / where
    status = main(["generate-data", "--out", str(tmp_path / "out"), "--app-catalog", str(target)])
    assert status == 2
    assert capsys.readouterr().err == \
        f"contentpack generate-data: error: --app-catalog {target}: {why.format(tmp=tmp_path)}\n"
    assert not (tmp_path / "out").exists()


def test_docs_with_one_scenario_into_an_empty_out_is_one_usage_error_before_writing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The facts are made from every scenario's dataset.yml: before, the one scenario was written, then each
    other scenario's missing manifest was a "cannot read file" error of its own (14 of them). The first three
    missing are named and the rest counted: all 14 names made a line of 400 columns."""
    out, docs = tmp_path / "out", tmp_path / "facts.md"
    status = main(["generate-data", "--scenario", "quick_regrant", "--out", str(out), "--docs", str(docs)])
    err = capsys.readouterr().err
    first = ", ".join([name for name in SCENARIOS if name != "quick_regrant"][:3])
    assert (status, err) == (2, f"contentpack generate-data: error: --docs {docs}: the scenario facts are made from "
                                f"every scenario's dataset.yml, and {out} has none for 14 of the 15 scenarios"
                                f": {first} (+11 more); generate them all (--scenario all) with --docs, or drop "
                                "--docs\n")
    assert not out.exists() and not docs.exists()


@pytest.mark.parametrize("missing", [1, 4, 5])
def test_docs_names_up_to_four_missing_scenarios(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 missing: int) -> None:
    out, docs = tmp_path / "out", tmp_path / "facts.md"
    others = [name for name in SCENARIOS if name != "quick_regrant"]
    for name in others[missing:]:  # only their presence is checked before anything is written
        (out / name).mkdir(parents=True)
        (out / name / "dataset.yml").write_text("name: placeholder\n", encoding="utf-8")
    assert main(["generate-data", "--scenario", "quick_regrant", "--out", str(out), "--docs", str(docs)]) == 2
    named = ", ".join(others[:missing]) if missing <= 4 else f"{', '.join(others[:3])} (+{missing - 3} more)"
    assert f"has none for {missing} of the 15 scenarios: {named}; " in capsys.readouterr().err
    assert not (out / "quick_regrant").exists() and not docs.exists()
