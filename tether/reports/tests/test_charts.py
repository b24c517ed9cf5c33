"""SVG charts: accessible, readable without colour, no styles or scripts, suppressed values labelled."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from tether.reports.charts import bar_chart, line_chart
from tether.reports.disclosure import Policy, publish, publish_series
from tether.reports.tables import COUNT, Series

from .factories import grid, oneway

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314  (our own output, not untrusted input)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    for el in root.iter():
        assert "style" not in el.attrib, el.tag
        assert el.tag not in {f"{NS}style", f"{NS}script", f"{NS}foreignObject"}
        assert not any(k.startswith("on") for k in el.attrib), el.tag
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and title.text and desc is not None and desc.text
    assert set((root.get("aria-labelledby") or "").split()) == {title.get("id"), desc.get("id")}
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def test_bar_chart_writes_every_label_and_value() -> None:
    pt = publish(oneway([3, 10, 20, 0]))
    root = parse(bar_chart(pt))
    shown = texts(root)
    for r in pt.rows:
        assert r in shown
    assert {"<5", "10", "20", "0"} <= set(shown)
    desc = root.find(f"{NS}desc")
    assert desc is not None and "R1: <5 (suppressed)" in (desc.text or "") and "R2: 10" in (desc.text or "")
    assert root.find(f"{NS}title").text == pt.title  # type: ignore[union-attr]


def test_bars_use_a_hatch_pattern_and_suppressed_bars_are_empty() -> None:
    pt = publish(grid([[3, 10], [12, 7], [20, 40]]), Policy(rounding=1))
    root = parse(bar_chart(pt, col="C2"))
    assert root.find(f"{NS}defs/{NS}pattern") is not None
    rects = [r for r in root.iter(f"{NS}rect") if r.get("height") == "22"]
    filled = [r for r in rects if (r.get("fill") or "").startswith("url(#")]
    empty = [r for r in rects if r.get("fill") == "none"]
    assert len(filled) == 1  # 40; the two [c] bars are empty and dashed
    assert len(empty) == 2 and all(r.get("stroke-dasharray") for r in empty)
    assert texts(root).count("[c]") == 2


def test_bar_chart_rejects_an_unknown_column() -> None:
    with pytest.raises(ValueError, match="col"):
        bar_chart(publish(oneway([5])), col="Nope")


def test_line_chart() -> None:
    series = Series("Open missing cases", ((date(2025, 1, 31), 12), (date(2025, 2, 28), 3),
                                           (date(2025, 3, 31), 20), (date(2025, 4, 30), 22)))
    root = parse(line_chart(publish_series(series), title="Open missing cases, month ends"))
    shown = texts(root)
    assert {"10", "<5", "20"} <= set(shown)
    assert "Jan 2025" in shown and "Apr 2025" in shown
    assert len(list(root.iter(f"{NS}circle"))) == 3
    assert [r.get("fill") for r in root.iter(f"{NS}rect") if r.get("stroke-dasharray")] == ["none"]
    assert len(list(root.iter(f"{NS}polyline"))) == 1  # the suppressed point breaks the line: 1 point, then 2
    desc = root.find(f"{NS}desc")
    assert desc is not None and "28 February 2025: <5 (suppressed)" in (desc.text or "")


def test_text_is_escaped() -> None:
    pt = publish(oneway([10]))
    svg = bar_chart(type(pt)(**{**pt.__dict__, "title": "<script>alert(1)</script> & co"}))
    root = parse(svg)
    assert root.find(f"{NS}title").text == "<script>alert(1)</script> & co"  # type: ignore[union-attr]
    assert COUNT


def test_month_labels_of_a_long_series_do_not_overlap():
    import itertools
    import re
    from datetime import date

    from tether.reports.charts import line_chart
    from tether.reports.disclosure import Cell

    points = tuple((date(2024 + (m // 12), m % 12 + 1, 1), Cell(value=10 + m, text=str(10 + m))) for m in range(24))
    svg = line_chart(points, title="Open cases at each month end")
    month = r'<text x="([\d.]+)" y="[\d.]+"[^>]*font-size="11"[^>]*>[A-Z][a-z]{2} \d{4}<'
    xs = [float(x) for x in re.findall(month, svg)]
    assert len(xs) >= 6
    assert all(b - a >= 55 for a, b in itertools.pairwise(xs)), xs
    assert "2024-" not in svg.split("<desc")[1].split("</desc>")[0]  # the description speaks in words, not ISO
