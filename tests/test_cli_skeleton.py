"""The CLI entry point exists and answers --version without a traceback."""

import subprocess
import sys

from contentpack import __version__


def test_version_flag() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "contentpack", "--version"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0
    assert out.stdout.strip() == f"contentpack {__version__}"
