"""End to end: a pack (model objects) becomes dist/ — hostile text cannot break it, failures leave dist/ alone,
and two builds of the same inputs are byte-identical."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.esapp import builder as builder_module
from contentpack.esapp.build_rules import conf_problem
from contentpack.esapp.builder import BuildFailed, BuildReport, build_pack, render_app
from contentpack.esapp.conf import ConfError, ConfFile, Rendered, Stanza, check_round_trip, read_conf, render
from contentpack.esapp.dates import BuildDate
from contentpack.esapp.output import MARKER
from contentpack.content.diagnostics import Position
from contentpack.content.model import Detection, Pack, SourceMap
from . import factory

VALID_PACK = Path(__file__).parents[1] / "content" / "fixtures" / "valid"


def build(tmp_path: Path, pack: Pack | None = None, **kw: Any) -> BuildReport:
    pack = pack or factory.pack(tmp_path, lookups=(factory.lookup(tmp_path),))
    return build_pack(pack, tmp_path / "dist", environ=factory.ENV, **kw)


def stanzas(tmp_path: Path, conf: str) -> dict[str, dict[str, str]]:
    text = (tmp_path / "dist" / "DA-ESS-TestPack" / "default" / conf).read_text()
    return {s.name: dict(s.entries) for s in read_conf(text).stanzas}


def test_build_writes_the_app_layout(tmp_path: Path) -> None:
    report = build(tmp_path)
    assert report.ok, report.build_problems
    app = tmp_path / "dist" / "DA-ESS-TestPack"
    files = sorted(str(p.relative_to(app)) for p in app.rglob("*") if p.is_file())
    assert files == ["README.md", "app.manifest", "default/analyticstories.conf", "default/app.conf",
                     "default/content-version.conf", "default/data/ui/nav/default.xml", "default/macros.conf",
                     "default/savedsearches.conf", "default/server.conf", "default/transforms.conf",
                     "lookups/consent_apps_20260101.csv", "metadata/default.meta"]
    assert report.tarball == tmp_path / "dist" / "DA-ESS-TestPack-1.2.3.tar.gz"
    with tarfile.open(report.tarball) as tar:
        assert sorted(m.name for m in tar.getmembers() if m.isfile()) == [f"DA-ESS-TestPack/{f}" for f in files]


def test_macros_transforms_app_conf(tmp_path: Path) -> None:
    assert build(tmp_path).ok
    macros = stanzas(tmp_path, "macros.conf")
    assert macros["security_content_ctime(1)"]["args"] == "field"
    assert macros["consent_denied_filter"]["definition"] == "search *"
    assert set(macros) >= {f"{d.file_stem}_filter" for d in factory.pack().detections}
    assert stanzas(tmp_path, "transforms.conf")["consent_apps"] == {
        "filename": "consent_apps_20260101.csv", "case_sensitive_match": "false", "fields_list": "appId, verdict"}
    app = stanzas(tmp_path, "app.conf")
    assert app["install"]["build"] == "20260101000000"
    assert app["id"] == {"name": "DA-ESS-TestPack", "version": "1.2.3"}
    manifest = json.loads((tmp_path / "dist/DA-ESS-TestPack/app.manifest").read_text())
    assert manifest["info"]["releaseDate"] == "2026-01-01"
    stories = stanzas(tmp_path, "analyticstories.conf")
    assert json.loads(stories["analytic_story://Consent Abuse"]["searches"]) == [
        f"TST - {d.name} - Rule" for d in factory.pack().detections]


def test_invisible_app_has_no_nav(tmp_path: Path) -> None:
    assert build(tmp_path, factory.pack(tmp_path, visible=False)).ok
    assert not (tmp_path / "dist/DA-ESS-TestPack/default/data").exists()
    assert stanzas(tmp_path, "app.conf")["ui"]["is_visible"] == "false"


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for root in (a, b):
        root.mkdir()
        assert build_pack(factory.pack(root, lookups=(factory.lookup(root),)), root / "dist", environ=factory.ENV).ok
    name = "dist/DA-ESS-TestPack-1.2.3.tar.gz"
    assert (a / name).read_bytes() == (b / name).read_bytes()


def test_hostile_description_cannot_add_a_stanza_or_key(tmp_path: Path) -> None:
    evil = "Looks fine.\n[evil]\naction.script = 1\nsearch = | outputlookup pwned\n# trailing"
    det = factory.detection(description=evil, known_false_positives="x\naction.script = 1")
    report = build(tmp_path, factory.pack(tmp_path, detections=(det,)))
    assert report.ok, report.build_problems
    saved = stanzas(tmp_path, "savedsearches.conf")
    assert list(saved) == ["default", "TST - Consent Denied - Rule"]
    rule = saved["TST - Consent Denied - Rule"]
    assert "action.script" not in rule and rule["search"] == factory.SEARCH
    assert "[evil]" in rule["description"] and "action.script = 1" in rule["description"]
    assert list(stanzas(tmp_path, "analyticstories.conf")) == [
        "savedsearch://TST - Consent Denied - Rule", "analytic_story://Consent Abuse"]


def test_non_ascii_and_ten_thousand_line_search_build(tmp_path: Path) -> None:
    search = factory.SEARCH + "\n" + "\n".join(f"| eval f{i}=\"é{i}\"" for i in range(10_000))
    det = factory.detection(name="Zustimmung verweigert Entra ID", search=search, description="Einwilligung — 同意")
    report = build(tmp_path, factory.pack(tmp_path, detections=(det,)))
    assert report.ok, report.build_problems
    rule = stanzas(tmp_path, "savedsearches.conf")["TST - Zustimmung verweigert Entra ID - Rule"]
    assert rule["description"] == "Einwilligung — 同意"
    assert rule["search"].count("\n") == 10_000 and rule["search"].endswith('| eval f9999="é9999"')


def positioned(**changes: Any) -> Detection:
    source = SourceMap("detections/cloud/x.yml", {("description",): Position("detections/cloud/x.yml", 9, 14),
                                                   ("name",): Position("detections/cloud/x.yml", 1, 7)})
    return factory.detection(source=source, **changes)


@pytest.mark.parametrize("changes, message", [
    ({"description": "ok\x00nul"},
     r"detections/cloud/x.yml:9:14: error\[BD004\]: description: value line 1 column 3: control character U\+0000"),
    ({"description": "ends in \\"},
     r"detections/cloud/x.yml:9:14: error\[BD004\]: description: a value may not end with a backslash"),
    ({"name": "Bad ] Name"}, r"detections/cloud/x.yml:1:7: error\[BD004\]: name contains ']'"),
])
def test_unsafe_content_fails_with_position_and_leaves_dist_alone(tmp_path: Path, changes: dict, message: str) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "previous.txt").write_text("keep me")
    report = build_pack(factory.pack(tmp_path, detections=(positioned(**changes),)), out, environ=factory.ENV)
    assert not report.ok
    assert any(re.match(message, p.render()) for p in report.build_problems), report.build_problems
    assert report.build_problems[-1].rule == "BD001"  # both problems in one run
    assert "does not look like a build output" in report.build_problems[-1].message
    assert sorted(p.name for p in out.iterdir()) == ["previous.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_missing_lookup_file_fails_cleanly(tmp_path: Path) -> None:
    """A missing file in the commands' one wording (``spl.files.NO_SUCH_PATH``), not the system's ``No such file
    or directory``; any other failure keeps the system's words (a folder: ``Is a directory``)."""
    lookup = dataclasses.replace(factory.lookup(tmp_path), filename="absent.csv")
    report = build(tmp_path, factory.pack(tmp_path, lookups=(lookup,)))
    assert not report.ok and [p.render() for p in report.build_problems] == [
        "lookups/absent.csv: error[BD005]: cannot read lookup file: no such file or folder"]
    assert not (tmp_path / "dist").exists()
    (tmp_path / "lookups" / "absent.csv").mkdir(parents=True)
    report = build(tmp_path, factory.pack(tmp_path, lookups=(lookup,)))
    assert [p.render() for p in report.build_problems] == [
        "lookups/absent.csv: error[BD005]: cannot read lookup file: Is a directory"]


def test_without_date_source_the_content_dates_the_build_never_the_wall_clock(tmp_path: Path) -> None:
    """No SOURCE_DATE_EPOCH and no git commit: the newest detection date, with a note; no detection: refused."""
    report = build_pack(factory.pack(tmp_path), tmp_path / "dist", environ={})
    assert report.ok and report.notes and "dated 2025-05-02, the newest detection date" in report.notes[0]
    app_conf = (tmp_path / "dist" / "DA-ESS-TestPack" / "default" / "app.conf").read_text()
    assert "build = 20250502000000" in app_conf
    empty = dataclasses.replace(factory.pack(tmp_path), detections=())
    refused = build_pack(empty, tmp_path / "dist2", environ={})
    (problem,) = refused.build_problems
    assert not refused.ok and (problem.rule, problem.position.path) == ("BD002", "SOURCE_DATE_EPOCH")
    assert "no git commit and no detection to date the build from; set SOURCE_DATE_EPOCH" in problem.message


def test_docs_and_navigator_layer(tmp_path: Path) -> None:
    assert build(tmp_path).ok
    docs = tmp_path / "dist" / "docs"
    page = (docs / "detections" / "consent_denied.md").read_text()
    for heading in ("## What it finds", "## Search", "## How to implement", "## Known false positives",
                    "## ATT&CK mapping", "## Test datasets"):
        assert heading in page
    assert "Steal Application Access Token" in page and "Credential Access (TA0006)" in page
    assert "attack_data/consent.json" in page
    layer = json.loads((docs / "attack_navigator_layer.json").read_text())
    assert layer["domain"] == "enterprise-attack" and layer["versions"]["layer"] == "4.5"
    t1528 = next(t for t in layer["techniques"] if t["techniqueID"] == "T1528")
    assert t1528["score"] == 4 and "Consent Denied" in t1528["comment"]
    assert (docs / "ATTACK_LICENSE.txt").read_text().strip()


_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60)


@settings(max_examples=60, deadline=None)
@given(description=_TEXT, message=_TEXT, fp=_TEXT)
def test_no_detection_text_changes_the_stanza_or_key_set(description: str, message: str, fp: str) -> None:
    """Property over the whole app: arbitrary description, risk message and false-positive text either build
    into the fixed stanza/key layout or are refused with a positioned problem (BuildFailed)."""
    base = factory.detection()
    assert base.rba is not None
    det = dataclasses.replace(base, description=description or "x", known_false_positives=fp or "x",
                              rba=dataclasses.replace(base.rba, message=message or "x"))
    try:
        files = render_app(factory.pack(detections=(det,)), BuildDate(factory.EPOCH, "test")).files
    except BuildFailed as exc:
        assert exc.problems and all(p.rule == "BD004" and p.position.line > 0 for p in exc.problems)
        return
    reference = render_app(factory.pack(detections=(base,)), BuildDate(factory.EPOCH, "test")).files
    for conf in ("default/savedsearches.conf", "default/analyticstories.conf", "default/macros.conf"):
        got = read_conf(files[conf].decode()).stanzas
        want = read_conf(reference[conf].decode()).stanzas
        assert [(s.name, [k for k, _ in s.entries]) for s in got] == [(s.name, [k for k, _ in s.entries]) for s in want]


def test_output_that_is_not_a_build_output_is_never_replaced(tmp_path: Path) -> None:
    """The old output is deleted after the swap, so a mistyped --output must not reach it."""
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("mine")
    report = build_pack(factory.pack(tmp_path), tmp_path / "notes", environ=factory.ENV)
    assert not report.ok and "does not look like a build output" in report.build_problems[0].message
    assert (tmp_path / "notes" / "todo.txt").read_text() == "mine"
    for target in (tmp_path, tmp_path.parent):
        report = build_pack(factory.pack(tmp_path), target, environ=factory.ENV)
        assert not report.ok and "holds the pack itself" in report.build_problems[0].message


def test_rebuild_replaces_previous_build(tmp_path: Path) -> None:
    pack = factory.pack(tmp_path, lookups=(factory.lookup(tmp_path),))
    assert build(tmp_path, dataclasses.replace(pack, app=dataclasses.replace(pack.app, version="1.2.2"))).ok
    stale = tmp_path / "dist" / "DA-ESS-TestPack-1.2.2.tar.gz"
    assert stale.is_file()
    assert build(tmp_path).ok
    assert not stale.exists()
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == [".contentpack-build", "DA-ESS-TestPack", "DA-ESS-TestPack-1.2.3.tar.gz", "docs"]


@pytest.mark.parametrize("filename", ["../secret.csv", "sub/x.csv", ".hidden.csv"])
def test_lookup_file_names_cannot_leave_the_lookups_folder(tmp_path: Path, filename: str) -> None:
    lookup = dataclasses.replace(factory.lookup(tmp_path), filename=filename)
    report = build(tmp_path, factory.pack(tmp_path, lookups=(lookup,)))
    (problem,) = report.build_problems
    assert not report.ok and problem.rule == "BD005"
    assert problem.message == f"lookup file name {filename!r} must be a plain file name inside lookups/"


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file the build wrote (its marker too, but that is not a file it can take over)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MARKER}


def test_rebuild_takes_over_unchanged_files_and_writes_changed_ones(tmp_path: Path) -> None:
    first = build(tmp_path)
    before = _tree(tmp_path / "dist")
    assert first.ok and first.reused_files == 0
    again = build(tmp_path)
    assert again.ok and again.reused_files == len(before)  # nothing changed: every file taken over
    assert _tree(tmp_path / "dist") == before
    pack = factory.pack(tmp_path, lookups=(factory.lookup(tmp_path),))
    edited = dataclasses.replace(pack.detections[0], description="Edited description.")
    changed = build(tmp_path, dataclasses.replace(pack, detections=(edited, *pack.detections[1:])))
    after = _tree(tmp_path / "dist")
    differing = {rel for rel in before if before[rel] != after.get(rel)}
    assert "DA-ESS-TestPack/default/savedsearches.conf" in differing and b"Edited description." in after[
        "DA-ESS-TestPack/default/savedsearches.conf"]
    assert changed.ok and changed.reused_files == len(before) - len(differing)


def test_a_disk_error_fails_the_build_and_keeps_dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert build(tmp_path).ok
    before = _tree(tmp_path / "dist")

    def full_disk(*args: object) -> int:
        raise OSError(28, "No space left on device", str(tmp_path / "dist" / "docs" / "x.md"))

    monkeypatch.setattr(builder_module, "write_tree", full_disk)
    report = build(tmp_path)
    assert not report.ok and [p.render() for p in report.build_problems] == [
        "dist/docs/x.md: error[BD007]: No space left on device"]  # inside the pack: shown relative to it
    assert _tree(tmp_path / "dist") == before
    assert not list(tmp_path.glob(".dist*"))  # no staging folder left


@pytest.mark.parametrize(("error", "reason"), [
    (FileNotFoundError(2, "No such file or directory", "dist/docs"), "no such file or folder"),  # the one wording
    (OSError("a write refused with no errno"), "a write refused with no errno"),  # not "None"
])
def test_a_write_failure_says_why_in_the_commands_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         error: OSError, reason: str) -> None:
    def failing(*args: object) -> int:
        raise error

    monkeypatch.setattr(builder_module, "write_tree", failing)
    report = build(tmp_path)
    assert not report.ok and [p.render() for p in report.build_problems][0].endswith(f"error[BD007]: {reason}")


def test_a_member_the_package_must_not_hold_is_reported_at_it(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A render that (by a future mistake) yields local/ settings: the packager's refusal is BD003, at the
    member's path in the app, and nothing is written."""
    real = render_app

    def with_local(*args: Any) -> builder_module.BuiltApp:
        built = real(*args)
        return dataclasses.replace(built, files={**built.files, "local/app.conf": b"[install]\n"})

    monkeypatch.setattr(builder_module, "render_app", with_local)
    report = build(tmp_path)
    assert [p.render() for p in report.build_problems] == [
        "local/app.conf: error[BD003]: an app package must not ship local/ settings"]
    assert not (tmp_path / "dist").exists()


def test_unreadable_attack_data_is_reported_at_the_shipped_file(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise builder_module.AttackDataError("attack_enterprise.json: top level must be an object")

    monkeypatch.setattr(builder_module, "load_attack", broken)
    report = build(tmp_path)
    assert [p.render() for p in report.build_problems] == [
        "attack_enterprise.json: error[BD006]: top level must be an object"]


def test_a_render_failure_keeps_dist(tmp_path: Path) -> None:
    assert build(tmp_path).ok
    before = _tree(tmp_path / "dist")
    report = build(tmp_path, factory.pack(tmp_path, detections=(positioned(description="ends in \\"),)))
    assert not report.ok and "may not end with a backslash" in report.build_problems[0].message
    assert _tree(tmp_path / "dist") == before
    assert not list(tmp_path.glob(".dist*"))


@pytest.fixture
def yaml_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The validator's fixture pack, in a scratch folder."""
    monkeypatch.setenv("CONTENTPACK_CACHE", "off")  # parse every time, as a first build does
    root = tmp_path / "pack"
    shutil.copytree(VALID_PACK, root)
    return root


def test_a_rule_finding_stops_the_build_and_keeps_dist(yaml_pack: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert builder_module.build(yaml_pack, out, environ=factory.ENV).ok
    before = _tree(out)
    ttp = yaml_pack / "detections/cloud/entra_id_user_declined_consent_for_oauth_app.yml"
    ttp.write_text(ttp.read_text(encoding="utf-8").replace("date: '2025-", "date: '2099-", 1), encoding="utf-8")
    report = builder_module.build(yaml_pack, out, environ=factory.ENV)
    assert not report.ok
    assert any(d.rule == "CP034" and "2099" in d.message for d in report.diagnostics), report.diagnostics
    assert report.build_problems == () and report.stopped_by == report.diagnostics  # the build did not run
    assert _tree(out) == before
    assert not list(tmp_path.glob(".dist*"))


def test_the_validators_findings_and_the_builds_own_problems_are_kept_apart(yaml_pack: Path,
                                                                           tmp_path: Path) -> None:
    """A pack the validator accepts with a warning (CP053), built into a folder of someone else's apps: the
    warning stays a positioned finding, the refused folder is the build's own problem, and what stopped the
    build is that problem alone."""
    ttp = yaml_pack / "detections/cloud/entra_id_user_declined_consent_for_oauth_app.yml"
    ttp.write_text(ttp.read_text(encoding="utf-8").replace("sourcetype: azure:monitor:aad",
                                                           "sourcetype: azure:monitor:add", 1), encoding="utf-8")
    apps = tmp_path / "apps"
    (apps / "Splunk_TA_x").mkdir(parents=True)
    report = builder_module.build(yaml_pack, apps, environ=factory.ENV)
    assert not report.ok
    assert [(d.rule, d.severity.value, d.position.line) for d in report.diagnostics] == [("CP053", "warning", 64)]
    (problem,) = report.build_problems
    assert (problem.position.path, problem.rule, problem.severity.value) == (str(apps), "BD001", "error")
    assert problem.message.startswith("does not look like a build output")
    assert report.stopped_by == (problem,)


@pytest.mark.parametrize("valid", [True, False])
def test_the_pack_is_dropped_before_the_cycle_collector_resumes(yaml_pack: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch, valid: bool) -> None:
    """A build keeps the collector paused while it loads and renders; if the pack were still alive when the
    pause ends, the first collection would walk every object of it (on a big pack, a sizeable share of the
    build). So when the outermost pause ends, no model object of the pack may be left (objects other tests
    of this worker keep alive were there before the build and are not counted)."""
    import contextlib
    import gc
    from collections.abc import Iterator

    from contentpack import collector

    real = collector.cyclic_gc_paused
    depth = [0]
    alive_at_resume: list[int] = []

    @contextlib.contextmanager
    def watched() -> Iterator[None]:
        depth[0] += 1
        try:
            with real():
                yield
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                alive_at_resume.append(sum(isinstance(o, (Pack, Detection)) and id(o) not in before
                                           for o in gc.get_objects()))

    monkeypatch.setattr(collector, "cyclic_gc_paused", watched)
    if not valid:
        ttp = yaml_pack / "detections/cloud/entra_id_user_declined_consent_for_oauth_app.yml"
        ttp.write_text(ttp.read_text(encoding="utf-8").replace("date: '2025-", "date: '2099-", 1), encoding="utf-8")
    before = {id(o) for o in gc.get_objects() if isinstance(o, (Pack, Detection))}  # alive, so never reused
    report = builder_module.build(yaml_pack, tmp_path / "dist", environ=factory.ENV)
    assert report.ok is valid
    assert alive_at_resume == [0]


def _refusal(refuse: Callable[[], object]) -> ConfError:
    with pytest.raises(ConfError) as caught:
        refuse()
    return caught.value


X_CONF = "default/x.conf"
# What the .conf writer and reader raise for a file of the app, as the build reports it (BD004).
_REFUSALS: list[tuple[Callable[[], object], str]] = [
    (lambda: render(ConfFile((Stanza("s", (("k", "a\\"),)),)), X_CONF),
     "default/x.conf: error[BD004]: [s] k: a value may not end with a backslash (Splunk would join the next line "
     "to it)"),
    (lambda: render(ConfFile((Stanza("s", (("k", "a\x00"),)),)), X_CONF),
     "default/x.conf: error[BD004]: [s] k: value line 1 column 2: control character U+0000 cannot be written to "
     "a .conf file"),
    (lambda: render(ConfFile((Stanza("s", (("k k", "1"),)),)), X_CONF),
     "default/x.conf: error[BD004]: [s]: 'k k' is not a valid .conf key"),
    (lambda: render(ConfFile((Stanza(" s", ()),)), X_CONF),
     "default/x.conf: error[BD004]: [ s]: stanza name ' s' has leading or trailing whitespace"),
    (lambda: render(ConfFile((Stanza("s", ()), Stanza("s", ()))), X_CONF),
     "default/x.conf: error[BD004]: [s]: duplicate stanza"),
    (lambda: render(ConfFile((Stanza("s", (("k", "1"), ("k", "2"))),)), X_CONF),
     "default/x.conf: error[BD004]: [s]: duplicate key 'k'"),
    (lambda: render(ConfFile((), ("a\x07",)), X_CONF),
     "default/x.conf: error[BD004]: header: value line 1 column 2: control character U+0007 cannot be written to "
     "a .conf file"),
    (lambda: read_conf("[s]\n\n[s]\n", X_CONF), "default/x.conf:3:1: error[BD004]: duplicate stanza [s]"),
    (lambda: read_conf("[s]\nk = 1\nk = 2\n", X_CONF), "default/x.conf:3:1: error[BD004]: duplicate key 'k'"),
    (lambda: read_conf("[s]\nk = a \\", X_CONF),
     "default/x.conf:2:1: error[BD004]: continuation backslash on the last line"),
    (lambda: read_conf("[s]\r\n", X_CONF), "default/x.conf: error[BD004]: contains a carriage return"),
    (lambda: check_round_trip(Rendered("[s]\nk = b\n", (Stanza("s", (("k", "a"),)),)), X_CONF),
     "default/x.conf: error[BD004]: does not read back as written: [s] k: expected 'a', read 'b'"),
]


@pytest.mark.parametrize("refuse, rendered", _REFUSALS)
def test_a_refused_conf_is_reported_at_the_file_and_line_the_writer_names(refuse: Callable[[], object],
                                                                          rendered: str) -> None:
    """The .conf writer and reader name the file (and the line read back) apart from what is wrong (``conf.py``):
    they become the position, so the message does not say them twice."""
    assert conf_problem(X_CONF, _refusal(refuse)).render() == rendered


def test_a_conf_error_of_another_file_is_reported_whole_at_the_file_built() -> None:
    """The position comes from the error's fields, not from its text: an error naming no file, or another one,
    keeps its whole sentence (which a file name inside its text does not change)."""
    for refusal in (ConfError("default/x.conf:3: duplicate stanza [s]"),
                    ConfError("duplicate stanza [s]", "default/y.conf", 3)):
        assert conf_problem(X_CONF, refusal).render() == f"default/x.conf: error[BD004]: {refusal}"
    assert conf_problem(X_CONF, ConfError("duplicate stanza [s]", X_CONF, 3)).render() == (
        "default/x.conf:3:1: error[BD004]: duplicate stanza [s]")
