"""`contentpack generate-data`: writes scenarios and scale files; bad input is a message, not a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from contentpack.cli import main

from .datagen_support import ROOT, log_path


def test_writes_one_scenario_identical_to_the_committed_one(tmp_path: Path, capsys: object) -> None:
    assert main(["generate-data", "--scenario", "risky_app_blocked", "--out", str(tmp_path)]) == 0
    written = tmp_path / "risky_app_blocked" / "risky_app_blocked.log"
    assert written.read_bytes() == log_path("risky_app_blocked").read_bytes()
    assert (tmp_path / "risky_app_blocked" / "dataset.yml").is_file()


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
