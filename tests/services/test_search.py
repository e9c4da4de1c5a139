"""Full-text search over the bundled practices, in every script, and what it survives."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, insert, text, update
from sqlmodel import Session, select

from content.importer import import_drafts
from content.models import Practice, SearchDoc
from content.segment import segment
from content.validate import load_pack
from peerlearn.settings import BUNDLED_PACKS
from services.search import Hit, reindex, search, terms
from services.search.terms import forget

CORE = BUNDLED_PACKS / "core"


@pytest.fixture
def session(db) -> Iterator[Session]:
    with Session(db) as session:
        yield session


def slugs(hits: list[Hit]) -> list[str]:
    return [h.practice for h in hits]


@pytest.mark.parametrize(("query", "lang", "expected"), [
    ("តើ SRI ត្រូវការទឹកច្រើនជាងមុនទេ?", "km", "sri-cambodia"),  # Khmer, no spaces
    ("សហករណ៍ឥណទានសន្សំមុនខ្ចីក្រោយ", "km", "credit-unions-thailand"),
    ("ພະສົງຊ່ວຍປົກປ້ອງປ່າໄມ້ຊຸມຊົນແນວໃດ", "lo", "community-forestry-cambodia"),  # Lao
    ("လယ်သမားတွေစပါးမျိုးဖောက်လို့ရလား", "my", "masipag-seed-network-ph"),  # Burmese
    ("ปลูกข้าวใช้น้ำน้อยได้ไหม", "th", "sri-cambodia"),  # Thai
    ("Hợp tác xã tín dụng hoạt động thế nào?", "vi", "credit-unions-thailand"),
    ("How do farmers set up a community seed bank?", "en", "masipag-seed-network-ph"),
    ("Bagaimana desa membangun mikrohidro?", "id", "community-economy-malaysia"),
    ("Paano nag-iimpok ang mga self-help group?", "fil", "bina-swadaya-self-help-groups"),
    ("fair trade handicrafts", None, "craft-link-fair-trade-vietnam"),
])
def test_finds_the_practice_in_every_script(session, query, lang, expected):
    hits = search(session=session, query=query, lang=lang, limit=3)
    assert expected in slugs(hits), hits
    assert all(isinstance(h.score, float) and h.snippet for h in hits)


def test_requested_language_comes_before_english(session):
    hits = search(session=session, query="SRI CEDAC", lang="th", limit=10)
    langs = [h.lang for h in hits]
    assert langs and langs[0] == "th"
    assert langs == sorted(langs, key=lambda code: code != "th")
    assert set(langs) <= {"th", "en"}


def test_one_hit_per_practice(session):
    hits = search(session=session, query="rice farmers seed water", limit=50)
    assert len(slugs(hits)) == len(set(slugs(hits)))


HOSTILE = ['"', "'", "AND", "OR NOT", "*", "NEAR(", "NEAR(rice seed)", "tokens:x", ")",
           "(", "%", "_", "%_%", "\\", "rice*", '"rice" AND "seed"', "-rice", "^rice",
           "x" * 5000, ("rice OR " * 700)[:5000], "🌾🌾🌾", "😀 rice", "\x00", "a\x00b\x01c",
           "\u200b\u200b", "ေက်ာင္းသား", "ၿမိဳ႕", " \t\n ", "", "{tokens}: rice",
           "rice NOT seed", "searchdoc_fts", "'; DROP TABLE searchdoc; --"]


@pytest.mark.parametrize("query", HOSTILE)
@pytest.mark.parametrize("lang", [None, "en", "my"])
def test_hostile_queries_never_raise(session, query, lang):
    hits = search(session=session, query=query, lang=lang)
    assert isinstance(hits, list)
    assert all(isinstance(h, Hit) for h in hits)


def test_empty_query_finds_nothing(session):
    assert search(session=session, query="   ") == []
    assert search(session=session, query="?!...") == []


def test_query_syntax_is_plain_text(session):
    """FTS operators are words: `NEAR(` finds what "near" finds, not a syntax error."""
    assert slugs(search(session=session, query="tokens:rice", lang="en"))[:1] == slugs(
        search(session=session, query="tokens rice", lang="en"))[:1]


@pytest.mark.parametrize(("query", "expected"), [
    ("ស្រូ", "sri-cambodia"),  # the start of ស្រូវ (rice), as a member types
    ("SRI", "sri-cambodia"),
    ("ข้าว", "sri-cambodia"),
    ("sr", "sri-cambodia"),
])
def test_short_queries_fall_back_to_a_scan(session, query, expected):
    assert expected in slugs(search(session=session, query=query, limit=50))


def test_like_wildcards_are_escaped(session):
    assert search(session=session, query="%") == []
    assert search(session=session, query="_") == []


def test_same_segmentation_for_index_and_query():
    assert segment("ប្រព័ន្ធពង្រឹងការដាំដុះស្រូវ") == "ប្រព័ន្ធ ពង្រឹង ការ ដាំដុះ ស្រូវ"
    assert segment("ทํา") == segment("ทำ")  # NIKHAHIT + SARA AA is SARA AM
    assert segment("Hello, WORLD!") == "hello world"


def test_only_published_practices_are_indexed(session):
    unpublished = session.exec(select(Practice.id).where(Practice.status != "published"))
    ids = set(unpublished)
    indexed = set(session.exec(select(SearchDoc.practice_id).distinct()))
    assert indexed and not ids & indexed


def test_reindex_after_import_keeps_the_index_in_step(db, tmp_path):
    pack = shutil.copytree(CORE, tmp_path / "core")
    en = pack / "sri-cambodia" / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("willing", "zoetropically"),
                  encoding="utf-8")
    try:
        with Session(db) as session:
            assert "sri-cambodia" in slugs(search(session=session, query="willing"))
            assert search(session=session, query="zoetropically") == []
        _import_and_reindex(db, pack)
        with Session(db) as session:
            assert slugs(search(session=session, query="zoetropically")) == ["sri-cambodia"]
            assert search(session=session, query="willing") == []
    finally:
        _import_and_reindex(db, CORE)
    with Session(db) as session:
        assert slugs(search(session=session, query="willing")) == ["sri-cambodia"]


def _import_and_reindex(db, pack) -> None:
    drafts, _ = load_pack(pack)
    with Session(db) as session:
        result = import_drafts(session, drafts)
        assert result.updated == 1 and len(result.changed_ids) == 1
        reindex(session=session, practice_ids=result.changed_ids)
        session.commit()


def test_words_over_the_budget_in_no_document_together_still_find_it(session, monkeypatch):
    """Every word over the budget: PostgreSQL first ranks the documents holding both
    rarest words; "advised" and "weeding" share none, so it falls back to either."""
    monkeypatch.setattr(terms, "BUDGET", 1)
    forget()
    counts = terms.doc_counts(session, ["advised", "weeding"])
    assert terms.rarest_pair(counts) and min(counts.values()) > terms.BUDGET
    assert "sri-cambodia" in slugs(search(session=session, query="advised weeding",
                                          lang="en", limit=3))


def test_words_over_the_budget_found_together_rank_first(session, monkeypatch):
    monkeypatch.setattr(terms, "BUDGET", 1)
    forget()
    assert slugs(search(session=session, query="weeding transplanting", lang="en",
                        limit=1)) == ["sri-cambodia"]


RANKED = "SELECT id, practice_id, lang, kind, tsv::text FROM {}"
APART = (f"SELECT count(*) FROM (({RANKED.format('searchdoc')} EXCEPT "
         f"{RANKED.format('searchdoc_rank')}) UNION ALL ({RANKED.format('searchdoc_rank')} "
         f"EXCEPT {RANKED.format('searchdoc')})) apart")


def test_the_ranking_copy_follows_every_write(session):
    """PostgreSQL ranks from searchdoc_rank (migration 0015), kept by triggers: an
    insert, update, delete or truncate of searchdoc reaches it in the same transaction."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite ranks inside FTS5")
    assert session.execute(text(APART)).scalar_one() == 0
    session.execute(update(SearchDoc).where(SearchDoc.kind == "title").values(
        tokens=SearchDoc.tokens + " zoetropically"))
    session.execute(delete(SearchDoc).where(SearchDoc.kind == "faq"))
    session.execute(insert(SearchDoc).values(practice_id=session.exec(select(
        Practice.id)).first(), lang="en", kind="snippet", text="x", tokens="quixotically"))
    assert session.execute(text(APART)).scalar_one() == 0
    forget()
    assert search(session=session, query="zoetropically", lang="en", limit=3)
    assert search(session=session, query="quixotically", lang="en")
    session.execute(text("TRUNCATE searchdoc"))
    assert session.execute(text("SELECT count(*) FROM searchdoc_rank")).scalar_one() == 0
    session.rollback()
    forget()
    assert session.execute(text(APART)).scalar_one() == 0
