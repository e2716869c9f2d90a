"""Replay: run the pack's detections, as a Splunk + Enterprise Security test instance would, with no server.

Everything here reads the ``Pack`` model (one representation of a detection); nothing re-parses YAML.
``engine_setup`` configures an SPL engine from the pack, ``runner`` runs each detection test and checks it,
``risk`` writes the risk events ES's risk action would, ``drilldowns`` fills and runs drilldown searches the
way ES fills them, ``report`` renders the outcome. ``sweep`` (``replay --sweep``) replays each scheduled test
again with its attack moved across the window edges and its runs skewed as ``allow_skew`` allows, and
``sweep_report`` says which variants raised other notables or risk.
"""

from contentpack.simulate.engine_setup import REPLAY_NOW, build_engine, pack_macros
from contentpack.simulate.risk import risk_events
from contentpack.replay.runner import (
    CheckResult,
    DetectionTestOutcome,
    ReplayReport,
    replay_pack,
    run_detection_search,
    select_detections,
)

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
