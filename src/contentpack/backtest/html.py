"""``report.html``: one self-contained page a team can open offline, mail, or attach to a change request.

No script at all, one inline style sheet, an inline SVG chart (stacked bars: notables per detection per
day, a ``<title>`` per bar for the hover text) and plain tables. Nothing is fetched: a Content Security
Policy of ``default-src 'none'`` (inline styles only) makes the browser refuse any request the page might
otherwise make, and the icon is an inline ``data:`` URL so the browser does not ask for ``/favicon.ico``.
Every value from the logs (user names, application names) is HTML-escaped: a tenant's data is attacker-
influenced text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from contentpack.backtest.summary import DayCounts, Entity, iso

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
.muted { color: #666; } .legend span { display: inline-block; margin-right: 14px; }
.swatch { display: inline-block; width: 11px; height: 11px; margin-right: 4px; vertical-align: -1px; }
svg text { font: 11px system-ui, sans-serif; fill: #333; }
.chart { overflow-x: auto; max-width: 100%; }
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


def chart(cells: Sequence[DayCounts], detections: Sequence[str]) -> str:
    """An SVG stacked bar chart of notables per day, one colour per detection that raised any (the others, a
    risk-only detection, draw no bar: in the legend they only took colours)."""
    days = sorted({c.day for c in cells})
    raised = {c.detection for c in cells if c.notables}
    detections = [name for name in detections if name in raised]
    palette = colors(detections)
    per_day: dict[str, list[DayCounts]] = {day: [] for day in days}
    for c in cells:
        if c.notables:
            per_day[c.day].append(c)
    peak = max([sum(c.notables for c in stack) for stack in per_day.values()] + [1])
    peak = -(-peak // 4) * 4  # four whole-number grid steps
    left, top, height, bar, gap = 48, 12, 220, 28, 14
    width = left + max(len(days), 1) * (bar + gap) + gap
    # one bar per day keeps bars readable; a long period scrolls inside its box, not the page
    parts = [f'<div class="chart"><svg id="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{top + height + 48}" '
             f'role="img" aria-label="Notables per detection per day">']
    for step in range(5):  # horizontal grid with values
        value = peak * step / 4
        y = top + height - height * step / 4
        parts.append(f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value:.0f}</text>')
    for index, day in enumerate(days):
        x = left + gap + index * (bar + gap)
        base = float(top + height)
        for c in per_day[day]:
            size = height * c.notables / peak
            base -= size
            parts.append(f'<rect class="bar" x="{x}" y="{base:.1f}" width="{bar}" height="{size:.1f}" '
                         f'fill="{palette.get(c.detection, "#888")}" data-detection="{_e(c.detection)}" '
                         f'data-day="{_e(day)}" data-notables="{c.notables}">'
                         f'<title>{_e(c.detection)}: {c.notables} notable(s) on {_e(day)}</title></rect>')
        parts.append(f'<text x="{x + bar / 2}" y="{top + height + 14}" text-anchor="end" '
                     f'transform="rotate(-35 {x + bar / 2} {top + height + 14})">{_e(day[5:])}</text>')
    parts.append(f'<line x1="{left}" x2="{width}" y1="{top + height}" y2="{top + height}" stroke="#999"/>')
    parts.append("</svg></div>")
    legend = "".join(f'<span><i class="swatch" style="background:{palette[name]}"></i>{_e(name)}</span>'
                     for name in detections)
    return "".join(parts) + f'<div class="legend">{legend}</div>'


def _table(table_id: str, headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: set[int],
           times: frozenset[int] = frozenset()) -> str:
    """``times``: columns of ISO 8601 times, which may break only between the date and the time of day (a
    squeezed table broke them after '2026-10-'; kept whole, they made a narrow window scroll sideways)."""
    head = "".join(f'<th class="n">{_e(h)}</th>' if i in numeric else f"<th>{_e(h)}</th>"
                   for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{_e(v)}</td>' if i in numeric else
                         f'<td class="t">{_time(str(v))}</td>' if i in times else f"<td>{_e(v)}</td>"
                         for i, v in enumerate(row)) + "</tr>"
        for row in rows)
    if not rows:
        body = f'<tr><td colspan="{len(headers)}" class="muted">none</td></tr>'
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _time(text: str) -> str:
    date, t, rest = text.partition("T")
    return f"<span>{_e(date + t)}</span><wbr><span>{_e(rest)}</span>" if t else f"<span>{_e(text)}</span>"


def _entities(table_id: str, entities: Sequence[Entity]) -> str:
    rows = [(e.value, e.type, e.score, e.risk_events,
             ", ".join(f"{name} ({score})" for name, score in sorted(e.detections.items(), key=lambda kv: -kv[1])),
             iso(e.first_time) if e.first_time is not None else "", iso(e.last_time) if e.last_time is not None else "")
            for e in entities]
    return _table(table_id, ("object", "type", "score", "risk events", "detections (score)", "first", "last"),
                  rows, {2, 3}, frozenset({5, 6}))


def render(*, title: str, period: tuple[float, float], cells: Sequence[DayCounts], detections: Sequence[str],
           totals: Mapping[str, Mapping[str, int]], risk_objects: Sequence[Entity], threat_objects: Sequence[Entity],
           reading: Mapping[str, object], bad_lines: Sequence[str], errors: Sequence[str],
           messages: Sequence[tuple[str, str, str, str, str]] = ()) -> str:
    """The whole page. ``messages``: the scheduled runs' job messages, (detection, level, text, "N of M" runs,
    first run)."""
    total_rows = [(name, totals.get(name, {}).get("runs", 0), totals.get(name, {}).get("results", 0),
                   totals.get(name, {}).get("notables", 0), totals.get(name, {}).get("risk_events", 0))
                  for name in detections]
    day_rows = [(c.detection, c.day, c.runs, c.results, c.notables, c.risk_events)
                for c in cells if c.runs or c.results or c.notables or c.risk_events]
    read_rows = [(key.replace("_", " "), value) for key, value in reading.items()]  # summary.json's keys, for people
    problems = "".join(f"<li>{_e(line)}</li>" for line in [*errors, *bad_lines])
    return "".join([
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<link rel="icon" href="data:,">',
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="muted">Simulated period {_e(iso(period[0]))} to {_e(iso(period[1]))} (UTC); days are '
        "the days ES would have run the searches.</p>",
        "<h2>Notables per detection per day</h2>", chart(cells, detections),
        "<h2>Per detection</h2>",
        _table("totals", ("detection", "runs", "results", "notables", "risk events"), total_rows, {1, 2, 3, 4}),
        "<h2>Job messages of the scheduled runs</h2>",
        _table("messages", ("detection", "level", "message", "runs", "first run"), messages, set(), frozenset({4})),
        "<h2>Top risk objects</h2>", _entities("risk-objects", risk_objects),
        "<h2>Top threat objects</h2>", _entities("threat-objects", threat_objects),
        "<h2>Per detection per day</h2>",
        _table("per-day", ("detection", "day", "runs", "results", "notables", "risk events"), day_rows,
               {2, 3, 4, 5}),
        "<h2>Input</h2>", _table("input", ("what was read", ""), read_rows, set()),
        f'<h2>Problems</h2><ul id="problems">{problems or "<li class=muted>none</li>"}</ul>',
        "</body></html>\n",
    ])
