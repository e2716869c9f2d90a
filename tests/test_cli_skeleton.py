"""The CLI entry point exists and answers --version without a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

from contentpack import __version__


def test_version_flag() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "contentpack", "--version"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0
    assert out.stdout.strip() == f"contentpack {__version__}"


VALID_PACK = Path(__file__).parent / "content" / "fixtures" / "valid"
_WATCH_EXIT = (
    "import atexit, gc, sys\n"
    "atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count() > 0))\n"
    "sys.argv = ['contentpack', *sys.argv[1:]]\n"
    "from contentpack.cli import run\n"
    "run()\n"
)


@pytest.mark.parametrize(("args", "code"), [(["validate", "--root", str(VALID_PACK)], 0),
                                            (["validate", "--root", "/nonexistent/pack"], 2)])
def test_a_finished_command_keeps_its_exit_code_and_spares_the_exit_collections(args: list[str], code: int) -> None:
    """``run`` hands the command's exit code on, and freezes what is left before the interpreter's exit walks it."""
    out = subprocess.run([sys.executable, "-c", _WATCH_EXIT, *args], capture_output=True, text=True, check=False)
    assert out.returncode == code, out.stderr
    assert out.stdout.splitlines()[-1] == "frozen at exit: True"
