"""An unusable ``$CONTENTPACK_CACHE_DIR`` the user set is said once per run, on stderr, and the caches are off for
that run (before, they were off without a word, and every run parsed the whole pack again); so is an unusable
``$XDG_CACHE_HOME`` when it is the one that places the caches (it was silent: the user set it as well). The default
folder, ``CONTENTPACK_CACHE=off`` and a folder still to be made stay silent (``cli._cache_checked``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from contentpack.cli import main
from contentpack.content import parse_cache
from contentpack.content.parse_cache import cache_path

VALID = Path(__file__).resolve().parent / "content" / "fixtures" / "valid"
OFF = "; the parse cache is off for this run\n"


def _cache_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The cache files the parse cache reads from now on (each read answers nothing, as a missing file does)."""
    seen: list[Path] = []

    def read_entries(path: Path, salt: str) -> dict[object, object]:
        seen.append(path)
        return {}

    monkeypatch.setattr(parse_cache, "read_entries", read_entries)
    return seen


def _validate(capsys: pytest.CaptureFixture[str], *more: str) -> tuple[int, str, str]:
    status = main(["validate", "--root", str(VALID), *more])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize(("where", "why"), [
    ("file", "a file, not a folder"),
    ("file/cache", "{tmp}/file is a file, not a folder"),
    ("/dev/null", "a character device, not a folder"),
])
def test_an_unusable_cache_folder_the_user_set_is_one_warning_and_the_cache_is_off(
        where: str, why: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("not a folder\n")
    folder = where if where.startswith("/") else str(tmp_path / where)
    monkeypatch.setenv("CONTENTPACK_CACHE_DIR", folder)
    seen = _cache_reads(monkeypatch)
    status, out, err = _validate(capsys, "--format", "json")
    assert err == f"contentpack validate: warning: CONTENTPACK_CACHE_DIR={folder}: {why.format(tmp=tmp_path)}{OFF}"
    assert status == 0 and json.loads(out)["ok"] is True  # stdout holds the JSON document alone
    assert seen == []  # off: not even read
    assert cache_path(VALID) is not None  # only for that run


def test_a_cache_folder_this_user_cannot_write_in_is_said_too(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder is read-only (0555); root may write in it anyway (CI runs as root), so the answer a user gets
    from ``os.access`` for it is given here, as tests/hostile/test_input_paths.py does for unreadable files."""
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if Path(path) == locked and mode & os.W_OK
                        else real_access(path, mode, **kw))
    monkeypatch.setenv("CONTENTPACK_CACHE_DIR", str(locked))
    status, _, err = _validate(capsys)
    assert status == 0 and err == (f"contentpack validate: warning: CONTENTPACK_CACHE_DIR={locked}: the folder "
                                   f"{locked} does not let this user create files in it{OFF}")


@pytest.mark.parametrize(("where", "why"), [
    ("file", "{tmp}/file is a file, not a folder"),
    ("/dev/null", "/dev/null is a character device, not a folder"),
])
def test_an_unusable_xdg_cache_home_is_the_same_warning_naming_it(
        where: str, why: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ``$CONTENTPACK_CACHE_DIR`` the caches go to ``$XDG_CACHE_HOME/contentpack``: an unusable one is the
    user's setting too, said as the other is, naming the variable and its value as set."""
    (tmp_path / "file").write_text("not a folder\n")
    folder = where if where.startswith("/") else str(tmp_path / where)
    monkeypatch.delenv("CONTENTPACK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", folder)
    status, out, err = _validate(capsys, "--format", "json")
    assert err == f"contentpack validate: warning: XDG_CACHE_HOME={folder}: {why.format(tmp=tmp_path)}{OFF}"
    assert status == 0 and json.loads(out)["ok"] is True


# The XDG Base Directory Specification (https://specifications.freedesktop.org/basedir-spec/latest/, "Basics";
# since version 0.7): "All paths set in these environment variables must be absolute. If an implementation
# encounters a relative path in any of these variables it should consider the path invalid and ignore it."
RELATIVE_WARNING = ("contentpack validate: warning: XDG_CACHE_HOME=cache: a relative path, which the XDG Base "
                    "Directory Specification says to ignore; the parse cache is in the default folder, "
                    "~/.cache/contentpack\n")


def test_a_relative_xdg_cache_home_is_ignored_as_the_specification_says_with_a_warning(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Before, ``XDG_CACHE_HOME=cache`` was used as given: a cache folder in whatever folder the command ran in
    (inside the pack, when run there). Now it is unset as far as the caches go: the default folder, and the
    user, who set it, is told once."""
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    monkeypatch.delenv("CONTENTPACK_CACHE_DIR")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", "cache")
    monkeypatch.chdir(work)
    path = cache_path(VALID)
    assert path is not None and path.parent == home / ".cache" / "contentpack"
    status, out, err = _validate(capsys, "--format", "json")
    assert (status, err) == (0, RELATIVE_WARNING) and json.loads(out)["ok"] is True
    assert not (work / "cache").exists() and list((home / ".cache" / "contentpack").glob("parsed-*.marshal"))


def test_a_relative_xdg_cache_home_that_places_nothing_is_not_warned_about(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """``$CONTENTPACK_CACHE_DIR`` places the caches, or they are off: the relative setting changes nothing."""
    monkeypatch.setenv("CONTENTPACK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", "cache")
    assert _validate(capsys)[::2] == (0, "")
    monkeypatch.delenv("CONTENTPACK_CACHE_DIR")
    monkeypatch.setenv("CONTENTPACK_CACHE", "off")
    assert _validate(capsys)[::2] == (0, "")


@pytest.mark.parametrize("settings", [
    {"CONTENTPACK_CACHE_DIR": "/dev/null", "CONTENTPACK_CACHE": "off"},  # turned off: the folder is not used
    {"CONTENTPACK_CACHE_DIR": "{tmp}/new/cache"},  # made with its parents, as the test suite's own is
    {"HOME": "{tmp}/file"},  # the default place (~/.cache), which the user never chose
    {"XDG_CACHE_HOME": "{tmp}/new"},  # its contentpack folder made with its parents
    {"CONTENTPACK_CACHE_DIR": "{tmp}/new/cache", "XDG_CACHE_HOME": "{tmp}/file"},  # not the one used
])
def test_no_warning_when_the_user_set_no_unusable_folder(settings: dict[str, str], tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("not a folder\n")
    monkeypatch.delenv("CONTENTPACK_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    for name, value in settings.items():
        monkeypatch.setenv(name, value.format(tmp=tmp_path))
    status, _, err = _validate(capsys)
    assert (status, err) == (0, "")
    if "XDG_CACHE_HOME" in settings and "CONTENTPACK_CACHE_DIR" not in settings:
        assert list((tmp_path / "new" / "contentpack").glob("parsed-*.marshal"))
    if "new" in settings.get("CONTENTPACK_CACHE_DIR", ""):
        assert list((tmp_path / "new" / "cache").glob("parsed-*.marshal"))  # and it was used


def test_generate_data_which_loads_no_pack_does_not_warn(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTENTPACK_CACHE_DIR", "/dev/null")
    assert main(["generate-data", "--scenario", "quick_regrant", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().err == ""


def test_search_without_a_pack_does_not_warn(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """``search --no-pack`` loads no pack, so it uses no cache: a warning that its cache is off would be noise."""
    monkeypatch.setenv("CONTENTPACK_CACHE_DIR", "/dev/null")
    assert main(["search", "| makeresults | eval x=1", "--no-pack", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out.splitlines()[0].split(",")[-1] == "x"


@pytest.mark.parametrize("relative", [True, False])
def test_a_cache_folder_inside_the_pack_is_never_read_and_is_said(
        relative: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A relative ``$CONTENTPACK_CACHE_DIR`` (``.cache``, as a CI system caching only the project's folder has it)
    run at the pack's root, or an absolute one inside the pack: a pull request could bring a cache file whose
    parse would be believed over the files' own text (docs/build.md: "never inside the pack"). Before, the folder
    was made inside the pack and read."""
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(VALID, pack)
    monkeypatch.chdir(pack)
    folder = ".cache/contentpack" if relative else str(pack / ".cache" / "contentpack")
    monkeypatch.setenv("CONTENTPACK_CACHE_DIR", folder)
    seen = _cache_reads(monkeypatch)
    assert main(["validate"]) == 0
    err = capsys.readouterr().err
    assert err == f"contentpack validate: warning: CONTENTPACK_CACHE_DIR={folder}: inside the pack ({pack}), whose " \
        f"files are never read as a cache{OFF}"
    assert seen == [] and not (pack / ".cache").exists()
    assert cache_path(pack) is None  # the rule is the cache's own, not only the command line's
    monkeypatch.chdir(tmp_path)
    if relative:  # resolved against the working directory, now outside the pack
        assert cache_path(pack) is not None
    else:
        assert cache_path(pack) is None
