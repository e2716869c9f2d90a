"""CP079: a `` #`` after an unquoted prose value starts a YAML comment, which silently cuts the value short."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from contentpack.content.rules import RuleContext
from contentpack.content.rules.prose_comments import comment_cuts_prose

from .helpers import CTIME, STORY, TTP, Validate, edit, only_warning


def test_a_comment_after_a_one_line_description_is_reported_at_it(pack: Path, validate: Validate) -> None:
    edit(pack, CTIME, "description: render an epoch field", "description: render an epoch #EXT# field")
    result = validate(pack)
    assert result.pack is not None
    kept = {macro.name: macro.description for macro in result.pack.macros}
    assert kept["security_content_ctime"] == "render an epoch"  # what YAML kept
    finding = only_warning(result, "CP079", pack, CTIME, "#EXT#")
    assert finding.message == (
        "' #' starts a YAML comment after an unquoted value: the text after it is not part of description, which "
        "ends 'render an epoch'; put the value in quotes (or write # without a space before it) to keep it")


def test_a_comment_on_the_last_line_of_a_folded_value_is_reported(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "  campaign worth a closer look.", "  campaign worth a closer look.\t# (#EXT# guests too)")
    only_warning(validate(pack), "CP079", pack, TTP, "# (#EXT#")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("description: render an epoch field as readable time",
         "description: 'render an epoch #EXT# field'"),  # quoted: the # is text
        ("description: render an epoch field as readable time",
         "description: 'render an epoch field' # a note"),  # after a quoted value, a comment cuts nothing
        ("description: render an epoch field as readable time",
         "description: render an epoch#field"),  # no white space before the #: text
        ("description: render an epoch field as readable time",
         "description: >-\n  render an epoch # field"),  # a block scalar holds # as text
        ("name: security_content_ctime", "name: security_content_ctime # a note"),  # not a prose field
    ],
)
def test_text_the_value_keeps_is_not_reported(pack: Path, validate: Validate, old: str, new: str) -> None:
    edit(pack, CTIME, old, new)
    assert [d.render() for d in validate(pack).diagnostics if d.rule == "CP079"] == []


def test_a_story_description_is_prose_too(pack: Path, validate: Validate) -> None:
    edit(pack, STORY, "description: Groups the fixture detections",
         "description: Groups the fixture detections #1")
    only_warning(validate(pack), "CP079", pack, STORY, "#1")


def test_files_that_cannot_be_read_again_are_not_judged(pack: Path, validate: Validate) -> None:
    """A file gone between loading and the rule (or a context built without the pack's files) is skipped."""
    edit(pack, CTIME, "description: render an epoch field", "description: render an epoch #EXT# field")
    result = validate(pack)
    assert result.pack is not None
    context = RuleContext(result.pack, pack / "gone", dt.date(2026, 12, 1), frozenset(), None)
    assert list(comment_cuts_prose(context)) == []
