"""CP081: a ``sort`` without a count in a detection's search is a warning, at the command.

Splunk's sort page: "If no count is specified, the default limit of 10000 is used. If 0 is specified, all results
are returned." (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.0/search-commands/sort; the engine
cuts there too, ``spl.commands.ordering.DEFAULT_SORT_LIMIT``). The pack's OAuth Consent Prompts for Unlisted
Application wrote ``sort - user_count`` until v10: past 10,000 rows a day, the applications that prompted the
fewest users were dropped without a word. The shipped pack raising none is ``tests/pack/test_pack_validates.py``'s.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import HUNTING, TTP, Validate, add_command, at, call_macro_in_two_searches, edit, locate, only_warning

DOC = ('the sort page: "If no count is specified, the default limit of 10000 is used. If 0 is specified, all results '
       'are returned."')


def test_a_sort_without_a_count_is_a_warning_at_the_command(pack: Path, validate: Validate) -> None:
    add_command(pack, "sort - count")
    finding = only_warning(validate(pack), "CP081", pack, TTP, "sort - count")
    assert finding.message == (f"search: 'sort - count' keeps only the first 10,000 results and drops the rest "
                               f"({DOC}); write 'sort 0 - count' to keep every result, or a count of its own if the "
                               f"cut is meant")


@pytest.mark.parametrize(("clause", "suggested"), [
    ("sort count", "sort 0 count"),
    ("sort -count +user", "sort 0 -count +user"),
    ("sort num(count) desc", "sort 0 num(count) desc"),
])
def test_every_sort_without_a_count_is_one(pack: Path, validate: Validate, clause: str, suggested: str) -> None:
    add_command(pack, clause)
    assert f"write '{suggested}' to keep" in only_warning(validate(pack), "CP081", pack, TTP, clause).message


@pytest.mark.parametrize("clause", [
    "sort 0 - count",           # every result
    "sort 100 - count",         # a top 100: the cut is written, so meant
    "sort limit=100 - count",   # the page's other way to write it: "precede the count with a label"
    "sort 10000 - count",       # the default, written: meant
])
def test_a_sort_with_a_count_is_fine(pack: Path, validate: Validate, clause: str) -> None:
    add_command(pack, clause)
    assert [d.render() for d in validate(pack).diagnostics if d.rule == "CP081"] == []


def test_a_sort_down_a_folded_search_is_at_its_line(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, "  | where isnull(known)", "  | sort - count\n  | where isnull(known)")
    only_warning(validate(pack), "CP081", pack, HUNTING, "sort - count")


def test_a_sort_a_macro_writes_is_at_the_macro_definition_once(pack: Path, validate: Validate) -> None:
    """The fix goes in the macro's file: one finding there, though two searches call the macro."""
    call_macro_in_two_searches(pack, "most_first", "sort - count")
    found = [d for d in validate(pack).diagnostics if d.rule == "CP081"]
    assert [at(d) for d in found] == [("macros/most_first.yml", *locate(pack, "macros/most_first.yml", "sort"))]
    assert found[0].message.startswith("macro 'most_first' definition: 'sort - count' keeps only the first 10,000")


def test_a_sort_a_macro_argument_brings_is_at_the_call_naming_the_macro(pack: Path, validate: Validate) -> None:
    """The sort's field is the call's argument (``sort - $f$``): the macro's text is not the sort's, so the call."""
    (pack / "macros" / "most_first.yml").write_text(
        "name: most_first\ndefinition: sort - $f$\narguments:\n- f\ndescription: The busiest first.\n",
        encoding="utf-8")
    add_command(pack, "`most_first(count)`")
    finding = only_warning(validate(pack), "CP081", pack, TTP, "`most_first")
    assert finding.message.startswith("search: 'sort - count' keeps only")
    assert finding.message.endswith(", inside the expansion of macro `most_first`")


def test_a_drilldown_sort_is_not_judged(pack: Path, validate: Validate) -> None:
    """An analyst reads a drilldown's rows and sees a list cut at 10,000 as one; a detection's cut is silent."""
    edit(pack, TTP, "by normalized_risk_object", "by normalized_risk_object | sort - count")
    assert [d.render() for d in validate(pack).diagnostics if d.rule == "CP081"] == []
