"""`make build` works off Debian and without root: a missing libmagic skips only AppInspect, loudly, and says
how to install it; `make test` still requires it."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def recipe(target: str) -> tuple[str, str]:
    """(prerequisites, recipe text) of a Makefile target."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(target)}:([^\n]*)\n((?:\t[^\n]*\n)*)", text, re.MULTILINE)
    assert match is not None, target
    return match.group(1), match.group(2)


def test_missing_libmagic_explains_how_to_install_it_on_each_platform() -> None:
    env = {**os.environ, "LIBMAGIC_PROBE": "false"}  # a probe that never finds the library
    run = subprocess.run(["bash", str(ROOT / "scripts" / "libmagic.sh")], capture_output=True, text=True, env=env,
                         timeout=60, check=False)
    assert run.returncode == 1
    for line in ("Debian/Ubuntu:  sudo apt-get install libmagic1", "Fedora/RHEL:    sudo dnf install file-libs",
                 "macOS:          brew install libmagic"):
        assert line in run.stderr
    found = subprocess.run(["bash", str(ROOT / "scripts" / "libmagic.sh")], capture_output=True, text=True,
                           env={**os.environ, "LIBMAGIC_PROBE": "true"}, timeout=60, check=False)
    assert found.returncode == 0 and found.stderr == ""


def test_build_skips_only_appinspect_without_libmagic_and_test_requires_it() -> None:
    _, build = recipe("build")
    steps = [line.strip() for line in build.splitlines()]
    assert steps[:3] == ["$(VENV)/bin/contentpack validate", "$(VENV)/bin/contentpack replay --format summary",
                         "$(VENV)/bin/contentpack build --output dist"]
    assert "scripts/libmagic.sh --install; then bash scripts/appinspect.sh dist; else" in build
    assert "WARNING: ***** AppInspect was NOT run" in build
    assert "libmagic" in recipe("test")[0].split() and "libmagic" in recipe("appinspect")[0].split()
    prerequisites, appinspect_venv = recipe("$(APPINSPECT_STAMP)")
    assert "apt-get" not in appinspect_venv  # building the venv itself needs neither root nor Debian
