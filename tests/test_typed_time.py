"""``cli.typed_time``: the one reader of a time typed for ``backtest --from/--to`` and ``search --earliest/--latest``,
so the same text is the same moment in both commands (README, "Times on the command line")."""

from __future__ import annotations

import pytest

from contentpack.cli.typed_time import TypedTimeError, iso_time, typed_time
from contentpack.spl.timeutil import parse_time_modifier

OCT_12 = 1791763200.0  # 2026-10-12T00:00:00Z


@pytest.mark.parametrize(("text", "moment"), [
    ("2026-10-12", OCT_12),
    ("2026-10-12T08:00", OCT_12 + 8 * 3600),
    ("2026-10-12 08:00:00", OCT_12 + 8 * 3600),
    ("2026-10-12T08:00:00Z", OCT_12 + 8 * 3600),
    ("2026-10-12T10:00:00+02:00", OCT_12 + 8 * 3600),
    ("2026-10-12T08:00:00.5Z", OCT_12 + 8 * 3600 + 0.5),
])
def test_an_iso_time_is_one_moment_to_both_commands(text: str, moment: float) -> None:
    """backtest's reader and search's read the text alike; without a zone it is UTC, as the backtest reports."""
    assert typed_time(text, "--from") == iso_time(text, "--earliest", "UTC") == moment


def test_a_number_is_epoch_seconds_to_both_commands() -> None:
    """``20261012`` was the date 2026-10-12 to backtest (Python reads ISO 8601's basic format) and epoch seconds to
    search (as Splunk's ``earliest=`` reads a number): it is epoch seconds to both."""
    assert typed_time("20261012", "--from") == parse_time_modifier("20261012", 0.0) == 20261012.0


@pytest.mark.parametrize(("text", "tz", "message"), [
    ("2026-10-12T08:00", "Europe/Paris",
     "--earliest: '2026-10-12T08:00' has no zone, and --tz is Europe/Paris: add the zone the time is in (Z for UTC, "
     "or +HH:MM), or give it as %m/%d/%Y:%H:%M:%S, which is read in --tz"),
    ("2026-10-12", "America/New_York", "--earliest: '2026-10-12' has no zone, and --tz is America/New_York"),
    ("2026-13-12", "UTC", "--earliest: not a time: '2026-13-12'; give ISO 8601 with its zone (2026-10-12T08:00:00Z"),
    ("2026-10-12T08:00:00 UTC", "UTC", "--earliest: not a time: '2026-10-12T08:00:00 UTC'; give ISO 8601"),
    ("0001-01-01", "UTC", "--earliest: '0001-01-01' is outside the calendar: a moment from 0001-01-02"),
])
def test_a_refused_iso_time_names_the_option_the_text_and_the_forms(text: str, tz: str, message: str) -> None:
    """Another --tz makes a time without its zone ambiguous (read in UTC by backtest, and --tz is where search reads
    %m/%d/%Y:%H:%M:%S): refused, not guessed. A zoned time is the same moment whatever --tz says."""
    with pytest.raises(TypedTimeError) as refused:
        iso_time(text, "--earliest", tz)
    assert str(refused.value).startswith(message)
    assert iso_time("2026-10-12T08:00:00Z", "--earliest", "Europe/Paris") == OCT_12 + 8 * 3600


@pytest.mark.parametrize("text", ["yesterday", "nan", "inf", "1e400", "1_791_763_200", "٣"])
def test_backtest_refuses_what_is_no_time_with_the_forms_it_takes(text: str) -> None:
    with pytest.raises(TypedTimeError) as refused:
        typed_time(text, "--to")
    assert str(refused.value) == (f"--to: not a time: {text!r}; give epoch seconds or ISO 8601 with its zone "
                                  "(2026-10-12T08:00:00Z, 2026-10-12T10:00:00+02:00) or without it in UTC "
                                  "(2026-10-12, 2026-10-12T08:00)")


@pytest.mark.parametrize("tz", ["UTC", "Etc/UTC", "Etc/Zulu", "Zulu", "Z", "GMT", "Etc/GMT", "Etc/GMT+0", "Universal"])
def test_a_zone_that_is_always_utc_reads_a_time_without_its_zone_as_utc(tz: str) -> None:
    """Only the text ``UTC`` (and ``GMT``, ``Z``) counted as UTC: ``--tz Etc/UTC`` refused ``2026-10-12`` as if it
    were ambiguous, though tzdata's Etc/UTC and its links are UTC at every moment."""
    assert iso_time("2026-10-12", "--earliest", tz) == OCT_12


@pytest.mark.parametrize("tz", ["Europe/London", "Africa/Abidjan", "Etc/GMT-1"])
def test_a_zone_that_was_ever_off_utc_still_refuses_it(tz: str) -> None:
    """Europe/London is UTC in winter only, and Africa/Abidjan only since 1912: a time without its zone may be
    meant in either offset, so only the zones tzdata gives no other offset count as UTC."""
    with pytest.raises(TypedTimeError, match="has no zone"):
        iso_time("2026-10-12", "--earliest", tz)
