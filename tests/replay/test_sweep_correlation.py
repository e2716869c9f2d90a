"""The two combinations ``contentpack.replay.sweep`` gives a timeline of several detections since replays got
cheaper: the attack moved with the records late on unskewed runs (``moved_late``: the move that puts the last
record's late ``_indextime`` on a run of the reader, at the delay models' ceiling) and the writers held back the
most they may be under the skew set (``held_back_skewed``).

The pack: one writer, every ten minutes over ``-40m@m`` .. ``-10m@m`` throttled on the user for two hours (so it
writes the refusals' risk once, at the first run that sees them), and two correlations reading that risk at ten
past the hour over a window a little shorter than the hour: ``-59m@m`` and ``-53m@m``. A risk event is
searchable from the run after the one that wrote it (``simulate.simulation``: its ``_indextime`` is its run
time, assumed), so risk written at a reader's own tick is read a whole hour later -- by then ``-59m@m`` has
passed it -- and ``-53m@m`` drops, beside that, risk written at 16:30 past under the writers' skew set held back
nine minutes. The refusals are made at 09:31 and 09:32: no variant the sweep replayed before puts the writer's
run on either."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from contentpack.content.model import Pack
from contentpack.content.validate import validate_pack
from contentpack.replay import sweep
from contentpack.replay.sweep import (Raised, Timeline, Variant, delay_sets, held_back_early, held_back_skewed,
                                      held_back_unevenly, moved_late, skew_sets)

from . import factory as f
from .simfactory import decline, ts
from .sweep_fixture import USER, detection_yaml, write_pack

WRITER = "Entra ID Refusal Every Ten Minutes"
HOUR_LESS_A_MINUTE = "Entra ID Refusal Risk Over An Hour Less A Minute"
WITH_A_GAP = "Entra ID Refusal Risk Over Windows A Minute Apart"


def _correlation_yaml(name: str, number: int, earliest: str, latest: str = "now") -> str:
    """A correlation at ``10 * * * *`` over ``earliest`` .. ``now`` raising a notable per user with risk from
    ``WRITER``'s test data."""
    writer = json.loads(detection_yaml(name, number, False))
    filter_macro = name.lower().replace(" ", "_") + "_filter"
    writer.update({
        "type": "Correlation", "data_source": [],
        "search": '| from datamodel Risk.All_Risk | search analyticstories="Entra ID Consent Fixture Story" '
                  f"| stats sum(risk_score) as score by normalized_risk_object | `{filter_macro}`",
        "deployment": {"scheduling": {"cron_schedule": "10 * * * *", "earliest_time": earliest,
                                      "latest_time": latest}},
        "drilldown_searches": [{"name": 'The risk of - "$normalized_risk_object$"',
                                "search": '%original_detection_search% | search normalized_risk_object = '
                                          '"$normalized_risk_object$"',
                                "earliest_offset": "$info_min_time$", "latest_offset": "$info_max_time$"},
                               {"name": 'The sign-ins of - "$normalized_risk_object$"',
                                "search": '`azure_monitor_aad` user="$normalized_risk_object$"',
                                "earliest_offset": "$info_min_time$", "latest_offset": "$info_max_time$"}]})
    del writer["rba"]
    writer["tests"][0].update({"risk_from": [WRITER], "expected_results": 1, "expected_notables": 1})
    return json.dumps(writer, indent=1) + "\n"


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Pack:
    root = write_pack(tmp_path_factory.mktemp("correlation") / "pack", [
        (WRITER, detection_yaml(WRITER, 0, True, ("*/10 * * * *", "-40m@m", "-10m@m"))),
        (HOUR_LESS_A_MINUTE, _correlation_yaml(HOUR_LESS_A_MINUTE, 1, "-59m@m")),
        (WITH_A_GAP, _correlation_yaml(WITH_A_GAP, 2, "-73m@m", "-14m@m"))])
    f.write_events(root, "refusals/refusals", [decline(USER, "2026-10-13 09:31"), decline(USER, "2026-10-13 09:32")])
    result = validate_pack(root)
    assert result.pack is not None and result.ok, [d.render() for d in result.errors]
    return result.pack


def _timeline(pack: Pack, name: str) -> Timeline:
    [detection] = [d for d in pack.detections if d.name == name]
    return Timeline(sweep.replay_context(pack), detection, 0, detection.tests[0])


def _old_sweep(timeline: Timeline) -> list[Variant]:
    """Every variant the sweep gave a correlation's timeline before these two."""
    return [variant for kind in (sweep.edge_offsets, skew_sets, sweep.late_delays, delay_sets, sweep.skewed_late,
                                 sweep.moved_skewed, sweep.held_back_late, sweep.moved_skewed_late)
            for variant in kind(timeline)]


def test_the_attack_moved_with_late_records_puts_the_last_risk_on_the_readers_tick(pack: Pack) -> None:
    """At Entra ID's ceiling (15 minutes), the move that puts the last refusal (09:32, indexed 09:33:52) late on
    the reader's 10:10 run: 21m08s. The writer's 10:10 run writes its risk then, which the reader's 10:10 run
    cannot read, and at 11:10 ``-59m@m`` starts at 10:11: the risk is never read (no notable; the writer's risk
    is the same). Every variant replayed before keeps the writer off ten past (on time it writes at 09:50; moved
    a quarter of the hour at a time, at 10:00, 10:20 or 10:30; skewed at 7m30s past, held back at 09:59)."""
    timeline = _timeline(pack, HOUR_LESS_A_MINUTE)
    unmoved = timeline.raised()
    assert unmoved == Raised(1, ((USER, 30),))
    assert timeline.differences(_old_sweep(timeline), unmoved) == []
    assert moved_late(timeline) == [Variant(1268.0, late=900.0)]
    assert [(v.describe(HOUR_LESS_A_MINUTE), raised) for v, raised in timeline.differences(moved_late(timeline),
                                                                                           unmoved)] == [
        ("attack moved 21m8s later and records indexed 15m later", Raised(0, ((USER, 30),)))]


def test_the_writers_held_back_under_the_skew_set_write_where_no_other_variant_does(pack: Pack) -> None:
    """The writer skewed 7m30s (``skew_sets``: three quarters of its ten minutes) and held back 9 minutes (a
    minute under its period, ``schedule_window = auto``), the reader skewed 59 s: the writer's 09:47:30 run,
    the first whose window holds the refusals, runs at 09:56:30 and writes the risk then. The reader's windows
    ``-73m@m`` .. ``-14m@m`` leave out 09:56 .. 09:57 (10:10:59 reads up to 09:56, 11:10:59 from 09:57): that
    risk is never read. Skewed alone the writer writes at 09:47:30, held back alone at 09:59, and moved under
    the skew or late, at seven and a half minutes past."""
    timeline = _timeline(pack, WITH_A_GAP)
    unmoved = timeline.raised()
    assert unmoved == Raised(1, ((USER, 30),))
    assert timeline.differences(_old_sweep(timeline) + moved_late(timeline), unmoved) == []
    [skewed], [held] = skew_sets(timeline), delay_sets(timeline)
    assert held.delays == ((WRITER, 540.0),)
    assert held_back_skewed(timeline) == [Variant(skews=skewed.skews, delays=held.delays)]
    assert [(v.moved, raised) for v, raised in timeline.differences(held_back_skewed(timeline), unmoved)] == [
        (("runs", "delayed"), Raised(0, ((USER, 30),)))]


def test_the_writers_held_back_unevenly_are_on_time_up_to_the_readers_first_raising_run(pack: Pack) -> None:
    """``held_back_unevenly`` for a timeline of several detections, beside the reader's own runs held back (none
    here: the correlations are not throttled): the writer on time up to the risk the reader's first raising run
    read (its 09:50 run writes the refusals' risk, which the 10:10 run reads and raises), from its 10:10 tick on
    (risk written then is read by a later run) held back 9 minutes, a minute under its period
    (``schedule_window = auto``)."""
    timeline = _timeline(pack, HOUR_LESS_A_MINUTE)
    result = timeline.run()
    assert [run.run_time for run in result.runs_of(HOUR_LESS_A_MINUTE) if run.rows][0] == ts("2026-10-13 10:10")
    [variant] = held_back_unevenly(timeline, result)
    assert variant == Variant(delays=((WRITER, 540.0),), held_back=((WRITER, (ts("2026-10-13 10:10"), math.inf)),))
    assert variant.describe(HOUR_LESS_A_MINUTE) == (
        f"runs of {WRITER} held back 9m over their on-time windows from the run of 2026-10-13T10:10:00.000Z on, "
        "the earlier runs on time")
    # the writer, throttled on the user, writes the refusals' risk once, at 09:50, on time: nothing changes
    assert timeline.differences([variant], timeline.outcome(result)) == []


def test_the_writers_held_back_early_are_held_back_up_to_the_readers_first_raising_run(pack: Pack) -> None:
    """``held_back_early``, the mirror: the writer held back 9 minutes up to the risk the reader's first raising run
    read (its 09:50 run writes at 09:59, still before the 10:10 run), on time from its 10:10 tick on."""
    timeline = _timeline(pack, HOUR_LESS_A_MINUTE)
    result = timeline.run()
    [variant] = held_back_early(timeline, result)
    assert variant == Variant(delays=((WRITER, 540.0),), held_back=((WRITER, (-math.inf, ts("2026-10-13 10:10"))),))
    assert variant.describe(HOUR_LESS_A_MINUTE) == (
        f"runs of {WRITER} held back 9m over their on-time windows up to the run of 2026-10-13T10:10:00.000Z, "
        "that run and the later ones on time")
    written = {float(event["_indextime"]) for event in timeline.run(variant).risk}  # type: ignore[arg-type]
    assert sorted(written) == [ts("2026-10-13 09:59")]
    assert timeline.differences([variant], timeline.outcome(result)) == []
