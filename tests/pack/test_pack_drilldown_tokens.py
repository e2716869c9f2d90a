"""No finding of the real pack opens a drilldown whose token is a field holding several values.

No Splunk page says how Enterprise Security fills a drilldown's ``$field$`` token from a multivalue field (joined by
a comma, ESCU's ``normalized_risk_object IN ("$f$")`` would be the one string ``"a,b"`` and match nothing; the first
value only, it would miss the rest; ``simulate.tokens``). So the pack keys every drilldown on a field of one value
per finding. Until version 17 of Declined Across Many Applications, 11 of Over a Day and 21 of Risk Across
Detections, three drilldowns keyed on ``$campaign_app_id$`` (the campaign's applications) and the risk drilldown of
Risk Across Detections on ``$user_risk_object$``, named after ``$user$`` (every ranked user: a title listing 30 users
in report.html); the replay filled them by the assumption that ES joins the values by ``","``.

The findings are those of the replay's scheduled runs (``real_pack_runs.scheduled_replay``): every notable, and
every risk event of a detection that raises none (a risk event carries its result's fields). That the drilldowns
return the events behind each finding is the replay's own drilldown check (``replay.drilldowns``), which every test
of the pack passes (``test_pack_replay``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from contentpack.content.model import Detection
from contentpack.content.naming import stanza_name
from contentpack.replay.drilldowns import fill_drilldown
from contentpack.spl.values import Value, mv_values

from real_pack_runs import real_pack, scheduled_replay

# The fields of several values the findings hold, which the drilldowns read before and no longer do.
SEVERAL = {"campaign_app_id", "user", "user_risk_object"}


def _findings() -> Iterator[tuple[Detection, Mapping[str, Value], tuple[float, float], float]]:
    """Each test's findings of its own detection, with the run's window and the finding's time."""
    pack = real_pack()
    by_name = {d.name: d for d in pack.detections}
    for (name, _test), timeline in scheduled_replay().timelines.items():
        detection = by_name[name]
        notables = [n for n in timeline.notables if n.detection == name]
        for notable in notables:
            yield detection, notable.fields, (notable.earliest, notable.latest), notable.time
        if notables:
            continue
        stanza = stanza_name(pack.app, detection)
        for event in timeline.risk:
            if event.get("search_name") == stanza:
                stamp = float(event["_time"])  # type: ignore[arg-type]
                yield detection, event, (stamp - 3600, stamp), stamp  # the window sets only the time bounds


def test_no_drilldown_token_of_a_finding_holds_several_values() -> None:
    """Every drilldown of every finding fills each token from one value; the findings do hold several values in
    ``SEVERAL`` (the campaign's applications, the ranked users), so the test sees the case it guards."""
    seen: set[str] = set()
    checked = 0
    for detection, fields, window, when in _findings():
        seen |= {name for name in SEVERAL if len(mv_values(fields.get(name))) > 1}
        for drilldown in detection.drilldown_searches:
            filled = fill_drilldown(detection, drilldown, fields, window, when)
            assert filled.multivalued == (), (detection.name, drilldown.name, filled.multivalued)
            assert not filled.unfilled, (detection.name, drilldown.name, filled.unfilled)
            checked += 1
    assert seen == SEVERAL and checked > 100, (seen, checked)


def test_risk_across_detections_names_its_drilldowns_after_one_user_and_one_application() -> None:
    """The finding's drilldown names stay short: the first ranked user (``risk_object``) or the application, never
    the list of every user (``$user$``)."""
    [detection] = [d for d in real_pack().detections if d.name == "Entra ID OAuth Consent Abuse Risk Across Detections"]
    names = [d.name for d in detection.drilldown_searches]
    assert [name.rsplit(" - ", 1)[1] for name in names] == ['"$app_id$"', '"$app_id$"', '"$risk_object$"', '"$app_id$"']
