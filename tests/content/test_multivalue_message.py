"""CP087 (warning): an rba message token of a result field that certainly can hold several values.

ES fills a risk message's ``$field$`` from the result ("Risk messages ... can use fields from the event surrounded
by "$"", ES 7.1 Risk-based Alerting, *Create a risk message*, https://docs.splunk.com/Documentation/ES/7.1.0/RBA/
CreateRiskMessage); no Splunk page read says what it writes for a field of several values (the replay joins them
by a space, ``simulate.tokens.MESSAGE_SEPARATOR``, assumed). The field is read as CP029 reads a drilldown token
and CP075 a throttle field (``throttle_keys.multivalue_results``), and the eval functions by their registration
(Multivalue eval functions, Search Reference 9.4).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.content.diagnostics import Severity

from .helpers import TTP, Validate, at, edit, locate

BY = " by dest user src vendor_account vendor_product appDisplayName status.failureReason signature\n"
MESSAGE = "message: User $user$ refused consent for the OAuth application $appDisplayName$."


def _apps_then(pack: Path, after: str) -> None:
    """The fixture TTP's final stats making appDisplayName with values() (the message names it), then ``after``."""
    edit(pack, TTP, BY, " values(appDisplayName) as appDisplayName"
                        f"{BY.replace(' appDisplayName', '')[:-1]}{after}\n")


def _cp087(validate: Validate, pack: Path) -> list:
    return [d for d in validate(pack).diagnostics if d.rule == "CP087"]


@pytest.mark.parametrize("aggregation", ["values(appDisplayName)", "list(appDisplayName)"])
def test_a_message_token_of_a_values_field_is_a_warning_at_the_token(pack: Path, validate: Validate,
                                                                     aggregation: str) -> None:
    """Before, nothing said it: the message of Granted After User Declined v26 named ``$declined_app_id$`` of an
    ``eventstats values()``, and six of this pack's risk messages named a ``values()`` field (``$scope$``,
    ``$app_role$``, ``$src$``)."""
    edit(pack, TTP, BY, f" {aggregation} as appDisplayName{BY.replace(' appDisplayName', '')}")
    result = validate(pack)
    [found] = [d for d in result.diagnostics if d.rule == "CP087"]
    line, column = locate(pack, TTP, "$appDisplayName$.")
    assert at(found) == (TTP, line, column) and found.severity is Severity.WARNING and result.ok
    assert found.message.startswith(f"rba message token $appDisplayName$ is a multivalue result field (the search's "
                                    f"stats makes it with {aggregation}): no Splunk page says how ES writes")
    assert found.message.endswith('| eval appDisplayName_set=mvjoin(appDisplayName, " ") and $appDisplayName_set$')


APPS = "the search's stats makes it with values(appDisplayName)"


@pytest.mark.parametrize(("after", "expected"), [
    ("", {"appDisplayName": APPS}),
    (" | eval appDisplayName=mvindex(appDisplayName, 0, 1)", {"appDisplayName": APPS}),
    (' | eval appDisplayName=mvfilter(appDisplayName != "-")', {"appDisplayName": APPS}),
    (" | eval apps=appDisplayName | fields - user | rename apps AS user",
     {"appDisplayName": APPS, "user": f"as appDisplayName: {APPS}"}),
    (' | eval user=split(user, "@")', {"appDisplayName": APPS, "user": "the search's eval makes it with split(…)"}),
    (" | eval appDisplayName=mvmap(appDisplayName, upper(appDisplayName))", {"appDisplayName": APPS}),
    (" | eval appDisplayName=mvzip(appDisplayName, appDisplayName)", {"appDisplayName": APPS}),
])
def test_a_token_is_read_as_the_drilldowns_are(pack: Path, validate: Validate, after: str,
                                               expected: dict[str, str]) -> None:
    """The one reading of CP029 and CP075 (``multivalue_results``): commands after the stats by their registration,
    eval functions by theirs (an mvindex range, mvfilter, mvmap, mvzip of two multivalue fields and split keep or
    make several values)."""
    _apps_then(pack, after)
    found = {d.message.split("$")[1]: d.message.split(" result field (")[1].split("): no Splunk")[0]
             for d in _cp087(validate, pack)}
    assert found == expected


@pytest.mark.parametrize("after", [' | eval appDisplayName=mvjoin(appDisplayName, " ")',
                                   " | eval appDisplayName=mvindex(appDisplayName, 0)",
                                   " | eval appDisplayName=mvindex(appDisplayName, 0, 0)",
                                   " | mvexpand appDisplayName"])
def test_a_token_of_one_value_is_not_warned_of(pack: Path, validate: Validate, after: str) -> None:
    """mvjoin "concatenates the individual values" into one, ``mvindex(f, i)`` gives the value at ``i`` and
    ``mvindex(f, i, i)`` the range from ``i`` to ``i`` (a false warning until 2026-12-07),
    ``mvexpand`` one row per value; the fixture's own by fields are one value per result."""
    assert _cp087(validate, pack) == []
    _apps_then(pack, after)
    assert _cp087(validate, pack) == []


def test_a_multivalue_risk_object_is_not_warned_of(pack: Path, validate: Validate) -> None:
    """ES writes one risk event per value of a multivalue risk object (``simulate.risk``; assumed, no page read
    says it), and ESCU's risk searches score each user of a ``values(user)`` so: no finding for the field itself,
    only for a message token naming it."""
    edit(pack, TTP, BY, f" values(user) as user{BY.replace(' user', '')}")
    edit(pack, TTP, MESSAGE, MESSAGE.replace("User $user$", "A user"))
    assert _cp087(validate, pack) == []
    edit(pack, TTP, MESSAGE.replace("User $user$", "A user"), MESSAGE)
    assert [d.message.split(" is a")[0] for d in _cp087(validate, pack)] == ["rba message token $user$"]
