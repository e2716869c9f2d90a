"""The shipped ATT&CK data: the reader works, the file is exactly what the refresh script writes from the
local bundle, and MITRE's revoked/deprecated flags survive the compaction (the validator relies on them)."""

from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from contentpack import attack

REPO = Path(__file__).resolve().parents[2]
# MITRE's bundle, gzip-compressed in tests/fixtures (tests/fixtures/README.md); ``bundle`` unpacks it under its name.
FIXTURES = REPO / "tests" / "fixtures" / "mitre_attack"
BUNDLE_GZ = FIXTURES / "enterprise-attack-18.1-techniques.json.gz"
SHIPPED = REPO / "src" / "contentpack" / "data" / "attack_enterprise.json"
SCRIPT = REPO / "scripts" / "refresh_attack.py"


def _script_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("refresh_attack", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bundle_bytes() -> bytes:
    return gzip.decompress(BUNDLE_GZ.read_bytes())


def bundle(folder: Path) -> Path:
    """The bundle unpacked into ``folder`` under its original name (the refresh script reads the version off it)."""
    path = folder / BUNDLE_GZ.name.removesuffix(".gz")
    path.write_bytes(bundle_bytes())
    return path


def test_shipped_file_regenerates_identically_from_the_local_bundle(tmp_path: Path) -> None:
    out = tmp_path / "attack.json"
    local = bundle(tmp_path)
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--local", str(local), "--output", str(out)],
        capture_output=True, text=True, check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "wrote 835 techniques" in run.stdout
    assert out.read_bytes() == SHIPPED.read_bytes()


def test_script_reports_a_missing_bundle_without_traceback(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--local", str(tmp_path / "nope.json"), "--output", str(tmp_path / "o.json")],
        capture_output=True, text=True, check=False,
    )
    assert run.returncode == 2
    assert "no such file" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "o.json").exists()


def test_catalog_version_and_size() -> None:
    catalog = attack.load()
    assert catalog.version == "18.1"
    assert len(catalog) == 835  # every attack-pattern in the bundle, revoked and deprecated ones included
    assert len(catalog.tactics) == 14
    assert attack.load() is catalog  # cached: parsed once per process


def test_technique_fields_for_the_packs_main_technique() -> None:
    t1528 = attack.load().technique("T1528")
    assert t1528 is not None
    assert t1528.name == "Steal Application Access Token"
    assert [(t.id, t.shortname, t.name) for t in t1528.tactics] == [("TA0006", "credential-access", "Credential Access")]
    assert not t1528.is_subtechnique and not t1528.revoked and not t1528.deprecated
    assert t1528.url == "https://attack.mitre.org/techniques/T1528"


def test_subtechnique_with_two_tactics() -> None:
    sub = attack.load().technique("T1098.003")
    assert sub is not None
    assert sub.name == "Additional Cloud Roles"
    assert sub.is_subtechnique
    assert {t.id for t in sub.tactics} == {"TA0003", "TA0004"}


def test_revoked_and_deprecated_flags_match_the_bundle() -> None:
    catalog = attack.load()
    revoked = catalog.technique("T1066")  # "Indicator Removal from Tools", revoked by MITRE
    deprecated = catalog.technique("T1153")  # "Source", deprecated by MITRE
    assert revoked is not None and revoked.revoked and not revoked.deprecated
    assert deprecated is not None and deprecated.deprecated and not deprecated.revoked
    bundle = json.loads(bundle_bytes())
    expected_revoked = {
        o["external_references"][0]["external_id"] for o in bundle["objects"]
        if o["type"] == "attack-pattern" and o.get("revoked")
    }
    assert {t.id for t in catalog if t.revoked} == expected_revoked
    assert len(expected_revoked) == 132


def test_unknown_id_is_none() -> None:
    catalog = attack.load()
    assert catalog.technique("T9999") is None
    assert "T9999" not in catalog and "T1528" in catalog


def test_licence_is_shipped_beside_the_data() -> None:
    assert attack.licence_text() == (FIXTURES / "LICENSE.txt").read_text(encoding="utf-8")


def test_compact_keeps_the_live_object_when_a_revoked_one_shares_its_id() -> None:
    script = _script_module()
    tactic = {"x_mitre_shortname": "credential-access", "name": "Credential Access",
              "external_references": [{"source_name": "mitre-attack", "external_id": "TA0006", "url": "u"}]}
    phase = [{"kill_chain_name": "mitre-attack", "phase_name": "credential-access"}]
    ref = [{"source_name": "mitre-attack", "external_id": "T1", "url": "x"}]
    live = {"name": "Live", "external_references": ref, "kill_chain_phases": phase}
    old = {"name": "Old", "revoked": True, "external_references": ref, "kill_chain_phases": phase}
    for order in ([old, live], [live, old]):
        data = script.compact(order, [tactic], "1.0")
        assert data["techniques"]["T1"]["name"] == "Live"


def test_compact_rejects_a_technique_naming_an_unknown_tactic() -> None:
    script = _script_module()
    pattern = {"name": "X", "external_references": [{"source_name": "mitre-attack", "external_id": "T2"}],
               "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "nowhere"}]}
    with pytest.raises(script.RefreshError, match="unknown tactic"):
        script.compact([pattern], [], "1.0")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format=99), "unsupported format"),
        (lambda d: d.pop("attack_version"), "'attack_version' must be a str"),
        (lambda d: d["techniques"]["T1528"].update(tactics=["TA9999"]), "unknown tactic"),
        (lambda d: d["techniques"]["T1528"].update(revoked="no"), "'revoked' must be a bool"),
    ],
)
def test_malformed_file_gives_a_clear_error(mutate, message: str) -> None:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    mutate(data)
    with pytest.raises(attack.AttackDataError, match=message):
        attack.parse_catalog(data)


def test_unreadable_shipped_file_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken install (the data file cut short) is named as the shipped file, not a JSON traceback."""
    class Truncated:
        def joinpath(self, *_parts: str) -> Truncated:
            return self

        def read_text(self, **_options: str) -> str:
            return "{not json"

    monkeypatch.setattr(attack.resources, "files", lambda _package: Truncated())
    attack.load.cache_clear()
    try:
        with pytest.raises(attack.AttackDataError, match="shipped attack_enterprise.json cannot be read"):
            attack.load()
    finally:
        attack.load.cache_clear()


def test_unreachable_taxii_server_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    import attackcti

    def offline(*_args: object, **_kwargs: object) -> None:
        raise ConnectionError("Name or service not known")

    monkeypatch.setattr(attackcti, "attack_client", offline, raising=False)
    script = _script_module()
    status = script.main(["--attack-version", "18.1", "--output", str(tmp_path / "o.json")])
    assert status == 2
    err = capsys.readouterr().err
    assert "TAXII" in err and "--local" in err and "Name or service not known" in err
    assert not (tmp_path / "o.json").exists()


@pytest.mark.slow
def test_version_comes_from_the_file_name_or_the_flag(tmp_path: Path) -> None:
    copy = tmp_path / "bundle-without-version.json"
    copy.write_bytes(bundle_bytes())
    out = tmp_path / "o.json"
    run = subprocess.run([sys.executable, str(SCRIPT), "--local", str(copy), "--output", str(out)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 2 and "--attack-version" in run.stderr
    run = subprocess.run([sys.executable, str(SCRIPT), "--local", str(copy), "--attack-version", "18.1",
                          "--output", str(out)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == SHIPPED.read_bytes()
