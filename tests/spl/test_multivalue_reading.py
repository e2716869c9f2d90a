"""``commands.multivalues_after``: each command's registered reading of which result fields certainly can hold
several values (``CommandSpec.multivalue``), the one home CP029 and CP075 read it from.

Pages: the Search Reference 9.4 page of each command (rex's ``max_match``: "If greater than 1, the resulting
fields are multivalued fields"; lookup: "If the OUTPUTNEW clause is specified, the lookup is not performed for
events in which the output fields already exist"); the Multivalue eval functions and Comparison and Conditional
functions pages for ``eval`` (``FunctionSpec.keeps_values``).
"""

from __future__ import annotations

import pytest

from contentpack.spl.commands import multivalues_after
from contentpack.spl.commands.base import CommandNode
from contentpack.spl.parser import parse

MADE = "the search's stats makes it with values(src)"


def _after(text: str) -> dict[str, str] | None:
    """The reading through ``| stats values(src) as src by user`` then ``text``'s commands."""
    flagged: dict[str, str] | None = {}
    for command in parse(f"| makeresults | stats values(src) as src by user {text}").commands[1:]:
        assert isinstance(command, CommandNode) and flagged is not None
        flagged = multivalues_after(command, flagged)
        if flagged is None:
            return None
    return flagged


@pytest.mark.parametrize(("text", "expected"), [
    ("", {"src": MADE}),
    ("| where user!=\"x\" | sort - user | head 5 | table user src", {"src": MADE}),
    ("| eval src=coalesce(src, user)", {"src": MADE}),
    ("| eval n=mvdedup(mvsort(src))", {"src": MADE, "n": f"as src: {MADE}"}),
    ("| eval src=mvjoin(src, \",\")", {}),
    ("| eval src=mvindex(src, 0)", {}),
    ("| eval a=src, src=mvjoin(src, \" \"), b=a", {"a": f"as src: {MADE}", "b": f"as a: as src: {MADE}"}),
    ("| rex field=src \"(?<octet>\\d+)\"", {"src": MADE}),
    ("| rex field=user max_match=0 \"(?<part>\\w+)\"",
     {"src": MADE, "part": "the search's rex makes it with max_match=0"}),
    ("| lookup t user OUTPUT v AS src", {}),
    ("| lookup t src OUTPUT v", {"src": MADE}),
    ("| lookup t user OUTPUTNEW v AS src", {"src": MADE}),
    ("| eventstats count as n by user", {"src": MADE}),
    ("| eventstats values(user) as users",
     {"src": MADE, "users": "the search's eventstats makes it with values(user)"}),
    ("| streamstats values(user) as users",
     {"src": MADE, "users": "the search's streamstats makes it with values(user)"}),
    # window=1: the statistics of one event, its user one value (a by field), its src the stats' values
    ("| streamstats window=1 values(user) as users, values(src) as ips", {"src": MADE, "ips": f"as src: {MADE}"}),
    ("| spath input=user path=a.b output=n", {"src": MADE}),
    ("| spath input=user path=a.b output=src", {}),
    ("| replace a WITH b IN user", {"src": MADE}),
    ("| replace a WITH b IN s*", {}),  # the wildcard names src too
    ("| rename src AS ips", {"ips": MADE}),
    ("| rename s* AS ip_*", {"ip_rc": MADE}),
    ("| eval xrc=1 | rename x* AS s*", {}),  # xrc lands on src
    ("| mvexpand src", {}),
    ("| table user s* | fields user src", {"src": MADE}),
    # a field table/fields drops holds nothing: a later command writing the name writes it afresh
    ("| fields - src | fillnull value=none src", {}),
    ("| table user | fillnull value=none src", {}),
    ("| fields user | lookup t user OUTPUTNEW v AS src", {}),
])
def test_each_command_reads_as_its_page_says(text: str, expected: dict[str, str]) -> None:
    assert _after(text) == expected


@pytest.mark.parametrize("text", ["| lookup t user", "| join user [| makeresults]", "| append [| makeresults]",
                                  "| timechart count", "| spath input=user"])
def test_a_command_with_no_reading_leaves_the_search_unjudged(text: str) -> None:
    """No registration, or a command that writes fields only the data names (a lookup without an output clause,
    spath without a path: every key of the JSON): None, never a guess (CP029/CP075 then say nothing of the
    search)."""
    assert _after(text) is None


EVAL_MADE = "the search's eval makes it with {}(…)"


@pytest.mark.parametrize(("text", "expected"), [
    # mvindex: "returns a subset of the multivalue field using the start and end index values"; "If the <end> value
    # is not specified, the function returns only the value at <start>"
    ("| eval ips=mvindex(src, 0, 2)", {"src": MADE, "ips": f"as src: {MADE}"}),
    ("| eval ips=mvindex(src, -1)", {"src": MADE}),
    ("| eval src=mvindex(src, 1, -1)", {"src": MADE}),
    # "the range of values from <start> to <end> are included", both counted from the start or both from the end
    # ("An index of -1 is used to specify the last value"): from an index to itself, one value; an end before the
    # start, none (out of range); a bound of each sign or a field bound, several as the field's length may be
    ("| eval ips=mvindex(src, 0, 0)", {"src": MADE}),
    ("| eval ips=mvindex(src, -1, -1)", {"src": MADE}),
    ("| eval ips=mvindex(src, 3, 2)", {"src": MADE}),
    ("| eval ips=mvindex(src, -2, 1)", {"src": MADE, "ips": f"as src: {MADE}"}),
    ("| eval ips=mvindex(src, 0, user)", {"src": MADE, "ips": f"as src: {MADE}"}),
    # mvzip: "combines the values in two multivalue fields", "stitched together combining the first value of
    # <mv_left> with the first value of field <mv_right>, then the second with the second, and so on", "similar to
    # the Python zip command": several pairs when both sides hold several, one beside a one-value field
    ("| eval pairs=mvzip(src, mvsort(src), \"|\")", {"src": MADE, "pairs": f"as src: {MADE}"}),
    ("| eval pairs=mvzip(split(user, \",\"), split(user, \";\"))", {"src": MADE, "pairs": EVAL_MADE.format("split")}),
    ("| eval pairs=mvzip(src, user)", {"src": MADE}),
    ("| eval pairs=mvzip(user, src)", {"src": MADE}),
    # mvmap: "iterates over the values of a multivalue field, performs an operation using the <expression> on each
    # value, and returns a multivalue field with the list of results"
    ("| eval ips=mvmap(src, src . \"/32\")", {"src": MADE, "ips": f"as src: {MADE}"}),
    ("| eval ips=mvmap(mvindex(src, 1, 2), src)", {"src": MADE, "ips": f"as src: {MADE}"}),
    ("| eval ips=mvmap(user, user . \"/32\")", {"src": MADE}),
    # mvfilter: "filters a multivalue field based on an arbitrary Boolean expression" naming one field
    ("| eval ips=mvfilter(match(src, \"^10\\.\"))", {"src": MADE, "ips": f"as src: {MADE}"}),
    ("| eval src=mvfilter(src != \"-\")", {"src": MADE}),
    ("| eval ips=mvfilter(user != \"-\")", {"src": MADE}),  # user: one value (a by field)
    # split: "splits the string values on the delimiter and returns the string values as a multivalue field"
    ("| eval parts=split(user, \"@\")", {"src": MADE, "parts": EVAL_MADE.format("split")}),
    ("| eval domain=mvindex(split(user, \"@\"), 1)", {"src": MADE}),
    # mvappend: "returns a single multivalue result that contains all of the values"
    ("| eval both=mvappend(user, \"x\")", {"src": MADE, "both": EVAL_MADE.format("mvappend")}),
    ("| eval both=mvappend(\"x\", src)", {"src": MADE, "both": f"as src: {MADE}"}),
    ("| eval one=mvappend(user)", {"src": MADE}),
    # mvdedup: "returns a multivalue field with its duplicate values removed"; mvsort: "returns a multivalue field
    # with the values sorted lexicographically"
    ("| eval ips=mvsort(mvdedup(src))", {"src": MADE, "ips": f"as src: {MADE}"}),
    ("| eval parts=mvsort(split(user, \",\"))", {"src": MADE, "parts": EVAL_MADE.format("split")}),
    # mvrange: "creates a multivalue field based on a range of specified numbers"
    ("| eval hours=mvrange(0, 24)", {"src": MADE, "hours": EVAL_MADE.format("mvrange")}),
])
def test_each_multivalue_function_claims_what_its_page_says(text: str, expected: dict[str, str]) -> None:
    """The Multivalue eval functions page (Search Reference 9.4, https://help.splunk.com/splunk-enterprise/
    spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions): a range of ``mvindex`` and
    ``mvfilter`` keep some of their field's values, ``split``, ``mvrange`` and an ``mvappend`` of two or more
    values make several of one-value arguments (``FunctionSpec.keeps_values``, ``keeps_from_arity``,
    ``makes_from_arity``); ``mvindex(f, i)`` gives one value. Before, ``mvindex(f, i, j)``, ``mvfilter`` and
    ``split`` made no claim, so ``eval ips=mvindex(src, 0, 2)`` hid ``$ips$`` from CP029; until 2026-12-07
    ``mvindex(f, 0, 0)`` was read as a range of several values (a false warning, ``FunctionSpec.span_args``) and
    ``mvzip`` and ``mvmap`` made no claim (``zips_values``, ``mvmap``'s ``keeps_values``)."""
    assert _after(text) == expected
