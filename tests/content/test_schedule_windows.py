"""CP066: every run of an inline schedule searches some time, and consecutive runs leave none unsearched.

Splunk facts pinned here (the sources ``content/schedule.py`` cites): savedsearches.conf.spec resolves
``dispatch.earliest_time``/``dispatch.latest_time`` relative to the dispatch (the cron tick); the Alerting Manual,
"Alert scheduling tips" (https://help.splunk.com/splunk-enterprise/alert-and-respond/alerting-manual/9.0/
create-alerts/alert-scheduling-tips): "When a search time range is shorter than the time range for the scheduled
alert, an event might never be evaluated", and its own example (``-90m`` to ``-30m`` every hour) overlaps.
A window with latest at or before earliest holds no time, so such a run searches nothing (assumed: Splunk's
documentation does not say what a scheduled search with such a window returns; it cannot return an event).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.content.diagnostics import Diagnostic, Severity
from contentpack.content.model import Deployment
from contentpack.content.schedule import Schedule, _longest_uncovered, schedule
from contentpack.simulate import dispatch

from .helpers import HUNTING, Validate, at, locate, only, only_warning, validate_cli

REPO = Path(__file__).resolve().parents[2]
QUOTE = ('"When a search time range is shorter than the time range for the scheduled alert, an event might never '
         'be evaluated" (Splunk Alerting Manual, "Alert scheduling tips")')


def _schedule(pack: Path, cron: str, earliest: str, latest: str) -> None:
    """Give the hunting detection an inline schedule (it has none: the type default applies)."""
    text = (pack / HUNTING).read_text(encoding="utf-8")
    assert "deployment:" not in text
    block = (f"deployment:\n  scheduling:\n    cron_schedule: '{cron}'\n    earliest_time: '{earliest}'\n"
             f"    latest_time: '{latest}'\n    schedule_window: auto\ntags:\n")
    (pack / HUNTING).write_text(text.replace("tags:\n", block, 1), encoding="utf-8")


def _error_at_earliest(pack: Path, validate: Validate, cron: str, earliest: str, latest: str) -> Diagnostic:
    """The one CP066 finding of this schedule, checked to be an error at ``earliest_time`` failing the pack."""
    _schedule(pack, cron, earliest, latest)
    result = validate(pack)
    diagnostic = only(result, "CP066")
    assert diagnostic.severity is Severity.ERROR and not result.ok
    assert at(diagnostic) == (HUNTING, *locate(pack, HUNTING, f"'{earliest}'"))
    return diagnostic


def test_an_empty_window_is_an_error_at_earliest_time_naming_a_run(pack: Path, validate: Validate) -> None:
    diagnostic = _error_at_earliest(pack, validate, "*/10 * * * *", "-10m@m", "-10m@m")
    # the sample's first run is Thursday 2023-11-09 00:10 UTC; both modifiers resolve ten minutes before it
    assert diagnostic.message == (
        "every run of this schedule searches nothing: at the run on Thursday 00:10 UTC, earliest_time '-10m@m' "
        "resolves to Thursday 00:00 UTC (10m before the run) and latest_time '-10m@m' resolves to Thursday 00:00 "
        "UTC (10m before the run): an empty window (latest_time must resolve after earliest_time); the detection "
        "can never fire")


def test_an_inverted_window_is_an_error(pack: Path, validate: Validate) -> None:
    _schedule(pack, "0 * * * *", "-5m", "-10m")
    diagnostic = only(validate(pack), "CP066")
    assert diagnostic.severity is Severity.ERROR
    assert "an inverted window" in diagnostic.message and "the run on Thursday 01:00 UTC" in diagnostic.message
    assert "earliest_time '-5m' resolves to Thursday 00:55 UTC (5m before the run)" in diagnostic.message
    assert "latest_time '-10m' resolves to Thursday 00:50 UTC (10m before the run)" in diagnostic.message


def test_some_empty_runs_are_counted(pack: Path, validate: Validate) -> None:
    """``@d`` to ``now`` hourly: the midnight run's window is [00:00, 00:00), 8 of the 192 runs sampled."""
    _schedule(pack, "0 * * * *", "@d", "now")
    diagnostic = only(validate(pack), "CP066")
    assert diagnostic.message.startswith("8 of its 192 sampled runs search nothing: at the run on Friday 00:00 UTC")
    assert "can never fire" not in diagnostic.message


def test_a_gap_between_windows_is_a_warning_with_its_length(pack: Path, validate: Validate) -> None:
    _schedule(pack, "0 * * * *", "-30m@m", "now")
    diagnostic = only_warning(validate(pack), "CP066", pack, HUNTING, "'-30m@m'")
    assert diagnostic.message == (
        "consecutive runs' windows leave up to 30m unsearched: the window of the run on Thursday 01:00 UTC ends at "
        "Thursday 01:00 UTC (latest_time 'now') and the next one, of the run on Thursday 02:00 UTC, starts at "
        f"Thursday 01:30 UTC (earliest_time '-30m@m'); {QUOTE}. Reach earliest_time further back or run more often")


def test_a_search_with_its_own_earliest_is_not_judged_by_its_schedule(pack: Path, validate: Validate) -> None:
    """``earliest=``/``latest=`` written in the search replace the dispatch window where it runs (SPL Search
    Reference, "Time modifiers": "When you use a time modifier in the SPL syntax, that time overrides the time
    specified in the Time Range Picker"; the simulation does the same), so the schedule's gap says nothing."""
    _schedule(pack, "0 * * * *", "-30m@m", "now")
    text = (pack / HUNTING).read_text(encoding="utf-8")
    own = text.replace("  `azure_monitor_aad` operationName=", "  `azure_monitor_aad` earliest=-1h@h operationName=", 1)
    (pack / HUNTING).write_text(own, encoding="utf-8")
    assert "earliest=-1h@h" in (pack / HUNTING).read_text(encoding="utf-8")
    assert [d.render() for d in validate(pack).diagnostics] == []


def test_the_weekend_a_business_hours_schedule_skips_is_its_longest_gap(pack: Path, validate: Validate) -> None:
    """Every 15 minutes 09:00-17:45 on weekdays over yesterday 08:00 to now: Friday 17:45 to Sunday 08:00."""
    _schedule(pack, "*/15 9-17 * * 1-5", "-1d@d+8h", "now")
    diagnostic = only(validate(pack), "CP066")
    assert diagnostic.severity is Severity.WARNING
    assert diagnostic.message.startswith(
        "consecutive runs' windows leave up to 1d14h15m unsearched: the window of the run on Friday 17:45 UTC ends "
        "at Friday 17:45 UTC (latest_time 'now') and the next one, of the run on Monday 09:00 UTC, starts at Sunday "
        "08:00 UTC")


@pytest.mark.parametrize(("cron", "earliest", "latest"), [
    ("0 * * * *", "-70m@m", "-10m@m"),       # ESCU's defaults: each hour's window starts where the last ended
    ("*/10 * * * *", "-80m@m", "-10m@m"),    # overlapping windows (the pack's wave detections until 2026-12-06)
    ("*/10 * * * *", "-20m@m", "-10m@m"),    # this repository's pack: contiguous
    ("30 * * * *", "-90m", "-30m"),          # the Alerting Manual's example
    ("5 0 * * *", "-1d@d", "@d"),            # daily over yesterday
    ("0 0 1 * *", "-1mon@mon", "@mon"),      # monthly over last month (sampled beyond a week)
])
def test_contiguous_and_overlapping_windows_are_fine(pack: Path, validate: Validate, cron: str, earliest: str,
                                                     latest: str) -> None:
    _schedule(pack, cron, earliest, latest)
    assert validate(pack).diagnostics == []


def test_unparsable_schedules_are_left_to_cp062_and_cp063(pack: Path, validate: Validate) -> None:
    _schedule(pack, "99 * * * *", "-10m@m", "-10m@m")
    assert [d.rule for d in validate(pack).diagnostics] == ["CP062"]


def test_the_type_defaults_leave_no_gap_and_are_not_judged(pack: Path, validate: Validate) -> None:
    """Every type's default (contentctl's, ``Deployment.default_for``) is contiguous; a detection without an
    inline block is not reported whatever the defaults would be."""
    for kind in ("TTP", "Anomaly", "Hunting", "Correlation"):
        scheduling = Deployment.default_for(kind).scheduling
        defaults = schedule(scheduling.cron_schedule, scheduling.earliest_time, scheduling.latest_time)
        assert not defaults.empty_windows and _longest_uncovered(defaults.windows) is None
    assert validate(pack).diagnostics == []


def test_the_rule_and_the_simulation_share_one_schedule() -> None:
    """simulate.dispatch keeps its public names, and they are content.schedule's."""
    assert dispatch.Schedule is schedule("0 * * * *", "-70m@m", "-10m@m").__class__
    assert dispatch.__all__ == ["Schedule", "max_skew_of", "schedule_of"]


def test_the_repository_s_own_pack_has_no_blind_schedule() -> None:
    from contentpack.content.validate import validate_pack

    result = validate_pack(REPO)
    assert result.pack is not None and sum(d.has_inline_deployment for d in result.pack.detections) >= 6
    assert [d.render() for d in result.diagnostics] == []


def test_cli_reports_an_empty_window_at_its_position(pack: Path) -> None:
    _schedule(pack, "*/10 * * * *", "-10m@m", "-10m@m")
    out = validate_cli(pack)
    line, col = locate(pack, HUNTING, "'-10m@m'")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    expected = f"{HUNTING}:{line}:{col}: error[CP066]: every run of this schedule searches nothing"
    assert expected in out.stdout + out.stderr


# --- under skew: savedsearches.conf.spec (10.0), allow_skew: for ``0 * * * *`` and the other listed forms the
# scheduler "randomly 'skews' the second, minute, and hour that the search actually runs on", "The amount of skew
# for a specific search remains constant"; 100% (what the build writes) is up to the whole period. For other
# crons "it can only randomly skew the second". A skewed run's window is resolved at its skewed start (assumed:
# no Splunk page says; content/schedule.py's docstring).

def test_a_gap_only_a_skew_opens_is_a_warning_naming_the_skew(pack: Path, validate: Validate) -> None:
    """Hourly over ``-60m`` to ``@h`` is contiguous on time; started 59m59s after its tick a run searches one
    second, [00:59:59, 01:00) for the 01:00 tick, and all but a second of the hour before the next one's is never
    searched."""
    _schedule(pack, "0 * * * *", "-60m", "@h")
    diagnostic = only_warning(validate(pack), "CP066", pack, HUNTING, "'-60m'")
    assert diagnostic.message == (
        "consecutive runs' windows leave up to 59m59s unsearched when the scheduler's allow_skew starts the runs "
        "59m59s after their ticks: the window of the run on Thursday 01:59:59 UTC (its tick Thursday 01:00) ends at "
        "Thursday 01:00 UTC (latest_time '@h') and the next one, of the run on Thursday 02:59:59 UTC (its tick "
        "Thursday 02:00), starts at Thursday 01:59:59 UTC (earliest_time '-60m'); "
        f"{QUOTE}. Reach earliest_time further back or run more often")


def test_a_cron_skewed_only_in_its_second_widens_its_gap_by_59_seconds(pack: Path, validate: Validate) -> None:
    """``5 * * * *`` is none of the forms whose minute may move: 5m unsearched on time, 5m59s at a 59 s skew."""
    _schedule(pack, "5 * * * *", "-60m", "@h")
    diagnostic = only(validate(pack), "CP066")
    assert diagnostic.message.startswith(
        "consecutive runs' windows leave up to 5m59s unsearched when the scheduler's allow_skew starts the runs 59s "
        "after their ticks: the window of the run on Thursday 00:05:59 UTC (its tick Thursday 00:05) ends at "
        "Thursday 00:00 UTC")


def test_a_window_a_skew_empties_is_an_error_naming_the_skew(pack: Path, validate: Validate) -> None:
    """Hourly over ``-10m`` to ``@h`` holds ten minutes on time; started 10m or more after its tick (allow_skew 100%
    allows up to the hour) a run's earliest_time reaches its latest: [01:00, 01:00) for the 01:00 tick started at
    01:10. Such a run searches nothing, an error as an empty window on time is (it was reported only as a gap)."""
    diagnostic = _error_at_earliest(pack, validate, "0 * * * *", "-10m", "@h")
    assert diagnostic.message == (
        "a run of this schedule searches nothing when the scheduler's allow_skew starts the runs 10m after their "
        "ticks: at the run on Thursday 01:10 UTC (its tick Thursday 01:00), earliest_time '-10m' resolves to Thursday "
        "01:00 UTC (10m before the run) and latest_time '@h' resolves to Thursday 01:00 UTC (10m before the run): an "
        "empty window (latest_time must resolve after earliest_time at every start allow_skew '100%' allows, up to "
        "1h after the tick)")


def _brute_force(runs: Schedule, most: int) -> tuple[float, float]:
    """The longest gap and window over EVERY whole-second skew in [0, most], over the runs of two periods and an
    hour (these schedules repeat every hour or every period)."""
    from contentpack.content.schedule import SAMPLE_BASE, Window

    ticks = list(runs.cron.ticks(SAMPLE_BASE, SAMPLE_BASE + 2 * most + 3600))
    gap, window = 0.0, 0.0
    for skew in range(most + 1):
        windows = [Window(t + skew, *runs.window(t + skew)) for t in ticks]
        found = _longest_uncovered(windows)
        gap = max(gap, found.length if found else 0.0)
        window = max(window, *(w.latest - w.earliest for w in windows))
    return gap, window


@pytest.mark.parametrize(("cron", "earliest", "latest"), [
    ("0 * * * *", "-60m", "@h"),
    ("0 * * * *", "-7d@h", "-10m@m"),      # the pack's content before fd339cc
    ("0 * * * *", "-65m@h", "-30s@m"),
    ("0 */2 * * *", "-2h@h", "-10m"),
    ("*/7 * * * *", "-9m@m", "-1m"),
    ("25 * * * *", "-1h@h", "@h"),
])
def test_the_skews_tried_find_what_every_skew_would(cron: str, earliest: str, latest: str) -> None:
    """``skewed_worst`` tries a handful of skews (jumps of a snapped edge and the second before): it finds the
    same longest gap and window as trying every second of the skew the stanza allows."""
    from contentpack.content.schedule import max_skew, skewed_worst

    runs = schedule(cron, earliest, latest)
    most = int(max_skew(cron, "100%"))
    worst = skewed_worst(runs, most)
    assert ((worst.gap.length if worst.gap else 0.0), worst.longest.latest - worst.longest.earliest) == \
        _brute_force(runs, most)


@pytest.mark.parametrize(("cron", "earliest", "latest", "first"), [
    ("0 * * * *", "-10m", "@h", 600),         # earliest moves second by second up to a snapped latest
    ("0 * * * *", "-10m@m", "@h", 600),       # both snapped: earliest steps a minute at a time
    ("0 0 * * *", "-2h", "@d", 7200),         # daily: two hours late
    ("0 * * * *", "-60m", "@h", None),        # one second left at 59m59s, never none
    ("0 * * * *", "-70m@m", "-10m@m", None),  # the pack's hourly window: both edges move together
    ("*/7 * * * *", "-2m", "-1m@m", None),    # off the hour, a minute wide whatever the skew
])
def test_the_first_skew_emptying_a_window_is_the_one_every_skew_would_find(cron: str, earliest: str, latest: str,
                                                                          first: int | None) -> None:
    """``skewed_worst`` tries a handful of skews and then searches between two of them: it finds the same first
    empty window as trying every whole second of the skew the stanza allows."""
    from contentpack.content.schedule import SAMPLE_BASE, Window, max_skew, skewed_worst

    runs = schedule(cron, earliest, latest)
    most = int(max_skew(cron, "100%"))
    ticks = list(runs.cron.ticks(SAMPLE_BASE, SAMPLE_BASE + 2 * most + 3600))
    every = next((skew for skew in range(most + 1)
                  if any(Window(t + skew, *runs.window(t + skew)).empty for t in ticks)), None)
    worst = skewed_worst(runs, most)
    assert every == first
    assert (worst.empty_skew if worst.empty is not None else None) == first
    assert worst.empty is None or (worst.empty.empty and worst.empty.run - worst.empty_skew in ticks)
