"""A detection's schedule as the build writes it into savedsearches.conf: its own ``deployment`` or its type's
default, read into a ``Schedule`` (``content.schedule``: runs, dispatch windows and the Splunk documentation they
follow; the validator's CP066 judges the same windows the simulation runs over), and the most its runs may be
skewed by the ``allow_skew`` the build writes beside it.
"""

from __future__ import annotations

from contentpack.content.model import Detection
from contentpack.content.schedule import Schedule, max_skew, schedule

__all__ = ["Schedule", "max_skew_of", "schedule_of"]


def schedule_of(detection: Detection, tz: str = "UTC") -> Schedule:
    """The schedule the build writes for ``detection`` (raises CronError / ValueError when it is not valid)."""
    scheduling = detection.effective_deployment.scheduling
    return schedule(scheduling.cron_schedule, scheduling.earliest_time, scheduling.latest_time, tz)


def max_skew_of(detection: Detection) -> float:
    """The longest, in seconds, the scheduler may start a run of ``detection`` after its cron tick, under the
    stanza the build writes (``cron_schedule`` and ``allow_skew``; see ``content.schedule.max_skew``)."""
    scheduling = detection.effective_deployment.scheduling
    return max_skew(scheduling.cron_schedule, scheduling.allow_skew)
