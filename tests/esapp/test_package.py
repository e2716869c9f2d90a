"""Deterministic tarballs, safe member paths, atomic replacement of the output folder, reproducible dates."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from contentpack.esapp.dates import BuildDateError, build_date
from contentpack.esapp.output import OutputError, staged_output
from contentpack.esapp.package import PackageError, tarball_bytes, write_tree
from . import factory


def test_tarball_is_byte_identical_and_normalised() -> None:
    files = {"default/app.conf": b"[id]\n", "README.md": b"x\n", "lookups/a.csv": b"a\n"}
    first = tarball_bytes("app", files, factory.EPOCH)
    second = tarball_bytes("app", dict(reversed(list(files.items()))), factory.EPOCH)
    assert first == second
    assert gzip.decompress(first)  # a valid gzip stream
    with tarfile.open(fileobj=io.BytesIO(first)) as tar:
        members = tar.getmembers()
    names = [m.name for m in members]
    assert names == sorted(names)
    assert names == ["app", "app/README.md", "app/default", "app/default/app.conf", "app/lookups", "app/lookups/a.csv"]
    for m in members:
        assert (m.mtime, m.uid, m.gid, m.uname, m.gname) == (factory.EPOCH, 0, 0, "", "")
        assert m.mode == (0o755 if m.isdir() else 0o644)
        assert m.isdir() or m.isfile()


def test_gzip_header_carries_build_date_not_wall_clock() -> None:
    data = tarball_bytes("app", {"a": b"1"}, factory.EPOCH)
    assert int.from_bytes(data[4:8], "little") == factory.EPOCH


def test_gzip_header_carries_no_file_name() -> None:
    """The module's promise, "the gzip header carries the build date and no file name" (RFC 1952 2.3.1: FLG bit 3,
    FNAME, says an original file name follows): the bytes do not depend on what the output is called."""
    data = tarball_bytes("app", {"a": b"1"}, factory.EPOCH)
    assert data[:3] == b"\x1f\x8b\x08" and data[3] == 0  # no FTEXT, FHCRC, FEXTRA, FNAME or FCOMMENT


@pytest.mark.parametrize("path", ["/etc/passwd", "../x", "a/../../x", "local/app.conf", "metadata/local.meta", "a\\b"])
def test_unsafe_members_are_refused(path: str) -> None:
    with pytest.raises(PackageError):
        tarball_bytes("app", {path: b""}, factory.EPOCH)


def test_failed_write_leaves_previous_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "old.txt").write_text("previous build")

    def failing(folder: Path) -> None:
        (folder / "half.txt").write_text("half")
        raise PackageError("half.txt", "boom")

    with pytest.raises(PackageError):
        with staged_output(out, force=True) as staging:
            failing(staging)
    assert sorted(p.name for p in out.iterdir()) == ["old.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]  # no staging folder left behind


def test_successful_write_replaces_output(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "old.txt").write_text("previous build")
    with staged_output(out, force=True) as staging:
        (staging / "new.txt").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == [".contentpack-build", "new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_output_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dist").write_text("not a folder")
    with pytest.raises(OutputError, match="not a folder"):
        with staged_output(tmp_path / "dist"):
            pass


def test_build_date_prefers_source_date_epoch(tmp_path: Path) -> None:
    date = build_date(tmp_path, {"SOURCE_DATE_EPOCH": "1767225600"})
    assert (date.origin, date.stamp, date.day.isoformat()) == ("SOURCE_DATE_EPOCH", "20260101000000", "2026-01-01")
    with pytest.raises(BuildDateError, match="not an integer"):
        build_date(tmp_path, {"SOURCE_DATE_EPOCH": "yesterday"})


def test_build_date_falls_back_to_last_commit_then_content_then_refuses(tmp_path: Path) -> None:
    with pytest.raises(BuildDateError, match="set SOURCE_DATE_EPOCH"):
        build_date(tmp_path, {})
    content = build_date(tmp_path, {}, dt.date(2026, 11, 20))
    assert (content.origin, content.stamp) == ("newest detection date", "20261120000000")
    assert content.note is not None and "dated 2026-11-20, the newest detection date" in content.note
    env = {"GIT_AUTHOR_DATE": "2025-03-04T05:06:07Z", "GIT_COMMITTER_DATE": "2025-03-04T05:06:07Z",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q"], ["commit", "-q", "--allow-empty", "-m", "x"]):
        subprocess.run(["git", "-C", str(tmp_path), *args], env=env, check=True, capture_output=True)
    date = build_date(tmp_path, {}, dt.date(2026, 11, 20))  # a commit wins over the content's date
    assert (date.origin, date.stamp, date.note) == ("last commit", "20250304050607", None)


# ------------------------------------------------------------------ taking over unchanged files from the last build

FILES = {"default/app.conf": b"[id]\n", "docs/a.md": b"# a\n", "docs/b.md": b"# b\n"}


def _previous(tmp_path: Path) -> Path:
    old = tmp_path / "dist"
    assert write_tree(old, FILES, factory.EPOCH) == 0
    return old


def test_unchanged_files_are_linked_from_the_previous_output_and_it_survives_a_failed_build(tmp_path: Path) -> None:
    old = _previous(tmp_path)
    changed = {**FILES, "docs/b.md": b"# b, edited\n", "docs/c.md": b"# c\n"}
    new = tmp_path / "staging"
    assert write_tree(new, changed, factory.EPOCH, previous=old) == 2  # app.conf and a.md
    assert os.path.samefile(new / "docs/a.md", old / "docs/a.md")
    assert not os.path.samefile(new / "docs/b.md", old / "docs/b.md")
    # What a failed build does with its staging folder: the previous output is exactly as it was.
    for rel in changed:
        (new / rel).unlink()
    for rel, data in FILES.items():
        assert (old / rel).read_bytes() == data
        assert os.stat(old / rel).st_nlink == 1
        assert int(os.stat(old / rel).st_mtime) == factory.EPOCH


def test_a_rebuild_through_the_staging_swap_takes_over_files_and_leaves_single_names(tmp_path: Path) -> None:
    out = _previous(tmp_path)
    with staged_output(out, force=True) as staging:
        assert write_tree(staging, FILES, factory.EPOCH, previous=out) == 3
    for rel, data in FILES.items():
        assert (out / rel).read_bytes() == data
        assert os.stat(out / rel).st_nlink == 1  # the old tree's names are gone with it


@pytest.mark.parametrize("spoil", ["symlink", "extra_link", "other_date", "world_writable", "same_size_other_bytes"])
def test_only_a_plain_identical_file_of_this_build_date_is_taken_over(tmp_path: Path, spoil: str) -> None:
    old = _previous(tmp_path)
    target = old / "docs/a.md"
    if spoil == "symlink":  # identical bytes, but behind a link: never followed
        elsewhere = tmp_path / "elsewhere.md"
        elsewhere.write_bytes(FILES["docs/a.md"])
        os.utime(elsewhere, (factory.EPOCH, factory.EPOCH))
        target.unlink()
        target.symlink_to(elsewhere)
    elif spoil == "extra_link":  # a file with another name outside the output must not end up shared
        os.link(target, tmp_path / "outside.md")
    elif spoil == "other_date":
        os.utime(target, (factory.EPOCH + 1, factory.EPOCH + 1))
    elif spoil == "world_writable":
        target.chmod(0o666)
    else:
        target.write_bytes(b"# A\n")
        os.utime(target, (factory.EPOCH, factory.EPOCH))
    new = tmp_path / "staging"
    assert write_tree(new, FILES, factory.EPOCH, previous=old) == 2
    assert (new / "docs/a.md").read_bytes() == FILES["docs/a.md"]
    assert not (new / "docs/a.md").is_symlink()
    assert os.stat(new / "docs/a.md").st_nlink == 1


@pytest.mark.parametrize("previous", ["missing", "a_file"])
def test_a_previous_output_that_is_not_a_folder_takes_nothing_over(tmp_path: Path, previous: str) -> None:
    old = tmp_path / "dist"
    if previous == "a_file":
        old.write_bytes(b"not an output")
    new = tmp_path / "staging"
    assert write_tree(new, FILES, factory.EPOCH, previous=old) == 0
    for rel, data in FILES.items():
        assert (new / rel).read_bytes() == data
        assert int(os.stat(new / rel).st_mtime) == factory.EPOCH
