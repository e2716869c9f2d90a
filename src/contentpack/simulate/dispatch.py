"""A detection's schedule as the build writes it into savedsearches.conf: its own ``deployment`` or its type's
default, read into a ``Schedule`` (``content.schedule``: runs, dispatch windows and the Splunk documentation they
follow; the validator's CP066 judges the same windows the simulation runs over).
"""

from __future__ import annotations

from contentpack.content.model import Detection
from contentpack.content.schedule import Schedule, schedule

__all__ = ["Schedule", "schedule_of"]


def schedule_of(detection: Detection, tz: str = "UTC") -> Schedule:
    """The schedule the build writes for ``detection`` (raises CronError / ValueError when it is not valid)."""
    scheduling = detection.effective_deployment.scheduling
    return schedule(scheduling.cron_schedule, scheduling.earliest_time, scheduling.latest_time, tz)

