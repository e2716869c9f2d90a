"""The backtest runs the scheduled simulation the replay runs, so over the pack's own attack data it must
raise exactly the notables (and risk events) the scheduled replay raises for each detection test — while
reading each file once with the raw-text filter and keeping only the fields detections read."""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.backtest.inputs import Metadata
from contentpack.backtest.output import notable_json, risk_json
from contentpack.backtest.run import run_backtest, with_risk_writers
from contentpack.content.model import Detection, Pack
from contentpack.content.validate import validate_pack
from contentpack.simulate import DelayPlan, index_events, simulate
from contentpack.spl.events import read_events

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pack() -> Pack:
    result = validate_pack(REPO)
    assert result.pack is not None and not result.errors
    return result.pack


def _with_risk_from(pack: Pack, detection: Detection, risk_from: tuple[str, ...]) -> list[Detection]:
    by_name = {d.name: d for d in pack.detections}
    return [detection, *(by_name[name] for name in risk_from)]


def test_backtest_reproduces_the_scheduled_replay_notables(pack: Pack) -> None:
    compared = with_notables = 0
    for detection in pack.detections:
        for test in detection.tests:
            assert len(test.attack_data) == 1 and test.ingestion_delay is None
            entry = test.attack_data[0]
            path = REPO / entry.data
            running = _with_risk_from(pack, detection, test.risk_from)
            # the scheduled replay's way: every event of the file, the pack's delay plan, the simulation
            events = read_events(path, sourcetype=entry.sourcetype, source=entry.source, host=entry.host or "",
                                 index=entry.custom_index or "main")
            expected = simulate(pack, index_events(events, DelayPlan.for_pack(pack.data_sources)),
                                detections=running)
            got = run_backtest(pack, [path], detections=running, metadata=Metadata(entry.sourcetype, entry.source))
            assert got.result.errors == expected.errors == ()
            assert [notable_json(n) for n in got.result.notables] == [notable_json(n) for n in expected.notables], \
                (detection.name, test.name)
            assert [risk_json(e, {}) for e in got.result.risk] == [risk_json(e, {}) for e in expected.risk]
            assert got.reading.events < got.reading.lines  # the raw-text filter read only what can match
            compared += 1
            with_notables += bool(expected.notables_of(detection.name))
    assert compared >= 29 and with_notables >= 10


def test_all_attack_data_at_once(pack: Pack) -> None:
    """The whole pack over every attack-data file in one run: notables from every detection that has data."""
    files = sorted((REPO / "attack_data").rglob("*.log"))
    backtest = run_backtest(pack, files, metadata=Metadata(source="Azure AD"))
    assert backtest.result.errors == ()
    assert backtest.reading.lines == sum(len(p.read_bytes().splitlines()) for p in files)
    raised = {n.detection for n in backtest.result.notables}
    assert "Entra ID OAuth Consent Abuse Risk Across Detections" in raised  # the correlation read the risk
    assert len(raised) >= 8
    start, end = backtest.result.start, backtest.result.end
    assert backtest.reading.first_time is not None and backtest.reading.last_time is not None
    assert start < backtest.reading.first_time and end > backtest.reading.last_time


def test_a_correlation_brings_the_detections_that_write_risk(pack: Pack) -> None:
    correlation = [d for d in pack.detections if d.type == "Correlation"]
    chosen = with_risk_writers(pack, correlation)
    assert correlation[0] in chosen and {d.name for d in chosen} >= {d.name for d in pack.detections if d.rba}
    plain = [d for d in pack.detections if d.type == "TTP"][:1]
    assert with_risk_writers(pack, plain) == plain
