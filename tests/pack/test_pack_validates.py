"""The real pack passes the project's own validator with no errors and no warnings, so `make build` has
real content from the start (issue 2 acceptance)."""

from __future__ import annotations

from contentpack.content.validate import validate_pack
from .pack_content_files import REPO


def test_real_pack_validates_clean() -> None:
    result = validate_pack(REPO)
    messages = [f"{d.position.path}:{d.position.line}:{d.position.col}: {d.rule}: {d.message}" for d in result.diagnostics]
    assert messages == []
    assert result.pack is not None
    names = {d.name for d in result.pack.detections}
    assert "Entra ID User Declined OAuth Application Consent" in names
    # CP074 held the pack's macros and lookups (the generated filters too) to its own prefix: none shares a
    # name with ESCU's exported azure_monitor_aad or security_content_ctime (tests/content/test_namespace.py)
    assert result.pack.app.namespace == "entra_id_"
    assert len(result.pack.stories) == 1 and len(result.pack.data_sources) == 5 and len(result.pack.lookups) == 3
