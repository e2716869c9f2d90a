"""CP075: a throttle field the search makes with ``values()``/``list()`` is a warning at its YAML entry.

Splunk facts behind the rule: ES throttles by ``alert.suppress.fields``, suppressing "results with the same field
values" for the period (Splunk Alerting Manual, "Throttle alerts", https://help.splunk.com/splunk-enterprise/
alert-and-respond/alerting-manual/9.4/manage-alert-trigger-conditions-and-throttling/throttle-alerts). How a
field holding several values is keyed is said by no page read (``assumed`` unknown, as the replay's RP007
refusal in ``simulate/throttle.py``), so the rule asks for a one-value key instead of guessing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from contentpack.content.diagnostics import Severity
from contentpack.content.rules import RuleContext
from contentpack.content.rules.throttle_keys import multivalue_results, multivalue_throttle_fields
from contentpack.content.validate import validate_pack
from contentpack.spl import commands
from contentpack.spl.commands.base import CommandNode

from .helpers import TTP, Validate, at, locate, only_warning, validate_cli, edit

REPO = Path(__file__).resolve().parents[2]
STATS_BY = "max(_time) as lastTime by dest user src "
PER_USER = "Entra ID Per-User Delegated Permission Grant Made Without Consent"


def _src_from_values(pack: Path, after: str = "") -> None:
    """The fixture TTP's last stats makes ``src`` with ``values(src)``, ``after`` follows it, and the detection
    throttles on ``user`` and ``src``."""
    edit(pack, TTP, STATS_BY, "max(_time) as lastTime values(src) as src by dest user ")
    if after:
        ctime = "  | `security_content_ctime(firstTime)`"
        edit(pack, TTP, ctime, f"  {after}\n{ctime}")
    throttling = "  throttling:\n    fields:\n    - user\n    - src\n    period: 1h\n"
    edit(pack, TTP, "  security_domain: identity\n", "  security_domain: identity\n" + throttling)


def test_a_throttle_field_made_by_values_is_a_warning_at_its_entry(pack: Path, validate: Validate) -> None:
    _src_from_values(pack)
    finding = only_warning(validate(pack), "CP075", pack, TTP, "src\n    period")
    assert finding.message == (
        "throttling field 'src' can hold several values (the search's stats makes it with values(src)), and no "
        "Splunk page says how alert suppression keys a multivalue field (each value? the first? all of them?), "
        "so which findings the throttle suppresses is unknown (the replay refuses such a result, RP007); throttle "
        "on one value instead: | eval src_key=mvjoin(mvsort(src), \" \") and list src_key in "
        "tags.throttling.fields")


@pytest.mark.parametrize(("after", "flagged"), [
    ('| eval src=mvjoin(src, " ")', False),           # the fix: one value
    ("| eval src=mvcount(src)", False),               # any eval of the field counts as reducing it
    ("| mvexpand src", False),                        # one value per result
    ("| rename src as src_ip", False),                # the throttle field is now empty: CP029's finding
    ("| rename user as src", False),                  # src now holds user's value
    ("| join user [| makeresults]", False),           # a command the rule does not follow: not judged
    ('| where isnotnull(src) | sort - count | fields dest user src count firstTime lastTime', True),
    ("| eventstats count as n by user", True),
])
def test_what_follows_the_last_stats_decides(pack: Path, validate: Validate, after: str, flagged: bool) -> None:
    _src_from_values(pack, after)
    found = [d for d in validate(pack).diagnostics if d.rule == "CP075"]
    assert [at(d) for d in found] == ([(TTP, *locate(pack, TTP, "src\n    period"))] if flagged else [])


# Splunk pages the cases below cite (Search Reference 9.4 unless said otherwise).
EVAL_MV = "https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions"
COND = ("https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/"
        "comparison-and-conditional-functions")
REX = "https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/rex"
LOOKUP = "https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/lookup"
EVENTSTATS = "https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/eventstats"
KNOWN_APPS = "| lookup entra_id_known_apps appDisplayName AS dest"  # a table of the fixture pack


@pytest.mark.parametrize(("after", "flagged", "source"), [
    # eval keeps a multivalue through the functions whose page says the result holds the argument's values
    ("| eval src=coalesce(src, dest)", True, f"{COND}: returns the first value that is not NULL"),
    ("| eval src=mvdedup(src)", True, f"{EVAL_MV}: a multivalue field with its duplicate values removed"),
    ("| eval src=mvsort(src)", True, f"{EVAL_MV}: a multivalue field with the values sorted"),
    ("| eval src=mvappend(dest, src)", True, f"{EVAL_MV}: a single multivalue result with all of the values"),
    ("| eval ips=src | eval src=ips", True, "assumed: eval copies a field's value as it is"),
    ('| eval src=if(isnull(dest), src, "none")', True, f"{COND}: either branch, src's values when dest is null"),
    ('| eval src=case(isnull(dest), "none", true(), src)', True, f"{COND}: any pair's value, as it is"),
    ("| eval src=coalesce(dest, src)", True, f"{COND}: src's values whenever dest is null"),
    ("| eval src=mvindex(src, 0, 1)", True, f"{EVAL_MV}: a subset using the start and end index values"),
    ('| eval src=mvfilter(src != "-")', True, f"{EVAL_MV}: filters a multivalue field"),
    ('| eval src=split(dest, ",")', True, f"{EVAL_MV}: returns the string values as a multivalue field"),
    ('| eval src=mvmap(src, src . "/32")', True,
     f"{EVAL_MV}: mvmap iterates over the values and returns a multivalue field with the list of results"),
    ("| eval src=mvzip(src, mvdedup(src))", True,
     f"{EVAL_MV}: mvzip stitches the first value with the first, the second with the second, and so on"),
    ("| eval src=mvindex(src, 0, -1)", True, f"{EVAL_MV}: from the first to the last value, several"),
    # ... and not through the others: one value (no claim, never a warning)
    ("| eval src=mvindex(src, 0)", False, f"{EVAL_MV}: mvindex with no end gives the value at start"),
    ('| eval src=mvjoin(mvindex(src, 0, 1), ",")', False, f"{EVAL_MV}: mvjoin concatenates the values"),
    # "the range of values from <start> to <end> are included": from one index to itself, one value
    ("| eval src=mvindex(src, 0, 0)", False, f"{EVAL_MV}: the range from index 0 to index 0, one value"),
    ("| eval src=mvindex(src, -1, -1)", False, f"{EVAL_MV}: -1 is the last value, the range from it to it one"),
    ("| eval src=mvindex(src, 2, 1)", False, f"{EVAL_MV}: an end before the start, no value (out of range)"),
    ("| eval src=mvindex(src, -1)", False, f"{EVAL_MV}: -1 returns only one value, the last"),
    ("| eval src=mvzip(src, dest)", False, f"{EVAL_MV}: similar to the Python zip: one pair with dest's one value"),
    ('| eval src=mvmap(dest, dest . "/32")', False, f"{EVAL_MV}: mvmap of a one-value field, one result"),
    ('| eval src=if(isnull(src), "none", "some")', False, f"{COND}: a condition is not the result"),
    # rex: the field read keeps its values; max_match other than 1 makes the groups multivalued
    ('| rex field=src "(?<octet>\\d+)"', True, f"{REX}: extraction writes the named groups only"),
    ('| rex field=dest max_match=0 "(?<src>[^.]+)"', True, f"{REX}: max_match greater than 1 makes multivalued fields, 0 is unlimited"),
    ('| rex field=dest max_match=3 "(?<src>[^.]+)"', True, f"{REX}: max_match greater than 1"),
    ('| rex field=dest "(?<src>[^.]+)"', False, f"{REX}: max_match default 1"),
    ('| rex field=src mode=sed "s/a/b/"', False, f"{REX}: sed rewrites the field, no word on a multivalue"),
    # lookup: inputs are matched on; an OUTPUT field may get several rows' values, or one (the table's data)
    (f"{KNOWN_APPS} OUTPUT known AS n", True, f"{LOOKUP}: src is neither input nor output"),
    ("| lookup entra_id_known_apps appDisplayName AS src OUTPUT known", True, f"{LOOKUP}: an input is only matched"),
    (f"{KNOWN_APPS} OUTPUT known AS src", False, f"{LOOKUP}: output fields overwrite existing fields"),
    (f"{KNOWN_APPS} OUTPUTNEW known AS src", True,
     f"{LOOKUP}: not performed for events in which the output fields already exist"),
    (f"{KNOWN_APPS} OUTPUTNEW known AS src, appDisplayName AS user", False,
     f"{LOOKUP}: assumed: whether one existing output is enough to skip the lookup is not said"),
    (f"{KNOWN_APPS}", False, f"{LOOKUP}: every column is an output, which ones is the table's: unjudged"),
    # eventstats adds its outputs: other fields keep theirs, a values() output is multivalue, any other is not
    ("| eventstats dc(dest) as n by user", True, f"{EVENTSTATS}: saves those statistics in a new field"),
    ("| eventstats dc(dest) as src by user", False, f"{EVENTSTATS}: a statistic of one value"),
    ("| fields - src | eventstats values(dest) as src by user", True, f"{EVENTSTATS}: values() is multivalue"),
    ("| makemv delim=\",\" src", False, "assumed: no page says what makemv does to a multivalue"),
    ("| spath input=dest", False, "spath: without a path every key of the JSON is extracted, src among them maybe"),
    # table/fields: a dropped field holds nothing, and what a later command writes to its name is one value
    ("| fields - src | fillnull value=none src", False, "fields page: removes the field; fillnull: the value given"),
    ("| table user dest | fillnull value=none src", False, "table page: only the fields named are kept"),
])
def test_each_command_after_the_stats_as_its_page_says(pack: Path, validate: Validate, after: str, flagged: bool,
                                                       source: str) -> None:
    """Each command's registered multivalue reading (``CommandSpec.multivalue``, ``FunctionSpec.keeps_values``),
    case by case with the Splunk page it follows (``source``). Before, any eval assignment, a rex reading the
    field and a lookup OUTPUTNEW ended the certainty, and rex ``max_match`` was not read."""
    _src_from_values(pack, after)
    found = [d for d in validate(pack).diagnostics if d.rule == "CP075"]
    assert [at(d) for d in found] == ([(TTP, *locate(pack, TTP, "src\n    period"))] if flagged else []), source


def test_each_search_is_read_once_for_the_three_rules(pack: Path, validate: Validate,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """CP029 (drilldown tokens), CP087 (risk message tokens) and CP075 (throttle fields) read a detection's
    multivalue fields alike (``multivalue_results``): it is worked out once per search text
    (``SplAnalysis.multivalued``), not once per rule. Before, a throttled detection with drilldowns and a risk
    message naming fields, as the fixture TTP here, was read three times (the shipped pack's 17 searches 46)."""
    _src_from_values(pack)
    read: list[str] = []
    each_command = commands.multivalues_after

    def counted(node: CommandNode, flagged: dict[str, str]) -> dict[str, str] | None:
        read.append(node.name)
        return each_command(node, flagged)

    monkeypatch.setattr(commands, "multivalues_after", counted)
    result = validate(pack)
    assert result.pack is not None and [d.rule for d in result.diagnostics] == ["CP075"]
    in_validate = len(read)
    read.clear()
    context = RuleContext(result.pack, pack, dt.date(2026, 12, 1), frozenset(), None)
    ttp = next(d for d in result.pack.detections if d.tags.throttling is not None)
    assert ttp.drilldown_searches and ttp.rba is not None and "$" in ttp.rba.message  # all three rules read it
    judged = {d.search for d in result.pack.detections
              if d.drilldown_searches or (d.rba is not None and "$" in d.rba.message) or d.tags.throttling}
    for search in judged:
        multivalue_results(context.spl, search)
    assert in_validate == len(read) > 0


def test_an_eval_copy_names_where_its_values_come_from(pack: Path, validate: Validate) -> None:
    """A field an eval gives another field's several values names that field and what made it."""
    _src_from_values(pack, "| eval src_all=mvdedup(src)")
    edit(pack, TTP, "    - src\n    period", "    - src_all\n    period")
    found = [d for d in validate(pack).diagnostics if d.rule == "CP075"]
    assert [d.message.split("), and")[0] for d in found] == [
        "throttling field 'src_all' can hold several values (as src: the search's stats makes it with values(src)"]


def test_a_renamed_values_output_is_followed(pack: Path, validate: Validate) -> None:
    """``rename`` moves the flag to the new name; an ``eventstats values()`` after the last stats makes one too."""
    _src_from_values(pack, "| rename src as src_ips | eventstats values(dest) as dests by user")
    edit(pack, TTP, "    - src\n    period", "    - src_ips\n    - dests\n    period")
    found = [d for d in validate(pack).diagnostics if d.rule == "CP075"]
    assert [(at(d), d.message.split("), and")[0]) for d in found] == [
        ((TTP, *locate(pack, TTP, "src_ips\n")),
         "throttling field 'src_ips' can hold several values (the search's stats makes it with values(src)"),
        ((TTP, *locate(pack, TTP, "dests\n")),
         "throttling field 'dests' can hold several values (the search's eventstats makes it with values(dest)")]


def test_json_output_shows_it_like_other_rules(pack: Path) -> None:
    _src_from_values(pack)
    out = validate_cli(pack, "--format", "json")
    assert out.returncode == 0, out.stderr  # a warning: valid unless --strict
    payload = json.loads(out.stdout)
    line, col = locate(pack, TTP, "src\n    period")
    assert [(d["path"], d["line"], d["col"], d["severity"], d["rule"]) for d in payload["diagnostics"]] == [
        (TTP, line, col, "warning", "CP075")]
    assert validate_cli(pack, "--strict").returncode == 1


def test_the_shipped_pack_is_judged_and_clean() -> None:
    """Every throttled detection of the shipped pack is read through to its end (none is left unjudged), none
    throttles on a values() output; the per-user grant detection's ``grant_id``, the mvjoin of its
    ``values(grant_id)`` (the grant records' ids), is one value, its throttle keys on ``burst_id`` (a BY field of
    its stats), and a key on ``scope``, a ``values()`` output, would be reported."""
    result = validate_pack(REPO)
    assert result.pack is not None and [d for d in result.diagnostics if d.rule == "CP075"] == []
    context = RuleContext(result.pack, REPO, dt.date(2026, 12, 1), frozenset(), None)
    throttled = [d for d in result.pack.detections if d.tags.throttling is not None]
    assert len(throttled) >= 10 and all(multivalue_results(context.spl, d.search) for d in throttled)
    per_user = next(d for d in throttled if d.name == PER_USER)
    flagged = multivalue_results(context.spl, per_user.search)
    assert "scope" in flagged and "scope_set" not in flagged and "grant_id" not in flagged
    assert per_user.tags.throttling is not None and "burst_id" in per_user.tags.throttling.fields
    fields = tuple("scope" if f == "burst_id" else f for f in per_user.tags.throttling.fields)
    throttling = dataclasses.replace(per_user.tags.throttling, fields=fields)
    changed = dataclasses.replace(per_user, tags=dataclasses.replace(per_user.tags, throttling=throttling))
    pack = dataclasses.replace(result.pack, detections=(changed,))
    findings = list(multivalue_throttle_fields(RuleContext(pack, REPO, dt.date(2026, 12, 1), frozenset(), None)))
    assert [(d.rule, d.severity) for d in findings] == [("CP075", Severity.WARNING)]
    assert findings[0].message.startswith("throttling field 'scope' can hold several values (the search's stats "
                                          "makes it with values(scope))")
