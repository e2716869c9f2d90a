"""CP084: ``contentpack.yml`` gives the app neither ESCU's or ES's app id nor ESCU's saved-search label.

Splunk fact behind the label half (Splunk Enterprise Admin Manual, "Configuration file precedence",
https://help.splunk.com/data-management/splunk-enterprise-admin-manual/9.1/administer-splunk-enterprise-with-configuration-files/configuration-file-precedence):
Splunk "merges the settings from all copies of the file", so the pack's ``[ESCU - X - Rule]`` (label ``ESCU``)
and ESCU's, both exported system-wide, are one stanza holding both apps' keys.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.content.diagnostics import Diagnostic

from .helpers import Validate, at, edit, locate

CONFIG = "contentpack.yml"


def _cp084(pack: Path, validate: Validate) -> list[Diagnostic]:
    return [d for d in validate(pack).diagnostics if d.rule == "CP084"]


@pytest.mark.parametrize(("appid", "owner"), [("DA-ESS-ContentUpdate", "ESCU (Splunk ES Content Update)"),
                                               ("SplunkEnterpriseSecuritySuite", "Splunk Enterprise Security"),
                                               ("da-ess-contentupdate", "ESCU (Splunk ES Content Update)")])
def test_escus_or_es_app_id_is_refused_at_appid(pack: Path, validate: Validate, appid: str, owner: str) -> None:
    edit(pack, CONFIG, "appid: DA-ESS-FixturePack", f"appid: {appid}")
    result = validate(pack)
    found = [d for d in result.diagnostics if d.rule == "CP084"]
    assert [at(d) for d in found] == [(CONFIG, *locate(pack, CONFIG, appid))]
    assert found[0].message == (
        f"appid '{appid}' is the app id of {owner}, installed on the same search heads: the pack would be "
        "installed over it (its folder under etc/apps); give the pack an app id of its own")
    assert not result.ok


@pytest.mark.parametrize("label", ["ESCU", "escu", "ESCU - Azure"])
def test_escus_label_is_refused_at_label(pack: Path, validate: Validate, label: str) -> None:
    """``ESCU - Azure`` + detection ``X`` is the stanza of ESCU's detection ``Azure - X``."""
    edit(pack, CONFIG, "label: FXP", f"label: {label}")
    found = _cp084(pack, validate)
    line, col = locate(pack, CONFIG, f"label: {label}")
    assert [at(d) for d in found] == [(CONFIG, line, col + len("label: "))]
    assert found[0].message == (
        f"label '{label}' makes the saved searches '{label} - <detection name> - Rule', the shape of ESCU's own "
        "('ESCU - <name> - Rule'): both apps export savedsearches.conf and analyticstories.conf system-wide, and "
        "Splunk merges the settings of a stanza of one name from every app (\"Configuration file precedence\"), "
        "so a detection named like one of ESCU's would mix both apps' keys in one correlation search; give the "
        "pack a label of its own")


@pytest.mark.parametrize("label", ["ESCUX", "My ESCU", "ESCU-Azure"])
def test_labels_that_cannot_make_escus_stanzas_pass(pack: Path, validate: Validate, label: str) -> None:
    edit(pack, CONFIG, "label: FXP", f"label: {label}")
    assert _cp084(pack, validate) == [] and validate(pack).ok


def test_the_fixture_packs_names_pass(pack: Path, validate: Validate) -> None:
    assert _cp084(pack, validate) == [] and validate(pack).ok
