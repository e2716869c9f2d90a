"""The text-level SPL helpers the rules rely on."""

from __future__ import annotations

import pytest

from contentpack.content.rules.spl_text import macro_calls, output_fields, output_fields_start, scan_tokens


def test_macro_calls_and_arity() -> None:
    calls = macro_calls('`a` | `b(x)` | `c("1,2", f(y, z))` ``` `ignored` ``` | `d()` | ` bad name `')
    assert [(c.name, c.arity) for c in calls] == [("a", 0), ("b", 1), ("c", 2), ("d", 0), (None, 0)]


@pytest.mark.parametrize(
    ("text", "tokens", "balanced"),
    [
        ("User $user$ on $dest$", ("user", "dest"), True),
        ("costs $$5 for $user$", ("user",), True),  # $$ is a literal dollar sign
        ("$user$$dest$", ("user", "dest"), True),
        ("User $user on $dest$", (), False),  # "$user on $" holds whitespace: a stray $
        ("trailing $user", (), False),
        ("no tokens", (), True),
    ],
)
def test_token_scan_definition(text: str, tokens: tuple[str, ...], balanced: bool) -> None:
    scan = scan_tokens(text)
    assert scan.tokens == tokens
    assert (scan.problem is None) is balanced


def test_output_fields_of_stats_with_renames_and_evals() -> None:
    search = (
        "`src` | stats count min(_time) as firstTime values(app) as \"App Name\" dc(ip) by user, dest"
        " | eval risk=1, other = 2 | rename user as account | `security_content_ctime(firstTime)` | `x_filter`"
    )
    assert output_fields(search) == {"count", "firstTime", "App Name", "dc(ip)", "account", "dest", "risk", "other"}


def test_output_fields_unknown_after_unmodelled_commands() -> None:
    assert output_fields("`src` | stats count by user | lookup apps app OUTPUT ok") is None
    assert output_fields("`src` | table user*") is None
    assert output_fields("`src` | rename properties.* as * | table a b") == {"a", "b"}
    assert output_fields("`src` | stats count by properties.user | rename properties.* as *") == {"count", "user"}


@pytest.mark.parametrize(
    ("after", "fields"),
    [
        # convert: an AS field is made from a field the results have (its page: "Creates a new field ... The
        # original field and values remain intact"); from a missing one, none (assumed, as the engine runs it)
        ("convert ctime(user) AS shown ctime(nope) AS never", {"count", "user", "shown"}),
        ("convert ctime(*er)", {"count", "user"}),  # in place: the set is unchanged (an AS field was left out)
        ('rex field=user "(?<domain>@.+)"', {"count", "user", "domain"}),  # its named groups
        ('rex field=user mode=sed "s/@.*//"', {"count", "user"}),
        ("lookup apps user OUTPUT app AS application", {"count", "user", "application"}),
        ("eventstats sum(count) AS total BY user", {"count", "user", "total"}),
        # unknown, never guessed: rex of _raw (is it there?), a lookup without an output clause (the table's
        # columns decide) or on a missing input, an eventstats of a missing field (count(x) is 0, max(x) none)
        ('rex "(?<domain>@.+)"', None),
        ("lookup apps user", None),
        ("lookup apps app OUTPUT ok", None),
        ("eventstats max(bytes) AS most", None),
        ("eventstats values(*) AS *", None),
        ("convert ctime(user) AS", None),  # does not parse
        # streamstats adds its aggregates as eventstats ("adds a field to that event", its Search Reference page,
        # https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/streamstats); every
        # window it documents holds the current event, but current=false leaves it out, so the first result of
        # a group has nothing to aggregate: unknown, as an input the results lack
        ("streamstats count AS n BY user", {"count", "user", "n"}),
        ("streamstats window=3 time_window=1h global=false sum(count) AS running", {"count", "user", "running"}),
        ("streamstats current=false max(count) AS before", None),
        ("streamstats max(bytes) AS most", None),
        # iplocation (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/iplocation):
        # "Only the City, Country, Region, _time, lat, and lon fields are added"; allfields=true "adds the fields
        # City, Continent, Country, MetroCode, Region, Timezone, _time, lat (latitude), and lon (longitude)";
        # prefix= prepends to their names; a missing address field locates nothing
        ("iplocation user", {"count", "user", "City", "Country", "Region", "lat", "lon"}),
        ("iplocation prefix=geo_ allfields=true user",
         {"count", "user", "geo_City", "geo_Continent", "geo_Country", "geo_MetroCode", "geo_Region",
          "geo_Timezone", "geo_lat", "geo_lon"}),
        ("iplocation src_ip", {"count", "user"}),
        # spath (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.0/search-commands/spath): a
        # path's value is written to output=, else to a field named by the path; without a path every key of the
        # JSON is extracted (the data's keys: unknown), and _raw is gone after stats (is it there? unknown)
        ("spath input=user path=a.b output=b", {"count", "user", "b"}),
        ("spath input=user path=a.b{}", {"count", "user", "a.b{}"}),
        ("spath input=user", None),
        ("spath path=a.b", None),
        # rename (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/rename), read
        # as the engine renames: pairs need no comma, and renaming a field that does not exist removes the target
        # ("If fieldB does exist, the result of the rename is that the data in fieldB is removed"); a rename of an
        # internal field the set does not name (fields keeps _time unnamed) is unknown
        ("rename user AS account count AS n", {"account", "n"}),
        ("rename nope AS user", {"count"}),
        ("rename _time AS time", None),
    ],
)
def test_output_fields_after_commands_their_registration_models(after: str, fields: set[str] | None) -> None:
    """rename, convert, rex, lookup, eventstats, streamstats, iplocation and spath give their result fields through
    ``CommandSpec.result_fields``: the checks reading result fields (CP029, CP047) judge searches ending with them."""
    assert output_fields(f"`src` | stats count by user | {after}") == fields


def test_output_fields_split_commands_as_the_engine_does() -> None:
    # A backslash-escaped quote in a word opens no string (Search Manual, "Backslashes"): the stats after it is
    # a command of its own. An unclosed quote leaves the commands unknown rather than guessed.
    assert output_fields(r'x=*\"a\":true* | stats count by user | rename user as u') == {"count", "u"}
    assert output_fields('x | stats count by a | eval b="open') is None
    assert output_fields('x | stats count by a [search y | table z] | table a') == {"a"}


def test_output_fields_and_where_they_start_are_read_once_a_search() -> None:
    # Every rule reading result fields (CP027, CP029, CP047, the risk and throttling checks) asks for the same
    # searches, and asks output_fields_start first (search.output_parses): each text is split once, not per rule.
    search = "`src` | stats count by user | rename user as u"
    for read in (output_fields, output_fields_start):
        read.cache_clear()
        first = read(search)
        assert read(search) == first
        assert read.cache_info().hits == 1
