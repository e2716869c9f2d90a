"""`contentpack build` command line: options, exit statuses, no traceback."""

from __future__ import annotations

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
    assert "nope: not a content pack" in run.stderr and "Traceback" not in run.stderr


def test_bad_json_style_is_rejected() -> None:
    run = subprocess.run([sys.executable, "-m", "contentpack", "build", "--json-style", "spaced"],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 2 and "invalid choice" in run.stderr
