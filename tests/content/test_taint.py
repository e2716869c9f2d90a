"""``rules.taint.moving_segments``: CP045 works out taint once per distinct (moving segments, data sources), so
these segments must be everything that can move taint, and nothing that cannot."""

from __future__ import annotations

from contentpack.content.rules.taint import Taint, moving_segments, result_taint


def test_the_implicit_search_and_neutral_commands_are_left_out() -> None:
    search = 'index=a app="x|y" | where user!="" | rename properties.* as * | fillnull | stats values(a) as b by c'
    assert moving_segments(search) == ("rename properties.* as *", "stats values(a) as b by c")


def test_searches_differing_only_in_their_filtering_segment_share_them() -> None:
    tail = " | eval u=appDisplayName | table u"
    assert moving_segments("`one` error=1" + tail) == moving_segments("`two` error=2 app!=x" + tail)


def test_a_generating_first_command_is_kept() -> None:
    assert moving_segments(" | makeresults | eval u=1 | table u") == ("makeresults", "eval u=1")
    assert moving_segments("| inputlookup a.csv") == ("inputlookup a.csv",)


def test_taint_follows_the_segments() -> None:
    moved = result_taint(moving_segments("x=1 | eval shown=appDisplayName | stats count by shown"), Taint())
    assert moved is not None and moved.origin("shown") == "appDisplayName" and moved.origin("count") is None
    assert result_taint(moving_segments("x=1 | nosuchcommand a"), Taint()) is None
