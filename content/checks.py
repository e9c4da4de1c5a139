"""The field checks of a pack file (FORMAT.md): facts, texts, snippets, FAQ, review marks.

Every check appends Problems (file, line, field, message) and never raises, so that
validation names every problem at once. What is required depends on the practice: a
published one needs everything members are told; a draft, one in review or an archived
one may still lack topics, snippets and texts; a practice a member documented (SHARE)
needs less than an edited one (FORMAT.md, "Practices documented by members").
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import phonenumbers

from content.drafts import FACT_FIELDS, TEMPLATE_FIELDS, FaqDraft, TranslationDraft
from content.frontmatter import PackFile, Problem
from content.languages import SECTORS, STATUSES, TOPICS

URL = re.compile(r"^https?://\S+$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS)
REVIEW_KEYS = {"reviewed_by", "reviewed_on"}
SNIPPETS = (1, 8)  # how many snippets a file may have (FORMAT.md says the same)
MAIN_KEYS = {"title", "reviewed", "snippets", "faq", "keywords", *TEMPLATE_FIELDS,
             *FACT_FIELDS, *REVIEW_KEYS}
TR_KEYS = {"title", "reviewed", "snippets", "faq", "keywords", "translated_from",
           *TEMPLATE_FIELDS, *REVIEW_KEYS}
LATIN_LIMIT, OTHER_LIMIT = 240, 110
KEYWORDS = 40  # keywords a file may have
KEYWORD_CHARS = 60  # a keyword is a word or a short phrase, not a sentence
INTERVIEW = "interview"


def is_member_practice(meta: dict) -> bool:
    """Whether the facts say a member documented the practice (SHARE)."""
    sources = meta.get("sources")
    first = sources[0] if isinstance(sources, list) and sources else None
    return meta.get("contributor") is not None or (
        isinstance(first, dict) and first.get("kind") == INTERVIEW)


def check_facts(doc: PackFile) -> list[Problem]:
    """The facts of the practice's main file (en.md, or a member's language file)."""
    m, out = doc.meta, check_keys(doc, MAIN_KEYS)
    live, member = m.get("status") == "published", is_member_practice(m)

    def bad(key: str, message: str) -> None:
        out.append(Problem(doc.path, doc.line(key), key, message))

    if live and not member:
        for key in ("organisation", *TEMPLATE_FIELDS):
            if not is_text(m.get(key)):
                bad(key, "required text is missing or empty")
    if "country" in m or not member:
        if not isinstance(m.get("country"), str) or m.get("country") not in COUNTRIES:
            bad("country", f"{m.get('country')!r} is not an ISO 3166 two-letter country code")
    _vocabulary(doc, "topics", TOPICS, 4, required=live, out=out)
    _vocabulary(doc, "sectors", SECTORS, 3, required=live and not member, out=out)
    if m.get("status") not in STATUSES:
        bad("status", f"must be one of {', '.join(STATUSES)}")
    _sources(doc, member, out)
    _member_facts(doc, out)
    return out


def _sources(doc: PackFile, member: bool, out: list[Problem]) -> None:
    sources = doc.meta.get("sources")
    if sources is None and member:
        return
    if not isinstance(sources, list) or not sources:
        out.append(Problem(doc.path, doc.line("sources"), "sources",
                           "at least one source is required"))
        return
    for i, src in enumerate(sources):
        interview = isinstance(src, dict) and src.get("kind") == INTERVIEW
        if interview and i == 0:
            continue
        if not isinstance(src, dict) or not is_text(src.get("title")) \
                or not URL.match(str(src.get("url", ""))):
            out.append(Problem(doc.path, doc.line("sources", i), "sources",
                               f"item {i + 1} needs a title and an http(s) url"))


def _member_facts(doc: PackFile, out: list[Problem]) -> None:
    m = doc.meta
    contributor = m.get("contributor")
    if contributor is not None and (type(contributor) is not int or contributor < 1):
        out.append(Problem(doc.path, doc.line("contributor"), "contributor",
                           "must be a member's number"))
    if "visitors_welcome" in m and not isinstance(m["visitors_welcome"], bool):
        out.append(Problem(doc.path, doc.line("visitors_welcome"), "visitors_welcome",
                           "must be true or false"))
    media = m.get("media", [])
    items = media if isinstance(media, list) else [None]
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not is_text(item.get("telegram_file_id")):
            out.append(Problem(doc.path, doc.line("media", i), "media",
                               f"item {i + 1} needs a telegram_file_id"))


def check_keys(doc: PackFile, allowed: set[str], main: str = "en") -> list[Problem]:
    """A problem for every key the file may not carry (`main`: the file with the facts)."""
    out = []
    for key in doc.meta:
        if key not in allowed:
            hint = f" (facts live only in {main}.md)" if key in FACT_FIELDS else ""
            out.append(Problem(doc.path, doc.line(str(key)), str(key), f"unknown field{hint}"))
    return out


def _vocabulary(doc, key, vocabulary, high, *, required: bool, out: list[Problem]) -> None:
    values = doc.meta.get(key)
    if not required and values in (None, []):
        return
    low = 1
    if not isinstance(values, list) or not low <= len(values) <= high:
        out.append(Problem(doc.path, doc.line(key), key, f"a list of {low} to {high} items"))
        return
    for value in values:
        if value not in vocabulary:
            out.append(Problem(doc.path, doc.line(key), key, f"{value!r} is not in the list"))


def translation(doc: PackFile, lang: str, out: list[Problem], *, live: bool,
                untitled_ok: bool = False) -> TranslationDraft:
    """One file's texts; `live`: the practice is published (its snippets are required),
    `untitled_ok`: the member has not named the practice yet."""
    m = doc.meta
    if not is_text(m.get("title")) and not (untitled_ok and m.get("title") in (None, "")):
        out.append(Problem(doc.path, doc.line("title"), "title", "required text is missing"))
    if not isinstance(m.get("reviewed"), bool):
        out.append(Problem(doc.path, doc.line("reviewed"), "reviewed", "must be true or false"))
    by, on = _review_mark(doc, out)
    return TranslationDraft(
        lang=lang, title=nfc(m.get("title")), reviewed=m.get("reviewed") is True,
        snippets=_snippets(doc, out, required=live), faq=_faq(doc, out), body=nfc(doc.body),
        keywords=_keywords(doc, out),
        translated_from=m.get("translated_from") if lang != "en" else None,
        template={k: nfc(m[k]) for k in TEMPLATE_FIELDS if is_text(m.get(k))},
        reviewed_by=by, reviewed_on=on)


def _review_mark(doc: PackFile, out: list[Problem]) -> tuple[str | None, str | None]:
    """Who reviewed the text and on which day (YAML reads an unquoted day as a date)."""
    m = doc.meta
    by, on = m.get("reviewed_by"), m.get("reviewed_on")
    if by is not None and not is_text(by):
        out.append(Problem(doc.path, doc.line("reviewed_by"), "reviewed_by",
                           "must be the reviewer's name"))
        by = None
    if isinstance(on, date):
        on = on.isoformat()
    if on is not None and not (isinstance(on, str) and DAY.match(on)):
        out.append(Problem(doc.path, doc.line("reviewed_on"), "reviewed_on",
                           "must be a day like 2026-12-04"))
        on = None
    if (by or on) and m.get("reviewed") is not True:
        key = "reviewed_by" if by else "reviewed_on"
        out.append(Problem(doc.path, doc.line(key), key, "only for a text marked reviewed"))
    return (nfc(by) or None) if by else None, on


def _snippets(doc: PackFile, out: list[Problem], *, required: bool) -> list[str]:
    items = doc.meta.get("snippets")
    if not required and items in (None, []):
        return []
    fewest, most = SNIPPETS
    if not isinstance(items, list) or not fewest <= len(items) <= most:
        out.append(Problem(doc.path, doc.line("snippets"), "snippets",
                           f"a list of {fewest} to {most} texts"))
        return []
    texts = []
    for i, item in enumerate(items):
        line = doc.line("snippets", i)
        if not is_text(item):
            out.append(Problem(doc.path, line, "snippets", f"item {i + 1} is empty or not text"))
            continue
        text = nfc(item)
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
        if not isinstance(item, dict) or not is_text(item.get("q")) or not is_text(item.get("a")):
            out.append(Problem(doc.path, doc.line("faq", i), "faq", f"item {i + 1} needs q and a"))
            continue
        answer_id, credit = item.get("answer_id"), item.get("attribution")
        if (answer_id is not None and (type(answer_id) is not int or answer_id < 1)) or (
                credit is not None and not is_text(credit)):
            out.append(Problem(doc.path, doc.line("faq", i), "faq", f"item {i + 1}: answer_id "
                               "must be an answer's number and attribution a name"))
            continue
        pairs.append(FaqDraft(q=nfc(item["q"]), a=nfc(item["a"]), answer_id=answer_id,
                              attribution=nfc(credit) or None))
    return pairs


def _keywords(doc: PackFile, out: list[Problem]) -> list[str]:
    """Words or short phrases, each once (a repeat is dropped with a warning)."""
    items = doc.meta.get("keywords")
    if items is None:
        return []
    if not isinstance(items, list) or len(items) > KEYWORDS:
        out.append(Problem(doc.path, doc.line("keywords"), "keywords",
                           f"a list of at most {KEYWORDS} words or short phrases"))
        return []
    found: dict[str, str] = {}
    for i, item in enumerate(items):
        line = doc.line("keywords", i)
        if not isinstance(item, str | int | float) or isinstance(item, bool) \
                or not str(item).strip():
            out.append(Problem(doc.path, line, "keywords", f"item {i + 1} is empty or not text"))
            continue
        word = nfc(str(item))
        if len(word) > KEYWORD_CHARS or "\n" in word:
            out.append(Problem(doc.path, line, "keywords", f"item {i + 1} has {len(word)} "
                               f"characters; a keyword is at most {KEYWORD_CHARS} on one line"))
        elif word.casefold() in found:
            out.append(Problem(doc.path, line, "keywords", f"item {i + 1} repeats "
                               f"{found[word.casefold()]!r}", warning=True))
        else:
            found[word.casefold()] = word
    return list(found.values())


def is_text(value) -> bool:
    """A non-blank string."""
    return isinstance(value, str) and bool(value.strip())


def nfc(value) -> str:
    """Stripped NFC text ("" for anything that is not a string)."""
    return unicodedata.normalize("NFC", value.strip()) if isinstance(value, str) else ""


def _latin(text: str) -> bool:
    """Latin-script text (no Vietnamese diacritics) travels as GSM-7 and gets more room."""
    return all(ord(ch) < 0x180 for ch in text)
