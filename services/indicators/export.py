"""A figure's table as CSV, safe to open in a spreadsheet: a cell that starts with
=, +, - or @ (a formula to Excel or LibreOffice) is prefixed with a quote."""

from __future__ import annotations

import csv
import io

from services.indicators.figure import Figure

FORMULA = ("=", "+", "-", "@", "\t", "\r")


def to_csv(figure: Figure) -> str:
    """The figure's columns and rows as CSV text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([cell(c) for c in figure.columns])
    writer.writerows([cell(value) for value in row] for row in figure.rows)
    return buffer.getvalue()


def cell(value: object) -> str:
    """One cell's text; text that a spreadsheet would run is quoted."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):  # numbers (negative ones too) stay numbers
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA) else text
