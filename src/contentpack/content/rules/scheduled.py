"""The scheduled replay's YAML extensions: an ingestion delay that is a distribution (CP070) and scheduled
expectations that can be met (CP071). The schema already checks their shapes; these rules check what a
schema cannot (ordering, contradictions). ``docs/replay.md`` describes both extensions.
"""

from __future__ import annotations

from collections.abc import Iterator

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.model import Detection, IngestionDelay, SourceMap, UnitTest
from contentpack.content.rules import RuleContext
from contentpack.durations import duration_seconds


def _delay_problems(delay: IngestionDelay, source: SourceMap, *at: str | int) -> Iterator[Diagnostic]:
    given = [name for name, value in (("fixed", delay.fixed), ("uniform", delay.uniform),
                                      ("percentiles", delay.percentiles)) if value]
    if len(given) != 1:
        shown = " and ".join(given) if given else "none of them"
        yield error(source.key(*at), "CP070",
                    f"ingestion_delay needs exactly one of fixed, uniform or percentiles (it has {shown})")
        return
    if delay.uniform is not None:
        low, high = delay.uniform
        if duration_seconds(low) > duration_seconds(high):
            yield error(source.at(*at, "uniform", "max"), "CP070",
                        f"ingestion_delay.uniform: max {high} is below min {low}")
    previous: tuple[float, str] | None = None
    for percentile, text in delay.percentiles:
        if previous is not None and duration_seconds(text) < duration_seconds(previous[1]):
            key = f"p{percentile:g}"
            yield error(source.at(*at, "percentiles", key), "CP070",
                        f"ingestion_delay.percentiles: {key} = {text} is below p{previous[0]:g} = {previous[1]} "
                        "(a delay cannot shrink as the percentile grows)")
        previous = (percentile, text)


def ingestion_delays_are_distributions(context: RuleContext) -> Iterator[Diagnostic]:
    """CP070: exactly one model; ``uniform`` has min <= max; ``percentiles`` never decrease."""
    for source in context.pack.data_sources:
        if source.ingestion_delay is not None:
            yield from _delay_problems(source.ingestion_delay, source.source_map, "ingestion_delay")
    for detection in context.pack.detections:
        for t_index, test in enumerate(detection.tests):
            if test.ingestion_delay is not None:
                yield from _delay_problems(test.ingestion_delay, detection.source, "tests", t_index, "ingestion_delay")


def scheduled_expectations_can_hold(context: RuleContext) -> Iterator[Diagnostic]:
    """CP071: no contradiction between expected_notables, max_notables, detect_within, expected_risk,
    expected_risk_events and expected_notable_rows, and none that checks nothing: a notable count or
    expected_notable_rows only where the detection raises notables (and expected_notable_rows not beside a
    count of 0), expected_risk only where some detection of the test writes risk, expected_risk_events only
    where the detection itself does."""
    for detection in context.pack.detections:
        for t_index, test in enumerate(detection.tests):
            yield from _test_problems(detection, t_index, test)


def _test_problems(detection: Detection, t_index: int, test: UnitTest) -> Iterator[Diagnostic]:
    here = ("tests", t_index)
    source = detection.source
    if (test.expected_notables is not None and test.max_notables is not None
            and test.expected_notables > test.max_notables):
        yield error(source.at(*here, "max_notables"), "CP071",
                    f"max_notables {test.max_notables} is below expected_notables {test.expected_notables}")
    if not detection.raises_notables:
        yield from _notable_counts_check_nothing(detection, t_index, test)
    silent = _expects_silence(detection, test)
    if test.detect_within is not None and silent:
        yield error(source.at(*here, "detect_within"), "CP071",
                    "detect_within on a test that expects no notable and writes no risk can never hold")
    if test.expected_risk and not detection.writes_risk and not test.risk_from:
        yield error(source.key(*here, "expected_risk"), "CP071",
                    "expected_risk on a test where no detection writes risk (no rba block, no risk_from)")
    if test.expected_risk_events is not None and not detection.writes_risk:
        yield error(source.key(*here, "expected_risk_events"), "CP071",
                    "expected_risk_events on a test of a detection that writes no risk (no rba block): it counts "
                    "the detection's own risk events, never a risk_from detection's")
    yield from _notable_rows_check_nothing(detection, t_index, test)
    scored = sorted(name for name, score in test.expected_risk.items() if score > 0)
    if test.expected_risk_events == 0 and scored and not test.risk_from:
        yield error(source.at(*here, "expected_risk_events"), "CP071",
                    f"expected_risk_events 0, yet expected_risk gives {scored[0]} a score and no other "
                    "detection of the test (no risk_from) can write it")


def _expects_silence(detection: Detection, test: UnitTest) -> bool:
    """Whether the test expects no notable and no risk event. On a detection with the notable action, a row
    that passes the throttle raises its notable and writes its risk events together (the simulation's
    ``_actions``: one throttle keys both), so 0 notables is 0 risk events too: a TTP's must-not-fire test says
    ``max_notables: 0`` and no ``expected_risk_events``."""
    no_notable = 0 in (test.expected_notables, test.max_notables)
    if detection.raises_notables:
        return no_notable
    return not detection.writes_risk or test.expected_risk_events == 0


def _notable_counts_check_nothing(detection: Detection, t_index: int, test: UnitTest) -> Iterator[Diagnostic]:
    """A notable count on a test of a detection without the notable action (an ESCU 5.x Anomaly writes risk
    only) is 0 whatever the detection does: an error, not a warning, since a must-not-fire test that cannot fail
    reads as a passing check. Its risk is what can be pinned, when it writes any."""
    instead = ("; pin its risk instead: expected_risk_events (0: must not fire) or expected_risk"
               if detection.writes_risk else "")
    for key, value in (("expected_notables", test.expected_notables), ("max_notables", test.max_notables)):
        if value is not None:
            yield error(detection.source.key("tests", t_index, key), "CP071",
                        f"{key} on a test of a detection that raises no notable checks nothing "
                        f"({detection.actions_origin} has no notable action){instead}")


def _notable_rows_check_nothing(detection: Detection, t_index: int, test: UnitTest) -> Iterator[Diagnostic]:
    """``expected_notable_rows`` needs a notable to match: on a detection without the notable action it can
    never hold, and beside ``expected_notables: 0`` or ``max_notables: 0`` one of the two must fail."""
    if not test.expected_notable_rows:
        return
    at = detection.source.key("tests", t_index, "expected_notable_rows")
    if not detection.raises_notables:
        yield error(at, "CP071", f"expected_notable_rows on a test of a detection that raises no notable can never "
                                 f"hold ({detection.actions_origin} has no notable action)")
        return
    for key, value in (("expected_notables", test.expected_notables), ("max_notables", test.max_notables)):
        if value == 0:
            yield error(at, "CP071", f"expected_notable_rows beside {key}: 0 can never hold (it needs a notable "
                                     "to match)")
            return


RULES = (ingestion_delays_are_distributions, scheduled_expectations_can_hold)
