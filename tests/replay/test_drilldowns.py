"""Drilldown token filling the way ES does it, running drilldowns, and the hostile display-name case."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from contentpack.backtest.output import notable_drilldowns
from contentpack.content.model import Drilldown, Pack
from contentpack.replay.runner import replay_pack, run_detection_search
from contentpack.simulate import Notable
from contentpack.simulate.engine_setup import build_engine
from contentpack.simulate.risk import risk_events
from contentpack.replay.drilldowns import DrilldownOffsetError, fill_drilldown, run_drilldown
from contentpack.replay.drilldowns import drilldown_checks
from contentpack.replay.report import render_table, report_json
from contentpack.simulate.tokens import fill_tokens, unfilled_tokens
from contentpack.spl import Engine, SplUnsupportedError
from contentpack.spl.lexer import split_pipeline
from contentpack.spl.values import Value

from . import factory as f
from .conftest import REPO

HOSTILE = 'x" | outputlookup evil.csv | search "'
DECLINED = "Entra ID User Declined OAuth Application Consent"


def _command_sequence(search: str) -> list[str]:
    """The first word of each top-level pipeline segment: what the search will run, in order."""
    return [(segment.text.split(None, 1) or [""])[0].lower() for segment in split_pipeline(search)]


def test_tokens_are_pasted_verbatim_without_quoting_or_escaping() -> None:
    """ES fills $field$ tokens from the notable's fields; neither ES page (Usedrilldownsearches, expandtoken)
    documents quoting/escaping, and token filters like $x|s$ are Simple XML only (docs/build.md)."""
    row = {"user": 'a"b', "app": "Mail $1"}
    assert fill_tokens('search user="$user$" app="$app$"', row) == 'search user="a"b" app="Mail $1"'


def test_double_dollar_is_a_dollar_and_missing_fields_stay_as_written() -> None:
    """$$ is a literal $ (Splunk's escape, content.rules.spl_text.scan_tokens)."""
    assert fill_tokens("cost $$5 for $user$ and $nobody$", {"user": "u"}) == "cost $5 for u and $nobody$"
    assert unfilled_tokens("$user$ $nobody$ $$", {"user": "u"}) == ["nobody"]


@pytest.mark.assumed
def test_multivalue_tokens_message_joins_with_space() -> None:
    """Assumed (no Splunk page found): a risk message's token of a multivalue field (tokens module docstring)."""
    assert fill_tokens("$user$", {"user": ("a@x", "b@x")}) == "a@x b@x"


def test_a_multivalue_drilldown_token_is_left_unfilled_and_named() -> None:
    """No Splunk page says how ES fills a drilldown token from several values (joined by a comma, ESCU's
    ``IN ("$user$")`` is the one string ``"a@x,b@x"`` and matches nothing; joined by ``","`` it lists each; the
    first value only, it misses the rest), so the replay does not guess: the token stays as written, in the name
    too, and is named. It was filled ``a@x","b@x`` (assumed), which ``IN ("$user$")`` read as every value."""
    row: dict[str, Value] = {"user": ("a@x", "b@x"), "appId": "app"}
    for drilldown in (f.RISK_DRILLDOWN, f.RESULTS_DRILLDOWN):
        filled = fill_drilldown(f.detection(), drilldown, row, (None, None), 0.0)
        assert filled.multivalued == ("user",) and not filled.unfilled
        assert "$user$" in filled.search and "a@x" not in filled.search and "a@x" not in filled.name
    one = fill_drilldown(f.detection(), f.RISK_DRILLDOWN, {"user": ("a@x",)}, (None, None), 0.0)
    assert one.multivalued == () and 'IN ("a@x")' in one.search  # a multivalue of one value is that value


def test_a_backtest_notable_gives_no_search_for_a_multivalue_drilldown_token() -> None:
    """The backtest's notables (notables.jsonl, report.html) give the drilldowns to paste into Splunk: one whose token
    holds several values gives no search but why (``multivalue_problem``), as ES's filling of it is unknown; it was
    filled ``a@x","b@x`` (assumed), and its name listed every value. The name's tokens of one value are filled, as
    ES shows the name: left all as written, report.html showed ``for - "$app_id$"`` as if nothing had been filled."""
    notable = Notable(detection="d", search_name="d", run_time=600.0, time=0.0, rule_title="t", rule_description="",
                      security_domain="identity", severity="low", earliest=0.0, latest=600.0,
                      fields={"user": ("a@x", "b@x"), "appId": "app"}, risk_objects=(), threat_objects=())
    [results, risk] = notable_drilldowns(f.detection(), notable)
    assert results.name == 'View the detection results for - "$user$" and "app"'
    assert risk.name == f.RISK_DRILLDOWN.name
    for drilldown in (results, risk):
        assert drilldown.search is None
        assert drilldown.error is not None and drilldown.error.startswith("$user$ holds 2 values: no Splunk page")


@pytest.mark.parametrize(("value", "injected"), [
    ('x" | outputlookup evil.csv | search "', True),
    ('x" [| inputlookup users.csv | return user] "', True),
    ("Mail | Calendar [beta]", False),  # pipes and brackets inside the quotes stay text
    ('x" OR user="*', False),  # documented blind spot: widening a filter keeps the structure
])
def test_injection_is_a_change_of_structure(value: str, injected: bool) -> None:
    drill = Drilldown("n", '%original_detection_search% | search appDisplayName="$appDisplayName$"', None, None)
    filled = fill_drilldown(f.detection(), drill, {"appDisplayName": value}, (None, None), 0.0)
    assert filled.injected is injected


def test_original_search_and_time_offsets_are_filled() -> None:
    detection = f.detection()
    row = {"user": "a@contoso.example", "appId": "app-1"}
    filled = fill_drilldown(detection, f.RESULTS_DRILLDOWN, row, (100.0, 200.0), 150.0)
    assert filled.search == f.DECLINED_SEARCH + ' | search  user = "a@contoso.example" appId = "app-1"'
    assert filled.name == 'View the detection results for - "a@contoso.example" and "app-1"'
    assert (filled.earliest, filled.latest) == (100.0, 200.0) and filled.uses_original_search
    assert not filled.injected and filled.unfilled == ()
    hours = replace(f.RESULTS_DRILLDOWN, earliest_offset="2h", latest_offset="1d")
    around = fill_drilldown(detection, hours, row, (None, None), 10_000.0)
    assert (around.earliest, around.latest) == (10_000.0 - 7200, 10_000.0 + 86400)
    unset = fill_drilldown(detection, replace(f.RESULTS_DRILLDOWN, earliest_offset=None, latest_offset=None), row,
                           (100.0, 200.0), 150.0)
    assert (unset.earliest, unset.latest) == (None, None)
    with pytest.raises(DrilldownOffsetError):
        fill_drilldown(detection, replace(f.RESULTS_DRILLDOWN, earliest_offset="yesterday"), row, (None, None), 0.0)


def test_info_time_tokens_of_an_all_time_search() -> None:
    """An all-time search's info_min_time is 0.000 and info_max_time +Infinity (Search Reference, addinfo:
    "info_min_time ... info_max_time: the earliest and latest time boundaries for the search"; all time has no
    upper bound)."""
    drill = Drilldown("n", "| makeresults | eval lo=$info_min_time$, hi=\"$info_max_time$\"", None, None)
    filled = fill_drilldown(f.detection(), drill, {}, (None, None), 0.0)
    assert filled.search == '| makeresults | eval lo=0.000, hi="+Infinity"'


def test_info_time_tokens_of_a_scheduled_run_are_its_window() -> None:
    """A scheduled run's info_min_time and info_max_time are its dispatch window (addinfo, as above), in the same
    form as the all-time search's 0.000: epoch seconds with three decimals."""
    drill = Drilldown("n", "| makeresults | eval lo=$info_min_time$, hi=$info_max_time$", None, None)
    filled = fill_drilldown(f.detection(), drill, {}, (1_760_349_600.0, 1_760_353_200.5), 0.0)
    assert filled.search == "| makeresults | eval lo=1760349600.000, hi=1760353200.500"


def test_drilldowns_return_the_result_they_were_opened_from(tmp_path: Path) -> None:
    data = f.write_events(tmp_path, "declines", [f.sign_in("a@contoso.example", 65004),
                                                 f.sign_in("b@contoso.example", 65004, app_id="app-2")])
    wrong = Drilldown("wrong key", '%original_detection_search% | search user="$src$"', None, None)
    unknown = Drilldown("unknown token", '%original_detection_search% | search user="$nobody$"', None, None)
    failing = Drilldown("unsupported", '| tstats count where user="$user$"', None, None)
    detection = f.detection(tests=[f.unit_test(data, expected=2)],
                            drilldowns=[f.RESULTS_DRILLDOWN, f.RISK_DRILLDOWN, wrong, unknown, failing])
    [outcome] = replay_pack(f.pack(tmp_path, detection)).outcomes
    checks = {c.name: c for c in outcome.checks}
    assert checks["drilldown[0]"].ok and checks["drilldown[0]"].detail == "2 row(s) drilled down"
    assert checks["drilldown[1]"].ok  # the detection's own risk events are in the risk index
    assert not checks["drilldown[2]"].ok
    assert "does not return the result it was opened from" in checks["drilldown[2]"].detail
    assert checks["drilldown[3]"].detail.startswith("row 0: no value for token(s) nobody")
    assert not checks["drilldown[4]"].ok and "tstats" in checks["drilldown[4]"].detail  # an SPL error, reported
    assert not outcome.ok


# ------------------------------------------------------------------------------- hostile display name


def _hostile_sign_in() -> dict[str, object]:
    """The pack's own AADSTS65004 attack event, its app display name replaced by SPL that an attacker who
    registers an OAuth app can choose freely (the display name is attacker_controlled in the data source)."""
    path = REPO / "attack_data" / "single_user_declines" / "single_user_declines.log"
    for line in path.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        if event["properties"]["status"]["errorCode"] == 65004:
            event["properties"]["appDisplayName"] = HOSTILE
            return event
    raise AssertionError("no 65004 event in single_user_declines.log")


def _hostile_engine(pack: Pack, tmp_path: Path):
    log = tmp_path / "hostile.log"
    log.write_text(json.dumps(_hostile_sign_in()) + "\n", encoding="utf-8")
    engine = build_engine(pack)
    engine.register_events(log, sourcetype="azure:monitor:aad", source="Azure AD")
    return engine


def test_hostile_display_name_leaves_the_packs_drilldowns_unaffected(real_pack: Pack, tmp_path: Path) -> None:
    detection = next(d for d in real_pack.detections if d.name == DECLINED)
    engine = _hostile_engine(real_pack, tmp_path)
    now = engine.newest_time() + 1
    rows = run_detection_search(engine, detection, now).rows
    assert len(rows) == 1 and rows[0]["appDisplayName"] == HOSTILE
    engine.register_risk_index(risk_events(real_pack.app, detection, rows, now))
    checks = drilldown_checks(engine, detection, rows, now).checks
    assert len(checks) == len(detection.drilldown_searches) >= 2
    assert all(c.ok for c in checks), checks
    for drilldown in detection.drilldown_searches:
        filled = fill_drilldown(detection, drilldown, rows[0], (None, None), now)
        assert "outputlookup" not in _command_sequence(filled.search)


def test_a_drilldown_keyed_on_the_display_name_is_injectable(real_pack: Pack, tmp_path: Path) -> None:
    """Documented limit (docs/build.md, "Drilldown safety"): ES substitutes the value as text, so the value
    closes the quotes and ``outputlookup`` becomes a command of the analyst's search. ES would run it; the
    replay flags the changed command sequence and the embedded engine refuses the command."""
    detection = next(d for d in real_pack.detections if d.name == DECLINED)
    bad = Drilldown('Apps named "$appDisplayName$"',
                    '%original_detection_search% | search appDisplayName="$appDisplayName$"', None, None)
    engine = _hostile_engine(real_pack, tmp_path)
    now = engine.newest_time() + 1
    rows = run_detection_search(engine, detection, now).rows
    filled = fill_drilldown(detection, bad, rows[0], (None, None), now)
    assert filled.search.endswith('| search appDisplayName="x" | outputlookup evil.csv | search ""')
    assert filled.injected
    assert _command_sequence(filled.search)[-3:] == ["search", "outputlookup", "search"]
    with pytest.raises(SplUnsupportedError) as refused:
        run_drilldown(engine, filled, now)
    assert refused.value.command == "outputlookup"
    [check] = drilldown_checks(engine, replace(detection, drilldown_searches=(bad,)), rows, now).checks
    assert not check.ok and check.detail == "row 0: a token value changed the search's commands"


def test_a_drilldown_searchs_job_messages_are_warnings_named_after_the_drilldown(tmp_path: Path) -> None:
    """A drilldown search is a job like the detection's: Splunk cuts its subsearch at maxout 10,000 (Search
    Manual, "About subsearches"; limits.conf [subsearch] maxout) and tells the analyst who opens it so
    ("[subsearch]: Subsearch produced N results, truncating to maxout 10000.", wording ``assumed``). The test
    passes with a warning named after the drilldown as its YAML names it (tokens unfilled), said once however
    many rows it was opened from, in the table and the JSON; the detection's own search said nothing."""
    data = f.write_events(tmp_path, "declines", [f.sign_in("a@contoso.example", 65004),
                                                 f.sign_in("b@contoso.example", 65004, minute=5)])
    cut = Drilldown('Declines by "$user$" but nobody\'s',
                    '%original_detection_search% | search user="$user$" NOT [| makeresults count=10001 '
                    '| eval user="nobody" | fields user]', "$info_min_time$", "$info_max_time$")
    detection = f.detection(tests=[f.unit_test(data, expected=2)], drilldowns=(cut, f.RISK_DRILLDOWN))
    report = replay_pack(f.pack(tmp_path, detection), all_time=True)
    [outcome] = report.outcomes
    warning = ("drilldown 'Declines by \"$user$\" but nobody\\'s' (warn): [subsearch]: Subsearch produced 10001 "
               "results, truncating to maxout 10000.")
    assert outcome.ok and outcome.warnings == (warning,)
    assert [c.detail for c in outcome.checks if c.name == "drilldown[0]"] == ["2 row(s) drilled down"]
    assert f"Test Declined / True Positive Test: warning: {warning}" in render_table(report)
    assert report_json(report)["tests"][0]["warnings"] == [warning]


def test_a_drilldown_that_fails_still_tells_its_job_messages(real_pack: Pack, tmp_path: Path) -> None:
    """The check and the warning are apart: a drilldown whose search is cut and returns nothing fails its
    check, and its job's message is a warning all the same (Splunk shows both to the analyst)."""
    detection = next(d for d in real_pack.detections if d.name == DECLINED)
    empty = Drilldown("Nothing for $user$", '| makeresults | search user="$user$" '
                      'NOT [| makeresults count=10001 | eval user="x" | fields user]', None, None)
    engine = _hostile_engine(real_pack, tmp_path)
    now = engine.newest_time() + 1
    rows = run_detection_search(engine, detection, now).rows
    outcome = drilldown_checks(engine, replace(detection, drilldown_searches=(empty,)), rows, now)
    assert [(c.ok, c.detail) for c in outcome.checks] == [(False, "row 0: the drilldown returns nothing")]
    assert outcome.warnings == ("drilldown 'Nothing for $user$' (warn): [subsearch]: Subsearch produced 10001 "
                                "results, truncating to maxout 10000.",)


class _Recording:
    """A Searcher that runs on an engine and keeps every search text it was given."""

    def __init__(self, engine: object) -> None:
        self.engine = engine
        self.texts: list[str] = []

    def search(self, text: str, **kwargs: object) -> object:
        self.texts.append(text)
        return self.engine.search(text, **kwargs)  # type: ignore[attr-defined]


def test_an_events_drilldown_runs_with_fields_raw_and_returns_the_same_events(real_pack: Pack,
                                                                             tmp_path: Path) -> None:
    """The events drilldown's check reads only its events' ``_raw``, so it runs the drilldown with ``| fields
    _raw`` after it: the same events ("fields" keeps every row; ``_raw``/``_time`` stay), but the search reads
    only the fields its own commands need rather than decoding every field of every event. A drilldown built on
    the original search runs as written (its check compares the result's fields)."""
    detection = next(d for d in real_pack.detections if d.name == DECLINED)
    engine = _hostile_engine(real_pack, tmp_path)
    now = engine.newest_time() + 1
    rows = run_detection_search(engine, detection, now).rows
    engine.register_risk_index(risk_events(real_pack.app, detection, rows, now))
    recording = _Recording(engine)
    outcome = drilldown_checks(recording, detection, rows[:1], now)  # type: ignore[arg-type]
    assert all(check.ok for check in outcome.checks)
    events = [d for d in detection.drilldown_searches if not d.search.lstrip().startswith(("|", "%"))]
    assert events, "the detection has an events drilldown"
    narrowed = [text for text in recording.texts if text.endswith("\n| fields _raw")]
    assert len(narrowed) == len(events)
    for text in narrowed:
        whole = engine.search(text.removesuffix("\n| fields _raw"), now=now).rows
        kept = engine.search(text, now=now).rows
        assert [row["_raw"] for row in kept] == [row["_raw"] for row in whole] and kept
        assert all(set(row) <= {"_raw", "_time"} for row in kept), kept[0].keys()
    assert any("%original_detection_search%" in d.search for d in detection.drilldown_searches)
    assert len(recording.texts) == len(detection.drilldown_searches)


def test_a_drilldown_failing_on_more_rows_than_shown_says_how_many_more() -> None:
    """The first three rows' problems, then the count of the others (ten rows are drilled, three shown)."""
    unknown = Drilldown("unknown token", '%original_detection_search% | search user="$nobody$"', None, None)
    rows = [{"user": f"u{i}"} for i in range(5)]
    outcome = drilldown_checks(object(), f.detection(drilldowns=[unknown]), rows, 0.0)  # type: ignore[arg-type]
    assert [(c.ok, c.detail) for c in outcome.checks] == [(False, "row 0: no value for token(s) nobody; "
        "row 1: no value for token(s) nobody; row 2: no value for token(s) nobody (+2 more)")]


@pytest.mark.parametrize("keyed_on", ['app="$app$"', 'app IN ("$app$")'])
def test_a_multivalue_drilldown_token_fails_the_check_without_running(keyed_on: str) -> None:
    """A drilldown keyed on ``$app$`` opened from a result whose ``app`` holds several values (a ``values(app)`` of
    the stats) fails its check for that row, naming the token and how many values it holds, in ESCU's ``IN ("$f$")``
    form too: what ES would run is unknown (``simulate.tokens``). The search is not run (the engine is no engine)."""
    keyed = Drilldown("by app", f'| makeresults | eval app="App 0", user="u" | search {keyed_on} user="$user$"',
                      None, None)
    rows: list[dict[str, Value]] = [{"app": ("App 0", "App 1", "App 2"), "user": "u"}, {"app": "App 0", "user": "u"}]
    outcome = drilldown_checks(object(), f.detection(drilldowns=[keyed]), rows[:1], 0.0)  # type: ignore[arg-type]
    [check] = outcome.checks
    assert not check.ok
    assert check.detail == ("row 0: $app$ holds 3 values: no Splunk page says how ES fills a drilldown token from "
                            "a multivalue field (joined, or its first value only), so what the analyst would run "
                            "is unknown; key the drilldown on a field with one value per result")
    [ok] = drilldown_checks(Engine(), f.detection(drilldowns=[keyed]), rows[1:], 0.0).checks
    assert ok.ok, ok.detail


def test_offsets_are_whole_durations_in_any_unit_and_blank_is_none() -> None:
    """A duration offset is a count and one unit, nothing after it (``2hx`` is no duration: refused, not read as
    2h); a week is seven days; an offset of blanks is no offset, as none (assumed: ES's setting is a free text
    field and no page says what blank means)."""
    detection, row = f.detection(), {"user": "a@contoso.example", "appId": "app-1"}
    week = fill_drilldown(detection, replace(f.RESULTS_DRILLDOWN, earliest_offset="1w", latest_offset="+30m"), row,
                          (None, None), 1_000_000.0)
    assert (week.earliest, week.latest) == (1_000_000.0 - 604_800, 1_000_000.0 + 1800)
    blank = fill_drilldown(detection, replace(f.RESULTS_DRILLDOWN, earliest_offset="  ", latest_offset=""), row,
                           (100.0, 200.0), 150.0)
    assert (blank.earliest, blank.latest) == (None, None)
    with pytest.raises(DrilldownOffsetError, match="2hx"):
        fill_drilldown(detection, replace(f.RESULTS_DRILLDOWN, earliest_offset="2hx"), row, (None, None), 0.0)


def test_a_bad_offset_is_one_problem_not_one_per_row() -> None:
    """An offset that is no duration is wrong for every row alike: the check says it once, with no row count."""
    bad = replace(f.RESULTS_DRILLDOWN, earliest_offset="yesterday")
    rows = [{"user": f"u{i}", "appId": "app-1"} for i in range(5)]
    outcome = drilldown_checks(object(), f.detection(drilldowns=[bad]), rows, 0.0)  # type: ignore[arg-type]
    [check] = outcome.checks
    assert not check.ok and check.detail.startswith("drilldown offset 'yesterday'") and "more" not in check.detail


@pytest.mark.assumed
def test_a_rows_own_info_time_fields_fill_its_tokens() -> None:
    """Assumed: a result row that carries ``info_min_time``/``info_max_time`` itself (a detection that ran
    ``addinfo``) fills the tokens with them; only a row without them gets the job's window."""
    drill = Drilldown("n", "| makeresults | eval lo=$info_min_time$, hi=$info_max_time$", None, None)
    filled = fill_drilldown(f.detection(), drill, {"info_min_time": "5.000"}, (100.0, 200.0), 0.0)
    assert filled.search == "| makeresults | eval lo=5.000, hi=200.000"
