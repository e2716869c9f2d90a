"""Time utilities: format variables, relative time modifiers, spans and time bins.

Reference instant: 1700000000 = Tuesday 2023-11-14 22:13:20 UTC (17:13:20 EST in America/New_York).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contentpack.spl.timeutil import (
    DEFAULT_CTIME_FORMAT,
    Span,
    bin_start,
    convert_ctime,
    parse_span,
    parse_time_modifier,
    relative_time,
    strftime,
    strptime,
)

T = 1_700_000_000
NY = "America/New_York"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("%Y-%m-%dT%H:%M:%S.%3N", "2023-11-14T22:13:20.123"),
        ("%6N", "123456"),
        ("%9N", "123456000"),
        ("%N", "123456000"),
        ("%Q", "123"),
        ("%6Q", "123456"),
        ("%s", "1700000000"),
        ("%z %Z", "+0000 UTC"),
        ("%+", "Tue Nov 14 22:13:20 UTC 2023"),
        ("%c", "Tue Nov 14 22:13:20 2023"),
        ("%F %T", "2023-11-14 22:13:20"),
        ("%a %A %b %B %j", "Tue Tuesday Nov November 318"),
        ("%I:%M %p", "10:13 PM"),
        ("%k|%e", "22|14"),
        ("%y %w %u %V", "23 2 2 46"),
        ("%f", "123456"),
        ("100%%", "100%"),
    ],
)
def test_strftime_variables(fmt: str, expected: str) -> None:
    """Date and time format variables: %N subsecond digits (default %9N; %3N ms, %6N µs), %Q subsecond
    component (default milliseconds), %s epoch, %z offset, %Z zone abbreviation, %+ date/time/zone,
    %c date and time, %F = %Y-%m-%d, %T = %H:%M:%S, %k space-padded hour, %f microseconds.
    https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/time-format-variables-and-modifiers"""
    assert strftime(T + 0.123456, fmt) == expected


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("%z", "-0500"), ("%:z", "-05:00"), ("%::z", "-05:00:00"), ("%:::z", "-05"), ("%Z", "EST"), ("%Ez", "-300"),
     ("%H:%M:%S", "17:13:20")],
)
def test_strftime_time_zone_variables(fmt: str, expected: str) -> None:
    """%z, %:z, %::z, %:::z (hours only), %Z abbreviation and Splunk-specific %Ez (zone in minutes), in the
    search's time zone. https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/time-format-variables-and-modifiers"""
    assert strftime(T, fmt, NY) == expected


def test_strftime_space_padded_day() -> None:
    """%e: day of the month, a leading zero replaced by a space.
    https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/time-format-variables-and-modifiers"""
    assert strftime(1699142400, "%e|%d") == " 5|05"  # 2023-11-05


def test_convert_ctime_default_format() -> None:
    """convert ctime(): "Default: %m/%d/%Y %H:%M:%S"; security_content_ctime uses %Y-%m-%dT%H:%M:%S.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/convert"""
    assert DEFAULT_CTIME_FORMAT == "%m/%d/%Y %H:%M:%S"
    assert convert_ctime(T) == "11/14/2023 22:13:20"
    assert convert_ctime(T, "%Y-%m-%dT%H:%M:%S") == "2023-11-14T22:13:20"
    assert convert_ctime(T, tz=NY) == "11/14/2023 17:13:20"


@pytest.mark.parametrize(
    ("text", "fmt", "tz", "expected"),
    [
        ("11/14/2023 22:13:20", DEFAULT_CTIME_FORMAT, "UTC", T),
        ("2023-11-14T22:13:20.123Z", "%Y-%m-%dT%H:%M:%S.%3N%z", "UTC", T + 0.123),
        ("2023-11-14T17:13:20-05:00", "%Y-%m-%dT%H:%M:%S%z", "UTC", T),
        ("2023-11-14 17:13:20", "%Y-%m-%d %H:%M:%S", NY, T),
        ("14 Nov 2023", "%d %b %Y", "UTC", 1699920000),
        ("November 14, 2023 10:13:20 PM", "%B %d, %Y %I:%M:%S %p", "UTC", T),
        ("1700000000", "%s", "UTC", T),
        ("10/15/2019:20:00:00", "%m/%d/%Y:%H:%M:%S", "UTC", 1571169600),
        ("2023-11-14T22:13:20.1234567Z", "%Y-%m-%dT%H:%M:%S.%7N", "UTC", T + 0.123456),
    ],
)
def test_strptime(text: str, fmt: str, tz: str, expected: float) -> None:
    """strptime(<str>,<format>) reads a time with the same variables as strftime and returns epoch seconds.
    https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/time-format-variables-and-modifiers"""
    assert strptime(text, fmt, tz) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(("text", "fmt"), [("not a date", "%Y-%m-%d"), ("2023-02-30", "%Y-%m-%d"), ("", "%H")])
def test_strptime_no_match_is_none(text: str, fmt: str) -> None:
    """Text that does not fit the format (or an impossible date) gives null.
    https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/time-format-variables-and-modifiers"""
    assert strptime(text, fmt) is None


@pytest.mark.assumed
def test_strptime_ignores_trailing_text_and_defaults_missing_parts() -> None:
    """Assumed: trailing text after the format is ignored (Azure times carry 7 fractional digits and a Z)
    and parts the format lacks default to 1970-01-01 00:00:00.
    https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/time-format-variables-and-modifiers"""
    assert strptime("2023-11-14T22:13:20.1234567Z", "%Y-%m-%dT%H:%M:%S") == T
    assert strptime("01:00", "%H:%M") == 3600


def test_strptime_unknown_variable_is_a_value_error() -> None:
    """Variables outside the documented list are reported, not silently ignored.
    https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/time-format-variables-and-modifiers"""
    with pytest.raises(ValueError, match="time format variable '%.*' is not supported"):
        strptime("x", "%U")


@given(st.integers(min_value=0, max_value=4_102_444_800), st.sampled_from(["UTC", NY, "Asia/Kolkata"]))
def test_strptime_reads_back_strftime(epoch: int, tz: str) -> None:
    """Property: strptime(strftime(t, f), f) = t for a format that keeps every part, in any zone.
    https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/time-format-variables-and-modifiers"""
    fmt = "%Y-%m-%dT%H:%M:%S%z"
    assert strptime(strftime(epoch, fmt, tz), fmt, tz) == epoch


@pytest.mark.parametrize(
    ("modifier", "expected"),
    [
        ("-7d@d", 1699315200),
        ("@d", 1699920000),
        ("@w0", 1699747200),
        ("@w", 1699747200),
        ("@w7", 1699747200),
        ("@w1", 1699833600),
        ("@w2", 1699920000),
        ("@q", 1696118400),
        ("@qtr", 1696118400),
        ("@mon", 1698796800),
        ("@y", 1672531200),
        ("+1h@h", 1700002800),
        ("-h", T - 3600),
        ("-1h@h", 1699995600),
        ("-30m", T - 1800),
        ("-40s", T - 40),
        ("-2d@d", 1699920000 - 2 * 86400),
        ("@d+3h", 1699920000 + 3 * 3600),
        ("-1d@d+8h", 1699920000 - 86400 + 8 * 3600),
        ("now", T),
        ("-1week", T - 7 * 86400),
    ],
)
def test_relative_time(modifier: str, expected: float) -> None:
    """[+|-]<time_integer><time_unit>@<time_unit>: "-2d@d ... snaps to the beginning of the day"; @w0..@w7
    snap to weekdays (w0 and w7 are Sunday; @w = @w0); @q to Jan 1/Apr 1/Jul 1/Oct 1; a unit without an
    integer means 1 (earliest=-h); now is the current time.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/time-format-variables-and-modifiers/time-modifiers ;
    https://help.splunk.com/splunk-enterprise/search/search-manual/9.2/specify-time-ranges/specify-time-modifiers-in-your-search"""
    assert relative_time(T, modifier) == expected


def test_relative_time_snaps_in_the_search_time_zone() -> None:
    """Snapping to the day is to local midnight of the search's time zone.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/time-format-variables-and-modifiers/time-modifiers"""
    assert relative_time(T, "@d", NY) == 1699938000


@pytest.mark.assumed
def test_relative_time_calendar_units_move_the_wall_clock() -> None:
    """Assumed: -1d across a daylight-saving change keeps the local time of day (23 h apart), and -1mon from
    March 31 clamps to the last day of February. https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/time-format-variables-and-modifiers/time-modifiers"""
    assert relative_time(1710172800, "-1d", NY) == 1710086400  # 2024-03-11 12:00 EDT → 2024-03-10 12:00 EST
    assert relative_time(1711879200, "-1mon") == 1709200800  # 2024-03-31 10:00 → 2024-02-29 10:00


@pytest.mark.parametrize("modifier", ["-7x", "7d", "@", "@5m", "", "-1d@", "@w8", "yesterday", "+20000y", "-5000000d"])
def test_relative_time_rejects_bad_text(modifier: str) -> None:
    """Only [+|-]<integer><unit> offsets and @<unit> snaps are modifiers; anything else is an error with a
    message. https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/time-format-variables-and-modifiers/time-modifiers"""
    with pytest.raises(ValueError, match="time modifier"):
        relative_time(T, modifier)


SNAPS = ["@s", "@m", "@h", "@d", "@w", "@w1", "@w3", "@w6", "@mon", "@q", "@y"]


@given(st.integers(min_value=0, max_value=4_102_444_800), st.sampled_from(SNAPS), st.sampled_from(["UTC", NY]))
def test_snapping_is_idempotent_and_never_moves_forward(epoch: int, snap: str, tz: str) -> None:
    """Property: snapping rounds *down* to the start of the unit, so applying @unit twice equals once.
    https://help.splunk.com/splunk-enterprise/search/spl2-search-manual/dates-and-time/specifying-relative-time"""
    once = relative_time(epoch, snap, tz)
    assert once <= epoch
    assert relative_time(once, snap, tz) == once


@pytest.mark.parametrize(
    ("text", "expected"),
    [("now", T), ("1", 1.0), ("1700000000", T), ("10/15/2019:20:00:00", 1571169600), ("-7d@d", 1699315200),
     ('"-1h"', T - 3600), ("10/19/2016:0:0:0", 1476835200)],
)
def test_parse_time_modifier(text: str, expected: float) -> None:
    """earliest=/latest= take now, epoch seconds ("earliest=1 ... UTC January 1, 1970 at 12:00:01 AM"),
    absolute %m/%d/%Y:%H:%M:%S times (documented earliest=10/19/2016:0:0:0), or relative modifiers.
    https://help.splunk.com/splunk-enterprise/search/search-manual/9.2/specify-time-ranges/specify-time-modifiers-in-your-search ;
    http://docs.splunk.com/Documentation/Splunk/latest/Search/Specifytimemodifiersinyoursearch"""
    assert parse_time_modifier(text, T) == expected


@pytest.mark.parametrize("text", ["rt-5m", "", "13/45/2019:00:00:00", "-5q5"])
def test_parse_time_modifier_errors(text: str) -> None:
    """Real-time modifiers "are not intended for use in search strings"; malformed times are errors.
    https://help.splunk.com/splunk-enterprise/search/search-manual/9.2/specify-time-ranges/specify-time-modifiers-in-your-search"""
    with pytest.raises(ValueError):
        parse_time_modifier(text, T)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("5m", Span(300, "s")), ("1h", Span(3600, "s")), ("30s", Span(30, "s")), ("1d", Span(86400, "s")),
        ("1w", Span(604800, "s")), ("2mon", Span(2, "mon")), ("1q", Span(3, "mon")), ("1y", Span(12, "mon")),
        ("min", Span(60, "s")), ("10minutes", Span(600, "s")), ("2hrs", Span(7200, "s")), ("3qtrs", Span(9, "mon")),
        ("500ms", Span(0.5, "s")), ("300", Span(300, "s")),
    ],
)
def test_parse_span(text: str, span: Span) -> None:
    """Timescales: s/sec/secs/second/seconds, m/min/minute(s), h/hr/hrs/hour(s), d/day(s), w/week(s),
    mon/month(s), q/qtr/qtrs/quarter(s), y/yr/yrs/year(s); no integer means 1 ("min" = 1 minute).
    https://help.splunk.com/splunk-enterprise/search/spl2-search-manual/dates-and-time/specifying-time-spans"""
    assert parse_span(text) == span


@pytest.mark.parametrize("text", ["5x", "", "0m", "1.5mon", "-5m", "1M", "1D", "500MS"])
def test_parse_span_errors(text: str) -> None:
    """Unknown units and non-positive spans are errors; so are upper-case units (``1M`` was read as a minute): the
    page writes every unit in lower case and none says what another case means.
    https://help.splunk.com/splunk-enterprise/search/spl2-search-manual/dates-and-time/specifying-time-spans"""
    with pytest.raises(ValueError, match="invalid span"):
        parse_span(text)


@pytest.mark.parametrize(
    ("span", "tz", "expected"),
    [
        ("5m", "UTC", 1699999800),
        ("1h", "UTC", 1699999200),
        ("30s", "UTC", 1699999980),
        ("1d", "UTC", 1699920000),
        ("1mon", "UTC", 1698796800),
        ("1q", "UTC", 1696118400),
        ("1y", "UTC", 1672531200),
        ("1d", NY, 1699938000),
    ],
)
def test_bin_start(span: str, tz: str, expected: float) -> None:
    """Time bins: span=5m in UTC floors _time to multiples of 300 s; "When the time bins cross multiple days or
    months the bins are aligned to the local day boundary" (month/quarter/year bins start on the 1st).
    https://help.splunk.com/en/splunk-enterprise/search/search-manual/9.0/specify-time-ranges/search-using-time-bins-and-spans ;
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/bin"""
    assert bin_start(T, parse_span(span), tz) == expected


@pytest.mark.assumed
def test_bin_start_sub_day_spans_align_to_local_clock() -> None:
    """Assumed: sub-day spans align to the local clock, so in Asia/Kolkata (UTC+05:30) hourly bins start on
    local hours. https://help.splunk.com/en/splunk-enterprise/search/search-manual/9.0/specify-time-ranges/search-using-time-bins-and-spans"""
    start = bin_start(T, parse_span("1h"), "Asia/Kolkata")
    assert strftime(start, "%M:%S", "Asia/Kolkata") == "00:00"
    assert start <= T < start + 3600


@given(st.floats(min_value=0, max_value=4e9, allow_nan=False), st.sampled_from(["1s", "5m", "1h", "1d", "2h", "1w"]))
def test_bin_start_contains_the_time_and_is_idempotent(epoch: float, span_text: str) -> None:
    """Property: a bin starts at or before the time, ends after it, and binning a bin start is a no-op.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/bin"""
    span = parse_span(span_text)
    start = bin_start(epoch, span)
    assert start <= epoch < start + span.amount
    assert bin_start(start, span) == start


@given(st.integers(min_value=0, max_value=4_102_444_800))
def test_numeric_variables_agree_with_c_strftime(epoch: int) -> None:
    """Property: the numeric variables mean what C strftime means (the page defines them that way: %j day
    of year, %U/%W week of year from Sunday/Monday, %V ISO week, %w/%u weekday numbers).
    https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/time-format-variables-and-modifiers"""
    from datetime import datetime, timezone

    fmt = "%Y %m %d %H %M %S %j %U %W %w %u %V %G %y %C %a %b"
    assert strftime(epoch, fmt) == datetime.fromtimestamp(epoch, timezone.utc).strftime(fmt)


@given(st.text(alphabet="+-@0123456789smhdwyqonrkecsx ", max_size=12))
def test_relative_time_raises_only_value_error(modifier: str) -> None:
    """Property: any text either is a modifier or is rejected with ValueError (never another exception).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/time-format-variables-and-modifiers/time-modifiers"""
    try:
        result = relative_time(T, modifier)
    except ValueError as exc:
        assert "time modifier" in str(exc)
    else:
        assert isinstance(result, float)


@given(st.text(max_size=12))
def test_parse_span_raises_only_value_error(text: str) -> None:
    """Property: span text either parses to a positive Span or is rejected with ValueError.
    https://help.splunk.com/splunk-enterprise/search/spl2-search-manual/dates-and-time/specifying-time-spans"""
    try:
        span = parse_span(text)
    except ValueError as exc:
        assert "invalid span" in str(exc)
    else:
        assert span.amount > 0 and span.unit in ("s", "mon")
