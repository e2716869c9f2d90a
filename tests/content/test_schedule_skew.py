"""The most a scheduled run may start after its cron tick: ``allow_skew`` with the run's ``cron_schedule``.

Source: savedsearches.conf.spec (Splunk 10.0), ``allow_skew = <percentage>|<duration-specifier>``: for the cron
forms ``* * * * *``, ``*/M * * * *`` (M > 0), ``0 * * * *``, ``0 */H * * *`` (H > 0) and ``0 0 * * *`` the
scheduler "randomly 'skews' the second, minute, and hour that the search actually runs on"; "When set to
non-zero for a search that has any other 'cron_schedule' setting, the search scheduler can only randomly skew
the second that the search runs on"; a percentage is "of the scheduled search period" ("100% (For an
every-5-minute search = 5 minutes maximum)", "50% (For an every-1-minute search = 30 seconds maximum)"); a
duration is "<integer><timescale>" ("5m = 5 minutes maximum", "1h = 1 hour maximum"), "The <timescale> is
required and can be omitted only when <integer> is 0"; "A value of 0 does not allow a skew to occur".
"""

from __future__ import annotations

import pytest

from contentpack.content.model import Deployment
from contentpack.content.schedule import SECOND_ONLY, max_skew, skew_allowance, skew_period


def test_the_spec_s_examples() -> None:
    assert max_skew("*/5 * * * *", "100%") == 300
    assert max_skew("* * * * *", "50%") == 30
    assert max_skew("0 0 * * *", "5m") == 300
    assert max_skew("0 0 * * *", "1h") == 3600
    assert max_skew("0 * * * *", "0") == 0 and max_skew("0 * * * *", "0%") == 0


@pytest.mark.parametrize(("cron", "period"), [
    ("* * * * *", 60), ("*/10 * * * *", 600), ("*/5  *  * * *", 300), ("0 * * * *", 3600), ("00 * * * *", 3600),
    ("0 */4 * * *", 4 * 3600), ("0 0 * * *", 86400),
])
def test_the_listed_forms_skew_up_to_their_whole_period_at_100_percent(cron: str, period: float) -> None:
    assert skew_period(cron) == period
    assert max_skew(cron, "100%") == period


@pytest.mark.parametrize("cron", ["10 * * * *", "*/0 * * * *", "0 */0 * * *", "15 */2 * * *", "0 0 * * 1",
                                  "0,30 * * * *", "0 0 1 * *", "5 0 * * *"])
def test_any_other_cron_skews_only_the_second(cron: str) -> None:
    """"only ... the second": under a minute, whatever the amount (assumed: the spec names no period for them)."""
    assert skew_period(cron) is None
    assert max_skew(cron, "100%") == max_skew(cron, "1d") == SECOND_ONLY == 59
    assert max_skew(cron, "0") == 0


def test_a_skew_never_reaches_past_the_period() -> None:
    """Assumed: the scheduler spreads runs "over the scheduled time periods" (the spec), so a duration or a
    percentage over 100 stops at the period."""
    assert max_skew("*/5 * * * *", "1h") == 300
    assert max_skew("0 * * * *", "150%") == 3600


def test_a_fractional_maximum_is_cut_to_its_whole_second() -> None:
    """Assumed: the spec names no unit finer than its examples' seconds ("30 seconds maximum") and has the scheduler
    skew "the second, minute, and hour that the search actually runs on" -- a run starts on a whole second, so
    the latest one a fractional maximum allows is its whole second: 3% of every 7 minutes (12.6 s) is 12 s, 1% of
    every minute (0.6 s) none. The validator's ``skewed_worst`` and the simulation's bound read this one figure."""
    assert max_skew("*/7 * * * *", "3%") == 12
    assert max_skew("* * * * *", "1%") == 0
    assert max_skew("0 */3 * * *", "7%") == 756  # 10800 * 7 / 100 exactly: whole already


@pytest.mark.parametrize(("value", "read"), [
    ("100%", (100.0, True)), ("7%", (7.0, True)), ("0", (0.0, False)), ("90s", None), ("5", None),
    ("2m", (120.0, False)), ("2min", (120.0, False)), ("2minute", (120.0, False)), ("2mins", (120.0, False)),
    ("2minutes", (120.0, False)), ("1h", (3600.0, False)), ("1hr", (3600.0, False)), ("1hour", (3600.0, False)),
    ("2hrs", (7200.0, False)), ("2hours", (7200.0, False)), ("1d", (86400.0, False)), ("1day", (86400.0, False)),
    ("2days", (172800.0, False)), ("-5%", None), ("1.5h", None), ("", None), ("auto", None), ("5 m", None),
])
def test_allow_skew_values_are_the_spec_s_forms_and_nothing_else(value: str, read: tuple[float, bool] | None) -> None:
    if read is None:
        with pytest.raises(ValueError, match=f"allow_skew {value!r} is neither a percentage"):
            skew_allowance(value)
    else:
        assert skew_allowance(value) == read


def test_the_build_writes_100_percent_for_every_type() -> None:
    """What savedsearches.conf carries (``esapp.savedsearches`` writes ``Scheduling.allow_skew``; the reference
    build's stanzas all say ``allow_skew = 100%``)."""
    for kind in ("TTP", "Anomaly", "Hunting", "Correlation"):
        assert Deployment.default_for(kind).scheduling.allow_skew == "100%"
