"""MITRE ATT&CK ids (CP035–CP037) against the ATT&CK data the package ships (no network)."""

from __future__ import annotations

from collections.abc import Iterator

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.rules import RuleContext


def no_technique_overlap(context: RuleContext) -> Iterator[Diagnostic]:
    """CP035: listing a technique and one of its own sub-techniques is redundant (contentctl rejects it)."""
    for detection in context.pack.detections:
        ids = set(detection.tags.mitre_attack_id)
        for index, technique in enumerate(detection.tags.mitre_attack_id):
            parent = technique.split(".", 1)[0]
            if "." in technique and parent in ids:
                yield error(
                    detection.source.at("tags", "mitre_attack_id", index),
                    "CP035",
                    f"{technique} overlaps {parent}: list the technique or its sub-technique, not both",
                )


def techniques_exist(context: RuleContext) -> Iterator[Diagnostic]:
    """CP036 unknown id; CP037 id that MITRE revoked or deprecated."""
    reported_missing_data = False
    for detection in context.pack.detections:
        for index, technique_id in enumerate(detection.tags.mitre_attack_id):
            node = ("tags", "mitre_attack_id", index)  # its position is looked up only for a finding
            if context.attack is None:
                if not reported_missing_data:
                    reported_missing_data = True
                    yield error(detection.source.at(*node), "CP036",
                                f"cannot check ATT&CK ids: {context.attack_problem}")
                continue
            technique = context.attack.technique(technique_id)
            if technique is None:
                yield error(
                    detection.source.at(*node), "CP036",
                    f"{technique_id} is not a technique in ATT&CK {context.attack.version}"
                )
            elif technique.revoked or technique.deprecated:
                state = "revoked" if technique.revoked else "deprecated"
                yield error(
                    detection.source.at(*node),
                    "CP037",
                    f"{technique_id} ({technique.name}) is {state} in ATT&CK {context.attack.version}",
                )


RULES = (no_technique_overlap, techniques_exist)
