"""A detection's schedule as the build writes it into savedsearches.conf: its own ``deployment`` or its type's
default, read into a ``Schedule`` (``content.schedule``: runs, dispatch windows and the Splunk documentation they
follow; the validator's CP066 judges the same windows the simulation runs over).
"""

from __future__ import annotations

from contentpack.content.model import Deployment, Detection
from contentpack.content.schedule import Schedule, schedule

__all__ = ["Schedule", "deployment_of", "schedule_of"]


def deployment_of(detection: Detection) -> Deployment:
    """The deployment the build writes: the detection's own, else its type's default (a hand-built model)."""
    return detection.deployment if detection.deployment is not None else Deployment.default_for(detection.type)


def schedule_of(detection: Detection, tz: str = "UTC") -> Schedule:
    """The schedule the build writes for ``detection`` (raises CronError / ValueError when it is not valid)."""
    scheduling = deployment_of(detection).scheduling
    return schedule(scheduling.cron_schedule, scheduling.earliest_time, scheduling.latest_time, tz)

