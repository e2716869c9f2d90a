"""Running the command in a child process under a deadline, with its peak memory, and hostile packs.

Why a child: the failures this suite guards against kill or stall the process itself (a native stack
overflow in libyaml, a FIFO that blocks ``open`` forever, a document that expands to gigabytes). Each run has
a timeout that fails the test, and the child's own peak resident memory comes from ``os.wait4``'s resource
usage (the per-child form of ``getrusage(RUSAGE_CHILDREN)``).

Why a launcher in between: a process started from this one reports at least this one's own peak memory (it
begins as a copy of, or on, the pytest worker's memory until it execs), so a worker that had once held 600 MB
failed every memory check after that. A small launcher forks the command and reports the command's figure,
which then starts from the launcher's few megabytes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "tests" / "content" / "fixtures" / "valid"
TTP = "detections/cloud/entra_id_user_declined_consent_for_oauth_app.yml"
HUNTING = "detections/cloud/entra_id_consent_prompts_for_unknown_apps.yml"
DATA_SOURCE = "data_sources/azure_active_directory_sign_in_activity.yml"
MEMORY_LIMIT_MB = 512

# argv: the file descriptor to write the command's peak memory (KiB) to, then the command's arguments. The
# launcher ends as the command did: its exit status, or killed by the same signal.
_LAUNCHER = """
import os, signal, sys
pid = os.fork()
if pid == 0:
    try:
        os.execv(sys.executable, [sys.executable, "-m", "contentpack", *sys.argv[2:]])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
os.write(int(sys.argv[1]), str(usage.ru_maxrss).encode())
if os.WIFSIGNALED(status):
    signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
    os.kill(os.getpid(), os.WTERMSIG(status))
os._exit(os.waitstatus_to_exitcode(status))
"""


@dataclass(frozen=True)
class Outcome:
    returncode: int  # negative: killed by that signal
    stdout: str
    stderr: str
    max_rss_mb: float
    seconds: float

    def assert_handled(self) -> None:
        """Neither a crash, nor an internal error, nor a blown memory budget."""
        assert self.returncode >= 0, f"killed by signal {-self.returncode}: {self.stderr[-2000:]}"
        assert "internal error" not in self.stderr, self.stderr[-2000:]
        assert "Traceback" not in self.stderr, self.stderr[-2000:]
        assert self.max_rss_mb < MEMORY_LIMIT_MB, f"peak memory {self.max_rss_mb:.0f} MB"


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 60.0, env: dict[str, str] | None = None) -> Outcome:
    """``python -m contentpack ARGS`` in a child; fails the test if it outlives ``timeout`` seconds. The cache is
    off unless ``env`` (added to the environment) says otherwise."""
    env = {**os.environ, "CONTENTPACK_CACHE": "off", "SOURCE_DATE_EPOCH": "1700000000", **(env or {})}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as peak:
        start = time.monotonic()
        child = subprocess.Popen([sys.executable, "-S", "-c", _LAUNCHER, str(peak.fileno()), *args], cwd=cwd,
                                 env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True,
                                 pass_fds=(peak.fileno(),))
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > timeout:
                os.killpg(child.pid, signal.SIGKILL)
                os.wait4(child.pid, 0)
                child.returncode = -9
                raise AssertionError(f"contentpack {' '.join(args)[:200]} hung: killed after {timeout} s")
            time.sleep(0.02)
        child.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait for it again
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        peak.seek(0)
        reported = peak.read()
        return Outcome(child.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                       (int(reported) if reported else usage.ru_maxrss) / 1024, seconds)


def copy_pack(where: Path) -> Path:
    root = where / "pack"
    shutil.copytree(VALID, root)
    return root


def edit(root: Path, relative: str, old: str, new: str) -> None:
    file = root / relative
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{relative} no longer contains {old!r}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
