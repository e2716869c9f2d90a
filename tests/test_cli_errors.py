"""One error model across commands: usage errors exit 2 with argparse's wording, a folder that is not a pack is
the same usage error for every pack command, and positioned diagnostics print the same way everywhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from contentpack.cli import main
from contentpack.cli.common import SETUP_FAILED
from contentpack.esapp import builder
from contentpack.esapp.output import OutputError

REPO = Path(__file__).resolve().parents[1]
VALID = REPO / "tests" / "content" / "fixtures" / "valid"
TTP = "detections/cloud/entra_id_user_declined_consent_for_oauth_app.yml"
PACK_COMMANDS = (["validate"], ["build"], ["replay"], ["deploy", "--splunk", "https://127.0.0.1:1"])


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("command", PACK_COMMANDS, ids=lambda c: c[0])
def test_a_folder_that_is_not_a_pack_is_the_same_usage_error_for_every_command(
        command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    searched = (f"contentpack {command[0]}: error: {tmp_path}: not a content pack (no contentpack.yml there or in "
                "its parents); run the command inside a pack or point --root at one")
    # an explicit --root is not searched upward: "there or in its parents" would be false
    given = (f"contentpack {command[0]}: error: {tmp_path}: not a content pack (no contentpack.yml in it); --root "
             "names the pack's folder, the one holding contentpack.yml")
    for args, expected in (([], searched), (["--root", str(tmp_path)], given)):
        status, out, err = run(capsys, *command, *args)
        assert (status, out, err.strip()) == (2, "", expected)


def test_a_path_naming_nothing_outside_any_pack_is_said_to_name_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """``validate /nonexistent/x.yml`` found no pack above a path that names nothing, and said "not a content
    pack"; the mistyped path is what to fix, so it gets the commands' one wording (README: "an input path that
    names nothing"). A path that is there, outside any pack, still gets the not-a-pack error."""
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "nowhere" / "x.yml"
    status, out, err = run(capsys, "validate", str(missing))
    assert (status, out, err.strip()) == (2, "", f"contentpack validate: error: {missing}: no such file or folder")
    there = tmp_path / "x.yml"
    there.write_text("name: x\n", encoding="utf-8")
    status, out, err = run(capsys, "validate", str(there))
    assert status == 2 and "not a content pack" in err


@pytest.mark.parametrize(("given", "said"), [
    ("detections", "detections: not a content pack (no contentpack.yml in it)"),
    ("contentpack.yml", "contentpack.yml: a file, not a folder"),
    ("nope", "nope: no such file or folder"),
])
def test_a_root_inside_a_pack_names_the_pack_around_it(given: str, said: str, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """``--root detections`` run inside a pack, or ``--root contentpack.yml``: the pack the user meant is named."""
    pack = tmp_path / "pack"
    (pack / "detections").mkdir(parents=True)
    (pack / "contentpack.yml").write_text("name: x\n", encoding="utf-8")
    monkeypatch.chdir(pack)
    status, out, err = run(capsys, "validate", "--root", given)
    assert (status, out, err.strip()) == (2, "", f"contentpack validate: error: {said}; --root names the pack's "
                                                 f"folder, the one holding contentpack.yml: here {pack.resolve()}")


@pytest.mark.parametrize("command", [*PACK_COMMANDS, ["search", "| makeresults"]], ids=lambda c: c[0])
@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_folder_or_fifo_named_contentpack_yml_is_named_as_what_it_is(
        command: list[str], kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Not "no contentpack.yml there" (sent users looking for what is there), nor passed over for a pack further
    up, nor waited on (a FIFO): the same usage error for every command, found from the folder or given --root."""
    config = tmp_path / "contentpack.yml"
    if kind == "folder":
        config.mkdir()
    else:
        os.mkfifo(config)
    monkeypatch.chdir(tmp_path)
    what = "a folder" if kind == "folder" else "a FIFO (named pipe)"
    expected = (f"contentpack {command[0]}: error: {config}: {what} where the pack's contentpack.yml file should "
                "be: not read")
    for args in ([], ["--root", str(tmp_path)]):
        status, out, err = run(capsys, *command, *args)
        assert (status, out, err.strip()) == (2, "", expected)


def test_build_outside_a_pack_is_a_usage_error_as_a_command(tmp_path: Path) -> None:
    """As users run it (it used to end in "internal error ... please report it")."""
    done = subprocess.run([sys.executable, "-m", "contentpack", "build"], cwd=tmp_path, capture_output=True,
                          text=True, env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"}, check=False)
    assert done.returncode == 2 and "not a content pack" in done.stderr and "internal error" not in done.stderr


def test_an_unknown_option_value_is_worded_like_argparses_own_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as parsed:
        main(["validate", "--format", "xml"])
    argparse_line = capsys.readouterr().err.strip().splitlines()[-1]
    assert parsed.value.code == 2 and argparse_line.startswith("contentpack validate: error: ")
    status, _, err = run(capsys, "search", "*", "--events", str(REPO / "nope.jsonl"))
    assert (status, err) == (2, f"contentpack search: error: {REPO / 'nope.jsonl'}: no such file or folder\n")


@pytest.mark.parametrize(("command", "said"), [
    (["search", "*", "--earliest", "-7d@d"], "argument --earliest: expected one argument (write a value that starts "
                                             "with '-' after '=': --earliest=-7d@d)"),
    (["backtest", "--events", "e.jsonl", "--from", "-1d"], "argument --from: expected one argument (write a value "
                                                           "that starts with '-' after '=': --from=-1d)"),
    (["backtest", "--from", "--to", "2026-11-16"], "argument --from: expected one argument"),  # an option follows
], ids=lambda c: c[0] if isinstance(c, list) else "")
def test_a_value_starting_with_a_dash_is_said_to_follow_an_equals_sign(
        command: list[str], said: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A newcomer gave ``search --earliest -7d@d``, the time modifier as Splunk writes it: argparse takes a word
    starting with ``-`` for an option and said ``argument --earliest: expected one argument``, which names no fix.
    The usage error now says how to give such a value (docs/spl_engine.md writes ``--earliest=-7d@d``); when an
    option follows, it says nothing more."""
    with pytest.raises(SystemExit) as parsed:
        main(command)
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert parsed.value.code == 2 and last == f"contentpack {command[0]}: error: {said}"


@pytest.mark.parametrize(("command", "said"), [
    (["backtest", "--events", "e.jsonl", "--form", "2026-10-12"],
     "argument --format: invalid choice: '2026-10-12' (choose from 'table', 'json') ('--form' was read as --format, "
     "which it abbreviates; did you mean --from?)"),
    (["search", "*", "--form", "jsn"], "argument --format: invalid choice: 'jsn' (did you mean 'json'?)"),
], ids=["typo", "abbreviation"])
def test_an_option_read_as_the_one_it_abbreviates_says_so(command: list[str], said: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A newcomer typed ``backtest --form 2026-10-12`` for ``--from``: argparse reads a unique prefix as the option it
    begins, and the error spoke of ``--format``, an option not on the command line. It now says which word was read
    so and names the option meant; an abbreviation meant as one (``--form jsn``) gets the error alone."""
    with pytest.raises(SystemExit) as parsed:
        main(command)
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert parsed.value.code == 2 and last == f"contentpack {command[0]}: error: {said}"


@pytest.mark.parametrize("command", [["validate"], ["build"], ["replay"], ["search", "*", "--events", "e.jsonl"],
                                     ["backtest"], ["deploy", "--splunk", "https://127.0.0.1:1"], ["generate-data"]],
                         ids=lambda c: c[0])
def test_an_unknown_option_is_the_sub_commands_usage_error(command: list[str],
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Like every other usage error of a command: its own usage line and ``contentpack <command>: error:``, exit 2
    (argparse left unknown options after a sub-command to the top-level parser: ``contentpack: error:``)."""
    with pytest.raises(SystemExit) as parsed:
        main([*command, "--no-such-option"])
    lines = capsys.readouterr().err.strip().splitlines()
    assert parsed.value.code == 2
    assert lines[0].startswith(f"usage: contentpack {command[0]} ")
    assert lines[-1] == f"contentpack {command[0]}: error: unrecognized arguments: --no-such-option"


def test_invalid_content_prints_positioned_diagnostics_alike_in_validate_build_and_replay(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(VALID, pack)
    ttp = pack / TTP
    ttp.write_text(ttp.read_text(encoding="utf-8").replace("status: production", "status: nonsense", 1),
                   encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    status, out, _ = run(capsys, "validate", "--root", str(pack))
    line = next(text for text in out.splitlines() if text.startswith(TTP))
    assert status == 1 and "error[CP012]" in line
    status, _, err = run(capsys, "build", "--root", str(pack), "--output", str(tmp_path / "dist"))
    assert status == 1 and line in err.splitlines()
    status, _, err = run(capsys, "replay", "--root", str(pack))
    assert status == 1 and line in err.splitlines()
    status, out, _ = run(capsys, "validate", "--root", str(pack), "--format", "json")
    validate_json = json.loads(out)
    status, out, _ = run(capsys, "replay", "--root", str(pack), "--format", "json")
    replay_json = json.loads(out)
    assert status == 1 and replay_json["ok"] is False
    assert replay_json["diagnostics"] == [d for d in validate_json["diagnostics"] if d["severity"] == "error"]
    status, out, _ = run(capsys, "build", "--root", str(pack), "--output", str(tmp_path / "dist"), "--format", "json")
    build_json = json.loads(out)
    assert status == 1 and build_json["ok"] is False and not (tmp_path / "dist").exists()
    assert build_json["diagnostics"] == validate_json["diagnostics"]
    assert build_json["summary"] == f"contentpack build: failed with 1 problem; {tmp_path / 'dist'} left unchanged"


def test_build_json_names_the_tarball_or_the_builds_own_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Valid content: the document says ok and where the tarball is; a refused output folder is the build's own
    finding (BD001), a diagnostic after the validator's, at the folder as given, and the summary is the verdict
    alone; stdout holds the one JSON document either way."""
    pack = tmp_path / "pack"
    shutil.copytree(VALID, pack)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    status, out, _ = run(capsys, "build", "--root", str(pack), "--output", str(tmp_path / "dist"), "--format", "json")
    built = json.loads(out)
    tarball = next((tmp_path / "dist").glob("*.tar.gz"))
    assert status == 0 and built["ok"] is True and built["summary"].endswith(f": {tarball}")
    assert built["diagnostics"] == json.loads(run(capsys, "validate", "--root", str(pack), "--format", "json")[1])[
        "diagnostics"]
    apps = tmp_path / "apps"
    (apps / "Splunk_TA_x").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "build", "--root", str(pack), "--output", "apps", "--format", "json")
    refused = json.loads(out)
    *findings, own = refused["diagnostics"]
    assert status == 1 and refused["ok"] is False and findings == built["diagnostics"]
    assert {k: own[k] for k in ("path", "line", "col", "severity", "rule")} == {
        "path": "apps", "line": 0, "col": 0, "severity": "error", "rule": "BD001"}
    assert own["message"].startswith("does not look like a build output") and "--force" in own["message"]
    assert refused["summary"] == "contentpack build: failed with 1 problem; apps left unchanged"
    assert (apps / "Splunk_TA_x").is_dir()


def test_build_text_reports_a_refused_output_folder_as_a_diagnostic(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The build's own problem prints as every finding does: ``<path>: error[BD001]: <message>``, at the folder
    as the user typed it, then the verdict."""
    pack = tmp_path / "pack"
    shutil.copytree(VALID, pack)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.chdir(pack)
    status, out, err = run(capsys, "build", "--output", "detections", "--force")
    assert (status, out, err.splitlines()) == (1, "", [
        "detections: error[BD001]: is inside the pack's detections/ folder; choose another output folder",
        "contentpack build: failed with 1 problem; detections left unchanged"])


def test_build_names_the_output_folder_as_typed_in_the_verdict_as_in_its_problem(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A refused relative ``--output``: the failed line says the folder in the user's words, as the BD001 finding
    just above it does, in the JSON document as in the text output (the verdict once named it by its absolute
    path while the finding named it as typed)."""
    pack = tmp_path / "pack"
    shutil.copytree(VALID, pack)
    (tmp_path / "work" / "apps" / "Splunk_TA_x").mkdir(parents=True)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.chdir(tmp_path / "work")
    typed = "../work/apps"
    failed = f"contentpack build: failed with 1 problem; {typed} left unchanged"
    status, out, _ = run(capsys, "build", "--root", str(pack), "--output", typed, "--format", "json")
    document = json.loads(out)
    assert (status, document["summary"], document["diagnostics"][-1]["path"]) == (1, failed, typed)
    status, out, err = run(capsys, "build", "--root", str(pack), "--output", typed)
    *_, own, verdict = err.splitlines()
    assert (status, out, verdict) == (1, "", failed) and own.startswith(f"{typed}: error[BD001]: ")


# Past 2**32 - 1 (2106-02-07T06:28:15Z) the gzip header cannot hold the date (RFC 1952: MTIME is four bytes), and
# past year 9999 no calendar date can be written: both ended in "internal error" (struct.error, ValueError).
_PAST_GZIP = "is after 2106-02-07T06:28:15Z, the latest date a gzip header holds (RFC 1952: MTIME is 32 bits)"


@pytest.mark.parametrize("value, message", [("soon", "'soon' is not an integer number of seconds"),
                                            ("-5", "'-5' is negative"),
                                            ("4294967296", f"'4294967296' {_PAST_GZIP}"),
                                            ("253402300799", f"'253402300799' {_PAST_GZIP}"),
                                            ("99999999999999999999", f"'99999999999999999999' {_PAST_GZIP}")])
def test_build_reports_a_bad_source_date_epoch_at_that_name(
        value: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """No file is at fault: the problem is positioned at the environment variable that fixes it (BD002)."""
    pack = tmp_path / "pack"
    shutil.copytree(VALID, pack)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    dist = tmp_path / "dist"
    status, out, err = run(capsys, "build", "--root", str(pack), "--output", str(dist))
    assert (status, out, err.splitlines()) == (1, "", [
        f"SOURCE_DATE_EPOCH: error[BD002]: {message}",
        f"contentpack build: failed with 1 problem; {dist} left unchanged"])
    status, out, _ = run(capsys, "build", "--root", str(pack), "--output", str(dist), "--format", "json")
    assert json.loads(out)["diagnostics"] == [{"path": "SOURCE_DATE_EPOCH", "line": 0, "col": 0,
                                               "severity": "error", "rule": "BD002", "message": message}]
    assert not dist.exists()


def test_build_json_attributes_its_own_problems_by_origin_not_by_wording(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A build that fails on its own problem, worded exactly as a warning the validator printed: both are
    diagnostics of the document, the validator's first, as in the text output, and the count is the build's
    own problems (telling them apart by comparing rendered text once dropped the build's problem)."""
    pack = tmp_path / "pack"
    shutil.copytree(VALID, pack)
    ttp = pack / TTP
    ttp.write_text(ttp.read_text(encoding="utf-8").replace("sourcetype: azure:monitor:aad",
                                                           "sourcetype: azure:monitor:add", 1), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    status, out, _ = run(capsys, "validate", "--root", str(pack), "--format", "json")
    findings = json.loads(out)["diagnostics"]
    assert status == 0 and [d["rule"] for d in findings] == ["CP053"]
    (warning,) = [line for line in run(capsys, "validate", "--root", str(pack))[1].splitlines() if "[CP053]" in line]

    def refuse(output: Path, root: Path, force: bool) -> None:
        raise OutputError(warning)

    monkeypatch.setattr(builder, "prepared", refuse)
    dist = tmp_path / "dist"
    failed = f"contentpack build: failed with 1 problem; {dist} left unchanged"
    status, out, _ = run(capsys, "build", "--root", str(pack), "--output", str(dist), "--format", "json")
    document = json.loads(out)
    own = {"path": str(dist), "line": 0, "col": 0, "severity": "error", "rule": "BD001", "message": warning}
    assert (status, document["ok"], document["diagnostics"]) == (1, False, [*findings, own])
    assert document["summary"] == failed
    status, out, err = run(capsys, "build", "--root", str(pack), "--output", str(dist))
    # text: the validator's warning, then the build's own problem (worded alike here), then the verdict
    assert (status, out, err.splitlines()) == (1, "", [warning, f"{dist}: error[BD001]: {warning}", failed])


@pytest.mark.parametrize("command", [["search", "* | head 1", "--events"], ["backtest", "--events"]],
                         ids=lambda c: c[0])
def test_a_pack_whose_searches_cannot_be_set_up_reports_alike_as_text_and_json(
        command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A calculated field calling a Splunk eval function the engine lacks (``sigfig``: valid SPL, so validate
    accepts it): the engine set-up refuses the pack with a finding at that expression, printed as text or as the
    one JSON document, like replay's invalid-pack report."""
    pack = tmp_path / "pack"
    shutil.copytree(VALID, pack)
    source = pack / "data_sources" / "azure_active_directory_sign_in_activity.yml"
    source.write_text(source.read_text(encoding="utf-8").replace("""expression: '"Azure AD"'""", "expression: sigfig(1.5)"),
                      encoding="utf-8")
    assert run(capsys, "validate", "--root", str(pack))[0] == 0
    events = tmp_path / "e.jsonl"
    events.write_text('{"_time": 1, "x": 1}\n', encoding="utf-8")
    status, out, err = run(capsys, *command, str(events), "--root", str(pack))
    lines = err.strip().splitlines()
    assert (status, out) == (1, "")
    assert lines[0].startswith("data_sources/azure_active_directory_sign_in_activity.yml:36:17: error[RP001]: ")
    assert "eval function 'sigfig' is not supported" in lines[0]
    assert lines[-1] == f"contentpack {command[0]}: {SETUP_FAILED}"
    status, out, _ = run(capsys, *command, str(events), "--root", str(pack), "--format", "json")
    document = json.loads(out)
    assert status == 1 and document["ok"] is False and document["summary"] == SETUP_FAILED
    assert [(d["path"], d["rule"]) for d in document["diagnostics"]] == [
        ("data_sources/azure_active_directory_sign_in_activity.yml", "RP001")]


def test_build_refuses_a_folder_of_apps_and_force_replaces_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(VALID, pack)
    apps = tmp_path / "apps"
    (apps / "Splunk_TA_x" / "local").mkdir(parents=True)
    (apps / "Splunk_TA_x" / "local" / "inputs.conf").write_text("[x]\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    status, _, err = run(capsys, "build", "--root", str(pack), "--output", str(apps))
    assert status == 1 and "does not look like a build output" in err and "--force" in err
    assert (apps / "Splunk_TA_x" / "local" / "inputs.conf").read_text() == "[x]\n"
    status, out, _ = run(capsys, "build", "--root", str(pack), "--output", str(apps), "--force")
    assert status == 0 and not (apps / "Splunk_TA_x").exists()
    assert out.startswith("built 3 detections: "), out  # the summary is read by people: no "detection(s)"
    status, out, _ = run(capsys, "build", "--root", str(pack), "--output", str(apps))
    assert status == 0 and out.rstrip().endswith(" files unchanged since the last build)"), out


def test_search_reads_macro_yaml_through_the_strict_loader(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Duplicate keys are an error there as in the pack (yaml.safe_load would keep the last one silently)."""
    macros = tmp_path / "macros"
    macros.mkdir()
    (macros / "m.yml").write_text("name: m\ndefinition: index=a\ndefinition: index=b\n", encoding="utf-8")
    (macros / "bad.yml").write_text("name: n\n", encoding="utf-8")
    events = tmp_path / "e.json"
    events.write_text('{"a": 1}\n', encoding="utf-8")
    status, out, err = run(capsys, "search", "`m`", "--events", str(events), "--macros", str(macros))
    lines = err.splitlines()
    assert status == 1 and out == ""  # invalid content, as validate says of the same files
    assert any(line.startswith(f"{macros / 'm.yml'}:3:1: error[CP005]: duplicate key 'definition'") for line in lines)
    assert any(line.startswith(f"{macros / 'bad.yml'}:1:") and "'definition'" in line for line in lines)  # all in one run
    assert lines[-1] == "contentpack search: --macros: 2 problems in macro files"
    # with --format json, validate's document on stdout (these were text on stderr)
    status, out, err = run(capsys, "search", "`m`", "--events", str(events), "--macros", str(macros), "--format", "json")
    document = json.loads(out)
    assert (status, err, document["ok"], document["summary"]) == (1, "", False, "--macros: 2 problems in macro files")
    assert sorted((d["path"], d["rule"]) for d in document["diagnostics"]) == [
        (str(macros / "bad.yml"), "CP011"), (str(macros / "m.yml"), "CP005")]


def test_generate_data_reads_the_manifests_it_documents_through_the_strict_loader(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The facts section comes out as committed (the strict loader reads keys such as 65001 as text)."""
    docs = tmp_path / "facts.md"
    status, _, err = run(capsys, "generate-data", "--out", str(tmp_path / "attack_data"), "--docs", str(docs))
    assert status == 0, err

    def section(text: str) -> str:
        return text[text.index("<!-- scenario-facts:begin"):text.index("<!-- scenario-facts:end")]

    assert section(docs.read_text(encoding="utf-8")) == section((REPO / "docs" / "attack_data.md").read_text(
        encoding="utf-8"))
    broken = tmp_path / "attack_data" / "baseline_tenant" / "dataset.yml"
    broken.write_text(broken.read_text(encoding="utf-8") + "name: twice\n", encoding="utf-8")
    status, _, err = run(capsys, "generate-data", "--scenario", "risky_app_blocked", "--out",
                         str(tmp_path / "attack_data"), "--docs", str(docs))
    assert status == 1 and f"{broken}:" in err and "duplicate key 'name'" in err


def test_deploy_reports_a_bad_source_date_epoch_as_build_does(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """deploy renders the app as build does: the same BD002 line, before any connection (exit 2: the machine's
    set-up, not the content)."""
    pack = tmp_path / "pack"
    shutil.copytree(VALID, pack)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    status, out, err = run(capsys, "deploy", "--root", str(pack), "--splunk", "https://127.0.0.1:1", "--dry-run")
    assert (status, out, err.splitlines()) == (
        2, "", ["SOURCE_DATE_EPOCH: error[BD002]: 'soon' is not an integer number of seconds"])


@pytest.mark.parametrize(("raised", "status", "said"), [
    (KeyboardInterrupt(), 130, "contentpack: interrupted\n"),
    (BrokenPipeError(), 0, ""),  # the reader of a pipe went away (``| head``): nothing left to tell
    (MemoryError(), 2, "contentpack: out of memory (the input is too large for this machine)\n"),
    (RuntimeError("bad\x1b[2Jstate"), 2, "contentpack: internal error: RuntimeError: bad\\x1b[2Jstate\n"
                                         "(set CONTENTPACK_DEBUG=1 to see the traceback, and please report it)\n"),
])
def test_what_escapes_a_command_is_a_status_and_one_message(
        raised: BaseException, status: int, said: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The last line of defence in ``main``: no traceback reaches the user, and an internal error's text is made
    safe for the terminal like every other message."""
    from contentpack.cli import generate

    def fail(_args: object) -> int:
        raise raised

    monkeypatch.delenv("CONTENTPACK_DEBUG", raising=False)
    monkeypatch.setattr(generate, "run", fail)
    assert run(capsys, "generate-data", "--scenario", "risky_app_blocked") == (status, "", said)


def test_contentpack_debug_lets_an_internal_error_through(monkeypatch: pytest.MonkeyPatch) -> None:
    from contentpack.cli import generate

    def fail(_args: object) -> int:
        raise RuntimeError("with its traceback")

    monkeypatch.setenv("CONTENTPACK_DEBUG", "1")
    monkeypatch.setattr(generate, "run", fail)
    with pytest.raises(RuntimeError, match="with its traceback"):
        main(["generate-data", "--scenario", "risky_app_blocked"])


# Every command that reads a path the user names, the path as {missing}.
_PATH_COMMANDS = [
    ["validate", "--root", "{repo}", "{missing}"], ["backtest", "--root", "{repo}", "--events", "{missing}"],
    ["search", "*", "--no-pack", "--events", "{missing}"], ["search", "*", "--no-pack", "--macros", "{missing}"],
]


def _path_command_id(command: list[str]) -> str:
    return " ".join(part for part in command if part.startswith("-") and part not in ("--root", "--no-pack")) or command[0]


@pytest.mark.parametrize("command", _PATH_COMMANDS, ids=_path_command_id)
def test_a_missing_input_is_worded_alike_by_every_command(command: list[str], tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """One error model: validate said ``no such file or directory``, backtest ``no such file or folder``, search
    ``--events: no such file: PATH`` and ``--macros: no such file or directory: PATH`` (``files.no_such_path``)."""
    missing = tmp_path / "gone.log"
    status, out, err = run(capsys, *(part.format(repo=REPO, missing=missing) for part in command))
    assert (status, out, err) == (2, "", f"contentpack {command[0]}: error: {missing}: no such file or folder\n")


@pytest.mark.parametrize("command", [
    ["validate", "--root", "{repo}", "{missing}"], ["backtest", "--root", "{repo}", "--events", "{missing}"],
    ["search", "*", "--no-pack", "--events", "{missing}"],
], ids=lambda command: command[0])
@pytest.mark.parametrize(("there", "given", "meant"), [
    ("exports/", "export", "export: no such file or folder (did you mean 'exports'?)"),
    ("exports/signins-week.jsonl", "exports/signins.jsonl",
     "exports/signins.jsonl: no such file or folder (did you mean 'exports/signins-week.jsonl'?)"),
    (".hidden.jsonl", "hiden.jsonl", "hiden.jsonl: no such file or folder"),
    # as typed, its trailing "/" kept: backtest and search said "export" (``Path`` drops it)
    ("exports/", "export/", "export/: no such file or folder (did you mean 'exports/'?)"),
    ("exports/", "nothing/", "nothing/: no such file or folder"),
], ids=["folder", "file", "hidden", "folder-slash", "slash-alone"])
def test_a_mistyped_input_path_is_answered_with_the_name_meant(
        command: list[str], there: str, given: str, meant: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A newcomer following README's backtest with ``--events export/`` for their folder ``exports/`` was told
    only that it names nothing, as a mistyped command or option is answered with the one meant (README, "Usage
    errors"); a hidden name is offered only for a hidden one."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / there).parent.mkdir(parents=True, exist_ok=True)
    if there.endswith("/"):
        (tmp_path / there).mkdir()
    else:
        (tmp_path / there).write_text("{}\n", encoding="utf-8")
    status, out, err = run(capsys, *(part.format(repo=REPO, missing=given) for part in command))
    assert (status, out, err) == (2, "", f"contentpack {command[0]}: error: {meant}\n")


@pytest.mark.parametrize("command", [
    ["backtest", "--root", "{repo}", "--events", "{given}"], ["search", "*", "--no-pack", "--events", "{given}"],
], ids=lambda command: command[0])
def test_a_folder_without_log_files_is_named_as_typed(command: list[str], tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """``--events exports/`` for a folder of no log files was said as ``exports`` (``Path`` drops the ``/``), where a
    folder that names nothing keeps it (the test above): every message naming a typed path names it as typed."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exports").mkdir()
    status, out, err = run(capsys, *(part.format(repo=REPO, given="exports/") for part in command))
    assert (status, out) == (2, "")
    assert err.startswith(f"contentpack {command[0]}: error: exports/: the folder holds no log files (")


@pytest.mark.parametrize("command", [
    ["backtest", "--root", "{repo}", "--events", "{given}"], ["search", "*", "--no-pack", "--events", "{given}"],
], ids=lambda command: command[0])
@pytest.mark.parametrize(("given", "named"), [
    ("./x.json", "./x.json"), ("./exports", "./exports/x.json"), ("./exports/", "./exports/x.json"),
    ("exports//", "exports//x.json"),
], ids=["file", "folder", "folder-slash", "slashes"])
def test_a_bad_line_is_placed_in_the_file_named_as_typed(command: list[str], given: str, named: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """``--events ./x.json`` placed its bad line at ``x.json:2:1`` (``Path`` drops the ``./``), and a folder's file
    was named as ``Path`` tidied it: a file named on the command line is said as typed, a folder's files under the
    folder as typed, as ``find`` and ``grep -r`` name them."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exports").mkdir()
    lines = '{"_raw": "a user=bob", "_time": "2026-01-01T00:00:00Z"}\nnot json\n'
    for place in ("x.json", "exports/x.json"):
        (tmp_path / place).write_text(lines, encoding="utf-8")
    _, out, err = run(capsys, *(part.format(repo=REPO, given=given) for part in command))
    assert f"{named}:2:1: " in out + err


def test_a_file_named_twice_in_two_ways_is_read_once_named_as_first_typed(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """``x.json`` and ``./x.json`` are one file: read once (as when ``Path`` made them one name), as first typed."""
    from contentpack.backtest.inputs import find_inputs

    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.json").write_text("{}\n", encoding="utf-8")
    assert find_inputs(["./x.json", "x.json", str(tmp_path / "x.json")]).files == ("./x.json", str(tmp_path / "x.json"))


@pytest.mark.parametrize("command", _PATH_COMMANDS, ids=_path_command_id)
def test_a_link_that_leads_nowhere_is_named_as_one(command: list[str], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Before: ``PATH: no such file or folder`` for a file ``ls`` lists (a link to a moved file, or to itself)."""
    dangling, loop = tmp_path / "moved.log", tmp_path / "loop.log"
    dangling.symlink_to(tmp_path / "elsewhere.log")
    loop.symlink_to(loop)
    for link, why in ((dangling, f"a symbolic link to {tmp_path / 'elsewhere.log'}, which names nothing"),
                      (loop, "a symbolic link in a loop of links")):
        status, out, err = run(capsys, *(part.format(repo=REPO, missing=link) for part in command))
        assert (status, out, err) == (2, "", f"contentpack {command[0]}: error: {link}: {why}\n")


def test_generate_data_says_the_folder_of_its_out_file_is_missing(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """As ``--junit`` says it (``report_file.problem``), before a record is made; it said Python's words for the
    file alone (``big.log: No such file or directory``), as if the file were to be read."""
    out = tmp_path / "nosuchdir" / "x" / "big.log"
    status, printed, err = run(capsys, "generate-data", "--events", "10", "--out", str(out))
    assert (status, printed) == (2, "")
    assert err == f"contentpack generate-data: error: --out {out}: no folder {out.parent} to write it in\n"
    assert not (tmp_path / "nosuchdir").exists()


def test_a_commands_catch_all_says_the_path_and_why_in_the_one_wording(tmp_path: Path) -> None:
    """``spl.files.os_problem``, the catch-alls of backtest and generate-data: the path the error names (else the
    command's), a missing file as ``no such file or folder``, any other failure in the system's words."""
    from contentpack.spl.files import os_problem

    with pytest.raises(OSError) as missing:
        open(tmp_path / "gone.log", encoding="utf-8")
    assert os_problem(missing.value, "ignored") == f"{tmp_path / 'gone.log'}: no such file or folder"
    with pytest.raises(OSError) as folder:
        open(tmp_path, encoding="utf-8")
    assert os_problem(folder.value) == f"{tmp_path}: Is a directory"
    assert os_problem(OSError(28, "No space left on device"), "big.log") == "big.log: No space left on device"
    assert os_problem(OSError(28, "No space left on device")) == "No space left on device"


def test_build_prints_the_output_folder_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """An ``--output`` holding an escape sequence or a newline: the success line ("built N detections: PATH") and
    the "left unchanged" verdict once printed it raw, so the escape drove the terminal and the newline forged a
    line of output; each is one line, its control characters escaped as every finding's are. The JSON document
    holds the path itself (JSON escapes)."""
    pack = tmp_path / "pack"
    shutil.copytree(VALID, pack)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    output = tmp_path / "o\x1b[31mx\nbuilt 0 detections: fake"
    shown = f"{tmp_path}/o\\x1b[31mx\\nbuilt 0 detections: fake"
    status, out, _ = run(capsys, "build", "--root", str(pack), "--output", str(output))
    tarball = next(output.glob("*.tar.gz")).name
    assert (status, out.splitlines()) == (0, [f"built 3 detections: {shown}/{tarball}"])
    (output / "stranger").touch()  # no longer a build output: refused, and left unchanged
    status, out, err = run(capsys, "build", "--root", str(pack), "--output", str(output))
    assert (status, out, err.splitlines()[-1]) == (1, "", f"contentpack build: failed with 1 problem; {shown} left "
                                                          "unchanged")
    assert "\x1b" not in err
    status, out, _ = run(capsys, "build", "--root", str(pack), "--output", str(output), "--format", "json")
    assert json.loads(out)["summary"] == f"contentpack build: failed with 1 problem; {output} left unchanged"


@pytest.mark.parametrize("blocker", ["file", "dangling link"])
def test_build_says_a_file_is_in_the_way_of_the_output_folder(
        blocker: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """``--output notes.txt/dist``: the output folder cannot be made under a file; the build once said only
    "BD007: File exists" (or "Not a directory"), at the file. It is a refused output folder (BD001), at the folder as typed, naming what
    is in the way in the same words."""
    pack = tmp_path / "pack"
    shutil.copytree(VALID, pack)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.chdir(tmp_path)
    if blocker == "file":
        Path("notes.txt").write_text("x\n")
    else:
        Path("notes.txt").symlink_to("nowhere")
    for output in ("notes.txt/dist", "notes.txt/out/dist"):  # once "File exists", and "Not a directory"
        status, out, err = run(capsys, "build", "--root", str(pack), "--output", output)
        assert (status, out, err.splitlines()) == (1, "", [
            f"{output}: error[BD001]: cannot create the output folder: notes.txt is not a folder",
            f"contentpack build: failed with 1 problem; {output} left unchanged"])
    assert Path("notes.txt").is_symlink() == (blocker != "file")
