"""Pack validation: every broken file is named with its file, line and field; the bundled
pack is complete and valid."""

from __future__ import annotations

import re

import pytest

from content.checks import SNIPPETS
from content.languages import LANGUAGE_CODES
from content.validate import load_pack
from peerlearn.settings import BUNDLED_PACKS
from tests.content.helpers import EN_TEMPLATE, KM_TEMPLATE, swap, write_practice

EN = "pack/seed-circle/en.md"
KM = "pack/seed-circle/km.md"
T = EN_TEMPLATE

AFTER_FAQ = "    a: No, it takes one afternoon.\n"  # line 25; `keywords:` then comes at 26
KM_KEYWORDS = swap(KM_TEMPLATE, "reviewed: false", "reviewed: false\nkeywords: [ធនាគារពូជ]")


def keywords(*items: str) -> str:
    """The template with a `keywords:` list after the FAQ."""
    return swap(T, AFTER_FAQ, AFTER_FAQ + "keywords:\n" + "".join(f"  - {i}\n" for i in items))


BAD_BYTES = swap(T, "Example Farmers", "Example \udcffFarmers").encode("utf-8", "surrogateescape")
BAD_OFFSET = BAD_BYTES.index(b"\xff")
NUL_BYTES = swap(T, "sectors: [agriculture]", "sectors: [agri\x00culture]").encode("utf-8")
LONG_EN = "Seed " * 60  # 300 Latin characters
LONG_KM = "ក" * 120

# id, slug, files, expected problems as (path, line, field, message fragment, warning), valid
CASES = [
    ("valid-template", "seed-circle", {"en.md": T, "km.md": KM_TEMPLATE}, [], True),
    ("no-front-matter", "seed-circle", {"en.md": T.removeprefix("---\n")},
     [(EN, 1, "", "must start with a '---' line (YAML front matter)", False)], False),
    ("front-matter-not-closed", "seed-circle",
     {"en.md": swap(T, "---\nA short article", "A short article")},
     [(EN, 1, "", "front matter is not closed by a '---' line", False)], False),
    ("yaml-syntax-error", "seed-circle",
     {"en.md": swap(T, "results: Thirty households", "results: Thirty: households")},
     [(EN, 13, "", "YAML: mapping values are not allowed here", False)], False),
    ("unknown-topic", "seed-circle",
     {"en.md": swap(T, "topics: [seeds, farming]", "topics: [seeds, gardening]")},
     [(EN, 5, "topics", "'gardening' is not in the list", False)], False),
    ("too-many-topics", "seed-circle",
     {"en.md": swap(T, "topics: [seeds, farming]",
                    "topics: [seeds, farming, women, policy, tourism]")},
     [(EN, 5, "topics", "a list of 1 to 4 items", False)], False),
    ("bad-country", "seed-circle", {"en.md": swap(T, "country: KH", "country: XX")},
     [(EN, 3, "country", "'XX' is not an ISO 3166 two-letter country code", False)], False),
    ("country-as-list", "seed-circle", {"en.md": swap(T, "country: KH", "country: [KH]")},
     [(EN, 3, "country", "['KH'] is not an ISO 3166", False)], False),
    ("status-not-in-list", "seed-circle",
     {"en.md": swap(T, "status: published", "status: finished")},
     [(EN, 7, "status", "must be one of draft, review, published, archived", False)], False),
    ("missing-template-field", "seed-circle",
     {"en.md": swap(T, "shared_across_borders: Visitors from Laos came to learn.\n", "")},
     [(EN, 1, "shared_across_borders", "required text is missing or empty", False)], False),
    ("empty-template-field", "seed-circle",
     {"en.md": swap(T, "results: Thirty households save their own seed.", 'results: " "')},
     [(EN, 13, "results", "required text is missing or empty", False)], False),
    ("source-without-url", "seed-circle",
     {"en.md": swap(T, "    url: https://example.org/second\n", "")},
     [(EN, 18, "sources", "item 2 needs a title and an http(s) url", False)], False),
    ("source-with-ftp-url", "seed-circle",
     {"en.md": swap(T, "url: https://example.org/seed", "url: ftp://example.org/seed")},
     [(EN, 15, "sources", "item 1 needs a title and an http(s) url", False)], False),
    ("empty-snippet", "seed-circle",
     {"en.md": swap(T, "  - They swap it at a yearly fair.", '  - ""')},
     [(EN, 22, "snippets", "item 2 is empty or not text", False)], False),
    ("snippet-too-long-is-a-warning", "seed-circle",
     {"en.md": swap(T, "  - Farmers keep their best seed.", f"  - {LONG_EN}")},
     [(EN, 21, "snippets", "item 1 has 299 characters; keep it within 240", True)], True),
    ("khmer-snippet-over-110-is-a-warning", "seed-circle",
     {"en.md": T, "km.md": swap(KM_TEMPLATE, "  - កសិករ", f"  - {LONG_KM}\n  - កសិករ")},
     [(KM, 6, "snippets", "item 1 has 120 characters; keep it within 110", True)], True),
    ("translation-repeats-a-fact", "seed-circle",
     {"en.md": T, "km.md": swap(KM_TEMPLATE, "reviewed: false", "country: KH\nreviewed: false")},
     [(KM, 3, "country", "unknown field (facts live only in en.md)", False)], False),
    ("unsupported-language-file", "seed-circle", {"en.md": T, "xx.md": KM_TEMPLATE},
     [("pack/seed-circle/xx.md", 0, "", "'xx' is not one of en, km, lo", False)], False),
    ("missing-en", "seed-circle", {"km.md": KM_TEMPLATE},
     [(EN, 0, "", "every practice needs en.md", False)], False),
    ("not-utf8", "seed-circle", {"en.md": BAD_BYTES},
     [(EN, 4, "", f"not UTF-8 text (byte {BAD_OFFSET})", False)], False),
    ("nul-byte", "seed-circle", {"en.md": NUL_BYTES},
     [(EN, 6, "", "binary data (NUL byte) in a text file", False)], False),
    ("folder-not-a-slug", "Seed_Circle", {"en.md": T},
     [("pack/Seed_Circle", 0, "", "folder name must be a slug like 'sri-cambodia'", False)],
     False),
    ("faq-item-without-answer", "seed-circle",
     {"en.md": swap(T, "    a: No, it takes one afternoon.\n", "")},
     [(EN, 24, "faq", "item 1 needs q and a", False)], False),
    ("keywords", "seed-circle", {"en.md": keywords("seed bank", "seed swap"),
                                 "km.md": KM_KEYWORDS}, [], True),
    ("keywords-not-a-list", "seed-circle", {"en.md": swap(T, AFTER_FAQ, AFTER_FAQ + "keywords: "
                                                          "seed bank\n")},
     [(EN, 26, "keywords", "a list of at most 40 words or short phrases", False)], False),
    ("keyword-empty", "seed-circle", {"en.md": keywords("seed bank", '""')},
     [(EN, 28, "keywords", "item 2 is empty or not text", False)], False),
    ("keyword-not-text", "seed-circle", {"en.md": keywords("seed bank", "{a: b}")},
     [(EN, 28, "keywords", "item 2 is empty or not text", False)], False),
    ("keyword-too-long", "seed-circle", {"en.md": keywords("seed " * 13)},
     [(EN, 27, "keywords", "item 1 has 64 characters; a keyword is at most 60", False)],
     False),
    ("too-many-keywords", "seed-circle", {"en.md": keywords(*(f"w{i}" for i in range(41)))},
     [(EN, 26, "keywords", "a list of at most 40", False)], False),
    ("keyword-repeated-is-a-warning", "seed-circle",
     {"en.md": keywords("Seed bank", "seed bank")},
     [(EN, 28, "keywords", "item 2 repeats 'Seed bank'", True)], True),
]


@pytest.mark.parametrize(("slug", "files", "expected", "valid"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_pack_names_file_line_and_field(tmp_path, slug, files, expected, valid):
    drafts, problems = load_pack(write_practice(tmp_path / "pack", slug, files))
    found = [(p.path, p.line, p.field, p.message, p.warning) for p in problems]
    assert len(found) == len(expected), [str(p) for p in problems]
    for (path, line, field, message, warning), want in zip(found, expected, strict=True):
        assert (path, line, field, warning) == want[:3] + want[4:], [str(p) for p in problems]
        assert want[3] in message, message
    assert [d.slug for d in drafts] == ([slug] if valid else [])


def test_problem_text_is_file_line_kind_field_message(tmp_path):
    pack = write_practice(tmp_path / "pack", "seed-circle",
                          {"en.md": swap(T, "status: published", "status: finished")})
    _, problems = load_pack(pack)
    assert [str(p) for p in problems] == [
        "pack/seed-circle/en.md:7: error: status: must be one of draft, review, published, "
        "archived"]
    long = swap(T, "  - Farmers keep their best seed.", f"  - {LONG_EN}")
    _, problems = load_pack(write_practice(tmp_path / "p2", "seed-circle", {"en.md": long}))
    assert [str(p) for p in problems] == [
        "p2/seed-circle/en.md:21: warning: snippets: item 1 has 299 characters; keep it "
        "within 240 to fit two SMS"]


def test_yaml_error_line_counts_the_opening_dashes(tmp_path):
    broken = swap(T, "  - They swap it at a yearly fair.", "  - They swap: it: at a fair.")
    _, problems = load_pack(write_practice(tmp_path / "pack", "seed-circle", {"en.md": broken}))
    assert [(p.line, p.message) for p in problems] == [
        (22, "YAML: mapping values are not allowed here")]
    assert broken.splitlines()[22 - 1] == "  - They swap: it: at a fair."


def test_one_broken_practice_does_not_hide_the_others(tmp_path):
    pack = tmp_path / "pack"
    write_practice(pack, "good-one", {"en.md": T, "km.md": KM_TEMPLATE})
    write_practice(pack, "bad-one", {"en.md": swap(T, "country: KH", "country: XX")})
    drafts, problems = load_pack(pack)
    assert [d.slug for d in drafts] == ["good-one"]
    assert sorted(drafts[0].translations) == ["en", "km"]
    assert {p.path for p in problems} == {"pack/bad-one/en.md"}


def test_valid_template_becomes_a_complete_draft(tmp_path):
    drafts, problems = load_pack(write_practice(tmp_path / "core", "seed-circle",
                                                {"en.md": T, "km.md": KM_TEMPLATE}))
    assert problems == []
    (draft,) = drafts
    assert (draft.pack, draft.country, draft.status) == ("core", "KH", "published")
    assert draft.topics == ["seeds", "farming"] and draft.sectors == ["agriculture"]
    assert [s["url"] for s in draft.sources] == ["https://example.org/seed",
                                                 "https://example.org/second"]
    en, km = draft.translations["en"], draft.translations["km"]
    assert en.snippets == ["Farmers keep their best seed.", "They swap it at a yearly fair."]
    assert (en.faq[0].q, en.faq[0].a) == ("Is it hard?", "No, it takes one afternoon.")
    assert en.body == "A short article about the seed circle." and en.reviewed is True
    assert en.template["results"] == "Thirty households save their own seed."
    assert (km.reviewed, km.translated_from, len(km.snippets)) == (False, "en", 1)


def test_missing_pack_folder_is_a_problem_not_a_crash(tmp_path):
    drafts, problems = load_pack(tmp_path / "nowhere")
    assert drafts == [] and [p.message for p in problems] == ["not a folder"]


@pytest.mark.parametrize("count, valid", [(0, False), (1, True), (8, True), (9, False)])
def test_a_published_file_has_as_many_snippets_as_format_md_says(tmp_path, count, valid):
    fewest, most = SNIPPETS
    assert f"# {fewest} to {most} SMS-sized pieces" in FORMAT.read_text(encoding="utf-8")
    pieces = "".join(f"  - Piece {i + 1} of the story.\n" for i in range(count))
    en = re.sub(r"snippets:\n(  - .*\n)+", lambda _: "snippets:\n" + pieces, EN_TEMPLATE)
    if not count:
        en = en.replace("snippets:\n", "snippets: []\n")
    pack = write_practice(tmp_path / "n", "seed-circle", {"en.md": en})
    drafts, problems = load_pack(pack)
    assert bool(drafts) is valid, problems
    assert valid or [p.message for p in problems] == [f"a list of {fewest} to {most} texts"]


# --- the bundled pack -------------------------------------------------------------------

CORE = BUNDLED_PACKS / "core"
FORMAT = BUNDLED_PACKS / "FORMAT.md"
REQUIRED_SLUGS = {
    "sri-cambodia", "community-supported-agriculture", "value-chain-financing-ph",
    "aski-microfinance", "parc-inter-people-cooperation", "community-economy-malaysia",
    "bina-swadaya-self-help-groups", "geneva-sse-chamber-exchange",
}


@pytest.fixture(scope="module")
def core():
    return load_pack(CORE)


def test_bundled_pack_is_valid_and_complete(core):
    drafts, problems = core
    assert [str(p) for p in problems if not p.warning] == []
    slugs = {d.slug for d in drafts}
    assert len(drafts) >= 10
    assert REQUIRED_SLUGS <= slugs
    assert len(drafts) == sum(1 for p in CORE.iterdir() if p.is_dir())


def test_every_bundled_practice_has_snippets_in_the_mekong_languages(core):
    for draft in core[0]:
        for lang in ("en", "km", "lo", "my", "vi"):
            assert draft.translations.get(lang), f"{draft.slug} lacks {lang}"
            assert draft.translations[lang].snippets, f"{draft.slug}/{lang} has no snippets"
        assert set(draft.translations) <= set(LANGUAGE_CODES)


def test_only_english_is_marked_reviewed(core):
    unreviewed = [(d.slug, lang) for d in core[0] for lang, tr in d.translations.items()
                  if lang != "en" and tr.reviewed is not False]
    assert unreviewed == []


def test_every_bundled_practice_cites_a_web_source(core):
    for draft in core[0]:
        urls = [str(s.get("url", "")) for s in draft.sources]
        assert any(re.match(r"^https?://\S+$", u) for u in urls), draft.slug


def test_burmese_files_are_in_myanmar_script(core):
    for draft in core[0]:
        text = (CORE / draft.slug / "my.md").read_text(encoding="utf-8")
        assert re.search(r"[\u1000-\u109f]", text), f"{draft.slug}/my.md"
        for snippet in draft.translations["my"].snippets:
            assert re.search(r"[\u1000-\u109f]", snippet), f"{draft.slug}: {snippet!r}"


def test_every_bundled_file_has_keywords_in_its_language(core):
    for draft in core[0]:
        for lang, tr in draft.translations.items():
            assert len(tr.keywords) >= 8, (draft.slug, lang)
            if lang in ("km", "lo", "my", "th"):  # some Latin names, mostly their script
                native = [k for k in tr.keywords if not k.isascii()]
                assert len(native) >= len(tr.keywords) - 2, (draft.slug, lang)


def test_burmese_files_are_unicode_not_zawgyi(core):
    tools = pytest.importorskip("myanmartools")
    detector = tools.ZawgyiDetector()
    for draft in core[0]:
        keywords = " ".join(draft.translations["my"].keywords)  # as the index reads them
        for snippet in [*draft.translations["my"].snippets, keywords]:
            assert detector.get_zawgyi_probability(snippet) < 0.05, (draft.slug, snippet)
