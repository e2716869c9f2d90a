"""docs/ci.md's GitHub Actions and GitLab CI recipes stay runnable: their YAML parses, every `contentpack`
command in them parses with the CLI's own argument parser, and every `make` target and script exists."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from contentpack.cli import make_parser

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "ci.md"


def recipes() -> list[dict[str, Any]]:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    return [yaml.safe_load(block) for block in blocks]


def github_commands(workflow: dict[str, Any]) -> list[str]:
    jobs = workflow["jobs"]
    assert isinstance(jobs, dict)
    lines: list[str] = []
    for job in jobs.values():
        for step in job["steps"]:
            assert "uses" in step or "run" in step
            lines.extend(step.get("run", "").splitlines())
    return lines


def gitlab_commands(pipeline: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for name, job in pipeline.items():
        if isinstance(job, dict):
            lines.extend(job.get("before_script", []) + job.get("script", []))
            if name != "default":
                assert job.get("stage") in pipeline["stages"], name
    return lines


def make_targets() -> set[str]:
    return set(re.findall(r"^([A-Za-z][A-Za-z0-9_-]*):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE))


def check_command(line: str) -> str | None:
    """The kind of command checked, after checking it (None: a plain shell line such as apt-get or mkdir)."""
    words = shlex.split(line)
    if not words:
        return None
    if words[0].endswith("contentpack"):
        try:
            make_parser().parse_args(words[1:])
        except SystemExit as exc:
            pytest.fail(f"docs/ci.md: `{line}` does not parse (exit {exc.code})")
        return "contentpack"
    if words[0] == "make":
        assert set(words[1:]) <= make_targets(), line
        return "make"
    if words[0] == "bash":
        assert (ROOT / words[1]).is_file(), line
        return "script"
    return None


def test_both_recipes_parse_and_their_commands_exist() -> None:
    github, gitlab = recipes()
    github_kinds = [check_command(line) for line in github_commands(github)]
    gitlab_kinds = [check_command(line) for line in gitlab_commands(gitlab)]
    for kinds in (github_kinds, gitlab_kinds):
        assert kinds.count("contentpack") == 2 and "make" in kinds
    assert gitlab["validate"]["artifacts"]["reports"]["junit"] == "reports/validate.xml"
    assert gitlab["replay"]["artifacts"]["reports"]["junit"] == "reports/replay.xml"
    assert github["jobs"]["content"]["runs-on"] == "ubuntu-latest"


def test_the_checker_catches_a_wrong_option() -> None:
    with pytest.raises(pytest.fail.Exception):
        check_command(".venv/bin/contentpack replay --junit-file x.xml")


def test_ci_draws_the_same_property_examples_on_every_run() -> None:
    """Hypothesis draws new examples on each run; a run that met a new failing example would turn CI red on a
    commit that changed nothing there. ``.ci/run`` selects the ``ci`` profile (tests/conftest.py), which draws
    the same ones every time; local runs keep exploring."""
    from hypothesis import settings

    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^export HYPOTHESIS_PROFILE=ci$", run, re.M)
    make_test = re.search(r"^make .*\btest$", run, re.M)
    assert make_test and run.index("HYPOTHESIS_PROFILE") < make_test.start()
    profile = settings.get_profile("ci")
    assert profile.derandomize and profile.database is None


def test_ci_runs_the_set_up_steps_side_by_side_without_two_package_installs_at_once() -> None:
    """``.ci/run`` runs ``make -j3 test``: the virtualenvs, mypy and the contentctl comparison run side by side.
    ``libmagic`` and ``chromium`` may each run apt-get as root, and two apt-gets at once fail on dpkg's lock, so
    chromium waits for libmagic (an order-only prerequisite)."""
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make -j3 --output-sync=target test$", run, re.M)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^chromium: \| libmagic$", makefile, re.M)
    assert "apt-get" in (ROOT / "scripts" / "libmagic.sh").read_text(encoding="utf-8")
