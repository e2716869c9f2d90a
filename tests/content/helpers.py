"""Helpers for the validator tests: the fixture pack's file names, text edits and position look-ups."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from contentpack.content.diagnostics import Diagnostic, Severity
from contentpack.content.validate import ValidationResult

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"

TTP = "detections/cloud/entra_id_user_declined_consent_for_oauth_app.yml"
HUNTING = "detections/cloud/entra_id_consent_prompts_for_unknown_apps.yml"
CORRELATION = "detections/cloud/entra_id_consent_abuse_risk_correlation.yml"
DATA_SOURCE = "data_sources/azure_active_directory_sign_in_activity.yml"
STORY = "stories/entra_id_consent_fixture_story.yml"
LOOKUP = "lookups/entra_id_known_apps.yml"
CTIME = "macros/security_content_ctime.yml"

Validate = Callable[..., ValidationResult]


def edit(root: Path, relative: str, old: str, new: str, count: int = 1) -> None:
    """Replace text in a pack file, failing loudly if the fixture no longer contains ``old``."""
    file = root / relative
    text = file.read_text(encoding="utf-8")
    assert old in text, f"fixture {relative} no longer contains {old!r}"
    file.write_text(text.replace(old, new, count), encoding="utf-8")


def locate(root: Path, relative: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, col) of the ``occurrence``-th ``needle`` in a pack file."""
    text = (root / relative).read_text(encoding="utf-8")
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def add_command(root: Path, command: str) -> None:
    """Add ``| command`` to the TTP fixture's search, after its ``stats`` (before its ``security_content_ctime``
    calls): where the SPL rules read it, every result field made."""
    ctime = "  | `security_content_ctime(firstTime)` \n"
    edit(root, TTP, ctime, f"  | {command}\n{ctime}")



def define_macro(root: Path, name: str, definition: str, arguments: tuple[str, ...] = ()) -> None:
    """Write ``macros/<name>.yml`` defining macro ``name`` (with ``arguments``) as ``definition``."""
    listed = "".join(f"- {argument}\n" for argument in arguments)
    (root / "macros" / f"{name}.yml").write_text(
        f"name: {name}\ndefinition: {definition}\n" + (f"arguments:\n{listed}" if arguments else "")
        + "description: The busiest first.\n", encoding="utf-8")


def call_macro_in_two_searches(root: Path, name: str, definition: str) -> None:
    """Define macro ``name`` as ``definition`` and call it in the TTP and the Hunting fixtures' searches: a finding
    about a character the definition writes is to be placed there once, not once per calling search."""
    define_macro(root, name, definition)
    add_command(root, f"`{name}`")
    edit(root, HUNTING, "  | where isnull(known)", f"  | `{name}`\n  | where isnull(known)")

def only(result: ValidationResult, rule: str) -> Diagnostic:
    """The single diagnostic of ``rule`` (and proof that it is the only finding of that rule)."""
    found = [d for d in result.diagnostics if d.rule == rule]
    assert len(found) == 1, f"expected one {rule}, got {[d.render() for d in result.diagnostics]}"
    return found[0]


def at(diagnostic: Diagnostic) -> tuple[str, int, int]:
    return diagnostic.position.path, diagnostic.position.line, diagnostic.position.col


def only_warning(result: ValidationResult, rule: str, root: Path, relative: str, needle: str) -> Diagnostic:
    """The single diagnostic of ``rule``, a warning (the pack stays valid) at the first ``needle`` in ``relative``."""
    diagnostic = only(result, rule)
    assert diagnostic.severity is Severity.WARNING and result.ok
    assert at(diagnostic) == (relative, *locate(root, relative, needle))
    return diagnostic


def validate_cli(root: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """``contentpack validate --root ROOT [OPTIONS]`` in a fresh process: the lines and exit status a user sees."""
    return subprocess.run([sys.executable, "-m", "contentpack", "validate", "--root", str(root), *options],
                          capture_output=True, text=True)
