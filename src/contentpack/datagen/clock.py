"""Timestamps in the exact text forms Azure Monitor emits.

Times are carried as integer 100-nanosecond ticks since the Unix epoch (the 7-digit precision of the
real records) so arithmetic is exact and formatting is cheap in the scale mode.
"""

from __future__ import annotations

import time
from functools import lru_cache
from datetime import datetime, timezone

TICKS_PER_SECOND = 10_000_000
TICKS_PER_MINUTE = 60 * TICKS_PER_SECOND
TICKS_PER_HOUR = 60 * TICKS_PER_MINUTE
TICKS_PER_DAY = 24 * TICKS_PER_HOUR


def ticks_of(text: str) -> int:
    """Ticks of an ISO 8601 UTC date or datetime such as ``2026-10-05`` or ``2026-10-05T09:30:00``."""
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp()) * TICKS_PER_SECOND + dt.microsecond * 10


@lru_cache(maxsize=4096)
def _minute_prefix(minute: int) -> str:
    """``YYYY-MM-DDThh:mm:`` of a minute since the epoch (cached: consecutive records share minutes)."""
    t = time.gmtime(minute * 60)
    return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:"


def _parts(ticks: int) -> str:
    seconds, fraction = divmod(ticks, TICKS_PER_SECOND)
    minute, second = divmod(seconds, 60)
    return "%s%02d.%07d" % (_minute_prefix(minute), second, fraction)


def record_time(ticks: int) -> str:
    """Top-level ``time`` form: ``2023-10-24T20:13:31.4449614Z`` (what ``TIME_PREFIX`` reads)."""
    return _parts(ticks) + "Z"


def property_time(ticks: int) -> str:
    """``properties.createdDateTime`` / ``activityDateTime`` form: ``2023-10-24T20:01:11.9490387+00:00``."""
    return _parts(ticks) + "+00:00"


def weekday(ticks: int) -> int:
    """0 = Monday … 6 = Sunday (UTC)."""
    return time.gmtime(ticks // TICKS_PER_SECOND).tm_wday
