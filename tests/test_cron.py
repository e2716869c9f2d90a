"""cron_schedule parsing and run times.

Sources: savedsearches.conf.spec, ``cron_schedule``: "You can use standard cron notation"; examples
``*/5 * * * *`` (every 5 minutes), ``00,20,40 * * * *`` (hh:00, hh:20, hh:40), ``03,23,43 * * * *``;
"The Splunk cron implementation does not currently support names of months or days."
Splunk Alerting Manual, *Use cron expressions for alert scheduling*
(https://help.splunk.com/splunk-enterprise/alert-and-respond/alerting-manual/9.2/create-alerts/use-cron-expressions-for-alert-scheduling):
field ranges "Minute: 0-59 ... Day of the week: 0-6 (where 0 = Sunday)"; forms ``N``, ``N,M``, ``I-J``
("9-17": "9:00 AM through 5:00 PM"), ``*``, ``*/N`` ("*/3": "0, 3, 6, 9, 12, 15, 18, 21"), ``I-J,K-L``
("9-12,15-17"), ``I-J/N`` ("9-12/2": "9:00 AM and 11:00 AM"), and ``I-J,K-L/N`` ("9-12,15-17/2": "9:00 AM
11:00 AM and 3:00 PM 5:00 PM" -- not standard cron's reading, so refused); "In Splunk Cloud Platform, the
timezone is always Coordinated Universal Time (UTC)".
The day-of-month/day-of-week rule is standard (Vixie) cron, crontab(5) (assumed for Splunk).
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


def test_the_alerting_manual_forms_and_their_meaning() -> None:
    """Each row of the Alerting Manual's tables, in the hour field as the page writes them."""
    def hours(field: str) -> list[int]:
        return sorted(parse_cron(f"0 {field} * * *").hours)
    assert hours("9") == [9]
    assert hours("9,15") == [9, 15]
    assert hours("9-17") == list(range(9, 18))
    assert hours("*") == list(range(24))
    assert hours("*/3") == [0, 3, 6, 9, 12, 15, 18, 21]
    assert hours("9-12,15-17") == [9, 10, 11, 12, 15, 16, 17]
    assert hours("9-12/2") == [9, 11]
    # I-J,K-L/N with a step on every range: the Manual's meaning and standard cron's agree
    assert hours("9-12/2,15-17/2") == [9, 11, 15, 17]


def test_day_of_week_is_0_to_6_as_documented() -> None:
    """Alerting Manual: "Day of the week: 0-6 (where 0 = Sunday)". 7 (Sunday in Vixie cron) is outside the
    documented range, so it is an error, not a guess that Splunk reads it as Sunday."""
    assert ticks("0 12 * * 0", "2026-03-01 00:00", "2026-03-15 00:00") == ["2026-03-01 12:00", "2026-03-08 12:00"]
    for text, column in (("0 12 * * 7", 9), ("0 12 * * 5-7", 11), ("0 12 * * 1,7", 11)):
        with pytest.raises(CronError) as caught:
            parse_cron(text)
        assert caught.value.column == column
        assert "day of week value 7 is outside 0-6" in caught.value.message
        assert "Day of the week: 0-6 (where 0 = Sunday)" in caught.value.message


@pytest.mark.assumed
def test_days_of_week_and_month_either_matches_when_both_restricted() -> None:
    """crontab(5) (Vixie cron, the "standard cron notation" the spec refers to): a time matches when either
    restricted day field matches. Assumed for Splunk: neither the spec nor the Alerting Manual states it."""
    # 2026-03-01 is a Sunday. "0 0 1 * 1": the 1st of the month OR any Monday (crontab(5)).
    assert ticks("0 0 1 * 1", "2026-02-28 00:00", "2026-03-10 00:00") == [
        "2026-03-01 00:00", "2026-03-02 00:00", "2026-03-09 00:00",
    ]
    # a full range is restricted too ("1-31" is not "*"): every day
    assert len(ticks("0 0 1-31 * 1", "2026-03-01 00:00", "2026-03-08 00:00")) == 7
    # only day of week restricted: Sundays
    assert ticks("0 12 * * 0", "2026-03-01 00:00", "2026-03-15 00:00") == ["2026-03-01 12:00", "2026-03-08 12:00"]
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
        ("0 0 * * 8", 8, "day of week value 8 is outside 0-6"),
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
    assert str(caught.value) == f"column {column + 1}: {caught.value.message}"  # 1-based, as an editor counts


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        # Vixie cron (Debian) rejects "Step specified without range"; others read 5-59/15; the Manual lists no N/S
        ("5/15 * * * *", 0, "step after a single value ('5/15') in the minute field"),
        ("0 3/6 * * *", 2, "read it as '3-23/6'"),
        # the Manual reads "9-12,15-17/2" as 9, 11, 15, 17; standard cron as 9, 10, 11, 12, 15, 17
        ("0 9-12,15-17/2 * * *", 2, "mixes stepped and unstepped items"),
        ("0,15-45/15 * * * *", 0, "give each item its own step (0/15) or none"),
        ("*/15,5 * * * *", 5, "mixes stepped and unstepped items"),
        # Vixie: a field starting with '*' is unrestricted (AND); other crons: restricted (OR)
        ("0 0 */2 * 1", 4, "day of month '*/2' with the other day field restricted"),
        ("0 0 1 * */2", 8, "write its values as a range (0-6/2)"),
        ("0 0 */2 * */3", 4, "Vixie cron counts a field starting with '*' as unrestricted"),
        # a step longer than its range: only the first value runs (the Manual: '*/N' is the values that are
        # intervals of N; cronie's get_range warns "Step size 70 higher than possible maximum of 23"). Was taken,
        # '0 */70' running once a day at 00:00 with only a CP066 gap warning as a trace
        ("0 */70 * * *", 4, "step 70 in the hour field is longer than its range 0-23, so only 0 runs"),
        ("*/60 * * * *", 2, "not every 60 from the last run"),
        ("0-5/10 * * * *", 4, "longer than its range 0-5"),
        ("0 0 1 */12 *", 8, "write 1 if that is meant"),
    ],
)
def test_refuses_what_splunk_may_read_differently(text: str, column: int, words: str) -> None:
    """Each of these changes which runs fire depending on a reading no Splunk page settles: an error at the
    column of the part, never a silent guess (validate's CP062 and the replay's RP005 report it)."""
    with pytest.raises(CronError) as caught:
        parse_cron(text)
    assert caught.value.column == column
    assert words in caught.value.message


def test_the_unambiguous_neighbours_of_the_refused_forms_still_parse() -> None:
    assert sorted(parse_cron("5-59/15 * * * *").minutes) == [5, 20, 35, 50]
    assert sorted(parse_cron("*/15 * * * *").minutes) == [0, 15, 30, 45]
    assert sorted(parse_cron("0,15,30 * * * *").minutes) == [0, 15, 30]
    assert sorted(parse_cron("*/59 * * * *").minutes) == [0, 59]  # a step as long as its range: both ends
    assert sorted(parse_cron("0 0 1-31/2 * 1").days_of_month)[:3] == [1, 3, 5]
    assert sorted(parse_cron("0 0 */2 * *").days_of_month)[:3] == [1, 3, 5]  # the other day field is "*"
    assert sorted(parse_cron("0 0 * * */2").days_of_week) == [0, 2, 4, 6]


def test_a_schedule_that_never_runs_is_an_error() -> None:
    """Days of month that fall in none of the months: no run ever (29 February still runs in leap years, and a
    restricted day of week runs on its weekdays by the either-day rule)."""
    for text, words in (("0 0 30 2 *", "day of month '30' falls in none of the months '2'"),
                        ("0 0 31 4,6,9,11 *", "'31' falls in none of the months '4,6,9,11', so no day of the year matches")):
        with pytest.raises(CronError) as caught:
            parse_cron(text)
        assert caught.value.column == 4 and words in caught.value.message
    assert ticks("0 0 29 2 *", "2026-01-01 00:00", "2029-01-01 00:00") == ["2028-02-29 00:00"]
    assert ticks("0 0 30 2 1", "2026-02-01 00:00", "2026-02-10 00:00") == ["2026-02-02 00:00", "2026-02-09 00:00"]
