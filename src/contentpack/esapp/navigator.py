"""An ATT&CK Navigator layer (layer format 4.5) of the pack's coverage: one scored cell per technique.

The score is the number of production detections mapped to the technique; the comment names them, so an
analyst opening the layer sees both the heat map and which detection covers what.
"""

from __future__ import annotations

import json
from collections import defaultdict

from contentpack.attack import AttackCatalog
from contentpack.content.model import Pack

LAYER_FORMAT = "4.5"
NAVIGATOR_VERSION = "5.1.0"


def layer(pack: Pack, catalog: AttackCatalog) -> dict[str, object]:
    by_technique: dict[str, list[str]] = defaultdict(list)
    for d in pack.detections:
        if d.status == "deprecated":
            continue
        for tid in d.tags.mitre_attack_id:
            by_technique[tid].append(d.name)
    techniques = []
    for tid in sorted(by_technique):
        names = sorted(by_technique[tid])
        tech = catalog.technique(tid)
        techniques.append({
            "techniqueID": tid,
            "score": len(names),
            "color": "",
            "comment": "; ".join(names),
            "enabled": True,
            "metadata": [{"name": "technique", "value": tech.name}] if tech else [],
            "showSubtechniques": True,
        })
    top = max((len(names) for names in by_technique.values()), default=1)
    return {
        "name": f"{pack.app.title} coverage",
        "versions": {"attack": catalog.version.split(".")[0], "navigator": NAVIGATOR_VERSION, "layer": LAYER_FORMAT},
        "domain": "enterprise-attack",
        "description": f"Techniques covered by {pack.app.appid} {pack.app.version}; score = detections.",
        "filters": {"platforms": ["Identity Provider", "Office Suite", "SaaS", "IaaS"]},
        "sorting": 3,
        "layout": {"layout": "side", "aggregateFunction": "max", "showID": True, "showName": True,
                   "showAggregateScores": False, "countUnscored": False},
        "hideDisabled": False,
        "techniques": techniques,
        "gradient": {"colors": ["#d8f0ffff", "#1f6fb2ff"], "minValue": 0, "maxValue": max(1, top)},
        "legendItems": [],
        "metadata": [],
        "links": [],
        "showTacticRowBackground": False,
        "tacticRowBackground": "#dddddd",
        "selectTechniquesAcrossTactics": True,
        "selectSubtechniquesWithParent": False,
        "selectVisibleTechniques": False,
    }


def layer_json(pack: Pack, catalog: AttackCatalog) -> bytes:
    return (json.dumps(layer(pack, catalog), indent=2, sort_keys=False, ensure_ascii=False) + "\n").encode()
