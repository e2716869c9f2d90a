"""CP084: ``contentpack.yml`` does not give the app ESCU's or ES's own app id, nor ESCU's saved-search label.

Why: the built app is installed beside ES and ESCU (``DA-ESS-ContentUpdate``) on the same search heads. An
``appid`` copied from one of them names that app's folder under ``etc/apps``: installing the pack replaces or
upgrades ESCU or ES itself (``contentpack deploy`` refuses another author's app there, but a package installed
by hand does not ask). A ``label`` of ``ESCU`` names the saved searches ``ESCU - <name> - Rule``, ESCU's own
stanzas in savedsearches.conf and ``savedsearch://`` stanzas in analyticstories.conf: both apps export those
files system-wide (``metadata/default.meta`` ``[]`` ``export = system``), and Splunk "merges the settings from
all copies of the file" and, for an attribute both set, "uses the value from the file with the highest
priority" (Splunk Enterprise Admin Manual, "Configuration file precedence",
https://help.splunk.com/data-management/splunk-enterprise-admin-manual/9.1/administer-splunk-enterprise-with-configuration-files/configuration-file-precedence),
so a detection named like one of ESCU's would be one correlation search mixing both apps' keys. A label
starting ``ESCU - `` gives the same shape (``ESCU - Azure`` + ``X`` is ESCU's ``Azure - X``).

Names are compared without case (**assumed**: the page does not say whether stanza or app names match with
case; a Windows search head's ``etc/apps`` does not tell ``da-ess-contentupdate`` from ESCU's folder).
ES's other bundled apps (its ``SA-*`` and ``DA-ESS-*`` domain add-ons) are not listed: no Splunk page read
here lists them, and the pack's own id is a ``DA-ESS-*`` one.
"""

from __future__ import annotations

from collections.abc import Iterator

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.rules import RuleContext

RULE_RESERVED = "CP084"

# app id (folder under etc/apps) → the app that ships it
RESERVED_APPIDS = {
    "da-ess-contentupdate": "ESCU (Splunk ES Content Update)",
    "splunkenterprisesecuritysuite": "Splunk Enterprise Security",
}
ESCU_LABEL = "ESCU"


def reserved_name_rules(context: RuleContext) -> Iterator[Diagnostic]:
    """CP084 (see the module docstring), at ``app.appid`` and ``app.label`` in contentpack.yml."""
    app = context.pack.app
    owner = RESERVED_APPIDS.get(app.appid.casefold())
    if owner is not None:
        yield error(app.source.at("app", "appid"), RULE_RESERVED,
                    f"appid '{app.appid}' is the app id of {owner}, installed on the same search heads: the pack "
                    "would be installed over it (its folder under etc/apps); give the pack an app id of its own")
    label = app.label.casefold()
    escu = ESCU_LABEL.casefold()
    if label == escu or label.startswith(f"{escu} - "):
        yield error(app.source.at("app", "label"), RULE_RESERVED,
                    f"label '{app.label}' makes the saved searches '{app.label} - <detection name> - Rule', the "
                    f"shape of ESCU's own ('{ESCU_LABEL} - <name> - Rule'): both apps export savedsearches.conf "
                    "and analyticstories.conf system-wide, and Splunk merges the settings of a stanza of one "
                    "name from every app (\"Configuration file precedence\"), so a detection named like one of "
                    "ESCU's would mix both apps' keys in one correlation search; give the pack a label of its own")


RULES = (reserved_name_rules,)
