"""Checks a pack against FORMAT.md and turns valid practices into drafts.

Every problem names file, line and field. A broken practice is left out; the rest of
the pack still loads.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import phonenumbers

from content.drafts import FACT_FIELDS, TEMPLATE_FIELDS, FaqDraft, PracticeDraft, TranslationDraft
from content.frontmatter import PackFile, Problem, read_pack_bytes
from content.languages import LANGUAGE_CODES, SECTORS, STATUSES, TOPICS

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL = re.compile(r"^https?://\S+$")
COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS)
EN_KEYS = {"title", "reviewed", "snippets", "faq", *TEMPLATE_FIELDS, *FACT_FIELDS}
TR_KEYS = {"title", "reviewed", "snippets", "faq", "translated_from", *TEMPLATE_FIELDS}
LATIN_LIMIT, OTHER_LIMIT = 240, 110


def load_pack(root: Path) -> tuple[list[PracticeDraft], list[Problem]]:
    """Reads every practice folder under `root` (a pack folder)."""
    drafts, problems = [], []
    if not root.is_dir():
        return [], [Problem(str(root), 0, "", "not a folder")]
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        draft, found = load_practice(folder, pack=root.name)
        problems += found
        if draft is not None and not any(not p.warning for p in found):
            drafts.append(draft)
    return drafts, problems


def load_practice(folder: Path, pack: str) -> tuple[PracticeDraft | None, list[Problem]]:
    """Reads one practice folder: en.md and its translations."""
    files = {path.name: path.read_bytes() for path in sorted(folder.glob("*.md"))}
    return load_files(folder.name, pack, files, shown=f"{folder.parent.name}/{folder.name}")


def load_files(slug: str, pack: str, files: dict[str, bytes | str],
               shown: str | None = None) -> tuple[PracticeDraft | None, list[Problem]]:
    """Checks one practice given as its files' contents ({"en.md": ..., "km.md": ...}),
    as if read from `<pack>/<slug>/`: the console's editor validates with this, so its
    messages are the ones `peerlearn content validate` gives."""
    shown = shown or f"{pack}/{slug}"
    if not SLUG.match(slug):
        return None, [Problem(shown, 0, "", "folder name must be a slug like 'sri-cambodia'")]
    problems: list[Problem] = []
    for name in sorted(files):
        if Path(name).stem not in LANGUAGE_CODES:
            problems.append(Problem(f"{shown}/{name}", 0, "",
                                    f"'{Path(name).stem}' is not one of "
                                    f"{', '.join(LANGUAGE_CODES)}"))
    if "en.md" not in files:
        return None, problems + [Problem(f"{shown}/en.md", 0, "", "every practice needs en.md")]
    doc, found = read_pack_bytes(_bytes(files["en.md"]), f"{shown}/en.md")
    problems += found
    if doc is None:
        return None, problems
    problems += _check_english(doc)
    draft = _practice(doc, slug, pack)
    draft.translations["en"] = _translation(doc, "en", problems)
    for name in sorted(files):
        lang = Path(name).stem
        if lang in LANGUAGE_CODES and lang != "en":
            tdoc, found = read_pack_bytes(_bytes(files[name]), f"{shown}/{name}")
            problems += found
            if tdoc is not None:
                problems += _check_keys(tdoc, TR_KEYS)
                draft.translations[lang] = _translation(tdoc, lang, problems)
    return draft, problems


def _bytes(content: bytes | str) -> bytes:
    return content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content


def _check_english(doc: PackFile) -> list[Problem]:
    m, out = doc.meta, _check_keys(doc, EN_KEYS)

    def bad(key: str, message: str) -> None:
        out.append(Problem(doc.path, doc.line(key), key, message))

    for key in ("organisation", *TEMPLATE_FIELDS):
        if not _text(m.get(key)):
            bad(key, "required text is missing or empty")
    if not isinstance(m.get("country"), str) or m.get("country") not in COUNTRIES:
        bad("country", f"{m.get('country')!r} is not an ISO 3166 two-letter country code")
    _check_vocabulary(doc, "topics", TOPICS, 1, 4, out)
    _check_vocabulary(doc, "sectors", SECTORS, 1, 3, out)
    if m.get("status") not in STATUSES:
        bad("status", f"must be one of {', '.join(STATUSES)}")
    sources = m.get("sources")
    if not isinstance(sources, list) or not sources:
        bad("sources", "at least one source is required")
    else:
        for i, src in enumerate(sources):
            if not isinstance(src, dict) or not _text(src.get("title")) \
                    or not URL.match(str(src.get("url", ""))):
                out.append(Problem(doc.path, doc.line("sources", i), "sources",
                                   f"item {i + 1} needs a title and an http(s) url"))
    return out


def _check_keys(doc: PackFile, allowed: set[str]) -> list[Problem]:
    out = []
    for key in doc.meta:
        if key not in allowed:
            hint = " (facts live only in en.md)" if key in FACT_FIELDS else ""
            out.append(Problem(doc.path, doc.line(str(key)), str(key), f"unknown field{hint}"))
    return out


def _check_vocabulary(doc, key, vocabulary, low, high, out) -> None:
    values = doc.meta.get(key)
    if not isinstance(values, list) or not low <= len(values) <= high:
        out.append(Problem(doc.path, doc.line(key), key, f"a list of {low} to {high} items"))
        return
    for value in values:
        if value not in vocabulary:
            out.append(Problem(doc.path, doc.line(key), key, f"{value!r} is not in the list"))


def _translation(doc: PackFile, lang: str, out: list[Problem]) -> TranslationDraft:
    m = doc.meta
    if not _text(m.get("title")):
        out.append(Problem(doc.path, doc.line("title"), "title", "required text is missing"))
    if not isinstance(m.get("reviewed"), bool):
        out.append(Problem(doc.path, doc.line("reviewed"), "reviewed", "must be true or false"))
    return TranslationDraft(
        lang=lang, title=_nfc(m.get("title")), reviewed=m.get("reviewed") is True,
        snippets=_snippets(doc, out), faq=_faq(doc, out), body=_nfc(doc.body),
        translated_from=m.get("translated_from") if lang != "en" else None,
        template={k: _nfc(m[k]) for k in TEMPLATE_FIELDS if _text(m.get(k))},
    )


def _snippets(doc: PackFile, out: list[Problem]) -> list[str]:
    items = doc.meta.get("snippets")
    if not isinstance(items, list) or not 1 <= len(items) <= 8:
        out.append(Problem(doc.path, doc.line("snippets"), "snippets", "a list of 1 to 8 texts"))
        return []
    texts = []
    for i, item in enumerate(items):
        line = doc.line("snippets", i)
        if not _text(item):
            out.append(Problem(doc.path, line, "snippets", f"item {i + 1} is empty or not text"))
            continue
        text = _nfc(item)
        limit = LATIN_LIMIT if _latin(text) else OTHER_LIMIT
        if len(text) > limit:
            out.append(Problem(doc.path, line, "snippets", f"item {i + 1} has {len(text)} "
                               f"characters; keep it within {limit} to fit two SMS", warning=True))
        texts.append(text)
    return texts


def _faq(doc: PackFile, out: list[Problem]) -> list[FaqDraft]:
    items = doc.meta.get("faq") or []
    pairs = []
    for i, item in enumerate(items if isinstance(items, list) else [None]):
        if not isinstance(item, dict) or not _text(item.get("q")) or not _text(item.get("a")):
            out.append(Problem(doc.path, doc.line("faq", i), "faq", f"item {i + 1} needs q and a"))
            continue
        pairs.append(FaqDraft(q=_nfc(item["q"]), a=_nfc(item["a"])))
    return pairs


def _practice(doc: PackFile, slug: str, pack: str) -> PracticeDraft:
    m = doc.meta
    return PracticeDraft(
        slug=slug, pack=pack, country=str(m.get("country")), status=str(m.get("status")),
        organisation=_nfc(m.get("organisation")), topics=list(m.get("topics") or []),
        sectors=list(m.get("sectors") or []),
        sources=[dict(s) for s in m.get("sources") or [] if isinstance(s, dict)],
    )


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _nfc(value) -> str:
    return unicodedata.normalize("NFC", value.strip()) if isinstance(value, str) else ""


def _latin(text: str) -> bool:
    """Latin-script text (no Vietnamese diacritics) travels as GSM-7 and gets more room."""
    return all(ord(ch) < 0x180 for ch in text)
