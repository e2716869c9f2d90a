"""Copies of the shipped pack with one detection changed, for tests of what a changed search does end to end.

Why a copy: the pack's own detections have no subsearch that Splunk would cut, but a user's may; the tests of
the job messages that cut produces (local and ``--splunk`` replay and backtest) need one in a real pack.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DECLINED_FILE = Path("detections") / "cloud" / "entra_id_user_declined_oauth_application_consent.yml"
# a subsearch of two results that excludes nobody: cut at a maxout of 1, it changes no row but says so
CUT_SUBSEARCH = 'NOT [| makeresults count=2 | eval user="nobody" | fields user]'
CUT_MESSAGE = "[subsearch]: Subsearch produced 2 results, truncating to maxout 1."


def pack_copy(folder: Path) -> Path:
    """The shipped pack (its content and attack data) copied into ``folder``/pack, to change freely."""
    root = folder / "pack"
    root.mkdir()
    shutil.copy2(REPO / "contentpack.yml", root / "contentpack.yml")
    for name in ("detections", "macros", "stories", "data_sources", "lookups", "attack_data"):
        shutil.copytree(REPO / name, root / name)
    return root


def pack_with_edit(folder: Path, file: Path, old: str, new: str) -> Path:
    """The shipped pack copied into ``folder``/pack, the one ``old`` in its ``file`` made ``new``."""
    root = pack_copy(folder)
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return root


def pack_with_cut_subsearch(folder: Path) -> Path:
    """The shipped pack copied into ``folder``/pack, "Entra ID User Declined OAuth Application Consent" with
    ``CUT_SUBSEARCH`` ANDed to its first search (tests lower ``SUBSEARCH_MAXOUT`` to 1 so that it is cut)."""
    root = pack_copy(folder)
    path = root / DECLINED_FILE
    text = path.read_text(encoding="utf-8")
    assert "properties.status.errorCode=65004" in text
    path.write_text(text.replace("properties.status.errorCode=65004",
                                 f"properties.status.errorCode=65004 {CUT_SUBSEARCH}", 1), encoding="utf-8")
    return root
