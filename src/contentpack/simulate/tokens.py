"""``$field$`` token filling as Enterprise Security does it: plain text substitution, no quoting, no escaping.

ES fills the ``$field$`` tokens of a notable's drill-down searches and of a risk message from the field
values of the result (Splunk ES 7.3 Admin, *Investigate notables using drilldown searches and dashboards*,
https://docs.splunk.com/Documentation/ES/7.3.0/Admin/Usedrilldownsearches; ES 7.2, *Expand tokens in notable
events using the expandtoken command*, https://help.splunk.com/en/splunk-enterprise-security-7/administer/7.2/
incident-review-and-investigations/expand-tokens-in-notable-events-using-the-expandtoken-command). Neither
page mentions quoting or escaping the value — token filters such as ``$x|s$`` exist only in Simple XML
dashboards — so a value is pasted in as it is (docs/build.md, "Drilldown safety"). That is exactly what
makes a drilldown keyed on attacker-chosen text dangerous, and why this module must not "fix" it.

Token syntax is the one the validator checks (``content.rules.spl_text.scan_tokens``): each ``$`` opens a
token the next ``$`` closes; ``$$`` is a literal dollar sign.

Assumptions no Splunk page states (pinned by tests, marked "assumed" there):
* how a multivalue field fills a risk message's token: values joined by one space (``MESSAGE_SEPARATOR``);
* a token whose field the row lacks stays in the text as written (``$field$``), which the drilldown
  checks report as an unfilled token.

How ES fills a *drilldown* token from a multivalue field (joined by a comma? by ``","``? the first value only?) is
no assumption here: no Splunk page we could find says it (the ES pages above do not mention multivalue fields), and
ESCU's drilldown convention ``normalized_risk_object IN ("$user$")`` (splunk/security_content, e.g. pull request
#3710) works on a field of one value whatever the answer. So a drilldown token of a field holding several values is
not filled (``multivalued_tokens``): the drilldown checks report it, and the pack keys its drilldowns on fields of
one value per result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from contentpack.spl.values import Value, mv_values, to_str

_TOKEN = re.compile(r"\$([^\s$]*)\$")
MESSAGE_SEPARATOR = " "


def token_text(value: Value) -> str | None:
    """The text a field value puts in place of its token (None when the field is null)."""
    values = [text for text in (to_str(v) for v in mv_values(value)) if text is not None]
    return MESSAGE_SEPARATOR.join(values) if values else None


def fill_tokens(template: str, row: Mapping[str, Value]) -> str:
    """``template`` with every ``$field$`` replaced by the row's value, pasted in verbatim."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if not name:
            return "$"
        text = token_text(row.get(name))
        return match.group(0) if text is None else text

    return _TOKEN.sub(replace, template)


def unfilled_tokens(template: str, row: Mapping[str, Value]) -> list[str]:
    """Token names of ``template`` the row has no value for."""
    return [name for name in _TOKEN.findall(template) if name and token_text(row.get(name)) is None]


def multivalued_tokens(template: str, row: Mapping[str, Value]) -> list[str]:
    """Token names of ``template`` whose field holds several values in the row: what no page says how a drilldown
    fills (module docstring)."""
    return [name for name in dict.fromkeys(token_names(template)) if len(mv_values(row.get(name))) > 1]


def token_names(template: str) -> list[str]:
    return [name for name in _TOKEN.findall(template) if name]
