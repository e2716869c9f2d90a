"""CP025: every table a ``lookup`` or ``inputlookup`` command reads is one of the pack's lookups, read from the
commands the engine parses (not from the raw text), through macros and inside subsearches, reported at the
command's YAML line and column.

Splunk facts pinned here: the lookup command's ``<lookup-table-name>`` "Can be either the name of a CSV file ...
or the name of a stanza in the transforms.conf file"
(https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/lookup); inputlookup takes
``[append=<bool>] [strict=<bool>] [start=<int>] [max=<int>] <filename> | <tablename> [WHERE <search-query>]``,
and "If the lookup does not exist, a warning message is displayed (but no syntax error is generated)"
(https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/inputlookup): the search
runs and finds nothing. outputlookup "Writes search results to a static lookup table"
(https://help.splunk.com/splunk-enterprise/spl-search-reference/9.0/search-commands/outputlookup): its table
need not exist beforehand, so it is not checked. Macros are expanded textually, and "Macros inside of quoted
values are not expanded" (macros.conf spec). Command names are case-insensitive (``assumed``: the Search
Reference writes them in lower case and searches use them in any case).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from contentpack.content.diagnostics import Diagnostic, Severity
from contentpack.content.rules import RuleContext, search

from .helpers import HUNTING, TTP, Validate, at, edit, locate, only
from .test_spl_checks import escu_pack

LOOKUP_LINE = "| lookup entra_id_known_apps appDisplayName OUTPUT known"  # the fixture's hunting search
AFTER = "| where isnull(known)"  # a later line of the same search
NAME = "Entra ID Consent Prompts For Unknown Apps"


def _cp025(pack: Path, validate: Validate) -> list[Diagnostic]:
    """The run's findings, which must all be CP025's (nothing else may fire on these edits)."""
    diagnostics = validate(pack).diagnostics
    assert {d.rule for d in diagnostics} <= {"CP025"}, [d.render() for d in diagnostics]
    return diagnostics


def _macro(pack: Path, name: str, definition: str, arguments: tuple[str, ...] = ()) -> str:
    """Write macros/<name>.yml; returns its path in the pack."""
    args = "".join(f"\n  - {a}" for a in arguments)
    path = f"macros/{name}.yml"
    (pack / path).write_text(f"name: {name}\n" + (f"arguments:{args}\n" if args else "")
                             + f"definition: '{definition}'\ndescription: A fixture macro.\n", encoding="utf-8")
    return path


def test_a_lookup_inside_a_quoted_string_is_not_a_command(pack: Path, validate: Validate) -> None:
    """An eval string literal and a quoted search term that hold ``| lookup`` / ``[inputlookup`` are text: the
    regex over the raw search counted them (proved against the old rule)."""
    edit(pack, HUNTING, AFTER,
         f'{AFTER} | eval hint="| lookup missing_apps app" | search NOT "[inputlookup other_missing]"')
    assert validate(pack).diagnostics == []


def test_a_lookup_in_a_comment_is_not_a_command(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, AFTER, f"{AFTER} ``` | lookup missing_apps app ```")
    assert validate(pack).diagnostics == []


def test_an_inputlookup_inside_a_subsearch_is_reported_at_it(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, AFTER, f"{AFTER} | append [| inputlookup missing_apps | fields appDisplayName]")
    [finding] = _cp025(pack, validate)
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "inputlookup missing_apps"))
    assert finding.message == f"lookup 'missing_apps' used in detection '{NAME}' is not defined in lookups/"


def test_a_subsearch_of_a_command_the_engine_does_not_run_is_read(pack: Path, validate: Validate) -> None:
    """``tstats`` is valid SPL the engine refuses as a whole (CP061 does not report it); Splunk still runs its
    subsearch, whose table must exist. So does a subsearch holding a command the engine does not run (``cluster``)."""
    edit(pack, HUNTING, "`azure_monitor_aad` operationName",
         "| tstats count where [| inputlookup missing_apps | fields user] by user "
         "| search [search x | inputlookup append=t seen_apps | cluster field=user] | search operationName")
    findings = _cp025(pack, validate)
    assert [(at(f), f.message.split("'")[1]) for f in findings] == [
        ((HUNTING, *locate(pack, HUNTING, "inputlookup missing_apps")), "missing_apps"),
        ((HUNTING, *locate(pack, HUNTING, "inputlookup append=t seen_apps")), "seen_apps"),
    ]


def test_a_search_calling_a_macro_of_another_app_is_still_read(pack: Path, validate: Validate) -> None:
    """CIM's ``drop_dm_object_name`` has no definition in the pack (a contentctl built-in, not CP024's): the
    search is read with the call left as written, as the regex read it."""
    edit(pack, HUNTING, AFTER, f'{AFTER} | `drop_dm_object_name("All_Risk")` | lookup missing_apps app')
    [finding] = _cp025(pack, validate)
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "lookup missing_apps"))


def test_inputlookup_options_before_and_after_the_table(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, '| search  user = "$user$"',
         '| search  user = "$user$" | inputlookup append=t max=5 entra_id_known_apps where known=1 '
         '| inputlookup missing_apps append=true start=1 where appDisplayName="x*"')
    [finding] = _cp025(pack, validate)
    assert at(finding) == (TTP, *locate(pack, TTP, "inputlookup missing_apps"))
    assert "used in drilldown 1 of detection '" in finding.message


def test_command_names_are_case_insensitive(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, "| lookup entra_id_known_apps", "| LOOKUP missing_apps")
    edit(pack, HUNTING, AFTER, f"{AFTER} | append [| InputLookup other_missing] | stats count by lookup_ok")
    assert [f.message.split("'")[1] for f in _cp025(pack, validate)] == ["missing_apps", "other_missing"]


def test_the_shipped_csv_file_name_is_a_name_of_the_lookup_for_one_build_only(pack: Path, validate: Validate) -> None:
    """inputlookup's ``<filename>`` is "The name of the lookup file" (Search Reference, inputlookup, 9.2): a file
    in the app's lookups/, which the build ships date-stamped (``entra_id_known_apps_<YYYYMMDD>.csv``, any
    build's date), so that name resolves, but in that build only: the next build, on another date, ships the file
    under another name. A warning at each command, naming the definition to write; the pack stays valid."""
    edit(pack, HUNTING, LOOKUP_LINE, "| lookup entra_id_known_apps_20260101.csv appDisplayName OUTPUT known")
    edit(pack, HUNTING, AFTER, f"{AFTER} | append [| inputlookup entra_id_known_apps_20261231.csv]")
    result = validate(pack)
    assert result.ok and {d.severity for d in result.diagnostics} == {Severity.WARNING}
    first, second = _cp025(pack, validate)
    assert at(first) == (HUNTING, *locate(pack, HUNTING, "lookup entra_id_known_apps_20260101.csv"))
    assert at(second) == (HUNTING, *locate(pack, HUNTING, "inputlookup entra_id_known_apps_20261231.csv"))
    assert first.message == (
        f"lookup 'entra_id_known_apps_20260101.csv' used in detection '{NAME}' is a date-stamped file name: it "
        "names lookups/entra_id_known_apps_20260101.csv as one build ships it; a build on another date ships the "
        "file under another name, and this one stops resolving; use the lookup definition name 'entra_id_known_apps'")
    edit(pack, HUNTING, "inputlookup entra_id_known_apps_20261231.csv", "inputlookup entra_id_known_apps_20261331.csv")
    [_, finding] = _cp025(pack, validate)  # not a date: no build ships that name
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "inputlookup entra_id_known_apps_20261331.csv"))
    assert "is not defined in lookups/" in finding.message


def test_a_date_stamped_file_name_in_a_macro_is_warned_of_in_its_file(pack: Path, validate: Validate) -> None:
    """The same in a macro's definition: reported once, at the command in the macro's file, not at the call."""
    path = _macro(pack, "known_apps", "lookup entra_id_known_apps_20260101.csv appDisplayName OUTPUT known")
    edit(pack, HUNTING, LOOKUP_LINE, "| `known_apps`")
    [finding] = _cp025(pack, validate)
    assert finding.severity is Severity.WARNING
    assert at(finding) == (path, *locate(pack, path, "lookup entra_id_known_apps_20260101.csv"))
    assert finding.message.endswith("use the lookup definition name 'entra_id_known_apps'")


def test_the_source_csv_file_name_does_not_resolve_in_the_built_app(pack: Path, validate: Validate) -> None:
    """The source tree's ``lookups/entra_id_known_apps.csv`` is shipped as ``lookups/entra_id_known_apps_<date>.csv``
    (transforms.conf ``filename`` names that file): on a search head no file of the source name exists, and
    inputlookup's ``<filename>`` is "The name of the lookup file" (Search Reference, inputlookup, 9.2), so the
    search would warn and return nothing. The message says the name to write: the lookup definition's."""
    edit(pack, HUNTING, AFTER, f"{AFTER} | append [| inputlookup entra_id_known_apps.csv]")
    [finding] = _cp025(pack, validate)
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "inputlookup entra_id_known_apps.csv"))
    assert finding.message == (
        f"lookup 'entra_id_known_apps.csv' used in detection '{NAME}' does not resolve in the built app: the built "
        "app ships lookups/entra_id_known_apps.csv date-stamped, as lookups/entra_id_known_apps_YYYYMMDD.csv, so no "
        "file of this name exists there; use the lookup definition name 'entra_id_known_apps'")


def test_the_placeholder_of_the_shipped_name_names_no_file(pack: Path, validate: Validate) -> None:
    """``entra_id_known_apps_YYYYMMDD.csv`` is how the docs and the table of registered names write "any build's
    date"; no build ships a file of that literal name (the stamp is the build's date), so a search naming it would
    find nothing in Splunk: an error, as for the source file name, where it passed as the table's own key."""
    edit(pack, HUNTING, AFTER, f"{AFTER} | append [| inputlookup entra_id_known_apps_YYYYMMDD.csv]")
    [finding] = _cp025(pack, validate)
    assert finding.severity is Severity.ERROR
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "inputlookup entra_id_known_apps_YYYYMMDD.csv"))
    assert finding.message == (
        f"lookup 'entra_id_known_apps_YYYYMMDD.csv' used in detection '{NAME}' does not resolve in the built app: "
        "YYYYMMDD stands for a build's date, which the built app ships in its place, so no file of this name exists "
        "there; use the lookup definition name 'entra_id_known_apps'")


def test_a_near_miss_gets_a_did_you_mean(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, "lookup entra_id_known_apps", "lookup entra_id_knwon_apps")
    finding = only(validate(pack), "CP025")
    assert finding.message == (f"lookup 'entra_id_knwon_apps' used in detection '{NAME}' is not defined in "
                               "lookups/ (did you mean 'entra_id_known_apps'?)")


def test_a_table_in_a_macro_s_definition_is_reported_there_once(pack: Path, validate: Validate) -> None:
    """The fix goes in the macro's file, which ships whether or not a search calls it: one finding at the
    command in macros/, none at the call that brings it."""
    path = _macro(pack, "known_app", "lookup missing_apps appDisplayName OUTPUT known")
    edit(pack, HUNTING, LOOKUP_LINE, "| `known_app`")
    [finding] = _cp025(pack, validate)
    assert at(finding) == (path, *locate(pack, path, "lookup missing_apps"))
    assert finding.message == "lookup 'missing_apps' used in macro 'known_app' is not defined in lookups/"


def test_a_macro_definition_opening_with_a_pipe_is_read(pack: Path, validate: Validate) -> None:
    """``[`m`]`` with ``| inputlookup t | ...`` as the definition (ESCU's prohibited_apps_launching_cmd_macro)."""
    path = _macro(pack, "unvetted", "| inputlookup missing_apps | fields appDisplayName")
    [finding] = _cp025(pack, validate)
    assert at(finding) == (path, *locate(pack, path, "inputlookup missing_apps"))


def test_a_table_a_macro_call_names_is_reported_at_the_call(pack: Path, validate: Validate) -> None:
    """``lookup $table$``: the definition names no table; the call does, and is where it is wrong."""
    _macro(pack, "apps_from", "lookup $table$ appDisplayName OUTPUT known", ("table",))
    edit(pack, HUNTING, LOOKUP_LINE, "| `apps_from(missing_apps)`")
    [finding] = _cp025(pack, validate)
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "`apps_from(missing_apps)`"))
    assert finding.message == (f"lookup 'missing_apps' used in detection '{NAME}' is not defined in lookups/, "
                               "inside the expansion of macro `apps_from`")
    edit(pack, HUNTING, "apps_from(missing_apps)", "apps_from(entra_id_known_apps)")
    assert validate(pack).diagnostics == []


def test_through_a_nested_macro(pack: Path, validate: Validate) -> None:
    """A macro calling a macro: a table the inner one names is reported in its file, once; a table the outer
    call passes down is reported at the outermost call, in the search."""
    inner = _macro(pack, "inner_apps", "lookup missing_apps appDisplayName OUTPUT known")
    _macro(pack, "outer_apps", "`inner_apps` | `apps_from($t$)`", ("t",))
    _macro(pack, "apps_from", "lookup $table$ appDisplayName OUTPUT known", ("table",))
    edit(pack, HUNTING, LOOKUP_LINE, "| `outer_apps(other_missing)`")
    findings = _cp025(pack, validate)
    assert sorted((at(f), f.message) for f in findings) == sorted([
        ((inner, *locate(pack, inner, "lookup missing_apps")),
         "lookup 'missing_apps' used in macro 'inner_apps' is not defined in lookups/"),
        ((HUNTING, *locate(pack, HUNTING, "`outer_apps(other_missing)`")),
         f"lookup 'other_missing' used in detection '{NAME}' is not defined in lookups/, inside the expansion "
         "of macro `outer_apps`"),
    ])


def test_a_lookup_command_that_does_not_parse_is_cp060_s(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, LOOKUP_LINE, "| lookup missing_apps appName OUTPUT")
    assert [d.rule for d in validate(pack).diagnostics] == ["CP060"]


def test_outputlookup_writes_its_table(pack: Path, validate: Validate) -> None:
    """The table need not exist (CP025 says nothing); writing it at all is CP085's finding."""
    edit(pack, HUNTING, AFTER, f"{AFTER} | outputlookup seen_apps")
    assert [d.rule for d in validate(pack).diagnostics] == ["CP085"]


def test_a_drilldown_table_written_with_a_token_is_not_judged(pack: Path, validate: Validate) -> None:
    """ES fills ``$appDisplayName$`` at run time: the table is unknown before. A table without one is judged."""
    edit(pack, TTP, '| search  user = "$user$"', '| search  user = "$user$" | lookup $appDisplayName$ user '
                                                  '| lookup $appDisplayName$_apps user | lookup missing_apps user')
    finding = only(validate(pack), "CP025")  # CP045 warns about the unquoted tokens, as it should
    assert at(finding) == (TTP, *locate(pack, TTP, "lookup missing_apps"))


@pytest.mark.slow
def test_escu_tables_are_all_read() -> None:
    """All 1,870 ESCU detections and their macros (the fixture of tests/content/test_spl_checks.py), in a pack that
    ships none of the tables: every table they read is a finding. The regex this rule replaced found the same
    167 (file, table) pairs in 171 findings (compared by hand when it was replaced); the engine's parse finds
    them through what the regex read by luck or not at all: subsearches of ``tstats`` (which the engine refuses),
    subsearches holding ``outputlookup``, searches calling CIM macros the pack does not define, and macro
    definitions opening with ``| inputlookup``. A change in these counts needs the difference checked by hand."""
    pack = escu_pack()
    context = RuleContext(pack, Path("/nonexistent"), dt.date(2026, 12, 1), frozenset(), None)
    findings = {(d.position.path, d.message) for d in search.lookups_exist(context)}
    pairs = {(path, message.split("'")[1]) for path, message in findings}
    assert (len(findings), len(pairs), len({table for _, table in pairs})) == (171, 167, 82)
    assert {
        ("detections/endpoint/suspicious_linux_discovery_commands.yml", "linux_tool_discovery_process"),  # tstats [...]
        ("detections/cloud/detect_s3_access_from_a_new_ip.yml", "previously_seen_S3_access_from_remote_ip"),
        ("detections/network/excessive_dns_failures.yml", "alexa_lookup_by_str"),  # `drop_dm_object_name(...)`
        ("detections/cloud/geographic_improbable_location.yml", "known_devices_public_ip_filter.csv"),
    } <= pairs
    assert ("", "lookup 'prohibited_apps_launching_cmd' used in macro 'prohibited_apps_launching_cmd_macro' is not "
                "defined in lookups/") in findings  # the fixture's macros have no file
