"""When a scheduled search runs and over which window: ``cron_schedule`` + ``dispatch.earliest_time`` /
``dispatch.latest_time``, exactly as the build writes them into savedsearches.conf.

Splunk's Alerting Manual, *Alert scheduling tips* (https://help.splunk.com/splunk-enterprise/alert-and-respond/
alerting-manual/9.0/create-alerts/alert-scheduling-tips): "Earliest: -90m, Latest: -30m, Cron Expression:
30 * * * *" sets "the search time range from 90 minutes before the search launches to 30 minutes before";
"When a search time range is shorter than the time range for the scheduled alert, an event might never be
evaluated"; and the delay exists because "event data might not reach the indexer immediately".

savedsearches.conf.spec: "dispatch.earliest_time = <time-str> * Specifies the earliest time for this search.
Can be a relative or absolute time." — relative to the moment the scheduler dispatches the search, here the
cron tick. A modifier such as ``-70m@m`` is resolved with the engine's time modifiers (``timeutil``: offset
then snap, https://help.splunk.com/splunk-enterprise/search/search-manual/9.2/specify-time-ranges/
specify-time-modifiers-in-your-search), so ``-70m@m`` at 10:00 is 08:50 and ``-1d@d`` at 10:00 is yesterday
00:00. Not modelled: ``schedule_window`` and ``allow_skew`` (the scheduler may start a search later than its
tick; the window still follows the dispatch time) and skipped searches under load.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

from contentpack.content.model import Deployment, Detection
from contentpack.cron import Cron, parse_cron
from contentpack.spl.timeutil import parse_time_modifier

__all__ = ["Schedule", "deployment_of", "schedule_of"]

# A week-aligned base for sampling a schedule's runs (Thursday 2023-11-09 00:00 UTC; any week would do).
_SAMPLE_BASE = 1_700_000_000.0 - (1_700_000_000.0 % 604800)
_SAMPLES = tuple(_SAMPLE_BASE + hour * 3600.0 for hour in range(7 * 24))


@dataclass(frozen=True)
class Schedule:
    """A detection's schedule: its cron and its dispatch window modifiers (``tz``: the search head's zone)."""

    cron: Cron
    earliest: str
    latest: str
    tz: str = "UTC"

    def window(self, run_time: float) -> tuple[float, float]:
        """[earliest, latest) of a run dispatched at ``run_time`` (raises ValueError for a bad modifier)."""
        return (parse_time_modifier(self.earliest, run_time, self.tz),
                parse_time_modifier(self.latest, run_time, self.tz))

    @cached_property
    def _sample_ticks(self) -> list[float]:
        """The runs of eight days (a week of weekdays and one more), or hourly samples when it runs less."""
        ticks = list(self.cron.ticks(_SAMPLE_BASE, _SAMPLE_BASE + 8 * 86400))
        return ticks if len(ticks) >= 2 else list(_SAMPLES)

    @cached_property
    def lookback(self) -> float:
        """The longest distance from a run back to its window's earliest time."""
        return self.lookback_of(self.earliest)

    def lookback_of(self, earliest: str) -> float:
        """The longest distance from a run back to ``earliest`` resolved at the run (ValueError if invalid)."""
        return max(t - parse_time_modifier(earliest, t, self.tz) for t in self._sample_ticks)

    @cached_property
    def longest_gap(self) -> float:
        """The longest time between two runs (one week if it runs less often than that)."""
        ticks = list(self.cron.ticks(_SAMPLE_BASE, _SAMPLE_BASE + 8 * 86400))
        if len(ticks) < 2:
            return 7 * 86400.0
        return max(b - a for a, b in zip(ticks, ticks[1:]))


def deployment_of(detection: Detection) -> Deployment:
    """The deployment the build writes: the detection's own, else its type's default (a hand-built model)."""
    return detection.deployment if detection.deployment is not None else Deployment.default_for(detection.type)


def schedule_of(detection: Detection, tz: str = "UTC") -> Schedule:
    """The schedule the build writes for ``detection`` (raises CronError / ValueError when it is not valid)."""
    scheduling = deployment_of(detection).scheduling
    return _schedule(scheduling.cron_schedule, scheduling.earliest_time, scheduling.latest_time, tz)


@lru_cache(maxsize=256)
def _schedule(cron: str, earliest: str, latest: str, tz: str) -> Schedule:
    """One Schedule per distinct setting (its lookback and gaps are computed once per process)."""
    schedule = Schedule(parse_cron(cron), earliest, latest, tz)
    schedule.window(_SAMPLE_BASE)  # fail now, not in the middle of a timeline
    return schedule
