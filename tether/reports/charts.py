"""Accessible SVG charts of published figures. Pure: no Django, strings in, a string out.

Every chart has ``role="img"``, a ``<title>`` and a ``<desc>`` listing every figure, writes each value on the
chart, fills bars with a hatch pattern (never colour alone) and draws a suppressed figure as an empty dashed
bar labelled "<5" or "[c]". Only presentation attributes are used: no ``style`` attribute, no ``<style>``
element and no script, so the charts pass a strict Content Security Policy.
"""

from __future__ import annotations

import hashlib
import math
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from tether.core.wording import mid_sentence
from tether.reports.disclosure import Cell, PublishedTable
from tether.reports.tables import COUNT

INK = "#0b0c0c"
GRID = "#b1b4b6"
FONT = "Arial, Helvetica, sans-serif"
WIDTH = 640
BAR = 22
GAP = 10


LABEL_WIDTH = 60  # px a month label ("Sep 2025") needs at font size 11, with a gap


def _uid(*parts: str) -> str:
    return "c" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:10]


def _nice_max(value: int) -> int:
    """A round axis maximum at or above ``value``."""
    if value <= 0:
        return 10
    step = 1
    while step * 10 < value:
        step *= 10
    for m in (1, 2, 5, 10):
        if value <= m * step:
            return m * step
    return 10 * step  # pragma: no cover


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 13, weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-family={quoteattr(FONT)} font-size="{size}" fill="{INK}" '
            f'text-anchor="{anchor}" font-weight="{weight}">{escape(content)}</text>')


def _hatch(pid: str) -> str:
    return (f'<defs><pattern id="{pid}" patternUnits="userSpaceOnUse" width="8" height="8">'
            f'<rect width="8" height="8" fill="#ffffff"/>'
            f'<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="{INK}" stroke-width="1.5"/></pattern></defs>')


def _open(width: int, height: int, uid: str, title: str, desc: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" aria-labelledby="{uid}-title {uid}-desc">'
            f'<title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape(desc)}</desc>')


def _describe(cell: Cell) -> str:
    if cell.value is not None:
        return cell.text
    return f"{cell.text} (suppressed)"


def bar_chart(pt: PublishedTable, *, col: str = COUNT) -> str:
    """Horizontal bars, one a row of ``pt`` for column ``col``, with each value written at the bar's end."""
    if col not in pt.cols:
        raise ValueError(f"col: {col!r} is not a column of the table")
    title = pt.title if col == COUNT else f"{pt.title}: {col}"
    uid = _uid(pt.title, col, pt.as_of.isoformat())
    cells = [(r, pt.cells[(r, col)]) for r in pt.rows]
    desc = (f"Bar chart of {pt.measure} by {mid_sentence(pt.row_label)} as at {pt.as_of.day} {pt.as_of:%B %Y}. "
            + "; ".join(f"{r}: {_describe(c)}" for r, c in cells) + ".")
    label_w = min(220, 20 + 7 * max((len(r) for r in pt.rows), default=4))
    plot_w = WIDTH - label_w - 70
    top = 10
    height = top + len(cells) * (BAR + GAP) + 30
    top_value = _nice_max(max([c.value or 0 for _r, c in cells] + [pt.policy.threshold]))
    scale = plot_w / top_value
    parts = [_open(WIDTH, height, uid, title, desc), _hatch(f"{uid}-hatch")]
    for i, (row, cell) in enumerate(cells):
        y = top + i * (BAR + GAP)
        parts.append(_text(label_w - 8, y + BAR * 0.7, row, anchor="end"))
        if cell.value is None:
            w = pt.policy.threshold * scale
            parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{BAR}" fill="none" stroke="{INK}" '
                         f'stroke-dasharray="4 3"/>')
            parts.append(_text(label_w + w + 6, y + BAR * 0.7, cell.text, weight="bold"))
        else:
            w = cell.value * scale
            if w > 0:
                parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{BAR}" fill="url(#{uid}-hatch)" '
                             f'stroke="{INK}"/>')
            parts.append(_text(label_w + w + 6, y + BAR * 0.7, cell.text))
    axis_y = top + len(cells) * (BAR + GAP)
    parts.append(f'<line x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{axis_y}" stroke="{INK}"/>')
    parts.append(f'<line x1="{label_w}" y1="{axis_y}" x2="{label_w + plot_w}" y2="{axis_y}" stroke="{GRID}"/>')
    parts.append(_text(label_w, axis_y + 18, "0", anchor="middle", size=11))
    parts.append(_text(label_w + plot_w, axis_y + 18, str(top_value), anchor="middle", size=11))
    parts.append("</svg>")
    return "".join(parts)


def line_chart(points: tuple[tuple[date, Cell], ...], *, title: str) -> str:
    """A line through the published points of a series, each value written above its point. A suppressed
    point breaks the line and is drawn as an empty dashed bar from the axis labelled "<5" or "[c]"."""
    uid = _uid(title, *(d.isoformat() for d, _c in points))
    desc = ("Line chart: " + "; ".join(f"{d.day} {d:%B %Y}: {_describe(c)}" for d, c in points) + "."
            if points else "Line chart with no points.")
    height, left, right, top, bottom = 320, 50, 20, 30, 50
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    threshold = max((int(c.text[1:]) for _d, c in points if c.text.startswith("<") and c.text[1:].isdigit()),
                    default=5)
    top_value = _nice_max(max([c.value or 0 for _d, c in points] + [threshold]))
    step = plot_w / max(1, len(points) - 1) if len(points) > 1 else 0.0
    # a month label is about 55 px wide: label every n-th point so that no two overlap
    every = max(1, math.ceil(LABEL_WIDTH / step)) if step else 1
    parts = [_open(WIDTH, height, uid, title, desc), _hatch(f"{uid}-hatch")]
    base = top + plot_h
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="{INK}"/>')
    parts.append(f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="{INK}"/>')
    parts.append(_text(left - 6, base + 4, "0", anchor="end", size=11))
    parts.append(_text(left - 6, top + 4, str(top_value), anchor="end", size=11))
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, (day, cell) in enumerate(points):
        x = left + (i * step if len(points) > 1 else plot_w / 2)
        if (len(points) - 1 - i) % every == 0:  # counted back from the latest month, which is always labelled
            parts.append(_text(x, base + 18, day.strftime("%b %Y"), anchor="middle", size=11))
        if cell.value is None:
            if segment:
                segments.append(segment)
            segment = []
            h = threshold * plot_h / top_value
            parts.append(f'<rect x="{x - 6:.1f}" y="{base - h:.1f}" width="12" height="{h:.1f}" fill="none" '
                         f'stroke="{INK}" stroke-dasharray="3 2"/>')
            parts.append(_text(x, base - h - 6, cell.text, anchor="middle", weight="bold"))
        else:
            y = base - cell.value * plot_h / top_value
            segment.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="url(#{uid}-hatch)" stroke="{INK}"/>')
            parts.append(_text(x, y - 8, cell.text, anchor="middle"))
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            parts.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{INK}" stroke-width="2"/>')
    parts.append("</svg>")
    return "".join(parts)
