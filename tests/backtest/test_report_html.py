"""report.html in headless Chromium: the chart and the tables render, and the page makes no request but its
own — even when the logs carry HTML meant to make it fetch something."""

from __future__ import annotations

import http.server
import json
import re
import threading
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import pytest

from contentpack.backtest import html
from contentpack.backtest.output import NotableDrilldown
from contentpack.backtest.summary import DayCounts, Entity
from contentpack.simulate import Notable

from . import chromium

HOSTILE = '<img src="/leak?img"><script>fetch("/leak?script")</script>'
# every bar and table as the browser laid it out
MEASURE = """JSON.stringify({
  bars: [...document.querySelectorAll('#chart rect.bar')].map(r => {
    const b = r.getBoundingClientRect();
    return [r.dataset.detection, r.dataset.day, +r.dataset.notables, Math.round(b.width), Math.round(b.height)];
  }),
  chart: (b => [Math.round(b.width), Math.round(b.height)])(document.querySelector('#chart').getBoundingClientRect()),
  tables: Object.fromEntries([...document.querySelectorAll('table')].map(t =>
    [t.id, [t.rows.length, Math.round(t.getBoundingClientRect().height)]])),
  riskTop: document.querySelector('#risk-objects tbody tr td').textContent,
  message: [...document.querySelectorAll('#messages tbody tr td')].map(td => td.textContent),
  scripts: document.scripts.length,
  rightAligned: getComputedStyle(document.querySelector('#totals td.n')).textAlign,
})"""


class _Server(http.server.ThreadingHTTPServer):
    hits: list[str]


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[_Server, Path]]:
    """A local HTTP server over ``tmp_path`` that records every path asked for."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(tmp_path), **kwargs)  # type: ignore[arg-type]

        def do_GET(self) -> None:
            server.hits.append(self.path)
            super().do_GET()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = _Server(("127.0.0.1", 0), Handler)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, tmp_path
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _page() -> str:
    detections = ["Declined Consent", f"Spike {HOSTILE}"]
    cells = [DayCounts("Declined Consent", "2026-10-12", 24, 3, 3, 3), DayCounts(detections[1], "2026-10-12", 24, 1, 1, 0),
             DayCounts("Declined Consent", "2026-10-13", 24, 0, 0, 0), DayCounts(detections[1], "2026-10-13", 24, 2, 2, 0)]
    victim = Entity(f"alex{HOSTILE}@contoso.example", "user", 60, 2, {"Declined Consent": 60}, 1.79e9, 1.7901e9)
    app = Entity("4be11163-0a03-45fb-87e5-5c8de005a186", "oauth_app", 30, 1, {"Declined Consent": 30}, 1.79e9, 1.79e9)
    return html.render(title="Backtest", period=(1.7899e9, 1.7902e9), cells=cells, detections=detections,
                       totals={"Declined Consent": {"runs": 48, "results": 3, "notables": 3, "risk_events": 3}},
                       risk_objects=[victim], threat_objects=[app], reading={"files": 1, "lines": 10},
                       bad_lines=[f"x.log:3: not a JSON object {HOSTILE}"], errors=[],
                       messages=[(detections[1], "warn", f"[subsearch]: {HOSTILE}", "12 of 48",
                                  "2026-10-12T08:00:00.000Z")])


def test_chart_and_tables_render_and_nothing_is_fetched(served: tuple[_Server, Path]) -> None:
    server, folder = served
    (folder / "report.html").write_text(_page(), encoding="utf-8")
    url = f"http://127.0.0.1:{server.server_address[1]}/report.html"
    page = chromium.load(url, MEASURE)
    assert page.requests == [url]  # DevTools: the page asked for nothing but itself
    assert server.hits == ["/report.html"]  # and the server saw nothing else (no favicon, no leak)
    shown = json.loads(page.value)
    bars = {(name, day): (count, width, height) for name, day, count, width, height in shown["bars"]}
    assert set(bars) == {("Declined Consent", "2026-10-12"), (f"Spike {HOSTILE}", "2026-10-12"),
                         (f"Spike {HOSTILE}", "2026-10-13")}
    assert all(width > 10 and height > 10 for _, width, height in bars.values())
    three, one = bars[("Declined Consent", "2026-10-12")][2], bars[(f"Spike {HOSTILE}", "2026-10-12")][2]
    assert three == pytest.approx(3 * one, abs=2)  # heights proportional to the notables
    assert shown["chart"][0] > 100 and shown["chart"][1] > 200
    assert shown["tables"]["totals"][0] == 3 and shown["tables"]["per-day"][0] == 4  # a day without results is not listed
    assert shown["tables"]["risk-objects"][0] == 2 and all(h > 0 for _, h in shown["tables"].values())
    assert shown["riskTop"] == f"alex{HOSTILE}@contoso.example"  # shown as text, not markup
    # the scheduled runs' job messages, one row each, shown as text too
    assert shown["message"] == [f"Spike {HOSTILE}", "warn", f"[subsearch]: {HOSTILE}", "12 of 48",
                                "2026-10-12T08:00:00.000Z"]
    assert shown["scripts"] == 0 and shown["rightAligned"] == "right"


def test_the_page_is_self_contained() -> None:
    page = _page()
    assert "<script" not in page.replace("&lt;script", "") and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert "default-src 'none'" in page and 'rel="icon" href="data:,"' in page


# the chart as laid out: the page's and the chart box's widths, each bar and day label's edges
CHART = """JSON.stringify({
  page: [document.documentElement.scrollWidth, window.innerWidth],
  box: (b => [b.scrollWidth, b.clientWidth])(document.querySelector('.chart')),
  bars: [...document.querySelectorAll('#chart rect.bar')].map(r => (b => [r.dataset.day, r.dataset.last || r.dataset.day,
    +r.dataset.notables, Math.floor(b.left), Math.ceil(b.right), b.width])(r.getBoundingClientRect())),
  labels: [...document.querySelectorAll('#chart text[transform]')].map(t => (b => [t.textContent, Math.floor(b.left),
    Math.ceil(b.right)])(t.getBoundingClientRect())),
  heading: document.querySelector('h2').textContent})"""
VIEWS = (chromium.View(1280), chromium.View(800), chromium.View(718, "print"))  # A4 less Chromium's margins


@pytest.mark.parametrize(("first", "days", "bars"), [("2026-10-11", 6, 6), ("2026-10-05", 30, 30),
                                                     ("2026-01-01", 365, 53)])
def test_the_whole_period_is_on_screen_and_on_paper(tmp_path: Path, first: str, days: int, bars: int) -> None:
    """A user's backtest from the 11th to the 16th showed at 1280 px only part of the chart: one 28 px bar a day
    scrolled sideways inside its box, and a printed or attached copy lost the later days. At 1280 and 800 px and
    printed on A4, for a week, a month and a year: nothing scrolls, every bar and the last day's are inside the
    window, the counts add up, and a year is drawn a week a bar (53: the last counts 1 day) under a heading that
    says so."""
    start = date.fromisoformat(first)
    calendar = [(start + timedelta(days=n)).isoformat() for n in range(days)]
    cells = [DayCounts(name, day, 24, 1, 1 + at % 3, 0) for at, day in enumerate(calendar)
             for name in ("Declined Consent", f"Spike {HOSTILE}") if name == "Declined Consent" or at % 2]
    page = html.render(title="Backtest", period=(1.7899e9, 1.7902e9), cells=cells,
                       detections=["Declined Consent", f"Spike {HOSTILE}"], totals={}, risk_objects=[],
                       threat_objects=[], reading={}, bad_lines=[], errors=[])
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    for view, shown in zip(VIEWS, chromium.load((tmp_path / "report.html").as_uri(), CHART, VIEWS).value):
        shown = json.loads(shown)
        where = f"{days} days at {view}"
        assert shown["page"][0] <= shown["page"][1], where  # the page does not scroll sideways
        assert shown["box"][0] <= shown["box"][1], where  # nor the chart in its box
        assert len({(day, last) for day, last, *_ in shown["bars"]}) == bars, where
        assert sum(count for _, _, count, *_ in shown["bars"]) == sum(c.notables for c in cells), where
        assert max(last for _, last, *_ in shown["bars"]) == calendar[-1], where
        assert all(0 <= left and right <= shown["page"][1] and width >= 3
                   for *_, left, right, width in shown["bars"]), (where, shown["bars"])
        assert shown["labels"][0][0] == first[5:], where
        assert all(0 <= left and right <= shown["page"][1] for _, left, right in shown["labels"]), where
        assert shown["heading"] == ("Notables per detection per week" if bars < days else
                                    "Notables per detection per day"), where
    if bars < days:
        assert "each bar counts 7 days from the date under it (53 bars, the last 1 day)" in page


def test_a_long_period_is_binned_by_whole_weeks_from_its_first_day() -> None:
    """Up to html.MAX_BARS days a bar per day, beyond it 7 days a bar from the first day, the last bin what is
    left; a day without runs keeps its place on the time axis."""
    def days(count: int) -> list[str]:
        return [(date(2026, 1, 1) + timedelta(days=n)).isoformat() for n in range(count)]

    span, groups = html.bins(days(html.MAX_BARS))
    assert span == 1 and len(groups) == html.MAX_BARS and groups[-1].days == (groups[-1].first,)
    span, groups = html.bins(days(html.MAX_BARS + 1))
    assert span == 7 and len(groups) == 9 and [len(g.days) for g in groups] == [7] * 9
    span, groups = html.bins(days(366))
    assert span == 7 and len(groups) == 53 and (groups[-1].first, groups[-1].last) == ("2026-12-31", "2027-01-01")
    assert [g.first for g in html.bins(["2026-01-01", "2026-01-03"])[1]] == days(3)
    assert html.bins([]) == (1, [])


def test_times_stay_on_one_line_in_a_wide_window_and_the_input_reads_as_words(tmp_path: Path) -> None:
    """A risk object credited by several detections fills the window's width: the table then squeezed its
    first/last times, which broke after '2026-10-' (seen in Chromium on a real backtest); allowed a break after
    the date's 'T' alone, they broke there even at 1200 px (a newcomer's walkthrough), the time of day read as a
    second value under the date. In a window 960 px or wider a time is now one line; narrower and on an A4 page
    it may still break after the 'T' (whole, it made the page scroll sideways), its date and time of day each
    whole, and the page fits each; the input table names what was read in words, not summary.json's keys."""
    names = {f"Entra ID Detection Number {i} With A Long Name": 10 * i for i in range(1, 7)}
    victim = Entity("alex.lauer@contoso.example", "user", 210, 6, names, 1.79e9, 1.7901e9)
    page = html.render(title="Backtest", period=(1.7899e9, 1.7902e9), cells=[], detections=list(names),
                       totals={}, risk_objects=[victim], threat_objects=[],
                       reading={"files": 1, "lines_no_detection_can_match": 107}, bad_lines=[], errors=[],
                       messages=[("x", "warn", "[subsearch]: " + "cut " * 80, "1 of 2", "2026-10-12T08:00:00.000Z")])
    assert "@media (min-width: 960px) { td.t wbr { display: none; } }" in page
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    views = (chromium.View(1200), *VIEWS)
    loaded = chromium.load((tmp_path / "report.html").as_uri(), """JSON.stringify({
      times: [...document.querySelectorAll('#risk-objects td.t, #messages td.t')].map(td => {
        const spans = [...td.querySelectorAll('span')];
        return [td.textContent, new Set(spans.map(span => Math.round(span.getBoundingClientRect().top))).size,
                spans.map(span => span.getClientRects().length)];
      }),
      page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
      input: [...document.querySelectorAll('#input tbody td:first-child')].map(td => td.textContent)})""", views)
    texts = ["2026-10-12T08:00:00.000Z", "2026-09-21T14:13:20.000Z", "2026-09-22T18:00:00.000Z"]  # text unchanged
    for view, shown in zip(views, map(json.loads, loaded.value), strict=True):
        assert shown["page"][0] <= shown["page"][1], view  # no sideways scrolling
        assert [text for text, _, _ in shown["times"]] == texts
        assert all(spans == [1, 1] for _, _, spans in shown["times"]), (view, shown)  # date and time each whole
        if view.media == "screen" and view.width >= 960:
            assert all(lines == 1 for _, lines, _ in shown["times"]), (view, shown["times"])  # one line
    assert shown["input"] == ["files read", "lines set aside unread (no detection can match them)"]


def test_every_charted_detection_has_a_colour_of_its_own(tmp_path: Path) -> None:
    """The shipped pack has 16 detections and the palette 12 colours: repeated from its start, the 13th
    detection's bars took the 1st's colour, and neither the chart nor the legend could tell them apart. In the
    browser: each detection that raised a notable draws its bars and its legend swatch in one colour no other
    has, even past the palette's length; a detection that raised none (risk only) is not in the legend."""
    names = [f"Detection {number:02d}" for number in range(len(html.PALETTE) + 6)]
    cells = [DayCounts(name, f"2026-10-{12 + at % 3}", 24, 1, 1 + at % 2, 1) for at, name in enumerate(names)]
    page = html.render(title="Backtest", period=(1.7899e9, 1.7902e9), cells=cells,
                       detections=[*names, "Risk Only"], totals={}, risk_objects=[], threat_objects=[],
                       reading={}, bad_lines=[], errors=[])
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    shown = json.loads(chromium.load((tmp_path / "report.html").as_uri(), """JSON.stringify({
      bars: [...document.querySelectorAll('#chart rect.bar')].map(r => [r.dataset.detection, getComputedStyle(r).fill]),
      legend: [...document.querySelectorAll('.legend span')].map(s =>
        [s.textContent, getComputedStyle(s.querySelector('.swatch')).backgroundColor])})""").value)
    bars = dict(shown["bars"])
    assert sorted(bars) == names
    assert len(set(bars.values())) == len(names)  # no two detections' bars alike
    assert dict(shown["legend"]) == bars  # the legend: the same colours, and only the detections charted


# the page's width, each table's right edge, and per value cell: its text as copied, and its lines
TABLES = """JSON.stringify({
  page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
  right: Math.max(...[...document.querySelectorAll('table')].map(t => t.getBoundingClientRect().right)),
  cells: [...document.querySelectorAll('#risk-objects td, #threat-objects td, #messages td')].map(td => {
    const range = document.createRange();
    range.selectNodeContents(td);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    return [getSelection().toString(), new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
  })})"""
LONG = ("attacker@splunkresearch.onmicrosoft.com", "user15_fabrikam.example#ext#@splunkresearch.onmicrosoft.com",
        "fc8c8125-bc0c-499d-8344-e53c6e3caa81", "a3f1" * 16)  # the last a SHA-256, no break point at all


def test_long_values_break_so_every_table_fits_the_window_and_the_page(tmp_path: Path) -> None:
    """The attack data's risk objects (e-mail addresses, GUIDs: no space to break at) held "Top risk objects"
    wider than the page: at 800 px and printed on A4 the page scrolled sideways and a printout lost its right edge.
    At 800 px and on A4 every table now fits and nothing scrolls; at 1280 px a GUID stays on one line, and an
    address too at 1366 px (at 1280 px, beside six long detection names and two whole times, it breaks at its '@');
    copied, every value is the value (the break opportunities copy as nothing); a hostile value stays text. A
    problem line (an input's path, a bad line's text) breaks too."""
    names = {f"Entra ID Detection Number {i} Granted to Service Principal": 10 * i for i in range(1, 7)}
    risk = [Entity(value, "user", 60, 2, names, 1.79e9, 1.7901e9) for value in (*LONG[:3], f"x{HOSTILE}")]
    threat = [Entity(LONG[3], "file_hash", 30, 1, {"Declined Consent": 30}, 1.79e9, 1.79e9)]
    page = html.render(title="Backtest", period=(1.7899e9, 1.7902e9), cells=[], detections=list(names),
                       totals={}, risk_objects=risk, threat_objects=threat, reading={}, errors=[],
                       bad_lines=[f"/exports/{LONG[3]}/{LONG[3]}.json:12: malformed JSON event: {LONG[1] * 3}"],
                       messages=[("x", "warn", f"[subsearch]: {LONG[1]} {HOSTILE}", "1 of 2",
                                  "2026-10-12T08:00:00.000Z")])
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    wide = (chromium.View(1366), *VIEWS)
    views = [(view, json.loads(shown)) for view, shown in
             zip(wide, chromium.load((tmp_path / "report.html").as_uri(), TABLES, wide).value)]
    assert [(view.width, shown["page"][0] <= shown["page"][1] and shown["right"] <= shown["page"][1])
            for view, shown in views] == [(1366, True), (1280, True), (800, True), (718, True)], \
        [s["page"] for _, s in views]
    for view, shown in views:
        copied = {text: lines for text, lines in shown["cells"]}
        assert {*LONG, f"x{HOSTILE}", f"[subsearch]: {LONG[1]} {HOSTILE}"} <= set(copied), view
        assert "\n".join(f"{name} ({score})" for name, score in sorted(names.items(), key=lambda kv: -kv[1])) \
            in copied, view  # the detections, one a line
        if view.width == 1366:
            assert copied[LONG[0]] == 1 and copied[LONG[2]] == 1, view  # no needless break in a wide window
        elif view.width == 1280:
            assert copied[LONG[2]] == 1, view
        else:
            assert copied[LONG[1]] > 1, view


def test_a_value_breaks_after_separators_and_stays_escaped() -> None:
    """``<wbr>`` goes in after each character is escaped, so no value becomes markup (an apostrophe's
    ``&#x27;`` is not cut after its '#'), and without the ``<wbr>``s the value reads back unchanged."""
    for value in (*LONG, HOSTILE, "o'#neil@x.example", ""):
        shown = html._breakable(value)
        assert "<" not in shown.replace("<wbr>", "") and unescape(shown.replace("<wbr>", "")) == value
    assert html._breakable("o'#neil@x.example") == "o&#x27;#<wbr>neil@<wbr>x.<wbr>example"
    assert html._breakable(LONG[3]).count("<wbr>") == 3  # 64 characters without a break point: every 20


def test_detection_names_break_between_words_only() -> None:
    """Break opportunities are for long values without spaces (addresses, GUIDs, paths); a detection name is
    words (at most 67 characters), and a ``<wbr>`` after its '-', '.' or '_' let a narrow column cut
    "Tenant-Wide" or "rundll32.exe" in two. Every cell naming a detection holds the name as written; the risk
    object beside it still breaks after its '.' and '@'."""
    name = "Entra ID Tenant-Wide Consent via rundll32.exe_v2 #1"
    victim = Entity("alex.lauer@contoso.example", "user", 60, 2, {name: 60}, 1.79e9, 1.7901e9)
    page = html.render(title="Backtest", period=(1.7899e9, 1.7902e9),
                       cells=[DayCounts(name, "2026-10-12", 24, 1, 1, 1)], detections=[name],
                       totals={name: {"runs": 24, "results": 1, "notables": 1, "risk_events": 1}},
                       risk_objects=[victim], threat_objects=[], reading={}, bad_lines=[], errors=[],
                       messages=[(name, "warn", "[subsearch]: cut", "1 of 24", "2026-10-12T08:00:00.000Z")])
    cells = [f"<td>{name}</td>"] * 3 + [f"<td>{name} (60)</td>"]  # per detection, messages, per day; risk object
    assert [page.count(cell) for cell in dict.fromkeys(cells)] == [3, 1]
    assert "<td>alex.<wbr>lauer@<wbr>contoso.<wbr>example</td>" in page


# the field hints' box as laid out: its heading, its rows' text, where it sits between the tables, and what markup
# the page holds (a hostile value that became an element would show here, and its handler would retitle the page)
HINTS = """JSON.stringify({
  heading: document.querySelector('#field-hints h2').innerText,
  rows: [...document.querySelectorAll('#hints tbody tr')].map(tr => [...tr.cells].map(td => td.innerText)),
  shown: (b => b.width > 100 && b.height > 30)(document.querySelector('#field-hints').getBoundingClientRect()),
  order: ['#totals', '#field-hints', '#messages'].map(s => Math.round(document.querySelector(s)
    .getBoundingClientRect().top)),
  title: document.title, images: document.images.length, scripts: document.scripts.length,
  page: [document.documentElement.scrollWidth, window.innerWidth]})"""
SNEAKY = "<img src=x onerror=document.title='hacked'>\"'"


@pytest.mark.parametrize("policy", [True, False])
def test_field_hints_read_as_text_under_the_per_detection_table(served: tuple[_Server, Path], policy: bool) -> None:
    """A detection a misspelled field silenced read 0 notables on the page with no word why (the hints were on
    stderr and in summary.json only). Each hint (its detection, where the field is written, the message) is a row
    of a labelled box right under the per-detection table, read as the text written: a field name, macro text or
    detection name carrying markup makes no element, fetches nothing and runs nothing, with the page's Content
    Security Policy and without it (``policy``: escaping alone holds)."""
    server, folder = served
    hint = ("Tenant-Wide", "macros/entra_id_tenant_wide_admin_consent_granted_filter.yml:2:20",
            f"no results, and the search filters on '{SNEAKY}' (where), a field no event has in the events read")
    hostile = (f"Spike {SNEAKY}{HOSTILE}", f"macros/{HOSTILE}.yml:1:1", f"the search filters on '{HOSTILE}'")
    page = html.render(title="Backtest", period=(1.7899e9, 1.7902e9), cells=[], detections=[hint[0], hostile[0]],
                       totals={hint[0]: {"runs": 48, "results": 0, "notables": 0, "risk_events": 0}},
                       risk_objects=[], threat_objects=[], reading={}, bad_lines=[], errors=[], hints=[hint, hostile])
    if not policy:
        page = page.replace(f'<meta http-equiv="Content-Security-Policy" content="{html._CSP}">', "")
    (folder / "report.html").write_text(page, encoding="utf-8")
    url = f"http://127.0.0.1:{server.server_address[1]}/report.html"
    loaded = chromium.load(url, HINTS, (chromium.View(800),))
    shown = json.loads(loaded.value[0])
    assert shown["rows"] == [list(hint), list(hostile)]  # the text as written, each value in its cell
    assert shown["heading"] == "Field hints: a misspelled field may have silenced a detection" and shown["shown"]
    assert shown["order"] == sorted(shown["order"])  # under the per-detection table, before the job messages
    assert (shown["title"], shown["images"], shown["scripts"]) == ("Backtest", 0, 0)  # nothing ran, no element made
    assert loaded.requests == [url] and server.hits == ["/report.html"]
    assert shown["page"][0] <= shown["page"][1]  # the long path breaks: no sideways scrolling at 800 px



def test_a_period_without_notables_says_so_instead_of_an_empty_chart(tmp_path: Path) -> None:
    """Runs and results but no notable (a quiet week, or risk-only detections): the chart was its grid and axis
    alone, a blank box that read as a chart that failed to load. In Chromium: no chart, a visible sentence saying
    there were no notables in the period, and the per-day table still there. The page says it once: the Notables
    section at its end said "No notables in this period." again, and is left out."""
    cells = [DayCounts("Declined Consent", day, 24, 2, 0, 2) for day in ("2026-10-12", "2026-10-13")]
    page = html.render(title="Backtest", period=(1.7899e9, 1.7902e9), cells=cells, detections=["Declined Consent"],
                       totals={"Declined Consent": {"runs": 48, "results": 4, "notables": 0, "risk_events": 4}},
                       risk_objects=[], threat_objects=[], reading={}, bad_lines=[], errors=[])
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    shown = json.loads(chromium.load((tmp_path / "report.html").as_uri(), """JSON.stringify({
      chart: document.querySelectorAll('#chart, svg').length,
      empty: (p => p && [p.textContent, Math.round(p.getBoundingClientRect().height)])(
        document.querySelector('#chart-empty')),
      heading: document.querySelector('h2').textContent,
      said: document.body.innerText.split('No notables').length - 1,
      headings: [...document.querySelectorAll('h2')].map(h => h.textContent),
      perDay: document.querySelector('#per-day').rows.length})""").value)
    assert shown["chart"] == 0
    assert shown["empty"] is not None and shown["empty"][1] > 0
    assert shown["empty"][0].startswith("No notables in this period (2026-10-12 to 2026-10-13): no detection raised")
    assert shown["heading"] == "Notables per detection per day" and shown["perDay"] == 3
    assert shown["said"] == 1 and "Notables" not in shown["headings"]
    assert "no chart and no list of notables" in shown["empty"][0]


def test_the_per_day_table_lists_only_the_days_a_detection_found_something(tmp_path: Path) -> None:
    """Every detection runs every day: the table had a row for each day of each detection, 64 days of 17
    detections 1,088 rows of mostly zeros, and the few days with results were lost among them. In Chromium: the
    days with results, notables or risk events only, and a visible line saying what was left out."""
    names = ["Declined Consent", "Risky Scopes", "Consent Hunt"]
    days = [(date(2026, 8, 1) + timedelta(days=n)).isoformat() for n in range(64)]
    found = {("Declined Consent", days[3]): (2, 2, 2), ("Consent Hunt", days[40]): (5, 0, 0),
             ("Risky Scopes", days[63]): (1, 0, 1)}
    cells = [DayCounts(name, day, 24, *found.get((name, day), (0, 0, 0))) for name in names for day in days]
    page = html.render(title="Backtest", period=(1.7899e9, 1.7955e9), cells=cells, detections=names,
                       totals={}, risk_objects=[], threat_objects=[], reading={}, bad_lines=[], errors=[])
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    shown = json.loads(chromium.load((tmp_path / "report.html").as_uri(), """JSON.stringify({
      rows: [...document.querySelectorAll('#per-day tbody tr')].map(r => [...r.cells].map(c => c.textContent)),
      note: (p => p && [p.textContent, Math.round(p.getBoundingClientRect().height)])(
        document.querySelector('#per-day-note'))})""").value)
    assert shown["rows"] == [["Declined Consent", days[3], "24", "2", "2", "2"],
                             ["Risky Scopes", days[63], "24", "1", "0", "1"],
                             ["Consent Hunt", days[40], "24", "5", "0", "0"]]
    assert shown["note"] is not None and shown["note"][1] > 0
    assert shown["note"][0].startswith("Days on which a detection's runs found no results, notables or risk events "
                                       "are not listed")


def test_the_per_detection_table_says_each_type_and_what_it_raises(tmp_path: Path) -> None:
    """A Hunting row's results beside 0 notables and 0 risk events looked broken: no type was given. In Chromium:
    the type beside the name, and the note under the table."""
    note = "Not every detection raises notables and risk events (...): Hunting: neither."
    page = html.render(title="Backtest", period=(1.7899e9, 1.7902e9), cells=[], detections=["Prompts", "Declined"],
                       types={"Prompts": "Hunting", "Declined": "TTP"}, actions_note=note,
                       totals={"Prompts": {"runs": 48, "results": 5, "notables": 0, "risk_events": 0}},
                       risk_objects=[], threat_objects=[], reading={}, bad_lines=[], errors=[])
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    shown = json.loads(chromium.load((tmp_path / "report.html").as_uri(), """JSON.stringify({
      head: [...document.querySelectorAll('#totals th')].map(c => c.textContent),
      rows: [...document.querySelectorAll('#totals tbody tr')].map(r => [...r.cells].map(c => c.textContent)),
      note: (p => p && [p.textContent, Math.round(p.getBoundingClientRect().height),
                        p.previousElementSibling.id])(document.querySelector('#actions-note'))})""").value)
    assert shown["head"] == ["detection", "type", "runs", "results", "notables", "risk events"]
    assert shown["rows"] == [["Prompts", "Hunting", "48", "5", "0", "0"], ["Declined", "TTP", "0", "0", "0", "0"]]
    assert shown["note"] == [note, shown["note"][1], "totals"] and shown["note"][1] > 0


# the notables section as a person sees it: each detection's heading, rows and "more" line as rendered text, what
# markup the page holds, what a drilldown's search copies as, and whether a table is wider than the window
NOTABLES = """JSON.stringify({
  title: document.title, scripts: document.scripts.length, images: document.images.length, links: document.links.length,
  headings: [...document.querySelectorAll('#notables h3')].map(h => h.innerText),
  rows: [...document.querySelectorAll('#notables table.notables')].map(t => t.tBodies[0].rows.length),
  more: [...document.querySelectorAll('#notables p.more')].map(p => p.innerText),
  first: [...document.querySelector('#notables table.notables tbody tr').cells].map(td => td.innerText),
  searches: [...document.querySelectorAll('#notables code.spl')].slice(0, 2).map(c => c.textContent),
  fields: document.querySelector('#notables details').textContent,
  hostile: [...document.querySelectorAll('#notables table.notables')].pop().tBodies[0].rows[0].cells[1].innerText,
  page: [document.documentElement.scrollWidth, window.innerWidth],
})"""


def _notable(detection: str, at: float, title: str, user: str) -> Notable:
    return Notable(detection=detection, search_name=f"ECP - {detection} - Rule", run_time=at + 600, time=at,
                   rule_title=title, rule_description="", security_domain="identity", severity="low",
                   earliest=at - 3000, latest=at + 600, fields={"appDisplayName": f"App {HOSTILE}", "user": (user, "b@x")},
                   risk_objects=((user, "user"),), threat_objects=(("4be11163-0a03-45fb-87e5-5c8de005a186", "service"),))


def test_the_notables_are_listed_with_their_drilldowns_as_text(served: tuple[_Server, Path]) -> None:
    """report.html gave counts and no notable: the analyst opening it alone could not see what fired, on whom, or
    how to get back to the events. Each detection's first notables are listed now (time, title, risk and threat
    objects, every field under a fold) with their drilldowns as the SPL to paste and its earliest and latest,
    past ``SHOWN_NOTABLES`` a line saying how many more notables.jsonl holds. Values from the logs (an app's display
    name, a user, the drilldown a token filled) are shown as text: the page runs no script, shows no image, has no
    link, asks for nothing, and fits an 800 px window and an A4 page."""
    server, folder = served
    many, hostile = "Declined Consent", f"Spike {HOSTILE}"
    raised = [_notable(many, 1.79e9 + 600 * at, "Consent declined", f"user{at}@contoso.example")
              for at in range(html.SHOWN_NOTABLES + 5)]
    spl = f'`entra_id_signin_and_audit_logs` appDisplayName="App {HOSTILE}" user="{LONG[1]}"'
    drilldowns = (NotableDrilldown(f"Events for {HOSTILE}", spl, 1.79e9 - 3000, 1.79e9 + 600),
                  NotableDrilldown("Risk", None, 1.79e9, None, changes_commands=True),
                  NotableDrilldown("Bad offset", None, error="offset '-7x' is not a time"))
    groups = [html.DetectionNotables(many, len(raised), tuple((n, drilldowns) for n in raised[:html.SHOWN_NOTABLES])),
              html.DetectionNotables(hostile, 1, ((_notable(hostile, 1.79e9, f"Title {HOSTILE}", f"x{HOSTILE}"), ()),))]
    page = html.render(title="Backtest", period=(1.7899e9, 1.7902e9), cells=[], detections=[many, hostile], totals={},
                       risk_objects=[], threat_objects=[], reading={}, bad_lines=[], errors=[], notables=groups)
    (folder / "report.html").write_text(page, encoding="utf-8")
    url = f"http://127.0.0.1:{server.server_address[1]}/report.html"
    loaded = chromium.load(url, NOTABLES, VIEWS)
    assert loaded.requests == [url] and server.hits == ["/report.html"]
    for view, value in zip(VIEWS, loaded.value):
        shown = json.loads(value)
        assert shown["page"][0] <= shown["page"][1], view  # no sideways scrolling, on screen or on paper
        assert (shown["title"], shown["scripts"], shown["images"], shown["links"]) == ("Backtest", 0, 0, 0)
        assert shown["headings"] == [f"{many} (25 notable(s))", f"{hostile} (1 notable(s))"]
        assert shown["rows"] == [html.SHOWN_NOTABLES, 1] and shown["more"] == ["5 more in notables.jsonl"]
        time, notable, said = shown["first"]
        assert " ".join(time.split()) == "2026-09-21T14:13:20.000Z run 2026-09-21T14:23:20.000Z"
        assert notable.splitlines()[:3] == ["Consent declined", "risk object: user0@contoso.example (user)",
                                            "threat object: 4be11163-0a03-45fb-87e5-5c8de005a186 (service)"]
        assert f"Events for {HOSTILE} earliest 2026-09-21T13:23:20.000Z latest 2026-09-21T14:23:20.000Z" in said
        assert "Risk earliest 2026-09-21T14:13:20.000Z latest none" in said and "would change the search's" in said
        assert "Bad offset\nnot filled: offset '-7x' is not a time" in said
        assert shown["searches"] == [spl, spl]  # copied whole, as written: nothing of it became markup
        assert shown["fields"] == f"2 field(s)appDisplayName = App {HOSTILE}user = user0@contoso.exampleb@x"
        assert shown["hostile"].splitlines()[:2] == [f"Title {HOSTILE}", f"risk object: x{HOSTILE} (user)"]


# each drilldown's name, and the box under it in the search's place: its text and how it is drawn
NO_SEARCH = """JSON.stringify([...document.querySelectorAll('#notables .drilldown')].map(d => {
  const box = d.querySelector('.no-search'), name = d.querySelector('b').getBoundingClientRect();
  if (!box) return [d.querySelector('b').innerText, null];
  const style = getComputedStyle(box), hint = getComputedStyle(document.querySelector('#field-hints'));
  return [d.querySelector('b').innerText, box.innerText, box.getBoundingClientRect().top >= name.bottom,
          style.borderLeft === hint.borderLeft && style.backgroundColor === hint.backgroundColor,
          style.borderLeft, style.backgroundColor, style.fontFamily === getComputedStyle(document.body).fontFamily];
}))"""


def test_a_drilldown_without_a_search_says_why_in_a_box_in_the_searchs_place(tmp_path: Path) -> None:
    """A drilldown not filled (a multivalue token, a bad offset) or not given (a value would change its commands)
    said why in plain text run on after its name, the one unstyled line among the searches' boxes: the reason now
    sits under the name, where the search would be, boxed as the page's hints are (a drilldown the analyst cannot
    open is a finding), in the page's font, on screen and on paper."""
    drilldowns = (NotableDrilldown("Events", "`entra_id_signin_and_audit_logs` user=x", 1.79e9 - 3000, 1.79e9 + 600),
                  NotableDrilldown("Users", None, error="$user$ holds 2 values: no Splunk page says how"),
                  NotableDrilldown("Risk", None, 1.79e9, None, changes_commands=True))
    notable = _notable("Declined Consent", 1.79e9, "Consent declined", "alex@contoso.example")
    page = html.render(title="Backtest", period=(1.7899e9, 1.7902e9), cells=[], detections=["Declined Consent"],
                       totals={}, risk_objects=[], threat_objects=[], reading={}, bad_lines=[], errors=[],
                       hints=[("Declined Consent", "macros/x.yml:3:5", "no event has the field 'appid'")],
                       notables=[html.DetectionNotables("Declined Consent", 1, ((notable, drilldowns),))])
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    for view, value in zip(VIEWS, chromium.load((tmp_path / "report.html").as_uri(), NO_SEARCH, VIEWS).value):
        boxed = ["4px solid rgb(225, 87, 89)", "rgb(253, 243, 243)", True]
        assert json.loads(value) == [
            ["Events", None],
            ["Users", "not filled: $user$ holds 2 values: no Splunk page says how", True, True, *boxed],
            ["Risk", "not given: a value of the notable would change the search's commands, and pasting it would run "
                     "what the logs wrote", True, True, *boxed],
        ], view


def test_input_table_shows_the_counts_that_say_something_in_words() -> None:
    """The "what was read" table listed every count of summary.json's ``input``, 0 or not, by its key: a run over
    JSON lines showed a score of zeros ("csv rows 0", "event hub records 0") and the code's words ("bad whole lines",
    "events with indextime from input"). It shows the counts not 0, and those whose 0 is news (files read, events
    read and kept, bad), each in words; summary.json keeps every key (``test_cli_reading``)."""
    reading = {"files": 2, "lines": 10, "csv_rows": 0, "lines_no_detection_can_match": 7, "lines_decoded": 3,
               "events_decoded": 3, "events_kept": 0, "events_outside_range": 3,
               "events_with_indextime_from_input": 0, "bad_lines": 0, "bad_whole_lines": 0, "searched_on_splunk": "x"}
    assert [label for label, _ in _read_rows(reading)] == [
        "files read", "JSON lines read", "lines set aside unread (no detection can match them)", "lines decoded",
        "events read", "events kept for the detections", "events outside --from/--to",
        "bad, in all (lines, CSV rows, JSON documents, records)", "searched on splunk"]


def _read_rows(reading: Mapping[str, object]) -> list[tuple[str, str]]:
    """report.html's "what was read" rows of ``reading``: each label, less its break opportunities (<wbr>), and
    count."""
    page = html.render(title="Backtest", period=(1.7899e9, 1.7902e9), cells=[], detections=[], totals={},
                       risk_objects=[], threat_objects=[], reading=reading, bad_lines=[], errors=[])
    table = page[page.index('id="input"'):]
    return [(unescape(re.sub(r"<[^>]+>", "", label)), count)
            for label, count in re.findall(r"<tr><td>(.*?)</td><td[^>]*>(.*?)</td>", table[:table.index("</table>")])]


def test_the_bad_ones_in_all_are_shown_beside_more_than_one_kind_only() -> None:
    """Three bad lines showed as a row "bad, in all (lines, CSV rows, JSON documents, records) 3" over a row "bad
    lines 3": the same number twice, for one kind. The total is shown beside two kinds or more, and alone at 0."""
    bad = "bad, in all (lines, CSV rows, JSON documents, records)"
    counts = {"files": 1, "events_decoded": 5, "events_kept": 5}
    one_kind = {**counts, "bad_lines": 3, "bad_whole_lines": 3, "bad_csv_rows": 0, "bad_records": 0}
    assert _read_rows(one_kind)[3:] == [("bad lines", "3")]
    two_kinds = {**counts, "bad_lines": 4, "bad_whole_lines": 3, "bad_csv_rows": 0, "bad_records": 1}
    assert _read_rows(two_kinds)[3:] == [(bad, "4"), ("bad lines", "3"),
                                         ("bad records (inside a line or document whose others were read)", "1")]
    assert _read_rows({**counts, "bad_lines": 0, "bad_whole_lines": 0})[3:] == [(bad, "0")]


def test_counts_are_written_as_the_terminal_writes_them_and_right_aligned(tmp_path: Path) -> None:
    """A user's report.html said ``2174`` runs where the terminal said ``2,174``: every count of the page's tables
    (and of the chart's hover text) is written with thousands separators, right-aligned so the digits line up, as
    the terminal's; summary.json keeps the numbers (``test_cli_reading``)."""
    many = Entity("alex@contoso.example", "user", 12_500, 1_250, {"Declined Consent": 12_500}, 1.79e9, 1.7901e9)
    counts = {"runs": 2174, "results": 1500, "notables": 1200, "risk_events": 1250}
    page = html.render(title="Backtest", period=(1.7899e9, 1.7902e9),
                       cells=[DayCounts("Declined Consent", "2026-10-12", *counts.values())],
                       detections=["Declined Consent"], totals={"Declined Consent": counts}, risk_objects=[many],
                       threat_objects=[], reading={"files": 1}, bad_lines=[], errors=[])
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    shown = json.loads(chromium.load((tmp_path / "report.html").as_uri(), """JSON.stringify(Object.fromEntries(
      ['totals', 'per-day', 'risk-objects', 'input'].map(id => [id, [...document.querySelector('#' + id + ' tbody tr')
        .cells].map(c => [c.innerText, getComputedStyle(c).textAlign])]).concat([['bar',
      document.querySelector('#chart rect.bar title').textContent]])))""").value)
    assert shown["totals"][2:] == [["2,174", "right"], ["1,500", "right"], ["1,200", "right"], ["1,250", "right"]]
    assert shown["per-day"][2:] == shown["totals"][2:]
    assert shown["risk-objects"][2:5] == [["12,500", "right"], ["1,250", "right"],
                                          ["Declined Consent (12,500)", "left"]]
    assert shown["input"] == [["files read", "left"], ["1", "right"]]
    assert _read_rows({"files": 1, "lines": 12_345, "events_decoded": 1_001, "events_kept": 1_001}) == [
        ("files read", "1"), ("JSON lines read", "12,345"), ("events read", "1,001"),
        ("events kept for the detections", "1,001")]
    assert shown["bar"] == "Declined Consent: 1,200 notable(s) on 2026-10-12"


def test_the_objects_times_say_they_are_of_the_first_and_last_risk_event() -> None:
    """A user read the top objects' "first" and "last" columns without knowing first and last what: the headers
    say they are the times of the first and last risk event naming the object."""
    page = _page()
    for table in ("risk-objects", "threat-objects"):
        head = page[page.index(f'id="{table}"'):]
        assert re.findall(r"<th[^>]*>([^<]*)</th>", head[:head.index("</thead>")]) == [
            "object", "type", "score", "risk events", "detections (score)", "first risk event", "last risk event"]
