"""Byte-for-byte reproducibility: committed scenarios from their manifest seeds, scale mode per seed."""

from __future__ import annotations

import hashlib
import shlex
from pathlib import Path

import pytest
import yaml

from contentpack.cli import main
from contentpack.datagen.manifest import build_manifest, dump_manifest
from contentpack.datagen.output import write_scenario
from contentpack.datagen.scale import CHUNK_EVENTS, generate_lines, write_events
from contentpack.datagen.scenarios import SCENARIOS, generate

from .datagen_support import ATTACK_DATA, load_manifest, log_path


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_regenerating_with_the_manifest_seed_gives_identical_files(name: str, tmp_path: Path) -> None:
    manifest = load_manifest(name)
    seed = manifest["generator"]["seed"]
    written = write_scenario(name, tmp_path, seed)
    assert written.log_path.read_bytes() == log_path(name).read_bytes()
    assert written.manifest_path.read_bytes() == (ATTACK_DATA / name / "dataset.yml").read_bytes()


VARIANTS = sorted(p.parent.name for p in ATTACK_DATA.glob("*/dataset.yml") if p.parent.name not in SCENARIOS)


def test_the_committed_timing_variants_are_found() -> None:
    assert VARIANTS == ["admin_consent_edge", "campaign_late_sign_ins", "campaign_shifted_35m"]


@pytest.mark.parametrize("name", VARIANTS)
def test_a_timing_variant_is_named_and_remade_by_its_manifest_command(name: str, tmp_path: Path) -> None:
    """A variant's manifest named the scenario it varies and gave that scenario's command, which makes the
    scenario, not the variant: its name is the variant's, and its command, run, gives both files again."""
    manifest = load_manifest(name)
    assert manifest["name"] == name and manifest["timing"]["variant_of"] != name
    program, *args = shlex.split(manifest["generator"]["command"])
    assert program == "contentpack" and main([*args, "--out", str(tmp_path)]) == 0
    assert (tmp_path / name / f"{name}.log").read_bytes() == log_path(name).read_bytes()
    assert (tmp_path / name / "dataset.yml").read_bytes() == (ATTACK_DATA / name / "dataset.yml").read_bytes()


@pytest.mark.parametrize("name", sorted(p.parent.name for p in ATTACK_DATA.glob("*/dataset.yml")))
def test_a_manifest_command_stands_on_one_line_to_copy(name: str) -> None:
    """The YAML writer folded a command longer than 120 columns (``... --variant campaign_shifted_35m --shift`` /
    ``35m``): read back it was exact, copied from the file by hand it lost its last argument."""
    command = load_manifest(name)["generator"]["command"]
    assert f"\n  command: {command}\n" in (ATTACK_DATA / name / "dataset.yml").read_text(encoding="utf-8")


def test_only_a_command_is_left_unfolded() -> None:
    """Prose (a description) still folds at 120 columns; a command of any length does not."""
    manifest = build_manifest(generate("single_user_declines"), "x.log", "x", ["--shift", "1s"] * 40)
    manifest["description"] = " ".join(["word"] * 60)
    text = dump_manifest(manifest)
    assert f"  command: {manifest['generator']['command']}\n" in text and len(manifest["generator"]["command"]) > 300
    [described] = [line for line in text.splitlines() if line.startswith("description: ")]
    assert len(described) <= 125  # folded at the first space past 120 columns
    assert yaml.safe_load(text)["description"] == manifest["description"]


def test_a_different_seed_gives_different_data(tmp_path: Path) -> None:
    a = write_scenario("single_user_declines", tmp_path / "a", 1)
    b = write_scenario("single_user_declines", tmp_path / "b", 2)
    assert a.log_path.read_bytes() != b.log_path.read_bytes()


def test_generate_lines_is_deterministic_per_seed() -> None:
    first = list(generate_lines(1500, seed=3))
    assert first == list(generate_lines(1500, seed=3))
    assert first != list(generate_lines(1500, seed=4))
    assert len(first) == 1500 and all("\n" not in line for line in first)


@pytest.mark.slow
def test_write_events_matches_generate_lines_whatever_the_worker_count(tmp_path: Path) -> None:
    n = CHUNK_EVENTS + 1234  # two chunks, the second partial
    expected = hashlib.sha256("".join(line + "\n" for line in generate_lines(n, seed=5)).encode()).hexdigest()
    for workers in (1, 2):
        path = tmp_path / f"w{workers}.log"
        stats = write_events(path, n, seed=5, progress=False, workers=workers)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == expected
        assert stats.events == n and stats.bytes == path.stat().st_size
        assert sum(stats.by_error_code.values()) == n
        assert sum(stats.by_category.values()) == n


@pytest.mark.slow
def test_parts_are_appended_in_user_space_when_the_kernel_copy_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """copy_file_range can be unavailable or stop early (other filesystems): the output must not change."""
    from contentpack.datagen import scale

    real = scale._kernel_copy
    monkeypatch.setattr(scale, "_kernel_copy", lambda src, dst, size: real(src, dst, size // 3))
    n = 2 * CHUNK_EVENTS + 10
    path = tmp_path / "fallback.log"
    write_events(path, n, seed=9, progress=False, workers=2)
    assert path.read_bytes() == "".join(line + "\n" for line in generate_lines(n, seed=9)).encode()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".contentpack-gen-")]


def test_every_scenario_has_a_builder_and_a_seed() -> None:
    """The scenarios' names and seeds are in ``datagen.seeds`` (so that ``generate-data --help`` lists them without
    the generator) and their builders in ``datagen.scenarios``: a scenario added to one list only would be left
    out of ``SCENARIOS`` (or fail as it is built)."""
    from contentpack.datagen.scenarios import BUILDERS
    from contentpack.datagen.seeds import SCENARIO_SEEDS

    assert list(BUILDERS) == list(SCENARIO_SEEDS) == list(SCENARIOS)
