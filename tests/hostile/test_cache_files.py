"""The per-user cache files (parse cache, SPL answers) as an attacker or a damaged disk leaves them: whatever
stands in a cache file's place, the command runs as without a cache, in a child under a deadline (a FIFO there
once hung every command that loads the pack, and a link to ``/dev/zero`` read until memory ran out)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from contentpack.content.cache_files import cache_file

from .support import copy_pack, run_cli


@pytest.mark.parametrize("kind", ["parsed", "spl"])
@pytest.mark.parametrize("standing", ["fifo", "dev-zero"])
def test_a_special_file_in_a_cache_files_place_is_no_cache_not_a_hang(tmp_path: Path, kind: str,
                                                                     standing: str) -> None:
    root = copy_pack(tmp_path)
    env = {"CONTENTPACK_CACHE": "on", "CONTENTPACK_CACHE_DIR": str(tmp_path / "cache")}
    target = cache_file(root, kind, env)
    assert target is not None
    target.parent.mkdir()
    if standing == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    outcome = run_cli("validate", "--root", str(root), env=env, timeout=20)
    outcome.assert_handled()
    assert outcome.returncode == 0 and "valid: 0 errors" in outcome.stdout, outcome.stderr
