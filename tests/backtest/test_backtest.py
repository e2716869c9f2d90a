"""The backtest runs the scheduled simulation the replay runs, so over the pack's own attack data it must
raise exactly the notables (and risk events) the scheduled replay raises for each detection test — while
reading each file once with the raw-text filter and keeping only the fields detections read."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

import pytest

from contentpack.backtest.inputs import Metadata
from contentpack.backtest.output import notable_json, risk_json
from contentpack.backtest.run import run_backtest, with_risk_writers
from contentpack.content.model import Detection, Pack
from contentpack.content.validate import validate_pack
from contentpack.simulate import DelayPlan, index_events, simulate
from contentpack.simulate.notables import notable_for
from contentpack.spl.events import read_events
from contentpack.spl.values import Value
from real_pack_runs import scheduled_replay

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pack() -> Pack:
    result = validate_pack(REPO)
    assert result.pack is not None and not result.errors
    return result.pack


def _with_risk_from(pack: Pack, detection: Detection, risk_from: tuple[str, ...]) -> list[Detection]:
    by_name = {d.name: d for d in pack.detections}
    return [detection, *(by_name[name] for name in risk_from)]


@pytest.mark.slow
def test_backtest_reproduces_the_scheduled_replay_notables(pack: Pack) -> None:
    """For every detection test: the replay's scheduled outcome (``contentpack replay``) and a backtest over
    the test's attack-data file with the same detections give the same notables, risk events and scores."""
    report = scheduled_replay().report  # replay_pack(pack), run once and shared (tests/real_pack_runs.py)
    assert report.mode == "scheduled" and not report.setup_errors
    by_name = {d.name: d for d in pack.detections}
    compared = with_notables = 0
    for outcome in report.outcomes:
        detection = by_name[outcome.detection]
        test = next(t for t in detection.tests if t.name == outcome.test)
        assert outcome.scheduled is not None and test.attack_data and test.ingestion_delay is None
        entry = test.attack_data[0]
        assert all((e.sourcetype, e.source) == (entry.sourcetype, entry.source) for e in test.attack_data)
        got = run_backtest(pack, [REPO / e.data for e in test.attack_data],
                           detections=_with_risk_from(pack, detection, test.risk_from),
                           metadata=Metadata(entry.sourcetype, entry.source))
        assert got.result.errors == ()
        assert [notable_json(n) for n in got.result.notables_of(detection.name)] == \
            [notable_json(n) for n in outcome.scheduled.notables], (detection.name, test.name)
        assert got.result.risk_scores() == outcome.scheduled.risk_by_object
        assert len(got.result.risk) == outcome.scheduled.risk_events
        assert got.reading.events < got.reading.lines  # the raw-text filter read only what can match
        compared += 1
        with_notables += bool(outcome.scheduled.notables)
    assert compared == sum(len(d.tests) for d in pack.detections) >= 29 and with_notables >= 10


def test_the_same_through_the_simulation_api(pack: Pack) -> None:
    """Every event of a file, indexed as the scheduled replay indexes it, against the backtest's one-pass
    reading of the same file: identical notables and risk events for the whole pack at once."""
    entry = next(d for d in pack.detections if d.name.startswith("Entra ID OAuth Consent Granted After")).tests[0]
    path = REPO / entry.attack_data[0].data
    events = read_events(path, sourcetype="azure:monitor:aad", source="Azure AD")
    expected = simulate(pack, index_events(events, DelayPlan.for_pack(pack.data_sources)))
    got = run_backtest(pack, [path], metadata=Metadata(source="Azure AD"))
    assert [notable_json(n) for n in got.result.notables] == [notable_json(n) for n in expected.notables]
    assert [risk_json(e, {}) for e in got.result.risk] == [risk_json(e, {}) for e in expected.risk]
    assert expected.notables


def test_a_backtest_reads_and_simulates_with_the_cycle_collector_paused(pack: Pack,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The events read and the simulated runs stay alive to the end and make few reference cycles, so the
    collector is paused while a backtest reads and simulates (each collection would re-scan every event) and
    is back on when it returns."""
    import gc

    from contentpack.backtest import run

    real = run.simulate
    seen: list[bool] = []

    def watched(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(run, "simulate", watched)
    entry = next(d for d in pack.detections if d.name.startswith("Entra ID OAuth Consent Granted After")).tests[0]
    assert gc.isenabled()
    assert run_backtest(pack, [REPO / entry.attack_data[0].data]).result.notables
    assert seen == [False] and gc.isenabled()


@pytest.mark.slow
def test_all_attack_data_at_once(pack: Pack) -> None:
    """The whole pack over every attack-data file in one run: notables from every detection that has data."""
    files = sorted((REPO / "attack_data").rglob("*.log"))
    backtest = run_backtest(pack, files, metadata=Metadata(source="Azure AD"))
    assert backtest.result.errors == ()
    assert backtest.reading.lines == sum(len(p.read_bytes().splitlines()) for p in files)
    raised = {n.detection for n in backtest.result.notables}
    assert "Entra ID OAuth Consent Abuse Risk Across Detections" in raised  # the correlation read the risk
    # every detection whose own tests raise notables in the scheduled replay raises them here too
    replay = scheduled_replay().report
    expected = {o.detection for o in replay.outcomes if o.scheduled is not None and o.scheduled.notables}
    assert len(expected) >= 5 and raised >= expected
    start, end = backtest.result.start, backtest.result.end
    assert backtest.reading.first_time is not None and backtest.reading.last_time is not None
    assert start < backtest.reading.first_time and end > backtest.reading.last_time


def test_a_correlation_brings_the_detections_that_write_risk(pack: Pack) -> None:
    correlation = [d for d in pack.detections if d.type == "Correlation"]
    chosen = with_risk_writers(pack, correlation)
    assert correlation[0] in chosen and {d.name for d in chosen} >= {d.name for d in pack.detections if d.rba}
    plain = [d for d in pack.detections if d.type == "TTP"][:1]
    assert with_risk_writers(pack, plain) == plain


def test_a_correlations_notable_names_the_risk_object_its_result_returns(pack: Pack) -> None:
    """A Correlation has no rba block, so its notable named no risk object: report.html's row and notables.jsonl
    showed none where ES shows the user the finding is about. It names the result's ``risk_object``, typed by the
    result's ``risk_object_type`` (both required of a risk incident rule's results, ES 7.1 *Risk notables*), else
    by the one type the search pins, as the build's ``_entities`` do (assumed); with neither, none. A detection
    with risk objects of its own keeps naming those, whatever fields its result has."""
    correlation = next(d for d in pack.detections if d.type == "Correlation")

    def named(detection: Detection, row: Mapping[str, Value]) -> tuple[tuple[str, str], ...]:
        return notable_for(pack.app, detection, row, 0.0, (0.0, 0.0)).risk_objects

    ranked: dict[str, Value] = {"risk_object": "a@contoso.example", "user": ("a@contoso.example", "b@contoso.example")}
    assert named(correlation, ranked) == (("a@contoso.example", "user"),)  # its search pins risk_object_type="user"
    assert named(correlation, {"risk_object": "host-1", "risk_object_type": "system"}) == (("host-1", "system"),)
    assert named(correlation, {"user": "a@contoso.example"}) == ()
    unpinned = dataclasses.replace(correlation, search="| from datamodel Risk.All_Risk "
                                   "| stats sum(risk_score) as risk_score by risk_object")
    assert named(unpinned, {"risk_object": "a@contoso.example"}) == ()
    assert named(unpinned, {"risk_object": "a@contoso.example", "risk_object_type": "user"}) == \
        (("a@contoso.example", "user"),)
    declined = next(d for d in pack.detections if d.name == "Entra ID User Declined OAuth Application Consent")
    assert named(declined, {"user": "a@contoso.example", "risk_object": "host-1", "risk_object_type": "system"}) == \
        (("a@contoso.example", "user"),)  # its rba risk object: the field user


def test_a_backtest_leaves_no_reference_cycle(pack: Pack) -> None:
    """The collector is paused over the whole backtest, so a reference cycle made per detection, run or event
    (an event index restricted to itself held every event read) would keep its objects until the backtest ends;
    over a multi-GB input that is memory the run never gets back in time. A backtest makes none."""
    import gc

    entry = next(d for d in pack.detections if d.name.startswith("Entra ID OAuth Consent Granted After")).tests[0]
    gc.collect()
    gc.disable()
    try:
        notables = run_backtest(pack, [REPO / entry.attack_data[0].data]).result.notables
        left = gc.collect()
    finally:
        gc.enable()
    assert notables
    assert left == 0


@pytest.mark.slow
def test_without_a_risk_reader_the_tail_is_one_lookback_and_gap(pack: Pack) -> None:
    """The default period ends a tail after the last event becomes searchable: the longest lookback plus gap
    between runs, for a run to see that event; twice that only when a search in the run reads the risk index,
    for the risk event that run writes to reach it. Without such a search the second stretch's runs find
    nothing new (every window of them starts after the last event): the same notables and risk events as over
    the doubled tail, over a shorter period. The pack's longest lookback is a week, its gap an hour."""
    files = sorted((REPO / "attack_data").rglob("*.log"))
    plain = [d for d in pack.detections if d.type != "Correlation"]
    got = run_backtest(pack, files, detections=plain, metadata=Metadata(source="Azure AD"))
    clock = got.result.clock
    assert clock is not None and not clock.reads_risk
    assert clock.tail == 7 * 86400 + 3600 and got.result.end == clock.last_visible + clock.tail
    doubled = run_backtest(pack, files, start=got.result.start, end=clock.last_visible + 2 * clock.tail,
                           detections=plain, metadata=Metadata(source="Azure AD"))
    assert got.result.errors == doubled.result.errors == ()
    assert [notable_json(n) for n in got.result.notables] == [notable_json(n) for n in doubled.result.notables]
    assert [risk_json(e, {}) for e in got.result.risk] == [risk_json(e, {}) for e in doubled.result.risk]
    assert len(got.result.notables) >= 10 and len(got.result.risk) >= 100
    assert len(got.result.runs) < len(doubled.result.runs)
    with_correlation = run_backtest(pack, files[:1], metadata=Metadata(source="Azure AD")).result.clock
    assert with_correlation is not None and with_correlation.reads_risk
    assert with_correlation.tail == 2 * (with_correlation.lookback + 3600)  # the correlation's 7d10m, hourly
