"""``report.html``: one self-contained page a team can open offline, mail, or attach to a change request.

No script at all, one inline style sheet, an inline SVG chart (stacked bars: notables per detection per
day, a ``<title>`` per bar for the hover text) and plain tables. Nothing is fetched: a Content Security
Policy of ``default-src 'none'`` (inline styles only) makes the browser refuse any request the page might
otherwise make, and the icon is an inline ``data:`` URL so the browser does not ask for ``/favicon.ico``.
Every value from the logs (user names, application names) is HTML-escaped: a tenant's data is attacker-
influenced text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from contentpack.backtest.inputs import shown_counts
from contentpack.backtest.output import NotableDrilldown, time_text
from contentpack.backtest.summary import DayCounts, Entity, iso
from contentpack.cut_lists import count_text
from contentpack.simulate import Notable
from contentpack.spl.values import Value, mv_values, to_str

PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac", "#1f77b4", "#2ca02c")
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.t span { white-space: nowrap; }
@media (min-width: 960px) { td.t wbr { display: none; } }
.muted { color: #666; } .legend span { display: inline-block; margin-right: 14px; }
.swatch { display: inline-block; width: 11px; height: 11px; margin-right: 4px; vertical-align: -1px;
          -webkit-print-color-adjust: exact; print-color-adjust: exact; }
svg text { font: 11px system-ui, sans-serif; fill: #333; }
#chart { display: block; max-width: 100%; height: auto; }
#field-hints, #filter-hints, .no-search { border-left: 4px solid #e15759; background: #fdf3f3; }
#field-hints, #filter-hints { padding: 1px 0 1px 12px; }
.no-search { padding: 2px 6px; margin: 2px 0 6px; }
#field-hints h2, #filter-hints h2 { margin-top: 8px; }
h3 { font-size: 14px; margin: 18px 0 4px; }
table.notables { width: 100%; } table.notables td:nth-child(2) { width: 28%; }
code.spl { display: block; white-space: pre-wrap; overflow-wrap: anywhere; background: #f5f5f5; padding: 2px 4px;
           margin: 2px 0 6px; font: 12px/1.35 ui-monospace, monospace; max-height: 9.5em; overflow: auto; }
.notable-title { font-weight: 600; } .more { font-style: italic; }
@media print { body { margin: 0; } .chart, .legend { break-inside: avoid; } code.spl { max-height: none; } }
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def colors(detections: Sequence[str]) -> dict[str, str]:
    """One colour per detection, no two alike: the palette's while it has enough, else hues spread evenly round
    the colour wheel. The palette repeated from its start, which drew two detections' bars (the pack's 13th
    and 1st, ...) in one colour that the legend could not tell apart."""
    if len(detections) <= len(PALETTE):
        return dict(zip(detections, PALETTE))
    return {name: f"hsl({round(360 * index / len(detections))}, 60%, 48%)" for index, name in enumerate(detections)}


# The chart's own size, in CSS pixels: it fits an 800 px window's page (body margins and scrollbar taken off)
# and a printed A4 or Letter page as it is, and shrinks with a narrower one (``max-width: 100%``, its viewBox
# keeping the proportions). A wider window leaves it this size: text scaled up with it read oversized.
WIDTH, HEIGHT = 720, 280
MAX_BARS = 62  # two months of days; a longer period is binned by whole weeks, so a bar stays wide enough to see
_LEFT, _TOP, _PLOT, _RIGHT = 40, 12, 220, 8
_LABEL_SPACING = 22  # the rotated day labels' least distance apart before they overlap


@dataclass(frozen=True)
class Bin:
    """The days one bar counts: one day, or ``span`` days of a binned period (the last bin may be shorter)."""

    first: str
    last: str
    days: tuple[str, ...]


def bins(days: Sequence[str]) -> tuple[int, list[Bin]]:
    """Every calendar day from the first to the last in ``days`` (a day without runs is a gap in time, so it
    keeps its place on the axis), one bin each up to :data:`MAX_BARS` days, else bins of whole weeks from the
    first day: 7 days a bar for up to 434 days (a year is 53 bars). Returns the bin length in days, and the
    bins."""
    if not days:
        return 1, []
    first, last = date.fromisoformat(min(days)), date.fromisoformat(max(days))
    calendar = [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
    span = 1 if len(calendar) <= MAX_BARS else 7 * math.ceil(len(calendar) / (7 * MAX_BARS))
    groups = [tuple(calendar[at:at + span]) for at in range(0, len(calendar), span)]
    return span, [Bin(group[0], group[-1], group) for group in groups]


def chart(cells: Sequence[DayCounts], detections: Sequence[str]) -> str:
    """The chart's heading and an SVG stacked bar chart of notables per day (or per week, past
    :data:`MAX_BARS` days), one colour per detection that raised any (the others, a risk-only detection, draw
    no bar: in the legend they only took colours). The bars share the chart's fixed width, so the whole period
    is on screen and on paper: one 28 px bar per day, 14 px apart, made a month wider than a 1280 px window,
    the chart scrolled inside its box, and a printed copy lost the later days. A period without a notable says so
    in words instead (its grid and axis alone drew an empty box), the page's one place to say it: the Notables
    section at its end is then left out (``_notables``)."""
    span, groups = bins([c.day for c in cells])
    raised = {c.detection for c in cells if c.notables}
    if not raised:  # no bar to draw: an empty grid read as a chart that failed to load
        days = f" ({_e(groups[0].first)} to {_e(groups[-1].last)})" if groups else ""
        return (f"<h2>Notables per detection per {_unit(span)}</h2>"
                f'<p class="muted" id="chart-empty">No notables in this period{days}: no detection raised one, so '
                "there is no chart and no list of notables. The tables below show the runs and results.</p>")
    detections = [name for name in detections if name in raised]
    palette = colors(detections)
    order = {name: at for at, name in enumerate(detections)}
    bin_of = {day: group for group in groups for day in group.days}
    stacks: dict[Bin, dict[str, int]] = {group: {} for group in groups}
    for c in cells:
        if c.notables:
            stack = stacks[bin_of[c.day]]
            stack[c.detection] = stack.get(c.detection, 0) + c.notables
    peak = max([sum(stack.values()) for stack in stacks.values()] + [1])
    peak = -(-peak // 4) * 4  # four whole-number grid steps
    slot = (WIDTH - _LEFT - _RIGHT) / max(len(groups), 1)
    bar = min(28.0, slot * 0.7)
    every = math.ceil(_LABEL_SPACING / slot)  # label every n-th bar, the first and then every n-th
    bottom = _TOP + _PLOT
    parts = [f'<div class="chart"><svg id="chart" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
             f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="Notables per detection per {_unit(span)}">']
    for step in range(5):  # horizontal grid with values
        y = bottom - _PLOT * step / 4
        parts.append(f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        parts.append(f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{count_text(peak * step // 4)}</text>')
    for index, group in enumerate(groups):
        x = _LEFT + index * slot + (slot - bar) / 2
        when = f"on {group.first}" if span == 1 else f"from {group.first} to {group.last}"
        base = float(bottom)
        for name in sorted(stacks[group], key=lambda name: order.get(name, len(order))):
            count = stacks[group][name]
            size = _PLOT * count / peak
            base -= size
            parts.append(f'<rect class="bar" x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{size:.1f}" '
                         f'fill="{palette.get(name, "#888")}" data-detection="{_e(name)}" data-day="{_e(group.first)}" '
                         f'data-last="{_e(group.last)}" data-notables="{count}">'
                         f'<title>{_e(name)}: {count_text(count)} notable(s) {_e(when)}</title></rect>')
        if index % every == 0:
            centre = x + bar / 2
            parts.append(f'<text class="day" x="{centre:.1f}" y="{bottom + 14}" text-anchor="end" '
                         f'transform="rotate(-35 {centre:.1f} {bottom + 14})">{_e(group.first[5:])}</text>')
    parts.append(f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{bottom}" y2="{bottom}" stroke="#999"/>')
    parts.append("</svg></div>")
    legend = "".join(f'<span><i class="swatch" style="background:{palette[name]}"></i>{_e(name)}</span>'
                     for name in detections)
    return (f"<h2>Notables per detection per {_unit(span)}</h2>{_binned(span, groups)}"
            + "".join(parts) + f'<div class="legend">{legend}</div>')


def _unit(span: int) -> str:
    return "day" if span == 1 else "week" if span == 7 else f"{span} days"


def _binned(span: int, groups: Sequence[Bin]) -> str:
    """Says what a bar is when it is not a day: the reader must not take a week's count for a day's."""
    if span == 1:
        return ""
    days = sum(len(group.days) for group in groups)
    short = len(groups[-1].days)
    tail = f", the last {short} day{'s' * (short > 1)}" if short < span else ""
    return (f'<p class="muted" id="chart-bins">{days} days, {_e(groups[0].first)} to {_e(groups[-1].last)}, '
            f"more than {MAX_BARS}: each bar counts {span} days from the date under it ({len(groups)} bars{tail}). "
            'The table "Per detection per day" below has each day a detection found something.</p>')


def _table(table_id: str, headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: set[int],
           times: frozenset[int] = frozenset(), names: frozenset[int] = frozenset()) -> str:
    """``times``: columns of ISO 8601 times, on one line in a wide window (:func:`_time`).
    ``names``: columns of detection names, which break between words only: a name is words, at most 67
    characters (rules/naming.py), and a break after its '-' or '.' cut a word ("Tenant-Wide") in two. A value
    that is a tuple is a list, one item a line. Every other value may break where :func:`_breakable` says.
    ``numeric``: columns of counts, right-aligned, each written as the terminal writes it (``count_text``)."""
    head = "".join(f'<th class="n">{_e(h)}</th>' if i in numeric else f"<th>{_e(h)}</th>"
                   for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{_e(_count(v))}</td>' if i in numeric else
                         f'<td class="t">{_time(str(v))}</td>' if i in times else
                         f"<td>{_cell(v, _e if i in names else _breakable)}</td>"
                         for i, v in enumerate(row)) + "</tr>"
        for row in rows)
    if not rows:
        body = f'<tr><td colspan="{len(headers)}" class="muted">none</td></tr>'
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _count(value: object) -> object:
    """A count as :func:`count_text` writes it; anything else (a table's "none") as it is."""
    return count_text(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _cell(value: object, shown: Callable[[str], str]) -> str:
    return "<br>".join(map(shown, value)) if isinstance(value, tuple) else shown(str(value))


_BREAK_AFTER = frozenset("@./_#-")
_RUN = 20  # the most characters without a break opportunity: a hash or a made-up name is cut every 20


def _breakable(text: str) -> str:
    """``text`` escaped, with a ``<wbr>`` (a break opportunity that copies as nothing) after each '@', '.', '/',
    '_', '#' and '-' and inside any longer run without one. An e-mail address or a GUID in one piece held
    the risk objects' table wider than an 800 px window and an A4 page: the page scrolled sideways
    and a printout lost its right edge. Breaking anywhere instead (CSS ``overflow-wrap: anywhere``) cut
    'splunkresearch' in the middle and let the table squeeze the column to a few letters. Each character is
    escaped on its own, before any tag is added, so a value never becomes markup."""
    parts, run = [], 0
    for char in text:
        parts.append(_e(char))
        run = 0 if char.isspace() else run + 1
        if char in _BREAK_AFTER or run >= _RUN:
            parts.append("<wbr>")
            run = 0
    return "".join(parts)


def _time(text: str) -> str:
    """A time, escaped, its date (with the 'T') and its time of day each kept whole: it broke after '2026-10-' in a
    squeezed table. Where the window is 960 px or wider, the ``<wbr>`` after the 'T' is hidden, so the whole time
    is one line: given that break, the table's layout took it even at 1200 px, the time of day read as a second
    value under the date (a newcomer's walkthrough). Narrower, and on an A4 page, a whole time beside the risk tables' other
    columns made the page scroll sideways, so there it still may break after the 'T'."""
    date, t, rest = text.partition("T")
    return f"<span>{_e(date + t)}</span><wbr><span>{_e(rest)}</span>" if t else f"<span>{_e(text)}</span>"


def _entities(table_id: str, entities: Sequence[Entity]) -> str:
    """A risk or threat objects' table. Its times are of the first and last risk event naming the object, and the
    headers say so: "first" and "last" alone did not say first what."""
    rows = [(e.value, e.type, e.score, e.risk_events,
             tuple(f"{name} ({count_text(score)})"
                   for name, score in sorted(e.detections.items(), key=lambda kv: -kv[1])),
             iso(e.first_time) if e.first_time is not None else "", iso(e.last_time) if e.last_time is not None else "")
            for e in entities]
    return _table(table_id, ("object", "type", "score", "risk events", "detections (score)", "first risk event",
                             "last risk event"),
                  rows, {2, 3}, frozenset({5, 6}), names=frozenset({4}))


def _hint_box(section: str, table: str, heading: str, why: str, hints: Sequence[tuple[str, str, str]]) -> str:
    """Hints (detection, where written, message), boxed under the per-detection table whose counts they explain: a
    detection silenced there reads 0 notables, and a reader of the page alone took it for a quiet tenant. Nothing
    when there is none."""
    if not hints:
        return ""
    return (f'<section id="{section}"><h2>{heading}</h2><p>{why}</p>'
            + _table(table, ("detection", "written at", "hint"), hints, set(), names=frozenset({0}))
            + "</section>")


# Each detection's first notables the page lists, with their drilldowns (``notables.jsonl`` has them all). An
# analyst reads a backtest's notables for what a detection fires on and whom it names; twenty a detection show
# that, and keep the page one to scroll and print (a noisy detection's thousands of notables, each with its
# drilldowns' searches, made a page no one reads through and a browser slow to open). ``jq`` over the file is
# the way to the rest.
SHOWN_NOTABLES = 20


@dataclass(frozen=True)
class DetectionNotables:
    """A detection's notables as the page lists them: the first :data:`SHOWN_NOTABLES`, each with its drilldowns
    (``output.notable_drilldowns``), and how many it raised in all."""

    detection: str
    total: int
    shown: tuple[tuple[Notable, tuple[NotableDrilldown, ...]], ...]


def _values(name: str, value: Value) -> tuple[str, ...]:
    """A notable's field as text, one item per value of a multivalue field (``_time`` as every time here)."""
    when = time_text(value) if name == "_time" else None
    if when is not None:
        return (when,)
    return tuple(text for text in (to_str(item) for item in mv_values(value)) if text is not None)


def _notable_cell(notable: Notable) -> str:
    """Its title, the risk and threat objects it names (what an analyst triages on), then every field of its
    result row, folded under a ``<details>`` (opened without a script)."""
    objects = "".join(f"<div>{label}: {_breakable(value)} <span class=\"muted\">({_e(kind)})</span></div>"
                      for label, pairs in (("risk object", notable.risk_objects),
                                           ("threat object", notable.threat_objects))
                      for value, kind in pairs)
    fields = "".join(f"<li>{_e(name)} = {'<br>'.join(map(_breakable, _values(name, value)))}</li>"
                     for name, value in notable.fields.items())
    return (f'<div class="notable-title">{_breakable(notable.rule_title)}</div>{objects}'
            f"<details><summary>{len(notable.fields)} field(s)</summary><ul>{fields}</ul></details>")


def _drilldown(drilldown: NotableDrilldown) -> str:
    """A drilldown's name, bounds and search as text to copy into Splunk's search bar: no link (a link would run a
    search the logs' values wrote in, on whatever Splunk the reader is logged in to). A long search (a detection's
    own, run again by its results drilldown, is dozens of lines) scrolls inside a box a few lines high on screen, so
    one notable does not fill the window; on paper it is whole."""
    head = f"<b>{_breakable(drilldown.name)}</b>"
    if drilldown.error is not None:
        return f'<div class="drilldown">{head}{_no_search("not filled: " + drilldown.error)}</div>'
    bounds = " ".join(f"{label} {_e('none' if when is None else iso(when))}"
                      for label, when in (("earliest", drilldown.earliest), ("latest", drilldown.latest)))
    if drilldown.changes_commands or drilldown.search is None:
        body = _no_search("not given: a value of the notable would change the search's commands, and pasting it "
                          "would run what the logs wrote")
    else:
        body = f'<code class="spl">{_e(drilldown.search)}</code>'
    unfilled = ("" if not drilldown.unfilled else
                f"<div class=\"muted\">left as written, the notable has no value for: "
                f"{_e(', '.join(drilldown.unfilled))}</div>")
    return f'<div class="drilldown">{head} <span class="muted">{bounds}</span>{body}{unfilled}</div>'


def _no_search(why: str) -> str:
    """Why a drilldown has no search to paste, in the search's place and boxed as the page's hints are: a drilldown
    the analyst cannot open is a finding about the detection. In plain text after the drilldown's name it ran on as
    if it were part of the name, the one unstyled line among the searches' boxes."""
    return f'<div class="no-search">{_breakable(why)}</div>'


def _notables(groups: Sequence[DetectionNotables]) -> str:
    """The section listing notables, a table per detection that raised any, and the count left out under it; none
    when no detection raised one, which the chart's place says (``chart``): a second "No notables in this period."
    at the page's end said it twice."""
    if not groups:
        return ""
    parts = ['<section id="notables"><h2>Notables</h2><p class="muted">Each detection\'s first '
             f"{SHOWN_NOTABLES} notables in the order the runs raised them, with the drilldowns an analyst would open: "
             "paste a search into Splunk's search bar with its earliest and latest time. notables.jsonl has every "
             "notable.</p>"]
    for group in groups:
        rows = "".join(
            f'<tr class="notable"><td class="t">{_time(iso(notable.time))}<div class="muted">run '
            f"{_time(iso(notable.run_time))}</div></td><td>{_notable_cell(notable)}</td>"
            f"<td>{''.join(map(_drilldown, drilldowns)) or '<span class=muted>none</span>'}</td></tr>"
            for notable, drilldowns in group.shown)
        parts.append(f'<h3>{_e(group.detection)} <span class="muted">({count_text(group.total)} notable(s))</span></h3>'
                     f'<table class="notables"><thead><tr><th>time</th><th>notable</th><th>drilldowns</th></tr>'
                     f"</thead><tbody>{rows}</tbody></table>")
        if group.total > len(group.shown):
            parts.append(f'<p class="more">{count_text(group.total - len(group.shown))} more in notables.jsonl</p>')
    return "".join(parts) + "</section>"


_FIELD_HINTS = ("field-hints", "hints", "Field hints: a misspelled field may have silenced a detection",
                "A field a detection's search filters or groups on that no event has: Splunk says nothing, so a "
                "count above may come from a typo in a tuning macro (0 where a filter keeps no row, every row where "
                "an exclusion excludes none), not from the logs.")
_FILTER_HINTS = ("filter-hints", "filter-macro-hints", "Filter macros: the pack's tuning silenced a detection",
                 "A detection whose runs returned nothing returns results over the same events with its filter macro "
                 "as <code>search *</code>, the build's default: its definition in the pack drops them.")


def render(*, title: str, period: tuple[float, float], cells: Sequence[DayCounts], detections: Sequence[str],
           types: Mapping[str, str] | None = None, actions_note: str = "",
           totals: Mapping[str, Mapping[str, int]], risk_objects: Sequence[Entity], threat_objects: Sequence[Entity],
           reading: Mapping[str, object], bad_lines: Sequence[str], errors: Sequence[str],
           messages: Sequence[tuple[str, str, str, str, str]] = (), period_reason: str = "",
           input_notes: Sequence[str] = (), hints: Sequence[tuple[str, str, str]] = (),
           filtered: Sequence[tuple[str, str, str]] = (), notables: Sequence[DetectionNotables] = (),
           risk_object_count: int = 0) -> str:
    """The whole page. ``messages``: the scheduled runs' job messages, (detection, level, text, "N of M" runs,
    first run). ``period_reason``: why the period starts and ends there (`` (...)`` or ""); ``input_notes``: what
    reading found beyond the counts (no event kept, and why); ``hints``: the field hints (``field_hints``),
    (detection, where the field is written, message), shown under the per-detection table they explain, as are
    ``filtered``, the detections the pack's tuned filter macro silenced (detection, the macro's definition, message);
    ``types``: each detection's type, beside its name; ``actions_note``: what the types run raise
    (``summary.actions_note``); ``notables``: the notables listed, per detection that raised any;
    ``risk_object_count``: how many risk objects there were, of which ``risk_objects`` are the top."""
    total_rows = [(name, (types or {}).get(name, ""),
                   *(totals.get(name, {}).get(key, 0) for key in ("runs", "results", "notables", "risk_events")))
                  for name in detections]
    # Only the days a detection found something: every detection runs every day, and a row for each day of each
    # detection (over a thousand for two months of the pack, almost all zeros) buried the few that had results.
    day_rows = [(c.detection, c.day, c.runs, c.results, c.notables, c.risk_events)
                for c in cells if c.results or c.notables or c.risk_events]
    read_rows = shown_counts(reading)  # summary.json's counts that say something, in words
    problems = "".join(f"<li>{_breakable(line)}</li>" for line in [*errors, *bad_lines])  # paths, bad JSON
    return "".join([
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<link rel="icon" href="data:,">',
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="muted" id="period">Simulated period {_e(iso(period[0]))} to {_e(iso(period[1]))} (UTC)'
        f"{_breakable(period_reason)}; days are the days ES would have run the searches.</p>",
        chart(cells, detections),
        "<h2>Per detection</h2>",
        _table("totals", ("detection", "type", "runs", "results", "notables", "risk events"), total_rows,
               {2, 3, 4, 5}, names=frozenset({0})),
        *([f'<p class="muted" id="actions-note">{_e(actions_note)}</p>'] if actions_note else []),
        _hint_box(*_FIELD_HINTS, hints),
        _hint_box(*_FILTER_HINTS, filtered),
        "<h2>Job messages of the scheduled runs</h2>",
        _table("messages", ("detection", "level", "message", "runs", "first run"), messages, set(), frozenset({4}),
               names=frozenset({0})),
        "<h2>Top risk objects</h2>", _entities("risk-objects", risk_objects),
        *([f'<p class="muted" id="risk-objects-note">The top {count_text(len(risk_objects))} of '
           f"{count_text(risk_object_count)} risk objects; risk.jsonl has every risk event.</p>"]
          if risk_object_count > len(risk_objects) else []),
        "<h2>Top threat objects</h2>", _entities("threat-objects", threat_objects),
        "<h2>Per detection per day</h2>",
        '<p class="muted" id="per-day-note">Days on which a detection\'s runs found no results, notables or risk '
        'events are not listed; its runs on those days are counted under "Per detection" (summary.json\'s '
        '<code>per_day</code> has every day).</p>',
        _table("per-day", ("detection", "day", "runs", "results", "notables", "risk events"), day_rows,
               {2, 3, 4, 5}, names=frozenset({0})),
        "<h2>Input</h2>", _table("input", ("what was read", ""), read_rows,
                                 {1} if all(isinstance(count, int) for _, count in read_rows) else set()),
        *(f'<p class="input-note">{_breakable(note)}</p>' for note in input_notes),
        f'<h2>Problems</h2><ul id="problems">{problems or "<li class=muted>none</li>"}</ul>',
        _notables(notables),  # last: the summary above stays one screen, however many notables follow
        "</body></html>\n",
    ])
