"""Replay: run the pack's detections, as a Splunk + Enterprise Security test instance would, with no server.

Everything here reads the ``Pack`` model (one representation of a detection); nothing re-parses YAML.
``engine_setup`` configures an SPL engine from the pack, ``runner`` runs each detection test and checks it,
``risk`` writes the risk events ES's risk action would, ``drilldowns`` fills and runs drilldown searches the
way ES fills them, ``report`` renders the outcome. ``sweep`` (``replay --sweep``) replays each scheduled test
again with its attack moved across the window edges and its runs skewed as ``allow_skew`` allows, and
``sweep_report`` says which variants raised other notables or risk.

The names below are imported on first use (PEP 562): ``backtest.inputs`` reads ``attack_data``'s rule code, and
``contentpack search`` must not pay for the runner, the simulation and the drilldowns with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contentpack.replay.runner import (CheckResult, DetectionTestOutcome, ReplayReport, replay_pack,
                                           run_detection_search, select_detections)
    from contentpack.simulate.engine_setup import REPLAY_NOW, build_engine, pack_macros
    from contentpack.simulate.risk import risk_events

_RUNNER = "contentpack.replay.runner"
_SETUP = "contentpack.simulate.engine_setup"
_HOMES = {
    "REPLAY_NOW": _SETUP,
    "CheckResult": _RUNNER,
    "DetectionTestOutcome": _RUNNER,
    "ReplayReport": _RUNNER,
    "build_engine": _SETUP,
    "pack_macros": _SETUP,
    "replay_pack": _RUNNER,
    "risk_events": "contentpack.simulate.risk",
    "run_detection_search": _RUNNER,
    "select_detections": _RUNNER,
}

__all__ = [
    "REPLAY_NOW",
    "CheckResult",
    "DetectionTestOutcome",
    "ReplayReport",
    "build_engine",
    "pack_macros",
    "replay_pack",
    "risk_events",
    "run_detection_search",
    "select_detections",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
