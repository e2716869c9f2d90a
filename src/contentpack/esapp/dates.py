"""The one build timestamp: ``SOURCE_DATE_EPOCH`` if set, else the last commit's date, else the content's own
newest detection date (a pack outside a git checkout, e.g. an unpacked release); never the wall clock.

Every date the app carries (app.conf ``build``, app.manifest release date, dated lookup names, tar member
mtimes) derives from this value, which is what makes two builds of one commit byte-identical
(https://reproducible-builds.org/specs/source-date-epoch/).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


class BuildDateError(ValueError):
    """No reproducible date is available. Setting ``SOURCE_DATE_EPOCH`` fixes every case, so the build reports
    it at that name (BD002) and the message does not repeat it before the value."""


@dataclass(frozen=True)
class BuildDate:
    epoch: int
    origin: str  # "SOURCE_DATE_EPOCH", "last commit" or CONTENT_ORIGIN

    @property
    def note(self) -> str | None:
        """What to tell the user when the date did not come from an explicit source."""
        if self.origin != CONTENT_ORIGIN:
            return None
        return (f"note: no SOURCE_DATE_EPOCH and no git commit: the build is dated {self.day.isoformat()}, the "
                "newest detection date (set SOURCE_DATE_EPOCH to choose another date)")

    @property
    def moment(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.epoch, tz=dt.timezone.utc)

    @property
    def day(self) -> dt.date:
        return self.moment.date()

    @property
    def stamp(self) -> str:
        """``YYYYMMDDHHMMSS`` (UTC), the form app.conf's ``build`` uses in ESCU."""
        return self.moment.strftime("%Y%m%d%H%M%S")


CONTENT_ORIGIN = "newest detection date"

# The tarball's gzip header carries the build date in four bytes (RFC 1952 MTIME): a later SOURCE_DATE_EPOCH
# ended in "internal error" (struct.error), and one past year 9999 in ValueError from the calendar.
LATEST_EPOCH = 2**32 - 1
_LATEST = "2106-02-07T06:28:15Z"


def build_date(root: Path, environ: Mapping[str, str] | None = None,
               content_date: dt.date | None = None) -> BuildDate:
    """``content_date`` (the newest detection date) dates a pack that is not in a git checkout: the same
    content then always gets the same date, which the wall clock would not give."""
    env = os.environ if environ is None else environ
    raw = env.get("SOURCE_DATE_EPOCH")
    if raw is not None and raw.strip():
        try:
            epoch = int(raw.strip())
        except ValueError:
            raise BuildDateError(f"{raw!r} is not an integer number of seconds") from None
        if epoch < 0:
            raise BuildDateError(f"{raw!r} is negative")
        if epoch > LATEST_EPOCH:
            raise BuildDateError(f"{raw!r} is after {_LATEST}, the latest date a gzip header holds (RFC 1952: "
                                 "MTIME is 32 bits)")
        return BuildDate(epoch, "SOURCE_DATE_EPOCH")
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True,
                             text=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:  # no git at all: same as no checkout
        if content_date is None:
            raise BuildDateError(f"cannot read the last commit date ({exc}); set SOURCE_DATE_EPOCH") from None
        return content_build_date(content_date)
    text = out.stdout.strip()
    if out.returncode != 0 or not text.isdigit():
        if content_date is None:
            raise BuildDateError(f"{root} has no git commit and no detection to date the build from; "
                                 "set SOURCE_DATE_EPOCH")
        return content_build_date(content_date)
    return BuildDate(int(text), "last commit")


def content_build_date(day: dt.date) -> BuildDate:
    """Midnight UTC of ``day``."""
    return BuildDate(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()),
                     CONTENT_ORIGIN)
