"""`contentpack build` command line: options, exit statuses, no traceback."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from contentpack.cli import make_parser


def test_build_options_parse() -> None:
    args = make_parser().parse_args(["build", "--output", "out", "--json-style", "contentctl", "--root", "pack",
                                     "--force"])
    assert (args.output, args.json_style, args.root, args.force) == ("out", "contentctl", Path("pack"), True)
    default = make_parser().parse_args(["build"])
    assert (default.output, default.json_style, default.root, default.force) == ("dist", "compact", None, False)


def test_missing_root_is_a_usage_error(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "contentpack", "build", "--root", str(tmp_path / "nope")],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 2
    assert "nope: no such file or folder; --root names the pack's folder" in run.stderr and "Traceback" not in run.stderr


def test_bad_json_style_is_rejected() -> None:
    run = subprocess.run([sys.executable, "-m", "contentpack", "build", "--json-style", "spaced"],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 2 and "invalid choice" in run.stderr


def test_build_outside_git_without_source_date_epoch_is_dated_by_the_content(tmp_path: Path) -> None:
    """An unpacked copy of the pack (no .git, no SOURCE_DATE_EPOCH) builds, dated by its newest detection date,
    the same way twice, with a note saying where the date came from."""
    root = Path(__file__).resolve().parents[2]
    pack = tmp_path / "pack"
    for name in ("contentpack.yml", "detections", "macros", "stories", "data_sources", "lookups", "attack_data"):
        source = root / name
        if source.is_dir():
            shutil.copytree(source, pack / name)
        else:
            pack.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, pack / name)
    assert subprocess.run(["git", "-C", str(pack), "rev-parse"], capture_output=True, check=False).returncode != 0
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH" and not k.startswith("GIT_")}
    newest = max(re.findall(r"^date: '?(\d{4}-\d{2}-\d{2})", "\n".join(
        p.read_text(encoding="utf-8") for p in (pack / "detections").rglob("*.yml")), re.MULTILINE))
    tarballs = []
    for out in ("a", "b"):
        run = subprocess.run([sys.executable, "-m", "contentpack", "build", "--root", str(pack), "--output",
                              str(tmp_path / out)], capture_output=True, text=True, env=env, timeout=300, check=False)
        assert run.returncode == 0, run.stderr[-3000:]
        assert f"note: no SOURCE_DATE_EPOCH and no git commit: the build is dated {newest}" in run.stderr
        (tarball,) = (tmp_path / out).glob("*.tar.gz")
        tarballs.append(tarball.read_bytes())
    assert tarballs[0] == tarballs[1]
    app_conf = next((tmp_path / "a").glob("*/default/app.conf")).read_text()
    assert f"build = {newest.replace('-', '')}000000" in app_conf
