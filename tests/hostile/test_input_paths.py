"""The paths the commands read and write, attacked (round 3): folders ``backtest --events`` walks that this user
cannot read, report names taken by folders, output FIFOs nobody reads, a lookup header of millions of columns.
Each once gave a silent partial run, a partial set of reports, a hang, or a 20 MB error line.

Run as root (as CI containers are), permissions do not bite: the refusals the kernel would give an ordinary
user are made by patching the call that meets them (``os.scandir`` for a folder, ``os.access`` for a file).
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from contentpack.backtest.inputs import InputError, find_inputs
from contentpack.cli import main
from contentpack.datagen import scale
from contentpack.datagen.scale import CHUNK_EVENTS
from contentpack.spl import SplError
from contentpack.spl.lookups import MatchRules, read_lookup_csv

from .support import ROOT, copy_pack, run_cli

SINGLE = ROOT / "attack_data" / "single_user_declines" / "single_user_declines.log"


def _refuse(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """``os.scandir(folder)`` fails as a folder without read permission does for an ordinary user."""
    real = os.scandir

    def scandir(path: str | os.PathLike[str]) -> object:
        if Path(path) == folder:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_subfolder_is_an_error_not_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before, ``Path.rglob`` skipped it without a word: the backtest ran over part of the logs and exited 0."""
    (tmp_path / "a.log").write_text("{}\n")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.log").write_text("{}\n")
    _refuse(monkeypatch, tmp_path / "locked")
    with pytest.raises(InputError) as caught:
        find_inputs([tmp_path])
    assert str(caught.value) == f"{tmp_path}/locked: cannot read the folder: Permission denied"


def test_an_unreadable_folder_is_not_said_to_hold_no_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.log").write_text("{}\n")
    _refuse(monkeypatch, tmp_path)
    with pytest.raises(InputError) as caught:
        find_inputs([tmp_path])
    assert str(caught.value) == f"{tmp_path}: cannot read the folder: Permission denied"


def test_every_unreadable_log_file_is_named_before_any_is_read(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Before, the first one stopped the backtest only when its turn came, after the files before it were read,
    and the next one only on the run after that."""
    for name in ("a.log", "b.log", "c.log", *(f"z{i}.log" for i in range(7))):
        (tmp_path / name).write_text("{}\n")
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path).name == "a.log" and real(path, mode))
    with pytest.raises(InputError) as caught:
        find_inputs([tmp_path])
    assert str(caught.value) == "; ".join(f"{tmp_path}/{name}: cannot read: Permission denied"
                                          for name in ("b.log", "c.log", "z0.log", "z1.log", "z2.log")) \
        + " (+4 more)"


def test_walking_keeps_what_it_took_before(tmp_path: Path) -> None:
    """Log names only, in path order; hidden names, links to folders (a loop too), FIFOs and links to devices
    left out, as ``rglob`` left them."""
    for name in ("b.log", "a.json", "sub/c.jsonl.gz", "README", ".hidden/d.log", "sub/.e.log"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}\n")
    (tmp_path / "up").symlink_to("..")
    (tmp_path / "self.log").symlink_to("self.log")
    (tmp_path / "zero.log").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "fifo.log")
    names = ("a.json", "b.log", "sub/c.jsonl.gz")
    assert find_inputs([tmp_path]).files == tuple(str(tmp_path / name) for name in names)


def test_an_unreadable_content_folder_fails_validate_and_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Before, ``os.walk`` skipped it without a word: "valid: 0 errors, 0 warnings (0 detections, ...)", and
    ``build`` (with SOURCE_DATE_EPOCH set) said "built 0 detections", exit 0: an app without its detections."""
    pack = copy_pack(tmp_path)
    _refuse(monkeypatch, pack / "detections" / "cloud")
    status = main(["validate", "--root", str(pack)])
    out = capsys.readouterr().out
    assert status == 1 and "detections/cloud: error[CP002]: cannot read the folder: Permission denied\n" in out
    assert main(["build", "--root", str(pack), "--output", str(tmp_path / "dist")]) == 1
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize(("make", "what"), [(lambda p: p.write_text("x\n"), "a file"),
                                            (lambda p: os.mkfifo(p), "a FIFO (named pipe)")])
def test_a_file_where_a_content_folder_goes_is_a_validate_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], object], what: str) -> None:
    """Before: "valid: 0 errors, 0 warnings (0 detections, ...)", exit 0, for a pack whose detections/ was a file
    (a symbolic link there is CP015 already); a missing folder still just holds no content."""
    pack = copy_pack(tmp_path)
    shutil.rmtree(pack / "detections")
    make(pack / "detections")
    status = main(["validate", "--root", str(pack)])
    out = capsys.readouterr().out
    assert status == 1 and out.startswith(
        f"detections: error[CP015]: {what} where the content folder should be: not read (make it a folder)\n")
    (pack / "detections").unlink()
    assert main(["validate", "--root", str(pack)]) == 0


def test_a_folder_where_a_backtest_report_goes_is_refused_before_the_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before, the run went to its end, wrote notables.jsonl and risk.jsonl over the last run's, then stopped at
    ``summary.json: Is a directory``: a folder of reports from two different runs."""
    (tmp_path / "summary.json").mkdir()
    (tmp_path / "notables.jsonl").write_text("last run\n")
    status = main(["backtest", "--root", str(ROOT), "--events", str(SINGLE), "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert status == 2 and captured.out == ""
    assert captured.err == (f"contentpack backtest: error: --out {tmp_path}: holds a folder named summary.json, "
                            "where that report file goes\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notables.jsonl", "summary.json"]
    assert (tmp_path / "notables.jsonl").read_text() == "last run\n"


def test_generate_data_refuses_a_fifo_nobody_reads_at_once(tmp_path: Path) -> None:
    """Before, ``open`` waited for a reader for ever (``--junit`` had refused such a FIFO since round 2)."""
    fifo = tmp_path / "events.fifo"
    os.mkfifo(fifo)
    outcome = run_cli("generate-data", "--events", "10", "--no-progress", "--out", str(fifo), timeout=20)
    assert outcome.returncode == 2 and outcome.stdout == ""
    assert outcome.stderr == (f"contentpack generate-data: error: {fifo}: a FIFO (named pipe) no process is "
                              "reading: start the reader first\n")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_generate_data_streams_several_chunks_into_a_pipe(tmp_path: Path) -> None:
    """``--out /dev/stdout | gzip``: the writer sought to the end of its output after each chunk, which a pipe
    cannot do, so past one chunk (10,000 records) with two workers it stopped with "File or stream is not
    seekable" and a cut stream; the workers' part files were made in ``/dev``, where only root may. The summary
    line went to stdout too, into the data; output that is not a regular file gets it on stderr."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    args = ["generate-data", "--events", str(CHUNK_EVENTS + 1), "--workers", "2", "--no-progress"]
    piped = subprocess.run([sys.executable, "-m", "contentpack", *args, "--out", "/dev/stdout"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120, check=False)
    assert piped.returncode == 0, piped.stderr.decode()
    assert main([*args, "--out", str(tmp_path / "events.jsonl")]) == 0
    written = (tmp_path / "events.jsonl").read_bytes()
    assert piped.stdout == written and written.count(b"\n") == CHUNK_EVENTS + 1  # the records alone
    assert f"/dev/stdout: {CHUNK_EVENTS + 1:,} events".encode() in piped.stderr  # the summary beside them


def test_generate_data_that_fails_midway_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Before, the file was opened with ``open(path, "wb")``: a disk that filled (or a Ctrl-C) after the first
    chunk left the last run's file cut to the new run's first records."""
    out = tmp_path / "events.jsonl"
    out.write_bytes(b"the last run's records\n")
    real = scale._chunk_text

    def chunk_text(seed: int, index: int, *rest: object) -> object:
        if index > 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(seed, index, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(scale, "_chunk_text", chunk_text)
    status = main(["generate-data", "--events", str(CHUNK_EVENTS + 1), "--workers", "1", "--no-progress",
                   "--out", str(out)])
    assert status == 2 and "No space left on device" in capsys.readouterr().err
    assert out.read_bytes() == b"the last run's records\n"
    assert [p.name for p in tmp_path.iterdir()] == ["events.jsonl"]


def test_a_lookup_header_of_a_million_columns_gives_a_short_error(tmp_path: Path) -> None:
    """``search --geoip`` with a CSV whose header held two million names printed all of them, one 20 MB line."""
    table = tmp_path / "wide.csv"
    table.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n", encoding="utf-8")
    with pytest.raises(SplError) as caught:
        read_lookup_csv("geoip", table, MatchRules.from_settings(match_type="CIDR(network)"))
    assert caught.value.message == (f"{table}: lookup 'geoip': match_type names 'network', which is not a column "
                                    f"(columns: {', '.join(f'c{i}' for i in range(20))}, ... (1,000,000 in all))")


def test_a_lookup_that_is_not_utf8_says_where(tmp_path: Path) -> None:
    """Before: "'utf-8' codec can't decode byte 0xe9 in position 18: invalid continuation byte", a count of bytes
    from the start of the file, where the pack's validator gives the line (``lookups/x.csv:3:1``)."""
    table = tmp_path / "apps.csv"
    table.write_bytes(b"\xef\xbb\xbfa,b\n1,caf\xc3\xa9\n2,x\xe9y\n")
    with pytest.raises(SplError) as caught:
        read_lookup_csv("apps", table, MatchRules())
    assert caught.value.message == f"{table}: lookup 'apps': line 3: not valid UTF-8 (byte 0xe9 at column 4)"


def test_generate_data_replaces_links_in_its_output_never_writes_through_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A scenario's log and dataset.yml linked to files outside the output folder: before, ``write_bytes`` and
    ``write_text`` overwrote those files (the app changed something outside itself)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "out" / "single_user_declines"
    folder.mkdir(parents=True)
    for name in ("single_user_declines.log", "dataset.yml"):
        (outside / name).write_text("someone else's file\n")
        (folder / name).symlink_to(outside / name)
    assert main(["generate-data", "--scenario", "single_user_declines", "--out", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    for name in ("single_user_declines.log", "dataset.yml"):
        assert (outside / name).read_text() == "someone else's file\n"
        assert not (folder / name).is_symlink()
        assert (folder / name).read_bytes() == (ROOT / "attack_data" / "single_user_declines" / name).read_bytes()


def test_generate_data_refuses_a_docs_path_it_cannot_write_before_writing_scenarios(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before, every scenario was written first, then Python's words for the Markdown file alone."""
    docs = tmp_path / "missing" / "attack_data.md"
    status = main(["generate-data", "--scenario", "single_user_declines", "--out", str(tmp_path / "out"),
                   "--docs", str(docs)])
    assert status == 2
    assert capsys.readouterr().err == (f"contentpack generate-data: error: --docs {docs}: no folder "
                                       f"{tmp_path}/missing to write it in\n")
    assert not (tmp_path / "out").exists()
