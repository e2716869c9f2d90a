"""Pausing Python's cycle collector over work that keeps many objects alive and makes few reference cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cycle collector while a pack loads (``build`` also keeps it paused while rendering), while the
    replay runs its tests and while a backtest reads and simulates its events.

    Each allocates many small objects that stay alive until the end of the step (the model and its positions;
    the events read; the simulated runs of a schedule), and each collection re-scans them all, so the
    collections add up to a large share of the work. None makes many reference cycles (plain values, tuples,
    frozen dataclasses; the error objects of invalid files, recursive anchors), and those are collected once the
    collector runs again; reference counting frees all other garbage at once. A cycle made once per test, run
    or event would hold its objects until the step ends, so replay and backtest make none (tests pin it). The
    previous state is restored even on error.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
