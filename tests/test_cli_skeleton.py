"""The CLI entry point exists and answers --version without a traceback."""

import os
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


_COUNT_COLLECTIONS = (
    "import atexit, gc, sys\n"
    "from contentpack.cli import run\n"
    "done = []\n"
    "gc.callbacks.append(lambda phase, info: done.append(info['generation']) if phase == 'stop' else None)\n"
    "atexit.register(lambda: print('collections:', len(done)))\n"
    "sys.argv = ['contentpack', *sys.argv[1:]]\n"
    "run()\n"
)


@pytest.mark.parametrize("command", ["validate", "build"])
def test_pack_commands_run_without_cycle_collections(command: str, tmp_path: Path) -> None:
    """``validate`` and ``build`` keep the cycle collector paused from start to end: the collection after
    their own pauses would walk everything the command left alive (the process-wide memos of parsed commands,
    expanded macros, encoded values), just before the process ends."""
    args = [command, "--root", str(VALID_PACK)] + (["--output", str(tmp_path / "dist")] if command == "build" else [])
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "CONTENTPACK_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", _COUNT_COLLECTIONS, *args], capture_output=True, text=True,
                         check=False, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "collections: 0"
