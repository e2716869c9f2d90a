"""Events indexed by time once, so each scheduled run selects its window by bisection instead of a scan.

``EventIndex`` holds events sorted by ``_time`` (each carrying ``_indextime``, see ``delays``). A run at
``run_time`` over the dispatch window [earliest, latest) sees the events with ``earliest <= _time < latest``
(Splunk's time range includes its earliest time and excludes its latest; the engine's ``admitted`` applies the
same rule) that were indexed by then, ``_indextime <= run_time``. Events without a numeric ``_time`` can never
fall in a window and are dropped.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterable

from contentpack.spl.values import Event, epoch_seconds

__all__ = ["EventIndex", "event_time"]


def event_time(event: Event, key: str = "_time") -> float | None:
    """The event's ``key`` as epoch seconds, as the engine reads ``_time`` (``spl.values.epoch_seconds``), so the
    timeline's order is the engine's (``spl.engine.NewestFirst``)."""
    return epoch_seconds(event.get(key))


class EventIndex:
    """Time-sorted events; ``window`` gives a run's visible events newest first (the engine's input order)."""

    def __init__(self, events: Iterable[Event]) -> None:
        timed = [(t, e) for e in events if (t := event_time(e)) is not None]
        timed.sort(key=lambda pair: pair[0])
        self.events: list[Event] = [e for _, e in timed]
        self.times: list[float] = [t for t, _ in timed]
        self.indextimes: list[float] = [
            it if (it := event_time(e, "_indextime")) is not None else t for t, e in timed
        ]
        # the earliest an event becomes visible (``none_visible``); infinite for no events
        self._first_indexed = min(self.indextimes, default=math.inf)
        self._restricted: dict[Hashable, EventIndex | None] = {}

    def __len__(self) -> int:
        return len(self.events)

    @property
    def first_time(self) -> float | None:
        return self.times[0] if self.times else None

    @property
    def last_time(self) -> float | None:
        return self.times[-1] if self.times else None

    @property
    def last_indextime(self) -> float | None:
        return max(self.indextimes) if self.indextimes else None

    def window(self, earliest: float | None, latest: float | None, visible_at: float) -> list[Event]:
        """Events with ``earliest <= _time < latest`` and ``_indextime <= visible_at``, newest first."""
        events = self.events
        return [events[i] for i in self.positions(earliest, latest, visible_at)]

    def positions(self, earliest: float | None, latest: float | None, visible_at: float) -> list[int]:
        """The positions in ``events`` of ``window``'s events, in its order (newest first)."""
        low = 0 if earliest is None else bisect_left(self.times, earliest)
        high = len(self.times) if latest is None else bisect_left(self.times, latest)
        indextimes = self.indextimes
        return [i for i in range(high - 1, low - 1, -1) if indextimes[i] <= visible_at]

    def none_visible(self, earliest: float, latest: float, visible_at: float) -> bool:
        """True when ``positions(earliest, latest, visible_at)`` is certainly empty: no event is indexed by
        ``visible_at``, or no ``_time`` lies in the window (False says nothing: the window's events may all be
        indexed later). Why: most scheduled runs read nothing -- a detection ticking for days around an hour of
        events -- and this tells so by two comparisons, without listing the window."""
        if visible_at < self._first_indexed:
            return True
        times = self.times
        return bisect_left(times, earliest) >= bisect_left(times, latest)

    def restricted(self, key: Hashable, select: Callable[[list[Event]], list[Event] | None]) -> EventIndex:
        """The index of the events ``select`` keeps (itself when it returns None), computed once per ``key``:
        the events a base search matches do not change from one run, or one simulation, to the next. "Itself"
        is remembered as None, not as the index: an index holding itself would be a reference cycle, and its
        events would outlive it until the garbage collector ran, which a replay pauses over all its tests."""
        if key not in self._restricted:
            kept = select(self.events)
            self._restricted[key] = None if kept is None else EventIndex(kept)
        found = self._restricted[key]
        return self if found is None else found
