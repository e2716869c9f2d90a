"""CP074: every macro, lookup and story the pack defines carries its namespace (``contentpack.yml`` ``app.namespace``).

Why: the app exports its objects system-wide (``metadata/default.meta`` ``[]`` ``export = system``; ES reads
the correlation searches and stories and runs the drilldowns from outside the app). A search resolves a macro
or lookup from the "App directories for currently running app" first, then from "App directories for all other
apps ... for exported settings only" (Splunk Enterprise Admin Manual, "Configuration file precedence",
https://help.splunk.com/data-management/splunk-enterprise-admin-manual/9.1/administer-splunk-enterprise-with-configuration-files/configuration-file-precedence;
macros.conf and transforms.conf are app/user-context files there). So when two apps export an object of one
name, a search of a third app that calls it without defining it gets one of them by the order of the app
names alone: the pack's ``azure_monitor_aad`` and ``security_content_ctime(1)``, ESCU's names, could stand in
for a customer's tuned ESCU definition in every ES correlation search that calls them (which of the two wins is
not said by the page as stored here, ``assumed`` either way: copies of it disagree on whether other apps are
read in lexicographic or reverse order, and ``DA-ESS-ContentUpdate`` sorts before ``DA-ESS-EntraConsent``).
A name of the pack's own cannot collide, hence the rule; the generated ``<stem>_filter`` macros count too
(named from the detection, reported at its ``name``), and a lookup's name is its transforms.conf stanza.

A story's name is its analyticstories.conf stanza, ``analytic_story://<name>``, with no prefix; that file is
exported system-wide too, and the page's first rule is that Splunk "merges the settings from all copies of the
file" and, for an attribute both set, "uses the value from the file with the highest priority": a story named
like one of ESCU's (``Azure Active Directory Account Takeover``) would be one story mixing both apps' keys
(description, narrative, its detections' list). A story is in the namespace when its stem (the name as a file
name, ``detection_file_stem``: ``Entra ID OAuth Consent Abuse`` is ``entra_id_oauth_consent_abuse``) starts
with it: the name keeps its words, and its file may be named after it.

Without ``app.namespace`` the rule checks nothing: a pack states its prefix to be held to it.
"""

from __future__ import annotations

from collections.abc import Iterator

from contentpack.content.diagnostics import Diagnostic, Position, error
from contentpack.content.model import detection_file_stem
from contentpack.content.rules import RuleContext

RULE_NAMESPACE = "CP074"


def _outside(kind: str, name: str, namespace: str, where: Position) -> Diagnostic:
    return error(where, RULE_NAMESPACE,
                 f"{kind} '{name}' does not start with the pack's namespace '{namespace}' (contentpack.yml "
                 "app.namespace): the app exports it system-wide, so a name another app exports too (ESCU's "
                 "azure_monitor_aad, security_content_ctime) can replace that app's object in other apps' searches; "
                 f"name it '{namespace}...'")


def namespace_rules(context: RuleContext) -> Iterator[Diagnostic]:
    """CP074 (see the module docstring), at each offending object's ``name``."""
    namespace = context.pack.app.namespace
    if namespace is None:
        return
    for macro in context.pack.macros:
        if not macro.name.startswith(namespace):
            yield _outside("macro", macro.name, namespace, macro.source.at("name"))
    for detection in context.pack.detections:
        if not detection.filter_macro.startswith(namespace):
            yield _outside(f"filter macro of detection '{detection.name}',", detection.filter_macro, namespace,
                           detection.source.at("name"))
    for lookup in context.pack.lookups:
        if not lookup.name.startswith(namespace):
            yield _outside("lookup", lookup.name, namespace, lookup.source.at("name"))
    for story in context.pack.stories:
        stem = detection_file_stem(story.name)
        if not stem.startswith(namespace):
            yield error(story.source.at("name"), RULE_NAMESPACE,
                        f"story '{story.name}' is outside the pack's namespace '{namespace}' (contentpack.yml "
                        f"app.namespace): its name is the stanza 'analytic_story://{story.name}' of "
                        "analyticstories.conf, which ESCU exports system-wide too, and Splunk merges a stanza of "
                        "one name from every app key by key (\"Configuration file precedence\"), so a story ESCU "
                        "ships under that name would mix both apps' descriptions and detections; start the name "
                        f"with words whose stem is '{namespace}' (its stem is '{stem}')")


RULES = (namespace_rules,)
