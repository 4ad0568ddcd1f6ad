"""Small HTML helpers shared by the economy profiles and the overview page.

Hand-written rather than ``DataFrame.to_html`` so that numbers are right-aligned, markers sit
beside their number, the caption is a real ``<caption>`` (read out by screen readers) and one
profile renders in well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

import pandas as pd

from pipeline.publish.layout import text


def cell(value: object, digits: int = 1) -> tuple[str, bool]:
    """Text of one table cell and whether it is numeric (for alignment)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return text()["workbook"]["missing"], True
    if isinstance(value, bool):
        return ("yes" if value else "no"), False
    if isinstance(value, int):
        return f"{value:,}", True
    if isinstance(value, float):
        return (f"{value:,.0f}" if abs(value) >= 10_000 else f"{value:,.{digits}f}"), True
    return escape(str(value)), False


def table(
    rows: Iterable[Sequence[object]],
    headers: Sequence[str],
    caption: str = "",
    notes: Iterable[Sequence[str]] | None = None,
) -> str:
    """An HTML table; ``notes`` (same shape as ``rows``) are appended to the cells as markers."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = []
    note_rows = iter(notes) if notes is not None else None
    for row in rows:
        marks = next(note_rows) if note_rows is not None else [""] * len(row)
        cells = []
        for value, mark in zip(row, marks, strict=True):
            text, numeric = cell(value)
            css = ' class="num"' if numeric else ""
            cells.append(f"<td{css}>{text}{escape(mark)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    title = f"<caption>{escape(caption)}</caption>" if caption else ""
    table = f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    return f'<div class="scroll">{table}</div>'  # scrolls inside, not the page, on phones


def bullet_list(items: Iterable[str]) -> str:
    """``<li>`` items, escaped."""
    return "".join(f"<li>{escape(item)}</li>" for item in items)


def frame_table(frame: pd.DataFrame, caption: str = "", notes: pd.DataFrame | None = None) -> str:
    """:func:`table` from a frame (and an optional same-shaped frame of marker strings)."""
    rows = frame.itertuples(index=False, name=None)
    marks = None
    if notes is not None:
        aligned = notes.reindex(columns=frame.columns).to_numpy(dtype=object)
        marks = [["" if isinstance(m, float) or m is None else m for m in row] for row in aligned]
    return table(rows, [str(c) for c in frame.columns], caption, marks)
