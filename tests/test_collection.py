"""Every ``tests/**/test_*.py`` file is collected by pytest as `make test` and CI run it.

Why a guard: pytest's default ``norecursedirs`` skips any folder named ``build`` (and ``dist``, ``*.egg``,
dot-folders...), so a whole folder of tests once sat unseen while the README described them as CI-tested.
The check reads the collection of the run it is part of when that run is a whole one (`make test`, CI: no paths,
so pyproject.toml's ``testpaths``), and otherwise runs ``pytest --collect-only`` in a child with the project's
own configuration, so a collection rule, a folder name or a file that fails to import all show up as a failure
(a file that fails to import already stops a whole run at its collection).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def collected_files() -> tuple[set[str], str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_XDIST_WORKER", None)
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-o", "addopts=", "-p", "no:cacheprovider",
         "-p", "no:xdist"],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=300, env=env,
    )
    files = {line.split("::", 1)[0] for line in out.stdout.splitlines() if "::" in line}
    return files, out.stdout[-3000:] + out.stderr[-3000:]


def this_run_collected(session: pytest.Session) -> set[str] | None:
    """The files this very run collected, when it is a whole run as `make test` and CI start it (no paths given,
    so pyproject.toml's ``testpaths``; nothing deselected; under ``pytest -n`` every worker collects every test):
    its collection already is the one to check, and a child collecting it all again cost ~10 s of CPU. None for
    any other run (a file or a test named, ``-k``, ``-m``, ``--deselect``): ``collected_files`` then asks a child."""
    config = session.config
    whole = (config.args_source == pytest.Config.ArgsSource.TESTPATHS and not config.option.keyword
             and not config.option.markexpr and not config.option.deselect)
    if not whole:
        return None
    return {Path(item.path).relative_to(ROOT).as_posix() for item in session.items}


def test_every_test_file_is_collected(request: pytest.FixtureRequest) -> None:
    on_disk = {path.relative_to(ROOT).as_posix() for path in (ROOT / "tests").rglob("test_*.py")}
    assert len(on_disk) > 50
    in_this_run = this_run_collected(request.session)
    collected, output = (in_this_run, "(this run's own collection)") if in_this_run is not None else collected_files()
    missing = sorted(on_disk - collected)
    assert not missing, f"test files pytest does not collect: {missing}\n{output}"
    assert "tests/esapp/test_appinspect.py" in collected  # the AppInspect gate is part of the run


def test_no_test_reads_files_outside_the_project() -> None:
    """Fixtures live in tests/ with their licences (tests/fixtures/README.md), never in ../shared."""
    needles = ('/ "shared"', "../" + "shared")  # split so this file does not match itself
    outside = [path.relative_to(ROOT).as_posix() for path in (ROOT / "tests").rglob("*.py")
               if path.name != "test_collection.py" and any(n in path.read_text(encoding="utf-8") for n in needles)]
    assert outside == []
