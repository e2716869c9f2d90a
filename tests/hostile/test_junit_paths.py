"""Where ``--junit FILE`` may point (issue 11, "nothing of the user's lost"): a folder, a missing folder, a
FIFO, a symbolic link, a path with control characters. Before, the report was renamed over whatever stood at
the path -- a FIFO became a regular file, and a root CI job writing ``--junit /dev/null`` would have replaced
``/dev/null`` -- and a bad path was found only after the whole replay had run.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from contentpack.cli import main
from contentpack.cli import report_file
from contentpack.cli.report_file import problem, write_report

from .support import VALID, run_cli

PROMPTS = "Entra ID Consent Prompts For Unknown Apps"


def _validate(capsys: pytest.CaptureFixture[str], junit: str) -> tuple[int, str, str]:
    status = main(["validate", "--root", str(VALID), "--junit", junit])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_a_folder_is_refused_before_validating(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _validate(capsys, str(tmp_path))
    assert status == 2 and out == ""
    assert err == f"contentpack validate: error: --junit {tmp_path}: a folder, not a file\n"


@pytest.mark.parametrize("command", ["validate", "replay"])
def test_a_name_ending_in_a_slash_is_a_folder_even_when_none_is_there(
        command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`--junit reports/` with no `reports` folder once wrote a file named `reports` (pathlib drops the slash)."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped:  # argparse's own usage error
        main([command, "--root", str(VALID), "--junit", "reports/"])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and err.endswith(f"contentpack {command}: error: argument --junit: 'reports/' ends with '/': "
                                        "a folder, not a file\n"), err
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_or_a_file_as_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _validate(capsys, str(tmp_path / "missing" / "out.xml"))
    assert status == 2 and f"--junit {tmp_path}/missing/out.xml: no folder {tmp_path}/missing to write it in" in err
    (tmp_path / "file").write_text("x")
    status, _, err = _validate(capsys, str(tmp_path / "file" / "out.xml"))
    assert status == 2 and "--junit" in err and (tmp_path / "file").read_text() == "x"


@pytest.mark.parametrize("existing", [False, True])
def test_a_folder_this_user_cannot_create_files_in_is_refused_before_the_work(
        existing: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The report is written beside the path and renamed over it, so the folder must take a new file even when
    the report is there already; before, such a path was refused only after the whole run. ``os.access`` is
    made to deny the folder: the tests run as root, whom permission bits do not stop."""
    target = tmp_path / "out.xml"
    if existing:
        target.write_text("old")
    real_access = os.access
    monkeypatch.setattr(report_file.os, "access",
                        lambda where, mode, **kw: False if Path(where) == tmp_path else real_access(where, mode, **kw))
    status, out, err = _validate(capsys, str(target))
    assert (status, out) == (2, "")
    assert err == (f"contentpack validate: error: --junit {target}: the folder {tmp_path} does not let this user "
                   "create files in it\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == (["out.xml"] if existing else [])


def test_control_characters_in_the_path_are_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _validate(capsys, str(tmp_path / "\x1b]0;pwned\x07" / "x\n.xml"))
    assert status == 2 and "\\x1b]0;pwned\\x07/x\\n.xml: no folder" in err and "\x1b" not in err
    status, _, err = _validate(capsys, "a\0b.xml")  # not from a shell, but from a caller of main()
    assert status == 2 and err == "contentpack validate: error: --junit a\\x00b.xml: a path cannot hold a NUL character\n"


def test_a_symbolic_link_stays_a_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "reports" / "validate.xml"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "validate.xml"
    link.symlink_to(target)
    status, _, _ = _validate(capsys, str(link))
    assert status == 0 and link.is_symlink() and target.read_text().startswith("<?xml")
    assert sorted(p.name for p in target.parent.iterdir()) == ["validate.xml"]  # no temporary file left


def test_a_fifo_with_a_reader_gets_the_report_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    outcome = run_cli("validate", "--root", str(VALID), "--junit", str(fifo), timeout=30)
    reader.join(10)
    outcome.assert_handled()
    assert outcome.returncode == 0 and received and received[0].startswith(b"<?xml")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_fifo_nobody_reads_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    outcome = run_cli("validate", "--root", str(VALID), "--junit", str(fifo), timeout=30)
    outcome.assert_handled()
    assert outcome.returncode == 2 and stat.S_ISFIFO(fifo.stat().st_mode)
    assert f"--junit {fifo}: a FIFO (named pipe) no process is reading: start the reader first" in outcome.stderr


def test_replay_refuses_a_bad_junit_path_before_replaying(tmp_path: Path) -> None:
    outcome = run_cli("replay", "--root", str(VALID), "--detection", PROMPTS, "--junit", str(tmp_path), timeout=30)
    outcome.assert_handled()
    assert outcome.returncode == 2 and outcome.stdout == ""
    assert f"contentpack replay: error: --junit {tmp_path}: a folder, not a file" in outcome.stderr


def test_character_devices_are_written_into_never_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    """``/dev/null`` is written into: a rename over it, as root, would replace the device with a file. The
    renaming writer is disabled here, so that even a regression cannot touch the machine's ``/dev/null``."""
    def no_rename(path: Path, prefix: str | None = None) -> None:
        raise AssertionError(f"{path} would have been replaced")

    monkeypatch.setattr(report_file, "atomic_file", no_rename)
    assert problem(Path("/dev/null")) is None
    write_report(Path("/dev/null"), b"<testsuites/>\n")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_device_is_written_into_where_os_has_no_set_blocking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows before Python 3.12 has no ``os.set_blocking`` (nor ``O_NONBLOCK``): writing into a device must
    not need it. The renaming writer is disabled, as above."""
    def no_rename(path: Path, prefix: str | None = None) -> None:
        raise AssertionError(f"{path} would have been replaced")

    monkeypatch.setattr(report_file, "atomic_file", no_rename)
    monkeypatch.delattr(os, "set_blocking")
    monkeypatch.delattr(os, "O_NONBLOCK")
    write_report(Path("/dev/null"), b"<testsuites/>\n")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
