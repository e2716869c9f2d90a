"""`contentpack search` inside a pack knows the pack: a detection's search pasted verbatim finds what the
replay finds, with no --macros/--alias/--calc; --no-pack gives the bare engine; an empty result over a
field no event has gets a hint on stderr (our tool's own aid, not a Splunk behaviour: the results stay
Splunk's — zero rows, exit 0)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from contentpack.cli import main, pack_loading
from contentpack.cli.search import render
from contentpack.content.model import Pack
from contentpack.content.validate import validate_pack
from contentpack.replay.attack_data import AttackDataStore
from contentpack.simulate.engine_setup import build_engine
from contentpack.replay.runner import run_detection_search

REPO = Path(__file__).resolve().parents[2]
SINGLE = "attack_data/single_user_declines/single_user_declines.log"


@pytest.fixture(scope="module")
def pack() -> Pack:
    result = validate_pack(REPO)
    assert result.pack is not None and not result.errors
    return result.pack


def _search(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any, str]:
    status = main(["search", *args, "--format", "json"])
    captured = capsys.readouterr()
    return status, json.loads(captured.out) if captured.out.strip() else None, captured.err


def _as_json(rows: list[dict[str, Any]]) -> Any:
    """The replay's rows as ``--format json`` writes rows (every value text: test_cli_search pins that form)."""
    return json.loads(render(rows, [], "json", "UTC"))


@pytest.mark.slow
def test_every_detection_search_verbatim_returns_the_replays_rows(
        pack: Pack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    # each `search` finds the pack around the working directory and loads it as ever, but validates it once, not
    # once per search: the same files give the same pack (validating it was nine tenths of this test's time)
    monkeypatch.setattr(pack_loading, "validate_pack", cache(validate_pack))
    store = AttackDataStore(REPO)
    compared = nonempty = 0
    for detection in pack.detections:
        if detection.type == "Correlation":  # reads the risk index, which a plain search has not got
            continue
        for index, test in enumerate(detection.tests):
            files, problems = store.files_for(detection, index, test.attack_data)
            assert not problems and len(files) == len(test.attack_data)
            engine = build_engine(pack)
            for each in files:
                each.register(engine)
            newest = store.newest_time(files)
            assert newest is not None
            expected = _as_json(run_detection_search(engine, detection, newest + 1.0).rows)
            events = [arg for data in test.attack_data for arg in ("--events", data.data)]  # --events repeats
            status, rows, err = _search(capsys, detection.search, *events)
            assert status == 0, err
            assert rows == expected, (detection.name, test.name)
            compared += 1
            nonempty += bool(rows)
    assert compared >= 20 and nonempty >= 10


def test_the_readme_example_needs_no_flags(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO / "detections")  # anywhere inside the pack
    status, rows, err = _search(
        capsys, '`entra_id_signin_and_audit_logs` properties.status.errorCode=65004 | rename properties.* as * '
                '| table user appId src', "--events", str(REPO / SINGLE))
    assert status == 0 and err == ""
    assert rows == [{"user": "joni.natarajan@contoso.example", "appId": "4be11163-0a03-45fb-87e5-5c8de005a186",
                     "src": "198.51.100.37"}]


def test_no_pack_gives_the_bare_engine(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    status, document, err = _search(capsys, "`entra_id_signin_and_audit_logs` | stats count", "--events", SINGLE,
                                    "--no-pack")
    assert (status, err, document["ok"]) == (1, "", False)
    assert document["diagnostics"][0]["message"].startswith("unknown macro 'entra_id_signin_and_audit_logs'")


def test_an_empty_result_over_a_field_no_event_has_gets_a_hint(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    spl = 'operationName="Sign-in activity" | rename properties.* as * | stats count by user appId'
    status, rows, err = _search(capsys, spl, "--events", SINGLE, "--no-pack")
    assert status == 0 and rows == []
    assert err.startswith("contentpack search: hint: no results, and the search groups by 'user' (stats)")
    assert "nor properties.user" in err and "run inside the pack" in err and "appId" not in err
    # inside the pack the add-on's user field exists: rows and no hint
    status, rows, err = _search(capsys, spl, "--events", SINGLE)
    assert status == 0 and len(rows) > 1 and err == ""
    # an empty result that is just empty (the field exists, no value matches) gets no hint
    status, rows, err = _search(capsys, "user=nobody@contoso.example | stats count by user", "--events", SINGLE)
    assert status == 0 and rows == [] and err == ""
    # a filter on a field only an eval would make from a missing field
    status, rows, err = _search(capsys, "* | eval who=lower(initiator) | search who=x", "--events", SINGLE)
    assert rows == [] and "filters on 'who' (search)" in err and "nor initiator" in err


HINT = ("contentpack search: hint: the search's first filter kept no event: it filters on 'usr' ({}), a field no "
        "event has (did you mean 'user'?); is it a search-time field of another sourcetype or add-on? add it with --alias/--calc\n")


def test_an_aggregate_over_a_field_no_event_has_gets_the_hint_too(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """``usr=foo | stats count`` answers one row, ``count`` 0, as Splunk does over no event: the hint waited for zero
    rows and never came. Now the first ``search``/``where`` on a field is run again on its own (up to it, then
    ``head 1``): when it kept no event, its fields no event has are named, whatever the row count."""
    monkeypatch.chdir(REPO)
    for spl, command in (("usr=foo | stats count", "search"), ('* | where usr="foo" | stats count', "where"),
                         ("usr=foo user=x | stats dc(user)", "search")):
        status, rows, err = _search(capsys, spl, "--events", SINGLE)
        assert status == 0 and len(rows) == 1 and err == HINT.format(command), spl
    # a disjunction whose other branch reads a field events have can pass without 'usr', but kept no event (the
    # value x matched none): 'usr' is named, its branch could have kept one (spl.hints._emptied_by); a field whose
    # absence only lets events through (NOT usr=foo) is not
    status, rows, err = _search(capsys, "usr=foo OR user=x | stats dc(user)", "--events", SINGLE)
    assert status == 0 and len(rows) == 1 and err == HINT.format("search")
    status, rows, err = _search(capsys, "user=x NOT usr=foo | stats dc(user)", "--events", SINGLE)
    assert status == 0 and len(rows) == 1 and err == ""
    # through an eval the hint names what the field comes from, as the zero-row hint does
    spl = "* | eval who=lower(initiator) | search who=x | stats count"
    status, rows, err = _search(capsys, spl, "--events", SINGLE)
    assert rows == [{"count": "0"}] and "filters on 'who' (search), a field no event has (nor initiator" in err


def test_a_search_over_the_risk_data_model_gets_one_hint_naming_what_runs_it(
        pack: Pack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A correlation search pasted verbatim reads ``| from datamodel Risk.All_Risk``, which `search` holds nothing
    in (it runs no detection that writes risk): it drew six hints to add the risk fields (analyticstories...)
    with --alias/--calc, and ``| stats count`` over it answered 0 with no word. One hint now says why, whatever
    came back, and which commands run a correlation over its detections' risk."""
    monkeypatch.chdir(REPO)
    correlation = next(d for d in pack.detections if d.name == "Entra ID OAuth Consent Abuse Risk Across Detections")
    campaign = "attack_data/consent_phishing_campaign/consent_phishing_campaign.log"
    for spl, expected in ((correlation.search, []), ("| from datamodel Risk.All_Risk | stats count", [{"count": "0"}])):
        for events in (("--events", campaign), ()):
            status, rows, err = _search(capsys, spl, *events)
            assert (status, rows) == (0, expected)
            assert err.count("hint:") == 1 and "a field no event has" not in err, err
            assert "reads the Risk data model" in err and "contentpack replay --detection NAME" in err
            assert "contentpack backtest --events FILE --detection NAME" in err


@pytest.mark.parametrize("spl", [
    "NOT usr=foo | stats count",  # keeps the events that lack usr: on purpose, or at least an answer
    "* | where isnull(usr) | stats count",
    '* | eval flag=if(isnull(usr), "none", usr) | search flag=none | stats count',  # the eval gives every event one
    '* | rex field=_raw "(?<usr>zzz)" | search usr=foo | stats count',  # a field the search makes is not absent
    "user=* | where usr=1 | stats count",  # the first filter on a field keeps events: only it is looked at
    "user=nobody@contoso.example | stats count",  # the field is there, no value matches
])
def test_no_hint_where_the_first_filter_kept_events_or_reads_no_absent_field(
        spl: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    status, rows, err = _search(capsys, spl, "--events", SINGLE)
    assert status == 0 and len(rows) == 1 and err == ""


def test_options_add_to_the_pack(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                 tmp_path: Path) -> None:
    monkeypatch.chdir(REPO)
    # --calc replaces the pack's calculated field of that name, --alias adds to the pack's aliases
    status, rows, _ = _search(capsys, "properties.status.errorCode=65004 | table user vendor_product who",
                              "--events", SINGLE, "--calc", 'vendor_product="Entra"', "--alias",
                              "properties.userPrincipalName=who")
    assert status == 0 and rows == [{"user": "joni.natarajan@contoso.example", "vendor_product": "Entra",
                                     "who": "joni.natarajan@contoso.example"}]
    # a bad --calc is the user's error (exit 2), not the pack's
    status, _, err = _search(capsys, "* | head 1", "--events", SINGLE, "--calc", "x=if(")
    assert status == 2 and err.startswith("contentpack search: ") and "data_sources" not in err


def test_an_invalid_pack_is_refused_with_positions(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "contentpack.yml").write_text("app: {}\n")
    monkeypatch.chdir(tmp_path)
    status = main(["search", "* | head 1", "--events", str(REPO / SINGLE)])
    err = capsys.readouterr().err
    assert status == 1 and "contentpack.yml:" in err and "the pack is invalid" in err
    # search runs no detection, and a broken pack need not stop an analyst's search: the refusal says how
    assert "running its detections" not in err and "search without them (--no-pack)" in err
    assert main(["search", "* | head 1", "--events", str(REPO / SINGLE), "--no-pack", "--format", "json"]) == 0
