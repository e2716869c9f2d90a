"""What a detection's type, status and deployment demand (CP030–CP033), as contentctl enforces it."""

from __future__ import annotations

from collections.abc import Iterator

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.rules import RuleContext
from contentpack.content.rules.search import ORIGINAL_SEARCH

MIN_DRILLDOWNS = 2


def drilldowns(context: RuleContext) -> Iterator[Diagnostic]:
    """CP030: production non-Hunting detections need ≥ 2 drilldowns, one re-running the detection search."""
    for detection in context.pack.detections:
        if detection.status != "production" or detection.type == "Hunting":
            continue
        count = len(detection.drilldown_searches)
        if count < MIN_DRILLDOWNS:
            yield error(
                detection.source.key("drilldown_searches"),
                "CP030",
                f"production {detection.type} detections need at least {MIN_DRILLDOWNS} drilldown_searches, "
                f"found {count}",
            )
        elif not any(ORIGINAL_SEARCH in d.search for d in detection.drilldown_searches):
            yield error(detection.source.key("drilldown_searches"), "CP030",
                        f"no drilldown search uses {ORIGINAL_SEARCH}")


def rba_matches_deployment(context: RuleContext) -> Iterator[Diagnostic]:
    """CP031: an rba block exactly when the effective deployment enables risk-based alerting."""
    for detection in context.pack.detections:
        enabled = detection.effective_deployment.rba_enabled
        if enabled and detection.rba is None:
            yield error(
                detection.source.key("type"),
                "CP031",
                f"an rba block is required: {detection.actions_origin} enables risk-based alerting",
            )
        elif not enabled and detection.rba is not None:
            yield error(
                detection.source.key("rba"),
                "CP031",
                f"rba must be omitted: {detection.actions_origin} does not enable risk-based alerting",
            )


def tests_required(context: RuleContext) -> Iterator[Diagnostic]:
    """CP032: production detections need a test, except Correlation and manual_test ones."""
    for detection in context.pack.detections:
        if (
            detection.status == "production"
            and detection.type != "Correlation"
            and detection.tags.manual_test is None
            and not detection.tests
        ):
            yield error(
                detection.source.key("tests"),
                "CP032",
                "at least one test is required for a production detection (or set tags.manual_test)",
            )


def enabled_by_default_allowed(context: RuleContext) -> Iterator[Diagnostic]:
    """CP033: only production TTP/Anomaly/Correlation detections may be enabled on install."""
    for detection in context.pack.detections:
        if detection.enabled_by_default and (
            detection.status != "production" or detection.type not in ("TTP", "Anomaly", "Correlation")
        ):
            yield error(
                detection.source.at("enabled_by_default"),
                "CP033",
                f"enabled_by_default is only allowed for production TTP, Anomaly or Correlation detections "
                f"(this one is {detection.status} {detection.type})",
            )


RULES = (drilldowns, rba_matches_deployment, tests_required, enabled_by_default_allowed)
