"""`validate` parses every search, drilldown and (through them) macro with the SPL engine's parser, and checks
schedules and time modifiers, reporting each problem at the YAML line and column of the offending character.

Splunk facts pinned here: command, eval-function and stats-function names come from the Search Reference
(src/contentpack/data/splunk_spl_builtins.json cites the pages); cron per savedsearches.conf.spec
(``cron_schedule``: standard five-field cron, https://docs.splunk.com/Documentation/Splunk/latest/Admin/Savedsearchesconf);
time modifiers per "Time modifiers" (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/time-format-variables-and-modifiers/time-modifiers).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from contentpack.content.model import Drilldown, Macro, Pack, SourceMap
from contentpack.content.diagnostics import Severity
from contentpack.content.rules import RuleContext, search, spl_checks

from esapp import factory  # tests/esapp: small model builders
from .helpers import HUNTING, TTP, Validate, at, edit, locate, only

ESCU = Path(__file__).resolve().parents[1] / "fixtures" / "splunk_security_content" / "escu_searches.json.gz"


# --------------------------------------------------------------- the reproducers of issue 17, each at line:col


def test_unterminated_quote_is_reported_at_the_quote(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "| rename properties.* as * ", '| rename properties.* as "props ')
    diagnostic = only(validate(pack), "CP060")
    assert at(diagnostic) == (TTP, *locate(pack, TTP, '"props'))
    assert "unterminated string" in diagnostic.message


def test_a_closing_quote_missing_early_is_reported_at_its_string_naming_the_quote_left_over(
        pack: Path, validate: Validate) -> None:
    """The closing quote of ``"Sign-in activity`` missing: the string ran across two pipes to the quote after
    ``value=`` and the error was "unterminated string" at the quote after ``unknown``, three lines below, where
    nothing is wrong. One CP060 at the quote whose string runs across a pipe, naming both other quotes in the
    file's lines and columns."""
    edit(pack, TTP, 'operationName="Sign-in activity"', 'operationName="Sign-in activity')
    edit(pack, TTP, "| fillnull ", '| fillnull value="unknown" ')
    diagnostic = only(validate(pack), "CP060")
    assert at(diagnostic) == (TTP, *locate(pack, TTP, '"Sign-in'))
    closing = locate(pack, TTP, '"unknown')
    left_over = (closing[0], closing[1] + len('"unknown'))
    assert diagnostic.message.endswith(
        f": unterminated string: the quote here opens a string that runs across a '|' to the quote at line "
        f"{closing[0]} column {closing[1]}, so the quote at line {left_over[0]} column {left_over[1]} is never closed "
        f"(is a quote missing here?)")


def test_a_quote_missing_before_a_field_is_reported_at_its_string_though_no_pipe_is_inside(
        pack: Path, validate: Validate) -> None:
    """The closing quote of ``"Sign-in activity`` missing, the string running to the quote opening the next
    field's value, with no ``|`` inside it: the error was the plain "unterminated string" at that value's closing
    quote. One CP060 at the string's opening quote, naming the string's closing quote and the one left over."""
    edit(pack, TTP, 'operationName="Sign-in activity" properties.status.errorCode=65004',
         'operationName="Sign-in activity properties.status.errorCode="65004"')
    diagnostic = only(validate(pack), "CP060")
    assert at(diagnostic) == (TTP, *locate(pack, TTP, '"Sign-in'))
    closing = locate(pack, TTP, '"65004')
    assert diagnostic.message.endswith(
        f": unterminated string: the quote here opens a string that runs past 'properties.status.errorCode=' to the "
        f"quote at line {closing[0]} column {closing[1]}, so the quote at line {closing[0]} column {closing[1] + 6} "
        f"is never closed (is a quote missing here?)")


def test_misspelt_command_is_an_error_with_a_suggestion(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "| fillnull ", "| filnull ")
    diagnostic = only(validate(pack), "CP061")
    assert at(diagnostic) == (TTP, *locate(pack, TTP, "filnull"))
    assert "unknown search command 'filnull' (did you mean 'fillnull'?)" in diagnostic.message


def test_misspelt_eval_function_in_a_folded_block_scalar(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, "| where isnull(known)", "| eval n=mni(count) | where isnull(known)")
    diagnostic = only(validate(pack), "CP061")
    assert at(diagnostic) == (HUNTING, *locate(pack, HUNTING, "mni("))
    assert "unknown eval function 'mni' (did you mean 'min'?)" in diagnostic.message


def test_bad_cron_schedule_points_at_the_bad_field(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, "tags:\n", "deployment:\n  scheduling:\n    cron_schedule: 99 * * * *\ntags:\n")
    diagnostic = only(validate(pack), "CP062")
    assert at(diagnostic) == (HUNTING, *locate(pack, HUNTING, "99 * * * *"))
    assert "cron_schedule '99 * * * *' is not valid Splunk cron" in diagnostic.message


@pytest.mark.parametrize(("cron", "part", "words"), [
    ("5/15 * * * *", "5/15", "step after a single value"),
    ("0 9-12,15-17/2 * * *", "9-12,", "mixes stepped and unstepped items"),
    ("0 0 */2 * 1", "*/2", "with the other day field restricted"),
    ("0 0 * * 7", "7", "day of week value 7 is outside 0-6"),
    ("0 */70 * * *", "70", "so only 0 runs, not every 70 from the last run"),
])
def test_a_cron_splunk_may_read_otherwise_fails_validate(pack: Path, validate: Validate, cron: str, part: str,
                                                         words: str) -> None:
    """A cron_schedule the simulation would have to guess at (tests/test_cron.py cites why each is refused) is
    CP062 at the column of the part, not a silent schedule."""
    edit(pack, HUNTING, "tags:\n", f"deployment:\n  scheduling:\n    cron_schedule: '{cron}'\ntags:\n")
    result = validate(pack)
    diagnostic = only(result, "CP062")
    line, column = locate(pack, HUNTING, cron)
    assert at(diagnostic) == (HUNTING, line, column + cron.index(part))
    assert words in diagnostic.message and not result.ok


@pytest.mark.parametrize(("cron", "verdict"), [
    ("0 */70 * * *", "runs differently than it reads"),
    ("0-5/10 * * * *", "runs differently than it reads"),
    ("0 0 * * 7", "is not valid Splunk cron"),
    ("0 0 * * mon", "is not valid Splunk cron"),
    ("0 0 30 2 *", "never runs"),
    ("5/15 * * * *", "is read differently by different cron implementations"),
    ("0 9-12,15-17/2 * * *", "is read differently by different cron implementations"),
    ("0 0 */2 * 1", "is read differently by different cron implementations"),
])
def test_a_cron_splunk_takes_is_not_called_invalid(pack: Path, validate: Validate, cron: str, verdict: str) -> None:
    """Splunk takes ``*/70`` in the hour field: the Alerting Manual reads ``*/N`` as "All values in this field are
    intervals of N", so it runs at hour 0 alone (``contentpack.cron``'s docstring); cronie accepts it with a
    warning. Nor is a schedule that never runs, or a form crons read differently (refused for that), bad syntax.
    Only a message for syntax Splunk refuses says "not valid Splunk cron"."""
    edit(pack, HUNTING, "tags:\n", f"deployment:\n  scheduling:\n    cron_schedule: '{cron}'\ntags:\n")
    assert only(validate(pack), "CP062").message.startswith(f"cron_schedule '{cron}' {verdict}: ")


def test_bad_earliest_time_points_at_the_unknown_unit(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, "tags:\n", "deployment:\n  scheduling:\n    earliest_time: -7dayz@bogus\ntags:\n")
    diagnostic = only(validate(pack), "CP063")
    assert at(diagnostic) == (HUNTING, *locate(pack, HUNTING, "dayz"))
    assert diagnostic.message.startswith("earliest_time: invalid time modifier '-7dayz@bogus'")


def test_reproducers_all_reported_in_one_run(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "| fillnull ", "| filnull ")
    edit(pack, HUNTING, "| where isnull(known)", "| eval n=mni(count) | where isnull(known)")
    edit(pack, HUNTING, "tags:\n", "deployment:\n  scheduling:\n    cron_schedule: 99 * * * *\n"
                                   "    latest_time: -7dayz@bogus\ntags:\n")
    result = validate(pack)
    assert sorted(d.rule for d in result.diagnostics) == ["CP061", "CP061", "CP062", "CP063"]
    assert not result.ok


# --------------------------------------------------------------------------------- positions in every style


@pytest.mark.parametrize("style", ["double", "literal", "plain"])
def test_positions_in_quoted_and_block_scalars(pack: Path, validate: Validate, style: str) -> None:
    search = ('`azure_monitor_aad` operationName="Sign-in activity" | rename properties.* as *\n'
              '| stats count by user | filnull | `entra_id_user_declined_consent_for_oauth_app_filter`')
    if style == "double":
        written = json.dumps(search.replace("\n", " "))
    elif style == "literal":
        written = "|\n  " + search.replace("\n", "\n  ")
    else:  # a plain scalar cannot start with a backtick
        written = "index=main " + search.replace("\n", "\n  ").replace('"', "")
    text = (pack / TTP).read_text(encoding="utf-8")
    start = text.index("search: '")
    end = text.index("how_to_implement:")
    (pack / TTP).write_text(text[:start] + "search: " + written + "\n" + text[end:], encoding="utf-8")
    assert at(only(validate(pack), "CP061")) == (TTP, *locate(pack, TTP, "filnull"))


def test_drilldown_errors_after_the_original_search_map_to_the_drilldown(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, '| search  user = "$user$"', '| serach  user = "$user$"')
    diagnostic = only(validate(pack), "CP061")
    assert at(diagnostic) == (TTP, *locate(pack, TTP, "serach"))
    assert "(did you mean 'search'?)" in diagnostic.message and "drilldown 1" in diagnostic.message


def test_error_inside_a_macro_points_at_the_call(pack: Path, validate: Validate) -> None:
    edit(pack, "macros/security_content_ctime.yml", "convert", "convret")
    result = validate(pack)
    found = [d for d in result.diagnostics if d.rule == "CP061"]
    assert found and all("inside the expansion of macro `security_content_ctime`" in d.message for d in found)
    assert at(found[0]) == (TTP, *locate(pack, TTP, "`security_content_ctime(firstTime)`"))


def test_custom_commands_of_other_apps_are_declared_in_contentpack_yml(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "| fillnull ", "| ut_shannon src ")
    assert "unknown search command 'ut_shannon'" in only(validate(pack), "CP061").message
    (pack / "contentpack.yml").write_text((pack / "contentpack.yml").read_text(encoding="utf-8")
                                          + "custom_commands:\n- name: ut_shannon\n  app: URL Toolbox\n",
                                          encoding="utf-8")
    assert validate(pack).diagnostics == []


def test_valid_spl_the_engine_does_not_run_is_not_an_error(pack: Path, validate: Validate) -> None:
    """tstats (append=t after other commands), a Splunk command the engine lacks (transaction) and an eval
    function it lacks (mvmap) are valid."""
    edit(pack, TTP, "| fillnull ", "| fillnull | transaction user maxspan=5m | eval x=mvmap(user, lower(user)) ")
    edit(pack, HUNTING, "| where isnull(known)",
         "| where isnull(known) | tstats prestats=t append=t count where index=x by host")
    assert validate(pack).diagnostics == []


def test_literal_drilldown_offsets_are_checked_tokens_are_not(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "earliest_offset: $info_min_time$", "earliest_offset: -7d@w9")
    diagnostic = only(validate(pack), "CP063")
    assert at(diagnostic) == (TTP, *locate(pack, TTP, "@w9"))  # at the snap the message names
    assert "unknown snap unit '@w9'" in diagnostic.message and "w0 to w7" in diagnostic.message
    edit(pack, TTP, "earliest_offset: -7d@w9", "earliest_offset: -7d@w1")
    assert validate(pack).diagnostics == []


def test_drilldown_offsets_may_be_the_durations_es_documents(pack: Path, validate: Validate) -> None:
    """ES's *Drill-down earliest/latest offset* is "the amount of time before [after] the triggering event ... For
    example, 2h" (the splunk.es Ansible collection's documentation of the setting), which the replay reads
    (``replay.drilldowns``) but which is no time modifier: CP063 accepts it for an offset (it refused ``7d``), and
    still refuses a duration with something after it."""
    edit(pack, TTP, "earliest_offset: $info_min_time$", "earliest_offset: 7d")
    edit(pack, TTP, "latest_offset: $info_max_time$", "latest_offset: 1m")
    assert validate(pack).diagnostics == []
    edit(pack, TTP, "earliest_offset: 7d", "earliest_offset: 7dx")
    assert "7dx" in only(validate(pack), "CP063").message


def test_valid_schedules_pass(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, "tags:\n", "deployment:\n  scheduling:\n    cron_schedule: '*/15 9-17 * * 1-5'\n"
                                   "    earliest_time: -1d@d+8h\n    latest_time: now\ntags:\n")
    result = validate(pack)
    # valid cron and modifiers; the weekend no run searches is CP066's warning (tests/content/test_schedule_windows.py)
    assert result.ok and [(d.rule, d.severity) for d in result.diagnostics] == [("CP066", Severity.WARNING)]


# --------------------------------------------------------------------------------- invalid regex literals


def test_invalid_regex_literals_are_cp060_at_the_pattern(pack: Path, validate: Validate) -> None:
    """A pattern written in the search that PCRE cannot compile (rex, regex, match, replace, and a calculated
    field's replace): Splunk refuses the search ("Regex: unmatched closing parenthesis" for rex,
    https://github.com/back2root/log4shell-rex/issues/2; the other commands and functions: assumed), so validate
    reports each, in one run with the other findings, at the pattern's line and column."""
    edit(pack, TTP, "| fillnull ", '| rex field=user "(?<dom>[a-z+" | filnull ')
    edit(pack, HUNTING, "| where isnull(known)",
         '| where isnull(known) AND match(user, "(unclosed")\n  | eval r=replace(user, "a)", "b")\n'
         '  | regex user!="[x"')
    edit(pack, "data_sources/azure_active_directory_sign_in_activity.yml", """expression: '"Azure AD"'""",
         """expression: 'replace(operationName, "*x", "")'""")
    result = validate(pack)
    found = sorted((d.rule, *at(d)[1:], d.position.path) for d in result.diagnostics)
    expected = [("CP060", *locate(pack, TTP, '"(?<dom>'), TTP),
                ("CP060", *locate(pack, HUNTING, '"(unclosed"'), HUNTING),
                ("CP060", *locate(pack, HUNTING, '"a)"'), HUNTING),
                ("CP060", *locate(pack, HUNTING, '"[x"'), HUNTING),
                ("CP060", *locate(pack, "data_sources/azure_active_directory_sign_in_activity.yml", '"*x"'),
                 "data_sources/azure_active_directory_sign_in_activity.yml"),
                ("CP061", *locate(pack, TTP, "filnull"), TTP)]  # no CP045 for the $user$ the bad rex names
    assert found == sorted(expected)
    messages = [d.message for d in result.diagnostics if d.rule == "CP060"]
    assert any("invalid regular expression '(?<dom>[a-z+': missing terminating ] for character class" in m
               for m in messages)
    assert any("'a)': unmatched closing parenthesis" in m for m in messages)
    assert any("'*x': quantifier does not follow a repeatable item" in m for m in messages)


def test_regex_patterns_splunk_may_accept_are_not_errors(pack: Path, validate: Validate) -> None:
    """A pattern taken from a field, and valid PCRE the engine's translation cannot run (\\cA, a callout),
    are not CP060: the validator never rejects what Splunk accepts."""
    edit(pack, HUNTING, "| where isnull(known)",
         '| where isnull(known) AND match(user, appDisplayName)\n  | eval r=replace(user, "\\cA", "")\n'
         '  | rex field=user "(?<d>(?C1)x)"')
    assert validate(pack).diagnostics == []


# ------------------------------------------------------------------------------- never reject valid content


def escu_pack() -> Pack:
    data = json.loads(gzip.decompress(ESCU.read_bytes()))
    macros = tuple(Macro(m["name"], m["definition"], "", tuple(m["arguments"])) for m in data["macros"])
    detections = tuple(
        dataclasses.replace(factory.detection(), name=d["name"], search=d["search"], source=SourceMap(d["file"]),
                            drilldown_searches=tuple(Drilldown(x["name"], x["search"], x["earliest_offset"],
                                                               x["latest_offset"]) for x in d["drilldown_searches"]))
        for d in data["detections"])
    return Pack("/nonexistent", factory.app(), detections=detections, macros=macros)


@pytest.mark.slow
def test_every_escu_detection_validates_without_spl_errors() -> None:
    """All 1,870 ESCU detections (splunk/security_content @ a063ed3, Apache-2.0, as a compact fixture made by
    scripts/escu_spl_fixture.py): no CP060-CP065 finding, except the one drilldown ESCU ships with a
    ``[CHANGEME_FIELD]`` placeholder, which Splunk itself cannot run (a subsearch compared with ``=``). The
    tables ESCU's searches look up are not in this pack (other apps' tables to CP065), so none is checked."""
    pack = escu_pack()
    context = RuleContext(pack, Path("/nonexistent"), dt.date(2026, 12, 1), frozenset(), None)
    findings = [d for rule in spl_checks.RULES for d in rule(context)]
    assert [(d.position.path, d.rule) for d in findings] == [
        ("detections/cloud/o365_email_send_and_hard_delete_suspicious_behavior.yml", "CP060")]
    assert "drilldown 1" in findings[0].message
    texts = list(spl_checks.search_texts(context))
    assert len(texts) > 5000 and len(pack.detections) == 1870


@pytest.mark.slow
def test_cp029_warns_about_escus_unfilled_drilldown_tokens_and_rejects_nothing() -> None:
    """ESCU (a063ed3) ships drilldowns whose tokens name no result field of their search, e.g.
    detect_empire_with_powershell_script_block_logging: ``stats ... by dest signature ... user_id`` and a
    drilldown on ``$user$`` and ``$Computer$``. CP029 points at each (a warning: the detection still works) and
    never makes ESCU content invalid. Searches whose result fields cannot be read (``tstats`` then ``apply``...)
    or hold a wildcard are not judged."""
    pack = escu_pack()
    pack = dataclasses.replace(pack, detections=tuple(dataclasses.replace(d, rba=None) for d in pack.detections))
    context = RuleContext(pack, Path("/nonexistent"), dt.date(2026, 12, 1), frozenset(), None)
    findings = list(search.action_fields_are_results(context))
    assert {d.severity for d in findings} == {Severity.WARNING}
    assert {d.message.split(" token(s)")[0] for d in findings} == {"drilldown name", "drilldown search"}
    empire = [d for d in findings if d.position.path.endswith("detect_empire_with_powershell_script_block_logging.yml")]
    assert empire and all("$Computer$, $user$ name no result field" in d.message for d in empire)
    # The fixture is fixed, so this count moves only when the result-field reader does: check the difference by hand.
    # 48 since rename pairs without commas are read (gsuite_drive_share_in_external_email: its drilldowns read
    # $dest$, and `rename parameters.owner as user ip_address as src_ip` leaves no dest).
    assert len({d.position.path for d in findings}) == 48


@pytest.mark.parametrize(("value", "words"), [
    ("rt-5m", "real-time window 'rt-5m' is not supported for a scheduled detection"),
    ("10/15/2019:20:00:00", "absolute time '10/15/2019:20:00:00' is not supported in a schedule"),
    ("2019-10-15T20:00:00.000+00:00", "dispatch.time_format (default %FT%T.%Q%:z"),
])
def test_a_schedule_window_the_replay_cannot_honour_fails_validate(pack: Path, validate: Validate, value: str,
                                                                  words: str) -> None:
    """A real-time dispatch window cannot be replayed as scheduled runs; an absolute dispatch time is read by Splunk
    with dispatch.time_format, "Default: %FT%T.%Q%:z" (savedsearches.conf.spec), not with the search language's
    %m/%d/%Y:%H:%M:%S that the engine reads, and would fix every run's range. Both are CP063 at the value."""
    edit(pack, HUNTING, "tags:\n", f"deployment:\n  scheduling:\n    earliest_time: '{value}'\ntags:\n")
    result = validate(pack)
    diagnostic = only(result, "CP063")
    assert at(diagnostic) == (HUNTING, *locate(pack, HUNTING, value))
    assert words in diagnostic.message and not result.ok


@pytest.mark.parametrize("value", ['"-70m@m"', "'-70m@m'"])
def test_a_quoted_dispatch_time_fails_validate(pack: Path, validate: Validate, value: str) -> None:
    """savedsearches.conf.spec (Splunk 10.0, https://help.splunk.com/en/data-management/splunk-enterprise-admin-manual/
    10.0/10.0.0-configuration-file-reference/savedsearches.conf): ``dispatch.earliest_time = <time-str>``. The build
    writes the value verbatim, so a quoted one reaches Splunk with its quotes, which the search language strips but
    no page says the scheduler does (assumed unknowable); the replay read ``"-70m@m"`` as ``-70m@m`` and ran a window
    Splunk may reject or read otherwise. CP063 at the value (it passed validate, and replayed, before)."""
    yaml_value = value.replace("'", "''")
    edit(pack, HUNTING, "tags:\n", f"deployment:\n  scheduling:\n    earliest_time: '{yaml_value}'\ntags:\n")
    result = validate(pack)
    diagnostic = only(result, "CP063")
    assert at(diagnostic) == (HUNTING, *locate(pack, HUNTING, yaml_value))
    assert f"quoted time {value!r} is not supported in a schedule" in diagnostic.message and not result.ok


@pytest.mark.parametrize(("cron", "window", "refused"), [
    ("*/10 * * * *", "10", True), ("*/10 * * * *", "60", True), ("0 9,10 * * *", "60", True),
    ("*/10 * * * *", "9", False), ("0 * * * *", "59", False), ("0 9,17 * * *", "479", False),
])
def test_a_schedule_window_not_shorter_than_the_period_fails_validate(pack: Path, validate: Validate, cron: str,
                                                                      window: str, refused: bool) -> None:
    """savedsearches.conf.spec (Splunk 10.0, https://help.splunk.com/en/data-management/splunk-enterprise-admin-manual/
    10.0/10.0.0-configuration-file-reference/savedsearches.conf), ``schedule_window``: the "window" of time (in
    minutes) "that a search may start within"; "The 'schedule_window' must be shorter than the period of the
    search". What the scheduler does with a longer one no page says, and ``replay --sweep`` silently held such runs
    back a minute under the period, so validate refuses it (CP062, at the value). A cron whose runs are unevenly
    spaced (09:00 and 10:00 daily) is judged on its shortest gap."""
    edit(pack, HUNTING, "tags:\n", f"deployment:\n  scheduling:\n    cron_schedule: '{cron}'\n"
                                   f"    earliest_time: -1450m@m\n    latest_time: -10m@m\n"
                                   f"    schedule_window: '{window}'\ntags:\n")
    result = validate(pack)
    cp062 = [d for d in result.diagnostics if d.rule == "CP062"]
    if not refused:
        assert cp062 == []
        return
    [diagnostic] = cp062
    assert at(diagnostic) == (HUNTING, *locate(pack, HUNTING, f"schedule_window: '{window}"))[:2] + (
        locate(pack, HUNTING, f"schedule_window: '{window}")[1] + len("schedule_window: '"),)
    assert diagnostic.message.startswith(f"schedule_window {window} (minutes) is not shorter than the ")
    assert "must be shorter than the period of the search" in diagnostic.message and not result.ok


def test_real_time_drilldown_offsets_stay_accepted(pack: Path, validate: Validate) -> None:
    """A drilldown's offsets are ES's to open, not a scheduled window: rt stays valid there."""
    edit(pack, TTP, "earliest_offset: $info_min_time$", "earliest_offset: rt-5m")
    assert validate(pack).diagnostics == []


def test_search_texts_are_made_once_per_run_and_shared_by_the_rules() -> None:
    """The rules that read every search text (CP060/CP061, CP065, CP025, CP073) share one tuple made once per
    run (``RuleContext.search_texts``) rather than each making its own: each detection's search, then its
    drilldown searches, in pack order."""
    pack = factory.pack(detections=(factory.detection(),))
    context = RuleContext(pack, Path("/nonexistent"), dt.date(2026, 12, 1), frozenset(), None)
    texts = spl_checks.search_texts(context)
    assert texts is spl_checks.search_texts(context)
    assert [(text.node, text.owner) for text in texts] == [
        (("search",), "detection 'Consent Denied'"),
        (("drilldown_searches", 0, "search"), "drilldown 1 of detection 'Consent Denied'"),
        (("drilldown_searches", 1, "search"), "drilldown 2 of detection 'Consent Denied'"),
    ]


def test_an_error_at_the_end_of_the_search_is_placed_after_its_last_character(pack: Path, validate: Validate) -> None:
    """``found end of command`` is about the place just past the search's last character: reported there (the
    column after ``by``), where the author adds what is missing. It was at the ``search`` key, lines above, as the
    parser's offset is one past the value's last character."""
    edit(pack, HUNTING, "  | `entra_id_consent_prompts_for_unknown_apps_filter`\n",
         "  | `entra_id_consent_prompts_for_unknown_apps_filter` | stats count by\n")
    diagnostic = only(validate(pack), "CP060")
    line, col = locate(pack, HUNTING, "stats count by", 2)
    assert at(diagnostic) == (HUNTING, line, col + len("stats count by"))
    assert "found end of command" in diagnostic.message


# ---------------------------------------------------------------- one mistake in the search, one finding


def test_a_syntax_error_in_the_last_stats_is_not_said_again_at_every_field(pack: Path, validate: Validate) -> None:
    """A last ``stats count by`` with its fields not written yet: the result fields were read from it as ``by`` and
    ``count``, and every risk object, throttling field, drilldown token and expected_rows key was reported as no
    result field (CP029, CP047) beside the CP060: one mistake, a page of findings pointing away from it."""
    edit(pack, TTP, "  | `entra_id_user_declined_consent_for_oauth_app_filter`'",
         "  | `entra_id_user_declined_consent_for_oauth_app_filter` | stats count by'")
    assert [d.rule for d in validate(pack).diagnostics] == ["CP060"]


def test_a_syntax_error_in_the_last_stats_gives_no_multivalue_drilldown_warning(pack: Path, validate: Validate) -> None:
    """The CP029 multivalue drilldown warning read the values() of a last stats CP060 refuses (``min(_time as``)
    and warned at the drilldown's ``$user$`` beside the error: that text is not SPL, and the error is the one
    finding. The same stats written right still gets the warning (tests/content/test_rules.py)."""
    edit(pack, TTP, "| stats count min(_time) as firstTime max(_time) as lastTime by dest user src",
         "| stats count values(user) as user min(_time as firstTime max(_time) as lastTime by dest src")
    assert [d.rule for d in validate(pack).diagnostics] == ["CP060"]


def test_a_typo_before_the_last_stats_keeps_the_result_field_findings(pack: Path, validate: Validate) -> None:
    """A typo in an earlier command says nothing about the fields the last stats makes: a risk object it does not
    make is still reported, in the same run (all errors at once)."""
    edit(pack, TTP, "| fillnull ", "| filnull ")
    edit(pack, TTP, "  risk_objects:\n  - field: user", "  risk_objects:\n  - field: usr")
    rules = sorted(d.rule for d in validate(pack).diagnostics)
    assert "CP061" in rules and "CP029" in rules, rules
