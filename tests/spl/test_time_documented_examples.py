"""Every time-modifier and time-format example whose result a Splunk page states, run through the real engine:
``earliest=``/``latest=`` values through ``timeutil.parse_time_modifier`` (what inline search modifiers, the
engine's window and the schedule simulation's dispatch times all use), ``relative_time``/``strftime``/``strptime``
through ``| makeresults | eval``. Each row carries its page and the quoted sentence; rows marked ``assumed`` pin a
choice the engine made where the pages are silent. Forms the pages do not give a meaning the engine can honour
are refused, never answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from contentpack.spl import SplRuntimeError, SplUnsupportedError
from contentpack.spl import timeutil

from .spl_support import event, make_engine, rows

TIME_MODIFIERS = ("https://help.splunk.com/en/splunk-enterprise/search/spl-search-reference/10.0/"
                  "time-format-variables-and-modifiers/time-modifiers")
SEARCH_MANUAL = ("https://help.splunk.com/en/splunk-enterprise/search/search-manual/10.0/specify-time-ranges/"
                 "specify-time-modifiers-in-your-search")
SEARCH_MANUAL_9 = "https://docs.splunk.com/Documentation/Splunk/9.0.0/Search/Specifytimemodifiersinyoursearch"
FORMAT_VARIABLES = ("https://help.splunk.com/en/splunk-enterprise/spl-search-reference/10.2/"
                    "time-format-variables-and-modifiers/date-and-time-format-variables")


def at(text: str, tz: str = "UTC") -> float:
    """Epoch of a wall-clock ``YYYY-MM-DD HH:MM:SS`` in ``tz``."""
    epoch = timeutil.strptime(text, "%Y-%m-%d %H:%M:%S", tz)
    assert epoch is not None
    return epoch


@dataclass(frozen=True)
class Modifier:
    """One documented ``earliest``/``latest`` value: resolved at ``now`` it gives ``expected`` (both wall clocks)."""

    text: str
    now: str
    expected: str
    page: str
    quote: str
    tz: str = "UTC"


OCT_7 = "2024-10-07 10:15:00"  # "the current time is Monday, 07 October 2024, 10:15:00 A.M."
FEB_9 = "2022-02-09 13:37:05"  # "the current time is Wednesday, 09 February 2022, 01:37:05 P.M."
_TABLE = "Examples of relative time modifiers (current time Monday, 07 October 2024, 10:15:00 A.M.): "
_TABLE_9 = "Examples of relative time modifiers (current time Wednesday, 09 February 2022, 01:37:05 P.M.): "

MODIFIERS: tuple[Modifier, ...] = (
    Modifier("now", OCT_7, OCT_7, SEARCH_MANUAL, _TABLE + "now | Now, the current time | Monday, 07 October 2024, 10:15:00 A.M."),
    Modifier("now()", OCT_7, OCT_7, TIME_MODIFIERS, "now | `now()` or `now` | Refers to the current time."),
    Modifier("-60m", OCT_7, "2024-10-07 09:15:00", SEARCH_MANUAL, _TABLE + "-60m | 60 minutes ago | 09:15:00 A.M. | -60m@s"),
    Modifier("-60m@s", OCT_7, "2024-10-07 09:15:00", SEARCH_MANUAL, _TABLE + "-60m ... Equivalent Modifiers -60m@s"),
    Modifier("-1h@h", OCT_7, "2024-10-07 09:00:00", SEARCH_MANUAL, _TABLE + "-1h@h | 1 hour ago, to the hour | 09:00:00 A.M."),
    Modifier("-1d@d", OCT_7, "2024-10-06 00:00:00", SEARCH_MANUAL, _TABLE + "-1d@d | Yesterday | Sunday, 06 October 2024, 12:00:00 A.M."),
    Modifier("-24h", OCT_7, "2024-10-06 10:15:00", SEARCH_MANUAL, _TABLE + "-24h | 24 hours ago (yesterday) | Sunday, 06 October 2024, 10:15:00 A.M."),
    Modifier("-24h@s", OCT_7, "2024-10-06 10:15:00", SEARCH_MANUAL, _TABLE + "-24h ... Equivalent Modifiers -24h@s"),
    Modifier("-7d@d", OCT_7, "2024-09-30 00:00:00", SEARCH_MANUAL, _TABLE + "-7d@d | 7 days ago, 1 week ago today | Monday, 30 September 2024, 12:00:00 A.M."),
    Modifier("-7d@m", OCT_7, "2024-09-30 10:15:00", SEARCH_MANUAL, _TABLE + "-7d@m | 7 days ago, snap to minute boundary | Monday, 30 September 2024, 10:15:00 A.M."),
    Modifier("@w0", OCT_7, "2024-10-06 00:00:00", SEARCH_MANUAL, _TABLE + "@w0 | Beginning of the current week | Sunday, 06 October 2024, 12:00:00 A.M."),
    Modifier("+1d@d", OCT_7, "2024-10-08 00:00:00", SEARCH_MANUAL, _TABLE + "+1d@d | Tomorrow | Tuesday, 08 October 2024, 12:00:00 A.M."),
    Modifier("+24h", OCT_7, "2024-10-08 10:15:00", SEARCH_MANUAL, _TABLE + "+24h | 24 hours from now, tomorrow | Tuesday, 08 October 2024, 10:15:00 A.M."),
    Modifier("+24h@s", OCT_7, "2024-10-08 10:15:00", SEARCH_MANUAL, _TABLE + "+24h ... Equivalent Modifiers +24h@s"),
    Modifier("-1d@d", FEB_9, "2022-02-08 00:00:00", SEARCH_MANUAL_9, _TABLE_9 + "-1d@d Yesterday Tuesday, 08 February 2022, 12:00:00 A.M."),
    Modifier("@w0", FEB_9, "2022-02-06 00:00:00", SEARCH_MANUAL_9, _TABLE_9 + "@w0 Beginning of the current week Sunday, 06 February 2022, 12:00:00 A.M."),
    Modifier("@d-2h", FEB_9, "2022-02-08 22:00:00", SEARCH_MANUAL_9,
             "@d-2h: Snap to the beginning of today (12 A.M.) and subtract 2 hours from that time. 10 P.M. last night."),
    Modifier("-mon@mon+7d", FEB_9, "2022-01-08 00:00:00", SEARCH_MANUAL_9,
             "-mon@mon+7d: One month ago, snapped to the first of the month at midnight, and add 7 days. "
             "The 8th of last month at 12 A.M."),
    Modifier("@d-2h", OCT_7, "2024-10-06 22:00:00", TIME_MODIFIERS,
             "@d-2h snaps to the beginning of today (12 AM or midnight), and then applies the time offset of -2h, "
             "This results in a time of 10 PM yesterday."),
    Modifier("-30m@h+15m", "2024-10-07 10:15:00", "2024-10-07 09:15:00", TIME_MODIFIERS,
             "You can also specify offsets from the snap-to-time or \"chain\" together the time modifiers"),
    Modifier("@h", "2024-10-07 11:59:00", "2024-10-07 11:00:00", TIME_MODIFIERS,
             "if it is 11:59:00 and you \"snap to\" hours, you will snap to 11:00 not 12:00."),
    Modifier("-h@h", "2024-10-07 15:45:00", "2024-10-07 14:00:00", SEARCH_MANUAL,
             "the current time is 15:45:00 and the snap to time is earliest=-h@h. The time modifier snaps to 14:00."),
    Modifier("-2h@h", "2024-10-07 15:45:00", "2024-10-07 13:00:00", TIME_MODIFIERS,
             "if the relative time modifier is -2h@h the offset -2h is processed first. Then the snap-to time @h"),
    Modifier("-h", OCT_7, "2024-10-07 09:15:00", TIME_MODIFIERS,
             "to start your search an hour ago, use either of the following time modifiers. earliest=-h or earliest=-60m"),
    Modifier("-3h", "2024-05-15 10:30:00", "2024-05-15 07:30:00", SEARCH_MANUAL,
             "it's May 15th, and you initiate a search at 10:30 AM. If you use earliest=-3h ... beginning at 7:30 AM"),
    Modifier("-3h@h", "2024-05-15 10:30:00", "2024-05-15 07:00:00", SEARCH_MANUAL,
             "If you use earliest=-3h@h ... This means the search includes events from 7:00 AM on May 15th."),
    Modifier("-mon@mon", "2024-05-15 10:30:00", "2024-04-01 00:00:00", SEARCH_MANUAL,
             "earliest=-mon@mon latest=@mon. This sets the search to start at the beginning of the last month"),
    Modifier("@mon", "2024-05-15 10:30:00", "2024-05-01 00:00:00", SEARCH_MANUAL,
             "earliest=-mon@mon latest=@mon ... and end at the beginning of this month."),
    Modifier("-1mon@mon", "2024-03-31 10:30:00", "2024-02-01 00:00:00", SEARCH_MANUAL,
             "earliest=-mon@mon ... start at the beginning of the last month (from March 31: one month back is "
             "February, whatever its length)"),
    Modifier("@w6", "2024-10-11 23:59:00", "2024-10-05 00:00:00", TIME_MODIFIERS,
             "if it is currently 11:59 PM on Friday and you use @w6 to \"snap to Saturday\", the resulting time is the "
             "previous Saturday (the page's \"at 12:01 A.M.\" contradicts its own rule that a snap rounds down to the "
             "unit's start)"),
    Modifier("@w7", OCT_7, "2024-10-06 00:00:00", TIME_MODIFIERS, "For Sunday, you can specify w0 or w7."),
    Modifier("@w", OCT_7, "2024-10-06 00:00:00", SEARCH_MANUAL,
             "Snapping to a week using @w or @week defaults to snapping to Sunday, equivalent to @w0."),
    Modifier("@week", OCT_7, "2024-10-06 00:00:00", SEARCH_MANUAL,
             "Snapping to a week using @w or @week defaults to snapping to Sunday, equivalent to @w0."),
    Modifier("@w1", "2024-10-09 15:00:00", "2024-10-07 00:00:00", SEARCH_MANUAL,
             "earliest=@w1 latest=+7d@w6 ... from the start of the current week at 12:00 A.M. on Monday"),
    Modifier("+7d@w6", "2024-10-07 12:00:00", "2024-10-12 00:00:00", SEARCH_MANUAL,
             "earliest=@w1 latest=+7d@w6 ... concluding at 11:59 P.M. on Friday of the same week (latest is "
             "exclusive: Saturday 12:00 A.M.)"),
    Modifier("-7d@w1", "2024-10-09 15:00:00", "2024-09-30 00:00:00", SEARCH_MANUAL,
             "earliest=-7d@w1 latest=@w6 ... starting from 12:00 A.M. of the Monday of the last week"),
    Modifier("@w6", "2024-10-09 15:00:00", "2024-10-05 00:00:00", SEARCH_MANUAL,
             "earliest=-7d@w1 latest=@w6 ... ending at 11:59 P.M. of the Friday of the last week"),
    Modifier("-5d@w1", "2024-10-09 15:00:00", "2024-09-30 00:00:00", TIME_MODIFIERS,
             "3. Search the events from the last full business week ...earliest=-5d@w1 latest=@w6"),
    Modifier("@q", "2024-02-15 10:00:00", "2024-01-01 00:00:00", TIME_MODIFIERS,
             "@q, @qtr, or @quarter for the beginning of the most recent quarter (Jan 1, Apr 1, Jul 1, or Oct 1)."),
    Modifier("@qtr", "2024-06-30 23:59:59", "2024-04-01 00:00:00", TIME_MODIFIERS,
             "@q, @qtr, or @quarter for the beginning of the most recent quarter (Jan 1, Apr 1, Jul 1, or Oct 1)."),
    Modifier("@quarter", "2024-09-01 00:00:00", "2024-07-01 00:00:00", TIME_MODIFIERS,
             "@q, @qtr, or @quarter for the beginning of the most recent quarter (Jan 1, Apr 1, Jul 1, or Oct 1)."),
    Modifier("@q", "2024-10-01 00:00:00", "2024-10-01 00:00:00", TIME_MODIFIERS,
             "snaps backwards or rounds down to the latest time not after the specified time (Oct 1 is a quarter start)"),
    Modifier("@d+1h", OCT_7, "2024-10-07 01:00:00", TIME_MODIFIERS,
             "6. ... omit the events from Midnight to 1:00 A.M. ...((earliest=-24h latest<@d) OR (earliest>=@d+1h))"),
    Modifier("-2d", "2024-04-28 14:05:00", "2024-04-26 14:05:00", SEARCH_MANUAL_9,
             "earliest=-2d: Search at 14:05 on April 28th ... goes back exactly two days, starting at 14:05 on April 26th."),
    Modifier("1", OCT_7, "1970-01-01 00:00:01", TIME_MODIFIERS,
             "Use earliest=1 to specify the UNIX epoch time 1, which is UTC January 1, 1970 at 12:00:01 AM."),
    Modifier("0", OCT_7, "1970-01-01 00:00:00", TIME_MODIFIERS,
             "Use earliest=0 to specify the earliest event in your data (epoch 0: every event at or after it)"),
    Modifier("10/5/2016:20:00:00", OCT_7, "2016-10-05 20:00:00", TIME_MODIFIERS,
             "You can specify an exact time such as earliest=\"10/5/2016:20:00:00\""),
    Modifier("11/15/2022:20:00:00", OCT_7, "2022-11-15 20:00:00", TIME_MODIFIERS,
             "from November 15 at 8 PM ... earliest=\"11/15/2022:20:00:00\" latest=\"11/22/2022:20:00:00\""),
    Modifier("9/23/2022:17:00:00", OCT_7, "2022-09-23 17:00:00", TIME_MODIFIERS,
             "to find events from 5-6 PM ... (earliest=\"9/23/2022:17:00:00\" latest=\"9/23/2022:18:00:00\")"),
    Modifier("05/01/2023:00:00:00", OCT_7, "2023-05-01 00:00:00", SEARCH_MANUAL,
             "from midnight on May 1, 2023 ... earliest=05/01/2023:00:00:00 latest=05/10/2023:00:00:00"),
    Modifier("03/31/2023:23:59:59", OCT_7, "2023-03-31 23:59:59", SEARCH_MANUAL,
             "earliest=01/01/2023:00:00:00 latest=03/31/2023:23:59:59"),
    Modifier("@w0", "2024-10-06 18:00:00", "2024-10-06 00:00:00", TIME_MODIFIERS,
             "When snapping to the nearest or latest time, Splunk software always snaps backwards or rounds down to "
             "the latest time not after the specified time. (on a Sunday, that Sunday's midnight is not after it)"),
    # Daylight saving time in a zone with it: a day is a calendar day, not 24 hours.
    Modifier("-1d", "2024-11-03 12:00:00", "2024-11-02 12:00:00", SEARCH_MANUAL,
             "24h is usually, but not always, equivalent to 1d due to Daylight Savings Time adjustments.",
             tz="America/New_York"),
    Modifier("-24h", "2024-11-03 12:00:00", "2024-11-02 13:00:00", SEARCH_MANUAL,
             "24h is usually, but not always, equivalent to 1d due to Daylight Savings Time adjustments.",
             tz="America/New_York"),
    Modifier("-1d@d", "2024-11-03 12:00:00", "2024-11-02 00:00:00", SEARCH_MANUAL,
             "-1d@d | Yesterday | ... 12:00:00 A.M. (the local midnight, across the fall-back change)",
             tz="America/New_York"),
    Modifier("@d", "2024-03-10 12:00:00", "2024-03-10 00:00:00", SEARCH_MANUAL,
             "snaps ... to the beginning of today (local midnight before the spring-forward change)",
             tz="America/New_York"),
)

# The Time modifiers page's unit table, as it reads; each spelling is checked (as the offset and as the snap)
# against the row's first one.
UNIT_TABLE = """
second | s, sec, secs, second, seconds
minute | m, min, mins, minute, minutes
hour | h, hr, hrs, hour, hours
day | d, day, days
week | w, week, weeks
month | mon, month, months
quarter | q, qtr, qtrs, quarter, quarters
year | y, yr, yrs, year, years
"""
_SPELLING_ROWS = [(spellings[0], spelling)
                  for line in UNIT_TABLE.strip().splitlines()
                  for spellings in [[part.strip() for part in line.split("|")[1].split(",")]]
                  for spelling in spellings]


def _resolve(modifier: Modifier) -> float:
    return timeutil.parse_time_modifier(modifier.text, at(modifier.now, modifier.tz), modifier.tz)


@pytest.mark.parametrize("modifier", MODIFIERS, ids=lambda m: f"{m.text}@{m.now}/{m.tz}")
def test_documented_modifier(modifier: Modifier) -> None:
    """``earliest=``/``latest=`` values resolve to the page's stated time."""
    assert _resolve(modifier) == at(modifier.expected, modifier.tz), f"{modifier.page}: {modifier.quote}"


@pytest.mark.parametrize("modifier", [m for m in MODIFIERS if "/" not in m.text and m.text not in ("0", "1")],
                         ids=lambda m: f"{m.text}@{m.now}/{m.tz}")
def test_documented_modifier_in_relative_time(modifier: Modifier) -> None:
    """``relative_time(X, Y)`` takes the same relative modifiers ("Y is a relative time specifier"). ``now()`` too,
    as ``now``: the Time modifiers page, "When specifying relative time, you can use the now modifier to refer to
    the current time", and its row "now | `now()` or `now`" (two spellings of one modifier; ``now()`` was refused
    while ``now`` and ``earliest=now()`` worked)."""
    engine = make_engine()
    engine.tz = modifier.tz
    now = at(modifier.now, modifier.tz)
    got = rows(engine, f'| makeresults | eval x=relative_time({now!r}, "{modifier.text}") | table x')[0]["x"]
    assert got == at(modifier.expected, modifier.tz), f"{modifier.page}: {modifier.quote}"


@pytest.mark.parametrize(("canonical", "spelling"), _SPELLING_ROWS, ids=lambda v: v)
def test_documented_unit_spellings(canonical: str, spelling: str) -> None:
    """Every spelling of the page's unit table means its unit, as an offset and as a snap.
    Time modifiers page: "second | s, sec, secs, second, seconds" ... "year | y, yr, yrs, year, years"."""
    now = at("2024-05-15 10:30:45")
    assert timeutil.parse_time_modifier(f"-2{spelling}", now) == timeutil.parse_time_modifier(f"-2{canonical}", now)
    assert timeutil.parse_time_modifier(f"@{spelling}", now) == timeutil.parse_time_modifier(f"@{canonical}", now)


def test_one_is_implied() -> None:
    """Time modifiers page: "When specifying single time amounts, the number one is implied. An 's' is the same as
    '1s', 'm' is the same as '1m', 'h' is the same as '1h', and so forth." """
    now = at(OCT_7)
    for unit in ("s", "m", "h", "d", "w", "mon", "q", "y"):
        assert timeutil.parse_time_modifier(f"-{unit}", now) == timeutil.parse_time_modifier(f"-1{unit}", now)


# Forms a page documents but the engine cannot honour, or that are not modifiers at all: refused, never answered.
REFUSED_MODIFIERS: tuple[tuple[str, str], ...] = (
    ("rt-5m", "real-time windows: the simulation runs scheduled searches (Search Manual: real-time modifiers)"),
    ("rtnow", "real-time windows: the simulation runs scheduled searches"),
    ("rt@m", "real-time windows: the simulation runs scheduled searches"),
    ("-500ms", "Time modifiers page: \"Subsecond time units such as ms can be used in metrics searches only\""),
    ("-1us", "Time modifiers page: subseconds \"microseconds (us) ...\" metrics searches only"),
    ("@w8", "Time modifiers page: \"You can specify a day of the week: w0 (Sunday), ... For Sunday, you can specify w0 or w7.\""),
    ("@d2", "only week snaps take a day number (w0..w7)"),
    ("@week1", "Time modifiers page: a day of the week is \"w0 (Sunday), w1, w2, w3, w4, w5 and w6 (Saturday)\"; "
               "no page has @week1"),
    ("-1", "Time modifiers page: epoch times are written unsigned (\"Use earliest=1 to specify the UNIX epoch time "
           "1\"), offsets with a unit (\"[+|-]<time_integer><time_unit>\"); no page says what -1 is"),
    ("+5", "as -1: a signed number with no unit, which no page gives a meaning"),
    ("-1x", "not a unit of the page's table"),
    ("-1.5h", "Syntax [+|-]<time_integer><time_unit>: the amount is an integer"),
    ("13/45/2019:00:00:00", "absolute times are %m/%d/%Y:%H:%M:%S; month 13 does not exist"),
    ("2024-10-07T10:00:00", "absolute times are %m/%d/%Y:%H:%M:%S (Time modifiers page)"),
)


@pytest.mark.parametrize(("text", "why"), REFUSED_MODIFIERS, ids=lambda v: v)
def test_refused_modifier(text: str, why: str) -> None:
    """Refused with a clear error (ValueError: the callers turn it into a diagnostic or a search error)."""
    with pytest.raises(ValueError):
        timeutil.parse_time_modifier(text, at(OCT_7))


def test_a_bad_snap_unit_is_answered_with_the_snap_units() -> None:
    """``@week1`` was refused as "only week snaps take a number", which a reader of ``@week`` (a week snap) could not
    act on: the refusal names the snap units the Time modifiers page gives ("You can use any of time units listed
    previously", "You can specify a day of the week: w0 (Sunday), w1, w2, w3, w4, w5 and w6 (Saturday)"), and a
    search says it once, at the modifier."""
    with pytest.raises(ValueError) as refused:
        timeutil.parse_time_modifier("@week1", at(OCT_7))
    assert str(refused.value) == (
        "invalid time modifier '@week1': unknown snap unit '@week1': the snap units are s, m, h, d, w, mon, q, y (or "
        "a spelling: sec, minute, hour, day, week, month, quarter, year ...) and the days of the week w0 to w7 "
        "(w0 = w7 = Sunday, w1 = Monday)")
    with pytest.raises(SplRuntimeError) as in_search:
        make_engine().search("search index=main earliest=@week1", now=at(OCT_7))
    assert str(in_search.value).startswith(f"{refused.value} (")  # the page's words once, then where


_UPPER_CASE_UNIT = "is not supported: the units are written in lower case"
_DECIMAL_EPOCH = "is not supported: an epoch time is written in whole seconds"


@pytest.mark.parametrize(("text", "refusal"), [
    *((text, _UPPER_CASE_UNIT) for text in ("-1M", "-1D@D", "@D", "-2Mon", "@W1", "-1Day")),
    *((text, _DECIMAL_EPOCH) for text in ("1.5", "1767225600.25", "0.0")),
])
def test_an_undocumented_spelling_is_refused_as_unsupported(text: str, refusal: str) -> None:
    """Upper-case units: the engine read units in any case, so ``-1M`` was a minute (where many tools write a
    month); the Time modifiers page's unit table writes every spelling in lower case ("minute | m, min, mins, minute,
    minutes", "month | mon, month, months") and no page says what Splunk makes of another case. Decimal epochs:
    ``earliest=1.5`` was the epoch time 1.5; the page writes epoch times in whole seconds ("Use earliest=1 to specify
    the UNIX epoch time 1") and shows no fraction. Both refused, saying why, in a search too."""
    with pytest.raises(ValueError, match=refusal):
        timeutil.parse_time_modifier(text, at(OCT_7))
    with pytest.raises(SplRuntimeError, match=refusal):
        make_engine().search(f"search index=main earliest={text}", now=at(OCT_7))


@pytest.mark.parametrize("text", ["-1", "+5", "-1.5"])
def test_a_signed_number_is_refused_as_unsupported(text: str) -> None:
    """It was read as an epoch time (-1: a second before 1970). The Time modifiers page writes epoch times unsigned
    ("Use earliest=1 to specify the UNIX epoch time 1") and relative times with a unit; no page says what Splunk
    makes of ``earliest=-1``, so it is refused, saying why."""
    with pytest.raises(ValueError, match=r"is not supported: a signed number is neither an epoch time"):
        timeutil.parse_time_modifier(text, at(OCT_7))


def test_inline_earliest_latest_in_a_search_string() -> None:
    """Time modifiers page example 6: "to find events for the last 24 hours but omit the events from Midnight to
    1:00 A.M. ... ((earliest=-24h latest<@d) OR (earliest>=@d+1h))" -- here the plain form
    ``earliest=-24h latest=@d`` (``<``/``>=`` comparisons on the modifiers are not implemented) and ``@d+1h``."""
    now = at(OCT_7)
    events = [event(at(text), n=text) for text in
              ("2024-10-06 10:14:59", "2024-10-06 10:15:00", "2024-10-06 23:59:59", "2024-10-07 00:30:00",
               "2024-10-07 01:00:00", "2024-10-07 10:14:59")]
    engine = make_engine(events)
    found = engine.search("search index=main earliest=-24h latest=@d | table n", now=now).rows
    assert [r["n"] for r in found] == ["2024-10-06 23:59:59", "2024-10-06 10:15:00"]
    found = engine.search("search index=main earliest=@d+1h latest=now() | table n", now=now).rows
    assert [r["n"] for r in found] == ["2024-10-07 10:14:59", "2024-10-07 01:00:00"]


# The Time modifiers page's "Other time modifiers" table, every name as it lists them: "The following search time
# modifiers are still valid, but might be removed". Each is either honoured (earliest/latest from the *ago forms)
# or refused; none may fall through to a field comparison that silently matches no event.
OTHER_TIME_MODIFIERS = (
    "daysago", "enddaysago", "endhoursago", "endminutesago", "endmonthsago", "endtime", "endtimeu", "hoursago",
    "minutesago", "monthsago", "searchtimespandays", "searchtimespanhours", "searchtimespanminutes",
    "searchtimespanmonths", "startdaysago", "starthoursago", "startminutesago", "startmonthsago", "starttime",
    "starttimeu", "timeformat",
)
HONOURED_OTHER_MODIFIERS = {"startdaysago": "-1d", "starthoursago": "-1h", "startminutesago": "-1m",
                            "enddaysago": "-1d", "endhoursago": "-1h", "endminutesago": "-1m"}


@pytest.mark.parametrize("name", OTHER_TIME_MODIFIERS)
def test_other_time_modifiers_are_honoured_or_refused(name: str) -> None:
    """Time modifiers page (TIME_MODIFIERS), "Other time modifiers": e.g. "daysago | daysago=<int> | Search events
    within the last integer number of days." A name the engine does not implement is refused, never read as a
    field ``daysago`` that no event has (which returned no results, as if the window were empty)."""
    now = at(OCT_7)
    engine = make_engine([event(now - 30, n="half a minute ago")])
    if name in HONOURED_OTHER_MODIFIERS:
        window = engine.search(f"search {name}=1 | table n", now=now).rows
        assert [r["n"] for r in window] == ([] if name.startswith("end") else ["half a minute ago"])
        return
    with pytest.raises(SplUnsupportedError, match=name):
        engine.search(f"search {name}=1 | table n", now=now)


# ------------------------------------------------------------------------------------------- format variables

# 2025-04-29 23:45:22 PDT, the moment of the page's "Converting UNIX timestamps into dates and times" table.
APR_29 = 1745995522
LA = "America/Los_Angeles"


@dataclass(frozen=True)
class Formatted:
    """One documented ``strftime`` result: epoch, format, the page's text."""

    epoch: float
    fmt: str
    expected: str
    quote: str
    tz: str = LA
    page: str = FORMAT_VARIABLES


FORMATS: tuple[Formatted, ...] = (
    Formatted(APR_29, "%Y-%m-%d", "2025-04-29", "Converting UNIX timestamps into dates: %Y-%m-%d | 2025-04-29"),
    Formatted(APR_29, "%y-%m-%d", "25-04-29", "%y-%m-%d | 25-04-29"),
    Formatted(APR_29, "%b %d, %Y", "Apr 29, 2025", "%b %d, %Y | Apr 29, 2025"),
    Formatted(APR_29, "%B %d, %Y", "April 29, 2025", "%B %d, %Y | April 29, 2025"),
    Formatted(APR_29, "%a %b %d, %Y", "Tue Apr 29, 2025", "%a %b %d, %Y | Tue Apr 29, 2025"),
    Formatted(APR_29, "%d %b '%y = %Y-%m-%d", "29 Apr '25 = 2025-04-29", "%d %b '%y = %Y-%m-%d | 29 Apr '25 = 2025-04-29"),
    Formatted(APR_29, "%Y-%m-%dT%H:%M:%S.%Q", "2025-04-29T23:45:22.000", "%Y-%m-%dT%H:%M:%S.%Q | 2025-04-29T23:45:22.000"),
    Formatted(APR_29, "%Y-%m-%dT %H:%M:%S.%Z", "2025-04-29T 23:45:22.PDT", "%Y-%m-%dT %H:%M:%S.%Z | 2025-04-29T 23:45:22.PDT"),
    Formatted(APR_29, "%Y-%m-%dT %H:%M:%S.%QZ", "2025-04-29T 23:45:22.000Z", "%Y-%m-%dT %H:%M:%S.%QZ | 2025-04-29T 23:45:22.000Z"),
    Formatted(APR_29, "%Y-%m-%dT%H:%M:%S.%QZ", "2025-04-29T23:45:22.000Z", "%Y-%m-%dT%H:%M:%S.%QZ | 2025-04-29T23:45:22.000Z"),
    Formatted(APR_29, "%Y-%m-%dT%H:%M:%S", "2025-04-29T23:45:22", "%Y-%m-%dT%H:%M:%S | 2025-04-29T23:45:22"),
    Formatted(APR_29, "%Y-%m-%dT%T", "2025-04-29T23:45:22", "%Y-%m-%dT%T | 2025-04-29T23:45:22"),
    Formatted(APR_29, "%m-%d-%Y %I:%M:%S %p", "04-29-2025 11:45:22 PM", "%m-%d-%Y %I:%M:%S %p | 04-29-2025 11:45:22 PM"),
    Formatted(APR_29, "%b %d, %Y %I:%M:%S %p", "Apr 29, 2025 11:45:22 PM", "%b %d, %Y %I:%M:%S %p | Apr 29, 2025 11:45:22 PM"),
    Formatted(APR_29, "%m-%d-%Y %H:%M:%S.%Q", "04-29-2025 23:45:22.000", "%m-%d-%Y %H:%M:%S.%Q | 04-29-2025 23:45:22.000"),
    Formatted(APR_29, "%m-%d-%Y %H:%M:%S.%Q %z", "04-29-2025 23:45:22.000 -0700", "%m-%d-%Y %H:%M:%S.%Q %z | 04-29-2025 23:45:22.000 -0700"),
    Formatted(APR_29, "%d/%b/%Y:%H:%M:%S.%f %z", "29/Apr/2025:23:45:22.000000 -0700",
              "%d/%b/%Y:%H:%M:%S.%f %z | 29/Apr/2025:23:45:22.000000 -0700"),
    # The variable descriptions' own examples.
    Formatted(at("2019-07-18 09:30:00", LA), "%c", "Thu Jul 18 09:30:00 2019",
              "%c ... For example, Thu Jul 18 09:30:00 2019 for US English on Linux."),
    Formatted(at("2019-07-18 09:30:00", LA), "%+", "Thu Jul 18 09:30:00 PDT 2019",
              "%+ ... For example, Thu Jul 18 09:30:00 PDT 2019 for US English on Linux."),
    Formatted(at("2019-07-18 23:59:59", LA), "%T", "23:59:59", "%T The time in 24-hour notation (%H:%M:%S). For example 23:59:59."),
    Formatted(at("2019-07-18 23:59:59", LA), "%F", "2019-07-18", "%F Equivalent to %Y-%m-%d (the ISO 8601 date format)."),
    Formatted(at("2019-01-15 12:00:00", "America/New_York"), "%z", "-0500",
              "Use %z to specify hour and minute, for example -0500", tz="America/New_York"),
    Formatted(at("2019-01-15 12:00:00", "America/New_York"), "%:z", "-05:00",
              "Use %:z to specify hour and minute separated by a colon, for example -05:00", tz="America/New_York"),
    Formatted(at("2019-01-15 12:00:00", "America/New_York"), "%::z", "-05:00:00",
              "Use %::z to specify hour minute and second separated with colons, for example -05:00:00", tz="America/New_York"),
    Formatted(at("2019-01-15 12:00:00", "America/New_York"), "%:::z", "-05",
              "Use %:::z to specify hour only, for example -05", tz="America/New_York"),
    Formatted(at("2019-01-15 12:00:00", "America/New_York"), "%Z", "EST",
              "%Z The timezone abbreviation. For example EST for US Eastern Standard Time.", tz="America/New_York"),
    Formatted(at("2025-02-05 07:00:00"), "%e|%k", " 5| 7",
              "%e ... a leading zero is replaced by a space. (1 to 31); %k ... Leading zeros are replaced by a space",
              tz="UTC"),
    Formatted(at("2025-02-05 00:30:00"), "%I %p", "12 AM", "%I ... the hours represented by the values 01 to 12", tz="UTC"),
    Formatted(at("2024-12-31 12:00:00"), "%j", "366", "%j Day of year as a decimal number, includes a leading zero. (001 to 366)", tz="UTC"),
    Formatted(at("2025-01-05 12:00:00"), "%j %w %A %a", "005 0 Sunday Sun",
              "%j (001 to 366); %w Weekday as a decimal number. (0 = Sunday, ..., 6 = Saturday); %A (Sunday, ..., Saturday)", tz="UTC"),
    Formatted(at("2025-02-03 00:00:00"), "%Y-%V", "2025-06",
              "Converting timestamp results to the year of the week format: 2025-02-03 | ... final_week_YV_format 2025-06", tz="UTC"),
    Formatted(at("2025-02-02 00:00:00"), "%Y-%V", "2025-05", "2025-02-02 | ... final_week_YV_format 2025-05", tz="UTC"),
    Formatted(at("2025-02-02 00:00:00"), "%G-%V", "2025-05", "2025-02-02 | ... final_week_G_format 2025-05", tz="UTC"),
    Formatted(at("2024-12-30 00:00:00"), "%G %g %Y", "2025 25 2024",
              "%G uses the year that is associated with the ISO week number; if the ISO week number belongs to the "
              "previous or next year, %G specifies that year.", tz="UTC"),
    Formatted(at("2025-01-01 00:00:00"), "%V %U", "01 00",
              "%V (or %U) Week of the year. The %V variable starts the count at 1 ... The %U variable starts the count at 0.",
              tz="UTC"),
    Formatted(at("2025-04-29 00:00:00"), "%C", "20", "%C The century as a 2-digit decimal number.", tz="UTC"),
    Formatted(1484993700, "%s", "1484993700",
              "%s The UNIX Epoch Time timestamp ... For example the UNIX epoch time 1484993700", tz="UTC"),
    Formatted(1745995522.123456, "%N|%3N|%6N|%9N", "123456000|123|123456|123456000",
              "%N The number of subsecond digits. The default is %9N. You can specify %3N = milliseconds, "
              "%6N = microseconds, %9N = nanoseconds.", tz="UTC"),
    Formatted(1745995522.123456, "%Q|%3Q|%6Q|%9Q", "123|123|123456|123456000",
              "%Q ... The default is milliseconds, %3Q. ... %3Q = milliseconds ... %6Q = microseconds ... %9Q = nanoseconds",
              tz="UTC"),
    Formatted(1745995522.123456, "%f", "123456", "%f Microseconds as a decimal number.", tz="UTC"),
    Formatted(0, "100%%", "100%", "%% A literal \"%\" character.", tz="UTC"),
)


def _strftime(fmt: str, epoch: float, tz: str) -> object:
    engine = make_engine()
    engine.tz = tz
    return rows(engine, f'| makeresults | eval x=strftime({epoch!r}, "{fmt}") | table x')[0].get("x")


@pytest.mark.parametrize("row", FORMATS, ids=lambda r: r.fmt)
def test_documented_strftime(row: Formatted) -> None:
    """``strftime`` gives the page's stated text."""
    assert _strftime(row.fmt, row.epoch, row.tz) == row.expected, f"{row.page}: {row.quote}"


PARSED: tuple[tuple[str, str, float, str], ...] = (
    ("2022-9-25T09:45:22.000", "%Y-%m-%dT%H:%M:%S.%Q", 1664124322.0,
     "Converting timestamps into UNIX: 2022-9-25T09:45:22.000 | %Y-%m-%dT%H:%M:%S.%Q | 1664124322.000000"),
    ("2022-12-15 09:45:22", "%Y-%m-%d %H:%M:%S", 1671126322.0,
     "Converting timestamps into UNIX: 2022-12-15 09:45:22 | %Y-%m-%d %H:%M:%S | 1671126322.000000"),
    ("1484993700", "%s", 1484993700.0, "%s The UNIX Epoch Time timestamp ... the UNIX epoch time 1484993700"),
    ("2025-04-29T23:45:22.000 -0700", "%Y-%m-%dT%H:%M:%S.%Q %z", float(APR_29),
     "%z The timezone offset from UTC, in hour and minute: +hhmm or -hhmm."),
    ("2025-04-29T23:45:22.000 -07:00", "%Y-%m-%dT%H:%M:%S.%Q %:z", float(APR_29),
     "Use %:z to specify hour and minute separated by a colon, for example -05:00"),
    ("04-29-2025 11:45:22 PM", "%m-%d-%Y %I:%M:%S %p", float(APR_29),
     "%m-%d-%Y %I:%M:%S %p | 04-29-2025 11:45:22 PM (read back)"),
)


@pytest.mark.parametrize(("text", "fmt", "expected", "quote"), PARSED, ids=lambda v: str(v))
def test_documented_strptime(text: str, fmt: str, expected: float, quote: str) -> None:
    """``strptime`` reads the page's timestamps back to its UNIX times (the page's times are US Pacific)."""
    engine = make_engine()
    engine.tz = LA
    got = rows(engine, f'| makeresults | eval x=strptime("{text}", "{fmt}") | table x')[0].get("x")
    assert got == expected, f"{FORMAT_VARIABLES}: {quote}"


# Locale variables whose page example the engine's C-locale rendering does not give, and variables the page does
# not list: refused rather than printed in a form Splunk may not use.
REFUSED_FORMATS: tuple[tuple[str, str], ...] = (
    ("%x", "%x The date in the format of the current locale. For example, 7/13/2019 for US English."),
    ("%X", "%X The time in the format for the current locale. For US English the format for 9:30 AM is 9:30:00."),
    ("%L", "not a variable of the page"),
    ("%:Y", "colons qualify only %z (%:z, %::z, %:::z)"),
)


@pytest.mark.parametrize(("fmt", "quote"), REFUSED_FORMATS, ids=lambda v: v)
def test_refused_strftime(fmt: str, quote: str) -> None:
    """Refused as unsupported in strftime."""
    with pytest.raises(SplUnsupportedError):
        _strftime(fmt, APR_29, LA)


@pytest.mark.parametrize(("fmt", "quote"), REFUSED_FORMATS, ids=lambda v: v)
def test_refused_strptime(fmt: str, quote: str) -> None:
    """Refused as unsupported in strptime too (it used to ignore the colons of ``%:Y``)."""
    with pytest.raises(SplUnsupportedError):
        rows(make_engine(), f'| makeresults | eval x=strptime("2025", "{fmt}") | table x')


@pytest.mark.parametrize(("modifier", "expected"), [("-60m", 1799996400.0), ("+24h", 1800086400.0), ("-1h@h", 1799996400.0),
                                                    ("@d-2h", 1799964000.0)])
def test_a_modifier_without_a_snap_snaps_to_the_second(modifier: str, expected: float) -> None:
    """Search Manual (Specify time modifiers in your search): "When a snap to time unit isn't defined, the system
    defaults to using seconds", and its table gives ``-60m@s`` as the equivalent of ``-60m``, ``+24h@s`` of ``+24h``:
    the subsecond part of the start time is dropped (a snap later in the modifier drops it anyway)."""
    got = rows(make_engine(), f'| makeresults | eval x=relative_time(1800000000.75, "{modifier}") | table x')[0]["x"]
    assert got == expected, f"{SEARCH_MANUAL}"


# Choices the engine made where the pages are silent (the quote says what the pages do say): pinned so a change is
# deliberate.
ASSUMED: tuple[Modifier, ...] = (
    Modifier("NOW", OCT_7, OCT_7, TIME_MODIFIERS, "now | `now()` or `now`; the engine reads it in any case"),
    Modifier("-1mon", "2024-03-31 10:00:00", "2024-02-29 10:00:00", TIME_MODIFIERS,
             "month offsets: no page says what one month before March 31 is; the day is clamped to the month's length"),
    Modifier("+1y", "2024-02-29 10:00:00", "2025-02-28 10:00:00", TIME_MODIFIERS,
             "year offsets from February 29: clamped to February 28"),
    Modifier("@d", "2024-03-10 12:00:00", "2024-03-10 01:00:00", TIME_MODIFIERS,
             "a day whose midnight does not exist (Havana springs forward at 00:00): the day starts at 01:00",
             tz="America/Havana"),
    Modifier("@w0", "2024-03-12 12:00:00", "2024-03-10 01:00:00", TIME_MODIFIERS,
             "a week whose Sunday midnight does not exist (Havana, 2024-03-10): the week starts at 01:00, as @d",
             tz="America/Havana"),
    Modifier("-1d", "2024-03-11 02:30:00", "2024-03-10 03:30:00", TIME_MODIFIERS,
             "a day offset onto a wall time that does not exist (New York springs forward at 02:00 to 03:00): read "
             "with the offset before the change (EST, fold=0), so 02:30 is 07:30 UTC, 03:30 EDT",
             tz="America/New_York"),
    Modifier("-1mon@h", "2024-04-10 02:30:00", "2024-03-10 03:00:00", TIME_MODIFIERS,
             "as -1d: the month offset lands on 02:30 of the change day, read as 03:30 EDT, then snapped to its hour",
             tz="America/New_York"),
    Modifier("@d", "2024-11-03 12:00:00", "2024-11-03 00:00:00", TIME_MODIFIERS,
             "a day whose midnight happens twice (Havana falls back at 01:00 to 00:00): the first one",
             tz="America/Havana"),
)


@pytest.mark.assumed
@pytest.mark.parametrize("modifier", ASSUMED, ids=lambda m: f"{m.text}@{m.now}/{m.tz}")
def test_assumed_modifier(modifier: Modifier) -> None:
    """Assumed: no page states this result; the engine's choice is kept and pinned."""
    assert _resolve(modifier) == at(modifier.expected, modifier.tz), f"{modifier.page}: {modifier.quote}"


def test_assumed_havana_first_midnight_is_the_earlier_instant() -> None:
    """Assumed (with the row above): of the two 00:00s of 2024-11-03 in Havana, the snap picks the earlier (CDT)."""
    got = timeutil.parse_time_modifier("@d", at("2024-11-03 12:00:00", "America/Havana"), "America/Havana")
    assert datetime.fromtimestamp(got, timeutil.zone("America/Havana")).utcoffset() == timedelta(hours=-4)



@pytest.mark.assumed
@pytest.mark.parametrize("snap", ["@d", "@w0", "@mon", "-1d@d+1d"])
def test_assumed_havana_day_starts_at_the_first_midnight_from_either_half_past_midnight(snap: str) -> None:
    """Assumed (with the rows above): the day of 2024-11-03 in Havana starts at its first 00:00 (CDT) whichever of
    the two 00:30s the search runs at; ``@d`` on a Sunday is that Sunday's ``@w0`` (Search Manual: "@w0 | Beginning
    of the current week | Sunday, ... 12:00:00 A.M."). The second 00:30 gave the second midnight for ``@d`` only."""
    first_half_past = at("2024-11-03 00:30:00", "America/Havana")  # CDT; the CST one is an hour later
    start = at("2024-11-01 00:00:00" if snap == "@mon" else "2024-11-03 00:00:00", "America/Havana")
    for now in (first_half_past, first_half_past + 3600):
        assert timeutil.parse_time_modifier(snap, now, "America/Havana") == start


# Variables the page does not list, which the engine renders with their C-library meaning (Splunk's strftime
# extends the C one): assumed, pinned.
ASSUMED_FORMATS: tuple[Formatted, ...] = (
    Formatted(APR_29, "%D", "04/29/25", "not on the page; C: %D is %m/%d/%y"),
    Formatted(APR_29, "%l|%R|%r", "11|23:45|11:45:22 PM", "not on the page; C: %l space-padded 12-hour, %R %H:%M, "
              "%r %I:%M:%S %p"),
    Formatted(APR_29, "%u %W %h", "2 17 Apr", "not on the page; C: %u weekday 1 = Monday, %W Monday weeks, %h = %b"),
    Formatted(APR_29, "%Ez", "-420", "%Ez Splunk-specific, timezone in minutes. (no example: signed minutes assumed)"),
)


@pytest.mark.assumed
@pytest.mark.parametrize("row", ASSUMED_FORMATS, ids=lambda r: r.fmt)
def test_assumed_strftime(row: Formatted) -> None:
    """Assumed: the page lists no such variable or states no result; the engine's C meaning is pinned."""
    assert _strftime(row.fmt, row.epoch, row.tz) == row.expected, f"{row.page}: {row.quote}"


@pytest.mark.parametrize(("text", "expected"), [("2025-01-15 10:00:00 EST", "2025-01-15 15:00:00"),
                                                ("2025-07-15 10:00:00 EST", "2025-07-15 15:00:00"),
                                                ("2025-07-15 10:00:00 GMT", "2025-07-15 10:00:00"),
                                                ("2025-07-15 10:00:00 America/Los_Angeles", "2025-07-15 17:00:00")])
def test_strptime_reads_the_zone_percent_z_names(text: str, expected: str) -> None:
    """Format variables page: "%Z The timezone abbreviation. For example EST for US Eastern Standard Time." EST is
    -05:00 whatever the season (an abbreviation of one offset); an IANA name is read with its rules."""
    got = rows(make_engine(), f'| makeresults | eval x=strptime("{text}", "%Y-%m-%d %H:%M:%S %Z") | table x')
    assert got[0]["x"] == at(expected), FORMAT_VARIABLES


@pytest.mark.parametrize("name", ["PST", "CEST", "CET", "Mars/Olympus"])
def test_strptime_refuses_a_zone_percent_z_cannot_place(name: str) -> None:
    """A %Z text that is no zone name used to be read as the search's zone (03:04 PST was 03:04 UTC, silently eight
    hours off); CET is an IANA zone that keeps summer time (+02:00 in July) where the abbreviation is +01:00. No page
    lists the offsets Splunk gives abbreviations: refused as unsupported, saying why."""
    with pytest.raises(SplUnsupportedError, match=rf"the time zone '{name}' read by %Z is not supported"):
        rows(make_engine(), f'| makeresults | eval x=strptime("2025-07-15 03:04:05 {name}", "%Y-%m-%d %H:%M:%S %Z")')
