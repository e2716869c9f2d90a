"""What "View risk events for the last 7 days" shows when an analyst opens it from a finding of the real pack on the
simulated Enterprise Security timeline: the risk of the finding's risk object over the seven days before the
finding, its own risk event included, however long after the finding it is opened.

The replay's own drilldown check opens drilldowns from the all-time search (``replay.drilldowns``: info_min_time 0,
info_max_time +Infinity), where any offsets cover everything; these tests open them from the scheduled runs, with
the run's window and the time ES stamps on the finding (``simulate.risk.result_time``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from contentpack.content.model import Detection
from contentpack.content.naming import detection_name_of, stanza_name
from contentpack.replay.drilldowns import fill_drilldown, run_drilldown
from contentpack.simulate import build_engine
from contentpack.simulate.simulation import SimulationResult
from contentpack.spl.values import Event, Value, mv_values, to_str

from .test_pack_timeline import AFTER_DECLINE, _pack, _simulated

RISK_DRILLDOWN = "View risk events for the last 7 days"
REFUSAL = "Entra ID User Declined OAuth Application Consent"
RISKY_SCOPES = "Entra ID User Consent Granted for Risky Delegated Scopes"
WEEK = 7 * 86400
OPENED_LATER = 5 * 86400  # the analyst opens the finding five days after it was raised
KEYED_ON = re.compile(r'normalized_risk_object IN \(((?:"\$\w+\$"(?:, )?)+)\)')
TOKEN = re.compile(r'"\$(\w+)\$"')


def _keyed_on(search: str) -> list[str]:
    """The fields whose tokens the risk drilldown lists in its ``normalized_risk_object IN (...)``: one per risk
    object of the detection (User Consent Blocked for Risky Application scores the user and the application)."""
    [listed] = KEYED_ON.findall(search)
    return TOKEN.findall(listed)


# (detection, the finding's fields, the run's window, the finding's time)
Finding = tuple[Detection, dict[str, Value], tuple[float, float], float]


def _findings(result: SimulationResult) -> Iterator[Finding]:
    """Every notable, and every risk event of a detection that raises none (a risk event is a copy of its result,
    stamped with the finding's time and indexed at its run's)."""
    pack = _pack()
    for detection in pack.detections:
        notables = result.notables_of(detection.name)
        for notable in notables:
            yield detection, dict(notable.fields), (notable.earliest, notable.latest), notable.time
        if notables:
            continue
        runs = {run.run_time: run for run in result.runs_of(detection.name)}
        for event in result.risk:
            if detection_name_of(pack.app, str(event["search_name"])) == detection.name:
                run = runs[float(event["_indextime"])]  # type: ignore[arg-type]
                stamp = float(event["_time"])  # type: ignore[arg-type]
                yield detection, dict(event), (run.earliest, run.latest), stamp


def _shown(detection: Detection, fields: dict[str, Value], window: tuple[float, float], when: float,
           risk: list[Event], now: float) -> dict[str, tuple[int, set[str]]]:
    """The risk drilldown filled from the finding and run at ``now``: per risk object, its count and search names."""
    [drilldown] = [d for d in detection.drilldown_searches if d.name.startswith(RISK_DRILLDOWN)]
    filled = fill_drilldown(detection, drilldown, fields, window, when)
    assert not filled.unfilled and not filled.injected
    engine = build_engine(_pack())
    engine.register_risk_index(risk)
    return {str(to_str(row["normalized_risk_object"])): (int(str(row["count"])),
                                                         {str(to_str(v)) for v in mv_values(row.get("Search Name"))})
            for row in run_drilldown(engine, filled, now).rows}


def _expected(detection: Detection, fields: dict[str, Value], risk: list[Event], when: float
              ) -> dict[str, tuple[int, set[str]]]:
    """Per risk object the drilldown names, the risk events written on it from seven days before the finding up to
    the finding, its own included."""
    [drilldown] = [d for d in detection.drilldown_searches if d.name.startswith(RISK_DRILLDOWN)]
    objects = {str(to_str(v)).lower() for field in _keyed_on(drilldown.search) for v in mv_values(fields.get(field))}
    out: dict[str, tuple[int, set[str]]] = {}
    for event in risk:
        stamp = float(event["_time"])  # type: ignore[arg-type]
        name = str(event["normalized_risk_object"])
        if name in objects and when - WEEK <= stamp <= when:
            count, names = out.get(name, (0, set()))
            out[name] = (count + 1, names | {str(event["search_name"])})
    return out


def test_risk_drilldown_shows_the_refusal_days_before_and_the_findings_own_risk() -> None:
    """relure_days_later: a user declines an application on Monday (User Declined OAuth Application Consent writes
    risk on them) and grants it mail and file scopes on Thursday (Risky Delegated Scopes writes risk, Granted After
    User Declined raises a notable). From every finding, opened at once and five days later, "View risk events for
    the last 7 days" lists every risk event of its risk object from seven days before the finding up to the
    finding. Bounded by the run's own window ($info_min_time$ to $info_max_time$, the form ESCU writes), the
    Thursday grant's risk showed nothing (its 30-minute window ends ten minutes before the run that stamps the
    risk), and the notable raised on a grant after a refusal listed the refusal but not its own risk."""
    pack = _pack()
    result = _simulated(("relure_days_later",))
    risk = list(result.risk)
    stanzas = {d.name: stanza_name(pack.app, d) for d in pack.detections}
    refusal, scopes, after = stanzas[REFUSAL], stanzas[RISKY_SCOPES], stanzas[AFTER_DECLINE]
    grants_seen: set[str] = set()
    for detection, fields, window, when in _findings(result):
        expected = _expected(detection, fields, risk, when)
        assert expected, detection.name  # the finding's own risk, or the risk its correlation read
        for now in (when, when + OPENED_LATER):
            shown = _shown(detection, fields, window, when, risk, now)
            for name, (count, names) in expected.items():
                got = shown.get(name, (0, set()))
                assert got[0] >= count and got[1] >= names, (detection.name, name, now - when, got, expected)
        for names in (names for _, names in expected.values() if refusal in names):
            grants_seen |= names - {refusal}
    assert grants_seen >= {scopes, after}


def test_every_risk_drilldown_covers_the_week_before_its_finding() -> None:
    """Every detection's risk drilldown, filled from a finding of a run whose window ends ten minutes before the
    finding's time (the pack's hourly `-10m@m`), lists a risk event of three days before and the finding's own, opened
    at once or five days later; and nothing eight days before."""
    pack = _pack()
    when = 1_790_000_000.0
    window = (when - 50 * 60, when - 10 * 60)
    checked = []
    for detection in pack.detections:
        drilldowns = [d for d in detection.drilldown_searches if d.name.startswith(RISK_DRILLDOWN)]
        if not drilldowns:
            continue
        keyed_on = _keyed_on(drilldowns[0].search)
        victim = "someone@contoso.example"
        risk: list[Event] = [{"_time": when - days * 86400, "normalized_risk_object": victim, "search_name": f"{days}"}
                             for days in (8, 3, 0)]
        for field in keyed_on:
            fields: dict[str, Value] = {other: "no-risk-here" for other in keyed_on}
            fields[field] = victim
            for now in (when, when + OPENED_LATER):
                shown = _shown(detection, fields, window, when, risk, now)
                assert shown == {victim: (2, {"3", "0"})}, (detection.name, field, now - when, shown)
        checked.append(detection.name)
    assert len(checked) == 15
