"""CP069: a ``contentpack.yml`` ``custom_commands`` entry names a command another app adds, once.

Splunk fact pinned here: "Command names must be unique. The stanza_name cannot be the same as any other custom
or built-in commands." (Splunk Search Manual, "Add the custom command to your Splunk deployment",
https://docs.splunk.com/Documentation/Splunk/7.0.2/Search/AddthecustomcommandtoSplunk). Command names are
matched without case (the Search Reference list, ``data/splunk_spl_builtins.json``, says so).
"""

from __future__ import annotations

from pathlib import Path

from .helpers import TTP, Validate, at, edit, locate, only, validate_cli

CONFIG = "contentpack.yml"


def _declare(pack: Path, *entries: tuple[str, str]) -> None:
    lines = "".join(f"- name: {name}\n  app: {app}\n" for name, app in entries)
    config = pack / CONFIG
    config.write_text(config.read_text(encoding="utf-8") + "custom_commands:\n" + lines, encoding="utf-8")


def test_a_built_in_command_is_an_error_at_its_entry(pack: Path, validate: Validate) -> None:
    _declare(pack, ("ut_shannon", "URL Toolbox"), ("Stats", "TA-stats"))
    result = validate(pack)
    diagnostic = only(result, "CP069")
    assert at(diagnostic) == (CONFIG, *locate(pack, CONFIG, "Stats"))
    assert diagnostic.message.startswith(
        "custom command 'Stats' (from 'TA-stats') is a Splunk built-in search command: no app can provide")
    assert "cannot be the same as any other custom or built-in commands" in diagnostic.message
    assert result.errors and not result.ok


def test_a_built_in_alias_is_a_built_in_too(pack: Path, validate: Validate) -> None:
    """``bucket`` is the Search Reference's alias of ``bin``: a search calling it runs Splunk's command."""
    _declare(pack, ("bucket", "TA-buckets"))
    assert at(only(validate(pack), "CP069")) == (CONFIG, *locate(pack, CONFIG, "bucket"))


def test_a_name_declared_twice_without_case_is_an_error_at_the_second(pack: Path, validate: Validate) -> None:
    _declare(pack, ("ut_shannon", "URL Toolbox"), ("ut_parse", "URL Toolbox"), ("UT_Shannon", "Other App"))
    diagnostic = only(validate(pack), "CP069")
    first = locate(pack, CONFIG, "ut_shannon")
    assert at(diagnostic) == (CONFIG, *locate(pack, CONFIG, "UT_Shannon"))
    assert diagnostic.message == (f"custom command 'UT_Shannon' is already declared at {CONFIG}:{first[0]}:{first[1]} "
                                  "(command names are compared without case): declare each command once, with the "
                                  "app that provides it")


def test_every_offending_entry_is_reported_in_one_run(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "| fillnull ", "| ut_shannon src ")
    _declare(pack, ("ut_shannon", "URL Toolbox"), ("eval", "A"), ("ut_shannon", "B"), ("UT_SHANNON", "C"))
    found = [d for d in validate(pack).diagnostics if d.rule == "CP069"]
    assert [(d.position.line, d.message.split(" ")[2]) for d in found] == [
        (locate(pack, CONFIG, "eval")[0], "'eval'"),
        (locate(pack, CONFIG, "ut_shannon", 2)[0], "'ut_shannon'"),
        (locate(pack, CONFIG, "UT_SHANNON")[0], "'UT_SHANNON'"),
    ]


def test_distinct_names_of_other_apps_are_fine(pack: Path, validate: Validate) -> None:
    _declare(pack, ("ut_shannon", "URL Toolbox"), ("ut_parse", "URL Toolbox"))
    assert validate(pack).diagnostics == []


def test_validate_prints_it_positioned_and_fails(pack: Path) -> None:
    _declare(pack, ("stats", "TA-stats"))
    run = validate_cli(pack)
    line, col = locate(pack, CONFIG, "stats")
    assert run.returncode == 1 and run.stderr == ""
    assert f"{CONFIG}:{line}:{col}: error[CP069]: custom command 'stats' (from 'TA-stats')" in run.stdout
