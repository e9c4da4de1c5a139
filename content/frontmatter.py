"""Reads one pack file: YAML front matter (with the line of every key) and the body.

Problems are reported, never raised, so that validation can name every one of them
with its file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a pack file. `warning` problems do not stop an import."""

    path: str
    line: int
    field: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning" if self.warning else "error"
        where = f" {self.field}:" if self.field else ""
        return f"{self.path}:{self.line}: {kind}:{where} {self.message}"


@dataclass
class PackFile:
    """The parsed front matter, the line of each top-level key, and the body."""

    path: str
    meta: dict
    lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    def line(self, key: str, index: int | None = None) -> int:
        """The line of a key, or of one item of a list-valued key."""
        return self.lines.get(f"{key}[{index}]" if index is not None else key,
                              self.lines.get(key, 1))


def read_pack_file(path: Path, shown: str) -> tuple[PackFile | None, list[Problem]]:
    """Parses a file; returns (None, problems) if it cannot be read at all."""
    return read_pack_bytes(path.read_bytes(), shown)


def read_pack_bytes(raw: bytes, shown: str) -> tuple[PackFile | None, list[Problem]]:
    """Parses a file's content (named `shown` in problems), as read_pack_file does."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(shown, line, "", f"not UTF-8 text (byte {exc.start})")]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [Problem(shown, line, "", "binary data (NUL byte) in a text file")]
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, [Problem(shown, 1, "", "must start with a '---' line (YAML front matter)")]
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        return None, [Problem(shown, 1, "", "front matter is not closed by a '---' line")]
    return _parse_yaml(shown, "\n".join(lines[1:end]), lines, end)


def _parse_yaml(shown: str, source: str, lines: list[str], end: int):
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
        meta = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 2
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(shown, line, "", f"YAML: {reason}")]
    if not isinstance(meta, dict):
        return None, [Problem(shown, 2, "", "front matter must be a mapping of fields")]
    body = "\n".join(lines[end + 1:]).strip("\n")
    doc = PackFile(shown, meta, _key_lines(node), body, end + 2)
    return doc, []


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    """Maps each top-level key, and each item of a list value, to its 1-based line."""
    found: dict[str, int] = {}
    if not isinstance(node, yaml.MappingNode):
        return found
    for key_node, value_node in node.value:
        key = str(key_node.value)
        found[key] = key_node.start_mark.line + 2  # +1 for 1-based, +1 for the '---'
        if isinstance(value_node, yaml.SequenceNode):
            for i, item in enumerate(value_node.value):
                found[f"{key}[{i}]"] = item.start_mark.line + 2
    return found
