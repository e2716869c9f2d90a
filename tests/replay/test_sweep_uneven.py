"""``replay --sweep``'s runs held back unevenly (``held_back_unevenly``): the scheduler holds each run back by its
load at that moment (``simulate``'s ``held_back`` from a tick on), so the first run that raises a record can start on
time and the next one that sees it as late as the ``schedule_window`` allows (the mirror, ``held_back_early``: held
back up to that run, on time after it). The pack: the sweep fixture's refusals
(09:20 and 09:21) under hourly detections over ``-100m@m`` .. ``-10m@m``, so the 10:00 and 11:00 runs both see
them, throttled 7100 s (118m20s) as the pack's hourly detections are: with ``schedule_window = auto`` (59 minutes
as the sweep reads it) the 11:00 run starts at 11:59, 119 minutes after the first, and raises them again; with 30
minutes it starts by 11:30, within the throttle."""

from __future__ import annotations

import math

import pytest

from contentpack.content.diagnostics import Position
from contentpack.content.model import Pack
from contentpack.content.validate import validate_pack
from contentpack.replay.sweep import (Raised, SweepReport, SweptTest, Variant, held_back_early, held_back_unevenly,
                                      replay_context, sweep_test)
from contentpack.replay.sweep_report import report_json

from .simfactory import ts
from .sweep_fixture import USER, detection_yaml, write_pack
from .test_sweep_variants import _detection, _timeline

AUTO = "Entra ID Refusal Seen Twice Window Auto"
HALF_HOUR = "Entra ID Refusal Seen Twice Window Half Hour"
UNTHROTTLED = "Entra ID Refusal Seen Twice Not Throttled"
SEEN_TWICE = ("0 * * * *", "-100m@m", "-10m@m")


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Pack:
    root = write_pack(tmp_path_factory.mktemp("uneven") / "pack", [
        (AUTO, detection_yaml(AUTO, 0, True, SEEN_TWICE, throttle_period="7100s")),
        (HALF_HOUR, detection_yaml(HALF_HOUR, 1, True, SEEN_TWICE, "30", throttle_period="7100s")),
        (UNTHROTTLED, detection_yaml(UNTHROTTLED, 2, False, SEEN_TWICE))])
    result = validate_pack(root)
    assert result.pack is not None and result.ok, [d.render() for d in result.errors]
    return result.pack


def _variants(pack: Pack, name: str) -> list[Variant]:
    timeline = _timeline(pack, name)
    return held_back_unevenly(timeline, timeline.run())


def test_the_runs_after_the_first_that_raises_are_held_back_the_most_the_window_allows(pack: Pack) -> None:
    eleven = ts("2026-10-13 11:00")
    assert _variants(pack, AUTO) == [Variant(delays=((AUTO, 3540.0),), held_back=((AUTO, (eleven, math.inf)),))]
    assert _variants(pack, HALF_HOUR) == [
        Variant(delays=((HALF_HOUR, 1800.0),), held_back=((HALF_HOUR, (eleven, math.inf)),))]
    assert _variants(pack, UNTHROTTLED) == []  # each run raises what it sees anyway


def test_a_window_of_auto_raises_a_record_twice_and_one_of_30_minutes_once(pack: Pack) -> None:
    """The first run held back is said in the one form the backtest gives every time in (``iso_utc``), no longer
    ``2026-10-13 11:00 UTC``."""
    ctx = replay_context(pack)
    auto, half_hour = (sweep_test(ctx, _detection(pack, name), 0, _detection(pack, name).tests[0])
                       for name in (AUTO, HALF_HOUR))
    assert auto is not None and half_hour is not None
    assert auto.unmoved == half_hour.unmoved == Raised(1, ((USER, 30),))
    assert [(variant.held_back, raised) for variant, raised in auto.differences] == \
        [(((AUTO, (ts("2026-10-13 11:00"), math.inf)),), Raised(2, ((USER, 60),)))]
    assert auto.failures == [
        "runs held back 59m over their on-time windows from the run of 2026-10-13T11:00:00.000Z on, the earlier "
        "runs on time: 2 notables instead of 1; risk of alice@contoso.example 60 instead of 30"]
    assert half_hour.ok
    [difference] = report_json(SweepReport((auto,)))["tests"][0]["differences"]
    assert (difference["moved"], difference["delays"], difference["held_back_from"]) == \
        ("delayed", {AUTO: 3540.0}, {AUTO: ts("2026-10-13 11:00")})


def test_the_mirror_holds_back_the_runs_up_to_the_first_that_raises_and_starts_the_next_on_time(pack: Pack) -> None:
    """``held_back_early``: the 10:00 run, the first that raises the refusals, held back 59 minutes (10:59), the
    11:00 run on time: a minute apart, within the throttle, so the record is raised once, as unmoved. The variant
    is said with its end (the first run on time again)."""
    eleven = ts("2026-10-13 11:00")
    timeline = _timeline(pack, AUTO)
    result = timeline.run()
    [early] = held_back_early(timeline, result)
    assert early == Variant(delays=((AUTO, 3540.0),), held_back=((AUTO, (-math.inf, eleven)),))
    assert early.describe(AUTO) == ("runs held back 59m over their on-time windows up to the run of "
                                    "2026-10-13T11:00:00.000Z, that run and the later ones on time")
    assert [n.run_time for n in timeline.run(early).notables_of(AUTO)] == [ts("2026-10-13 10:59")]
    assert timeline.differences([early], timeline.outcome(result)) == []
    assert held_back_early(_timeline(pack, UNTHROTTLED), _timeline(pack, UNTHROTTLED).run()) == []
    ctx = replay_context(pack)
    swept = sweep_test(ctx, _detection(pack, AUTO), 0, _detection(pack, AUTO).tests[0])
    assert swept is not None
    # the JSON gives a span's end as ``held_back_until``, its start (none here) as ``held_back_from``
    said = SweptTest(AUTO, "t", swept.position, Raised(1, ()), 1, ((early, Raised(2, ())),))
    [difference] = report_json(SweepReport((said,)))["tests"][0]["differences"]
    assert (difference["moved"], difference["delays"], difference["held_back_until"]) == \
        ("delayed", {AUTO: 3540.0}, {AUTO: eleven})
    assert "held_back_from" not in difference


def test_a_span_of_every_tick_is_said_as_a_plain_hold_back() -> None:
    """``held_back`` unbounded on both sides holds every run back (``simulate``'s default): said as the plain delay
    is, as the JSON says it (neither ``held_back_from`` nor ``held_back_until``). Describing it raised an
    OverflowError (the time of ``-inf`` in words)."""
    every = Variant(delays=((AUTO, 3540.0),), held_back=((AUTO, (-math.inf, math.inf)),))
    assert every.describe(AUTO) == Variant(delays=((AUTO, 3540.0),)).describe(AUTO) == \
        "runs held back 59m over their on-time windows"
    said = SweptTest(AUTO, "t", Position("detections/auto.yml", 1, 1), Raised(1, ()), 1, ((every, Raised(2, ())),))
    [difference] = report_json(SweepReport((said,)))["tests"][0]["differences"]
    assert "held_back_from" not in difference and "held_back_until" not in difference
