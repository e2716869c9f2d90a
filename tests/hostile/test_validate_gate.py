"""``validate`` is the gate (issue 11, deliver 5): whatever it accepts, ``build`` builds, and the built app
passes AppInspect. Each bypass found by the hostile-input campaign is a positioned validate error now, and a
property test generates packs (hostile text in every kind of field, reserved and case-colliding names) and
checks "validate accepts => build succeeds" on each.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentpack.content.validate import validate_pack
from contentpack.esapp.builder import build

from .support import HUNTING, ROOT, TTP, VALID, copy_pack, edit, run_cli

ENV = {"SOURCE_DATE_EPOCH": "1700000000"}
STORY = "stories/entra_id_consent_fixture_story.yml"
CTIME = "macros/security_content_ctime.yml"
LOOKUP = "lookups/entra_id_known_apps.yml"
DATA_SOURCE = "data_sources/azure_active_directory_sign_in_activity.yml"


def _errors(root: Path) -> list[str]:
    return [f"{d.position}: {d.rule}: {d.message}" for d in validate_pack(root).errors]


def _set(root: Path, relative: str, path: tuple[str | int, ...], value: object) -> None:
    """Set one value of a content file (a YAML round trip; non-ASCII written as escapes: PyYAML writes a raw
    NEL inside single quotes, which YAML then reads as a line break)."""
    file = root / relative
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    node: Any = data
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    file.write_text(yaml.safe_dump(data, allow_unicode=False, sort_keys=False, width=10**9), encoding="utf-8")


# ------------------------------------------------------------------------------ the bypasses, one by one


@pytest.mark.parametrize(("text", "expected"), [
    ("Fine.\x1b[31m red", "control character U+001B cannot be written to a .conf file"),
    ("Line one\u2028line two", "control character U+2028"),
    ("Next line\x85here", "control character U+0085"),
    ("ends in a backslash \\", "a value may not end with a backslash"),
    ("ends in a backslash \\  \n", "a value may not end with a backslash"),
])
def test_text_a_conf_file_cannot_carry_is_a_validate_error(tmp_path: Path, text: str, expected: str) -> None:
    root = copy_pack(tmp_path)
    _set(root, TTP, ("known_false_positives",), text)
    errors = _errors(root)
    assert len(errors) == 1 and ": CP049: known_false_positives: " in errors[0] and expected in errors[0], errors
    assert errors[0].startswith(f"{TTP}:")


def test_text_in_every_object_kind_and_the_app_config_is_checked(tmp_path: Path) -> None:
    root = copy_pack(tmp_path)
    _set(root, STORY, ("narrative",), "a\x07b")
    _set(root, CTIME, ("description",), "trailing \\")
    _set(root, LOOKUP, ("description",), "x\x00y")
    _set(root, DATA_SOURCE, ("description",), "x\u2029y")
    _set(root, "contentpack.yml", ("app", "description"), "x\x1by")
    found = {error.split(":")[0] for error in _errors(root) if ": CP049: " in error}
    assert found == {STORY, CTIME, LOOKUP, DATA_SOURCE, "contentpack.yml"}


def test_text_of_the_app_config_is_reported_at_its_value(tmp_path: Path) -> None:
    """Once ``contentpack.yml: error[CP049]: ...`` with no line and column, the only CP049 without them."""
    root = copy_pack(tmp_path)
    edit(root, "contentpack.yml", "  title: Fixture Pack", '  title: "Fixture\\x1b Pack"')
    assert [d.render() for d in validate_pack(root).errors] == [
        "contentpack.yml:5:10: error[CP049]: app.title: line 1 column 8: control character U+001B cannot be "
        "written to a .conf file"]


@pytest.mark.parametrize("provider", ["URL Toolbox \\", "URL\x1b Toolbox"])
def test_custom_commands_are_not_conf_text(tmp_path: Path, provider: str) -> None:
    """``custom_commands`` reaches no file of the built app (it only tells validate which commands other apps
    provide), so CP049 leaves it alone; it once reported it at the ``app:`` key as ``app.custom_commands[0][1]``.
    The gate still holds: the pack builds."""
    root = copy_pack(tmp_path)
    _set(root, "contentpack.yml", ("custom_commands",), [{"name": "ut_shannon", "app": provider}])
    assert _errors(root) == []
    assert build(root, tmp_path / "dist", environ=ENV).ok


@pytest.mark.parametrize("author", ["Jane Doe \\", "Jane\x1b[31m Doe\u2028"])
def test_the_author_name_is_not_conf_text(tmp_path: Path, author: str) -> None:
    """``author_name`` reaches app.manifest only (JSON, which escapes any character), never a .conf, so CP049
    leaves it alone; app.manifest reads back the name as written."""
    root = copy_pack(tmp_path)
    _set(root, "contentpack.yml", ("app", "author_name"), author)
    assert _errors(root) == []
    assert build(root, tmp_path / "dist", environ=ENV).ok
    manifest = next((tmp_path / "dist").glob("*/app.manifest"))
    assert json.loads(manifest.read_text(encoding="utf-8"))["info"]["author"][0]["name"] == author


@pytest.mark.parametrize(("relative", "name"), [(CTIME, "default"), (LOOKUP, "Default")])
def test_an_object_named_default_is_rejected(tmp_path: Path, relative: str, name: str) -> None:
    root = copy_pack(tmp_path)
    if relative == CTIME:  # a macro with arguments is the stanza name(1); one without is [default]
        _set(root, relative, ("arguments",), [])
        _set(root, relative, ("definition",), "x")
    _set(root, relative, ("name",), name)
    assert any(": CP050: " in error and "would become the [default] stanza" in error for error in _errors(root))


def test_names_differing_only_in_case_are_rejected(tmp_path: Path) -> None:
    root = copy_pack(tmp_path)
    text = (root / TTP).read_text(encoding="utf-8")
    other = root / "detections" / "other" / Path(TTP).name
    other.parent.mkdir()
    other.write_text(text.replace("Entra ID User Declined Consent For OAuth App", "Entra ID user declined consent for OAuth app")
                     .replace("3d2c1b0a-9f8e-4d7c-b6a5-948372615a4b", "3d2c1b0a-9f8e-4d7c-b6a5-948372615a4c"),
                     encoding="utf-8")
    errors = _errors(root)
    relative = other.relative_to(root).as_posix()
    for path in (TTP, relative):  # at both files: ``validate`` of either alone fails
        assert any(e.startswith(f"{path}:") and ": CP041: " in e and "names may not differ only in case" in e
                   for e in errors), errors
        assert any(e.startswith(f"{path}:") and ": CP051: " in e and "gives the filter macro" in e
                   for e in errors), errors


def test_a_filter_macro_inside_a_comment_does_not_count(tmp_path: Path) -> None:
    root = copy_pack(tmp_path)
    edit(root, TTP, "| `entra_id_user_declined_consent_for_oauth_app_filter`'",
         "``` | `entra_id_user_declined_consent_for_oauth_app_filter` ```'")
    assert any(": CP023: " in error for error in _errors(root))


# ------------------------------------------------------------------------------ the property

_HOSTILE = st.sampled_from(["\x00", "\x07", "\x0b", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\u2029", "\r", "\r\n",
                            "\n", "\t", "\\", "\\\n", "$", "$$", "`", "[", "]", "[default]", "\n[x]\nk = v", "#", ";",
                            "%", '"', "'", "=", " ", "default", "Default", "\u202e", "é", "\U0001f600"])
_TEXT = st.lists(st.one_of(_HOSTILE, st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=4)),
                 min_size=1, max_size=6).map("".join)
_FIELDS: list[tuple[str, tuple[str | int, ...]]] = [
    (TTP, ("description",)), (TTP, ("how_to_implement",)), (TTP, ("known_false_positives",)), (TTP, ("author",)),
    (TTP, ("rba", "message")), (TTP, ("drilldown_searches", 0, "name")), (TTP, ("tags", "asset_type")),
    (HUNTING, ("description",)), (STORY, ("description",)), (STORY, ("narrative",)), (STORY, ("author",)),
    (CTIME, ("description",)), (CTIME, ("definition",)), (LOOKUP, ("description",)), (LOOKUP, ("name",)),
    (DATA_SOURCE, ("description",)), ("contentpack.yml", ("app", "description")),
    ("contentpack.yml", ("app", "title")), ("contentpack.yml", ("app", "author_company")),
    ("contentpack.yml", ("app", "author_name")),
]
_EDITS = st.lists(st.tuples(st.sampled_from(_FIELDS), _TEXT), min_size=1, max_size=4)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=_EDITS)
def test_what_validate_accepts_builds(tmp_path_factory: pytest.TempPathFactory,
                                      edits: list[tuple[tuple[str, tuple[str | int, ...]], str]]) -> None:
    where = tmp_path_factory.mktemp("gate")
    root = where / "pack"
    shutil.copytree(VALID, root)
    for (relative, path), text in edits:
        _set(root, relative, path, text)
    result = validate_pack(root)
    if not result.ok:
        return
    report = build(root, where / "dist", environ=ENV)
    assert report.ok, (edits, report.stopped_by)


# ------------------------------------------------------------------------------ AppInspect on a sample


@pytest.mark.slow
def test_appinspect_passes_a_pack_validate_accepts_with_hostile_but_legal_text(tmp_path: Path) -> None:
    """One sample (AppInspect takes tens of seconds): tabs, CRLF, brackets, ``$$``, ``%``, backslashes inside
    the text, a stanza-looking line, non-ASCII, in detection, story, macro and lookup text."""
    assert (ROOT / ".venv-appinspect" / "bin" / "splunk-appinspect").exists(), "run `make appinspect-venv` first"
    root = copy_pack(tmp_path)
    _set(root, TTP, ("known_false_positives",), "Tab\there, CRLF\r\nnext [stanza]\n[default]\nkey = value \\ mid")
    _set(root, TTP, ("how_to_implement",), "Costs $$5 and 100% of C:\\temp\\x; # not a comment")
    _set(root, STORY, ("narrative",), "Ünïcödé narrative — with «quotes» and 😀")
    _set(root, CTIME, ("description",), "renders $field$ as [time]")
    _set(root, LOOKUP, ("description",), "apps;\n# hash line\n;semicolon line")
    assert _errors(root) == []
    outcome = run_cli("build", "--root", str(root), "--output", str(tmp_path / "dist"), timeout=120)
    outcome.assert_handled()
    assert outcome.returncode == 0, outcome.stderr
    run = subprocess.run(["bash", str(ROOT / "scripts" / "appinspect.sh"), str(tmp_path / "dist")],
                         capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "failure=0, error=0, future_failure=0" in run.stdout.splitlines()[0]
