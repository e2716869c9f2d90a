"""The scheduler's ``allow_skew`` must not change what the pack raises.

The build writes ``allow_skew = 100%`` into every stanza. savedsearches.conf.spec (Splunk 10.0), ``allow_skew``:
for ``0 * * * *``, ``*/M * * * *`` and the spec's other listed cron forms the scheduler "randomly 'skews' the
second, minute, and hour that the search actually runs on" -- up to the whole period at 100% ("100% (For an
every-5-minute search = 5 minutes maximum)") --, for any other cron (the risk correlation's ``10 * * * *``)
"only ... the second"; "The amount of skew for a specific search remains constant between edits of the
search". So on a real search head every detection runs at its own constant offset after its ticks, and the
pack's outcome must not depend on which.

For each scheduled (detection, test) that expects results, ``contentpack replay --sweep``'s second half
(``contentpack.replay.sweep.skew_sets``, which says which skews and why: a grid up to each detection's maximum,
the skews that put the first or last record on a window edge or a run, the risk writers moved against the
correlation) replays the test's timeline skewed, and the detection's notables (after throttling) and the risk
total per risk object must be those of the unskewed timeline, ``contentpack replay``'s own. A skewed run
resolves its window at its skewed start (assumed, see ``content.schedule``); a run the scheduler delays searches
its on-time window instead (Reporting Manual, *Prioritize concurrently scheduled reports in Splunk Web*): swept
below with the attack moved under the largest skew (``delay_sets``, ``moved_skewed``), and unevenly, on time up to
the first raising run and the most after it (``held_back_unevenly``), and the mirror, the most up to it and on
time after it (``held_back_early``); runs skewed with records late are in ``test_pack_late``.
"""

from __future__ import annotations

import math

import pytest

from contentpack.replay.sweep import (
    SCHEDULED_TYPES,
    Variant,
    delay_sets,
    held_back_early,
    held_back_late,
    held_back_skewed,
    held_back_unevenly,
    moved_late,
    moved_skewed,
    moved_skewed_late,
    skew_sets,
    skewed_late,
)
from contentpack.simulate import schedule_of
from contentpack.simulate.dispatch import max_skew_of
from real_pack_runs import real_pack

from .pack_timelines import replayed, swept, swept_params, timeline

SWEPT = swept_params()


def test_the_sweep_covers_every_scheduled_detection_and_each_may_be_skewed() -> None:
    """Every detection of the pack is in some swept timeline, and the built stanzas allow a skew to each: an
    hour for ``0 * * * *``, ten minutes for ``*/10 * * * *``, under a minute for ``10 * * * *``."""
    covered = {d.name for detection, test in swept()
               for d in timeline(detection.name, test.name).detections}
    scheduled = {d.name for d in real_pack().detections if d.type in SCHEDULED_TYPES}
    assert covered == scheduled and len(SWEPT) >= 20
    expected = {"0 * * * *": 3600, "*/10 * * * *": 600, "10 * * * *": 59}
    assert {schedule_of(d).cron.text: max_skew_of(d) for d in real_pack().detections if d.name in covered} == expected


@pytest.mark.parametrize(("detection_name", "test_name"), SWEPT)
def test_a_skew_the_stanza_allows_changes_no_notable_and_no_risk(detection_name: str, test_name: str) -> None:
    swept_timeline = timeline(detection_name, test_name)
    assert swept_timeline.events
    on_time = replayed(detection_name, test_name)  # what contentpack replay raised, unskewed
    assert swept_timeline.raised() == on_time  # the sweep's unskewed timeline agrees
    assert swept_timeline.differences(skew_sets(swept_timeline), on_time) == []


def test_a_correlation_timeline_gets_one_set_of_each_combination() -> None:
    """The risk correlation (``10 * * * *``, seconds of skew only) against the detections writing its risk: its
    writers held back the most their ``schedule_window = auto`` allows (a minute under the period: 9 minutes for
    ``*/10``, 59 for hourly) with the correlation on time; the skew set with Entra ID's p99 and ceiling late;
    the attack moved half the correlation's hour under the skew set; and one of each newer combination: the
    writers held back with the records at Entra ID's ceiling, the attack moved half the hour under the skew set
    with the records at the ceiling, the attack moved so that the last record, at the ceiling, is indexed on a
    run of the correlation (its writers' runs then write its risk at the correlation's tick, read an hour later),
    and the writers held back under the skew set."""
    [(detection, test)] = [(d, t) for d, t in swept() if d.type == "Correlation"][:1]
    swept_timeline = timeline(detection.name, test.name)
    [skewed] = skew_sets(swept_timeline)
    writers = {d.name: schedule_of(d).cron.text for d in swept_timeline.detections if d.name != detection.name}
    assert writers and set(writers.values()) == {"*/10 * * * *", "0 * * * *"}
    assert delay_sets(swept_timeline) == [Variant(delays=tuple(
        (name, 540.0 if cron == "*/10 * * * *" else 3540.0) for name, cron in writers.items()))]
    assert skewed_late(swept_timeline) == [Variant(skews=skewed.skews, late=300.0),
                                           Variant(skews=skewed.skews, late=900.0)]
    assert moved_skewed(swept_timeline) == [Variant(1800.0, skews=skewed.skews)]
    [held] = delay_sets(swept_timeline)
    [moved] = moved_late(swept_timeline)
    _, last_indexed = max((float(e["_time"]), float(e["_indextime"]))  # type: ignore[arg-type]
                          for e in swept_timeline.events)  # the last record's
    assert moved.moved == ("attack", "indexing") and moved.late == 900.0
    assert (last_indexed + moved.offset + moved.late) % 3600 == 600.0  # on the correlation's run at ten past
    assert held_back_skewed(swept_timeline) == [Variant(skews=skewed.skews, delays=held.delays)]
    assert held_back_late(swept_timeline) == [Variant(delays=held.delays, late=900.0)]
    assert moved_skewed_late(swept_timeline) == [Variant(1800.0, skews=skewed.skews, late=900.0)]
    # the correlation's own runs held back from the tick after its first raising run, then its writers from their
    # first tick at or after it (the risk that run read written on time)
    unmoved = swept_timeline.run()
    raising = [run.run_time for run in unmoved.runs_of(detection.name) if run.rows][0]
    firsts = {name: raising - 600.0 + (600.0 if cron == "*/10 * * * *" else 3600.0) for name, cron in writers.items()}
    assert held_back_unevenly(swept_timeline, unmoved) == [
        Variant(delays=((detection.name, 3540.0),), held_back=((detection.name, (raising + 3600.0, math.inf)),)),
        Variant(delays=held.delays, held_back=tuple((name, (first, math.inf)) for name, first in firsts.items()))]
    # and the mirror, held back up to those ticks and on time from them on
    assert held_back_early(swept_timeline, unmoved) == [
        Variant(delays=((detection.name, 3540.0),), held_back=((detection.name, (-math.inf, raising + 3600.0)),)),
        Variant(delays=held.delays, held_back=tuple((name, (-math.inf, first)) for name, first in firsts.items()))]


@pytest.mark.parametrize(("detection_name", "test_name"), SWEPT)
def test_runs_held_back_or_skewed_with_the_attack_moved_change_no_notable_and_no_risk(detection_name: str,
                                                                                     test_name: str) -> None:
    """``replay.sweep.delay_sets`` (runs held back within their ``schedule_window``, over their on-time windows:
    the Reporting Manual's *Prioritize concurrently scheduled reports in Splunk Web*), ``moved_skewed`` (the
    attack moved under the largest skew, where that is not a whole period) and ``held_back_skewed`` (runs held
    back under each skew of ``skew_sets`` that is not a whole period)."""
    swept_timeline = timeline(detection_name, test_name)
    variants = delay_sets(swept_timeline) + moved_skewed(swept_timeline) + held_back_skewed(swept_timeline)
    assert swept_timeline.differences(variants, replayed(detection_name, test_name)) == []


@pytest.mark.parametrize(("detection_name", "test_name"), SWEPT)
def test_runs_held_back_unevenly_change_no_notable_and_no_risk(detection_name: str, test_name: str) -> None:
    """``replay.sweep.held_back_unevenly``: a throttled detection's runs on time up to its first raising run, held
    back the most its ``schedule_window`` allows after it (a record that run raised seen again past the throttle);
    a correlation's beside it, its writers on time up to the risk that run read and held back the most after it
    (the risk correlation measured the gap between grants on its writers' runs until v21, so an hourly writer's run
    held back 59 minutes split one wave into two findings)."""
    swept_timeline = timeline(detection_name, test_name)
    unmoved = swept_timeline.run()
    variants = held_back_unevenly(swept_timeline, unmoved)
    assert swept_timeline.differences(variants, replayed(detection_name, test_name)) == []


@pytest.mark.parametrize(("detection_name", "test_name"), SWEPT)
def test_runs_held_back_early_and_on_time_later_change_no_notable_and_no_risk(detection_name: str,
                                                                             test_name: str) -> None:
    """``replay.sweep.held_back_early``, the mirror of ``held_back_unevenly``: a throttled detection's runs held back
    the most its ``schedule_window`` allows up to its first raising run, on time after it (two runs that see one
    record closer than their ticks); a correlation's beside it, its writers held back the most up to the risk that
    run read and on time after it (a wave's earlier risk written late, its later risk on time: closer together)."""
    swept_timeline = timeline(detection_name, test_name)
    variants = held_back_early(swept_timeline, swept_timeline.run())
    assert swept_timeline.differences(variants, replayed(detection_name, test_name)) == []
