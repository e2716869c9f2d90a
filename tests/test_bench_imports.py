"""Every benchmark script imports: a benchmark is run by hand, rarely, so a name moved in ``src/`` would
otherwise break it unseen until someone measures (``bench_replay`` imported ``replay_pack`` from the
``contentpack.replay`` package after the package stopped re-exporting it). Only the imports run, not the
benchmarks: each script measures under ``if __name__ == "__main__"``."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted(path.stem for path in (ROOT / "benchmarks").glob("*.py"))


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_benchmark_script_imports(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # as the scripts run: benchmarks/ on the path (they import one another by bare name), the root for tests.*
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    monkeypatch.syspath_prepend(str(ROOT))
    module = importlib.import_module(f"benchmarks.{name}")
    assert module.__file__ is not None and Path(module.__file__).parent == ROOT / "benchmarks"
    assert name == "workdir" or callable(getattr(module, "main", None))  # workdir.py is the others' helper
