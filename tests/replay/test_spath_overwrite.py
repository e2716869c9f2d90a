"""The pack's late-field reads hold whether or not ``spath`` overwrites a field automatic extraction filled.

Automatic JSON extraction reads an event's first 5,000 bytes (docs/spl_engine.md, the cutoff decision), so a
field past them is absent and an array the cut splits keeps its first elements. The pack re-reads such fields
with ``spath path=X output=Y`` where Y is the automatically extracted name; no Splunk page says whether spath's
output replaces a Y the event already holds (the engine assumes it does). The searches therefore drop Y first
(``fields - Y``: "the fields in the wc-field-list are removed from the results", the fields reference) so spath
writes it into an event that lacks it. This replays every test whose real records lie past the cut with a spath
that keeps an existing field: a search that left the partial field in place would lose what lies past the cut
(a many-scope consent's ConsentAction.Permissions, an AppId entry's value) and fail here, as the two consent
detections' cutoff tests did before the ``fields -``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from contentpack.content.model import Detection, Pack
from contentpack.replay.runner import replay_pack
from contentpack.spl import Engine
from contentpack.spl.commands import spath
from contentpack.spl.commands.spath import SpathCommand
from contentpack.spl.events import AUTO_EXTRACTION_CUTOFF
from contentpack.spl.values import Event

from .conftest import REPO

REAL_RECORDS = "attack_data/real_records/"


def _past_the_cut(data: str) -> bool:
    """A real-record file with an event longer than automatic extraction reads."""
    if not data.startswith(REAL_RECORDS):
        return False
    return any(len(line) > AUTO_EXTRACTION_CUTOFF for line in (REPO / data).read_bytes().splitlines())


def _cut_tests(pack: Pack) -> list[Detection]:
    """Each detection with only its tests whose attack data lies past the cut."""
    chosen = []
    for detection in pack.detections:
        tests = tuple(t for t in detection.tests if any(_past_the_cut(a.data) for a in t.attack_data))
        if tests:
            chosen.append(dataclasses.replace(detection, tests=tests))
    return chosen


@pytest.fixture
def spath_keeps_existing_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    """spath with a path leaves a field the event already holds as it was (the reading no page rules out)."""
    real = spath._extract

    def keeping(event: Event, node: SpathCommand, text: str) -> None:
        if node.path is not None and (node.output or node.path) in event:
            return
        real(event, node, text)

    monkeypatch.setattr(spath, "_extract", keeping)


def test_the_keeping_spath_leaves_a_split_array_as_the_cut_left_it(spath_keeps_existing_fields: None) -> None:
    """The stand-in bites: the cut ends inside the granted scopes (ConsentAction.Permissions, the fifth modified
    property), so automatic extraction has the names of five properties and the new values of four, and only
    ``fields -`` before the spath brings the fifth back."""
    engine = Engine()
    engine.register_events(REPO / REAL_RECORDS / "consent_granting_many_scopes.log", sourcetype="azure:monitor:aad")
    field = "properties.targetResources{}.modifiedProperties{}.newValue"
    search = f'* operationName="Consent to application" | spath path={field} output={field} | table {field}'
    (row,) = engine.search(search, now=4e9).rows
    kept = row[field]
    assert isinstance(kept, tuple) and len(kept) == 4
    (row,) = engine.search(search.replace("| spath", f"| fields - {field} | spath"), now=4e9).rows
    whole = row[field]
    assert isinstance(whole, tuple) and len(whole) == 5 and "Scope:" in str(whole[4])


def test_the_tests_past_the_cut_pass_when_spath_keeps_existing_fields(
        real_pack: Pack, spath_keeps_existing_fields: None) -> None:
    detections = _cut_tests(real_pack)
    files = {a.data for d in detections for t in d.tests for a in t.attack_data if _past_the_cut(a.data)}
    assert len(files) == 24, sorted(files)  # the twenty-four records of docs/spl_engine.md's cutoff decision
    outcomes = replay_pack(real_pack, detections).outcomes
    failed = [(o.detection, o.test) for o in outcomes if not o.ok]
    assert not failed, failed
