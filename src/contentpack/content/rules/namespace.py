"""CP074: every macro and lookup the pack defines carries its namespace (``contentpack.yml`` ``app.namespace``).

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

Without ``app.namespace`` the rule checks nothing: a pack states its prefix to be held to it.
"""

from __future__ import annotations

from collections.abc import Iterator

from contentpack.content.diagnostics import Diagnostic, Position, error
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


RULES = (namespace_rules,)
