"""One fixture per semantic rule: each mutates the valid pack once and proves the rule fires at the right
file, line and column (and that the unmutated pack is clean)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from contentpack.content.diagnostics import Severity
from contentpack.content.validate import ValidationResult

from .helpers import (
    CORRELATION,
    CTIME,
    DATA_SOURCE,
    HUNTING,
    LOOKUP,
    STORY,
    TTP,
    Validate,
    add_command,
    at,
    edit,
    locate,
    only,
)


def test_valid_fixture_pack_is_clean(pack: Path, validate: Validate) -> None:
    result = validate(pack)
    assert result.diagnostics == []
    assert result.ok and result.pack is not None
    assert len(result.pack.detections) == 3


def test_cp014_lookup_csv_missing(pack: Path, validate: Validate) -> None:
    """In the commands' one wording of a missing file (``spl.files.no_such_path``), as CP002 and BD005 say it;
    it was "lookup file '...' does not exist"."""
    (pack / "lookups/entra_id_known_apps.csv").unlink()
    finding = only(validate(pack), "CP014")
    assert at(finding) == (LOOKUP, *locate(pack, LOOKUP, "entra_id_known_apps"))
    assert finding.message == "lookups/entra_id_known_apps.csv: no such file or folder"


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_folder_or_fifo_in_a_lookup_csvs_place_is_named_as_what_it_is(pack: Path, validate: Validate,
                                                                      kind: str) -> None:
    """It was reported as "does not exist", which sends the user looking for a file that is there."""
    csv = pack / "lookups/entra_id_known_apps.csv"
    csv.unlink()
    if kind == "folder":
        csv.mkdir()
    else:
        os.mkfifo(csv)
    finding = only(validate(pack), "CP002")
    assert finding.position.path == "lookups/entra_id_known_apps.csv"
    what = "a folder" if kind == "folder" else "a FIFO (named pipe)"
    assert finding.message == f"{what}, not a regular file: not read"


def test_cp014_lookup_csv_without_header(pack: Path, validate: Validate) -> None:
    (pack / "lookups/entra_id_known_apps.csv").write_text("", encoding="utf-8")
    finding = only(validate(pack), "CP014")
    assert at(finding) == ("lookups/entra_id_known_apps.csv", 1, 1)


def test_cp015_yaml_extension_is_reported_not_ignored(pack: Path, validate: Validate) -> None:
    (pack / "macros/extra.yaml").write_text("name: extra\n", encoding="utf-8")
    assert at(only(validate(pack), "CP015")) == ("macros/extra.yaml", 0, 0)


def test_cp020_file_name_must_follow_name(pack: Path, validate: Validate) -> None:
    renamed = "detections/cloud/consent_declined.yml"
    (pack / TTP).rename(pack / renamed)
    finding = only(validate(pack), "CP020")
    assert at(finding) == (renamed, 1, 7)
    assert "entra_id_user_declined_consent_for_oauth_app.yml" in finding.message


def test_cp078_macro_file_name_must_be_its_name(pack: Path, validate: Validate) -> None:
    """A macro named apart from its file (``name: guest_user`` in ``entra_id_guest_user.yml``) passed unreported;
    a macro with arguments is named in its file without them, as the pack writes ``entra_id_ctime``."""
    edit(pack, CTIME, "name: security_content_ctime", "name: guest_ctime")
    finding = only(validate(pack), "CP078")
    assert at(finding) == (CTIME, *locate(pack, CTIME, "guest_ctime"))
    assert finding.severity is Severity.ERROR
    assert finding.message == ("file name must be the macro's name: expected 'guest_ctime.yml', found "
                               "'security_content_ctime.yml' (rename the file, or set name to "
                               "'security_content_ctime' and the calls with it)")


def test_cp078_a_macro_with_arguments_in_a_file_of_its_name_passes(pack: Path, validate: Validate) -> None:
    assert "arguments:" in (pack / CTIME).read_text(encoding="utf-8")
    assert [d.render() for d in validate(pack).diagnostics if d.rule == "CP078"] == []


@pytest.mark.parametrize(
    ("label", "name", "needle"),
    [
        ("FXP", "N" * 68, "over the limit of 67"),
        ("A-VERY-LONG-LABEL", "N" * 62, "stanza name 'A-VERY-LONG-LABEL - NNN"),
    ],
)
def test_cp021_name_and_stanza_lengths(pack: Path, validate: Validate, label: str, name: str, needle: str) -> None:
    edit(pack, "contentpack.yml", "label: FXP", f"label: {label}")
    edit(pack, HUNTING, "name: Entra ID Consent Prompts For Unknown Apps", f"name: {name}")
    finding = only(validate(pack), "CP021")
    assert at(finding) == (HUNTING, 1, 7)
    assert needle in finding.message


@pytest.mark.parametrize("label", ["FXP", "FXPX"])
def test_cp021_a_name_and_stanza_at_their_limits_pass(pack: Path, validate: Validate, label: str) -> None:
    """The limits are lengths allowed (contentctl: a name of at most 67 characters, a stanza of at most 81): a
    67-character name passes, its stanza 80 characters under label FXP and exactly 81 under FXPX."""
    edit(pack, "contentpack.yml", "label: FXP", f"label: {label}")
    edit(pack, HUNTING, "name: Entra ID Consent Prompts For Unknown Apps", f"name: {'N' * 67}")
    assert [d.render() for d in validate(pack).diagnostics if d.rule == "CP021"] == []


def test_cp022_stanza_breaking_characters_in_names(pack: Path, validate: Validate) -> None:
    edit(pack, STORY, "name: Entra ID Consent Fixture Story", "name: Entra ID [Consent] Story")
    finding = only(validate(pack), "CP022")
    assert at(finding) == (STORY, 1, 7)
    assert "'['" in finding.message


def test_cp023_exact_filter_macro_required(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, "`entra_id_consent_prompts_for_unknown_apps_filter`", "`consent_prompts_filter`")
    finding = only(validate(pack), "CP023")
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "`consent_prompts_filter`"))  # the call's own place
    assert finding.message == ("search does not contain the exact filter macro "
                               "`entra_id_consent_prompts_for_unknown_apps_filter` (derived from the name); it calls "
                               "`consent_prompts_filter`: rename the call to "
                               "`entra_id_consent_prompts_for_unknown_apps_filter`")


def test_cp023_without_any_filter_call_says_where_it_goes(pack: Path, validate: Validate) -> None:
    """A new detection's search without the call was told only that it 'does not contain the exact filter macro',
    not where the call goes nor that the build writes the macro (newuser16)."""
    edit(pack, HUNTING, "| `entra_id_consent_prompts_for_unknown_apps_filter`", "")
    assert only(validate(pack), "CP023").message == (
        "search does not contain the exact filter macro `entra_id_consent_prompts_for_unknown_apps_filter` (derived "
        "from the name): end the search with | `entra_id_consent_prompts_for_unknown_apps_filter` (the build defines "
        "it as 'search *' unless macros/entra_id_consent_prompts_for_unknown_apps_filter.yml tunes it)")


def test_cp023_a_misnamed_filter_call_is_one_finding_and_the_others_stay(pack: Path, validate: Validate) -> None:
    """A new user's `` `x_filtr` `` for `` `x_filter` `` was CP023 and CP024 on the one mistake, CP024's "not defined
    in macros/" inviting the author to write that macro: now CP023 alone, at the call, saying to rename it. An
    unknown macro that is no filter stays CP024's, as do the pack's other errors."""
    edit(pack, HUNTING, "`entra_id_consent_prompts_for_unknown_apps_filter`",
         "`entra_id_consent_prompts_for_unknown_apps_filtr`")
    edit(pack, TTP, "`security_content_ctime(lastTime)` \n", "`security_content_ctme(lastTime)` \n")
    assert [d.render() for d in validate(pack).diagnostics if d.rule in ("CP023", "CP024")] == [
        f"{HUNTING}:{':'.join(map(str, locate(pack, HUNTING, '`entra_id_consent_prompts_for_unknown_apps_filtr`')))}: "
        "error[CP023]: search does not contain the exact filter macro `entra_id_consent_prompts_for_unknown_apps_filter` "
        "(derived from the name); it calls `entra_id_consent_prompts_for_unknown_apps_filtr`: rename the call to "
        "`entra_id_consent_prompts_for_unknown_apps_filter`",
        f"{TTP}:19:5: error[CP024]: macro 'security_content_ctme' used in detection 'Entra ID User Declined Consent "
        "For OAuth App' is not defined in macros/ (did you mean 'security_content_ctime'?); until it is, the search "
        "is checked only up to this call, and the check of where a drilldown token's value comes from (CP045) waits "
        "too",
    ]


def test_cp023_names_the_filter_macro_of_the_detection_a_search_was_copied_from(pack: Path,
                                                                                 validate: Validate) -> None:
    edit(pack, HUNTING, "`entra_id_consent_prompts_for_unknown_apps_filter`",
         "`entra_id_user_declined_consent_for_oauth_app_filter`")
    assert only(validate(pack), "CP023").message == (
        "search does not contain the exact filter macro `entra_id_consent_prompts_for_unknown_apps_filter` (derived "
        "from the name); it calls `entra_id_user_declined_consent_for_oauth_app_filter`, another detection's: rename "
        "the call to `entra_id_consent_prompts_for_unknown_apps_filter`")


def _macro(root: Path, name: str, definition: str = "search NOT user=svc@contoso.example") -> str:
    relative = f"macros/{name}.yml"
    (root / relative).write_text(f"name: {name}\ndefinition: {definition}\ndescription: Our tuning.\n",
                                 encoding="utf-8")
    return relative


@pytest.mark.parametrize(("name", "meant"), [
    ("entra_id_user_declined_consent_filter", "entra_id_user_declined_consent_for_oauth_app_filter"),  # shortened
    ("entra_id_user_declined_consent_for_oauth_apps_filter", "entra_id_user_declined_consent_for_oauth_app_filter"),
    ("entra_id_consent_filter", None),  # the stem of none alone, and close to none
])
def test_cp082_a_filter_macro_no_detection_owns_tunes_nothing(pack: Path, validate: Validate, name: str,
                                                            meant: str | None) -> None:
    """A newcomer tuning a detection (README, "Backtest on your tenant", step 4) named the file after the
    detection's words, not its file's stem: it validated silently and the detection went on untuned."""
    relative = _macro(pack, name)
    finding = only(validate(pack), "CP082")
    assert at(finding) == (relative, 1, 7) and finding.severity is Severity.WARNING
    which = "" if meant is None else (f" (did you mean '{meant}', the filter macro of detection 'Entra ID User "
                                      "Declined Consent For OAuth App'?)")
    assert finding.message == (
        f"macro '{name}' tunes nothing: it is no detection's filter macro, and no search calls it{which}; a detection "
        "is tuned by the filter macro named after its file: detections/.../<stem>.yml by macros/<stem>_filter.yml")


def test_cp082_a_detections_filter_macro_or_one_a_search_calls_is_not_reported(pack: Path,
                                                                              validate: Validate) -> None:
    _macro(pack, "entra_id_user_declined_consent_for_oauth_app_filter")
    _macro(pack, "entra_id_service_accounts_filter", "search NOT user=svc*")  # shared, called by a detection
    add_command(pack, "`entra_id_service_accounts_filter`")
    assert [d.render() for d in validate(pack).diagnostics] == []


def test_cp024_macro_arity(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "`security_content_ctime(firstTime)`", "`security_content_ctime(firstTime, utc)`")
    finding = only(validate(pack), "CP024")
    assert at(finding) == (TTP, *locate(pack, TTP, "`security_content_ctime(firstTime, utc)`"))  # the call's own place
    assert "2 argument(s)" in finding.message and "security_content_ctime(1)" in finding.message


def test_cp024_unknown_macro_in_a_macro_definition(pack: Path, validate: Validate) -> None:
    edit(pack, CTIME, "ctime($field$)'", "ctime($field$) | `missing_macro`'")
    finding = only(validate(pack), "CP024")
    assert at(finding) == (CTIME, *locate(pack, CTIME, "`missing_macro`"))
    assert "'missing_macro'" in finding.message


def test_cp024_and_a_command_typo_before_the_call_in_one_run(pack: Path, validate: Validate) -> None:
    """A new user's typo of a macro (`` `ctme` ``) hid a typo of a command before it (``filnull``) until the macro
    was fixed, and CP024 pointed at the start of the search (line 14) with no suggestion: now the call's own line
    and column with a did-you-mean, and the commands before the call are parsed (CP061), as are a drilldown's
    (its ``%original_detection_search%`` counted as written, so the call's column is its own)."""
    edit(pack, TTP, "| fillnull", "| filnull")
    edit(pack, TTP, "`security_content_ctime(lastTime)` \n", "`security_content_ctme(lastTime)` \n")
    edit(pack, TTP, '| search  user = "$user$"', '| eval x=lenn(user) | `security_contnt_ctime(x)` | filnull')
    name = "detection 'Entra ID User Declined Consent For OAuth App'"
    assert [d.render() for d in validate(pack).diagnostics if d.rule in ("CP024", "CP061")] == [
        f"{TTP}:16:5: error[CP061]: unknown search command 'filnull' (did you mean 'fillnull'?): it is not a Splunk "
        "command; a command another app provides must be declared in contentpack.yml custom_commands "
        f"(in {name})",
        f"{TTP}:19:5: error[CP024]: macro 'security_content_ctme' used in {name} is not defined in macros/ "
        "(did you mean 'security_content_ctime'?); until it is, the search is checked only up to this call, and "
        "the check of where a drilldown token's value comes from (CP045) waits too",
        f"{TTP}:30:49: error[CP061]: unknown eval function 'lenn' (did you mean 'len'?) (in drilldown 1 of {name})",
        f"{TTP}:30:62: error[CP024]: macro 'security_contnt_ctime' used in drilldown is not defined in macros/ "
        "(did you mean 'security_content_ctime'?); until it is, the search is checked only up to this call",
    ]


def test_commands_from_an_unknown_macro_call_on_are_not_judged(pack: Path, validate: Validate) -> None:
    """What an undefined macro brings is unknown (several commands, or a quote a later command closes), so the
    command holding the call and every later one are left unparsed: no CP060/CP061 that its definition could
    make wrong, only CP024."""
    edit(pack, TTP, "| fillnull", '| `no_such_macro` eval x="a | filnull | eval y=(')
    assert {d.rule for d in validate(pack).diagnostics if d.severity is Severity.ERROR} == {"CP024"}


def test_cp052_a_macro_that_reaches_itself(pack: Path, validate: Validate) -> None:
    """Splunk expands a macro's definition until no call is left, so ``loop_a`` -> ``loop_b`` -> ``loop_a`` never
    ends: the cycle is named at each search that enters it, the two macro definitions included."""
    for name, calls in (("loop_a", "loop_b"), ("loop_b", "loop_a")):
        (pack / "macros" / f"{name}.yml").write_text(
            f"name: {name}\ndefinition: '| `{calls}`'\ndescription: half of a cycle\n", encoding="utf-8")
    edit(pack, TTP, "`security_content_ctime(firstTime)`", "`security_content_ctime(firstTime)` | `loop_a`")
    found = {d.position.path: d.message for d in validate(pack).diagnostics if d.rule == "CP052"}
    assert sorted(found) == sorted([TTP, "macros/loop_a.yml", "macros/loop_b.yml"])
    assert found[TTP].startswith("macro call `loop_a` at character")
    assert found[TTP].endswith("never ends: loop_a -> loop_b -> loop_a")
    assert found["macros/loop_b.yml"].endswith("never ends: loop_a -> loop_b -> loop_a")


@pytest.mark.parametrize(("levels", "reported"), [(20, False), (21, True)])
def test_cp052_macros_nested_as_deep_as_the_engine_expands_pass(pack: Path, validate: Validate, levels: int,
                                                                reported: bool) -> None:
    """A chain of macros as deep as the replay engine expands (``spl.macros.MAX_DEPTH``, 20: tests/spl/test_macros.py
    expands 20 nested calls and refuses 21) is no CP052; one level more is, at the search that enters it."""
    for level in range(1, levels + 1):
        body = f"`nest_{level + 1}`" if level < levels else "convert ctime(firstTime)"
        (pack / "macros" / f"nest_{level}.yml").write_text(
            f"name: nest_{level}\ndefinition: '{body}'\ndescription: one level of a chain\n", encoding="utf-8")
    edit(pack, TTP, "`security_content_ctime(firstTime)`", "`security_content_ctime(firstTime)` | `nest_1`")
    found = [d for d in validate(pack).diagnostics if d.rule == "CP052"]
    if reported:
        assert [d.position.path for d in found] == [TTP], [d.render() for d in found]
        assert "nests macros 21 levels deep (Splunk and the replay engine stop at 20)" in found[0].message
    else:
        assert found == []


def test_cp024_backticks_inside_comments_are_ignored(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, "| where isnull(known)", "| where isnull(known) ``` old: `legacy_macro` ```")
    assert validate(pack).diagnostics == []


def test_cp067_a_token_that_is_no_argument_of_the_macro(pack: Path, validate: Validate) -> None:
    """macros.conf.spec: the definition refers to its arguments as $name$; Splunk substitutes those only, so a
    misspelt token stays in the search as written."""
    edit(pack, CTIME, "ctime($field$)'", "ctime($fied$)'")
    result = validate(pack)
    finding = only(result, "CP067")
    assert result.ok and finding.severity is Severity.WARNING
    assert at(finding) == (CTIME, *locate(pack, CTIME, "$fied$"))
    assert finding.message == ("macro 'security_content_ctime' definition uses $fied$, which is not one of its "
                               "arguments (field): Splunk substitutes only arguments, so $fied$ stays in the search "
                               "as written (did you mean 'field'?)")


def test_cp067_says_nothing_of_dollars_that_are_no_token(pack: Path, validate: Validate) -> None:
    edit(pack, CTIME, "ctime($field$)'", "ctime($field$) | rex field=x \"(?<n>\\d+)$\" | eval y=\"a$ b$\"'")
    assert [d.rule for d in validate(pack).diagnostics if d.rule == "CP067"] == []


def test_cp025_unknown_lookup(pack: Path, validate: Validate) -> None:
    """Reported at the command (it used to be the start of the search: the rule now reads parsed commands)."""
    edit(pack, HUNTING, "lookup entra_id_known_apps", "lookup entra_id_trusted_apps")
    finding = only(validate(pack), "CP025")
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "lookup entra_id_trusted_apps"))
    assert "'entra_id_trusted_apps'" in finding.message


TRANSACTION = "  | transaction user\n"  # a final command the result-field reader does not model (CP029 is silent)
CTIME_LINE = "  | `security_content_ctime(firstTime)`"


def test_cp026_rba_field_not_in_search(pack: Path, validate: Validate) -> None:
    """When the result fields cannot be read, the substring test is the only check of the object field."""
    edit(pack, TTP, "  - field: user\n", "  - field: target_user\n")
    edit(pack, TTP, CTIME_LINE, TRANSACTION + CTIME_LINE)
    finding = only(validate(pack), "CP026")
    assert at(finding) == (TTP, *locate(pack, TTP, "message: User"))
    assert "target_user" in finding.message


def test_a_wrong_object_or_throttling_field_is_one_finding_cp029s(pack: Path, validate: Validate) -> None:
    """``user_name`` for ``user`` (a risk object) and ``tenant_id`` (a throttling field) occur nowhere in the
    search: CP026 and CP028 both fired beside CP029 for each. CP029 is the actionable one (it names the result
    fields to choose from), so it is the one finding per mistake; CP026 and CP028 stay for what CP029 cannot
    judge (the test above)."""
    edit(pack, TTP, "  - field: user\n", "  - field: user_name\n")
    throttling = "  throttling:\n    fields:\n    - user\n    - tenant_id\n    period: 1h\n"
    edit(pack, TTP, "  security_domain: identity\n", "  security_domain: identity\n" + throttling)
    diagnostics = validate(pack).diagnostics
    assert [d.rule for d in diagnostics] == ["CP029", "CP029"], [d.render() for d in diagnostics]
    risk, throttle = diagnostics
    assert at(risk) == (TTP, *locate(pack, TTP, "user_name"))
    assert risk.message.startswith("risk object field 'user_name' is not a result field of the search")
    assert at(throttle) == (TTP, *locate(pack, TTP, "tenant_id"))
    assert throttle.message.startswith("throttling field 'tenant_id' is not a result field of the search")


def test_a_wrong_message_token_is_one_finding_cp029s(pack: Path, validate: Validate) -> None:
    """``$app_title$`` occurs nowhere in the search: CP026 (an error) fired beside CP029 (a warning) for the one
    token. CP029 says which result fields there are, so it is the one finding, as for an object field above;
    CP026 still judges a token when the result fields cannot be read."""
    edit(pack, TTP, "$appDisplayName$.", "$app_title$.")
    diagnostics = validate(pack).diagnostics
    assert [d.rule for d in diagnostics] == ["CP029"], [d.render() for d in diagnostics]
    assert at(diagnostics[0]) == (TTP, *locate(pack, TTP, "User $user$"))
    assert diagnostics[0].message.startswith("rba message token(s) $app_title$ name no result field of the search")
    edit(pack, TTP, CTIME_LINE, TRANSACTION + CTIME_LINE)
    finding = only(validate(pack), "CP026")
    assert finding.message == "rba message tokens not present in the search: app_title"


@pytest.mark.parametrize(("fillnull", "by", "missing", "what"), [
    ("| fillnull \n", "by dest user src vendor_product", "vendor_account", "not present in the search"),
    # a newcomer's ``stats ... by`` left src out while ``fillnull`` named it: the text held every field, so CP027
    # passed, though the docs ask for them "through the last stats" and each result lacks src
    ('| fillnull value="unknown" src\n', "by dest user vendor_account vendor_product", "src",
     "the search's last stats or table drops"),
])
def test_cp027_data_source_output_field_missing_from_the_results(pack: Path, validate: Validate, fillnull: str,
                                                                 by: str, missing: str, what: str) -> None:
    edit(pack, TTP, "| fillnull \n", fillnull)
    edit(pack, TTP, "by dest user src vendor_account vendor_product", by)
    finding = only(validate(pack), "CP027")
    assert at(finding) == (TTP, *locate(pack, TTP, "'`azure_monitor_aad`"))
    assert finding.message == (
        f"data source 'Azure Active Directory Sign-in activity' has output fields {what}: {missing}; keep them "
        f"through the last stats, as by fields or values(), after | fillnull value=\"unknown\" {missing} (a field "
        "no event holds is then 'unknown', not dropped)")


def test_cp028_throttling_field_not_in_search(pack: Path, validate: Validate) -> None:
    throttling = "  throttling:\n    fields:\n    - user\n    - tenant_id\n    period: 1h\n"
    edit(pack, TTP, "  security_domain: identity\n", "  security_domain: identity\n" + throttling)
    edit(pack, TTP, CTIME_LINE, TRANSACTION + CTIME_LINE)
    finding = only(validate(pack), "CP028")
    assert at(finding) == (TTP, *locate(pack, TTP, "tenant_id"))


def test_cp029_risk_and_threat_fields_must_be_result_fields(pack: Path, validate: Validate) -> None:
    """``status`` and ``operationName`` occur in the search's text (CP026's contentctl test passes), but its
    final ``stats`` returns neither: ES would write no risk event for the user field and no threat object."""
    edit(pack, TTP, "  - field: user\n", "  - field: status\n")
    edit(pack, TTP, "  threat_objects: []\n", "  threat_objects:\n  - field: operationName\n    type: signature\n")
    result = validate(pack)
    assert [d.rule for d in result.diagnostics] == ["CP029", "CP029"]
    risk, threat = result.diagnostics
    assert at(risk) == (TTP, *locate(pack, TTP, "status\n"))
    assert risk.message.startswith("risk object field 'status' is not a result field of the search: no risk event")
    assert "(result fields: appDisplayName, count, dest, firstTime" in risk.message
    assert at(threat) == (TTP, *locate(pack, TTP, "operationName\n    type: signature"))
    assert threat.message.startswith("threat object field 'operationName' is not a result field")
    assert risk.severity is threat.severity is Severity.ERROR


def test_cp029_rba_message_token_must_be_a_result_field(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "$appDisplayName$.", "$appDisplayNam$ ($user$, $count$).")
    finding = only(validate(pack), "CP029")
    assert at(finding) == (TTP, *locate(pack, TTP, "User $user$"))
    assert finding.message.startswith("rba message token(s) $appDisplayNam$ name no result field of the search")
    assert finding.severity is Severity.WARNING  # the risk event is still written, with a blank in its message
    assert [d.rule for d in validate(pack).diagnostics] == ["CP029"]  # CP026's substring test lets it through


def test_cp029_throttling_field_must_be_a_result_field(pack: Path, validate: Validate) -> None:
    throttling = "  throttling:\n    fields:\n    - user\n    - operationName\n    period: 1h\n"
    edit(pack, TTP, "  security_domain: identity\n", "  security_domain: identity\n" + throttling)
    finding = only(validate(pack), "CP029")
    assert at(finding) == (TTP, *locate(pack, TTP, "operationName\n    period"))
    assert "throttling field 'operationName' is not a result field" in finding.message


def test_cp029_says_nothing_when_the_result_fields_cannot_be_read(pack: Path, validate: Validate) -> None:
    """A final command the field reader does not model (``transaction``): only CP026/CP028's test applies."""
    edit(pack, TTP, "  - field: user\n", "  - field: status\n")
    edit(pack, TTP, CTIME_LINE, TRANSACTION + CTIME_LINE)
    assert [d for d in validate(pack).diagnostics if d.rule == "CP029"] == []


def test_cp029_drilldown_tokens_must_be_result_fields(pack: Path, validate: Validate) -> None:
    """``$info_min_time$`` in the offsets is ES's own token, not a result field; ``$usr$`` is a typo."""
    edit(pack, TTP, 'search: \'%original_detection_search% | search  user = "$user$"\'',
         'search: \'%original_detection_search% | search  user = "$usr$"\'')
    edit(pack, TTP, '- name: View the detection results for - "$user$"', '- name: Results for "$src_user$"')
    result = validate(pack)
    assert [d.rule for d in result.diagnostics] == ["CP029", "CP029"]
    name, search = result.diagnostics
    assert at(name) == (TTP, *locate(pack, TTP, "Results for"))
    assert name.message.startswith("drilldown name token(s) $src_user$ name no result field of the search")
    assert at(search) == (TTP, *locate(pack, TTP, "'%original_detection_search% | search  user"))
    assert search.message.startswith("drilldown search token(s) $usr$ name no result field of the search")
    assert name.severity is search.severity is Severity.WARNING


def test_cp029_a_by_field_the_search_misspells_is_reported_once_at_the_search(pack: Path,
                                                                              validate: Validate) -> None:
    """``stats ... by usr`` where the risk object, the risk message, the drilldowns and a test's expected_rows read
    ``user``: one error at the search naming both spellings and the readers, not one per reader (the real pack's
    declined-consent detection gave 8 errors and 7 warnings for it)."""
    edit(pack, TTP, "by dest user src", "by dest usr src")
    edit(pack, TTP, "    sourcetype: azure:monitor:aad\n", "    sourcetype: azure:monitor:aad\n  expected_rows:\n"
                                                           "  - user: alice\n")
    result = validate(pack)
    finding = only(result, "CP029")
    assert at(finding) == (TTP, *locate(pack, TTP, "'`azure_monitor_aad`"))
    assert finding.message.startswith("the search returns 'usr' where the detection reads 'user' (risk object, "
                                      "rba message, 4 drilldown tokens, expected_rows field): one misspelling")
    assert [d.rule for d in result.diagnostics] == ["CP029"] and not result.ok


def test_cp029_a_field_one_reader_misspells_is_still_that_readers_own(pack: Path, validate: Validate) -> None:
    """Beside the search's misspelling, a token one reader alone misspells (``$appDisplayNam$``, though the search
    returns an ``appDisplayName`` no one else reads) stays its own finding, at the risk message."""
    edit(pack, TTP, "by dest user src", "by dest usr src")
    edit(pack, TTP, "$appDisplayName$.", "$appDisplayNam$.")
    findings = [d for d in validate(pack).diagnostics if d.rule == "CP029"]
    assert [d.message[:60] for d in findings] == ["the search returns 'usr' where the detection reads 'user' (r",
                                                  "rba message token(s) $appDisplayNam$ name no result field of"]
    assert at(findings[1]) == (TTP, *locate(pack, TTP, "User $user$"))


def test_cp030_two_drilldowns_required(pack: Path, validate: Validate) -> None:
    text = (pack / CORRELATION).read_text(encoding="utf-8")
    start = text.index("- name: View the sign-ins of")
    end = text.index("tags:")
    (pack / CORRELATION).write_text(text[:start] + text[end:], encoding="utf-8")
    finding = only(validate(pack), "CP030")
    assert at(finding) == (CORRELATION, *locate(pack, CORRELATION, "drilldown_searches:"))
    assert "found 1" in finding.message


def test_cp030_one_drilldown_must_rerun_the_detection(pack: Path, validate: Validate) -> None:
    edit(pack, CORRELATION, "'%original_detection_search% | search", "'| from datamodel Risk.All_Risk | search")
    finding = only(validate(pack), "CP030")
    assert "%original_detection_search%" in finding.message


def test_cp031_rba_required_for_ttp(pack: Path, validate: Validate) -> None:
    text = (pack / TTP).read_text(encoding="utf-8")
    (pack / TTP).write_text(text[: text.index("rba:")] + text[text.index("tags:") :], encoding="utf-8")
    finding = only(validate(pack), "CP031")
    assert at(finding) == (TTP, *locate(pack, TTP, "type: TTP"))


def test_cp031_rba_forbidden_when_inline_deployment_disables_it(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "tags:\n", "deployment:\n  alert_action:\n    notable: {}\ntags:\n")
    finding = only(validate(pack), "CP031")
    assert at(finding) == (TTP, *locate(pack, TTP, "rba:"))
    assert "inline deployment" in finding.message


def test_cp032_production_detection_needs_a_test(pack: Path, validate: Validate) -> None:
    text = (pack / TTP).read_text(encoding="utf-8")
    (pack / TTP).write_text(text[: text.index("tests:")], encoding="utf-8")
    finding = only(validate(pack), "CP032")
    assert at(finding) == (TTP, 1, 1)  # no tests key: the whole document


def test_cp032_manual_test_exempts(pack: Path, validate: Validate) -> None:
    text = (pack / TTP).read_text(encoding="utf-8")
    text = text[: text.index("tests:")].replace(
        "  security_domain: identity\n", "  security_domain: identity\n  manual_test: needs a live tenant\n"
    )
    (pack / TTP).write_text(text, encoding="utf-8")
    assert validate(pack).diagnostics == []


def test_cp033_enabled_by_default_not_for_hunting(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, "type: Hunting\n", "type: Hunting\nenabled_by_default: true\n")
    finding = only(validate(pack), "CP033")
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "true"))


def test_cp034_date_in_the_future(pack: Path, validate: Validate) -> None:
    edit(pack, STORY, "date: '2025-03-14'", "date: '2025-05-03'")
    finding = only(validate(pack, today=dt.date(2025, 5, 2)), "CP034")  # the newest fixture date is 2025-05-02
    assert at(finding) == (STORY, *locate(pack, STORY, "'2025-05-03'"))


def test_cp035_technique_and_own_subtechnique(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "  - T1528\n", "  - T1098\n  - T1098.003\n")
    finding = only(validate(pack), "CP035")
    assert at(finding) == (TTP, *locate(pack, TTP, "T1098.003"))


def test_cp036_unknown_technique(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, "  - T1528\n", "  - T1999\n")
    finding = only(validate(pack), "CP036")
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "T1999"))


def test_cp037_revoked_technique(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, "  - T1528\n", "  - T1002\n")  # revoked in ATT&CK 18.1 (Data Compressed)
    finding = only(validate(pack), "CP037")
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "T1002"))
    assert "revoked" in finding.message


def test_cp036_unreadable_attack_data_is_reported_once(pack: Path, validate: Validate) -> None:
    result = validate(pack, attack_catalog=lambda: (None, "shipped attack_enterprise.json cannot be read"))
    finding = only(result, "CP036")
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "T1528"))  # the first id in path order
    assert finding.message == "cannot check ATT&CK ids: shipped attack_enterprise.json cannot be read"


def _of(result: ValidationResult, rule: str) -> dict[tuple[str, int, int], str]:
    return {at(d): d.message for d in result.diagnostics if d.rule == rule}


def test_cp040_duplicate_id_is_reported_at_each_holder(pack: Path, validate: Validate) -> None:
    """Reported at the first holder only, ``validate`` of the other file (a new detection given a shipped one's
    id) said "valid" and exited 0: the clash is reported at every file holding the id, each naming the other."""
    edit(pack, DATA_SOURCE, "id: 5a4e2c1b-9d8f-4a7e-b6c5-d4e3f2a1b0c9", "id: 0c6e4f7a-2b1d-4e3f-9a8b-7c6d5e4f3a21")
    ident = "0c6e4f7a-2b1d-4e3f-9a8b-7c6d5e4f3a21"
    assert _of(validate(pack), "CP040") == {
        (STORY, 2, 5): f"story id {ident} is also used by the data source in {DATA_SOURCE}:2:5",
        (DATA_SOURCE, 2, 5): f"data source id {ident} is also used by the story in {STORY}:2:5",
    }


def test_cp041_duplicate_name_is_reported_at_each_holder(pack: Path, validate: Validate) -> None:
    copy = "stories/zz_copy.yml"
    text = (pack / STORY).read_text(encoding="utf-8")
    (pack / copy).write_text(text.replace("0c6e4f7a-2b1d", "0c6e4f7a-2b1e"), encoding="utf-8")
    found = _of(validate(pack), "CP041")
    assert sorted(found) == [(STORY, 1, 7), (copy, 1, 7)]
    assert f"is also used by the story in {copy}:1:7" in found[(STORY, 1, 7)]
    assert f"is also used by the story in {STORY}:1:7" in found[(copy, 1, 7)]


def test_cp042_unknown_story(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, "  - Entra ID Consent Fixture Story", "  - Entra ID Consent Fixture Stories")
    finding = only(validate(pack), "CP042")
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "Entra ID Consent Fixture Stories"))
    assert finding.message == ("analytic story 'Entra ID Consent Fixture Stories' is not defined in stories/ "
                               "(did you mean 'Entra ID Consent Fixture Story'?)")


def test_unmodelled_story_is_not_reported_again_as_unknown(pack: Path, validate: Validate) -> None:
    edit(pack, STORY, "usecase: Advanced Threat Detection", "usecase: Threat Hunting")
    result = validate(pack)
    assert [d.rule for d in result.diagnostics] == ["CP012"]


@pytest.mark.parametrize(("path", "broken", "cascade"), [
    (TTP, "version: 1\n", "CP048"),  # a duplicate key: risk_from's name is the file's, which is not read
    (STORY, "name: Entra ID Consent Fixture Story\n", "CP042"),
])
def test_a_file_that_does_not_parse_draws_no_unknown_name_errors(pack: Path, validate: Validate, path: str,
                                                                  broken: str, cascade: str) -> None:
    """A file that cannot be parsed names nothing the run can read, so a name of its kind that no modelled
    object has may be its: reporting the references to it as unknown would send the author after a right name
    (a duplicate ``version`` once drew two CP048 "not a detection in this pack" beside the CP005)."""
    text = (pack / path).read_text(encoding="utf-8")
    (pack / path).write_text(text + broken, encoding="utf-8")  # the key once more, at the end
    rules = [d.rule for d in validate(pack).diagnostics]
    assert "CP005" in rules and cascade not in rules, rules


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "~\n", "name: [security_content_ctime]\n"])
def test_a_file_that_parses_without_a_name_draws_no_unknown_name_errors(pack: Path, validate: Validate,
                                                                       text: str) -> None:
    """As one that does not parse: a macro file holding a list, a scalar or a list for its name drew, beside
    its schema errors, a CP024 "not defined in macros/" at every call of the macro (30 on the shipped pack)."""
    (pack / CTIME).write_text(text, encoding="utf-8")
    found = validate(pack).diagnostics
    assert "CP012" in {d.rule for d in found} and {d.position.path for d in found} == {CTIME}, found


def test_cp043_unknown_data_source_in_and_entry(pack: Path, validate: Validate) -> None:
    edit(
        pack,
        HUNTING,
        "- Azure Active Directory Sign-in activity\n",
        "- Azure Active Directory Sign-in activity AND Azure Active Directory Audit\n",
    )
    finding = only(validate(pack), "CP043")
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "Azure Active Directory Sign-in activity AND"))
    assert "'Azure Active Directory Audit'" in finding.message


def test_cp043_a_misspelt_data_source_gets_a_did_you_mean(pack: Path, validate: Validate) -> None:
    """As a misspelt macro (CP024) or key (CP010) does: a newcomer's typo in a 40-character name."""
    edit(pack, HUNTING, "- Azure Active Directory Sign-in activity\n", "- Azure Active Directory Sign-in activty\n")
    assert only(validate(pack), "CP043").message == (
        "data source 'Azure Active Directory Sign-in activty' is not defined in data_sources/ "
        "(did you mean 'Azure Active Directory Sign-in activity'?)")


def test_cp044_unbalanced_tokens_in_risk_message(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "message: User $user$ refused", "message: User $user refused")
    finding = only(validate(pack), "CP044")
    assert at(finding) == (TTP, *locate(pack, TTP, "User $user refused"))


def test_cp044_unbalanced_tokens_in_drilldown_name(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, 'name: View the detection results for - "$user$"', 'name: View the detection results for - "$user"')
    finding = only(validate(pack), "CP044")
    assert at(finding) == (TTP, *locate(pack, TTP, "View the detection results"))
    assert finding.message.startswith("drilldown name:")


def test_cp044_unbalanced_tokens_in_drilldown_search(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, """search  user = "$user$"'""", """search  user = "$user"'""")
    finding = only(validate(pack), "CP044")
    assert at(finding) == (TTP, *locate(pack, TTP, "'%original_detection_search%"))
    assert finding.message.startswith("drilldown search:")


def test_cp044_checks_the_drilldown_as_written_not_the_expanded_detection_search(
    pack: Path, validate: Validate
) -> None:
    # The detection search is not token text; a lone `$` in it must not surface through the
    # `%original_detection_search%` placeholder of a drilldown.
    edit(pack, TTP, "  | fillnull \n", '  | fillnull \n  | eval note="price in US$" \n')
    assert validate(pack).diagnostics == []


def test_cp045_attacker_controlled_drilldown_token_is_a_warning(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, 'View the detection results for - "$user$"', 'View the detection results for - "$appDisplayName$"')
    result = validate(pack)
    finding = only(result, "CP045")
    assert finding.severity is Severity.WARNING
    assert at(finding) == (TTP, *locate(pack, TTP, "View the detection results"))
    assert "properties.appDisplayName" in finding.message
    assert result.ok
    assert not validate(pack, strict=True).ok


def test_cp046_local_attack_data_must_exist(pack: Path, validate: Validate) -> None:
    """A missing file in the commands' one wording (``spl.files.no_such_path``); it was "attack data file '...'
    does not exist", said of a folder in the file's place too."""
    edit(pack, HUNTING, "data: attack_data/consent_prompts/consent_prompts.log", "data: attack_data/missing.log")
    finding = only(validate(pack), "CP046")
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "attack_data/missing.log"))
    assert finding.message == "attack_data/missing.log: no such file or folder"
    (pack / "attack_data/missing.log").mkdir()
    assert only(validate(pack), "CP046").message == "attack_data/missing.log: a folder, not a regular file"


def test_cp046_names_the_file_a_missing_path_meant(pack: Path, validate: Validate) -> None:
    """A newcomer wrote ``attack_data/<scenario>.log`` for the pack's ``attack_data/<scenario>/<scenario>.log``, or
    misspelt the file's name, and was told only that the path names nothing: the one file of that name under the
    path's top folder, else the closest name in its folder, is offered, in the replay's RP002 too (one home)."""
    edit(pack, HUNTING, "data: attack_data/consent_prompts/consent_prompts.log",
         "data: attack_data/consent_prompts.log")
    assert only(validate(pack), "CP046").message == (
        "attack_data/consent_prompts.log: no such file or folder "
        "(did you mean 'attack_data/consent_prompts/consent_prompts.log'?)")
    edit(pack, HUNTING, "data: attack_data/consent_prompts.log", "data: attack_data/consent_prompts/consent_promts.log")
    assert only(validate(pack), "CP046").message == (
        "attack_data/consent_prompts/consent_promts.log: no such file or folder "
        "(did you mean 'attack_data/consent_prompts/consent_prompts.log'?)")


def test_cp046_a_missing_folder_many_paths_name_is_one_finding(pack: Path, validate: Validate) -> None:
    """Paths failing for one missing folder are one finding at the first of them (one line per path hid the cause
    under hundreds); a folder one path alone names keeps that path's own finding."""
    edit(pack, HUNTING, "data: attack_data/consent_prompts/consent_prompts.log", "data: attack_data/gone/a.log")
    edit(pack, CORRELATION, "data: attack_data/consent_prompts/consent_prompts.log", "data: attack_data/gone/b.log")
    finding = only(validate(pack), "CP046")
    assert at(finding) == (CORRELATION, *locate(pack, CORRELATION, "attack_data/gone/b.log"))
    assert finding.message == (
        f"attack_data/gone/: no such folder in the pack (looked for at {pack / 'attack_data/gone/'}); 2 tests of 2 "
        "detections read their attack data from it (2 paths, not reported one by one): replay needs the pack's "
        "attack data, copy attack_data/gone/ with the pack")
    edit(pack, CORRELATION, "data: attack_data/gone/b.log", "data: attack_data/consent_prompts/consent_prompts.log")
    assert only(validate(pack), "CP046").message == "attack_data/gone/a.log: no such file or folder"


def test_cp046_attack_data_may_not_leave_the_root(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, "data: attack_data/consent_prompts/consent_prompts.log", "data: ../outside.log")
    assert "stay inside" in only(validate(pack), "CP046").message


def test_cp047_expected_rows_key_must_be_a_result_field(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, "    appDisplayName: Shady Mail Reader", "    app: Shady Mail Reader")
    finding = only(validate(pack), "CP047")
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "app: Shady"))
    assert "appDisplayName, count, user" in finding.message


def test_cp009_a_line_separator_written_as_it_is(pack: Path, validate: Validate, cache_dir: Path) -> None:
    """A raw U+2028 is a line break to libyaml (YAML 1.1) but not to an editor: reported where the editor shows
    it, before CP049 could report it inside its text (and a cache hit says the same as a parse)."""
    line, col = locate(pack, STORY, "watch consent prompts,")
    edit(pack, STORY, "watch consent prompts,", "watch consent\u2028prompts,")
    for _ in range(2):
        finding = only(validate(pack), "CP009")
        assert at(finding) == (STORY, line, col + len("watch consent"))
        assert finding.message == ("LINE SEPARATOR (U+2028) is a line break to YAML 1.1 readers (libyaml, PyYAML, "
                                   "contentctl) but not to an editor: write it as \\L in a double-quoted string, "
                                   "or remove it")


@pytest.mark.parametrize(("header", "col", "message"), [
    # a control character: CP049 reported it at the YAML file's first line, not in the CSV where it is
    ("appDisplayName,kno\x1bwn", 16, "'kno\\x1bwn': line 1 column 4: control character U+001B cannot be written"),
    # fields_list lists the columns joined by ", ": these listed others than the CSV's, and validate said nothing
    ('appDisplayName,"app, name",known', 16, "'app, name': a comma in a column name would split it in two"),
    ('appDisplayName,"a\nb"," known"', 4, "' known': a space at either end of a column name would be lost"),
    ("appDisplayName,known,extra\\", 22, "'extra\\\\': a value may not end with a backslash"),
])
def test_cp014_a_lookup_csv_column_transforms_conf_cannot_list_is_reported_in_the_csv(
        pack: Path, validate: Validate, header: str, col: int, message: str) -> None:
    csv = pack / "lookups" / "entra_id_known_apps.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("appDisplayName,known", header, 1), encoding="utf-8")
    finding = only(validate(pack), "CP014")
    assert at(finding) == ("lookups/entra_id_known_apps.csv", 2 if "\n" in header else 1, col)
    assert finding.message.startswith(f"lookup CSV column {message}")


def test_cp048_risk_from_names_a_detection(pack: Path, validate: Validate) -> None:
    edit(pack, CORRELATION, "  - Entra ID User Declined Consent For OAuth App", "  - Entra ID User Declined Consent")
    finding = only(validate(pack), "CP048")
    assert at(finding) == (CORRELATION, *locate(pack, CORRELATION, "Entra ID User Declined Consent\n"))


def test_cp048_risk_from_only_on_correlation(pack: Path, validate: Validate) -> None:
    risk_from = "  risk_from:\n  - Entra ID User Declined Consent For OAuth App\n"
    edit(pack, HUNTING, "  expected_results: 1\n", "  expected_results: 1\n" + risk_from)
    finding = only(validate(pack), "CP048")
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "risk_from:"))


def test_cp053_attack_data_under_a_sourcetype_no_data_source_has(pack: Path, validate: Validate) -> None:
    """The replay indexes each attack-data file under its sourcetype and the search reads its data sources' one,
    so a misspelt sourcetype made the test fail with no row and no hint; now validate says where and why."""
    edit(pack, TTP, "    sourcetype: azure:monitor:aad\n", "    sourcetype: azure:monitor:add\n")
    result = validate(pack)
    finding = only(result, "CP053")
    assert finding.severity is Severity.WARNING and result.ok  # a search may read several sourcetypes
    assert at(finding) == (TTP, *locate(pack, TTP, "azure:monitor:add"))
    assert finding.message == (
        "attack data sourcetype 'azure:monitor:add' is not the sourcetype of the detection's data sources "
        "(azure:monitor:aad) (did you mean 'azure:monitor:aad'?): the replay indexes this file under it, where the "
        "detection's search does not look")


def test_cp053_leaves_correlation_tests_alone(pack: Path, validate: Validate) -> None:
    """A correlation search reads the risk index its risk_from detections write, not its tests' files."""
    text = (pack / CORRELATION).read_text(encoding="utf-8")
    assert "sourcetype: azure:monitor:aad" in text and "\ndata_source:" not in text
    text = text.replace("sourcetype: azure:monitor:aad", "sourcetype: other")
    (pack / CORRELATION).write_text(text.replace("type: Correlation\n", "type: Correlation\ndata_source:\n"
                                                 "- Azure Active Directory Sign-in activity\n", 1), encoding="utf-8")
    result = validate(pack)
    assert [d.render() for d in result.diagnostics] == []  # the data source is known, and still no CP053


MULTIVALUE_BY = " by dest user src"  # the fixture TTP's final stats, whose user is one value per result
STATS_END = "status.failureReason signature\n"  # the end of that stats: a command after it goes here


def values_user_then(pack: Path, after: str) -> None:
    """The fixture TTP's final stats making user with values(), then ``after`` (commands) behind it."""
    edit(pack, TTP, MULTIVALUE_BY, f" values(user) as user{MULTIVALUE_BY.replace(' user', '')}")
    edit(pack, TTP, STATS_END, f"{STATS_END[:-1]}{after}\n")


@pytest.mark.parametrize("aggregation", ["values(user) as user", "list(user) as user"])
def test_every_drilldown_token_of_a_values_field_is_a_warning_at_the_token(pack: Path, validate: Validate,
                                                                           aggregation: str) -> None:
    """A field the final stats makes with values()/list() holds several values, and no Splunk page says how ES fills
    a drilldown token from them (``simulate.tokens``; the replay refuses to guess,
    ``replay.drilldowns.multivalue_problem``): each of the fixture's four ``$user$`` tokens is reported at the token,
    the ``normalized_risk_object IN ("$user$")`` of ESCU's convention and the names too (a name listing 30 users
    was a bold title of report.html). Before, ``IN ("$user$")`` was exempt, on the assumption that ES joins the values
    by ``","``, and names were not read."""
    edit(pack, TTP, MULTIVALUE_BY, f" {aggregation}{MULTIVALUE_BY.replace(' user', '')}")
    result = validate(pack)
    found = [d for d in result.diagnostics if d.rule == "CP029" and "multivalue" in d.message]
    assert all(d.rule == "CP029" and d.severity is Severity.WARNING for d in found) and result.ok
    line, column = locate(pack, TTP, 'user = "$user$"')
    risk_line, risk_column = locate(pack, TTP, 'IN ("$user$")')
    assert (TTP, line, column + len('user = "')) in [at(d) for d in found]
    assert (TTP, risk_line, risk_column + len('IN ("')) in [at(d) for d in found]
    assert sorted(d.message.split(" token")[0] for d in found) == ["drilldown name"] * 2 + ["drilldown search"] * 2
    assert found[0].message.endswith("key the drilldown on a field with one value per result")


@pytest.mark.parametrize("after", [
    ' | eval pairing=if(mvcount(user) > 1, "several", "one"), src=coalesce(src, dest)',
    ' | where isnotnull(user) | search user!="x" | sort - user | table dest user src firstTime lastTime',
    ' | eval user_count=mvcount(user) | fields dest user src firstTime lastTime',
    ' | eval other=1, user=coalesce(user, src)',  # comparison-and-conditional-functions: "the first value that is not NULL"
    ' | eval other=1, user=coalesce(src, user)',  # ... user's values whenever src is null
    ' | rex field=dest max_match=0 "(?<user>[^.]+)"',  # rex: "If greater than 1, the resulting fields are multivalued"
    ' | eventstats dc(src) as n by dest | lookup entra_id_known_apps appDisplayName AS user OUTPUT known',
    ' | eval user=mvmap(user, lower(user))',  # multivalue eval functions: mvmap "returns a multivalue field"
    ' | eval user=mvzip(user, mvsort(user), ":")',  # ... mvzip pairs the first values, the second, and so on
])
def test_a_values_field_stays_multivalue_through_commands_not_assigning_it(pack: Path, validate: Validate,
                                                                          after: str) -> None:
    """After the final stats, a command that does not assign the field (an eval of other fields, even one reading
    it; a filter, a sort, a table keeping it) leaves it multivalue. CP029 stopped at any mention of the field after
    the stats, and at a final table/fields: the shape of "Granted to Application Other Users Declined" v21, whose
    ``IN ("$declined_app_id$")`` drilldown read a values() field with an eval after the stats, found by the replay
    alone (v21's eval assigned that field, ``coalesce(declined_app_id, app_id)``, which keeps its values: a coalesce
    ended the certainty until the command reading followed each function, as do a rex making the field with
    ``max_match=0`` and an eventstats or a lookup matching on it, which ended or left it unjudged)."""
    values_user_then(pack, after)
    found = [d for d in validate(pack).diagnostics if d.rule == "CP029" and "multivalue" in d.message]
    assert [d.rule for d in found] == ["CP029"] * 4, [d.render() for d in found]
    assert all(d.severity is Severity.WARNING for d in found)


@pytest.mark.parametrize("after", ["", " | mvexpand user", ' | eval user=mvjoin(user, ",")',
                                   " | eval user=mvindex(user, 0)", " | eval user=mvindex(user, 0, 0)",
                                   " | eval user=mvindex(user, -1, -1)", " | eval user=mvzip(user, dest)",
                                   " | rename src AS user", ' | rex field=dest "(?<user>[^.]+)"',
                                   " | lookup entra_id_known_apps appDisplayName AS dest OUTPUT known AS user"])
def test_a_field_not_certainly_multivalue_gives_no_such_warning(pack: Path, validate: Validate, after: str) -> None:
    """A by field is one value per result; a command after the stats that assigns the field may make it one value
    (mvexpand; an eval assigning it one value or maybe one: mvjoin, mvindex; a rename onto it; a rex group of one match; a lookup OUTPUT, as many values as the table has rows for the key):
    only a field certainly from values()/list() of the final stats, or passed on from one, is warned of. Until
    if()/case()/coalesce() passed on the values of every argument they may return, ``coalesce(src, user)`` was
    here. ``mvindex(user, 0, 0)`` is the range from index 0 to index 0 ("the range of values from <start> to <end>
    are included", Multivalue eval functions), one value: until 2026-12-07 a false warning; ``mvzip`` of it and
    a one-value field pairs one value ("similar to the Python zip command")."""
    if after:
        values_user_then(pack, after)
    assert not [d.render() for d in validate(pack).diagnostics if "multivalue" in d.message]


# an eventstats values() after the final stats, whose field a later eval passes on to the drilldown's user
SRCS = " | eventstats values(src) as srcs by dest"


@pytest.mark.parametrize("after", [
    f'{SRCS} | eval user=if(isnull(dest), user, srcs)',  # Granted After User Declined v26's declined_app_id
    f'{SRCS} | eval user=if(isnotnull(dest), srcs, user)',
    f'{SRCS} | eval user=case(isnull(dest), "none", isnotnull(dest), srcs)',
    f'{SRCS} | eval user=coalesce(srcs, user)',
    f'{SRCS} | eval all=srcs | rename all AS user',
])
def test_an_eventstats_values_field_passed_on_by_an_eval_is_warned_of(pack: Path, validate: Validate,
                                                                      after: str) -> None:
    """A field an ``eventstats values()`` makes, which an eval copies, or may return from ``if()``, ``case()`` or
    ``coalesce()``, can hold several values: Granted After User Declined v26 named ``$declined_app_id$``, made by
    ``eval declined_app_id=if(same_app = 1, app_id, name_declined_app)`` from ``eventstats values(name_first_app)
    as name_declined_app``, and two applications refused in one second gave it two values (the replay found it;
    CP029 said nothing: an ``if()`` ended the reading). Each of the fixture's four ``$user$`` tokens is warned of,
    naming what made the field."""
    edit(pack, TTP, STATS_END, f"{STATS_END[:-1]}{after}\n")
    found = [d for d in validate(pack).diagnostics if d.rule == "CP029" and "multivalue" in d.message]
    assert [d.rule for d in found] == ["CP029"] * 4, [d.render() for d in found]
    assert "(as srcs: the search's eventstats makes it with values(src))" in found[0].message


@pytest.mark.parametrize("after", [
    f'{SRCS} | eval user=if(isnull(dest), user, mvindex(srcs, 0))',
    f'{SRCS} | eval user=if(isnull(dest), user, mvjoin(srcs, ","))',
    f'{SRCS} | eval user=if(isnull(dest), user, mvcount(srcs))',
    f'{SRCS} | eventstats min(srcs) as srcs by dest | eval user=if(isnull(dest), user, srcs)',
    f'{SRCS} | eventstats max(srcs) as user by dest',
    f'{SRCS} | eval user=if(isnull(srcs), user, "several")',  # read in the condition only
])
def test_a_function_making_one_value_clears_an_eventstats_values_field(pack: Path, validate: Validate,
                                                                         after: str) -> None:
    """``mvindex(f, i)``, ``mvjoin``, ``mvcount`` and a ``min()``/``max()`` statistic give one value (v27 of
    Granted After User Declined takes ``min(name_first_app)``), and an ``if()`` condition is not its result: no
    warning."""
    edit(pack, TTP, STATS_END, f"{STATS_END[:-1]}{after}\n")
    assert not [d.render() for d in validate(pack).diagnostics if "multivalue" in d.message]
