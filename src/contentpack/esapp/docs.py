"""dist/docs/: one Markdown page per detection and an index, for analysts who never open the YAML.

Text from the YAML is placed in Markdown as written (it is the authors' prose); the search goes in a fenced
block whose fence is longer than any run of the fence character inside it, so SPL backticks and tildes
cannot close it early.
"""

from __future__ import annotations

import re

from contentpack.attack import AttackCatalog
from contentpack.content.naming import stanza_name
from contentpack.content.model import Detection, Pack


def fenced(text: str, info: str = "") -> str:
    longest = max((len(m) for m in re.findall(r"~+", text)), default=0)
    fence = "~" * max(3, longest + 1)
    return f"{fence}{info}\n{text.rstrip()}\n{fence}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def attack_rows(detection: Detection, catalog: AttackCatalog) -> list[str]:
    rows = ["| Technique | Name | Tactics |", "| --- | --- | --- |"]
    for tid in detection.tags.mitre_attack_id:
        tech = catalog.technique(tid)
        if tech is None:
            rows.append(f"| {tid} | (not in ATT&CK {catalog.version}) | |")
            continue
        tactics = ", ".join(f"{t.name} ({t.id})" for t in tech.tactics)
        rows.append(f"| [{tid}]({tech.url}) | {_cell(tech.name)} | {_cell(tactics)} |")
    return rows


def detection_page(pack: Pack, detection: Detection, catalog: AttackCatalog) -> str:
    d = detection
    lines = [f"# {d.name}", "",
             f"- **ID:** `{d.id}`  ", f"- **Type:** {d.type}  ", f"- **Status:** {d.status}  ",
             f"- **Version:** {d.version} ({d.date.isoformat()})  ", f"- **Author:** {d.author}  ",
             f"- **Correlation search:** `{stanza_name(pack.app, d)}`  ",
             f"- **Enabled by default:** {'yes' if d.enabled_by_default else 'no'}", "",
             "## What it finds", "", d.description.strip(), "",
             "## Search", "", fenced(d.search, "spl"), "",
             "## How to implement", "", d.how_to_implement.strip(), "",
             "## Known false positives", "", d.known_false_positives.strip(), ""]
    if d.tags.mitre_attack_id:
        lines += ["## ATT&CK mapping", "", *attack_rows(d, catalog), ""]
    if d.rba is not None:
        lines += ["## Risk", "", f"Message: {d.rba.message}", "", "| Field | Type | Score |", "| --- | --- | --- |"]
        lines += [f"| `{r.field}` | {r.type} | {r.score} |" for r in d.rba.risk_objects]
        lines += [f"| `{t.field}` | threat: {t.type} | |" for t in d.rba.threat_objects]
        lines.append("")
    if d.data_source:
        lines += ["## Data sources", "", *[f"- {s}" for s in d.data_source], ""]
    if d.tags.analytic_story:
        lines += ["## Analytic stories", "", *[f"- {s}" for s in d.tags.analytic_story], ""]
    datasets = [(t.name, a) for t in d.tests for a in t.attack_data]
    if datasets:
        lines += ["## Test datasets", "", "| Test | Data | Source | Sourcetype |", "| --- | --- | --- | --- |"]
        lines += [f"| {_cell(name)} | `{_cell(a.data)}` | {_cell(a.source)} | {_cell(a.sourcetype)} |"
                  for name, a in datasets]
        lines.append("")
    if d.references:
        lines += ["## References", "", *[f"- <{r}>" for r in d.references], ""]
    return "\n".join(lines)


def index_page(pack: Pack) -> str:
    lines = [f"# {pack.app.title} - detections", "", "| Detection | Type | Status | ATT&CK |", "| --- | --- | --- | --- |"]
    for d in pack.detections:
        lines.append(f"| [{_cell(d.name)}](detections/{d.file_stem}.md) | {d.type} | {d.status} | "
                     f"{', '.join(d.tags.mitre_attack_id)} |")
    lines += ["", "The ATT&CK Navigator layer `attack_navigator_layer.json` shows the coverage: open it in the "
              "MITRE ATT&CK Navigator (Open Existing Layer, Upload from local). ATT&CK data: see ATTACK_LICENSE.txt.", ""]
    return "\n".join(lines)


def page_name(detection: Detection) -> str:
    """Where a detection's page goes, relative to docs/."""
    return f"detections/{detection.file_stem}.md"

