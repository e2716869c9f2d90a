"""Moved to ``contentpack.simulate.risk`` (ES behaviour the simulation shares); kept as an alias."""

from contentpack.simulate.risk import result_time, risk_events

__all__ = ["result_time", "risk_events"]
