"""Fixtures for the validator tests: a fresh copy of the valid fixture pack per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from contentpack.content.validate import ValidationResult, validate_pack

from .helpers import VALID, Validate


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """A private, writable copy of the valid fixture pack."""
    root = tmp_path / "pack"
    shutil.copytree(VALID, root)
    return root


@pytest.fixture
def validate() -> Validate:
    def run(root: Path, **kwargs: object) -> ValidationResult:
        return validate_pack(root, **kwargs)  # type: ignore[arg-type]

    return run


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache folder (parse cache, SPL answers), with the cache turned on whatever the environment says."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CONTENTPACK_CACHE_DIR", str(folder))
    monkeypatch.delenv("CONTENTPACK_CACHE", raising=False)
    return folder
