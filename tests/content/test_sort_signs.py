"""CP076: a ``sort`` sign written apart from its field, carried to later fields without one, is a warning.

The Splunk fact (pinned for the engine in tests/spl/test_commands.py, ``assumed`` there as the one stored copy
is a third-party grammar quoting it): searchbnf.conf's sort description, "If white space follows "+/-", the sort
order is applied to all following fields without a different explicit sort order". The pack's risk correlation
wrote ``sort 0 - ranked_score - ranked_total ranked_user`` until v15 and meant ``ranked_user`` ascending.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .helpers import TTP, Validate, add_command, at, call_macro_in_two_searches, locate, only_warning, validate_cli

REPO = Path(__file__).resolve().parents[2]
CORRELATION = "detections/cloud/entra_id_oauth_consent_abuse_risk_across_detections.yml"
RULE = ('searchbnf.conf\'s sort description: "If white space follows "+/-", the sort order is applied to all '
        'following fields without a different explicit sort order"')


def test_a_carried_sign_is_a_warning_at_the_sort_naming_the_fields(pack: Path, validate: Validate) -> None:
    add_command(pack, "sort 0 - count - lastTime user src")
    finding = only_warning(validate(pack), "CP076", pack, TTP, "sort 0 - count")  # at the command, as CP081
    assert finding.message == (
        f"search: sort orders user, src descending too: a sign written apart from its field applies to every later "
        f"field without one ({RULE}); write a sign against each field, e.g. 'sort 0 -count -lastTime -user -src' for "
        f"what this sort does")


@pytest.mark.parametrize("clause", [
    "sort 0 -count -lastTime user",   # signs against their fields: user ascending, as written
    "sort 0 - count",                 # nothing after the sign's field
    "sort - count - lastTime",        # every field has its own sign
    "sort 0 count user",              # no sign at all
    "sort 0 - count + user",          # user's own sign
])
def test_signs_against_their_fields_or_on_every_field_are_fine(pack: Path, validate: Validate, clause: str) -> None:
    add_command(pack, clause)
    assert [d.render() for d in validate(pack).diagnostics if d.rule == "CP076"] == []


def test_a_num_key_is_written_with_its_function(pack: Path, validate: Validate) -> None:
    add_command(pack, "sort 25 + num(count) user")
    finding = only_warning(validate(pack), "CP076", pack, TTP, "sort 25")
    assert "sort orders user ascending too" in finding.message
    assert "e.g. 'sort 25 +num(count) +user'" in finding.message  # the count kept: pasted, it sorts as many


def test_the_correlation_before_v15_is_caught(tmp_path: Path) -> None:
    root = tmp_path / "pack"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".git", ".venv*", "src", "tests", "docs", "benchmarks",
                                                                "dist"))
    path = root / CORRELATION
    text = path.read_text(encoding="utf-8")
    assert "| sort 0 -wave_granter -ranked_score -ranked_total -object_first_grant ranked_user\n" in text
    path.write_text(text.replace("| sort 0 -wave_granter -ranked_score -ranked_total -object_first_grant ranked_user\n",
                                 "| sort 0 - wave_granter - ranked_score - ranked_total - object_first_grant ranked_user\n"), encoding="utf-8")
    out = validate_cli(root)
    assert out.returncode == 0 and "Traceback" not in out.stderr
    line, col = locate(root, CORRELATION, "sort 0 - wave_granter")
    assert (f"{CORRELATION}:{line}:{col}: warning[CP076]: search: sort orders ranked_user descending too: a sign "
            "written apart from its field applies to every later field without one") in out.stdout


def test_a_sort_without_a_count_is_suggested_without_one(pack: Path, validate: Validate) -> None:
    """The count is kept as written (``sort 0`` stays ``sort 0``; none stays none, Splunk's default 10,000)."""
    add_command(pack, "sort - count user")
    finding = only_warning(validate(pack), "CP076", pack, TTP, "sort - count")
    assert "e.g. 'sort -count -user' for what" in finding.message


def test_a_carried_sign_a_macro_writes_is_at_the_macro_definition_once(pack: Path, validate: Validate) -> None:
    """Placed as CP081 places a sort: the fix goes in the macro's file, one finding though two searches call it."""
    call_macro_in_two_searches(pack, "most_first", "sort 0 - count user")
    found = [d for d in validate(pack).diagnostics if d.rule == "CP076"]
    assert [at(d) for d in found] == [("macros/most_first.yml", *locate(pack, "macros/most_first.yml", "sort"))]
    assert found[0].message.startswith("macro 'most_first' definition: sort orders user descending too")
