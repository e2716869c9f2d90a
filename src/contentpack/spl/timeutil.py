"""Time as Splunk handles it: format variables, relative time modifiers, spans and time bins.

Everything takes the time zone explicitly (an IANA name, ``UTC`` by default) so that a replay gives the same
answer on every machine; nothing reads the host's local zone or clock.

Sources:
* format variables — https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/time-format-variables-and-modifiers
  (``%N`` subsecond digits, default ``%9N``; ``%Q`` subsecond component, default milliseconds; ``%s`` epoch;
  ``%z``/``%:z``/``%::z``/``%:::z``; ``%Ez`` zone in minutes; ``%+`` date, time and zone; ``%e``/``%k``
  space-padded day/hour; ``%f`` microseconds);
* time modifiers — https://help.splunk.com/en/splunk-enterprise/search/spl-search-reference/10.0/time-format-variables-and-modifiers/time-modifiers
  and https://help.splunk.com/splunk-enterprise/search/search-manual/9.2/specify-time-ranges/specify-time-modifiers-in-your-search
  (``[+|-]<int><unit>@<snap>``, ``@w0``..``@w7`` weekdays with w0 = w7 = Sunday, ``@q`` quarter starts,
  ``now``, absolute ``%m/%d/%Y:%H:%M:%S``);
* spans — https://help.splunk.com/splunk-enterprise/search/spl2-search-manual/dates-and-time/specifying-time-spans
  (unit spellings);
* bins — https://help.splunk.com/en/splunk-enterprise/search/search-manual/9.0/specify-time-ranges/search-using-time-bins-and-spans
  ("When the time bins cross multiple days or months the bins are aligned to the local day boundary").
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from contentpack.spl.errors import count_text

DEFAULT_CTIME_FORMAT = "%m/%d/%Y %H:%M:%S"
ABSOLUTE_TIME_FORMAT = "%m/%d/%Y:%H:%M:%S"

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


@lru_cache(maxsize=64)
def zone(name: str) -> tzinfo:
    """The tzinfo for an IANA name (``UTC`` fast path); an unknown name is a ValueError. So is a name the zone
    database cannot open as a file: ``America`` (a folder of it, IsADirectoryError) and a name past the file
    system's length (OSError) reached the user as "internal error"."""
    if name in ("UTC", "utc", "GMT", "Z", ""):
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


# The IANA names whose offset is zero at every moment: tzdata's two such zones (``etcetera``: ``Z Etc/UTC 0 - UTC``,
# ``Z Etc/GMT 0 - GMT``) and their links (``backward``, ``etcetera``: ``L Etc/UTC Zulu`` ...), as ``tzdata.zi``
# lists them. Every other zone has (or had) another offset, e.g. Europe/London's BST, Africa/Abidjan's LMT.
_ZERO_OFFSET_ZONES = frozenset({
    "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "UTC", "Universal", "Zulu",
    "Etc/GMT", "Etc/GMT+0", "Etc/GMT-0", "Etc/GMT0", "Etc/Greenwich", "GMT", "GMT+0", "GMT-0", "GMT0", "Greenwich",
})


def always_utc(name: str) -> bool:
    """Whether the zone ``name`` (as :func:`zone` reads it) is UTC at every moment: ``UTC`` and the names tzdata
    gives the same zone (``Etc/UTC``, ``Etc/Zulu``, ``GMT``...), so a time read in it is the same moment as in UTC.
    An unknown name is a ValueError, as for :func:`zone`."""
    return zone(name) is timezone.utc or name in _ZERO_OFFSET_ZONES


_EPOCH_START = datetime(1970, 1, 1, tzinfo=timezone.utc)


class CalendarRangeError(ValueError):
    """An epoch no calendar date holds. Its message is worded for the search's author, so a command may show
    it as it is, where Python's own ValueErrors name nothing the author wrote."""


def to_datetime(epoch: float, tz: str = "UTC") -> datetime:
    """Aware datetime for an epoch in the given zone (microsecond precision).

    Raises CalendarRangeError, worded for the search's author, for an epoch no calendar date holds (past year 9999,
    before year 1, infinite or NaN): Python's own words ("Python int too large to convert to C int") name
    nothing the author wrote.
    """
    info = zone(tz)
    try:
        whole = math.floor(epoch)
        micros = int(round((epoch - whole) * 1_000_000))
        if micros == 1_000_000:
            whole, micros = whole + 1, 0
        base = _EPOCH_START + timedelta(seconds=whole, microseconds=micros)
        return base if info is timezone.utc else base.astimezone(info)
    except (OverflowError, ValueError):
        raise CalendarRangeError(f"the time {epoch:g} is outside the supported calendar (years 1 to 9999)") from None


def iso_utc(epoch: float) -> str:
    """UTC ISO 8601 with milliseconds and ``Z`` (``2026-10-13T14:00:00.000Z``): the one form the backtest's files and
    messages give a time in, the simulation's errors included (they once said ``2023-01-23 21:01 UTC`` beside a
    period in this form)."""
    moment = datetime.fromtimestamp(epoch, timezone.utc)  # the year padded to 4 digits, which glibc's %Y does not
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}:"
            f"{moment.second:02d}.{moment.microsecond // 1000:03d}Z")


def to_epoch(moment: datetime) -> float:
    """Epoch seconds of an aware datetime; whole seconds come back as exact integral floats."""
    delta = moment - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return delta.days * 86400 + delta.seconds + delta.microseconds / 1_000_000


# ----------------------------------------------------------------------------------------------- strftime

def _offset_parts(moment: datetime) -> tuple[str, int, int, int]:
    offset = moment.utcoffset() or timedelta(0)
    total = int(offset.total_seconds())
    sign = "-" if total < 0 else "+"
    total = abs(total)
    return sign, total // 3600, (total % 3600) // 60, total % 60


class UnsupportedTimeVariable(ValueError):
    """A ``%`` variable this module does not implement: the caller refuses it as unsupported, never prints
    or parses it as literal text (what Splunk would do with it is not known here)."""


_STRFTIME_TOKEN = re.compile(r"%(?P<digits>\d)?(?P<colons>:{0,3})(?P<spec>E?[A-Za-z%+])")


# Composite variables, expanded before formatting or parsing (C-locale meanings). The locale variables %x and %X
# are left out, so refused: the page's examples ("7/13/2019", "9:30:00" for US English) are neither the C locale's
# "07/13/19"/"09:30:00" nor glibc's en_US forms, so no rendering here is known to be Splunk's.
_COMPOSITES: dict[str, str] = {
    "F": "%Y-%m-%d",
    "T": "%H:%M:%S",
    "D": "%m/%d/%y",
    "R": "%H:%M",
    "r": "%I:%M:%S %p",
    "c": "%a %b %e %H:%M:%S %Y",
    "+": "%a %b %e %H:%M:%S %Z %Y",
}
_COMPOSITE_TOKEN = re.compile(r"%(%|[" + re.escape("".join(_COMPOSITES)) + r"])")


def _expand_composites(fmt: str) -> str:
    return _COMPOSITE_TOKEN.sub(lambda m: "%%" if m.group(1) == "%" else _COMPOSITES[m.group(1)], fmt)


def _hour12(moment: datetime) -> int:
    return moment.hour % 12 or 12


def _offset_text(moment: datetime, colons: str) -> str:
    sign, hours, minutes, seconds = _offset_parts(moment)
    if colons == ":":
        return f"{sign}{hours:02d}:{minutes:02d}"
    if colons == "::":
        return f"{sign}{hours:02d}:{minutes:02d}:{seconds:02d}"
    if colons == ":::":
        return f"{sign}{hours:02d}"
    return f"{sign}{hours:02d}{minutes:02d}"


def _ez(moment: datetime) -> str:
    sign, hours, minutes, _ = _offset_parts(moment)
    return f"{sign}{hours * 60 + minutes}"


_Renderer = Callable[[datetime, float], str]
_RENDERERS: dict[str, _Renderer] = {
    "Y": lambda m, e: f"{m.year:04d}",
    "y": lambda m, e: f"{m.year % 100:02d}",
    "C": lambda m, e: f"{m.year // 100:02d}",
    "m": lambda m, e: f"{m.month:02d}",
    "d": lambda m, e: f"{m.day:02d}",
    "e": lambda m, e: f"{m.day:2d}",
    "H": lambda m, e: f"{m.hour:02d}",
    "k": lambda m, e: f"{m.hour:2d}",
    "I": lambda m, e: f"{_hour12(m):02d}",
    "l": lambda m, e: f"{_hour12(m):2d}",
    "M": lambda m, e: f"{m.minute:02d}",
    "S": lambda m, e: f"{m.second:02d}",
    "f": lambda m, e: f"{m.microsecond:06d}",
    "p": lambda m, e: "AM" if m.hour < 12 else "PM",
    "s": lambda m, e: str(math.floor(e)),
    "Z": lambda m, e: m.tzname() or "UTC",
    "z": lambda m, e: _offset_text(m, ""),
    "Ez": lambda m, e: _ez(m),
    "a": lambda m, e: _DAY_NAMES[m.weekday()][:3],
    "A": lambda m, e: _DAY_NAMES[m.weekday()],
    "b": lambda m, e: _MONTH_NAMES[m.month - 1][:3],
    "h": lambda m, e: _MONTH_NAMES[m.month - 1][:3],
    "B": lambda m, e: _MONTH_NAMES[m.month - 1],
    "j": lambda m, e: f"{m.timetuple().tm_yday:03d}",
    "w": lambda m, e: str((m.weekday() + 1) % 7),
    "u": lambda m, e: str(m.weekday() + 1),
    "U": lambda m, e: f"{(m.timetuple().tm_yday + 6 - (m.weekday() + 1) % 7) // 7:02d}",
    "W": lambda m, e: f"{(m.timetuple().tm_yday + 6 - m.weekday()) // 7:02d}",
    "V": lambda m, e: f"{m.isocalendar()[1]:02d}",
    "G": lambda m, e: f"{m.isocalendar()[0]:04d}",
    "g": lambda m, e: f"{m.isocalendar()[0] % 100:02d}",
    "n": lambda m, e: "\n",
    "t": lambda m, e: "\t",
    "%": lambda m, e: "%",
}


def _subsecond(moment: datetime, digits: int) -> str:
    return f"{moment.microsecond * 1000:09d}"[: max(1, min(digits, 9))]


def _constant(text: str) -> _Renderer:
    return lambda moment, epoch: text


def _subsecond_renderer(digits: int) -> _Renderer:
    return lambda moment, _epoch: _subsecond(moment, digits)


def _offset_renderer(colons: str) -> _Renderer:
    return lambda moment, _epoch: _offset_text(moment, colons)


@lru_cache(maxsize=256)
def _format_plan(fmt: str) -> tuple[_Renderer, ...]:
    """Compile a format once into renderers (literal text included) so per-event formatting is a loop."""
    plan: list[_Renderer] = []
    expanded = _expand_composites(fmt)
    position = 0
    for match in _STRFTIME_TOKEN.finditer(expanded):
        if match.start() > position:
            plan.append(_constant(expanded[position : match.start()]))
        position = match.end()
        digits, colons, spec = match["digits"], match["colons"], match["spec"]
        if spec in ("N", "Q"):
            count = int(digits) if digits else (9 if spec == "N" else 3)
            plan.append(_subsecond_renderer(count))
        elif spec == "z":
            plan.append(_offset_renderer(colons))
        elif not digits and not colons and spec in _RENDERERS:
            plan.append(_RENDERERS[spec])
        else:
            raise UnsupportedTimeVariable(f"the time format variable {match.group(0)!r} is not supported")
    if position < len(expanded):
        plan.append(_constant(expanded[position:]))
    return tuple(plan)


def strftime(epoch: float, fmt: str, tz: str = "UTC") -> str:
    """Format an epoch time with Splunk's format variables (C-locale names; see the module docstring).

    A variable not implemented here raises :class:`UnsupportedTimeVariable`.
    """
    moment = to_datetime(epoch, tz)
    return "".join(render(moment, epoch) for render in _format_plan(fmt))


def convert_ctime(epoch: float, timeformat: str = DEFAULT_CTIME_FORMAT, tz: str = "UTC") -> str:
    """``convert ctime()``: the default format ``%m/%d/%Y %H:%M:%S`` is documented on the convert page
    (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/convert)."""
    return strftime(epoch, timeformat, tz)


# ----------------------------------------------------------------------------------------------- strptime

_MONTH_LOOKUP = {name[:3].lower(): index + 1 for index, name in enumerate(_MONTH_NAMES)}
_MONTH_LOOKUP.update({name.lower(): index + 1 for index, name in enumerate(_MONTH_NAMES)})
_DAY_PATTERN = "|".join(sorted({n.lower() for n in _DAY_NAMES} | {n[:3].lower() for n in _DAY_NAMES}, key=len, reverse=True))
_MONTH_PATTERN = "|".join(sorted(_MONTH_LOOKUP, key=len, reverse=True))

# Regex pieces for each variable strptime understands; the group name says which part it fills.
_PARSE_PIECES: dict[str, str] = {
    "Y": r"(?P<Y>[+-]?\d{4})",
    "y": r"(?P<y>\d{2})",
    "m": r"(?P<m>\d{1,2})",
    "d": r"(?P<d>\d{1,2})",
    "e": r"\s*(?P<d>\d{1,2})",
    "H": r"(?P<H>\d{1,2})",
    "k": r"\s*(?P<H>\d{1,2})",
    "I": r"(?P<I>\d{1,2})",
    "l": r"\s*(?P<I>\d{1,2})",
    "M": r"(?P<M>\d{1,2})",
    "S": r"(?P<S>\d{1,2})",
    "p": r"(?P<p>[AaPp][Mm])",
    "b": rf"(?P<b>{_MONTH_PATTERN})",
    "h": rf"(?P<b>{_MONTH_PATTERN})",
    "B": rf"(?P<b>{_MONTH_PATTERN})",
    "a": rf"(?:{_DAY_PATTERN})",
    "A": rf"(?:{_DAY_PATTERN})",
    "j": r"(?P<j>\d{1,3})",
    "s": r"(?P<s>[+-]?\d+(?:\.\d+)?)",
    "f": r"(?P<f>\d{1,6})",
    "z": r"(?P<z>Z|[+-]\d{2}:?\d{2}(?::?\d{2})?|[+-]\d{2})",
    "Z": r"(?P<Z>[A-Za-z][A-Za-z0-9_+\-/]*)",
    "%": "%",
    "n": r"\s+",
    "t": r"\s+",
}


@lru_cache(maxsize=256)
def _parser(fmt: str) -> re.Pattern[str]:
    fmt = _expand_composites(fmt)
    parts: list[str] = []
    used: set[str] = set()
    position = 0
    for match in _STRFTIME_TOKEN.finditer(fmt):
        literal = fmt[position : match.start()]
        parts.append(_literal_pattern(literal))
        position = match.end()
        spec = match["spec"]
        digits = match["digits"]
        if match["colons"] and spec != "z":  # %:z, %::z, %:::z only; %:Y was read as %Y
            raise UnsupportedTimeVariable(f"the time format variable {match.group(0)!r} is not supported in {fmt!r}")
        if spec in ("N", "Q"):
            count = int(digits) if digits else (9 if spec == "N" else 3)
            piece = rf"(?P<frac>\d{{1,{count}}})"
            group = "frac"
        elif spec in ("z",):
            piece, group = _PARSE_PIECES["z"], "z"
        elif spec in _PARSE_PIECES and not digits:
            piece = _PARSE_PIECES[spec]
            group_match = re.search(r"\?P<(\w+)>", piece)
            group = group_match.group(1) if group_match else ""
        else:
            raise UnsupportedTimeVariable(f"the time format variable {match.group(0)!r} is not supported in {fmt!r}")
        if group and group in used:
            piece = re.sub(r"\?P<\w+>", "?:", piece)
        elif group:
            used.add(group)
        parts.append(piece)
    parts.append(_literal_pattern(fmt[position:]))
    return re.compile("".join(parts), re.IGNORECASE)


def _literal_pattern(literal: str) -> str:
    # Whitespace in the format matches any run of whitespace, as C strptime does.
    return "".join(r"\s+" if ch.isspace() else re.escape(ch) for ch in literal)


def _parse_offset(text: str) -> timedelta:
    if text.upper() == "Z":
        return timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours = int(digits[:2])
    minutes = int(digits[2:4] or 0)
    seconds = int(digits[4:6] or 0)
    return sign * timedelta(hours=hours, minutes=minutes, seconds=seconds)


def strptime(text: str, fmt: str, tz: str = "UTC") -> float | None:
    """Parse text with Splunk format variables into epoch seconds; ``None`` when it does not match.

    The match is anchored at the start; trailing text is ignored. Parts the format does not give default to
    1970-01-01 00:00:00; the time zone is ``%z``/``%Z`` when present, else ``tz``.
    """
    match = _parser(fmt).match(text)
    if match is None:
        return None
    parts = match.groupdict()
    if parts.get("s") is not None:
        epoch = float(parts["s"])  # digits past the largest double read as an infinity: no time
        return epoch if math.isfinite(epoch) else None
    try:
        if parts.get("Y") is not None:
            year = int(parts["Y"])
        elif parts.get("y") is not None:
            short = int(parts["y"])
            year = 2000 + short if short < 69 else 1900 + short
        else:
            year = 1970
        month = int(parts["m"]) if parts.get("m") else _MONTH_LOOKUP[parts["b"].lower()] if parts.get("b") else 1
        day = int(parts["d"]) if parts.get("d") else 1
        if parts.get("I") is not None:
            hour = int(parts["I"]) % 12
            if (parts.get("p") or "").lower() == "pm":
                hour += 12
        else:
            hour = int(parts["H"]) if parts.get("H") else 0
        minute = int(parts["M"]) if parts.get("M") else 0
        second = int(parts["S"]) if parts.get("S") else 0
        micros = 0
        if parts.get("frac"):
            micros = int((parts["frac"] + "000000000")[:9]) // 1000
        elif parts.get("f"):
            micros = int((parts["f"] + "000000")[:6])
        if parts.get("j") and not parts.get("m") and not parts.get("b"):
            base = datetime(year, 1, 1) + timedelta(days=int(parts["j"]) - 1)
            month, day = base.month, base.day
        naive = datetime(year, month, day, hour, minute, second, micros)
    except (ValueError, OverflowError, KeyError):
        return None
    if parts.get("z"):
        info: tzinfo = timezone(_parse_offset(parts["z"]))
    else:
        info = _parsed_zone(parts["Z"], naive.year) if parts.get("Z") else zone(tz)
    return to_epoch(naive.replace(tzinfo=info))


def _parsed_zone(name: str, year: int) -> tzinfo:
    """The zone a ``%Z`` read names: UTC/GMT/Z, an IANA name, or an abbreviation that is an IANA zone of one
    fixed offset (the format page's example EST). Any other is refused (UnsupportedTimeVariable), no longer read
    as the search's zone: PST is no IANA name, so 03:04 PST was 03:04 UTC; and CET is an IANA zone that keeps
    summer time, where as an abbreviation it is +01:00 all year."""
    try:
        info: tzinfo | None = zone(name)
    except ValueError:
        info = None
    if info is not None and "/" not in name:
        winter, summer = (datetime(year, month, 1, tzinfo=info).utcoffset() for month in (1, 7))
        info = info if winter == summer else None
    if info is None:
        raise UnsupportedTimeVariable(f"the time zone {name!r} read by %Z is not supported: the engine knows UTC, "
                                      f"GMT, IANA zone names (America/Los_Angeles) and abbreviations of one fixed "
                                      f"offset (EST); what offset Splunk gives {name!r} no page lists")
    return info


# ------------------------------------------------------------------------------------ relative time modifiers

_UNIT_ALIASES: dict[str, str] = {}
for _canonical, _spellings in {
    "s": ("s", "sec", "secs", "second", "seconds"),
    "m": ("m", "min", "mins", "minute", "minutes"),
    "h": ("h", "hr", "hrs", "hour", "hours"),
    "d": ("d", "day", "days"),
    "w": ("w", "week", "weeks"),
    "mon": ("mon", "month", "months"),
    "q": ("q", "qtr", "qtrs", "quarter", "quarters"),
    "y": ("y", "yr", "yrs", "year", "years"),
}.items():
    for _spelling in _spellings:
        _UNIT_ALIASES[_spelling] = _canonical

# What a snap may name, for the refusal of any other: the Time modifiers page's "You can use any of time units
# listed previously" (its unit table, whose every spelling _UNIT_ALIASES holds) and "You can specify a day of the
# week: w0 (Sunday), w1, w2, w3, w4, w5 and w6 (Saturday). For Sunday, you can specify w0 or w7."
_SNAP_UNITS = ("snap units are s, m, h, d, w, mon, q, y (or a spelling: sec, minute, hour, day, week, month, "
               "quarter, year ...) and the days of the week w0 to w7 (w0 = w7 = Sunday, w1 = Monday)")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}


def _time_unit(spelling: str) -> str | None:
    """The canonical unit (s, m, h, d, w, mon, q, y) of a spelling in the Time modifiers page's unit table, None
    for a spelling it lacks. The table writes every spelling in lower case, and another case is refused
    (ValueError), not folded: no page says what Splunk makes of one, and ``M`` would be read as a minute where
    many tools mean a month."""
    if spelling != spelling.lower() and spelling.lower() in _UNIT_ALIASES:
        raise ValueError(f"time unit {spelling!r} is not supported: the units are written in lower case "
                         f"({spelling.lower()!r}); what Splunk makes of another case no page says")
    return _UNIT_ALIASES.get(spelling)
_OFFSET = re.compile(r"([+-])(\d*)([A-Za-z]+)")
# The most digits an offset's amount may have: 10,000 years is 316 billion seconds (12 digits), so any longer amount
# leaves the calendar whatever its unit. Checked before the digits become an int: Python refuses to read more than
# 4,300 of them, in its own words ("Exceeds the limit (4300 digits) for integer string conversion").
MAX_OFFSET_DIGITS = 20
_SNAP = re.compile(r"@([A-Za-z]+)(\d?)")


def _add_months(moment: datetime, months: int) -> datetime:
    """Calendar month arithmetic; the day is clamped to the target month's length (Mar 31 - 1mon = Feb 28/29)."""
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError("year out of range")
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _localize(naive: datetime, info: tzinfo) -> datetime:
    """Attach a zone to a wall-clock time (fold=0 for ambiguous/nonexistent local times)."""
    return naive.replace(tzinfo=info)


def _apply_offset(moment: datetime, sign: int, amount: int, unit: str) -> datetime:
    if unit in _UNIT_SECONDS:
        utc = moment.astimezone(timezone.utc) + timedelta(seconds=sign * amount * _UNIT_SECONDS[unit])
        return utc.astimezone(moment.tzinfo)
    info = moment.tzinfo
    assert info is not None
    wall = moment.replace(tzinfo=None)
    if unit in ("d", "w"):
        wall = wall + timedelta(days=sign * amount * (7 if unit == "w" else 1))
    else:
        months = amount * {"mon": 1, "q": 3, "y": 12}[unit]
        wall = _add_months(wall, sign * months)
    return _localize(wall, info)


def _snap(moment: datetime, unit: str, weekday: int | None) -> datetime:
    """``moment`` snapped down to the start of ``unit`` on its wall clock, in its zone (an aware datetime's
    ``replace`` and day arithmetic work on the wall clock and keep the zone, as ``_localize`` would)."""
    if unit == "s":
        return moment.replace(microsecond=0)
    if unit == "m":
        return moment.replace(second=0, microsecond=0)
    if unit == "h":
        return moment.replace(minute=0, second=0, microsecond=0)
    # fold=0: a midnight that happens twice (a zone falling back at 01:00 to 00:00) is the first one, also when
    # ``moment`` is in the repeated hour (fold=1), so that @d and a Sunday's @w0 agree.
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0, fold=0)
    if unit == "w":
        target = 0 if weekday is None else weekday % 7  # 0 = Sunday
        current = (day.weekday() + 1) % 7
        return day - timedelta(days=(current - target) % 7)
    if unit == "mon":
        return day.replace(day=1)
    if unit == "q":
        return day.replace(day=1, month=((day.month - 1) // 3) * 3 + 1)
    if unit == "y":
        return day.replace(day=1, month=1)
    return day


@dataclass(frozen=True)
class ModifierTerm:
    """One step of a relative time modifier, applied left to right: an offset of ``amount`` (signed) ``unit``s,
    or, when ``snap``, a snap down to the start of ``unit`` (``weekday`` for ``@w0``..``@w7``)."""

    unit: str  # canonical: s, m, h, d, w, mon, q, y
    amount: int = 0
    snap: bool = False
    weekday: int | None = None


@dataclass(frozen=True)
class RelativeTime:
    """A relative time modifier read once (``relative_modifier``) and applied to any number of times: a scheduled
    search resolves the same ``-70m@m`` at every run, so reading the text again per run would be waste. The one
    home of the modifiers' semantics (``relative_time`` and every ``earliest=``/``latest=`` apply it)."""

    modifier: str  # as written, for error messages
    terms: tuple[ModifierTerm, ...]  # () for ``now``

    def apply(self, now: float, tz: str = "UTC") -> float:
        """The modifier's time relative to ``now``: its offsets and snaps in order (see ``relative_time``);
        ValueError when the result leaves the calendar."""
        if not self.terms:
            return float(now)
        try:
            moment = to_datetime(now, tz)
            snapped = False
            for term in self.terms:
                if term.snap:
                    moment = _snap(moment, term.unit, term.weekday)
                    snapped = True
                else:
                    moment = _apply_offset(moment, -1 if term.amount < 0 else 1, abs(term.amount), term.unit)
            if not snapped:  # "When a snap to time unit isn't defined, the system defaults to using seconds"
                moment = _snap(moment, "s", None)  # (-60m = -60m@s)
            return to_epoch(moment)
        except OverflowError:
            raise ValueError(f"invalid time modifier {self.modifier!r}: the result is outside the supported "
                             f"calendar") from None


@lru_cache(maxsize=1024)
def relative_modifier(modifier: str) -> RelativeTime:
    """``modifier`` read (``modifier_terms``); raises ValueError with a clear message on text that is not one."""
    return RelativeTime(modifier, modifier_terms(modifier))


# A pure function of its arguments, memoised: scheduled runs over overlapping windows evaluate the same events'
# times against the same modifiers once per run (an hourly search over a week sees each event 168 times).
@lru_cache(maxsize=65_536)
def relative_time(epoch: float, modifier: str, tz: str = "UTC") -> float:
    """Apply a relative time modifier (``-7d@d``, ``@w1``, ``+1h@h``, ``-1mon@mon``, ``@d+3h``, ``now``).

    Offsets in s/m/h are exact seconds; d/w/mon/q/y move the wall clock in ``tz`` (so ``-1d`` across a
    daylight-saving change keeps the time of day). ``@unit`` snaps down to the start of the unit in ``tz``; a
    modifier without a snap snaps to the second (the Search Manual: ``-60m`` is ``-60m@s``).
    Raises ValueError with a clear message on text that is not a modifier.
    """
    return relative_modifier(modifier).apply(epoch, tz)


def _modifier_unit(modifier: str, spelling: str) -> str | None:
    try:
        return _time_unit(spelling)
    except ValueError as exc:
        raise ValueError(f"invalid time modifier {modifier!r}: {exc}") from None


def modifier_terms(modifier: str) -> tuple[ModifierTerm, ...]:
    """The steps of a relative modifier (``-7d@h`` -> offset -7 d, snap h); () for ``now``. One reading for
    resolving a modifier (``relative_modifier``) and for reasoning about where its result moves (the schedule
    checks); raises ValueError with a clear message on text that is not a modifier."""
    text = modifier.strip()
    if not text:
        raise ValueError("empty time modifier")
    if text.lower() in ("now", "now()"):  # Time modifiers page: "now | `now()` or `now` | Refers to the current time."
        return ()
    terms: list[ModifierTerm] = []
    position = 0
    while position < len(text):
        offset = _OFFSET.match(text, position)
        if offset:
            unit = _modifier_unit(modifier, offset.group(3))
            if unit is None:
                raise ValueError(f"invalid time modifier {modifier!r}: unknown time unit {offset.group(3)!r}")
            digits = offset.group(2)
            if len(digits) > MAX_OFFSET_DIGITS:
                raise ValueError(f"invalid time modifier {_shown(modifier)}: an offset of {count_text(len(digits))} "
                                 "digits puts the result outside the supported calendar")
            amount = int(digits) if digits else 1
            terms.append(ModifierTerm(unit, -amount if offset.group(1) == "-" else amount))
            position = offset.end()
            continue
        snap = _SNAP.match(text, position)
        if snap:
            name, digit = snap.group(1), snap.group(2)
            unit = _modifier_unit(modifier, name)
            if unit is None or (digit and (name != "w" or int(digit) > 7)):  # @week1, @d2, @w8: no page has them
                raise ValueError(f"invalid time modifier {modifier!r}: unknown snap unit {snap.group()!r}: the "
                                 f"{_SNAP_UNITS}")
            terms.append(ModifierTerm(unit, snap=True, weekday=int(digit) if digit else None))
            position = snap.end()
            continue
        raise ValueError(
            f"invalid time modifier {modifier!r} at character {position + 1}: expected [+|-]<number><unit> or @<unit>"
        )
    return tuple(terms)


def _shown(modifier: str, limit: int = 40) -> str:
    """``modifier`` quoted for a message, its middle elided when it is longer than ``limit`` characters."""
    if len(modifier) <= limit:
        return repr(modifier)
    return repr(f"{modifier[:limit // 2]}...{modifier[-limit // 2:]}") + f" ({count_text(len(modifier))} characters)"


_EPOCH = re.compile(r"\d+\Z")
_DECIMAL_EPOCH = re.compile(r"\d+\.\d+\Z")
_SIGNED_NUMBER = re.compile(r"[+-]\d+(?:\.\d+)?\Z")


@dataclass(frozen=True)
class TimeBound:
    """An ``earliest=``/``latest=`` value read once (``time_bound``): a fixed time (epoch seconds or an absolute
    time), or a relative modifier resolved at each search's ``now`` (``at``)."""

    fixed: float | None
    relative: RelativeTime | None
    tz: str = "UTC"

    def at(self, now: float) -> float:
        """The bound's epoch for a search run at ``now`` (ValueError when it leaves the calendar)."""
        if self.relative is None:
            assert self.fixed is not None
            return self.fixed
        return self.relative.apply(now, self.tz)

    @property
    def never_decreasing(self) -> bool:
        """Resolved at a later ``now`` it is never an earlier time: a fixed time, or a relative modifier in UTC
        without a month, quarter or year offset (an offset in s/m/h/d/w adds the same seconds to every time there,
        a snap floors, and each step keeps the order, so their chain does). A month offset does not: Jan 30 12:00
        ``+1mon`` is Feb 28 12:00, after Jan 31 01:00 ``+1mon``, Feb 28 01:00."""
        if self.relative is None:
            return True
        return self.tz == "UTC" and all(term.snap or term.unit not in ("mon", "q", "y") for term in self.relative.terms)


@lru_cache(maxsize=1024)
def time_bound(text: str, tz: str = "UTC") -> TimeBound:
    """An ``earliest=``/``latest=`` value read: ``now``, epoch seconds, absolute ``%m/%d/%Y:%H:%M:%S`` (in
    ``tz``), or a relative modifier; raises ValueError with a clear message on anything else."""
    value = text.strip().strip('"')
    if not value:
        raise ValueError("empty time modifier")
    if value.lower().startswith("rt"):
        raise ValueError(f"real-time modifier {text!r} is not supported in a search string")
    if _EPOCH.match(value):
        return TimeBound(float(value), None, tz)
    if _DECIMAL_EPOCH.match(value):
        # The page shows whole epoch seconds only ("Use earliest=1 to specify the UNIX epoch time 1").
        raise ValueError(f"time {text!r} is not supported: an epoch time is written in whole seconds (earliest=1); "
                         f"what Splunk makes of a fraction no page says")
    if _SIGNED_NUMBER.match(value):
        # The Time modifiers page writes an epoch time unsigned ("Use earliest=1 to specify the UNIX epoch time 1")
        # and an offset with a unit ("[+|-]<time_integer><time_unit>"); what Splunk makes of -1 no page says.
        raise ValueError(f"time {text!r} is not supported: a signed number is neither an epoch time (written "
                         f"unsigned: earliest=1) nor a relative time (which needs a unit: -1s, +5m)")
    if "/" in value:
        parsed = strptime(value, ABSOLUTE_TIME_FORMAT, tz)
        if parsed is None:
            raise ValueError(f"invalid absolute time {text!r}: expected %m/%d/%Y:%H:%M:%S, e.g. 10/15/2019:20:00:00")
        return TimeBound(parsed, None, tz)
    return TimeBound(None, relative_modifier(value), tz)


@lru_cache(maxsize=65_536)  # pure; the same window bounds recur for every run of every detection on a schedule
def parse_time_modifier(text: str, now: float, tz: str = "UTC") -> float:
    """The epoch for an ``earliest=``/``latest=`` value (``time_bound``) for a search run at ``now``."""
    return time_bound(text, tz).at(now)


# ---------------------------------------------------------------------------------------------- spans and bins

_SPAN = re.compile(r"(?P<amount>\d+(?:\.\d+)?)?(?P<unit>[A-Za-z]+)?\Z")
_LONGEST_MONTHS = 9999 * 12  # a longer month span would start every bin before year 1
_SUBSECOND_UNITS = {"us": 1e-6, "ms": 1e-3, "cs": 1e-2, "ds": 1e-1}


@dataclass(frozen=True)
class Span:
    """A bin width: ``amount`` of ``unit`` where unit is ``s`` (seconds, also for m/h/d/w and sub-seconds)
    or a calendar unit ``mon`` (months; quarters and years are stored as 3 and 12 months)."""

    amount: float
    unit: str

    @property
    def seconds(self) -> float | None:
        """Length in seconds for fixed spans, ``None`` for calendar (month-based) spans."""
        return self.amount if self.unit == "s" else None


def parse_span(text: str) -> Span:
    """``5m``, ``1h``, ``30s``, ``1d``, ``1w``, ``2mon``, ``1q``, ``1y``, ``500ms``; a bare number is seconds."""
    match = _SPAN.match(text.strip())
    if not match or (match["amount"] is None and match["unit"] is None):
        raise ValueError(f"invalid span {text!r}: expected <number><unit>, e.g. 5m, 1h, 1d, 1mon")
    amount = float(match["amount"]) if match["amount"] else 1.0
    if amount <= 0:
        raise ValueError(f"invalid span {text!r}: the span must be positive")
    raw_unit = match["unit"] or "s"
    if raw_unit in _SUBSECOND_UNITS:
        return Span(amount * _SUBSECOND_UNITS[raw_unit], "s")
    try:
        unit = _time_unit(raw_unit)
    except ValueError as exc:
        raise ValueError(f"invalid span {text!r}: {exc}") from None
    if unit is None:
        raise ValueError(f"invalid span {text!r}: unknown time unit {match['unit']!r}")
    if unit in ("mon", "q", "y"):
        if not amount.is_integer():
            raise ValueError(f"invalid span {text!r}: month, quarter and year spans must be whole numbers")
        if amount * {"mon": 1, "q": 3, "y": 12}[unit] > _LONGEST_MONTHS:
            raise ValueError(f"invalid span {text!r}: the span is longer than the supported calendar (9999 years)")
        return Span(amount * {"mon": 1, "q": 3, "y": 12}[unit], "mon")
    factor = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}[unit]
    if not math.isfinite(amount * factor):
        raise ValueError(f"invalid span {text!r}: the span is too long")
    return Span(amount * factor, "s")


def bin_start(epoch: float, span: Span, tz: str = "UTC") -> float:
    """Start of the time bin holding ``epoch``.

    Fixed spans floor the *local* time (epoch + the zone's UTC offset) to a multiple of the span, so with
    UTC ``span=5m`` gives multiples of 300 s and ``span=1d`` local midnights; month spans start on the first
    of a month whose index since year 0 is a multiple of the span.
    """
    info = zone(tz)
    if span.unit == "mon":
        moment = to_datetime(epoch, tz)
        months = int(span.amount)
        index = moment.year * 12 + moment.month - 1
        index -= index % months
        year, month = divmod(index, 12)
        if year < 1:
            raise CalendarRangeError(f"the {months}-month bin of the time {epoch:g} starts before year 1")
        return to_epoch(_localize(datetime(year, month + 1, 1), info))
    width = span.amount
    if info is timezone.utc:
        return math.floor(epoch / width) * width
    offset = to_datetime(epoch, tz).utcoffset() or timedelta(0)
    local = epoch + offset.total_seconds()
    local_start = math.floor(local / width) * width
    wall = datetime(1970, 1, 1) + timedelta(seconds=local_start)
    return to_epoch(_localize(wall, info))


def in_window(event: Mapping[str, object], earliest: float | None, latest: float | None) -> bool:
    """``earliest <= _time < latest`` (Splunk's time range); with a bound, an event without a numeric
    ``_time`` (a NaN is none) is outside it."""
    if earliest is None and latest is None:
        return True
    when = event.get("_time")
    if not isinstance(when, (int, float)) or isinstance(when, bool) or when != when:
        return False
    return not ((earliest is not None and when < earliest) or (latest is not None and when >= latest))
