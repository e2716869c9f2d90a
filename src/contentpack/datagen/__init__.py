"""The one generator of Entra ID (Azure AD) sign-in and audit records for the pack.

Scenarios (`attack_data/`), the scale mode and the engine benchmark all draw their events from these
modules, so a shape fix made once reaches every consumer. Records mimic what the Splunk Add-on for
Microsoft Cloud Services indexes as ``sourcetype=azure:monitor:aad``: one Azure Monitor ``records[]``
element per event, serialised with Python's default ``json.dumps`` style.
"""

GENERATOR_VERSION = "1.0.0"
