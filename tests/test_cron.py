"""cron_schedule parsing and run times.

Source: savedsearches.conf.spec, ``cron_schedule``: "You can use standard cron notation"; examples
``*/5 * * * *`` (every 5 minutes), ``00,20,40 * * * *`` (hh:00, hh:20, hh:40), ``03,23,43 * * * *``;
"The Splunk cron implementation does not currently support names of months or days."
Ranges, steps over ranges and the day-of-month/day-of-week rule are standard (Vixie) cron, crontab(5).
"""

from __future__ import annotations

import calendar

import pytest

from contentpack.cron import CronError, parse_cron


def ts(text: str) -> float:
    """'2026-03-02 09:48' (UTC) -> epoch seconds."""
    date, clock = text.split()
    y, mo, d = (int(x) for x in date.split("-"))
    h, mi = (int(x) for x in clock.split(":"))
    return float(calendar.timegm((y, mo, d, h, mi, 0)))


def fmt(t: float) -> str:
    import time

    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(t))


def ticks(cron: str, start: str, end: str) -> list[str]:
    return [fmt(t) for t in parse_cron(cron).ticks(ts(start), ts(end))]


def test_every_five_minutes_spec_example() -> None:
    assert ticks("*/5 * * * *", "2026-03-02 09:00", "2026-03-02 09:20") == [
        "2026-03-02 09:05", "2026-03-02 09:10", "2026-03-02 09:15", "2026-03-02 09:20",
    ]


def test_list_spec_examples() -> None:
    assert ticks("00,20,40 * * * *", "2026-03-02 09:00", "2026-03-02 10:00") == [
        "2026-03-02 09:20", "2026-03-02 09:40", "2026-03-02 10:00",
    ]
    assert ticks("03,23,43 * * * *", "2026-03-02 09:00", "2026-03-02 10:00") == [
        "2026-03-02 09:03", "2026-03-02 09:23", "2026-03-02 09:43",
    ]


def test_interval_is_start_exclusive_end_inclusive() -> None:
    assert ticks("0 * * * *", "2026-03-02 09:00", "2026-03-02 11:00") == ["2026-03-02 10:00", "2026-03-02 11:00"]
    # a start between minutes still finds the next whole minute
    cron = parse_cron("* * * * *")
    assert [fmt(t) for t in cron.ticks(ts("2026-03-02 09:00") + 30, ts("2026-03-02 09:02"))] == [
        "2026-03-02 09:01", "2026-03-02 09:02",
    ]
    assert list(cron.ticks(ts("2026-03-02 09:00"), ts("2026-03-02 09:00"))) == []


def test_ranges_and_steps() -> None:
    assert ticks("10-50/20 9-10 * * *", "2026-03-02 00:00", "2026-03-03 00:00") == [
        "2026-03-02 09:10", "2026-03-02 09:30", "2026-03-02 09:50",
        "2026-03-02 10:10", "2026-03-02 10:30", "2026-03-02 10:50",
    ]
    # "N/step" is "N-max/step" (Vixie cron)
    assert parse_cron("45/10 * * * *").minutes == frozenset({45, 55})


@pytest.mark.assumed
def test_days_of_week_and_month_either_matches_when_both_restricted() -> None:
    """crontab(5) (Vixie cron, the "standard cron notation" the spec refers to): a time matches when either
    restricted day field matches; 7 is Sunday like 0. Assumed for Splunk: its spec states neither rule."""
    # 2026-03-01 is a Sunday. "0 0 1 * 1": the 1st of the month OR any Monday (crontab(5)).
    assert ticks("0 0 1 * 1", "2026-02-28 00:00", "2026-03-10 00:00") == [
        "2026-03-01 00:00", "2026-03-02 00:00", "2026-03-09 00:00",
    ]
    # only day of week restricted: Sundays; 7 is Sunday too
    assert ticks("0 12 * * 0", "2026-03-01 00:00", "2026-03-15 00:00") == ticks(
        "0 12 * * 7", "2026-03-01 00:00", "2026-03-15 00:00"
    ) == ["2026-03-01 12:00", "2026-03-08 12:00"]
    # month restricted
    assert ticks("0 0 1 4 *", "2026-01-01 00:00", "2027-01-01 00:00") == ["2026-04-01 00:00"]


def test_many_days_fast_path_is_right() -> None:
    got = list(parse_cron("0 * * * *").ticks(ts("2026-01-01 00:00"), ts("2026-02-01 00:00")))
    assert len(got) == 31 * 24
    assert got == sorted(got) and all(t % 3600 == 0 for t in got)


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("0 * * *", 7, "expected 5 fields"),
        ("0 * * * * *", 10, "expected 5 fields"),
        ("60 * * * *", 0, "minute value 60 is outside 0-59"),
        ("0 24 * * *", 2, "hour value 24"),
        ("0 0 0 * *", 4, "day of month value 0"),
        ("0 0 * 13 *", 6, "month value 13"),
        ("0 0 * * 8", 8, "day of week value 8"),
        ("0 0 * jan *", 6, "no month or day names"),
        ("0 0 * * mon", 8, "no month or day names"),
        ("*/0 * * * *", 2, "step 0"),
        ("0,,5 * * * *", 2, "empty item"),
        ("0 9-5 * * *", 2, "runs backwards"),
        ("0 1-x * * *", 4, "not a number"),
        ("@hourly", 0, "expected 5 fields"),
        ("", 0, "expected 5 fields"),
    ],
)
def test_rejects_what_is_not_cron_with_a_column(text: str, column: int, words: str) -> None:
    with pytest.raises(CronError) as caught:
        parse_cron(text)
    assert caught.value.column == column
    assert words in caught.value.message
