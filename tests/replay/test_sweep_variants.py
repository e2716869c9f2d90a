"""Which variants ``contentpack.replay.sweep`` replays beyond one thing moved (runs held back, runs skewed with
records late, the attack moved under the largest skew, the attack moved with records late, runs held back under a
skew, all three), which it proves redundant (runs held back with records late), and how the reports name them.

The pack: the sweep fixture's refusals (09:20 and 09:21) under four detections: the hourly slice ``-70m@m`` ..
``-10m@m``, the same at ``10 * * * *`` (a cron whose runs the scheduler may skew by the second only), a window
of seven days, and a detection whose ``schedule_window`` is 30 minutes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from contentpack.content.diagnostics import Position
from contentpack.content.model import Detection, Pack
from contentpack.content.validate import validate_pack
from contentpack.replay.sweep import (
    Raised,
    SweepReport,
    SweptTest,
    Timeline,
    Variant,
    delay_sets,
    edge_offsets,
    held_back_late,
    held_back_skewed,
    late_delays,
    max_delay_of,
    moved_late,
    moved_skewed,
    moved_skewed_late,
    replay_context,
    same_as,
    skew_sets,
    skewed_late,
)
from contentpack.replay.sweep_report import junit_cases, report_json

from .simfactory import ts
from .sweep_fixture import USER, detection_yaml, write_pack

SLICE = "Entra ID Refusal Hourly Slice"
QUARTER_PAST = "Entra ID Refusal At Ten Past"
WEEK = "Entra ID Refusal Over A Week"
HALF_HOUR_WINDOW = "Entra ID Refusal Half Hour Schedule Window"


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Pack:
    root = write_pack(tmp_path_factory.mktemp("variants") / "pack", [
        (SLICE, detection_yaml(SLICE, 0, True)),
        (QUARTER_PAST, detection_yaml(QUARTER_PAST, 1, True, ("10 * * * *", "-70m@m", "-10m@m"))),
        (WEEK, detection_yaml(WEEK, 2, True, ("0 * * * *", "-7d@m", "-10m@m"))),
        (HALF_HOUR_WINDOW, detection_yaml(HALF_HOUR_WINDOW, 3, True, schedule_window="30"))])
    result = validate_pack(root)
    assert result.pack is not None and result.ok, [d.render() for d in result.errors]
    return result.pack


def _detection(pack: Pack, name: str) -> Detection:
    [detection] = [d for d in pack.detections if d.name == name]
    return detection


def _timeline(pack: Pack, name: str) -> Timeline:
    detection = _detection(pack, name)
    return Timeline(replay_context(pack), detection, 0, detection.tests[0])


def test_a_combination_is_described_kind_by_kind_and_named_in_json_and_junit() -> None:
    both = Variant(skews=((SLICE, 1920.0),), late=900.0)
    assert both.moved == ("runs", "indexing")
    assert both.describe(SLICE) == "runs skewed 32m after their ticks and records indexed 15m later"
    writers = Variant(1800.0, skews=(("Reader", 59.0), ("Writer", 2700.0)))
    assert writers.describe("Reader") == ("attack moved 30m later and runs of Reader skewed 59s after their ticks, "
                                          "runs of Writer skewed 45m after their ticks")
    held = Variant(delays=(("Writer", 540.0), ("Other Writer", 3540.0)))
    assert held.moved == ("delayed",)
    assert held.describe("Reader") == ("runs of Writer held back 9m over their on-time windows, runs of Other "
                                       "Writer held back 59m over their on-time windows")
    lost = Raised(0, ())
    swept = SweptTest(SLICE, "Two Refusals", Position("x.yml", 12, 3), Raised(1, ((USER, 30),)), 2,
                      ((both, lost), (held, lost)))
    [test] = report_json(SweepReport((swept,)))["tests"]
    assert (test["path"], test["position"]) == ("x.yml", {"path": "x.yml", "line": 12, "col": 3})
    assert [{k: v for k, v in d.items() if k not in ("raised", "detail")} for d in test["differences"]] == [
        {"moved": "runs+indexing", "skews": {SLICE: 1920.0}, "late": 900.0},
        {"moved": "delayed", "delays": {"Writer": 540.0, "Other Writer": 3540.0}}]
    [case] = junit_cases(SweepReport((swept,)))
    assert (case.file, case.line) == ("x.yml", 12)
    assert case.failure == ("runs skewed 32m after their ticks and records indexed 15m later: 0 notables instead "
                            f"of 1; risk of {USER} 0 instead of 30")


def test_a_run_is_held_back_at_most_its_schedule_window_and_always_less_than_its_period(pack: Pack) -> None:
    """savedsearches.conf.spec, ``schedule_window``: a window "(in minutes) that a search may start within",
    which "must be shorter than the period of the search"; ``auto`` (what the build writes) is computed by the
    scheduler: the sweep takes the longest the spec allows, a minute under the period. ``0`` is no window."""
    hourly = _detection(pack, SLICE)
    assert max_delay_of(hourly) == 3540.0
    assert max_delay_of(_detection(pack, HALF_HOUR_WINDOW)) == 1800.0

    def with_window(window: str, cron: str = "0 * * * *") -> Detection:
        deployment = hourly.effective_deployment
        scheduling = replace(deployment.scheduling, schedule_window=window, cron_schedule=cron)
        return replace(hourly, deployment=replace(deployment, scheduling=scheduling))

    assert max_delay_of(with_window("0")) == 0.0
    assert max_delay_of(with_window("90")) == 3540.0
    assert max_delay_of(with_window("auto", "*/10 * * * *")) == 540.0


def test_a_run_is_held_back_exactly_as_long_as_lets_it_see_a_record_indexed_after_its_start(pack: Pack) -> None:
    """One detection's runs held back see what they would with the records indexed that much earlier, so the
    delays worth replaying are those that let a run whose window holds a record see it. Indexed on time (a
    minute or two, the window lags its run ten minutes) there is none; indexed at 10:05 and 10:06, after the
    only run whose window (08:50 .. 09:50) holds them, the 10:00 run held back 300 s sees the first: the
    delays are 300 and 360 s, and 299 s is still too early."""
    timeline = _timeline(pack, SLICE)
    assert delay_sets(timeline) == []
    timeline.events = [{**event, "_indextime": ts(at)} for event, at in
                       zip(timeline.events, ("2026-10-13 10:05", "2026-10-13 10:06"), strict=True)]
    assert delay_sets(timeline) == [Variant(delays=((SLICE, 300.0),)), Variant(delays=((SLICE, 360.0),))]
    assert timeline.raised().notables == 0  # no run sees them
    assert timeline.raised(Variant(delays=((SLICE, 299.0),))).notables == 0
    assert timeline.raised(Variant(delays=((SLICE, 300.0),))) == Raised(1, ((USER, 30),))


def test_runs_skewed_with_records_late_take_the_edge_skews_at_each_late_delay(pack: Pack) -> None:
    """The hourly slice with Entra ID's p99 and ceiling (5 and 15 minutes): the skews that put a refusal's
    minute on a window edge (09:20 and 09:21 on the latest edge, 08:50 at the 09:00 tick: 30, 31 and 32
    minutes) at each, and none of a whole period (the same runs as no skew, which the late delays alone
    replay). A window of days: none (minutes of indexing decide only which run first sees a record, as
    ``edge_offsets`` has it)."""
    variants = skewed_late(_timeline(pack, SLICE))
    assert {v.late for v in variants} == {300.0, 900.0}
    for late in (300.0, 900.0):
        skews = {skew for v in variants if v.late == late for _, skew in v.skews}
        assert {1800.0, 1860.0, 1920.0} <= skews and 3600.0 not in skews and all(0 < s < 3600 for s in skews)
    assert all(v.moved == ("runs", "indexing") and v.offset == 0 and not v.delays for v in variants)
    assert skewed_late(_timeline(pack, WEEK)) == []


def test_the_attack_moves_under_the_largest_skew_only_when_that_is_not_a_whole_period(pack: Pack) -> None:
    """``0 * * * *`` may be skewed a whole hour: its runs are then the next ticks' on-time runs, which
    ``edge_offsets`` already moves the attack across. ``10 * * * *`` may be skewed only within its minute (59 s):
    every edge offset again at that skew."""
    assert moved_skewed(_timeline(pack, SLICE)) == []
    timeline = _timeline(pack, QUARTER_PAST)
    offsets = [v.offset for v in edge_offsets(timeline)]
    assert moved_skewed(timeline) == [Variant(offset, skews=((QUARTER_PAST, 59.0),)) for offset in offsets]
    assert offsets


def _indexed_at(timeline: Timeline, *times: str) -> Timeline:
    """``timeline`` with its two refusals indexed at ``times`` (the test's delay replaced)."""
    timeline.events = [{**event, "_indextime": ts(at)} for event, at in zip(timeline.events, times, strict=True)]
    return timeline


def test_the_attack_moved_with_records_late_loses_what_no_move_skew_or_delay_alone_loses(pack: Pack) -> None:
    """``10 * * * *`` over ``-70m@m`` .. ``-10m@m``: slices that meet, one run each, the run 10 minutes after its
    slot ends; the scheduler may skew it by seconds only (59 s), so no skew puts a refusal near a slot's end. The
    attack moved 38 minutes puts the 09:20 refusal in the minute before the 10:10 run's latest edge (10:00):
    indexed 15 minutes late (the ceiling), after that run, it is never seen -- and neither is the 09:21 one. Every
    variant of one thing moved, skewed with late records or moved under the skew passes."""
    timeline = _timeline(pack, QUARTER_PAST)
    unmoved = timeline.raised()
    assert unmoved == Raised(1, ((USER, 30),))
    singles = (edge_offsets(timeline) + skew_sets(timeline) + late_delays(timeline) + delay_sets(timeline)
               + skewed_late(timeline) + moved_skewed(timeline))
    assert timeline.differences(singles, unmoved) == []
    variants = moved_late(timeline)
    assert {v.late for v in variants} == {300.0, 900.0} and all(v.moved == ("attack", "indexing") for v in variants)
    assert Variant(2280.0, late=900.0) in variants
    assert [(v.describe(QUARTER_PAST), raised) for v, raised in timeline.differences(variants, unmoved)] == [
        ("attack moved 38m later and records indexed 15m later", Raised(0, ()))]
    assert moved_late(_timeline(pack, WEEK)) == []  # minutes of indexing: no matter to a window of days


def test_a_held_back_run_with_late_records_is_the_records_late_by_the_difference(pack: Pack) -> None:
    """One detection: a run held back ``d`` over its on-time window sees the records indexed by ``d`` after its
    start, and its throttle and actions all move ``d`` later together; so runs held back ``d`` with the records
    ``late`` later raise what the records ``late - d`` later raise, or the runs held back ``d - late`` -- within the
    ranges ``late_delays`` and ``delay_sets`` sweep, so the sweep replays no such combination. Shown on the refusals
    indexed at 10:05 and 10:06, after the only run (10:00) whose window holds them, where the outcome turns on
    which is the case."""
    timeline = _indexed_at(_timeline(pack, SLICE), "2026-10-13 10:05", "2026-10-13 10:06")
    outcomes = set()
    for late, delay in ((300.0, 660.0), (300.0, 540.0), (900.0, 1200.0), (900.0, 600.0), (60.0, 360.0),
                        (0.0, 3540.0)):
        held = timeline.raised(Variant(delays=((SLICE, delay),), late=late))
        alone = Variant(late=late - delay) if late >= delay else Variant(delays=((SLICE, delay - late),))
        assert held == timeline.raised(alone), (late, delay)
        outcomes.add(held)
    assert outcomes == {Raised(0, ()), Raised(1, ((USER, 30),))}
    assert held_back_late(timeline) == []


def test_runs_held_back_under_a_skew_take_the_delays_that_let_a_skewed_run_see_a_record(pack: Pack) -> None:
    """Refusals indexed at 10:05 and 10:06: skewed 5 minutes, the 10:05 run (window 08:55 .. 09:55) sees the first
    but starts a minute before the second is indexed: held back 60 s it sees both. Skewed 45 minutes, the 09:45
    run (08:35 .. 09:35) holds both, 20 and 21 minutes before they are indexed. Skewed 15 or 30 minutes, the
    first run whose window holds them (10:15, 10:30) starts after they are indexed: no delay. A whole period is
    left out (its unskewed runs, which ``delay_sets`` holds back 300 and 360 s)."""
    timeline = _indexed_at(_timeline(pack, SLICE), "2026-10-13 10:05", "2026-10-13 10:06")
    variants = held_back_skewed(timeline)
    assert Variant(skews=((SLICE, 300.0),), delays=((SLICE, 60.0),)) in variants
    assert all(v.moved == ("runs", "delayed") for v in variants)
    assert [v.delays for v in variants if v.skews == ((SLICE, 2700.0),)] == [((SLICE, 1200.0),), ((SLICE, 1260.0),)]
    assert not {skew for v in variants for _, skew in v.skews} & {900.0, 1800.0, 3600.0}
    assert held_back_skewed(_timeline(pack, SLICE)) == []  # indexed before any run that holds them: none


def test_three_at_once_only_where_the_largest_skew_is_not_a_whole_period(pack: Pack) -> None:
    """The hourly slice may be skewed a whole hour: its runs are then the next ticks' on-time runs, so the attack
    moved under it with late records is ``moved_late``. ``10 * * * *`` may be skewed 59 s: at each late delay,
    the moves that put a refusal in the minute before a window edge or, late, on a run skewed 59 s -- the 38-minute
    move with the records 15 minutes late loses them there too."""
    assert moved_skewed_late(_timeline(pack, SLICE)) == []
    timeline = _timeline(pack, QUARTER_PAST)
    variants = moved_skewed_late(timeline)
    assert {v.late for v in variants} == {300.0, 900.0}
    assert all(v.skews == ((QUARTER_PAST, 59.0),) and v.moved == ("attack", "runs", "indexing") for v in variants)
    assert [v.describe(QUARTER_PAST) for v, _ in timeline.differences(variants, timeline.raised())] == [
        "attack moved 38m later and runs skewed 59s after their ticks and records indexed 15m later"]


def test_a_variant_that_replays_as_one_already_replayed_is_not_replayed_again(pack: Pack) -> None:
    """Runs skewed a whole period are the next ticks' on-time runs: the hourly slice skewed an hour with the
    records late replays as the records late, and skewed an hour alone as nothing moved, so neither is replayed
    (its outcome reused, the variant still counted); ``10 * * * *`` skewed 59 s is replayed."""
    timeline = _timeline(pack, SLICE)
    whole = Variant(skews=((SLICE, 3600.0),), late=900.0)
    assert same_as(timeline.detections, whole) == Variant(late=900.0)
    assert timeline.raised(whole) == timeline.raised(Variant(late=900.0))
    quarter_past = _timeline(pack, QUARTER_PAST)
    seconds = Variant(skews=((QUARTER_PAST, 59.0),))
    assert same_as(quarter_past.detections, seconds) == seconds
    replayed: list[Variant] = []
    real = timeline.raised

    def counted(variant: Variant = Variant()) -> Raised:
        replayed.append(variant)
        return real(variant)

    timeline.raised = counted  # type: ignore[method-assign]
    lost = _indexed_at(timeline, "2026-10-13 10:05", "2026-10-13 10:06")  # no run sees them: 0 notables, each
    # set against an outcome of 1 so that the list shows what was reused
    assert lost.differences([Variant(late=900.0), whole, Variant(skews=((SLICE, 3600.0),))], Raised(1, ())) == [
        (Variant(late=900.0), Raised(0, ())), (whole, Raised(0, ()))]
    assert replayed == [Variant(late=900.0)]
