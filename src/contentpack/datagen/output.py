"""Write scenarios to ``<out>/<scenario>/<scenario>.log`` plus ``dataset.yml`` (one place for the layout,
used by the CLI, the script and the reproducibility tests)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from contentpack.datagen.manifest import build_manifest, write_manifest
from contentpack.datagen.scenarios import generate
from contentpack.datagen.timing import Timing, apply_timing
from contentpack.datagen.writer import write_log


@dataclass(frozen=True)
class Written:
    scenario: str
    log_path: Path
    manifest_path: Path
    events: int
    bytes: int


def write_app_catalog(path: str | os.PathLike[str]) -> Path:
    """Write the app lookup CSV (``docs/app_catalog.csv``) from the generator's own app list."""
    from contentpack.datagen.app_catalog import catalog_csv

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(catalog_csv(), encoding="utf-8", newline="\n")
    return target


def refresh_docs(path: str | os.PathLike[str], manifests: Sequence[Mapping[str, Any]]) -> Path:
    """Rewrite the scenario-facts section of ``path`` from the scenarios' manifests (read by the caller, with
    the strict loader)."""
    from contentpack.datagen.docs import facts_markdown, replace_section

    target = Path(path)
    current = target.read_text(encoding="utf-8") if target.exists() else ""
    target.write_text(replace_section(current, facts_markdown([dict(m) for m in manifests])), encoding="utf-8", newline="\n")
    return target


def write_scenario(name: str, out_dir: str | os.PathLike[str], seed: int | None = None,
                   timing: Timing | None = None, variant: str | None = None) -> Written:
    """Write scenario ``name`` (or its timing variant, under the folder and file name ``variant``)."""
    scenario = generate(name, seed)
    if timing is not None and not timing.is_identity:
        scenario = replace(scenario, records=apply_timing(scenario.records, timing))
    target = variant or name
    folder = Path(out_dir) / target
    log_name = f"{target}.log"
    size = write_log(folder / log_name, scenario.records)
    manifest_path = folder / "dataset.yml"
    options = [] if variant is None else ["--variant", variant, *(timing or Timing()).options()]
    manifest = build_manifest(scenario, log_name, target, options)
    if timing is not None and not timing.is_identity:
        manifest["timing"] = {"variant_of": name, **timing.manifest()}
    write_manifest(manifest_path, manifest)
    return Written(target, folder / log_name, manifest_path, len(scenario.records), size)
