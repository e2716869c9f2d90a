"""The filter macro the grant detections' known_false_positives advise for a reviewed application - its app_id
together with the scopes it was reviewed for - still lets through a later change that widens the application's
grant to riskier scopes. Advice to filter the application id alone hid exactly that widening (an attacker holding a
reviewed client's consent adds Files.ReadWrite.All to it), so the test takes the filter from each detection's own
text, fills in the reviewed application and scopes, and replays a real-shaped widening through it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from contentpack.cli import main
from contentpack.content.model import Pack

from .conftest import REPO

ADVISED = re.compile(r'where NOT \(app_id="<app_id>" AND .*?=0\)')
SCOPE_PLACEHOLDERS = '"<scope>", "<scope>"'

# (detection, log of a grant reviewed for one scope and widened later, the reviewed scope, the widening's scope)
WIDENINGS = [
    ("Entra ID User Consent Granted for Risky Delegated Scopes",
     "attack_data/real_records/consent_widened_within_the_hour.log", "Mail.Read", "Files.ReadWrite.All"),
    ("Entra ID Per-User Delegated Permission Grant Made Without Consent",
     "attack_data/real_records/graph_user_grant_widened_twice.log", "Mail.ReadWrite", "Files.ReadWrite.All"),
    ("Entra ID Tenant-Wide Admin Consent Granted",
     "attack_data/real_records/tenant_wide_grant_widened_by_app.log", "Mail.ReadWrite", "Files.ReadWrite.All"),
]


def _rows(capsys: pytest.CaptureFixture[str], search: str, log: str) -> list[dict[str, object]]:
    assert main(["search", search, "--events", log, "--format", "json"]) == 0
    out = capsys.readouterr().out
    return json.loads(out) if out.strip() else []


@pytest.mark.parametrize(("name", "log", "reviewed", "widened"), WIDENINGS, ids=[w[0] for w in WIDENINGS])
def test_the_advised_filter_drops_the_reviewed_grant_and_keeps_its_widening(
        real_pack: Pack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        name: str, log: str, reviewed: str, widened: str) -> None:
    monkeypatch.chdir(REPO)
    detection = next(d for d in real_pack.detections if d.name == name)
    advised = ADVISED.search(detection.known_false_positives)
    assert advised, f"{name}: known_false_positives gives no filter on app_id and the reviewed scopes"
    call = f"`{detection.filter_macro}`"
    unfiltered = _rows(capsys, detection.search.replace(call, "search *"), log)
    assert {str(r["scope"]) for r in unfiltered} == {reviewed, widened}  # the data holds both changes
    app_ids = {str(r["app_id"]) for r in unfiltered}
    assert len(app_ids) == 1  # one application, reviewed for its first grant
    tuning = advised.group(0).replace("<app_id>", app_ids.pop()).replace(SCOPE_PLACEHOLDERS, f'"{reviewed}"')
    filtered = _rows(capsys, detection.search.replace(call, tuning), log)
    assert [r["scope"] for r in filtered] == [widened]
