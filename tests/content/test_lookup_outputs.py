"""CP068 (warning): an ``OUTPUT``/``OUTPUTNEW`` field of a ``lookup`` on one of the pack's lookups is a column of its
CSV header, reported by ``validate`` at the command's YAML line and column, from the same pass as CP065.

LOOKUP (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/lookup): "OUTPUT |
OUTPUTNEW <lookup-destfield> [AS <event-destfield>]": the name left of ``AS`` is the table's column, the one right
of it the event's field. The page does not say what Splunk does with an output field the table lacks (refuse the
search or leave the field unset), hence a warning: either way the event field is never set from the table.
"""

from __future__ import annotations

from pathlib import Path

from contentpack.content.diagnostics import Severity

from .helpers import HUNTING, TTP, Validate, at, edit, locate, only, validate_cli

LOOKUP_LINE = "| lookup entra_id_known_apps appDisplayName OUTPUT known"  # the fixture's hunting search
COLUMNS = "its columns: appDisplayName, known"
OWNER = "(in detection 'Entra ID Consent Prompts For Unknown Apps')"


def test_an_output_field_the_csv_lacks_is_a_warning_at_the_command(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, LOOKUP_LINE, "| lookup entra_id_known_apps appDisplayName OUTPUT knwon")
    result = validate(pack)
    diagnostic = only(result, "CP068")
    assert diagnostic.severity is Severity.WARNING and result.ok
    assert at(diagnostic) == (HUNTING, *locate(pack, HUNTING, "lookup entra_id_known_apps"))
    assert diagnostic.message == (
        "lookup: table 'entra_id_known_apps' has no column 'knwon' to OUTPUT (did you mean 'known'?), so the event "
        f"field 'knwon' is never set from it; {COLUMNS} {OWNER}")
    assert [d.rule for d in result.diagnostics] == ["CP068"]


def test_outputnew_is_checked_and_the_name_left_of_as_is_the_column(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, LOOKUP_LINE, "| lookup entra_id_known_apps appDisplayName OUTPUTNEW trusted AS known")
    assert only(validate(pack), "CP068").message == (
        "lookup: table 'entra_id_known_apps' has no column 'trusted' to OUTPUTNEW, so the event field 'known' is "
        f"never set from it; {COLUMNS} {OWNER}")
    edit(pack, HUNTING, "OUTPUTNEW trusted AS known", "OUTPUTNEW known AS trusted")
    assert validate(pack).diagnostics == []  # 'trusted' is the event's field, right of AS


def test_every_missing_output_and_match_field_of_one_command(pack: Path, validate: Validate) -> None:
    """A match field the table lacks is still CP065's error; each output field it lacks is a CP068 warning, all
    at the command, in one run."""
    edit(pack, HUNTING, LOOKUP_LINE, "| lookup entra_id_known_apps appName OUTPUT known, owner AS o, risk")
    command = (HUNTING, *locate(pack, HUNTING, "lookup entra_id_known_apps"))
    found = [(d.rule, d.severity, at(d), d.message.split(" (")[0].split(",")[0].split(";")[0])
             for d in validate(pack).diagnostics]
    assert sorted(found) == [
        ("CP065", Severity.ERROR, command, "lookup: table 'entra_id_known_apps' has no column 'appName'"),
        ("CP068", Severity.WARNING, command, "lookup: table 'entra_id_known_apps' has no column 'owner' to OUTPUT"),
        ("CP068", Severity.WARNING, command, "lookup: table 'entra_id_known_apps' has no column 'risk' to OUTPUT"),
    ]


def test_an_output_a_macro_brings_is_reported_at_the_call(pack: Path, validate: Validate) -> None:
    (pack / "macros" / "known_app.yml").write_text(
        "name: known_app\ndefinition: lookup entra_id_known_apps appDisplayName OUTPUT known_app\n"
        "description: Marks the applications the tenant trusts.\n", encoding="utf-8")
    edit(pack, HUNTING, LOOKUP_LINE, "| `known_app`")
    diagnostic = only(validate(pack), "CP068")
    assert at(diagnostic) == (HUNTING, *locate(pack, HUNTING, "`known_app`"))
    assert "has no column 'known_app' to OUTPUT (did you mean 'known'?)" in diagnostic.message
    assert diagnostic.message.endswith(f"{OWNER}, inside the expansion of macro `known_app`")


def test_drilldowns_and_subsearches_are_checked(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, '| search  user = "$user$"',
         '| search  user = "$user$" | lookup entra_id_known_apps appDisplayName OUTPUT verdict')
    edit(pack, HUNTING, "| where isnull(known)", "| where isnull(known) | append [| makeresults "
         "| lookup entra_id_known_apps appDisplayName OUTPUTNEW appId]")
    found = sorted((at(d), d.message.split(",")[0]) for d in validate(pack).diagnostics if d.rule == "CP068")
    assert found == sorted([
        ((TTP, *locate(pack, TTP, "lookup entra_id_known_apps")),
         "lookup: table 'entra_id_known_apps' has no column 'verdict' to OUTPUT"),
        ((HUNTING, *locate(pack, HUNTING, "lookup entra_id_known_apps appDisplayName OUTPUTNEW")),
         "lookup: table 'entra_id_known_apps' has no column 'appId' to OUTPUTNEW"),
    ])


def test_a_lookup_the_pack_does_not_ship_is_not_checked(pack: Path, validate: Validate) -> None:
    """Another app's table: its columns are unknown here; CP025 names the table, the one finding."""
    edit(pack, HUNTING, LOOKUP_LINE, "| lookup es_app_catalog appDisplayName OUTPUT knwon")
    assert [d.rule for d in validate(pack).diagnostics] == ["CP025"]


def test_the_message_is_the_engine_s(pack: Path, validate: Validate) -> None:
    """What replay says (the engine refuses it as unsupported), from the same function: validate warns first."""
    import pytest

    from contentpack.spl import Engine, SplUnsupportedError

    edit(pack, HUNTING, LOOKUP_LINE, "| lookup entra_id_known_apps appDisplayName OUTPUT verdict")
    message = only(validate(pack), "CP068").message
    engine = Engine()
    engine.register_lookup("entra_id_known_apps", pack / "lookups" / "entra_id_known_apps.csv")
    with pytest.raises(SplUnsupportedError) as raised:
        engine.search('| makeresults | eval appDisplayName="x" | lookup entra_id_known_apps appDisplayName '
                      "OUTPUT verdict", now=0.0)
    said = "lookup: table 'entra_id_known_apps' has no column 'verdict' to OUTPUT"
    assert raised.value.message.startswith(said + ", which is not supported: ")
    assert message.startswith(said + ", so the event field 'verdict' is never set from it; ")


def test_the_cli_reports_it_as_a_warning_with_its_position(pack: Path) -> None:
    edit(pack, HUNTING, LOOKUP_LINE, "| lookup entra_id_known_apps appDisplayName OUTPUT knwon")
    line, col = locate(pack, HUNTING, "lookup entra_id_known_apps")
    out = validate_cli(pack)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines()[0] == (
        f"{HUNTING}:{line}:{col}: warning[CP068]: lookup: table 'entra_id_known_apps' has no column 'knwon' to "
        f"OUTPUT (did you mean 'known'?), so the event field 'knwon' is never set from it; {COLUMNS} {OWNER}")
    assert "Traceback" not in out.stderr
