"""The scheduled replay's YAML extensions: an ingestion delay that is a distribution (CP070) and scheduled
expectations that can be met (CP071). The schema already checks their shapes; these rules check what a
schema cannot (ordering, contradictions). ``docs/replay.md`` describes both extensions.
"""

from __future__ import annotations

from collections.abc import Iterator

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.model import IngestionDelay, SourceMap
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
    """CP071: no contradiction between expected_notables, max_notables and detect_within, and expected_risk
    only where some detection of the test writes risk."""
    for detection in context.pack.detections:
        for t_index, test in enumerate(detection.tests):
            here = ("tests", t_index)
            if (test.expected_notables is not None and test.max_notables is not None
                    and test.expected_notables > test.max_notables):
                yield error(detection.source.at(*here, "max_notables"), "CP071",
                            f"max_notables {test.max_notables} is below expected_notables {test.expected_notables}")
            if test.detect_within is not None and 0 in (test.expected_notables, test.max_notables) \
                    and detection.rba is None:
                yield error(detection.source.at(*here, "detect_within"), "CP071",
                            "detect_within on a test that expects no notable and writes no risk can never hold")
            if test.expected_risk and detection.rba is None and not test.risk_from:
                yield error(detection.source.key(*here, "expected_risk"), "CP071",
                            "expected_risk on a test where no detection writes risk (no rba block, no risk_from)")


RULES = (ingestion_delays_are_distributions, scheduled_expectations_can_hold)
