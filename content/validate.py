"""Checks a pack against FORMAT.md and turns valid practices into drafts.

Every problem names file, line and field. A broken practice is left out; the rest of
the pack still loads.
"""

from __future__ import annotations

import re
from pathlib import Path

from content.checks import (
    TR_KEYS,
    check_facts,
    check_keys,
    is_member_practice,
    nfc,
    translation,
)
from content.drafts import FACT_FIELDS, PracticeDraft
from content.frontmatter import PackFile, Problem, read_pack_bytes
from content.languages import LANGUAGE_CODES

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def load_pack(root: Path) -> tuple[list[PracticeDraft], list[Problem]]:
    """Reads every practice folder under `root` (a pack folder)."""
    drafts, problems = [], []
    if not root.is_dir():
        return [], [Problem(str(root), 0, "", "not a folder")]
    folders = sorted(p for p in root.iterdir() if p.is_dir())
    if not folders or (root / "en.md").is_file():
        return [], [_not_a_pack(root)]
    for folder in folders:
        draft, found = load_practice(folder, pack=root.name)
        problems += found
        if draft is not None and not any(not p.warning for p in found):
            drafts.append(draft)
    return drafts, problems


def _not_a_pack(root: Path) -> Problem:
    """What an empty or wrong folder given as a pack is."""
    if (root / "en.md").is_file():
        return Problem(str(root), 0, "", "this is a practice folder; give the pack that "
                       f"holds it ({root.parent})")
    return Problem(str(root), 0, "", "no practice folders here: a pack is a folder of "
                   "practice folders, each with an en.md (content/packs/FORMAT.md)")


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
    docs: dict[str, PackFile] = {}
    for name in sorted(files, key=lambda n: (n != "en.md", n)):
        lang = Path(name).stem
        if lang not in LANGUAGE_CODES:
            problems.append(Problem(f"{shown}/{name}", 0, "", f"'{lang}' is not one of "
                                    f"{', '.join(LANGUAGE_CODES)}"))
            continue
        doc, found = read_pack_bytes(_bytes(files[name]), f"{shown}/{name}")
        problems += found
        if doc is None and lang == "en":
            return None, problems
        if doc is not None:
            docs[lang] = doc
    main = _main_file(docs, shown, problems)
    if main is None:
        return None, problems
    return _draft(docs, main, slug, pack, problems), problems


def _main_file(docs: dict[str, PackFile], shown: str, problems: list[Problem]) -> str | None:
    """The language whose file holds the facts: en.md, or, for a practice a member
    documented without English, the one language file that carries facts."""
    if "en" in docs:
        return "en"
    with_facts = [lang for lang, doc in docs.items() if set(doc.meta) & set(FACT_FIELDS)]
    if len(with_facts) == 1 and is_member_practice(docs[with_facts[0]].meta):
        return with_facts[0]
    problems.append(Problem(f"{shown}/en.md", 0, "", "every practice needs en.md (only a "
                            "practice a member documented keeps its facts in its language's "
                            "file)"))
    return None


def _draft(docs: dict[str, PackFile], main: str, slug: str, pack: str,
           problems: list[Problem]) -> PracticeDraft:
    doc = docs[main]
    problems += check_facts(doc)
    live = doc.meta.get("status") == "published"
    member = is_member_practice(doc.meta)
    draft = _practice(doc, slug, pack)
    draft.translations[main] = translation(doc, main, problems, live=live,
                                           untitled_ok=member and not live)
    for lang, tdoc in docs.items():
        if lang != main:
            problems += check_keys(tdoc, TR_KEYS, main)
            draft.translations[lang] = translation(tdoc, lang, problems, live=live)
    draft.translations = dict(sorted(draft.translations.items(),
                                     key=lambda item: (item[0] != main, item[0])))
    return draft


def _bytes(content: bytes | str) -> bytes:
    return content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content


def _practice(doc: PackFile, slug: str, pack: str) -> PracticeDraft:
    m = doc.meta
    visitors = m.get("visitors_welcome")
    return PracticeDraft(
        slug=slug, pack=pack, country=str(m.get("country") or ""),
        status=str(m.get("status")), organisation=nfc(m.get("organisation")),
        topics=list(m.get("topics") or []), sectors=list(m.get("sectors") or []),
        sources=[dict(s) for s in m.get("sources") or [] if isinstance(s, dict)],
        contributor=m.get("contributor") if type(m.get("contributor")) is int else None,
        visitors_welcome=visitors if isinstance(visitors, bool) else None,
        media=[dict(x) for x in m.get("media") or [] if isinstance(x, dict)],
    )
