"""Replay: run the pack's detections, as a Splunk + Enterprise Security test instance would, with no server.

Everything here reads the ``Pack`` model (one representation of a detection); nothing re-parses YAML.
``engine_setup`` configures an SPL engine from the pack, ``runner`` runs each detection test and checks it,
``risk`` writes the risk events ES's risk action would, ``drilldowns`` fills and runs drilldown searches the
way ES fills them, ``report`` renders the outcome. ``sweep`` (``replay --sweep``) replays each scheduled test
again with its attack moved across the window edges and its runs skewed as ``allow_skew`` allows, and
``sweep_report`` says which variants raised other notables or risk.

The package itself imports none of them: ``backtest.inputs`` names ``attack_data``'s rule code, and a search
that reads events with it must not import the runner, the drilldowns and the scheduled replay (importing the
package's modules imports the package first). Each name is imported from its module.
"""
