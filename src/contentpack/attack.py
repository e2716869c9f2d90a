"""The MITRE ATT&CK Enterprise data shipped inside the package, read-only at run time.

Why shipped: the validator (are a detection's ``mitre_attack_id`` values real, not revoked, not deprecated?)
and the builder (tactic names for the app's annotations) must work with no network. The file
``data/attack_enterprise.json`` is written by ``scripts/refresh_attack.py`` from MITRE's STIX data through
``attackcti``; MITRE's licence travels beside it as ``data/ATTACK_LICENSE.txt``.

Usage::

    from contentpack import attack
    catalog = attack.load()            # parsed once per process
    t = catalog.technique("T1528")     # Technique | None
    [tac.id for tac in t.tactics]      # ['TA0006']
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any

DATA_FILE = "attack_enterprise.json"
LICENCE_FILE = "ATTACK_LICENSE.txt"
SUPPORTED_FORMAT = 1


class AttackDataError(Exception):
    """The shipped ATT&CK file is missing or malformed (a packaging bug, not a content error)."""


@dataclass(frozen=True)
class Tactic:
    shortname: str  # the STIX kill-chain phase name, e.g. "credential-access"
    name: str  # e.g. "Credential Access"
    id: str  # e.g. "TA0006"


@dataclass(frozen=True)
class Technique:
    id: str  # "T1528" or "T1098.003"
    name: str
    tactics: tuple[Tactic, ...]
    is_subtechnique: bool
    revoked: bool
    deprecated: bool
    url: str


@dataclass(frozen=True)
class AttackCatalog:
    """All Enterprise techniques of one ATT&CK release, revoked and deprecated ones included."""

    version: str
    techniques: Mapping[str, Technique]
    tactics: Mapping[str, Tactic]

    def technique(self, technique_id: str) -> Technique | None:
        return self.techniques.get(technique_id)

    def __contains__(self, technique_id: object) -> bool:
        return technique_id in self.techniques

    def __iter__(self) -> Iterator[Technique]:
        return iter(self.techniques.values())

    def __len__(self) -> int:
        return len(self.techniques)


def _require(mapping: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    value = mapping.get(key)
    if not isinstance(value, kind):
        raise AttackDataError(f"{where}: '{key}' must be a {kind.__name__}")
    return value


def parse_catalog(data: Any, origin: str = DATA_FILE) -> AttackCatalog:
    """Build the catalog from the decoded JSON, checking its layout so a bad file fails loudly here."""
    if not isinstance(data, dict):
        raise AttackDataError(f"{origin}: top level must be an object")
    if data.get("format") != SUPPORTED_FORMAT:
        raise AttackDataError(f"{origin}: unsupported format {data.get('format')!r} (expected {SUPPORTED_FORMAT})")
    version = _require(data, "attack_version", str, origin)
    tactic_rows = _require(data, "tactics", dict, origin)
    tactics: dict[str, Tactic] = {}
    for tactic_id, row in tactic_rows.items():
        where = f"{origin}: tactic {tactic_id}"
        if not isinstance(row, dict):
            raise AttackDataError(f"{where}: must be an object")
        tactics[tactic_id] = Tactic(_require(row, "shortname", str, where), _require(row, "name", str, where), tactic_id)
    techniques: dict[str, Technique] = {}
    for technique_id, row in _require(data, "techniques", dict, origin).items():
        where = f"{origin}: technique {technique_id}"
        if not isinstance(row, dict):
            raise AttackDataError(f"{where}: must be an object")
        tactic_ids = _require(row, "tactics", list, where)
        missing = [t for t in tactic_ids if t not in tactics]
        if missing:
            raise AttackDataError(f"{where}: unknown tactic id(s) {missing}")
        techniques[technique_id] = Technique(
            id=technique_id,
            name=_require(row, "name", str, where),
            tactics=tuple(tactics[t] for t in tactic_ids),
            is_subtechnique=_require(row, "is_subtechnique", bool, where),
            revoked=_require(row, "revoked", bool, where),
            deprecated=_require(row, "deprecated", bool, where),
            url=_require(row, "url", str, where),
        )
    return AttackCatalog(version, MappingProxyType(techniques), MappingProxyType(tactics))


@functools.cache
def load() -> AttackCatalog:
    """The catalog shipped in the package, parsed once per process."""
    try:
        text = resources.files("contentpack").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AttackDataError(f"shipped {DATA_FILE} cannot be read: {exc}") from exc
    return parse_catalog(data)


def licence_text() -> str:
    """MITRE's licence notice, which every copy of the data must carry (the builder ships it too)."""
    return resources.files("contentpack").joinpath("data", LICENCE_FILE).read_text(encoding="utf-8")
