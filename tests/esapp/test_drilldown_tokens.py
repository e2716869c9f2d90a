"""The pack's built drilldowns key only on fields an attacker cannot name freely.

Enterprise Security fills ``$field$`` tokens in drilldown searches with the notable's field values; its
documentation does not say the value is escaped (docs/build.md, "Drilldown safety"), so a token on a field
whose text an attacker chooses (an OAuth app's display name, a user agent) could close the quoted string and
append SPL. This test reads the drilldowns from the built savedsearches.conf of the repository's pack.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from contentpack.esapp.builder import render_app
from contentpack.esapp.conf import read_conf
from contentpack.esapp.dates import BuildDate
from contentpack.content.model import Drilldown, Pack
from contentpack.content.validate import validate_pack

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r"\$([A-Za-z0-9_.]+)\$")
TIME_TOKENS = {"info_min_time", "info_max_time"}


def controlled_fields(pack: Pack) -> set[str]:
    """Declared attacker-controlled fields, their names after ``rename properties.* as *`` and their aliases."""
    out: set[str] = set()
    for ds in pack.data_sources:
        for name in ds.attacker_controlled_fields:
            out |= {name, name.removeprefix("properties.")}
        out |= {a.alias for a in ds.search_time.field_aliases if a.source_field in out}
    return out


def drilldown_tokens(pack: Pack) -> dict[str, set[str]]:
    files = render_app(pack, BuildDate(0, "test")).files
    tokens: dict[str, set[str]] = {}
    for stanza in read_conf(files["default/savedsearches.conf"].decode()).stanzas:
        entries = dict(stanza.entries)
        for drill in json.loads(entries.get("action.notable.param.drilldown_searches", "[]")):
            found = set(TOKEN.findall(drill["search"])) | set(TOKEN.findall(drill["name"]))
            tokens.setdefault(stanza.name, set()).update(found - TIME_TOKENS)
    return tokens


def test_repository_drilldowns_avoid_attacker_controlled_fields() -> None:
    pack = validate_pack(ROOT).pack
    assert pack is not None and pack.detections
    controlled = controlled_fields(pack)
    assert "appDisplayName" in controlled  # the data sources do declare free-text fields
    tokens = drilldown_tokens(pack)
    assert tokens, "the pack ships drilldowns"
    exposed = {name: sorted(t & controlled) for name, t in tokens.items() if t & controlled}
    assert exposed == {}


def test_a_drilldown_on_a_display_name_would_be_caught() -> None:
    pack = validate_pack(ROOT).pack
    assert pack is not None
    bad = dataclasses.replace(pack.detections[0], drilldown_searches=(
        Drilldown('Apps named "$appDisplayName$"', '`azure_monitor_aad` appDisplayName="$appDisplayName$"', None, None),))
    tokens = drilldown_tokens(dataclasses.replace(pack, detections=(bad,)))
    assert set().union(*tokens.values()) & controlled_fields(pack) == {"appDisplayName"}
