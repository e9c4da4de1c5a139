"""A practice's article (Markdown) as the manual's paragraphs: plain text, one string
per paragraph, list item or heading. Lists keep their bullets or numbers, links their
address in brackets (a printed page cannot be clicked), emphasis and code marks are
dropped, raw HTML is kept as text (the manual escapes it). Parsed by markdown-it-py
(CommonMark) rather than split on blank lines, which printed "- " and "**" as written."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

BULLET = "•"


def paragraphs(text: str | None) -> tuple[str, ...]:
    """The article's blocks as plain-text paragraphs, in order."""
    if not text or not text.strip():
        return ()
    found: list[str] = []
    lists: list[list[int]] = []  # per open list: [next number] (ordered) or [] (bullets)
    prefix = ""
    for token in MarkdownIt("commonmark").parse(text):
        if token.type == "bullet_list_open":
            lists.append([])
        elif token.type == "ordered_list_open":
            lists.append([int(token.attrGet("start") or 1)])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            prefix = _marker(lists[-1]) + " "
        elif token.type == "inline":
            line = _plain(token.children or []).strip()
            if line:
                found.append(prefix + line)
            prefix = ""
        elif token.type in ("fence", "code_block", "html_block") and token.content.strip():
            found.append(" ".join(token.content.split()))
    return tuple(found)


def _marker(numbered: list[int]) -> str:
    if not numbered:
        return BULLET
    numbered[0] += 1
    return f"{numbered[0] - 1}."


def _plain(children: list[Token]) -> str:
    out: list[str] = []
    links: list[tuple[str, int]] = []  # (address, where its text starts in out)
    for child in children:
        if child.type in ("text", "code_inline", "html_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.append(child.content)  # its alt text
        elif child.type == "link_open":
            links.append((str(child.attrGet("href") or ""), len(out)))
        elif child.type == "link_close" and links:
            href, start = links.pop()
            if href and "".join(out[start:]).strip() != href:
                out.append(f" ({href})")
    return "".join(out)
