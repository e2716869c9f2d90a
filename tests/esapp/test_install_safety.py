"""Installing the app cannot change other apps' objects: no .conf exports a ``[default]`` stanza system-wide.

Splunk documents that ``default.meta`` stanzas name objects as ``[<conf>/<object>]``, ``[<conf>]`` or ``[]``
(all objects of the app), the most specific one applying, and that ``export = system`` makes an object
visible to every app (Admin Manual, "Set access controls with default.meta",
https://docs.splunk.com/Documentation/Splunk/latest/Admin/Defaultmetaconf). That a ``[default]`` stanza's
settings then reach other apps' stanzas is what splunk/contentctl issue 476 and splunk/security_content issue
3892 report from real deployments (no Splunk page states it outright), hence ``assumed``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from contentpack.cli import main
from contentpack.esapp import app as appfiles
from contentpack.esapp import builder
from contentpack.esapp.builder import BuildFailed, build_pack, render_app
from contentpack.esapp.conf import ConfFile, Stanza, read_conf
from contentpack.esapp.dates import BuildDate
from contentpack.esapp.install_safety import META, export_of, exported_default_problems
from contentpack.content.validate import validate_pack

from . import factory

ROOT = Path(__file__).resolve().parents[2]
VALID_PACK = Path(__file__).parents[1] / "content" / "fixtures" / "valid"


def _meta(files: dict[str, bytes]) -> dict[str, dict[str, str]]:
    return {s.name: dict(s.entries) for s in read_conf(files[META].decode()).stanzas}


@pytest.mark.assumed
def test_repository_app_exports_no_default_stanza() -> None:
    """Build the repository's own pack and read every .conf back: each ``[default]`` stanza with settings
    stays inside the app."""
    result = validate_pack(ROOT)
    assert result.pack is not None and result.ok
    files = dict(render_app(result.pack, BuildDate(1_767_225_600, "test")).files)
    meta = _meta(files)
    assert meta[""]["export"] == "system"  # ES must see the searches...
    assert meta["savedsearches/default"] == {"export": "none"}  # ...but not the [default] stanza
    checked = 0
    for path, data in files.items():
        if path.startswith("default/") and path.endswith(".conf"):
            for stanza in read_conf(data.decode()).stanzas:
                if stanza.name == "default" and stanza.entries:
                    conf = path.removeprefix("default/").removesuffix(".conf")
                    assert export_of(meta, conf, "default") != "system", path
                    checked += 1
    assert checked == 1  # savedsearches.conf's placeholder for removed searches
    assert exported_default_problems(files) == []


def test_build_fails_when_the_guard_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A future change that drops the guard from default.meta stops the build, and dist/ is not written."""
    unguarded = ConfFile((Stanza("", (("access", "read : [ * ]"), ("export", "system"))),))
    monkeypatch.setattr(appfiles, "default_meta", lambda: unguarded)
    with pytest.raises(BuildFailed) as failed:
        render_app(factory.pack(tmp_path), BuildDate(0, "test"))
    (problem,) = failed.value.problems
    assert problem.render().startswith(
        "default/savedsearches.conf: error[BD004]: its [default] stanza (disabled, description, search)")
    assert "[savedsearches/default] with export = none" in problem.message
    report = build_pack(factory.pack(tmp_path), tmp_path / "dist", environ=factory.ENV)
    assert not report.ok and not (tmp_path / "dist").exists()


def test_any_conf_and_settings_before_the_first_stanza_count() -> None:
    """Settings before any stanza belong to [default] (conf reader), in every .conf, not only savedsearches."""
    meta = b"[]\nexport = system\n[savedsearches/default]\nexport = none\n"
    files = {META: meta, "default/macros.conf": b"definition = search *\n[x]\ndefinition = y\n",
             "default/savedsearches.conf": b"[default]\ndisabled = 1\n"}
    (problem,) = exported_default_problems(files)
    assert problem.render().startswith("default/macros.conf: error[BD004]: its [default] stanza (definition)")
    files[META] = meta + b"[macros]\nexport = none\n"
    assert exported_default_problems(files) == []


def test_most_specific_metadata_stanza_decides() -> None:
    meta = {"": {"export": "system"}, "macros": {"export": "none"}, "macros/default": {"export": "system"}}
    assert export_of(meta, "macros", "default") == "system"
    assert export_of(meta, "macros", "other") == "none"
    assert export_of(meta, "transforms", "default") == "system"
    assert export_of({}, "transforms", "default") == "none"
    # an empty [default] stanza sets nothing, so exporting it changes nothing
    assert exported_default_problems({META: b"[]\nexport = system\n", "default/x.conf": b"[default]\n"}) == []


def test_stanzas_already_read_back_are_used_as_read() -> None:
    """The build hands over what its round-trip check read from each .conf (the same reader, the same bytes),
    so the check judges those stanzas; files not handed over are still read from their bytes."""
    meta = b"[]\nexport = system\n"
    files = {META: meta, "default/macros.conf": b"[x]\ndefinition = y\n",
             "default/savedsearches.conf": b"[default]\ndisabled = 1\n"}
    read = {"default/macros.conf": read_conf("[default]\ndefinition = search *\n").stanzas}
    problems = exported_default_problems(files, read)
    assert [p.position.path for p in problems] == ["default/macros.conf", "default/savedsearches.conf"]
    assert exported_default_problems(files, {"default/savedsearches.conf": ()}) == []


def test_an_unreadable_conf_is_reported_at_the_line_the_reader_names() -> None:
    """The reader's ``ConfError`` carries the file and line apart from the message (``conf.py``): they become
    the position, as the build reports a .conf that does not read back, and the message does not repeat them."""
    meta = b"[]\nexport = system\n"
    files = {META: meta, "default/macros.conf": b"[x]\ndefinition = y\n[x\n"}
    (problem,) = exported_default_problems(files)
    assert problem.render() == ("default/macros.conf:3:1: error[BD004]: cannot be read to check its [default] "
                                "stanza: malformed stanza header '[x'")
    files = {META: meta + b"[macros]\nexport = none\n[macros]\n"}
    (problem,) = exported_default_problems(files)
    assert problem.render() == ("metadata/default.meta:5:1: error[BD004]: cannot be read to check exported "
                                "[default] stanzas: duplicate stanza [macros]")


def test_an_unreadable_conf_without_a_line_is_reported_at_the_file() -> None:
    """A carriage return (refused for the whole file) and bytes that are not UTF-8 name no line."""
    meta = b"[]\nexport = system\n"
    problems = exported_default_problems({META: meta, "default/a.conf": b"[x]\r\nk = 1\r\n",
                                          "default/b.conf": b"[x]\nk = \xff\n"})
    assert [p.render() for p in problems] == [
        "default/a.conf: error[BD004]: cannot be read to check its [default] stanza: contains a carriage return",
        "default/b.conf: error[BD004]: cannot be read to check its [default] stanza: 'utf-8' codec can't decode "
        "byte 0xff in position 8: invalid start byte"]


@pytest.mark.parametrize("form", ["text", "json"])
def test_the_build_command_prints_the_line(form: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """``contentpack build`` prints the problem at file:line, in text on stderr and in the JSON document's
    ``line`` and ``col``. The build hands the check every .conf it has already read back, so to reach the
    reader's error here the app's default.meta is replaced by one that does not read."""
    monkeypatch.setenv("CONTENTPACK_CACHE", "off")
    pack = tmp_path / "pack"
    shutil.copytree(VALID_PACK, pack)
    broken = b"[]\nexport = system\n[savedsearches/default\n"
    monkeypatch.setattr(builder, "exported_default_problems",
                        lambda files, read: exported_default_problems({**files, META: broken}))
    for key, value in factory.ENV.items():
        monkeypatch.setenv(key, value)
    status = main(["build", "--root", str(pack), "--output", str(tmp_path / "dist"), "--format", form])
    out, err = capsys.readouterr()
    assert status == 1 and not (tmp_path / "dist").exists()
    message = "cannot be read to check exported [default] stanzas: malformed stanza header '[savedsearches/default'"
    if form == "text":
        assert f"metadata/default.meta:3:1: error[BD004]: {message}\n" in err
    else:
        document = json.loads(out)
        assert document["ok"] is False
        assert {"path": "metadata/default.meta", "line": 3, "col": 1, "severity": "error", "rule": "BD004",
                "message": message} in document["diagnostics"]


def test_content_version_stays_inside_the_app() -> None:
    """ESCU ships ``[content-version]`` too, and its summary dashboard shows
    ``| rest /services/configs/conf-content-version`` as "ESCU App Version" without asking which app the stanza
    comes from (contentctl's app template, ``escu_summary.xml``): exported system-wide, ours is visible there
    (REST API Reference, "Accessing Splunk resources": in an app context, "Settings globally-visible from other
    apps" come after the current app's). Nothing outside this app reads ours, so it is not exported; the rest of
    the app still is (ES reads the searches and stories)."""
    result = validate_pack(ROOT)
    assert result.pack is not None and result.ok
    files = dict(render_app(result.pack, BuildDate(1_767_225_600, "test")).files)
    meta = _meta(files)
    assert "default/content-version.conf" in files
    assert export_of(meta, "content-version", "content-version") == "none"
    assert export_of(meta, "analyticstories", "analytic_story://x") == "system"
    assert export_of(meta, "savedsearches", "ECP - x - Rule") == "system"
