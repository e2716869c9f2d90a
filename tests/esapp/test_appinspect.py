"""Splunk AppInspect (precert mode, its own virtualenv) passes the built package with 0 failures and 0 errors.

Runs the real tool through scripts/appinspect.sh, the same entry `make build` uses. The virtualenv is made by
`make appinspect-venv` (a prerequisite of `make test`).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from contentpack.esapp.builder import build_pack
from . import factory

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "appinspect.sh"


@pytest.mark.slow
def test_appinspect_precert_passes_built_package(tmp_path: Path) -> None:
    assert (ROOT / ".venv-appinspect" / "bin" / "splunk-appinspect").exists(), "run `make appinspect-venv` first"
    hostile = factory.detection(description="Fine.\n[evil]\naction.script = 1")
    pack = factory.pack(tmp_path, lookups=(factory.lookup(tmp_path),),
                        detections=(hostile,) + factory.pack().detections[1:])
    report = build_pack(pack, tmp_path / "dist", environ=factory.ENV)
    assert report.ok, report.build_problems
    run = subprocess.run(["bash", str(SCRIPT), str(tmp_path / "dist")], capture_output=True, text=True,
                         timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    summary = run.stdout.splitlines()[0]
    assert "failure=0, error=0, future_failure=0" in summary
    assert "success=" in summary and "success=0," not in summary
