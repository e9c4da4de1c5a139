"""Practices documented by members (SHARE) round-trip through export, validate and
import with their languages: Khmer only, no English; an unfinished interview; a
published one with a promoted FAQ pair and a review mark (FORMAT.md, "Practices
documented by members")."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from content.db import session_scope
from content.exporter import export_pack, practice_drafts
from content.importer import ImportResult, import_drafts
from content.models import Answer, Faq, Member, Practice, PracticeTranslation, Question, Snippet
from content.validate import load_pack
from services import documentation
from tests.conftest import clear

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
KM_ANSWERS = (("name", "ឧបករណ៍សម្ងួតត្រីពីឫស្សី"), ("problem", "ត្រីខូចពេលភ្លៀង។"),
              ("how", "រានឫស្សីក្រោមដំបូលសំណាញ់។"), ("origin", "អ្នកនេសាទមកពីឥណ្ឌូនេស៊ី។"),
              ("results", "ខាតតិច តម្លៃល្អ។"), ("visitors", "yes"))


def _member(session: Session, language: str) -> Member:
    member = Member(name="Sokha Chan", country="KH", language=language)
    session.add(member)
    session.flush()
    return member


def _documented(session: Session) -> dict[str, int]:
    """Three member practices: finished in Khmer, unfinished, published with English."""
    sokha = _member(session, "km")
    done = documentation.start_draft(session=session, member=sokha, now=NOW)
    for question, text in KM_ANSWERS:
        documentation.save_answer(session=session, practice=done, member=sokha,
                                  question=question, text=text, now=NOW)
    documentation.attach_photo(session=session, practice=done, file_id="AgAD-racks",
                               caption="our racks", now=NOW)
    unfinished = documentation.start_draft(session=session, member=sokha, now=NOW,
                                           skipped=("name",))
    live = _published(session, _member(session, "en"))
    return {"done": done.id, "unfinished": unfinished.id, "live": live.id}


def _published(session: Session, member: Member) -> Practice:
    practice = documentation.start_draft(session=session, member=member, now=NOW)
    for question, text in (("name", "Rain shelter for drying fish"),
                           ("problem", "Fish spoil in the rain."), ("visitors", "no")):
        documentation.save_answer(session=session, practice=practice, member=member,
                                  question=question, text=text, now=NOW)
    practice.status, practice.topics = "published", ["fisheries"]
    en = session.exec(select(PracticeTranslation).where(
        PracticeTranslation.practice_id == practice.id)).one()
    en.reviewed, en.reviewed_by, en.reviewed_at = True, "Dara Kim", NOW
    session.add_all([practice, en, Snippet(practice_id=practice.id, lang="en", position=0,
                                           text="Fish spoil in the rain.")])
    question = Question(member_id=member.id, lang="en", text="Which net?")
    session.add(question)
    session.flush()
    answer = Answer(question_id=question.id, member_id=member.id, lang="en",
                    text="Any fine net.", status="approved", attribution="named")
    session.add(answer)
    session.flush()
    faq = Faq(practice_id=practice.id, lang="en", position=0, question="Which net?",
              answer="Any fine net.", answer_id=answer.id, attribution="Sokha Chan")
    session.add(faq)
    session.flush()
    answer.promoted_faq_id = faq.id
    session.add(answer)
    session.flush()
    return practice


@pytest.fixture
def exported(empty_store, tmp_path):
    """The member practices, stored and exported as pack `members`."""
    with session_scope(empty_store) as session:
        ids = _documented(session)
        slugs = {k: session.get(Practice, v).slug for k, v in ids.items()}
        export_pack(session, tmp_path / "members", pack="members")
    return tmp_path / "members", slugs


def _import(engine, pack) -> ImportResult:
    drafts, problems = load_pack(pack)
    assert [str(p) for p in problems if not p.warning] == []
    with session_scope(engine) as session:
        return import_drafts(session, drafts)


def test_member_practices_export_in_their_own_languages_and_validate(exported, empty_store):
    pack, slugs = exported
    assert sorted(p.name for p in (pack / slugs["done"]).iterdir()) == ["km.md"]
    assert sorted(p.name for p in (pack / slugs["unfinished"]).iterdir()) == ["km.md"]
    km = (pack / slugs["done"] / "km.md").read_text(encoding="utf-8")
    for fact in ("country: KH", "status: review", "contributor: ", "visitors_welcome: true",
                 "telegram_file_id: AgAD-racks", "kind: interview", "lang: km"):
        assert fact in km, fact
    live = (pack / slugs["live"] / "en.md").read_text(encoding="utf-8")
    for fact in ("reviewed_by: Dara Kim", "reviewed_on: '2026-11-20'", "answer_id: ",
                 "attribution: Sokha Chan", "visitors_welcome: false"):
        assert fact in live, fact
    drafts, problems = load_pack(pack)
    assert [str(p) for p in problems] == []
    with Session(empty_store) as session:
        assert practice_drafts(session, pack="members") == drafts
    # The interview wrote no content hash: the first import stores one, changing nothing.
    assert _import(empty_store, pack) == ImportResult(updated=3)
    with Session(empty_store) as session:
        assert practice_drafts(session, pack="members") == drafts
    assert _import(empty_store, pack) == ImportResult(unchanged=3)


def test_an_edited_export_imports_and_keeps_the_promoted_answer(exported, empty_store):
    pack, slugs = exported
    path = pack / slugs["live"] / "en.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "- Fish spoil in the rain.", "- Fish rot in the rain."), encoding="utf-8")
    assert _import(empty_store, pack).updated == 3  # the interview wrote no hash
    with Session(empty_store) as session:
        practice = session.exec(select(Practice).where(Practice.slug == slugs["live"])).one()
        (faq,) = session.exec(select(Faq).where(Faq.practice_id == practice.id))
        answer = session.get(Answer, faq.answer_id)
        tr = session.exec(select(PracticeTranslation).where(
            PracticeTranslation.practice_id == practice.id)).one()
        snippets = session.exec(select(Snippet.text).where(
            Snippet.practice_id == practice.id)).all()
    assert (faq.attribution, answer.promoted_faq_id) == ("Sokha Chan", faq.id)
    assert (tr.reviewed, tr.reviewed_by, tr.reviewed_at.date()) == (True, "Dara Kim",
                                                                   NOW.date())
    assert snippets == ["Fish rot in the rain."]
    assert practice.contributor_id is not None and practice.visitors_welcome is False


def test_into_another_store_unknown_members_and_answers_are_dropped(exported, empty_store):
    pack, slugs = exported
    clear(empty_store, keep_content=False)
    assert _import(empty_store, pack) == ImportResult(created=3)
    with Session(empty_store) as session:
        done = session.exec(select(Practice).where(Practice.slug == slugs["done"])).one()
        faq = session.exec(select(Faq)).one()
        langs = session.exec(select(PracticeTranslation.lang).where(
            PracticeTranslation.practice_id == done.id)).all()
    assert (done.status, done.contributor_id, done.media[0]["caption"]) == (
        "review", None, "our racks")
    assert langs == ["km"]
    assert (faq.answer_id, faq.attribution) == (None, "Sokha Chan")


def _line_of(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith(start))


def test_a_broken_member_file_is_named_with_its_line(exported):
    pack, slugs = exported
    path = pack / slugs["done"] / "km.md"
    text = path.read_text(encoding="utf-8").replace("visitors_welcome: true",
                                                    "visitors_welcome: maybe")
    path.write_text(text, encoding="utf-8")
    drafts, problems = load_pack(pack)
    shown = f"members/{slugs['done']}/km.md"
    assert [str(p) for p in problems] == [
        f"{shown}:{_line_of(text, 'visitors_welcome:')}: error: visitors_welcome: "
        "must be true or false"]
    assert slugs["done"] not in {d.slug for d in drafts}


def test_publishing_needs_topics_and_facts_live_in_one_file(exported):
    pack, slugs = exported
    folder = pack / slugs["done"]
    km = (folder / "km.md").read_text(encoding="utf-8")
    published = km.replace("status: review", "status: published")
    (folder / "km.md").write_text(published, encoding="utf-8")
    _, problems = load_pack(pack)
    found = {(p.path.rsplit("/", 1)[1], p.field, p.message) for p in problems}
    assert ("km.md", "topics", "a list of 1 to 4 items") in found
    assert ("km.md", "snippets", "a list of 1 to 8 texts") in found
    (folder / "km.md").write_text(km, encoding="utf-8")
    (folder / "lo.md").write_text(km, encoding="utf-8")  # a second file with facts
    _, problems = load_pack(pack)
    assert [(p.path.rsplit("/", 1)[1], p.line) for p in problems] == [("en.md", 0)]
    assert "every practice needs en.md" in problems[0].message
