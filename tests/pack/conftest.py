"""Session fixtures: the real pack's content files, read once."""

from __future__ import annotations

import pytest
from .pack_content_files import ContentFile, load_dir


@pytest.fixture(scope="session")
def detections() -> list[ContentFile]:
    return load_dir("detections")


@pytest.fixture(scope="session")
def macros() -> list[ContentFile]:
    return load_dir("macros")


@pytest.fixture(scope="session")
def stories() -> list[ContentFile]:
    return load_dir("stories")


@pytest.fixture(scope="session")
def data_sources() -> list[ContentFile]:
    return load_dir("data_sources")


@pytest.fixture(scope="session")
def lookups() -> list[ContentFile]:
    return load_dir("lookups")
