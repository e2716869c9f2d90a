"""What a "no results" hint asks of the events: only the fields the search names, and no more reading than it takes.

The hint (``contentpack search``, spl/hints.py) tells a user that a search filtered or grouped on a field no event
has. Finding that out once meant applying every alias and calculated field to every event, whatever the search
named: a bare-term search over 200,000 events in a pack spent five times as long on its hint as on the search.
"""

from __future__ import annotations

from pathlib import Path

from contentpack.spl.engine import Engine, Survey
from contentpack.spl.hints import IndexHint, absent_fields, absent_in, asked_fields, unmade_fields, unmatched_index


def _engine(tmp_path: Path, lines: list[str]) -> Engine:
    path = tmp_path / "events.log"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    engine = Engine()
    engine.register_events(path, sourcetype="st", source="s", lazy=True)
    engine.register_search_time("st", [("props.user", "user")],
                                [("app", 'if(isnull(props.app), null(), lower(props.app))')])
    return engine


def test_a_search_naming_no_field_asks_about_none() -> None:
    engine = Engine()
    assert asked_fields(engine.parse("stats count")) == frozenset()  # two bare terms, not a stats command
    assert asked_fields(engine.parse("* | head 5")) == frozenset()


def test_the_fields_asked_about_are_where_the_named_fields_come_from() -> None:
    engine = Engine()
    pipeline = engine.parse("* | rename props.* as * | search user=foo | stats count by app")
    assert asked_fields(pipeline) == {"user", "props.user", "app", "props.app"}
    assert [f.name for f in absent_fields(pipeline, {"props.user"})] == ["app"]


def test_a_name_a_rename_took_away_comes_from_no_event_field_of_that_name() -> None:
    """``rename`` moves a field to its new name (``fieldops.rename_event``): after it the old name holds only what a
    pair renamed to it, never the event's own field of that name; without a wildcard the new name holds only the
    old field's value ("If fieldB does exist, ... the data in fieldB is removed"), with one what the event had
    under it when nothing was renamed to it. The lineage kept the old names (the rename's ``requires``)."""
    engine = Engine()
    assert asked_fields(engine.parse("* | rename a as b | search a=1")) == frozenset()
    assert [f.sources for f in absent_fields(engine.parse("* | rename a as b | search a=1"), {"a"})] == [()]
    assert asked_fields(engine.parse("* | rename a as b | search b=1")) == {"a"}
    assert asked_fields(engine.parse("* | rename props.* as * | search props.x=1")) == {"props.props.x"}
    assert asked_fields(engine.parse("* | rename props.* as * | search x=1")) == {"props.x", "x"}
    assert asked_fields(engine.parse("* | rename a as b, b as c | search b=1 c=1")) == {"a"}


def test_fields_present_sees_aliases_and_calculated_fields(tmp_path: Path) -> None:
    engine = _engine(tmp_path, ['{"time": 1, "props": {"user": "A"}}', '{"time": 2, "props": {"app": "X"}}'])
    assert engine.fields_present({"user", "app", "nope"}) == {"user", "app"}
    assert engine.fields_present(set()) == set()


def test_a_survey_finds_the_newest_time_and_the_fields_present_in_one_read(tmp_path: Path) -> None:
    """``Engine.survey`` answers ``contentpack search``'s questions of every event in one read: the newest
    ``_time`` (what ``search * | stats max(_time)`` answered, which set the search's time), which of the names
    some event has with search-time knowledge applied (as ``fields_present``), in files and in memory, and the
    oldest ``_time`` (for the hint on a time range that misses every event)."""
    engine = _engine(tmp_path, ['{"time": 5, "props": {"user": "A"}}', '{"time": 9, "props": {"app": "X"}}',
                                '{"time": 2}'])
    newest = engine.search("search * | stats max(_time) as newest", now=0.0).rows[0]["newest"]
    assert engine.survey({"user", "app", "nope"}) == Survey(9.0, frozenset({"user", "app"}), 2.0) and newest == 9.0
    assert engine.survey(set()) == Survey(9.0, frozenset(), 2.0)
    engine.register_events([{"_time": 12.5, "sourcetype": "st", "nope": "1"}])
    assert engine.survey({"nope"}) == Survey(12.5, frozenset({"nope"}), 2.0)
    assert Engine().survey({"a"}) == Survey(None, frozenset())


def test_fields_present_stops_reading_once_every_field_is_found(tmp_path: Path) -> None:
    # a malformed line fails a read that reaches the end of the file; stopping at the first event never sees it
    engine = _engine(tmp_path, ['{"time": 1, "props": {"user": "A"}}', '{"time": 2, "props": '])
    assert engine.fields_present({"user"}) == {"user"}


def test_chart_groups_by_its_row_and_column_split_fields() -> None:
    """chart (Search Reference, https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.0.2503/
    search-commands/chart): the row split "becomes the first column in the results table" with one row per value,
    as a stats ``by`` field groups; the column split is timechart's ``by`` field (the page's "tc options"). Both
    are grouped on, as stats' and timechart's ``by`` fields are; the hint did not know chart and said nothing."""
    engine = Engine()
    pipeline = engine.parse("* | rename props.* as * | chart count over user by app")
    assert asked_fields(pipeline) == {"user", "props.user", "app", "props.app"}
    absent = absent_fields(pipeline, {"props.app"})
    assert [(f.name, f.use, f.command, f.sources) for f in absent] == [
        ("user", "groups by", "chart", ("props.user", "user"))]
    assert [f.name for f in absent_fields(engine.parse("* | chart sum(n) by user app"), set())] == ["user", "app"]
    assert absent_fields(engine.parse("* | chart count"), set()) == []


def test_a_where_keeping_events_without_a_field_is_no_filter_on_it() -> None:
    """isnull (Search Reference, Informational functions, https://help.splunk.com/splunk-enterprise/
    spl-search-reference/9.4/evaluation-functions/informational-functions) is true for a field the event does not
    have (tests/spl/test_functions_conditional.py pins it). ``where isnull(x)`` (or ``NOT isnotnull(x)``) keeps every
    event lacking ``x``, so ``x`` missing from all of them is no reason for zero results: the hint blamed it.
    ``isnotnull(x)``, ``NOT isnull(x)`` and ``x=*`` keep only events with ``x``, and still draw it."""
    engine = Engine()

    def absent(spl: str) -> list[str]:
        return [f"{f.use} {f.name}" for f in absent_fields(engine.parse(spl), set())]

    assert absent("index=main | where isnull(nope) | stats count by nope2") == ["groups by nope2"]
    assert absent("* | where NOT isnotnull(a) AND (isnull(b) OR !isnotnull(c))") == []
    assert absent("* | where isnotnull(a) OR NOT isnull(b)") == ["filters on a", "filters on b"]
    assert absent("* | where isnull(a) AND a>1") == ["filters on a"]  # read elsewhere too: still a filter on it
    assert absent("* | search a=*") == ["filters on a"]


def test_a_filter_names_a_field_only_when_it_cannot_pass_without_it() -> None:
    """``where isnull(a) OR b=1`` keeps every event lacking ``a`` and ``b`` (isnull, Informational functions, above),
    so neither field is why it kept none: the hint named ``b``. A field is named only when the filter fails for an
    event lacking the absent fields it reads: an ``OR`` fails when every branch does, an ``AND`` when one does, a
    ``NOT`` turns one into the other. In ``search``, ``field=value``, ``field!=value`` and ``field IN (...)`` fail
    for an event without the field and ``NOT field=value`` passes it (Search Manual, "Difference between NOT and
    !="; the search command's examples, https://help.splunk.com/splunk-enterprise/search/spl2-search-reference/
    search-command/search-command-examples, 5: "Searching with the boolean NOT comparison operator is not the same
    as using the != comparison"); in ``where`` a comparison with a missing field is null, which ``NOT`` makes true
    (the engine's evaluator: ``_truth`` of null is false, pinned where it is tested)."""
    engine = Engine()

    def absent(spl: str, seen: frozenset[str] = frozenset()) -> list[str]:
        return [f.name for f in absent_fields(engine.parse(spl), seen)]

    assert absent("* | where isnull(a) OR b=1") == []
    assert absent("* | where isnull(a) OR b=1", frozenset({"a"})) == []  # a present: the branch can still pass
    assert absent("* | where isnull(a) AND b=1") == ["b"]  # passing on a, failing on b
    assert absent("* | where NOT (isnull(a) OR b=1)") == ["a"]  # NOT of a pass on a: fails on a, whatever b
    assert absent("* | where (a=1 OR b=1) AND (c=1 OR isnull(d))") == ["a", "b"]
    assert absent("* | where a=1 OR b=1") == ["a", "b"]
    assert absent("* | where a=1 OR b=1", frozenset({"b"})) == []
    assert absent("* | where NOT a=1") == []  # null, made true
    assert absent("* | where NOT NOT a=1") == ["a"]
    assert absent("* | where " + " AND ".join(f"f{i}=1" for i in range(3000))) == sorted(f"f{i}" for i in range(3000))
    assert absent("* | where " + " OR ".join(f"f{i}=1" for i in range(3000)) + " OR isnull(g)") == []
    assert absent("a=1 OR b=1") == ["a", "b"]
    assert absent("a=1 OR b=1", frozenset({"a"})) == []
    assert absent("a=1 OR NOT b=1") == []
    assert absent("(a=1 OR b IN (1, 2)) c!=3") == ["a", "b", "c"]
    assert absent("NOT (a=1 OR b=1)") == []
    assert absent("NOT (a=1 b=1) c=1") == ["c"]
    assert absent("foo OR a=1") == []  # a term reads _raw: it may pass
    assert absent("* OR a=1") == []


def test_the_names_a_suggestion_chooses_from_are_a_sample_of_the_events_fields_with_search_time_ones(
        tmp_path: Path) -> None:
    """A did-you-mean reads the fields of the first events only (``FIELD_NAME_SAMPLE``), not every file again,
    with the aliases and calculated fields applied (``user`` from ``props.user``), and a suggestion is taken as
    the search sees the field (``absent_in``)."""
    engine = _engine(tmp_path, ['{"time": 1, "props": {"user": "A"}}', '{"time": 2, "props": {"app": "X"}}',
                                '{"time": 3, "props": {"later": "Y"}}'])
    assert engine.field_names(sample=2) == {"time", "_time", "_raw", "props.user", "user", "props.app", "app",
                                            "source", "sourcetype", "host", "index"}
    assert "props.later" in engine.field_names()
    absent = absent_in(engine.parse("* | rename props.* as * | search lter=Y"), engine)
    assert [(f.name, f.meant) for f in absent] == [("lter", "later")]


def test_a_suggestion_is_a_field_the_search_still_has_where_it_filters(tmp_path: Path) -> None:
    """The did-you-mean names a field the filter can see where it stands: after ``stats count by app_id`` only
    ``app_id`` and ``count`` are left, so ``appid`` is told ``app_id`` (made by the ``eval`` before), not the
    events' ``appId``, which ``stats`` dropped (following that advice still kept nothing). ``table`` and ``fields``
    drop as ``stats`` does; before any of them the events' own field is still the suggestion."""
    engine = _engine(tmp_path, ['{"time": 1, "props": {"appId": "A"}}'])

    def meant(spl: str) -> list[tuple[str, str | None]]:
        return [(f.name, f.meant) for f in absent_in(engine.parse(spl), engine)]

    grouped = "* | rename props.* as * | eval app_id=lower(appId) | stats count by app_id"
    assert meant(f"{grouped} | search appid!=x") == [("appid", "app_id")]
    assert meant(f"{grouped} | table app_id | search appid!=x") == [("appid", "app_id")]
    assert meant("* | rename props.* as * | eval app_id=lower(appId) | search appid!=x") == [("appid", "appId")]
    assert meant("* | rename props.* as * | fields appId | search app_id!=x") == [("app_id", "appId")]


def test_a_filter_on_a_field_no_earlier_command_leaves_is_named_even_behind_not() -> None:
    """After ``stats ... by user`` the rows hold only what the ``stats`` makes: ``NOT usr=x`` excludes nothing
    whatever the logs hold (the misspelled exclusion of a tuning macro), so ``unmade_fields`` names ``usr``, which
    ``absent_fields`` leaves (a filter passing without it). A field an ``eval`` makes from a constant, one the
    ``stats`` makes, and one the events may have are not named."""
    engine = Engine()
    pipeline = engine.parse("* | stats count by user | search NOT usr=x")
    assert [f.name for f in unmade_fields(pipeline)] == ["usr"] and absent_fields(pipeline, {"user"}) == []
    assert unmade_fields(engine.parse("* | stats count by user | search NOT user=x count>1")) == []
    assert unmade_fields(engine.parse("* | stats count by user | eval flag=1 | where flag=2")) == []
    assert unmade_fields(engine.parse("* | search NOT usr=x")) == []
    assert [f.name for f in unmade_fields(engine.parse("* | rename a as b | where a=1"))] == ["a"]


def test_iplocation_allfields_makes_every_location_field_it_names() -> None:
    """iplocation allfields=true: "this argument adds the fields City, Continent, Country, MetroCode, Region,
    Timezone, _time, lat (latitude), and lon (longitude)"
    (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/iplocation): a filter on
    Continent after it is no filter on an event field. The command's field use named only the default fields, so
    the hint asked the events for Continent and called it absent."""
    engine = Engine()
    made = engine.parse("* | iplocation prefix=g_ allfields=true src | search g_Continent=Europe g_Timezone=x")
    assert asked_fields(made) == frozenset() and absent_fields(made, {"src"}) == []
    default = engine.parse("* | iplocation src | search Continent=Europe Country=France")
    assert [f.name for f in absent_fields(default, {"src"})] == ["Continent"]


def test_an_index_no_event_is_in_is_told_as_the_search_matches_it() -> None:
    """``index`` is a field every event has, so no field hint names it; ``unmatched_index`` tells a base search's
    ``index=`` that none of the events' indexes passes, matched as the search matches it (wildcards, case, ``OR``,
    ``IN``), and says nothing of ``NOT index=x``, of an index after the base search, or when no event was read."""
    engine = Engine()

    def told(spl: str, carried: tuple[str, ...] = ("main",)) -> tuple[str, ...] | None:
        hint = unmatched_index(engine.parse(spl), carried)
        return None if hint is None else hint.asked

    assert told("index=entra sourcetype=st | stats count") == ("entra",)
    assert told("(index=b OR index=a) user=x") == ("a", "b")
    assert told("index IN (entra, other) x") == ("entra", "other")
    assert told("index=entra", ("main", "other")) == ("entra",)
    for spl in ("index=MAIN x", "index=ma* x", "index=entra OR x=1", "NOT index=entra", "* | search index=entra",
                "x=1"):
        assert told(spl) is None, spl
    assert told("index=entra", ()) is None
    assert unmatched_index(engine.parse("index=entra"), ["other", "main"]) == IndexHint(("entra",), ("main", "other"))
    assert IndexHint(("a", "b"), ("main",)).said(" read") == \
        "asks for index=a or index=b, an index no event read is in (theirs: main)"
