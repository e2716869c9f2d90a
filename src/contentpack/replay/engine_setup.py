"""Moved to ``contentpack.simulate.engine_setup`` (the simulation and the backtest need it too); kept as an alias."""

from contentpack.simulate.engine_setup import REPLAY_NOW, ReplaySetupError, build_engine, pack_macros

__all__ = ["REPLAY_NOW", "ReplaySetupError", "build_engine", "pack_macros"]
