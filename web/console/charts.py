"""Charts of the indicators, drawn on the server by pygal as SVG placed in the page.

The console's Content-Security-Policy (web/headers.py) forbids inline scripts, inline
<style> and style attributes, and pygal writes all three into every chart (its tooltips'
script and configuration, its stylesheet, a hidden tooltip). So each chart is rendered
as a tree and stripped of them: what is left are shapes and text with pygal's classes.
The stylesheet is pygal's own (its base, graph and colour rules), taken once from a
rendered chart, scoped to `.pygal-chart` and served from this site (`stylesheet`). Text
in a chart (practice titles that members wrote included) is escaped by the XML writer.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache

import pygal
from markupsafe import Markup

from services.indicators import Figure

SVG = "http://www.w3.org/2000/svg"
KINDS = {"bar": pygal.Bar, "stacked": pygal.StackedBar, "line": pygal.Line,
         "hbar": pygal.HorizontalBar, "hbar_stacked": pygal.HorizontalStackedBar}
MAX_SERIES = 16  # colours in the stylesheet; more series repeat them
ET.register_namespace("", SVG)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")


def options(**more) -> dict:
    """pygal's settings for every chart: no scripts, no external stylesheets."""
    return dict(js=[], css=[], disable_xml_declaration=True, width=820, height=340,
                legend_at_bottom=True, legend_at_bottom_columns=4, truncate_label=28,
                truncate_legend=28, x_label_rotation=30, print_zeroes=False) | more


def svg(figure: Figure) -> Markup:
    """The figure's chart as an <svg> element without script or inline style."""
    rows = max(1, len(figure.labels))
    height = 120 + 22 * rows if figure.chart.startswith("hbar") else 340
    legend = len(figure.series) > 1 or figure.chart in ("stacked", "hbar_stacked")
    chart = KINDS[figure.chart](**options(
        height=height, no_prefix=True, show_legend=legend,
        x_label_rotation=0 if figure.chart.startswith("hbar") else 30))  # weeks slant
    chart.title = figure.title
    chart.x_labels = list(figure.labels)
    for series in figure.series:
        chart.add(series.name, list(series.values))
    whole = _whole_steps(figure)
    if whole:
        chart.y_labels = whole
    tree = chart.render_tree()
    _strip(tree)
    tree.attrib.pop("id", None)  # pygal leaves it empty without a prefix
    tree.set("role", "img")
    tree.set("aria-label", figure.title)
    return Markup(ET.tostring(tree, encoding="unicode"))


def _whole_steps(figure: Figure) -> list[int] | None:
    """Axis steps in whole numbers for counts (pygal would mark 0.1, 0.2, ... for a
    count of one); None for other values (costs, hours)."""
    values = [v for s in figure.series for v in s.values if v is not None]
    if not values or any(not isinstance(v, int) for v in values):
        return None
    stacked = figure.chart in ("stacked", "hbar_stacked")
    top = max(sum(v or 0 for v in column) for column in zip(
        *(s.values for s in figure.series), strict=True)) if stacked else max(values)
    step = max(1, -(-top // 8))
    return list(range(0, top + step + 1, step))


def _strip(tree: ET.Element) -> None:
    """Removes <script>, <style> and style attributes (the CSP refuses them), and
    pygal's comments."""
    for parent in tree.iter():
        for child in list(parent):
            if not isinstance(child.tag, str) or _name(child) in ("script", "style"):
                parent.remove(child)
        parent.attrib.pop("style", None)


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """pygal's stylesheet for charts of up to MAX_SERIES series, scoped to .pygal-chart."""
    chart = pygal.Bar(js=[], disable_xml_declaration=True)
    for n in range(MAX_SERIES):
        chart.add(str(n), [1])
    tree = chart.render_tree()
    style = next(el for el in tree.iter() if isinstance(el.tag, str) and _name(el) == "style")
    prefix = "#chart-" + chart.uuid
    css = style.text.replace(prefix, ".pygal-chart")
    # Tooltips need pygal's script, which the CSP forbids: none are drawn.
    return re.sub(r"\s+", " ", css) + "\n.pygal-chart .tooltip{display:none}\n"


def _name(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]
