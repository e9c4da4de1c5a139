"""A small valid practice to build broken packs from, and a writer for pack folders."""

from __future__ import annotations

from pathlib import Path

# Line numbers in the comments on the right are those validate must report.
EN_TEMPLATE = """\
---
title: Seed saving circle
country: KH
organisation: Example Farmers Group
topics: [seeds, farming]
sectors: [agriculture]
status: published
reviewed: true
cooperation: Farmers and a local NGO worked together.
approach: Members keep and swap their best seed.
shared_across_borders: Visitors from Laos came to learn.
shared_in_country: Neighbouring villages copied it.
results: Thirty households save their own seed.
sources:
  - title: Seed circles
    publisher: Example
    url: https://example.org/seed
  - title: Second source
    url: https://example.org/second
snippets:
  - Farmers keep their best seed.
  - They swap it at a yearly fair.
faq:
  - q: Is it hard?
    a: No, it takes one afternoon.
---
A short article about the seed circle.
"""
# 1 ---, 2 title, 3 country, 4 organisation, 5 topics, 6 sectors, 7 status, 8 reviewed,
# 9-13 template fields, 14 sources, 15 source 1, 18 source 2 (19 its url), 20 snippets,
# 21 snippet 1, 22 snippet 2, 23 faq, 24 faq 1 (25 its answer), 26 ---, 27 body.

KM_TEMPLATE = """\
---
title: រង្វង់រក្សាទុកគ្រាប់ពូជ
reviewed: false
translated_from: en
snippets:
  - កសិកររក្សាទុកគ្រាប់ពូជល្អបំផុត។
---
"""


def swap(text: str, old: str, new: str) -> str:
    """Replaces exactly one occurrence, so a drifting template fails loudly."""
    assert text.count(old) == 1, f"{old!r} must occur once in the template"
    return text.replace(old, new)


def write_practice(pack: Path, slug: str, files: dict[str, str | bytes]) -> Path:
    """Writes one practice folder under `pack`; returns the pack folder."""
    folder = pack / slug
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / name).write_bytes(data)
    return pack
