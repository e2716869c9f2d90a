"""A moment typed on the command line: ``backtest --from/--to`` and ``search --earliest/--latest/--now`` read an
ISO 8601 time here (the backtest its epoch seconds too), so the same text is the same moment in both commands, or
refused.

The rule (README, "Times on the command line"): an ISO 8601 time with its zone (``2026-10-12T08:00:00Z``,
``2026-10-12T10:00:00+02:00``) is that moment; one without (``2026-10-12``, ``2026-10-12T08:00``) is UTC, the zone
the backtest simulates and reports in and every output of the pack writes. A search given another ``--tz`` (one
not UTC at every moment: ``Etc/UTC`` and ``Zulu`` are UTC, ``timeutil.always_utc``) refuses a time without its
zone rather than choose: ``--tz`` is the zone it reads ``%m/%d/%Y:%H:%M:%S`` in, so either reading would surprise
someone (the same text in ``backtest`` is UTC). Until 2026-12-07 ``backtest`` read such a
time as UTC and ``search`` refused it, and an eight-digit number (``20261012``) was a date to ``backtest`` and
epoch seconds to ``search``: a number is epoch seconds in both now, as only ``YYYY-MM-DD`` starts an ISO time here.
"""

from __future__ import annotations

import math
import re

from contentpack.spl.events import CALENDAR, in_calendar, parse_timestamp
from contentpack.spl.timeutil import always_utc

# ISO 8601's extended date (what starts an ISO time here: ``looks_iso``), then perhaps a time (``T`` or a space, as
# ``parse_timestamp`` reads both) and its zone
_DATE = r"\d{4}-\d{2}-\d{2}"
_ISO = re.compile(_DATE + r"(?:[T ]\d{2}(?::?\d{2}(?::?\d{2}(?:[.,]\d+)?)?)?(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?)?\Z",
                  re.ASCII)

ISO_FORMS = ("ISO 8601 with its zone (2026-10-12T08:00:00Z, 2026-10-12T10:00:00+02:00) or without it in UTC "
             "(2026-10-12, 2026-10-12T08:00)")


class TypedTimeError(ValueError):
    """An option's time refused; the message names the option, the text and the forms it takes."""


def outside_calendar(text: str, option: str) -> TypedTimeError:
    """The refusal of ``text``, a time given to ``option`` that no date holds (``events.in_calendar``), in the one
    wording of every time option: ``search --now 99999999999999999999`` named the text bare, ``--now 0001-01-01``
    quoted."""
    return TypedTimeError(f"{option}: {text!r} is outside the calendar: {CALENDAR}")


def looks_iso(text: str) -> bool:
    """Whether ``text`` starts as an ISO 8601 date (``YYYY-MM-DD``): :func:`iso_time`'s to read, or to refuse."""
    return re.match(r"\s*" + _DATE, text, re.ASCII) is not None


def iso_time(text: str, option: str, tz: str = "UTC") -> float:
    """The epoch seconds of ``text``, an ISO 8601 time given to ``option``, under the module's rule; ``tz`` is the
    command's zone (search's ``--tz``; the backtest has UTC only). :class:`TypedTimeError` when it is no such time,
    has no zone while ``tz`` is not UTC, or lies outside the calendar the engine reads times in."""
    stripped = text.strip()
    match = _ISO.match(stripped)
    moment = parse_timestamp(stripped) if match else None
    if match is None or moment is None:
        raise TypedTimeError(f"{option}: not a time: {text!r}; give {ISO_FORMS}")
    if match["zone"] is None and not always_utc(tz):  # Etc/UTC is UTC: it was refused as another zone
        raise TypedTimeError(f"{option}: {text!r} has no zone, and --tz is {tz}: add the zone the time is in "
                             f"(Z for UTC, or +HH:MM), or give it as %m/%d/%Y:%H:%M:%S, which is read in --tz")
    if not in_calendar(moment):  # cron, dispatch windows and strftime turn moments into calendar dates
        raise outside_calendar(text, option)
    return moment


def typed_time(text: str, option: str) -> float:
    """``backtest --from/--to``: an ISO 8601 time (:func:`iso_time`, in UTC when it has no zone) or epoch seconds
    (``1760256000``, ``1760256000.5``). :class:`TypedTimeError` for anything else, or a moment outside the
    calendar."""
    if looks_iso(text):
        return iso_time(text, option)
    stripped = text.strip()
    try:  # float() also reads digit groups (1_700_000_000) and other scripts' digits, as no epoch is written
        value = float(stripped) if stripped.isascii() and "_" not in stripped else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise TypedTimeError(f"{option}: not a time: {text!r}; give epoch seconds or {ISO_FORMS}")
    if not in_calendar(value):
        raise outside_calendar(text, option)
    return value
