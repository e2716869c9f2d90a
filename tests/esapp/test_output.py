"""Replacing the output folder: never what the build did not make, never leaving no output, no leftovers.

Issue 11 (hostile input, "the user's data deleted" and "non-atomic swap"): ``build --output DIR`` must refuse a
folder it cannot recognise as its own previous output and leave it untouched; a kill at any moment must leave
the old or the new output in place; the next build removes the temp folders killed builds left.
"""

from __future__ import annotations

import ctypes.util
import dataclasses
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from contentpack.esapp import output as output_module
from contentpack.esapp.builder import BuildReport, build_pack
from contentpack.esapp.output import MARKER, OutputError, exchange, recover, staged_output
from contentpack.content.model import Pack
from . import factory

REPO = Path(__file__).resolve().parents[2]


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes | str]]:
    """Everything about a tree a careless replacement could change: names, modes, times, bytes, link targets."""
    out: dict[str, tuple[int, int, bytes | str]] = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        content: bytes | str = os.readlink(path) if path.is_symlink() else path.read_bytes() if path.is_file() else ""
        out[path.relative_to(folder).as_posix()] = (info.st_mode, info.st_mtime_ns, content)
    return out


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(tmp_path: Path, out: Path, pack: Pack | None = None, force: bool = False) -> BuildReport:
    return build_pack(pack or factory.pack(tmp_path), out, environ=factory.ENV, force=force)


def folder_of_apps(out: Path) -> None:
    """What a user may point --output at by mistake: installed Splunk apps with their own settings."""
    for app in ("Splunk_TA_microsoft-cloudservices", "SA-Custom"):
        (out / app / "default").mkdir(parents=True)
        (out / app / "default" / "app.conf").write_text("[install]\nstate = enabled\n")
        (out / app / "local").mkdir()
        (out / app / "local" / "inputs.conf").write_text("[mscs_azure_event_hub://prod]\ninterval = 60\n")
    os.symlink("SA-Custom", out / "alias")


def docs_and_a_tarball(out: Path) -> None:
    """A folder holding what a build writes, but copied there by hand: no marker, so not the build's to delete."""
    (out / "docs" / "detections").mkdir(parents=True)
    (out / "docs" / "index.md").write_text("# my notes\n")
    (out / "DA-ESS-TestPack-1.2.3.tar.gz").write_bytes(b"\x1f\x8b not really")


@pytest.mark.parametrize("fill", [folder_of_apps, docs_and_a_tarball])
def test_a_folder_the_build_did_not_make_is_refused_and_left_untouched(tmp_path: Path, fill) -> None:
    out = tmp_path / "apps"
    out.mkdir()
    fill(out)
    before = snapshot(out)
    report = build(tmp_path, out)
    assert not report.ok
    problem = report.build_problems[-1]
    assert (problem.rule, problem.position.path) == ("BD001", str(out))
    assert "does not look like a build output" in problem.message and "--force" in problem.message
    assert snapshot(out) == before  # byte for byte, modes and times too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["apps"]  # no staging folder left


def test_force_replaces_a_folder_the_build_did_not_make(tmp_path: Path) -> None:
    out = tmp_path / "apps"
    out.mkdir()
    folder_of_apps(out)
    report = build(tmp_path, out, force=True)
    assert report.ok, report.build_problems
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "DA-ESS-TestPack", "DA-ESS-TestPack-1.2.3.tar.gz", "docs"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["apps"]


def test_force_never_replaces_the_pack_itself(tmp_path: Path) -> None:
    report = build(tmp_path, tmp_path, force=True)
    assert not report.ok and "holds the pack itself" in report.build_problems[0].message


@pytest.mark.parametrize("inside", ["detections", "macros/sub", "attack_data", "lookups", ".git"])
def test_force_never_replaces_a_folder_of_the_pack(tmp_path: Path, inside: str) -> None:
    """``--output detections --force`` from the pack root (a slip of the finger) would have deleted every
    detection: an output inside the pack's content, sample logs or a hidden folder (.git) is refused."""
    pack = factory.pack(tmp_path)
    (tmp_path / inside).mkdir(parents=True, exist_ok=True)
    (tmp_path / inside / "keep.yml").write_text("name: keep\n")
    before = snapshot(tmp_path)
    report = build(tmp_path, tmp_path / inside, pack, force=True)
    assert not report.ok and [p.render() for p in report.build_problems] == [
        f"{tmp_path / inside}: error[BD001]: is inside the pack's {inside.split('/')[0]}/ folder; choose another "
        "output folder"]
    assert snapshot(tmp_path) == before


def test_an_output_folder_inside_the_pack_beside_its_content_is_fine(tmp_path: Path) -> None:
    report = build(tmp_path, tmp_path / "dist", force=True)
    assert report.ok, report.build_problems


def test_an_empty_folder_and_the_builds_own_output_are_replaced(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    assert build(tmp_path, out).ok
    first = tree(out)
    assert (out / MARKER).read_text().splitlines()[1:] == ["DA-ESS-TestPack", "DA-ESS-TestPack-1.2.3.tar.gz", "docs"]
    assert build(tmp_path, out).ok
    assert tree(out) == first


def test_something_added_to_a_previous_output_is_not_deleted(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert build(tmp_path, out).ok
    (out / "release-notes.md").write_text("mine")
    before = snapshot(out)
    report = build(tmp_path, out)
    assert not report.ok and "release-notes.md" in report.build_problems[-1].message
    assert snapshot(out) == before


def test_a_forged_or_foreign_marker_is_not_recognised(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / MARKER).write_text("anything\nnotes.txt\n")
    assert not build(tmp_path, out).ok
    (out / MARKER).unlink()
    os.symlink(tmp_path / "elsewhere", out / MARKER)
    assert not build(tmp_path, out).ok
    assert (out / "notes.txt").read_text() == "mine"


def test_the_next_build_removes_stale_temp_folders_it_owns_and_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert build(tmp_path, out).ok
    killed_staging = tmp_path / ".dist.building-k1ll3d"
    killed_staging.mkdir()
    (killed_staging / MARKER).write_text((out / MARKER).read_text())
    (killed_staging / "docs").mkdir()
    (killed_staging / "docs" / "half.md").write_text("half")
    old_copy = tmp_path / ".dist.building-0ld.old"
    old_copy.mkdir()
    (old_copy / MARKER).write_text((out / MARKER).read_text())
    (old_copy / "DA-ESS-TestPack").mkdir()
    just_made = tmp_path / ".dist.building-3mpty"  # killed right after mkdtemp, before its marker
    just_made.mkdir()
    not_ours = tmp_path / ".dist.building-notes"  # a name like ours, but a user's files and no marker
    not_ours.mkdir()
    (not_ours / "keep.txt").write_text("mine")
    assert build(tmp_path, out).ok
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist.building-notes", "dist"]
    assert (not_ours / "keep.txt").read_text() == "mine"


def test_a_one_by_one_swap_cut_short_is_finished_by_the_next_build(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Where names cannot be exchanged in one step, entries move into the output folder one by one; a build
    killed part-way leaves the folder there with some entries new, and the next build finishes the swap."""
    monkeypatch.setattr(output_module, "exchange", lambda a, b: False)
    out = tmp_path / "dist"
    pack = factory.pack(tmp_path)
    assert build(tmp_path, out, dataclasses.replace(pack, app=dataclasses.replace(pack.app, version="1.0.0"))).ok
    reference = tmp_path / "reference"
    assert build(tmp_path, reference).ok
    real_rename = Path.rename
    moves: list[str] = []

    def rename_then_die(self: Path, target: Path) -> Path:
        moves.append(self.name)
        if len(moves) == 3:  # after the app folder moved in and the old tarball moved aside
            raise KeyboardInterrupt  # stands for the kill: nothing after this runs
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename_then_die)
    monkeypatch.setattr(shutil, "rmtree", lambda *args, **kwargs: None)  # a killed process cleans nothing up
    with pytest.raises(KeyboardInterrupt):
        with staged_output(out) as staging:
            for name, data in tree(reference).items():
                (staging / name).parent.mkdir(parents=True, exist_ok=True)
                (staging / name).write_bytes(data)
    monkeypatch.undo()
    assert out.is_dir() and tree(out) != tree(reference)  # cut short: a mix, but the folder is there
    recover(out)
    assert tree(out) == tree(reference)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "reference"]


def test_without_an_exchange_call_the_one_by_one_order_replaces_the_output(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output_module, "exchange", lambda a, b: False)
    out = tmp_path / "dist"
    assert build(tmp_path, out).ok
    pack = factory.pack(tmp_path)
    newer = dataclasses.replace(pack, app=dataclasses.replace(pack.app, version="2.0.0"))
    assert build(tmp_path, out, newer).ok
    assert (out / "DA-ESS-TestPack-2.0.0.tar.gz").is_file() and not (out / "DA-ESS-TestPack-1.2.3.tar.gz").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_the_exchange_swaps_two_folders_where_linux_offers_it(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "from-a").write_text("")
    swapped = exchange(a, b)
    if sys.platform.startswith("linux"):  # renameat2 exists since glibc 2.28; ext4, tmpfs, btrfs, xfs support it
        assert swapped
    if swapped:
        assert (b / "from-a").exists() and not (a / "from-a").exists()
    else:
        assert (a / "from-a").exists()  # nothing moved: the caller falls back to the two renames


@pytest.fixture
def fresh_lookup() -> Iterator[None]:
    """The exchange call looked up anew in the test (and again after it, without the test's patches)."""
    output_module._exchange_call.cache_clear()
    yield
    output_module._exchange_call.cache_clear()


def _no_child_process(*args: object, **kwargs: object) -> None:
    raise AssertionError("a child process was started")


@pytest.mark.usefixtures("fresh_lookup")
def test_the_exchange_call_is_looked_up_once_without_a_child_process(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """``ctypes.util.find_library`` runs ``ldconfig -p`` in a child process on Linux (3 ms a rebuild): the call is
    found among the process's own symbols instead, once."""
    monkeypatch.setattr(subprocess, "Popen", _no_child_process)
    monkeypatch.setattr(ctypes.util, "find_library", _no_child_process)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "from-a").write_text("")
    first, second = exchange(a, b), exchange(a, b)
    assert first == second and (first or not sys.platform.startswith("linux"))
    assert (a / "from-a").exists()  # swapped there and back, or never moved
    assert output_module._exchange_call.cache_info().misses == 1


@pytest.mark.usefixtures("fresh_lookup")
@pytest.mark.parametrize("platform", ["win32", "linux"])
def test_without_the_exchange_call_nothing_moves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 platform: str) -> None:
    """Windows has no such call; a C library without the symbol (glibc before 2.28) neither: the caller falls
    back to moving entries one by one."""
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(ctypes, "CDLL", lambda name: types.SimpleNamespace())  # a library without renameat2
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "from-a").write_text("")
    assert not exchange(a, b)
    assert (a / "from-a").exists()


def test_a_failed_staging_block_removes_the_staging_folder(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        with staged_output(tmp_path / "dist") as staging:
            (staging / "x").write_text("")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------ killed at random moments

CHILD = """
import dataclasses, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tests.esapp import factory
from contentpack.esapp import output
from contentpack.esapp.builder import build_pack
root, out, one_by_one = Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] == "1"
if one_by_one:
    output.exchange = lambda a, b: False
pack = factory.pack(root)
packs = [pack, dataclasses.replace(pack, app=dataclasses.replace(pack.app, version="9.9.9"))]
i = 0
while True:
    report = build_pack(packs[i % 2], out, environ=factory.ENV)
    assert report.ok, report.build_problems
    if i == 0:  # warm now (imports, ATT&CK data), as the builds the parent timed
        print("ready", flush=True)
    i += 1
"""


@pytest.mark.slow
def test_killing_builds_at_random_moments_never_leaves_the_output_missing(tmp_path: Path) -> None:
    """Builds run back to back in a real process that is SIGKILLed at random moments: after every kill the
    output folder exists. With the rename-exchange it is one complete build, old or new, at once; with the
    one-by-one order (half of the runs) it is one after the recovery the next build starts with."""
    if not hasattr(signal, "SIGKILL"):
        pytest.fail("needs SIGKILL (POSIX)")
    pack_root = tmp_path / "pack"
    pack_root.mkdir()
    out = tmp_path / "dist"
    pack = factory.pack(pack_root)
    expected = []
    for version in ("1.2.3", "9.9.9"):
        reference = tmp_path / f"reference-{version}"
        assert build_pack(dataclasses.replace(pack, app=dataclasses.replace(pack.app, version=version)), reference,
                          environ=factory.ENV).ok
        expected.append(tree(reference))
    start = time.perf_counter()
    assert build_pack(pack, out, environ=factory.ENV).ok
    one_build = time.perf_counter() - start
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    rng = random.Random(20261202)
    kills = 24
    mid_build = 0  # kills that left a staging folder or a parked old output: they landed inside a build
    for attempt in range(kills):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(REPO), str(pack_root), str(out), str(attempt % 2)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        try:
            assert child.stdout is not None and child.stdout.readline().strip() == "ready", child.stderr
            time.sleep(rng.uniform(0, 4 * one_build))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
            child.stdout.close()  # type: ignore[union-attr]
            child.stderr.close()  # type: ignore[union-attr]
        assert out.is_dir(), f"kill {attempt}: the output folder is missing"
        mid_build += any(p.name.startswith(".dist.building-") for p in tmp_path.iterdir())
        if attempt % 2:  # one by one: the folder is there; the next build's recovery completes the swap
            recover(out)
        assert tree(out) in expected, f"kill {attempt}: the output is not one complete build"
    print(f"{mid_build} of {kills} kills landed inside a build")
    assert mid_build >= 3  # some kills really landed while a build was writing or swapping (typically half)
    assert build_pack(pack, out, environ=factory.ENV).ok  # cleans up what the last kill left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "pack", "reference-1.2.3", "reference-9.9.9"]


def test_an_output_from_before_the_marker_is_recognised_by_its_exact_shape(tmp_path: Path) -> None:
    """dist/ folders written before builds left a marker are still replaced (one app without local/, its
    tarball, docs/ with index.md — nothing else); one entry more or less and they are refused."""
    out = tmp_path / "dist"
    assert build(tmp_path, out).ok
    (out / MARKER).unlink()
    assert build(tmp_path, out).ok  # the earlier build's exact shape
    (out / MARKER).unlink()
    (out / "DA-ESS-TestPack" / "local").mkdir()
    assert not build(tmp_path, out).ok
    (out / "DA-ESS-TestPack" / "local").rmdir()
    (out / "notes.txt").write_text("mine")
    assert not build(tmp_path, out).ok
    assert (out / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("force", [False, True])
def test_an_output_path_that_is_a_link_is_refused_as_a_link(tmp_path: Path, force: bool) -> None:
    """A link to a folder was refused safely but said to "exist and not be a folder", which it is, to a reader
    who follows it: the message names the link, and the folder it points to is left as it was, even with --force
    (replacing the link's target reaches outside the path the user gave)."""
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "keep.txt").write_text("keep\n")
    out = tmp_path / "dist"
    out.symlink_to(target, target_is_directory=True)
    before = snapshot(tmp_path)
    report = build(tmp_path, out, force=force)
    assert not report.ok and [p.render() for p in report.build_problems] == [
        f"{out}: error[BD001]: is a symbolic link; refusing to replace it (give the folder it points to)"]
    assert snapshot(tmp_path) == before and out.is_symlink()
