"""CP065: a ``lookup`` on one of the pack's lookups matches on columns its CSV has, reported by ``validate`` at the
command's YAML line and column (replay used to be the first to say so, RP003).

Splunk fact pinned here: a search whose lookup field is not a column of the table is refused, "Error in 'lookup'
command: Could not find all of the specified lookup fields in the lookup table."
(https://github.com/olafhartong/ThreatHunting/issues/46: the lookup field ``driver_signature_status`` against the
CSV column ``driver_signatureStatus``). The lookup command's ``<lookup-table-name>`` "Can be either the name of a
CSV file ... or the name of a stanza in the transforms.conf file"
(https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/lookup).
"""

from __future__ import annotations

from pathlib import Path

from contentpack.content.validate import validate_pack

from .helpers import HUNTING, TTP, Validate, at, edit, locate, only, validate_cli

REPO = Path(__file__).resolve().parents[2]
LOOKUP_LINE = "| lookup entra_id_known_apps appDisplayName OUTPUT known"  # the fixture's hunting search
COLUMNS = "its columns: appDisplayName, known"


def test_a_match_field_the_csv_lacks_is_reported_at_the_command(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, LOOKUP_LINE, "| lookup entra_id_known_apps appDisplayNam OUTPUT known")
    diagnostic = only(validate(pack), "CP065")
    assert at(diagnostic) == (HUNTING, *locate(pack, HUNTING, "lookup entra_id_known_apps"))
    assert diagnostic.message == (
        "lookup: table 'entra_id_known_apps' has no column 'appDisplayNam' (did you mean 'appDisplayName'?); "
        f"{COLUMNS} (in detection 'Entra ID Consent Prompts For Unknown Apps')")
    assert not validate(pack).ok


def test_the_message_is_the_engine_s(pack: Path, validate: Validate) -> None:
    """What replay said (RP003), from the same function: validate reports it first, not in other words."""
    from contentpack.spl import Engine, SplError

    edit(pack, HUNTING, LOOKUP_LINE, "| lookup entra_id_known_apps application OUTPUT known")
    message = only(validate(pack), "CP065").message
    engine = Engine()
    engine.register_lookup("entra_id_known_apps", pack / "lookups" / "entra_id_known_apps.csv")
    try:
        engine.search("| makeresults | eval application=1 | lookup entra_id_known_apps application OUTPUT known",
                      now=0.0)
    except SplError as exc:
        assert message.startswith(exc.message + " (in detection ")  # the same words, the columns too
    else:
        raise AssertionError("the engine ran a lookup on a column its table lacks")


def test_the_lookup_field_left_of_as_is_the_column_not_the_event_field(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, LOOKUP_LINE, "| lookup entra_id_known_apps appDisplayName AS app OUTPUT known")
    assert validate(pack).diagnostics == []  # 'app' is the event's field
    edit(pack, HUNTING, "appDisplayName AS app", "app AS appDisplayName")
    assert "has no column 'app';" in only(validate(pack), "CP065").message


def test_a_lookup_named_by_its_file_name_is_checked(pack: Path, validate: Validate) -> None:
    """By the name the built app gives the file (date-stamped, ``spl.lookups.register_table``)."""
    edit(pack, HUNTING, LOOKUP_LINE, "| lookup entra_id_known_apps_20260101.csv name OUTPUT known")
    diagnostic = only(validate(pack), "CP065")
    assert at(diagnostic) == (HUNTING, *locate(pack, HUNTING, "lookup entra_id_known_apps_20260101.csv"))
    assert "table 'entra_id_known_apps' has no column 'name'" in diagnostic.message
    edit(pack, HUNTING, "entra_id_known_apps_20260101.csv name", "entra_id_known_apps_20260101.csv appDisplayName")
    assert [d.rule for d in validate(pack).diagnostics] == ["CP025"]  # the warning: a name of one build only


def test_a_lookup_the_pack_does_not_ship_is_not_checked(pack: Path, validate: Validate) -> None:
    """Another app's table: its columns are unknown here. A pack must ship the tables its searches use (CP025),
    which is the one finding; the ESCU corpus test runs CP065 on searches using tables its pack lacks."""
    edit(pack, HUNTING, LOOKUP_LINE, "| lookup es_app_catalog appDisplayNam OUTPUT known")
    assert [d.rule for d in validate(pack).diagnostics] == ["CP025"]


def test_drilldown_searches_are_checked(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, '| search  user = "$user$"',
         '| search  user = "$user$" | lookup entra_id_known_apps displayName OUTPUT known')
    diagnostic = only(validate(pack), "CP065")
    assert at(diagnostic) == (TTP, *locate(pack, TTP, "lookup entra_id_known_apps"))
    assert "has no column 'displayName'" in diagnostic.message and "drilldown 1 of detection" in diagnostic.message


def test_a_lookup_a_macro_brings_is_reported_at_the_call(pack: Path, validate: Validate) -> None:
    (pack / "macros" / "known_app.yml").write_text(
        "name: known_app\ndefinition: lookup entra_id_known_apps app OUTPUT known\n"
        "description: Marks the applications the tenant trusts.\n", encoding="utf-8")
    edit(pack, HUNTING, LOOKUP_LINE, "| `known_app`")
    diagnostic = only(validate(pack), "CP065")
    assert at(diagnostic) == (HUNTING, *locate(pack, HUNTING, "`known_app`"))
    assert diagnostic.message.endswith(", inside the expansion of macro `known_app`")


def test_a_lookup_inside_a_subsearch_is_checked(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, "| where isnull(known)",
         "| where isnull(known) | append [| inputlookup entra_id_known_apps | lookup entra_id_known_apps known2]")
    diagnostic = only(validate(pack), "CP065")
    assert at(diagnostic) == (HUNTING, *locate(pack, HUNTING, "lookup entra_id_known_apps known2"))
    assert "has no column 'known2'" in diagnostic.message


def test_a_search_calling_another_apps_macro_is_still_checked(pack: Path, validate: Validate) -> None:
    """CIM's ``drop_dm_object_name`` is no macro of the pack (a contentctl built-in, not CP024's): the search is
    read with that call left as written, so its lookup is still checked (before, the whole search was skipped)."""
    edit(pack, HUNTING, LOOKUP_LINE, "| `drop_dm_object_name(All_Changes)` | lookup entra_id_known_apps appName "
         "OUTPUT known")
    diagnostic = only(validate(pack), "CP065")
    assert at(diagnostic) == (HUNTING, *locate(pack, HUNTING, "lookup entra_id_known_apps appName"))


def test_a_lookup_in_a_subsearch_of_a_command_the_engine_does_not_run_is_checked(pack: Path,
                                                                                 validate: Validate) -> None:
    edit(pack, HUNTING, "| where isnull(known)",
         "| where isnull(known) | join type=outer appId [| tstats count where index=x by appId "
         "| lookup entra_id_known_apps appName OUTPUT known]")
    findings = [d for d in validate(pack).diagnostics if d.rule == "CP065"]
    assert [at(d) for d in findings] == [(HUNTING, *locate(pack, HUNTING, "lookup entra_id_known_apps appName"))]


def test_every_missing_column_in_one_run_with_other_findings(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, LOOKUP_LINE, "| lookup entra_id_known_apps appName, known AS k, trusted OUTPUT known")
    edit(pack, TTP, "| fillnull ", "| filnull ")
    findings = [(d.rule, d.message.split(" (")[0].split(";")[0]) for d in validate(pack).diagnostics]
    assert sorted(findings) == [
        ("CP061", "unknown search command 'filnull'"),
        ("CP065", "lookup: table 'entra_id_known_apps' has no column 'appName'"),
        ("CP065", "lookup: table 'entra_id_known_apps' has no column 'trusted'"),
    ]


def test_a_lookup_command_that_does_not_parse_is_cp060_s(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, LOOKUP_LINE, "| lookup entra_id_known_apps appName OUTPUT")
    assert [d.rule for d in validate(pack).diagnostics] == ["CP060"]


def test_the_cli_reports_it_with_its_position(pack: Path) -> None:
    edit(pack, HUNTING, LOOKUP_LINE, "| lookup entra_id_known_apps appDisplayNam OUTPUT known")
    line, col = locate(pack, HUNTING, "lookup entra_id_known_apps")
    out = validate_cli(pack)
    assert out.returncode == 1, out.stdout + out.stderr
    assert out.stdout.splitlines()[0] == (
        f"{HUNTING}:{line}:{col}: error[CP065]: lookup: table 'entra_id_known_apps' has no column 'appDisplayNam' "
        f"(did you mean 'appDisplayName'?); {COLUMNS} (in detection 'Entra ID Consent Prompts For Unknown Apps')")
    assert "Traceback" not in out.stderr


def test_the_repository_s_own_pack_validates_clean() -> None:
    """Its detections look up its own tables (appId AS app_id, scope AS app_role): every match field is a column."""
    result = validate_pack(REPO)
    assert [d.render() for d in result.diagnostics] == []
    lookups = {lookup.name for lookup in result.pack.lookups} if result.pack is not None else set()
    assert {"entra_id_known_applications", "entra_id_risky_oauth_scopes"} <= lookups
