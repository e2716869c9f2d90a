"""CP066 and CP072 on a Splunk Enterprise search head whose time zone has daylight saving.

Splunk fact pinned here: the Alerting Manual, *Use cron expressions for alert scheduling* (10.0): "In Splunk Cloud
Platform, the timezone is always Coordinated Universal Time (UTC). In Splunk Enterprise, the cron analyzer defaults
to the timezone where the search head is configured." So a daily cron ticks at local midnight, 25 hours apart
across the night the clocks go back. Assumed (no page says): hour and minute offsets count elapsed time while day
offsets and snaps follow the zone's calendar (as the engine reads them), and a local time the change skips or
repeats ticks at both instants it names (``contentpack.cron``). The replay stays in UTC; only validate judges this.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from contentpack.content.schedule import CLOCK_CHANGES, DAYLIGHT_SAVING_ZONE, _longest_uncovered, schedule
from contentpack.cron import parse_cron

from .helpers import HUNTING, Validate, edit, only, only_warning
from .test_schedule_windows import QUOTE, _schedule
from .test_throttle_window import _throttle

NEW_YORK = ZoneInfo(DAYLIGHT_SAVING_ZONE)


def test_the_changes_judged_are_new_york_s_clocks_going_back_and_forward() -> None:
    (back, forward) = CLOCK_CHANGES
    offsets = [(datetime.fromtimestamp(t - 1, NEW_YORK).utcoffset(), datetime.fromtimestamp(t, NEW_YORK).utcoffset())
               for t in CLOCK_CHANGES]
    assert [(a.total_seconds() / 3600, b.total_seconds() / 3600) for a, b in offsets if a and b] == [(-4, -5), (-5, -4)]
    assert back < 1_700_000_000 < forward  # either side of the UTC sample's week


def test_a_daily_cron_ticks_on_the_zone_s_clock_and_an_hourly_one_at_the_utc_instants() -> None:
    back, forward = CLOCK_CHANGES
    daily = list(parse_cron("0 0 * * *").ticks(back - 2 * 86400, back + 2 * 86400, DAYLIGHT_SAVING_ZONE))
    assert [datetime.fromtimestamp(t, NEW_YORK).strftime("%d %H:%M %Z") for t in daily] == [
        "04 00:00 EDT", "05 00:00 EDT", "06 00:00 EST", "07 00:00 EST"]
    assert [b - a for a, b in zip(daily, daily[1:])] == [86400, 25 * 3600, 86400]
    spring = list(parse_cron("0 0 * * *").ticks(forward - 86400, forward + 86400, DAYLIGHT_SAVING_ZONE))
    assert spring[1] - spring[0] == 23 * 3600
    hourly = parse_cron("0 * * * *")
    for change in CLOCK_CHANGES:  # the hour repeated or skipped: every instant once, as in UTC (assumed)
        assert list(hourly.ticks(change - 86400, change + 86400, DAYLIGHT_SAVING_ZONE)) == \
            list(hourly.ticks(change - 86400, change + 86400))
    # a daily time the change skips names two instants, both ticks (assumed: which the scheduler runs no page says)
    skipped = list(parse_cron("30 2 * * *").ticks(forward - 3600, forward + 3600, DAYLIGHT_SAVING_ZONE))
    assert skipped == [forward - 1800, forward + 1800]


def test_a_daily_search_over_24_hours_leaves_an_hour_where_clocks_go_back(pack: Path, validate: Validate) -> None:
    """In UTC the runs are 24h apart and ``-24h@h`` .. ``@h`` meets; in New York the Monday run after the clocks
    went back is 25h after Sunday's, and reaches back 24h only."""
    _schedule(pack, "0 0 * * *", "-24h@h", "@h")
    assert _longest_uncovered(schedule("0 0 * * *", "-24h@h", "@h").windows) is None  # UTC: no gap
    diagnostic = only_warning(validate(pack), "CP066", pack, HUNTING, "'-24h@h'")
    assert diagnostic.message == (
        "on a search head whose time zone has daylight saving, consecutive runs' windows leave up to 1h unsearched: "
        "in America/New_York the window of the run on Sunday 5 November 00:00 EDT ends at Sunday 5 November 00:00 "
        "EDT (latest_time '@h') and the next one, of the run 1d1h later on Monday 6 November 00:00 EST, starts at "
        "Sunday 5 November 01:00 EDT (earliest_time '-24h@h'), as Splunk Enterprise runs the scheduler in the "
        "search head's time zone (\"In Splunk Enterprise, the cron analyzer defaults to the timezone where the "
        "search head is configured\": Splunk Alerting Manual, \"Use cron expressions for alert scheduling\"): "
        "across a change of its clocks a cron's local times are not a whole number of days apart, while hour and "
        "minute offsets count elapsed time (assumed: no page says how the scheduler treats the hour the clocks skip "
        "or repeat; day offsets and snaps are read in the zone's calendar, as the engine reads them); in UTC "
        f"(Splunk Cloud, the replay) the windows meet; {QUOTE}. Snap both edges to days (-1d@d .. @d), which "
        "follow the zone's calendar, or reach earliest_time 1h further back")
    edit(pack, HUNTING, "earliest_time: '-24h@h'", "earliest_time: '-25h@h'")  # the fixes the message names
    assert [d.render() for d in validate(pack).diagnostics] == []
    edit(pack, HUNTING, "earliest_time: '-25h@h'", "earliest_time: '-1d@d'")
    edit(pack, HUNTING, "latest_time: '@h'", "latest_time: '@d'")
    assert [d.render() for d in validate(pack).diagnostics] == []


@pytest.mark.parametrize(("cron", "earliest", "latest", "gap"), [
    ("30 6 * * 1", "-168h@h", "@h", "1h"),   # weekly over a week of hours
    ("0 0 * * *", "-1440m", "now", "1h"),    # minutes are elapsed time too
    ("0 */2 * * *", "-2h@h", "@h", "1h"),    # every two hours of the local clock: 3h apart when it goes back
    ("30 6 * * 1", "-7d@d", "@d", None),     # days follow the zone's calendar
    ("5 0 * * *", "-1d@d", "@d", None),
    ("0 * * * *", "-70m@m", "-10m@m", None),  # hourly: the same instants as in UTC
    ("*/10 * * * *", "-20m@m", "-10m@m", None),
])
def test_which_windows_a_change_of_the_clocks_opens(pack: Path, validate: Validate, cron: str, earliest: str,
                                                    latest: str, gap: str | None) -> None:
    _schedule(pack, cron, earliest, latest)
    found = [d.message for d in validate(pack).diagnostics]
    if gap is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].startswith(
            f"on a search head whose time zone has daylight saving, consecutive runs' windows leave up to {gap} ")


def test_a_month_s_window_is_no_longer_where_clocks_go_back_than_october_is(pack: Path, validate: Validate) -> None:
    """CP072 adds what daylight saving adds to the longest window, not an hour for any day unit: November in New
    York is 30 days and an hour, shorter than the 31 days UTC's longest month gives."""
    _schedule(pack, "0 0 1 * *", "-1mon@mon", "@mon")
    _throttle(pack, "744h")
    assert [d.render() for d in validate(pack).diagnostics] == []
    edit(pack, HUNTING, "period: 744h", "period: 743h")
    assert only(validate(pack), "CP072").message.endswith("throttle for at least 31d")
