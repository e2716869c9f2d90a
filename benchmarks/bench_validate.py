"""Time `validate_pack` on a generated pack of 2,000 detections (target: under 2 s wall on 2 cores).

    .venv/bin/python benchmarks/bench_validate.py [--detections 2000] [--repeat 3]

Each generated detection is a full ESCU-5.x-form TTP (long description, multi-line search, two drilldowns,
rba, tags, a test), about the size of an ESCU detection, taking its story, data source and macros from 20
stories, 10 data sources and 30 macros that are generated too. Prints the best and median wall time over
several runs (after one warm-up run, as schemas are compiled and ATT&CK data loaded once per process), the
CPU time, and the load average: on a shared machine the wall time is only meaningful with the load. The
warm-up also fills the process-wide memos (macro calls, each distinct SPL command's parse), so the figure is
a lower bound for a first run; ``bench_build.py``'s command-line figure is a true first run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from contentpack.content.model import detection_file_stem
from contentpack.content.validate import validate_pack

DESCRIPTION = (
    "Finds sign-ins where a user refused the permissions that an OAuth application requested from the "
    "tenant. Refusals are a useful early signal, as users who decline a prompt often found it suspicious, and "
    "several refusals for the same application across the tenant point at a consent-phishing campaign that "
    "deserves a closer look before someone eventually clicks accept. "
)


# Fields every generated search groups by (its data source's output fields, and what its rba message and
# drilldowns use), and the optional ones it may add: which of those follows the bits of its index, so up to
# 2,048 detections each group differently. That keeps the pack as repetitive as ESCU and no more: in ESCU's
# searches, macros expanded, 68% of the commands repeat one seen before (same text, same place), here 5 of 7
# (71%), and no two searches share the commands after their first, as few do in ESCU (85% distinct). A memo
# of whole commands or of search tails gains here what it gains on real content, not more
# (tests/test_bench_pack.py compares the two).
_ALWAYS = ("dest", "user", "src", "vendor_account", "vendor_product", "appDisplayName")
_OPTIONAL = ("signature", "signature_id", "user_agent", "app", "src_ip", "action", "result", "category",
             "operationName", "riskState", "tenantId")


def _group_by(index: int) -> str:
    return " ".join((*_ALWAYS, *(field for bit, field in enumerate(_OPTIONAL) if index >> bit & 1)))


def _detection(index: int, story: str, data_source: str, macro: str) -> tuple[str, str]:
    """One detection file. Its search is its own (an application excluded by id), as every ESCU search is, so
    nothing that remembers whole searches or their drilldowns gains more here than it would on real content,
    and so is its grouping (see ``_OPTIONAL``); what repeats is what repeats in ESCU (macro calls, drilldown templates,
    stories, data sources)."""
    name = f"Generated Consent Detection {index:05d}"
    stem = detection_file_stem(name)
    text = f"""name: {name}
id: {uuid.UUID(int=index + 1)}
version: 3
date: '2025-04-30'
author: Bench Author, Bench Company
status: production
type: TTP
data_source:
- {data_source}
description: {DESCRIPTION * 2}
search: '`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004
  properties.appId!="{uuid.UUID(int=10**9 + index)}" `{macro}`
  | rename properties.* as *
  | fillnull
  | stats count min(_time) as firstTime max(_time) as lastTime by {_group_by(index)}
  | `security_content_ctime(firstTime)`
  | `security_content_ctime(lastTime)`
  | `{stem}_filter`'
how_to_implement: Install the Splunk Add-on for Microsoft Cloud Services and stream Entra ID sign-in
  logs through an Event Hub into the azure:monitor:aad sourcetype.
known_false_positives: Users sometimes refuse legitimate applications; tune the filter macro.
references:
- https://attack.mitre.org/techniques/T1528/
- https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes
drilldown_searches:
- name: View the detection results for - "$user$"
  search: '%original_detection_search% | search  user = "$user$"'
  earliest_offset: $info_min_time$
  latest_offset: $info_max_time$
- name: View risk events for the last 7 days for - "$user$"
  search: '| from datamodel Risk.All_Risk | search normalized_risk_object IN ("$user$")
    starthoursago=168 | stats count min(_time) as firstTime max(_time) as lastTime
    values(search_name) as "Search Name" by normalized_risk_object
    | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)`'
  earliest_offset: $info_min_time$
  latest_offset: $info_max_time$
rba:
  message: User $user$ refused consent for the OAuth application $appDisplayName$.
  risk_objects:
  - field: user
    type: user
    score: 36
  threat_objects:
  - field: src
    type: ip_address
tags:
  analytic_story:
  - {story}
  asset_type: Azure Tenant
  mitre_attack_id:
  - T1528
  - T1566.002
  product:
  - Splunk Enterprise
  - Splunk Enterprise Security
  - Splunk Cloud
  security_domain: identity
tests:
- name: True Positive Test
  attack_data:
  - data: https://example.com/attack_data/T1528/consent_declined_{index}.log
    source: Azure AD
    sourcetype: azure:monitor:aad
  expected_results: 1
  expected_rows:
  - user: alice@contoso.example
"""
    return f"detections/cloud/{stem}.yml", text


def generate(root: Path, detections: int) -> None:
    for folder in ("detections/cloud", "macros", "stories", "data_sources", "lookups"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "contentpack.yml").write_text(
        "app:\n  appid: DA-ESS-Bench\n  label: BEN\n  title: Bench\n  version: 1.0.0\n  description: bench\n"
        "  author_name: Bench\n  author_email: bench@example.com\n  author_company: Bench\n",
        encoding="utf-8",
    )
    (root / "macros/azure_monitor_aad.yml").write_text(
        "name: azure_monitor_aad\ndefinition: sourcetype=azure:monitor:aad\ndescription: events\n", encoding="utf-8"
    )
    (root / "macros/security_content_ctime.yml").write_text(
        "name: security_content_ctime\narguments:\n- field\ndefinition: convert ctime($field$)\n"
        "description: readable time\n",
        encoding="utf-8",
    )
    macros = [f"bench_macro_{i:02d}" for i in range(30)]
    for name in macros:
        (root / f"macros/{name}.yml").write_text(
            f"name: {name}\ndefinition: search *\ndescription: generated\n", encoding="utf-8"
        )
    stories = [f"Bench Story {i:02d}" for i in range(20)]
    for i, name in enumerate(stories):
        (root / f"stories/bench_story_{i:02d}.yml").write_text(
            f"name: {name}\nid: {uuid.UUID(int=10**6 + i)}\nversion: 1\ndate: '2025-01-01'\nauthor: Bench\n"
            "status: production\ndescription: generated story\nnarrative: generated narrative\n"
            "tags:\n  category:\n  - Cloud Security\n  product:\n  - Splunk Enterprise\n"
            "  usecase: Advanced Threat Detection\n",
            encoding="utf-8",
        )
    sources = [f"Bench Data Source {i:02d}" for i in range(10)]
    for i, name in enumerate(sources):
        (root / f"data_sources/bench_data_source_{i:02d}.yml").write_text(
            f"name: {name}\nid: {uuid.UUID(int=2 * 10**6 + i)}\nversion: 1\ndate: '2025-01-01'\nauthor: Bench\n"
            "description: generated\nsource: Azure AD\nsourcetype: azure:monitor:aad\n"
            "output_fields:\n- dest\n- user\n- src\n- vendor_account\n- vendor_product\n"
            "attacker_controlled_fields:\n- properties.userAgent\n",
            encoding="utf-8",
        )
    for index in range(detections):
        path, text = _detection(index, stories[index % 20], sources[index % 10], macros[index % 30])
        (root / path).write_text(text, encoding="utf-8")


def _time(root: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one validate_pack run; the generated pack must come out clean."""
    start, cpu = time.perf_counter(), time.process_time()
    result = validate_pack(root)
    elapsed, cpu_used = time.perf_counter() - start, time.process_time() - cpu
    if result.diagnostics:
        sys.exit(f"generated pack is not clean: {result.diagnostics[0].render()}")
    return elapsed, cpu_used


def _reference_loop() -> float:
    """CPU seconds of a fixed pure-Python loop: how fast this machine runs Python right now (~1 s idle)."""
    start = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description="benchmark validate_pack")
    parser.add_argument("--detections", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        root = Path(tmp)
        os.environ["CONTENTPACK_CACHE_DIR"] = str(root / ".parse-cache")  # never the user's own cache
        generate(root, args.detections)
        size = sum(f.stat().st_size for f in (root / "detections").rglob("*.yml"))
        os.environ["CONTENTPACK_CACHE"] = "off"  # every file parsed, as on a fresh machine or in CI
        _time(root)  # warm-up: page cache, schema compilation, ATT&CK data (as a CLI run pays once)
        runs = [_time(root) for _ in range(args.repeat)]
        os.environ["CONTENTPACK_CACHE"] = "on"
        _time(root)  # fills the parse cache
        cached = [_time(root)[0] for _ in range(args.repeat)]
        walls = [wall for wall, _ in runs]
        load = os.getloadavg()[0]
        reference = _reference_loop()
        print(
            f"validate_pack: {args.detections} detections ({size / 1e6:.1f} MB of YAML) + 32 macros, 20 stories, "
            f"10 data sources, parse cache off: best {min(walls):.2f} s, median {statistics.median(walls):.2f} s "
            f"wall; best CPU {min(cpu for _, cpu in runs):.2f} s (one process); load average {load:.1f} on {os.cpu_count()} CPUs, reference loop {reference:.2f} s "
            f"CPU; target < 2 s wall (memo caches warm from the warm-up: a lower bound)"
        )
        print(f"validate_pack, nothing changed since the last run (parse cache on): best {min(cached):.2f} s, "
              f"median {statistics.median(cached):.2f} s wall")
    return 0


if __name__ == "__main__":
    sys.exit(main())
