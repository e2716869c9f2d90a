"""The file-level reproducers of issue 11, all in one hostile pack that validate, build and replay each get once
(three child processes under a deadline and a memory budget): no native crash, no hang, no internal error, a
positioned diagnostic for each, and peak memory well under 512 MB.

* 30,000 nested ``[`` (60 KB) and 100,000 nested ``- `` in macros/: libyaml's composer overflowed the C stack
  (SIGSEGV) before the nesting check ran;
* ``a: &a <500 KB>`` + ``b: [*a, ...]`` x 500 (506 KB): 6.6 GB and 40 s before the byte budget;
* a FIFO named ``x.yml``: every command hung on ``open``;
* a symbolic link to a folder inside a content folder, and a ``*.YML`` file: silently skipped before;
* 30^5 nested macro calls: passed validate, then replay took a minute and 3 GB;
* 20,000 schema errors in one file (every item of a list the wrong type).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .support import TTP, copy_pack, edit, run_cli


@pytest.fixture(scope="module")
def hostile_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_pack(tmp_path_factory.mktemp("hostile"))
    macros = root / "macros"
    (macros / "deep_flow.yml").write_text("[" * 30_000 + "]" * 30_000)
    (macros / "deep_block.yml").write_text("- " * 100_000 + "x\n")
    (macros / "alias_bytes.yml").write_text(
        "name: bomb\ndefinition: &a " + "x" * 500_000 + "\nb: [" + ", ".join(["*a"] * 500) + "]\n")
    (macros / "many_errors.yml").write_text(
        "name: many\ndefinition: x\ndescription: y\narguments: [" + ", ".join(["1"] * 20_000) + "]\n")
    os.mkfifo(macros / "x.yml")
    (macros / "SHOUTED.YML").write_text("name: shouted\ndefinition: x\ndescription: y\n")
    (root / "detections" / "linked").symlink_to(root / "stories", target_is_directory=True)
    # a folder named like a content file, holding one: was walked into, its file read as a detection (CP020 for
    # its name), and an empty one passed without a word
    (root / "detections" / "cloud" / "x.yml").mkdir()
    (root / "detections" / "cloud" / "x.yml" / "inner.yml").write_text("name: inner\n")
    for level in range(1, 6):  # m1 calls m2 thirty times, ... m5 is ten characters: 30^4 * 10 = 8.1 M characters
        body = " ".join([f"`m{level + 1}`"] * 30) if level < 5 else "x" * 10
        (macros / f"m{level}.yml").write_text(f"name: m{level}\ndefinition: '{body}'\ndescription: nested\n")
    edit(root, TTP, "| `entra_id_user_declined_consent_for_oauth_app_filter`",
         "| `m1` | `entra_id_user_declined_consent_for_oauth_app_filter`")
    return root


@pytest.fixture(scope="module")
def validated(hostile_pack: Path) -> str:
    outcome = run_cli("validate", "--root", str(hostile_pack))
    outcome.assert_handled()
    assert outcome.returncode == 1
    return outcome.stdout


@pytest.mark.parametrize(("needle", "rule"), [
    ("macros/deep_flow.yml:1:65: error[CP007]: nesting deeper than 64 levels", "flow nesting"),
    ("macros/deep_block.yml:1:129: error[CP007]: nesting deeper than 64 levels", "block nesting"),
    ("macros/alias_bytes.yml:3:4: error[CP007]: document expands to more than 2,097,152 bytes", "alias bytes"),
    ("macros/many_errors.yml:1:1: error[CP012]: 19,901 more schema error(s) in this file not shown", "error cap"),
    ("macros/x.yml: error[CP002]: a FIFO (named pipe), not a regular file: not read", "FIFO"),
    ("macros/SHOUTED.YML: error[CP015]: content files must end in .yml, in lower case", "extension case"),
    ("detections/linked: error[CP015]: symbolic link to a folder in content: not read", "linked folder"),
    ("detections/cloud/x.yml: error[CP002]: a folder, not a regular file: not read", "folder named .yml"),
    (f"{TTP}:14:9: error[CP052]: macro call `m1` at character", "macro expansion"),
    ("macros/many_errors.yml:4:13: error[CP012]: arguments[0]: expected string, got integer 1", "schema errors"),
])
def test_validate_reports_each_reproducer_at_its_position(validated: str, needle: str, rule: str) -> None:
    assert needle in validated, f"{rule}: {needle!r} not in\n{validated[:3000]}"


def test_a_folder_named_like_a_content_file_is_not_walked_into(validated: str) -> None:
    assert "x.yml/inner.yml" not in validated


def test_build_refuses_the_pack_without_crash_hang_or_blow_up(hostile_pack: Path, tmp_path: Path) -> None:
    outcome = run_cli("build", "--root", str(hostile_pack), "--output", str(tmp_path / "dist"))
    outcome.assert_handled()
    assert outcome.returncode == 1 and "CP007" in outcome.stderr
    assert not (tmp_path / "dist").exists()


def test_replay_refuses_the_pack_without_crash_hang_or_blow_up(hostile_pack: Path) -> None:
    outcome = run_cli("replay", "--root", str(hostile_pack))
    outcome.assert_handled()
    assert outcome.returncode == 1 and "CP052" in outcome.stderr
