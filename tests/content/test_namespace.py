"""CP074: with ``contentpack.yml`` ``app.namespace`` set, every macro and lookup of the pack carries it.

Splunk facts behind the rule (Splunk Enterprise Admin Manual, "Configuration file precedence",
https://help.splunk.com/data-management/splunk-enterprise-admin-manual/9.1/administer-splunk-enterprise-with-configuration-files/configuration-file-precedence):
in the app/user context (macros.conf and transforms.conf at search time) the "App directories for currently
running app" come before the "App directories for all other apps ... for exported settings only". So a search
of a third app (a customer's correlation search in ``SplunkEnterpriseSecuritySuite``, the ``search`` app) that
calls ``azure_monitor_aad`` without defining it gets the definition of one of the apps that export the name:
ESCU's tuned one or this pack's untuned one, by app-name order alone (which order the page gives for the other
apps is ``assumed`` here: copies of it disagree). A name of the pack's own cannot collide: the rule.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from contentpack.content.diagnostics import Diagnostic

from .helpers import CTIME, LOOKUP, STORY, TTP, Validate, at, edit, locate

CONFIG = "contentpack.yml"
AAD = "macros/azure_monitor_aad.yml"


def _namespace(pack: Path, prefix: str) -> None:
    edit(pack, CONFIG, "  visible: true\n", f"  visible: true\n  namespace: {prefix}\n")


def _cp074(pack: Path, validate: Validate) -> list[Diagnostic]:
    return [d for d in validate(pack).diagnostics if d.rule == "CP074"]


def test_a_macro_named_like_escus_is_refused_at_its_name(pack: Path, validate: Validate) -> None:
    """The fixture pack defines ESCU's ``azure_monitor_aad`` and ``security_content_ctime(1)``, as the shipped
    pack did before it renamed them."""
    _namespace(pack, "entra_id_")
    result = validate(pack)
    found = [d for d in result.diagnostics if d.rule == "CP074"]
    assert [at(d) for d in found] == [(AAD, *locate(pack, AAD, "azure_monitor_aad")),
                                      (CTIME, *locate(pack, CTIME, "security_content_ctime"))]
    assert found[0].message == (
        "macro 'azure_monitor_aad' does not start with the pack's namespace 'entra_id_' (contentpack.yml "
        "app.namespace): the app exports it system-wide, so a name another app exports too (ESCU's "
        "azure_monitor_aad, security_content_ctime) can replace that app's object in other apps' searches; "
        "name it 'entra_id_...'")
    assert not result.ok


def test_a_lookup_outside_the_namespace_is_refused_at_its_name(pack: Path, validate: Validate) -> None:
    """A lookup's name is its transforms.conf stanza, exported system-wide like the macros."""
    for suffix in (".yml", ".csv"):
        shutil.copy(pack / "lookups" / f"entra_id_known_apps{suffix}", pack / "lookups" / f"known_apps{suffix}")
    other = "lookups/known_apps.yml"
    edit(pack, other, "name: entra_id_known_apps", "name: known_apps")
    edit(pack, other, "id: 7f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", "id: 7f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f1")
    _namespace(pack, "entra_id_")
    found = [d for d in _cp074(pack, validate) if d.position.path.startswith("lookups/")]
    assert [at(d) for d in found] == [(other, *locate(pack, other, "known_apps"))]
    assert found[0].message.startswith("lookup 'known_apps' does not start with the pack's namespace 'entra_id_'")


def test_filter_macros_count_and_are_reported_at_the_detection_name(pack: Path, validate: Validate) -> None:
    """The generated ``<stem>_filter`` macro is exported too; its name comes from the detection's."""
    _namespace(pack, "entra_id_consent_")
    found = {at(d): d.message for d in _cp074(pack, validate)}
    ttp_name = (TTP, *locate(pack, TTP, "Entra ID User Declined Consent For OAuth App"))
    assert set(found) == {(AAD, *locate(pack, AAD, "azure_monitor_aad")),
                          (CTIME, *locate(pack, CTIME, "security_content_ctime")),
                          (LOOKUP, *locate(pack, LOOKUP, "entra_id_known_apps")), ttp_name}
    assert found[ttp_name].startswith("filter macro of detection 'Entra ID User Declined Consent For OAuth App', "
                                      "'entra_id_user_declined_consent_for_oauth_app_filter' does not start with")


def test_without_a_namespace_names_are_not_checked(pack: Path, validate: Validate) -> None:
    assert _cp074(pack, validate) == [] and validate(pack).ok


def test_a_namespace_must_end_in_an_underscore(pack: Path, validate: Validate) -> None:
    """A bare word (``entra``) would also admit ``entrapment``: the schema asks for a whole prefix."""
    _namespace(pack, "entra")
    result = validate(pack)
    assert not result.ok and result.pack is None
    assert [at(d) for d in result.diagnostics] == [(CONFIG, *locate(pack, CONFIG, "entra"))]


def test_a_story_outside_the_namespace_is_refused_at_its_name(pack: Path, validate: Validate) -> None:
    """A story's name is its ``analytic_story://<name>`` stanza, exported system-wide and merged key by key
    with ESCU's story of that name; ``Entra ID Consent Fixture Story`` (stem ``entra_id_consent_...``) passes."""
    edit(pack, STORY, "name: Entra ID Consent Fixture Story", "name: Azure Active Directory Account Takeover")
    _namespace(pack, "entra_id_")
    found = [d for d in _cp074(pack, validate) if d.position.path == STORY]
    assert [at(d) for d in found] == [(STORY, *locate(pack, STORY, "Azure Active Directory Account Takeover"))]
    assert found[0].message == (
        "story 'Azure Active Directory Account Takeover' is outside the pack's namespace 'entra_id_' "
        "(contentpack.yml app.namespace): its name is the stanza 'analytic_story://Azure Active Directory Account "
        "Takeover' of analyticstories.conf, which ESCU exports system-wide too, and Splunk merges a stanza of one "
        "name from every app key by key (\"Configuration file precedence\"), so a story ESCU ships under that name "
        "would mix both apps' descriptions and detections; start the name with words whose stem is 'entra_id_' "
        "(its stem is 'azure_active_directory_account_takeover')")
