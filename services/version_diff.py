"""Line differences between two versions of a practice, one language file at a time
(difflib.SequenceMatcher), as rows a page shows: kept, added or removed lines, with long
unchanged stretches folded. Rows carry plain text; the page escapes it."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

CONTEXT = 2  # unchanged lines shown around a change


@dataclass(frozen=True)
class Line:
    """One row: kind is same | add | del | skip (folded lines; text says how many)."""

    kind: str
    text: str
    old: int | None = None  # line numbers, 1-based
    new: int | None = None


@dataclass(frozen=True)
class FileDiff:
    """The difference in one language's file."""

    lang: str
    lines: tuple[Line, ...]

    @property
    def changed(self) -> bool:
        """Whether the file differs at all."""
        return any(line.kind in ("add", "del") for line in self.lines)


def compare(old: dict[str, str], new: dict[str, str]) -> list[FileDiff]:
    """Every language file of either version, English first, then by code."""
    langs = sorted(set(old) | set(new), key=lambda lang: (lang != "en", lang))
    return [FileDiff(lang, tuple(_fold(_lines(old.get(lang, ""), new.get(lang, "")))))
            for lang in langs]


def _lines(old: str, new: str) -> list[Line]:
    a, b = old.splitlines(), new.splitlines()
    rows: list[Line] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [Line("same", a[i], i + 1, j1 + i - i1 + 1) for i in range(i1, i2)]
            continue
        rows += [Line("del", a[i], old=i + 1) for i in range(i1, i2)]
        rows += [Line("add", b[j], new=j + 1) for j in range(j1, j2)]
    return rows


def _fold(rows: list[Line]) -> list[Line]:
    """Keeps CONTEXT unchanged lines around each change; folds the rest."""
    near = set()
    for i, row in enumerate(rows):
        if row.kind != "same":
            near.update(range(i - CONTEXT, i + CONTEXT + 1))
    out: list[Line] = []
    skipped = 0
    for i, row in enumerate(rows):
        if row.kind == "same" and i not in near:
            skipped += 1
            continue
        if skipped:
            out.append(Line("skip", str(skipped)))
            skipped = 0
        out.append(row)
    if skipped:
        out.append(Line("skip", str(skipped)))
    return out
