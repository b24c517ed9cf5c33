"""Reading the statistics pages' HTML in tests: a rendered table, a figure by its test id."""

from __future__ import annotations

import re


def table(body: str, testid: str) -> dict[str, list[str]]:
    """A rendered table as {row label: [cells...]} (the header row under "")."""
    m = re.search(rf'<table[^>]*data-testid="{re.escape(testid)}">(.*?)</table>', body, re.S)
    assert m, testid
    rows: dict[str, list[str]] = {}
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", m.group(1), re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip().replace("&lt;", "<")
                 for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)]
        key = "" if not rows else cells[0]
        rows[key] = cells[1:] if rows else cells
    return rows


def testid(body: str, test_id: str) -> str:
    m = re.search(rf'data-testid="{re.escape(test_id)}">([^<]*)<', body)
    assert m, test_id
    return m.group(1)
