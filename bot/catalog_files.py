"""Writing reviewed texts back into the gettext files of bot/locale.

Babel reads these files, but writing one back with Babel would not give the same bytes:
it rewrites the header with fields of its own and wraps long lines, so every export
would touch every line. Only the entries that change are rewritten here: an entry's
`msgstr` (as one line, escaped as Babel escapes) and its `#, fuzzy` flag; every other
byte of the file stays as it was. A key the file lacks is appended at its end. What was
written is read back with Babel before the file is replaced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from babel.messages.pofile import escape, read_po, unescape

from bot.catalog import LOCALE_DIR, Override

_BLANK = re.compile(r"^\s*$")


@dataclass(frozen=True)
class Change:
    """What the export did to one entry."""

    path: Path
    key: str
    what: str  # "text", "reviewed", "text, reviewed", "draft", "added" ...

    def __str__(self) -> str:
        return f"{self.path}: {self.key} ({self.what})"


def path_of(folder: str, lang: str, root: Path = LOCALE_DIR) -> Path:
    """The file of a language in a flow folder ("" = the core file)."""
    return (root / folder if folder else root) / f"{lang}.po"


def update(path: Path, overrides: Iterable[Override], *, write: bool = True) -> list[Change]:
    """Makes the file's entries say what the overrides say; returns what changed."""
    wanted = {o.key: o for o in overrides}
    source = path.read_text(encoding="utf-8") if path.exists() else _header(path)
    blocks = _blocks(source)
    changes: list[Change] = []
    missing = dict(wanted)
    for i, block in enumerate(blocks):
        key = _msgid(block)
        if key in missing:
            blocks[i], what = _rewrite(block, missing.pop(key))
            if what:
                changes.append(Change(path, key, what))
    for key, override in missing.items():
        blocks.append(_separator(blocks) + _entry(override))
        changes.append(Change(path, key, "added" + ("" if override.reviewed else ", draft")))
    if changes and write:
        text = "".join(blocks)
        _verify(text, {c.key for c in changes}, wanted)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return changes


def _separator(blocks: list[str]) -> str:
    """What goes before an appended entry: enough newlines for one blank line."""
    last = blocks[-1] if blocks else "\n\n"
    return "" if last.endswith("\n\n") else "\n" if last.endswith("\n") else "\n\n"


def _blocks(text: str) -> list[str]:
    """The file cut into pieces that join back to it: each entry with the blank lines
    after it is one piece (comments before the first entry belong to it)."""
    blocks: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        if current and not _BLANK.match(line) and _BLANK.match(current.splitlines()[-1]):
            blocks.append(current)
            current = ""
        current += line
    if current:
        blocks.append(current)
    return blocks


def _msgid(block: str) -> str | None:
    """The entry's message id (None for the header)."""
    return _field(block.splitlines(), "msgid") or None


def _field(lines: list[str], name: str) -> str | None:
    """A field's value, joined from its line and the quoted lines that continue it."""
    for n, line in enumerate(lines):
        if line.startswith(name + " "):
            parts = [line[len(name) + 1:].strip()]
            for following in lines[n + 1:]:
                if not following.startswith('"'):
                    break
                parts.append(following.strip())
            return "".join(unescape(p) for p in parts)
    return None


def _rewrite(block: str, override: Override) -> tuple[str, str]:
    """The block with the override's text and flag; and what changed ("" if nothing)."""
    lines = block.splitlines(keepends=True)
    what = []
    current = _field([line.rstrip("\n") for line in lines], "msgstr")
    if current != override.text:
        lines = _replace_msgstr(lines, override.text)
        what.append("text")
    draft = any("fuzzy" in _flags(line) for line in lines)
    if draft and override.reviewed:
        lines = _set_fuzzy(lines, False)
        what.append("reviewed")
    elif not draft and not override.reviewed:
        lines = _set_fuzzy(lines, True)
        what.append("draft")
    return "".join(lines), ", ".join(what)


def _flags(line: str) -> list[str]:
    if not line.startswith("#,"):
        return []
    return [flag.strip() for flag in line[2:].split(",") if flag.strip()]


def _replace_msgstr(lines: list[str], text: str) -> list[str]:
    start = next(n for n, line in enumerate(lines) if line.startswith("msgstr "))
    end = start + 1
    while end < len(lines) and lines[end].startswith('"'):
        end += 1
    ending = "\n" if lines[end - 1].endswith("\n") else ""
    return lines[:start] + [f"msgstr {escape(text)}{ending}"] + lines[end:]


def _set_fuzzy(lines: list[str], fuzzy: bool) -> list[str]:
    """Adds or removes the fuzzy flag, keeping any other flag on its line."""
    out: list[str] = []
    flagged = any(_flags(line) for line in lines)
    for line in lines:
        flags = _flags(line)
        if flags:
            kept = [f for f in flags if f != "fuzzy"] + (["fuzzy"] if fuzzy else [])
            if kept:
                out.append("#, " + ", ".join(kept) + "\n")
            continue
        if fuzzy and not flagged and line.startswith(("msgctxt ", "msgid ")):
            out.append("#, fuzzy\n")
            flagged = True
        out.append(line)
    return out


def _entry(override: Override) -> str:
    flag = "" if override.reviewed else "#, fuzzy\n"
    return f"{flag}msgid {escape(override.key)}\nmsgstr {escape(override.text)}\n"


def _header(path: Path) -> str:
    return (f'msgid ""\nmsgstr ""\n"Language: {path.stem}\\n"\n'
            '"Content-Type: text/plain; charset=UTF-8\\n"\n\n')


def _verify(text: str, keys: set[str], wanted: dict[str, Override]) -> None:
    """Reads the new file with Babel: each changed key must say what was asked."""
    catalog = read_po(BytesIO(text.encode("utf-8")))
    for key in keys:
        message = catalog.get(key)
        override = wanted[key]
        if message is None or message.string != override.text \
                or message.fuzzy == override.reviewed:
            raise ValueError(f"writing {key!r} did not give what was asked; file left as is")
