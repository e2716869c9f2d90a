"""CP045 follows field provenance, not names (issue 11, deliver 6). Each bypass the hostile-input campaign found
warns now; fields whose value the attacker cannot choose stay quiet.

The fixture's sign-in data source declares ``properties.appDisplayName`` and ``properties.userAgent``
attacker-controlled; its TTP detection does ``rename properties.* as *`` and ``stats ... by ... appDisplayName``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.content.validate import validate_pack

from .support import DATA_SOURCE, TTP, copy_pack, edit

STATS_BY = "by dest user src vendor_account vendor_product appDisplayName status.failureReason signature"
DRILL_NAME = 'View the detection results for - "$user$"'
GUID = '"^[0-9a-fA-F-]{36}$"'  # a safe anchored regex: only an id's letters, digits and dashes


def _cp045(root: Path) -> list[str]:
    result = validate_pack(root)
    assert not result.errors, [d.render() for d in result.errors]
    return [d.render() for d in result.diagnostics if d.rule == "CP045"]


def _with(tmp_path: Path, before_stats: str, by_extra: str, token: str) -> list[str]:
    """The TTP detection with ``before_stats`` inserted before its stats, ``by_extra`` added to its by-list,
    and ``$token$`` in its first drilldown's name."""
    root = copy_pack(tmp_path)
    if before_stats:
        edit(root, TTP, "  | fillnull \n", f"  | fillnull \n  | {before_stats} \n")
    if by_extra:
        edit(root, TTP, STATS_BY, f"{STATS_BY} {by_extra}")
    edit(root, TTP, DRILL_NAME, f'View the detection results for - "${token}$"')
    return _cp045(root)


@pytest.mark.parametrize(("before_stats", "by_extra", "token", "origin"), [
    ("eval x=appDisplayName", "x", "x", "appDisplayName"),  # a copy under another name
    ("eval user=appDisplayName", "", "user", "appDisplayName"),  # a trusted name overwritten
    ("eval x=lower(appDisplayName).\"-\".user", "x", "x", "appDisplayName"),  # derived in an expression
    ("rename appDisplayName as app", "app", "app", "appDisplayName"),
    ("eventstats values(appDisplayName) as apps by user", "apps", "apps", "appDisplayName"),
    ("rex field=appDisplayName \"(?<vendor>\\w+)\"", "vendor", "vendor", "appDisplayName"),
    ("rex \"appDisplayName\\\":\\\"(?<raw_app>[^\\\"]+)\"", "raw_app", "raw_app", "_raw"),  # extracted from _raw
    ("spath output=agent path=properties.userAgent", "agent", "agent", "properties.userAgent"),
    ("eval who=userDisplayName", "who", "who", "userDisplayName"),  # undeclared free text: display names
    # a guarded branch does not clean the others a conditional can return
    (f"eval x=coalesce(if(match(userAgent, {GUID}), userAgent, null()), appDisplayName)", "x", "x",
     "appDisplayName"),
    (f"eval x=if(match(appDisplayName, {GUID}), appDisplayName, lower(appDisplayName))", "x", "x",
     "appDisplayName"),
    (f"eval x=case(match(appDisplayName, {GUID}), appDisplayName, true(), appDisplayName)", "x", "x",
     "appDisplayName"),
    (f"eval x=if(match(user, {GUID}), appDisplayName, null())", "x", "x", "appDisplayName"),  # guards another
    ('eval x=coalesce(if(match(appDisplayName, "[0-9a-f-]{36}"), appDisplayName, null()), user)', "x", "x",
     "appDisplayName"),  # unanchored: "<guid> | delete" matches
])
def test_each_bypass_warns(tmp_path: Path, before_stats: str, by_extra: str, token: str, origin: str) -> None:
    found = _with(tmp_path, before_stats, by_extra, token)
    assert found, "no CP045 warning"
    assert f"drilldown name uses ${token}$, which is attacker-controlled" in found[0]
    assert all(f"${token}$" in finding and origin in finding for finding in found), found


def test_the_warning_says_how_an_id_read_out_of_free_text_passes(tmp_path: Path) -> None:
    """What makes the pack's own application-id tokens pass (a GUID-shaped match) is in the warning, with the
    token's name, and doing what it says silences it."""
    [name] = _with(tmp_path / "warned", "eval x=appDisplayName", "x", "x")
    assert name.endswith("its value can inject search text; prefer a field the tenant controls, or keep only a "
                         'value shaped like an id before it becomes $x$: eval x=if(match(x, "^[0-9a-fA-F-]{36}$"), x, '
                         "null())")
    assert _with(tmp_path / "guarded", f"eval x=appDisplayName | eval x=if(match(x, {GUID}), x, null())", "x",
                 "x") == []


def test_stats_values_as_another_name_warns(tmp_path: Path) -> None:
    root = copy_pack(tmp_path)
    edit(root, TTP, "max(_time) as lastTime by", "max(_time) as lastTime values(appDisplayName) as apps by")
    edit(root, TTP, DRILL_NAME, 'View the detection results for - "$apps$"')
    assert len(_cp045(root)) == 1


def _cp045_beside_errors(root: Path) -> list[str]:
    return [d.render() for d in validate_pack(root).diagnostics if d.rule == "CP045"]


def test_a_typo_elsewhere_in_the_search_does_not_hide_a_derived_token(tmp_path: Path) -> None:
    """An unknown command (``filnull``, CP061) made the whole search fall back to matching names: ``$apps$``,
    carried by ``values(appDisplayName) as apps``, vanished from CP045 with only the CP061 error left. The readable
    commands are still followed."""
    root = copy_pack(tmp_path)
    edit(root, TTP, "  | fillnull \n", "  | filnull \n")
    edit(root, TTP, "max(_time) as lastTime by", "max(_time) as lastTime values(appDisplayName) as apps by")
    edit(root, TTP, DRILL_NAME, 'View the detection results for - "$apps$"')
    found = _cp045_beside_errors(root)
    assert len(found) == 1 and "uses $apps$, which is attacker-controlled" in found[0], found


def test_tokens_a_typo_hides_are_left_to_its_error(tmp_path: Path) -> None:
    """``stats coutn ... values(appDisplayName) as apps``: which fields the stats keeps, and where ``apps`` comes
    from, is not known, yet the pack cannot pass while the typo stands (CP061), and once it is fixed the tokens are
    judged. Before, a CP045 at the drilldown said the same typo again ("see the search's CP060/CP061"): one
    mistake, two findings in two places."""
    root = copy_pack(tmp_path)
    edit(root, TTP, "stats count min(_time)", "stats coutn min(_time)")
    edit(root, TTP, "max(_time) as lastTime by", "max(_time) as lastTime values(appDisplayName) as apps by")
    edit(root, TTP, DRILL_NAME, 'View the detection results for - "$apps$"')
    found = [(d.rule, d.message) for d in validate_pack(root).diagnostics]
    assert [rule for rule, _ in found] == ["CP061"] and "unknown stats function 'coutn'" in found[0][1], found


def test_tokens_a_command_the_engine_does_not_read_names_are_said_to_be_unchecked(tmp_path: Path) -> None:
    """Valid SPL the engine's parser does not read (``cluster``: no CP060/CP061) names ``user``: where its value
    comes from is not known, so ``$user$`` is reported once as not checked, not passed as clean, and the message
    no longer sends the author to a CP060/CP061 that is not there."""
    root = copy_pack(tmp_path)
    edit(root, TTP, "  | fillnull \n", "  | fillnull \n  | cluster field=user \n")
    found = _cp045(root)
    assert len(found) == 1, found
    assert ("drilldown tokens not checked for attacker control: $user$ (the command 'cluster field=user' names them, "
            "and it is valid SPL the engine's parser does not read") in found[0], found


def test_tokens_in_offsets_are_checked(tmp_path: Path) -> None:
    root = copy_pack(tmp_path)
    edit(root, TTP, "  earliest_offset: $info_min_time$", "  earliest_offset: $appDisplayName$", )
    found = _cp045(root)
    assert len(found) == 1 and "drilldown earliest_offset uses $appDisplayName$" in found[0]


def test_declared_patterns_taint_any_matching_field(tmp_path: Path) -> None:
    root = copy_pack(tmp_path)
    edit(root, DATA_SOURCE, "attacker_controlled_fields:\n", "attacker_controlled_fields:\n- '*Reason'\n")
    edit(root, TTP, DRILL_NAME, 'View the detection results for - "$status.failureReason$"')
    assert len(_cp045(root)) == 1


@pytest.mark.parametrize(("before_stats", "by_extra", "token"), [
    ("", "", "user"),  # the add-on's alias of userPrincipalName: the tenant's own value
    ('eval appDisplayName="fixed"', "", "appDisplayName"),  # overwritten with a constant
    ("eventstats count(appDisplayName) as n by user", "n", "n"),  # a number, whatever it counted
    ("eventstats dc(appDisplayName) as apps by user", "apps", "apps"),
    ("lookup entra_id_known_apps appDisplayName OUTPUT verdict", "verdict", "verdict"),  # from the pack's table
    ('eval app=if(match(appDisplayName, "^[0-9a-f-]{36}$"), appDisplayName, null())', "app", "app"),  # sanitised
    # the guard seen inside other functions: every value the expression can return is safe
    (f"eval app=coalesce(if(match(appDisplayName, {GUID}), appDisplayName, null()), lower(mvindex(user, 0)))",
     "app", "app"),
    (f"eval app=lower(if(match(appDisplayName, {GUID}), appDisplayName, null()))", "app", "app"),
    (f'eval app=case(match(appDisplayName, {GUID}), appDisplayName, true(), "unknown")', "app", "app"),
    ('eval app=if(appDisplayName="x", "named", "other")', "app", "app"),  # the condition picks, returns neither
])
def test_fields_the_attacker_cannot_choose_stay_quiet(tmp_path: Path, before_stats: str, by_extra: str,
                                                      token: str) -> None:
    assert _with(tmp_path, before_stats, by_extra, token) == []


def test_detections_written_from_one_pattern_each_get_their_warning(tmp_path: Path) -> None:
    """The findings of a search pattern and its drilldowns are worked out once, and reported for each detection
    that has them, at its own file."""
    root = copy_pack(tmp_path)
    edit(root, TTP, DRILL_NAME, 'View the detection results for - "$appDisplayName$"')
    twin = (root / TTP).read_text(encoding="utf-8")
    for old, new in (("Entra ID User Declined Consent For OAuth App", "Entra ID User Declined Consent Twin"),
                     ("3d2c1b0a-9f8e-4d7c-b6a5-948372615a4b", "3d2c1b0a-9f8e-4d7c-b6a5-948372615a4c"),
                     ("consent_for_oauth_app_filter", "consent_twin_filter")):
        assert old in twin
        twin = twin.replace(old, new)
    (root / TTP).with_name("entra_id_user_declined_consent_twin.yml").write_text(twin, encoding="utf-8")
    found = _cp045(root)
    assert len(found) == 2, found
    assert {finding.split(":")[0] for finding in found} == {TTP, TTP.replace("for_oauth_app", "twin")}
    assert found[0].split(": ", 1)[1] == found[1].split(": ", 1)[1]
