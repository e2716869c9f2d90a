"""``rules.taint.moving_segments``: CP045 works out taint once per distinct (moving segments, data sources), so
these segments must be everything that can move taint, and nothing that cannot."""

from __future__ import annotations

from contentpack.content.rules.taint import Taint, moving_segments, result_taint
from contentpack.spl.parser import check_expanded, command_alone


def test_the_implicit_search_and_neutral_commands_are_left_out() -> None:
    search = 'index=a app="x|y" | where user!="" | rename properties.* as * | fillnull | stats values(a) as b by c'
    assert moving_segments(search) == ((" rename properties.* as * ", 2, False), (" stats values(a) as b by c", 2, False))


def test_searches_differing_only_in_their_filtering_segment_share_them() -> None:
    tail = " | eval u=appDisplayName | table u"
    assert moving_segments("`one` error=1" + tail) == moving_segments("`two` error=2 app!=x" + tail)


def test_a_generating_first_command_is_kept() -> None:
    assert moving_segments(" | makeresults | eval u=1 | table u") == ((" makeresults ", 1, True), (" eval u=1 ", 2, True))
    assert moving_segments("| inputlookup a.csv") == ((" inputlookup a.csv", 1, True),)


def test_a_search_that_cannot_be_split_has_none() -> None:
    assert moving_segments('x=1 | eval a="open | stats count') is None
    assert result_taint(None, Taint()) is None


def test_taint_follows_the_segments() -> None:
    moved = result_taint(moving_segments("x=1 | eval shown=appDisplayName | stats count by shown"), Taint())
    assert moved is not None and moved.origin("shown") == "appDisplayName" and moved.origin("count") is None


def test_an_unreadable_command_is_passed_over_and_what_it_names_is_unread() -> None:
    """A typo (``filnull``) made the whole search fall back to matching names, which loses a field the search
    derives (``shown``); now taint keeps following the readable commands, and the names the unreadable command
    writes are of unknown provenance until a readable command sets them."""
    moved = result_taint(moving_segments("x=1 | eval shown=appDisplayName | nosuchcommand a shown | eval a=1"),
                         Taint())
    assert moved is not None and moved.origin("shown") == "appDisplayName" and moved.origin("a") is None
    assert "shown" in moved.unread and "a" not in moved.unread  # set by the eval after it
    dropped = result_taint(moving_segments("x=1 | nosuchcommand a b | stats count by b"), Taint())
    assert dropped is not None and set(dropped.unread) == {"b"}  # stats keeps its by-fields only


def test_any_other_command_taints_what_it_writes_from_what_it_reads() -> None:
    """The conservative rule for the commands taint does not model one by one: iplocation's City, Country...
    are tainted when the address it reads is, clean when it is."""
    search = moving_segments("x=1 | iplocation prefix=geo_ ip")
    tainted = result_taint(search, Taint(names={"ip": "properties.ipAddress"}))
    assert tainted is not None and tainted.origin("geo_City") == "properties.ipAddress"
    clean = result_taint(search, Taint(names={"other": "other"}))
    assert clean is not None and clean.origin("geo_City") is None


def test_commands_are_split_as_the_engine_splits_them() -> None:
    # A backslash-escaped quote inside a word does not open a quoted string (Search Manual, "Backslashes"); a
    # lenient splitter once read the rest of such a search as one quoted segment and followed nothing.
    moved = result_taint(moving_segments(r'x=*\"a\":true* | stats values(ua) as agents by user'),
                         Taint(names={"ua": "ua"}))
    assert moved is not None and moved.origin("agents") == "ua"


def test_the_syntax_check_and_taint_parse_each_command_once() -> None:
    # CP060's check and CP045's taint key each command alike (``command_alone``): the second asks nothing new.
    text = "index=x | rename properties.* as * | stats values(appDisplayName) as apps by user | eval n=lower(user)"
    command_alone.cache_clear()
    check_expanded(text)
    misses = command_alone.cache_info().misses
    moving = moving_segments(text)
    assert moving is not None and len(moving) == 3
    assert result_taint(moving, Taint()) is not None
    assert command_alone.cache_info().misses == misses


GUARD = 'if(match(app_id, "^[0-9a-fA-F-]{36}$"), app_id, null())'


def test_a_guard_inside_coalesce_is_seen_as_in_two_evals() -> None:
    """The single eval of entra_id_user_consent_blocked_for_risky_application.yml's two: app_id is an id or one
    of the tenant's target ids either way."""
    two = f"x=1 | eval app_id={GUARD} | eval app_id=coalesce(app_id, lower(mvindex(target_id, 0)))"
    one = f"x=1 | eval app_id=coalesce({GUARD}, lower(mvindex(target_id, 0)))"
    for search in (two, one):
        moved = result_taint(moving_segments(search), Taint(names={"app_id": "properties.appId"}))
        assert moved is not None and moved.origin("app_id") is None, search
    unguarded = result_taint(moving_segments(f"x=1 | eval app_id=coalesce({GUARD}, appDisplayName)"),
                             Taint(names={"app_id": "properties.appId"}))
    assert unguarded is not None and unguarded.origin("app_id") == "appDisplayName"


def test_a_hash_of_attacker_text_is_clean() -> None:
    """A record id with the sha256 of the raw event for a record without one (the consent_id of
    entra_id_user_consent_granted_for_risky_delegated_scopes.yml, a results-drilldown key): the digest is
    hexadecimal digits whatever the raw text held, so it cannot inject search text; the raw text itself can."""
    for function in ("md5", "sha1", "sha256", "SHA512"):
        moved = result_taint(moving_segments(f"x=1 | eval consent_id=coalesce(id, {function}(_raw))"), Taint())
        assert moved is not None and moved.origin("consent_id") is None, function
    raw = result_taint(moving_segments("x=1 | eval consent_id=coalesce(id, _raw)"), Taint())
    assert raw is not None and raw.origin("consent_id") == "_raw"
