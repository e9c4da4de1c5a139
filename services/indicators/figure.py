"""What a figure is: a title, its table (columns and rows) and its chart's series."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Series:
    """One line or set of bars: a name and one value per label of the chart."""

    name: str
    values: tuple[float | int | None, ...]


@dataclass(frozen=True)
class Figure:
    """A figure: its table, and what its chart draws (`labels` along the x axis)."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    labels: tuple[str, ...] = ()
    series: tuple[Series, ...] = ()
    chart: str = "bar"  # bar | line | hbar
    note: str = ""


def weekly_series(weeks: list[str], counts: dict[tuple[str, str], float],
                  names: list[str]) -> tuple[Series, ...]:
    """Series per name over the weeks from {(week, name): value}, 0 where none."""
    return tuple(Series(name, tuple(counts.get((week, name), 0) for week in weeks))
                 for name in names)
