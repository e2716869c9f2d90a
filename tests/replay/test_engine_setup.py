"""The engine a replay runs on: the pack's macros + generated filter macros, lookups, search-time fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.content.model import Macro
from contentpack.simulate.engine_setup import REPLAY_NOW, ReplaySetupError, build_engine, pack_macros

from . import factory as f


def test_every_detection_gets_a_search_star_filter_macro(tmp_path: Path) -> None:
    """contentctl writes ``<stem>_filter`` = ``search *`` for each detection (escu_format.md §3)."""
    pack = f.pack(tmp_path, f.detection("Test Declined"), f.detection("Other One-Thing"))
    table = pack_macros(pack)
    assert table["test_declined_filter"].definition == "search *"
    assert table["other_one_thing_filter"].definition == "search *"
    assert table["security_content_ctime(1)"].args == ("field",)


def test_a_filter_macro_the_pack_defines_wins(tmp_path: Path) -> None:
    own = Macro("test_declined_filter", 'search appId!="app-1"', "tuned")
    pack = f.pack(tmp_path, f.detection("Test Declined"), extra_macros=[own])
    assert pack_macros(pack)["test_declined_filter"].definition == 'search appId!="app-1"'
    engine = build_engine(pack)
    engine.register_events([{"_time": 1.0, "sourcetype": f.SOURCETYPE, "appId": "app-1"},
                            {"_time": 2.0, "sourcetype": f.SOURCETYPE, "appId": "app-2"}])
    rows = engine.search("`azure_monitor_aad` | `test_declined_filter` | table appId", now=REPLAY_NOW).rows
    assert rows == [{"appId": "app-2"}]


def test_search_time_fields_come_from_the_data_sources(tmp_path: Path) -> None:
    """Aliases then calculated fields, per sourcetype (Knowledge Manager Manual, "The sequence of search-time
    operations": field aliasing precedes calculated fields)."""
    log = f.write_events(tmp_path, "one", [f.sign_in("a@contoso.example", 65004)])
    engine = build_engine(f.pack(tmp_path))
    engine.register_events(tmp_path / log, sourcetype=f.SOURCETYPE, source="Azure AD")
    row = engine.search("`azure_monitor_aad` | table user dest src vendor_product", now=REPLAY_NOW).rows[0]
    assert row == {"user": "a@contoso.example", "dest": f.TENANT, "src": "192.0.2.10", "vendor_product": "Azure AD"}


def test_data_sources_of_one_sourcetype_are_merged(tmp_path: Path) -> None:
    signins = f.data_source("Sign-ins", calculated=[("vendor_product", '"Azure AD"')], aliases=[("tenantId", "dest")])
    audits = f.data_source("Audits", calculated=[("vendor_product", '"Azure AD"'), ("kind", '"audit"')],
                           aliases=[("callerIpAddress", "src")])
    engine = build_engine(f.pack(tmp_path, data_sources=[signins, audits]))
    engine.register_events([{"_time": 1.0, "sourcetype": f.SOURCETYPE, "tenantId": "t", "callerIpAddress": "ip"}])
    row = engine.search("`azure_monitor_aad` | table dest src vendor_product kind", now=REPLAY_NOW).rows[0]
    assert row == {"dest": "t", "src": "ip", "vendor_product": "Azure AD", "kind": "audit"}


def test_conflicting_calculated_fields_are_an_error_with_a_position(tmp_path: Path) -> None:
    one = f.data_source("Sign-ins", calculated=[("user", "'properties.userPrincipalName'")])
    two = f.data_source("Audits", calculated=[("user", "'properties.initiatedBy.user.userPrincipalName'")])
    with pytest.raises(ReplaySetupError) as caught:
        build_engine(f.pack(tmp_path, data_sources=[one, two]))
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.position.path == "data_sources/Audits.yml"
    assert "calculated field 'user'" in diagnostic.message and "Sign-ins" in diagnostic.message


def test_lookups_are_registered_with_their_case_sensitivity(tmp_path: Path) -> None:
    """transforms.conf ``case_sensitive_match = false`` makes ``lookup`` match regardless of case."""
    scopes = f.lookup(tmp_path, "risky_scopes", ["scope", "risk_level"], [["Mail.Read", "high"]], case_sensitive=False)
    engine = build_engine(f.pack(tmp_path, lookups=[scopes]))
    engine.register_events([{"_time": 1.0, "sourcetype": f.SOURCETYPE, "scope": "mail.read"}])
    rows = engine.search("`azure_monitor_aad` | lookup risky_scopes scope OUTPUT risk_level | table risk_level",
                         now=REPLAY_NOW).rows
    assert rows == [{"risk_level": "high"}]


def test_lookups_get_every_matching_rule_of_their_yaml(tmp_path: Path) -> None:
    """The lookup YAML's match_type, min_matches and default_match reach the engine (transforms.conf
    "match_type ... WILDCARD, CIDR, and EXACT"; default_match given "until the min_matches threshold is
    reached"): a wildcard row matches, an unmatched value gets the default."""
    import dataclasses

    apps = f.lookup(tmp_path, "apps", ["app", "verdict"], [["Evil*", "bad"]])
    apps = dataclasses.replace(apps, match_type=("WILDCARD(app)",), min_matches=1, default_match="unknown")
    engine = build_engine(f.pack(tmp_path, lookups=[apps]))
    engine.register_events([{"_time": 2.0, "sourcetype": f.SOURCETYPE, "app": "EvilApp"},
                            {"_time": 1.0, "sourcetype": f.SOURCETYPE, "app": "Good"}])
    rows = engine.search("`azure_monitor_aad` | lookup apps app OUTPUT verdict | table verdict", now=REPLAY_NOW).rows
    assert rows == [{"verdict": "bad"}, {"verdict": "unknown"}]


def test_an_unreadable_lookup_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    scopes = f.lookup(tmp_path, "risky_scopes", ["scope"], [])
    (tmp_path / "lookups" / "risky_scopes.csv").unlink()
    with pytest.raises(ReplaySetupError) as caught:
        build_engine(f.pack(tmp_path, lookups=[scopes]))
    assert caught.value.diagnostics[0].position.path == "lookups/risky_scopes.yml"
    assert "cannot read lookup" in caught.value.diagnostics[0].message
