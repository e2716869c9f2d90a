"""CP073: a search string naming one of the app's saved searches (``"<label> - <detection> - Rule"``, the name ES
writes into each risk event's ``source`` and each notable's ``search_name``) names a detection of the pack under
the app's label or a wildcard. The shipped correlation discounts refusal risk by such names, so a renamed feeder
silently stopped being discounted; validate now says so, at the string.

Each test that shows a string accepted also shows the same string, one part wrong, reported: none passes on
code without the rule.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contentpack.content.diagnostics import Severity
from contentpack.content.validate import validate_pack
from pack_copies import pack_copy
from .helpers import CORRELATION, TTP, Validate, at, edit, locate, only, validate_cli

SEARCH = 'search analyticstories="Entra ID Consent Fixture Story"'  # the fixture correlation's first filter
DECLINED = "Entra ID User Declined Consent For OAuth App"  # a fixture detection (label FXP)
TYPO = "Entra ID User Declined Consent For OAuth Ap"
OWNER = "in detection 'Entra ID Consent Abuse Risk Correlation'"

# The shipped pack: the correlation that discounts the refusals by their saved search names, and one feeder.
ACROSS = "detections/cloud/entra_id_oauth_consent_abuse_risk_across_detections.yml"
FEEDER = "Entra ID User Declined OAuth Application Consent"
FEEDER_FILE = "detections/cloud/entra_id_user_declined_oauth_application_consent.yml"
RENAMED = "Entra ID User Refused OAuth Application Consent"
FEEDER_LITERAL = f'"% - {FEEDER} - Rule"'


def _renamed_feeder(tmp_path: Path) -> Path:
    """The shipped pack with the User Declined detection renamed as an author would: its name, file and filter
    macro, and the tests' ``risk_from`` entries CP048 asks for, but not the string in the correlation's search."""
    root = pack_copy(tmp_path)
    old_file = root / FEEDER_FILE
    text = old_file.read_text(encoding="utf-8")
    assert text.startswith(f"name: {FEEDER}\n")
    old_file.unlink()
    (old_file.parent / "entra_id_user_refused_oauth_application_consent.yml").write_text(
        text.replace(FEEDER, RENAMED).replace("entra_id_user_declined_oauth_application_consent_filter",
                                             "entra_id_user_refused_oauth_application_consent_filter"),
        encoding="utf-8")
    across = root / ACROSS
    text = across.read_text(encoding="utf-8")
    assert text.count(f"- {FEEDER}\n") > 1 and text.count(FEEDER_LITERAL) == 1
    across.write_text(text.replace(f"- {FEEDER}\n", f"- {RENAMED}\n"), encoding="utf-8")
    return root


def test_a_renamed_feeder_is_reported_at_the_string_that_still_names_it(tmp_path: Path) -> None:
    root = _renamed_feeder(tmp_path)
    result = validate_pack(root)
    assert len(result.diagnostics) == 1, [d.render() for d in result.diagnostics]
    diagnostic = result.diagnostics[0]
    assert diagnostic.rule == "CP073" and diagnostic.severity is Severity.ERROR and not result.ok
    assert at(diagnostic) == (ACROSS, *locate(root, ACROSS, FEEDER_LITERAL))
    assert diagnostic.message == (
        f"{FEEDER_LITERAL} in detection 'Entra ID OAuth Consent Abuse Risk Across Detections' names the saved "
        f"search of detection '{FEEDER}', which is not a detection of this pack (did you mean '{RENAMED}'?), so "
        "this text matches no saved search of the app (the app names them 'ECP - <detection name> - Rule')")


def test_json_output_carries_it_like_any_rule(pack: Path) -> None:
    edit(pack, CORRELATION, SEARCH, f'{SEARCH} source="ESCU - {DECLINED} - Rule"')
    out = validate_cli(pack, "--format", "json")
    assert out.returncode == 1, out.stderr
    payload = json.loads(out.stdout)
    line, col = locate(pack, CORRELATION, f'"ESCU - {DECLINED}')
    assert payload["ok"] is False and payload["diagnostics"] == [{
        "path": CORRELATION, "line": line, "col": col, "severity": "error", "rule": "CP073",
        "message": (f'"ESCU - {DECLINED} - Rule" {OWNER} names detection \'{DECLINED}\' with the label \'ESCU\', '
                    "but this app's label is 'FXP' (contentpack.yml app.label): its saved search is "
                    f"'FXP - {DECLINED} - Rule', so this text matches no saved search of the app; write the label "
                    "'FXP' or a wildcard in front")}]


@pytest.mark.parametrize(("label", "reported"), [
    ("FXP", False), ("*", False), ("FX*", False), ("ESCU", True), ("FXPX*", True)])
def test_the_label_is_the_app_s_or_a_wildcard_matching_it(pack: Path, validate: Validate, label: str,
                                                          reported: bool) -> None:
    literal = f'"{label} - {DECLINED} - Rule"'
    edit(pack, CORRELATION, SEARCH, f"{SEARCH} source={literal}")
    result = validate(pack)
    if not reported:  # accepted, and the name behind it still checked
        assert result.diagnostics == []
        edit(pack, CORRELATION, DECLINED, TYPO)
        assert "label" not in only(validate(pack), "CP073").message.split("(the app names them")[0]
        return
    diagnostic = only(result, "CP073")
    assert [d.rule for d in result.diagnostics] == ["CP073"]
    assert at(diagnostic) == (CORRELATION, *locate(pack, CORRELATION, literal))
    assert f"with the label '{label}', but this app's label is 'FXP'" in diagnostic.message


@pytest.mark.parametrize("literal", ['"ESCU - Detect Risky OAuth Grants - Rule"', '"SA - Some Search - Rule"'])
def test_another_app_s_saved_search_is_left_alone(pack: Path, validate: Validate, literal: str) -> None:
    """A label that is not the app's before a name that is not the pack's: another app's saved search (ESCU's,
    say), which a correlation may single out too; the pack cannot know its names."""
    edit(pack, CORRELATION, SEARCH, f"{SEARCH} source={literal}")
    assert validate(pack).diagnostics == []


def test_a_string_without_a_label_is_reported(pack: Path, validate: Validate) -> None:
    edit(pack, CORRELATION, SEARCH, f'{SEARCH} source="{DECLINED} - Rule"')
    diagnostic = only(validate(pack), "CP073")
    assert f"names detection '{DECLINED}' without a label" in diagnostic.message


@pytest.mark.parametrize("wildcard", ["%", "*"])
def test_a_wildcard_prefix_is_accepted_and_the_name_behind_it_still_checked(
        pack: Path, validate: Validate, wildcard: str) -> None:
    edit(pack, CORRELATION, "| stats dc(source)",
         f'| eval refusal=if(like(source, "{wildcard} - {DECLINED} - Rule"), 1, 0) | stats dc(source)')
    assert validate(pack).diagnostics == []
    edit(pack, CORRELATION, f"{wildcard} - {DECLINED} - Rule", f"{wildcard} - {TYPO} - Rule")
    diagnostic = only(validate(pack), "CP073")
    assert at(diagnostic) == (CORRELATION, *locate(pack, CORRELATION, f'"{wildcard} - {TYPO}'))
    assert diagnostic.message.startswith(
        f'"{wildcard} - {TYPO} - Rule" {OWNER} names the saved search of detection \'{TYPO}\', which is not a '
        f"detection of this pack (did you mean '{DECLINED}'?)")
    assert "label" not in diagnostic.message.split("(the app names them")[0]


@pytest.mark.parametrize(("old", "new", "literal"), [
    (SEARCH, f'{SEARCH} search_name="FXP - {TYPO} - Rule"', f'"FXP - {TYPO}'),
    (SEARCH, f'{SEARCH} source IN ("FXP - {DECLINED} - Rule", "* - {TYPO} - Rule")', f'"* - {TYPO}'),
    (SEARCH, f'{SEARCH} "FXP - {TYPO} - Rule"', f'"FXP - {TYPO}'),
    ("| where detections > 1", f'| where detections > 1 AND source!="FXP - {TYPO} - Rule"', f'"FXP - {TYPO}'),
    (SEARCH, f'{SEARCH} [| from datamodel Risk.All_Risk | search source="* - {TYPO} - Rule" '
             '| fields normalized_risk_object]', f'"* - {TYPO}'),
    (f"| from datamodel Risk.All_Risk | {SEARCH}",  # a command the engine does not run
     f'| tstats count from datamodel=Risk.All_Risk where All_Risk.source="* - {TYPO} - Rule" '
     "by All_Risk.normalized_risk_object, source | rename All_Risk.* as *", f'"* - {TYPO}'),
], ids=["search_name", "IN list", "phrase", "where", "subsearch", "tstats"])
def test_every_form_of_string_in_a_search_is_read(pack: Path, validate: Validate, old: str, new: str,
                                                  literal: str) -> None:
    """A search-command value, an IN list entry, a phrase, a where literal, a subsearch, and tstats, which the
    engine's parser does not take: each reported at the string's opening quote."""
    edit(pack, CORRELATION, old, new)
    result = validate(pack)
    assert [d.rule for d in result.diagnostics] == ["CP073"], [d.render() for d in result.diagnostics]
    assert at(result.diagnostics[0]) == (CORRELATION, *locate(pack, CORRELATION, literal))
    assert f"(did you mean '{DECLINED}'?)" in result.diagnostics[0].message


def test_a_string_a_macro_brings_is_reported_at_the_call(pack: Path, validate: Validate) -> None:
    (pack / "macros" / "consent_refusals.yml").write_text(
        f"name: consent_refusals\ndefinition: 'source=\"FXP - {TYPO} - Rule\"'\n"
        "description: the refusal detection's risk events\n", encoding="utf-8")
    edit(pack, CORRELATION, SEARCH, f"{SEARCH} NOT `consent_refusals`")
    diagnostic = only(validate(pack), "CP073")
    assert at(diagnostic) == (CORRELATION, *locate(pack, CORRELATION, "`consent_refusals`"))
    assert diagnostic.message.endswith(", inside the expansion of macro `consent_refusals`")


def test_only_search_text_is_read(pack: Path, validate: Validate) -> None:
    """`` - Rule`` text outside a search, or not shaped like a saved search name, is no reference."""
    edit(pack, CORRELATION, "from several detections.", f'from several detections ("% - {TYPO} - Rule").')
    edit(pack, CORRELATION, "| stats dc(source)", '| eval note="Tuning - Rule" | stats dc(source)')
    assert validate(pack).diagnostics == []
    edit(pack, CORRELATION, '"Tuning - Rule"', f'"% - {TYPO} - Rule"')
    assert [d.rule for d in validate(pack).diagnostics] == ["CP073"]


def test_drilldown_strings_are_read_but_not_those_es_fills(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, '| search  user = "$user$"', '| search  user = "$user$" source="FXP - $appDisplayName$ - Rule"')
    assert [d.rule for d in validate(pack).diagnostics] == ["CP045"]  # the token's taint warning, nothing else
    edit(pack, TTP, "$appDisplayName$ - Rule", f"{TYPO} - Rule")
    diagnostic = only(validate(pack), "CP073")
    assert at(diagnostic) == (TTP, *locate(pack, TTP, f'"FXP - {TYPO}'))
    assert "in drilldown 1 of detection" in diagnostic.message


def test_validate_prints_it_at_the_string(tmp_path: Path) -> None:
    root = _renamed_feeder(tmp_path)
    out = validate_cli(root)
    line, col = locate(root, ACROSS, FEEDER_LITERAL)
    assert out.returncode == 1 and out.stdout.startswith(f"{ACROSS}:{line}:{col}: error[CP073]: {FEEDER_LITERAL} ")


@pytest.mark.parametrize(("old", "new", "rule"), [
    ("type: Anomaly\n", "type: Anomoly\n", "CP012"),  # schema error: the name is read, the file not modelled
    ("status: production\n", "status: production\n  bad: [1\n", "CP004"),  # YAML error: the name is unknown
])
def test_a_feeder_stopped_at_its_own_errors_is_not_reported_at_the_string(tmp_path: Path, old: str, new: str,
                                                                          rule: str) -> None:
    """Before, a typo in the feeder's ``type`` also brought a CP073 at the correlation, sorted first, saying the
    right name is no detection of the pack and suggesting another: the author was sent to break a right string."""
    root = pack_copy(tmp_path)
    feeder = root / FEEDER_FILE
    text = feeder.read_text(encoding="utf-8")
    assert text.count(old) == 1
    feeder.write_text(text.replace(old, new), encoding="utf-8")
    result = validate_pack(root)
    assert [(d.position.path, d.rule) for d in result.diagnostics] == [(FEEDER_FILE, rule)], [
        d.render() for d in result.diagnostics]
