#!/usr/bin/env python3
"""Refresh the compact MITRE ATT&CK Enterprise data the pack ships (``src/contentpack/data/attack_enterprise.json``).

Why a script and a shipped file: the validator and the builder must check ATT&CK ids with no network access
(CI and these machines have none), so the data is fetched once, by a person, and committed. ``attackcti`` does
the fetching: from MITRE's TAXII server when reachable, or from a local STIX bundle with ``--local PATH``
(``attack_client(local_paths={"enterprise": PATH}, connect_taxii=False)`` makes no network call at all).

The output is deterministic (sorted keys, no timestamps, no absolute paths) so that re-running the script on
the same bundle gives a byte-identical file — the test suite checks exactly that.

Usage::

    gunzip -c tests/fixtures/mitre_attack/enterprise-attack-18.1-techniques.json.gz > /tmp/enterprise-attack-18.1-techniques.json
    python scripts/refresh_attack.py --local /tmp/enterprise-attack-18.1-techniques.json
    python scripts/refresh_attack.py --attack-version 18.1          # online (TAXII)

Exit status: 0 written, 2 usage or input error (message on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "src" / "contentpack" / "data" / "attack_enterprise.json"
FORMAT_VERSION = 1  # bump when the layout below changes; contentpack.attack checks it
KILL_CHAIN = "mitre-attack"
_VERSION_IN_NAME = re.compile(r"enterprise-attack-(\d+(?:\.\d+)*)")


class RefreshError(Exception):
    """A problem with the input the user can fix (bad path, unknown version); printed without a traceback."""


def _get(obj: Any, key: str, default: Any = None) -> Any:
    """Read a STIX property from either a ``stix2`` object or a plain dict (attackcti returns both)."""
    try:
        return obj[key]
    except (KeyError, TypeError):
        return getattr(obj, key, default)


def _attack_reference(obj: Any) -> tuple[str, str] | None:
    """The (ATT&CK id, url) from the object's ``mitre-attack`` external reference, if it has one."""
    for ref in _get(obj, "external_references", []) or []:
        if _get(ref, "source_name") == "mitre-attack" and _get(ref, "external_id"):
            return str(_get(ref, "external_id")), str(_get(ref, "url", "") or "")
    return None


def compact(techniques: Iterable[Any], tactics: Iterable[Any], version: str) -> dict[str, Any]:
    """Reduce STIX attack-patterns and tactics to the fields the pack needs.

    Tactics are stored once in a table keyed by TA id; each technique lists its tactics' TA ids (sorted, so
    the output never depends on the bundle's object order), which keeps the file small and lets the reader
    hand out shared ``Tactic`` objects.
    """
    tactic_table: dict[str, dict[str, str]] = {}
    shortname_to_id: dict[str, str] = {}
    for tactic in tactics:
        ref = _attack_reference(tactic)
        shortname = _get(tactic, "x_mitre_shortname")
        if ref is None or not shortname:
            continue
        tactic_id, url = ref
        tactic_table[tactic_id] = {"shortname": str(shortname), "name": str(_get(tactic, "name")), "url": url}
        shortname_to_id[str(shortname)] = tactic_id

    technique_table: dict[str, dict[str, Any]] = {}
    for pattern in techniques:
        ref = _attack_reference(pattern)
        if ref is None:
            continue
        technique_id, url = ref
        phases = [
            str(_get(phase, "phase_name"))
            for phase in _get(pattern, "kill_chain_phases", []) or []
            if _get(phase, "kill_chain_name") == KILL_CHAIN
        ]
        unknown = [p for p in phases if p not in shortname_to_id]
        if unknown:
            raise RefreshError(f"technique {technique_id} names unknown tactic(s) {unknown}")
        tactic_ids = sorted({shortname_to_id[p] for p in phases})
        entry = {
            "name": str(_get(pattern, "name")),
            "tactics": tactic_ids,
            "is_subtechnique": bool(_get(pattern, "x_mitre_is_subtechnique", False)),
            "revoked": bool(_get(pattern, "revoked", False)),
            "deprecated": bool(_get(pattern, "x_mitre_deprecated", False)),
            "url": url,
        }
        previous = technique_table.get(technique_id)
        # Only a revoked object may share its id with a live one; keep the live one.
        if previous is None or (previous["revoked"] and not entry["revoked"]):
            technique_table[technique_id] = entry

    if not technique_table:
        raise RefreshError("the ATT&CK source holds no techniques (attack-pattern objects)")
    return {
        "format": FORMAT_VERSION,
        "domain": "enterprise-attack",
        "attack_version": version,
        "licence": "ATTACK_LICENSE.txt",
        "generated_by": "scripts/refresh_attack.py (attackcti)",
        "tactics": tactic_table,
        "techniques": technique_table,
    }


def render(data: Mapping[str, Any]) -> str:
    """The exact text written: sorted keys, one technique per line-block, trailing newline."""
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _collection_version(client: Any) -> str | None:
    """ATT&CK's release number, when the source carries an ``x-mitre-collection`` object (full bundles do)."""
    from stix2 import Filter  # attackcti depends on stix2

    source = getattr(client, "TC_ENTERPRISE_SOURCE", None)
    if source is None:
        return None
    collections = source.query([Filter("type", "=", "x-mitre-collection")])
    versions = sorted(str(_get(c, "x_mitre_version")) for c in collections if _get(c, "x_mitre_version"))
    return versions[-1] if versions else None


def resolve_version(explicit: str | None, client: Any, local: Path | None) -> str:
    """Explicit ``--attack-version`` wins, then the bundle's collection object, then the bundle's file name."""
    if explicit:
        return explicit
    from_collection = _collection_version(client)
    if from_collection:
        return from_collection
    if local is not None:
        match = _VERSION_IN_NAME.search(local.name)
        if match:
            return match.group(1)
    raise RefreshError("cannot tell the ATT&CK version of this source; pass --attack-version X.Y")


def load_client(local: Path | None) -> Any:
    """An attackcti client: local bundle with no network, or MITRE's TAXII server."""
    from attackcti import attack_client

    if local is None:
        try:
            return attack_client()
        except Exception as exc:  # network, TLS or TAXII protocol errors: all mean "no online source"
            raise RefreshError(f"cannot load ATT&CK from MITRE's TAXII server ({exc}); use --local PATH") from exc
    if not local.is_file():
        raise RefreshError(f"{local}: no such file")
    try:
        return attack_client(local_paths={"enterprise": str(local)}, connect_taxii=False)
    except (ValueError, OSError, json.JSONDecodeError) as exc:
        raise RefreshError(f"{local}: not a readable STIX bundle: {exc}") from exc


def build(local: Path | None, explicit_version: str | None) -> str:
    """The compact file's text for the given source."""
    client = load_client(local)
    techniques = client.get_techniques(skip_revoked_deprecated=False)
    tactics = client.get_enterprise_tactics()
    version = resolve_version(explicit_version, client, local)
    return render(compact(techniques, tactics, version))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the pack's compact ATT&CK Enterprise data file.")
    parser.add_argument("--local", type=Path, help="a local STIX 2.x enterprise-attack bundle (no network)")
    parser.add_argument("--attack-version", help="ATT&CK release, e.g. 18.1 (default: read from the source)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON")
    args = parser.parse_args(argv)
    try:
        text = build(args.local, args.attack_version)
    except RefreshError as exc:
        print(f"refresh_attack: error: {exc}", file=sys.stderr)
        return 2
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    count = text.count('"is_subtechnique"')
    print(f"refresh_attack: wrote {count} techniques to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
