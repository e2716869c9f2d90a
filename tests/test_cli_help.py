"""What a new user reads first: `contentpack COMMAND --help` says what the command does and what each option is
for, fits the terminal, and a mistyped option is answered with the one meant."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import pytest

from contentpack.cli import SUBCOMMANDS, main, make_parser


def _command(name: str) -> argparse.ArgumentParser:
    sub = make_parser(name).get_default("sub")  # main() finds the sub-command parsers there too
    command = sub.choices[name]
    assert isinstance(command, argparse.ArgumentParser)
    return command


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_command_has_a_description_and_every_option_a_help_text(name: str) -> None:
    command = _command(name)
    assert command.description, f"{name} --help has no description"
    silent = [action.option_strings or [action.dest] for action in command._actions
              if not isinstance(action, argparse._HelpAction) and not action.help]
    assert silent == [], f"{name}: options without help text: {silent}"


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_help_fits_the_terminal(name: str) -> None:
    """deploy's "Splunk connection" paragraph was one 230-character line: its description kept every line as
    written, which also kept the shared connection help unwrapped."""
    done = subprocess.run([sys.executable, "-m", "contentpack", name, "--help"], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "100"}, check=False)
    assert done.returncode == 0
    long = [line for line in done.stdout.splitlines() if len(line) > 100]
    assert long == []


@pytest.mark.parametrize(("command", "typo", "meant"), [
    (["validate"], "--fromat", "--format"),
    (["replay"], "--detections=x", "--detection"),
    (["deploy", "--splunk", "https://127.0.0.1:1"], "--dryrun", "--dry-run"),
    (["validate"], "--FORMAT", "--format"),  # compared without case, as validate compares a key
])
def test_a_mistyped_option_is_answered_with_the_one_meant(command: list[str], typo: str, meant: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as parsed:
        main([*command, typo])
    assert parsed.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"contentpack {command[0]}: error: unrecognized arguments: {typo} (did you mean {meant}?)")


@pytest.mark.parametrize(("command", "extra", "hint"), [
    (["search", "| makeresults", "--events", "a.csv"], "b.json", "--events a.csv --events b.json"),
    (["search", "| makeresults", "--events=a.csv"], "b.json", "--events a.csv --events b.json"),
    (["replay", "--detection", "Entra ID A"], "Entra ID B", "--detection 'Entra ID A' --detection 'Entra ID B'"),
])
def test_a_second_value_of_a_one_value_option_says_to_repeat_it(command: list[str], extra: str, hint: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A new user who read ``backtest --events exports/a.csv exports/b.json`` (several after one flag) gave
    ``search`` two files so, and was told only ``unrecognized arguments: b.json``, as if the file were a typo."""
    with pytest.raises(SystemExit) as parsed:
        main([*command, extra])
    assert parsed.value.code == 2
    option = hint.split()[0]
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"contentpack {command[0]}: error: unrecognized arguments: {extra} ({option} takes one value: repeat it, "
        f"{hint})")


@pytest.mark.parametrize(("typo", "meant"), [("valdate", "validate"), ("bulid", "build"), ("generate", "generate-data"),
                                             ("replya", "replay")])
def test_a_mistyped_command_is_answered_with_the_one_meant(typo: str, meant: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """argparse lists every command (``invalid choice: 'valdate' (choose from 'validate', ...)``); the command
    meant is what the user needs, worded as for a mistyped option above."""
    with pytest.raises(SystemExit) as parsed:
        main([typo, "--strict"])
    assert parsed.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"contentpack: error: argument COMMAND: invalid choice: '{typo}' (did you mean '{meant}'?)")


def test_an_option_only_alike_in_its_dashes_gets_no_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    """``--json`` shares ``--j`` and an ``n`` with ``--junit``: over the whole names that is close enough for
    the 0.6 floor content names use. The command line's 0.75 floor, and the ``--`` every option shares being
    left out of the comparison, each keep it out. Suggesting ``--junit`` to someone who wants JSON misleads."""
    with pytest.raises(SystemExit) as parsed:
        main(["replay", "--json"])
    assert parsed.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == "contentpack replay: error: unrecognized arguments: --json"


def test_a_command_like_none_still_gets_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as parsed:
        main(["xyzzy"])
    assert parsed.value.code == 2
    assert "invalid choice: 'xyzzy' (choose from 'validate', 'build'," in capsys.readouterr().err


def test_no_command_lists_the_commands_and_where_their_help_is(capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A bare ``contentpack`` said only ``the following arguments are required: COMMAND``: a new user learnt
    neither the commands nor how to ask about one. It shows the help, each command on its line and the way to a
    command's own help last, on stderr with a usage error's status, as ``git`` and ``docker`` answer."""
    monkeypatch.setenv("COLUMNS", "80")
    assert main([]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert captured.out == "" and "required" not in captured.err
    assert captured.err == make_parser(names_only=True).format_help()
    assert lines[-1] == "Run 'contentpack COMMAND --help' for what a command does and its options."
    assert [name for name in SUBCOMMANDS if not any(line.split()[:1] == [name] for line in lines)] == []


def test_options_alone_are_a_usage_error_naming_them(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as parsed:
        main(["--verison"])
    assert parsed.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "contentpack: error: unrecognized arguments: --verison (did you mean --version?)")


@pytest.mark.parametrize(("command", "option", "typo", "meant"), [
    ("replay", "--format", "sumary", "summary"),
    ("search", "--format", "jsno", "json"),
    ("validate", "--format", "JSON", "json"),  # compared without case, as a mistyped option is
    ("backtest", "--format", "tabel", "table"),
    ("build", "--json-style", "contentct", "contentctl"),
    ("deploy", "--mode", "packge", "package"),
])
def test_a_mistyped_choice_is_answered_with_the_one_meant(command: str, option: str, typo: str, meant: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """argparse only lists the choices (``invalid choice: 'sumary' (choose from 'table', 'summary', 'json')``);
    every command's options with fixed choices answer as a mistyped command is, from one parser class."""
    with pytest.raises(SystemExit) as parsed:
        main([command, option, typo])
    assert parsed.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"contentpack {command}: error: argument {option}: invalid choice: '{typo}' (did you mean '{meant}'?)")


def test_a_choice_like_none_gets_the_list_quoted_on_every_python(capsys: pytest.CaptureFixture[str]) -> None:
    """The list is worded here, not by argparse, whose wording changed (quotes dropped, CPython gh-86357); a control
    character typed is shown escaped, as a mistyped command was."""
    with pytest.raises(SystemExit) as parsed:
        main(["replay", "--format", "xml\x1b"])
    assert parsed.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "contentpack replay: error: argument --format: invalid choice: 'xml\\x1b' "
        "(choose from 'table', 'summary', 'json')")


def _connection_text(help_text: str) -> list[str]:
    lines = help_text.splitlines()
    start = lines.index("Splunk connection:")
    return lines[start:lines.index("", start)]


def test_deploy_help_keeps_names_whole_and_words_the_connection_as_the_other_commands(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """At 80 columns deploy's description split ``(splunk-sdk)`` at its hyphen (``(splunk-`` / ``sdk).``), and its
    "Splunk connection" paragraph stood in four spaces past its first line where replay's and backtest's do not."""
    monkeypatch.setenv("COLUMNS", "80")
    deploy = _command("deploy").format_help()
    assert "(splunk-sdk)" in deploy
    assert _connection_text(deploy) == _connection_text(_command("replay").format_help())


def test_deploy_help_sends_a_search_head_cluster_to_its_deployer() -> None:
    """--mode package installs through apps/local on the server named, which on a search head cluster is one
    member; Splunk distributes a cluster's apps from its deployer only (Distributed Search manual, *Use the
    deployer to distribute apps and configuration updates*), and the help named only Splunk Cloud's limit."""
    deploy = " ".join(_command("deploy").format_help().split())
    assert ("Nor is it for a search head cluster's member: the cluster's deployer distributes apps (splunk apply "
            "shcluster-bundle), so copy the app there instead.") in deploy


def test_deploy_help_says_a_dry_run_connects_to_compare() -> None:
    """``--dry-run`` "print[ed] the changes without making them", and a user without a Splunk at hand expected a
    preview of the app: a dry run reads the server (the changes are what differs from it), so it needs --splunk
    and credentials as a run does, and ``build`` is the way to see the app without one."""
    deploy = " ".join(_command("deploy").format_help().split())
    assert ("--dry-run writes nothing: it connects with the same credentials and reads the server, since what would "
            "change is what differs from what the server holds; to see the app itself without a server, contentpack "
            "build.") in deploy
    assert "--dry-run connect, compare with what the server holds and print the changes, writing nothing" in deploy


@pytest.mark.parametrize("columns", [44, 66, 80, 84, 100])
def test_the_top_level_description_names_every_command_whole(columns: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """``contentpack --help`` said "Validate, build, replay and deploy": ``search``, ``backtest`` and
    ``generate-data`` were left out. Read as printed, the paragraph above the command list names each command,
    never split at its hyphen (``generate-`` / ``data``)."""
    monkeypatch.setenv("COLUMNS", str(columns))
    lines = make_parser("validate").format_help().splitlines()
    start = lines.index("") + 1
    paragraph = " ".join(lines[start:lines.index("", start)]).split()
    assert [name for name in SUBCOMMANDS if name not in (word.strip(",.:;") for word in paragraph)] == []


def test_the_top_level_help_reads_at_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 80 columns the description's second line was indented ("  generate-data, replay, backtest and
    deploy."), and search's one-line summary said "a JSON/text log file" though it reads Splunk exports, CSV too."""
    monkeypatch.setenv("COLUMNS", "80")
    lines = make_parser("validate").format_help().splitlines()
    start = lines.index("") + 1
    assert lines[start:lines.index("", start)] == [
        "The Entra ID consent detection pack's tools:",
        "validate, build, search, generate-data, replay, backtest and deploy."]
    assert "CSV" in SUBCOMMANDS["search"].help and "JSON/text log file" not in SUBCOMMANDS["search"].help


def test_the_sweep_help_names_every_kind_of_move_the_sweep_replays() -> None:
    """``--sweep``'s help named only the attack moved and the runs skewed; the sweep also replays runs held back,
    records indexed late and these together (docs/replay.md, "--sweep"). Each kind is named as a failure names it
    (``Variant.describe``: "runs held back 1m over ...")."""
    from contentpack.replay.sweep import Variant

    sweep = next(action for action in _command("replay")._actions if "--sweep" in action.option_strings)
    text = " ".join((sweep.help or "").split())
    kinds = (Variant(offset=60), Variant(skews=(("D", 60),)), Variant(delays=(("D", 60),)), Variant(late=60))
    named = [variant.describe("D").partition(" 1m ")[0] for variant in kinds]
    assert named == ["attack moved", "runs skewed", "runs held back", "records indexed"]
    assert [kind for kind in named if kind not in text] == []
    assert "combined" in text
