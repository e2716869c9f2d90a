"""The build benchmarks' ``--workdir``: a folder that does not exist yet is made (a user naming a new folder
means "put the scratch files there"; it used to end in a FileNotFoundError traceback from ``tempfile``), and one
that cannot be made is a one-line usage error. Only the argument handling runs, not the benchmarks."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# benchmarks/ is beside tests/, not installed. Imported by name: bench_build imports ``tests.esapp.factory``,
# which mypy, following the import, would meet under a second module name (it checks tests/ as a root).
bench_build = importlib.import_module("benchmarks.bench_build")
build_phases = importlib.import_module("benchmarks.build_phases")

PARSERS: list[Callable[[], argparse.ArgumentParser]] = [bench_build.arguments, build_phases.arguments]


@pytest.mark.parametrize("arguments", PARSERS, ids=["bench_build", "build_phases"])
def test_a_missing_workdir_is_made_with_its_parents(arguments: Callable[[], argparse.ArgumentParser],
                                                    tmp_path: Path) -> None:
    folder = tmp_path / "new" / "scratch"
    args = arguments().parse_args(["--workdir", str(folder)])
    assert folder.is_dir() and Path(args.workdir) == folder


@pytest.mark.parametrize("arguments", PARSERS, ids=["bench_build", "build_phases"])
def test_a_workdir_that_cannot_be_made_is_a_usage_error(arguments: Callable[[], argparse.ArgumentParser],
                                                        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(SystemExit) as parsed:
        arguments().parse_args(["--workdir", str(blocker / "scratch")])
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert parsed.value.code == 2
    assert last.endswith(f"error: argument --workdir: cannot create folder {blocker / 'scratch'}: Not a directory")
