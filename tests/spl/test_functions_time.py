"""Date and time eval functions.
Source: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/date-and-time-functions"""

from __future__ import annotations

import pytest

from contentpack.spl.errors import SplRuntimeError, SplUnsupportedError

from .h2_fakes import call

T = 1_700_000_000


def test_now_and_time_return_the_fixed_search_time() -> None:
    """now(): the time the search started; time(): wall-clock time — both are the caller's fixed time in a
    replay so results are reproducible. https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/date-and-time-functions"""
    assert call("now", now=T) == T
    assert call("time", now=T + 5) == T + 5


def test_relative_time_documented_example() -> None:
    """relative_time(now(), "-1d@d"): the start of yesterday.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/date-and-time-functions"""
    assert call("relative_time", T, "-1d@d") == 1699920000 - 86400
    assert call("relative_time", str(T), "@d") == 1699920000
    assert call("relative_time", None, "@d") is None


def test_relative_time_bad_modifier_is_a_runtime_error() -> None:
    """A malformed modifier is reported with the function name.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/date-and-time-functions"""
    with pytest.raises(SplRuntimeError, match="^invalid time modifier"):
        call("relative_time", T, "-7x")


def test_strftime_uses_the_search_time_zone() -> None:
    """strftime(<time>,<format>) renders in the search's time zone; example strftime(_time, "%H:%M").
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/date-and-time-functions"""
    assert call("strftime", T, "%H:%M") == "22:13"
    assert call("strftime", T, "%H:%M", tz="America/New_York") == "17:13"
    assert call("strftime", "1700000000.5", "%S.%3N") == "20.500"
    assert call("strftime", "not a time", "%H") is None


def test_strptime_documented_example() -> None:
    """strptime(timeStr, "%H:%M") style parsing into epoch seconds; non-matching text gives null.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/date-and-time-functions"""
    assert call("strptime", "2023-11-14T22:13:20Z", "%Y-%m-%dT%H:%M:%S%z") == T
    assert call("strptime", "garbage", "%Y") is None
    assert call("strptime", None, "%Y") is None
    with pytest.raises(SplUnsupportedError, match="'%U' is not supported"):
        call("strptime", "x", "%U")


def test_bad_time_zone_or_out_of_range_time_is_a_runtime_error() -> None:
    """Time functions report an unknown zone or an epoch outside the calendar as SPL errors, not tracebacks.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/date-and-time-functions"""
    with pytest.raises(SplRuntimeError, match="^unknown time zone"):
        call("strftime", T, "%H", tz="Mars/Olympus")
    # A name the zone database cannot open as a file: a folder of it (IsADirectoryError), a name past the file
    # system's length (OSError). Both ended in "internal error", the second from a log value through %Z.
    for name in ("America", "x" * 5000):
        with pytest.raises(SplRuntimeError, match="^unknown time zone"):
            call("strftime", T, "%H", tz=name)
    with pytest.raises(SplUnsupportedError, match="^the time zone 'America' read by %Z is not supported"):
        call("strptime", "2020-01-01 America", "%Y-%m-%d %Z")
    for epoch in (1e20, 1e308, -1e20, float("inf"), float("nan")):
        with pytest.raises(SplRuntimeError, match=r"^the time .* is outside the supported calendar "
                                                  r"\(years 1 to 9999\)$"):
            call("strftime", epoch, "%Y")
    with pytest.raises(SplRuntimeError, match=r"^the time 1e\+20 is outside the supported calendar"):
        call("relative_time", 1e20, "-1d")
