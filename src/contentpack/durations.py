"""Durations as the pack writes them (``90s``, ``70m``, ``24h``, ``2d``) and as Splunk's
``alert.suppress.period`` accepts them (savedsearches.conf.spec: "[number][time-unit] ... 60 = 60 seconds,
1m = 1 minute, 1h = 60 minutes"; a bare number is seconds). A leaf module: it imports nothing else from
contentpack, so the validator, the simulation and the report share one reading of a duration.
"""

from __future__ import annotations

import re

__all__ = ["DurationError", "duration_seconds", "format_duration", "one_unit_duration"]

_DURATION = re.compile(r"^([0-9]+)([smhd]?)$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


class DurationError(ValueError):
    """Text that is not ``<whole number>[s|m|h|d]``."""


def duration_seconds(text: str) -> float:
    match = _DURATION.match(text.strip())
    if match is None:
        raise DurationError(f"{text!r} is not a duration such as 90s, 70m, 24h or 2d")
    return float(int(match.group(1)) * _UNIT[match.group(2)])


def format_duration(seconds: float) -> str:
    """``5400`` → ``1h30m``; ``0`` → ``0s`` (for reports)."""
    whole = int(round(seconds))
    sign = "-" if whole < 0 else ""
    whole = abs(whole)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, whole = divmod(whole, size)
        if count:
            parts.append(f"{count}{unit}")
    return sign + ("".join(parts) or "0s")


def one_unit_duration(seconds: float) -> str:
    """Whole seconds as ``duration_seconds`` reads them back: ``2100`` → ``35m``, ``1769`` → ``1769s`` (not
    ``format_duration``'s ``29m29s``, which it refuses); ``-2100`` → ``-35m``."""
    whole = int(round(seconds))
    unit = next((u for u in ("d", "h", "m") if whole and whole % _UNIT[u] == 0), "s")
    return f"{whole // _UNIT[unit]}{unit}"
