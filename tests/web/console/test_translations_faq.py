"""The translation queue (both ways, by a translator in the languages they hold), FAQ
candidates promoted with or without a name, and the answerer asked about it by message;
who sees and may act on which question."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from content.db import session_scope
from content.models import Answer, Faq, Member, Question
from tests.bot.test_answering import ANSWER, FISH, asker, code_in, expert
from tests.support.chat import Expect, run_table
from tests.web.console.test_questions import ESCALATED, act, escalated_khmer
from tests.web.moderation.test_questions import (
    KHMER_ANSWER,
    KHMER_QUESTION,
    khmer_question,
    remove_promoted,
)

TRANSLATIONS = "/admin/queues/translations"
FAQ = "/admin/queues/faq"
PRACTICE = "parc-inter-people-cooperation"


@pytest.fixture
def promoted(services):
    """FAQ pairs promoted by the test leave the shared content store as they came."""
    yield
    remove_promoted(services.db)


def vietnamese_question(services) -> int:
    """A Vietnamese question from Viet Nam waiting for its English text."""
    with session_scope(services.db) as session:
        member = Member(name="Lan", country="VN", language="vi")
        session.add(member)
        session.flush()
        question = Question(member_id=member.id, lang="vi", text="Làm sao phơi cá khô?",
                            status="routed", needs_translation=True)
        session.add(question)
        session.flush()
        return question.id


def test_a_translator_translates_both_ways_in_their_languages(services, client_as):
    member, person, question_id = khmer_question(services, trusted=True)
    other = vietnamese_question(services)
    translator = client_as("translator")
    page = translator.get(TRANSLATIONS).text
    assert f'<p lang="km" class="said">{KHMER_QUESTION}</p>' in page
    assert "phơi cá" not in page
    response = act(translator, TRANSLATIONS, f"{TRANSLATIONS}/questions/{question_id}",
                   text="I want to start a dried fish business.")
    assert response.headers["location"] == f"{TRANSLATIONS}?ok=question_translated"
    notice = person.received()
    assert "dried fish business" in notice[0].text
    person.say(f"{code_in(notice)} {ANSWER}")
    (answer,) = _answers(services, question_id)
    assert (answer.status, answer.lang, answer.text_for_asker) == ("approved", "en", None)
    page = translator.get(TRANSLATIONS).text
    assert f'<p lang="en" class="said">{ANSWER}</p>' in page
    assert 'name="text" lang="km"' in page
    response = act(translator, TRANSLATIONS, f"{TRANSLATIONS}/answers/{answer.id}",
                   text=KHMER_ANSWER)
    assert response.headers["location"] == f"{TRANSLATIONS}?ok=answer_translated_sent"
    assert KHMER_ANSWER in member.received()[0].text
    refused = act(translator, TRANSLATIONS, f"{TRANSLATIONS}/questions/{other}", text="x")
    assert refused.status_code == 404
    assert translator.get(ESCALATED).status_code == 403


def test_scope_other_organisations_and_viewers(services, world, client_as, anonymous):
    member, question_id = escalated_khmer(services)
    parc, viewer = client_as("parc"), client_as("viewer")
    assert KHMER_QUESTION not in parc.get(ESCALATED).text
    response = act(parc, ESCALATED, f"{ESCALATED}/{question_id}/answer", text="hello")
    assert response.status_code == 404
    api = {"Authorization": f"Bearer {world.tokens['parc']}"}
    assert anonymous.post(f"/api/moderation/questions/{question_id}/answer", headers=api,
                          json={"text": "hello"}).status_code == 404
    assert anonymous.get("/api/moderation/questions/queue",
                         headers=api).json()["escalated"] == []
    page = viewer.get(ESCALATED).text
    assert KHMER_QUESTION in page and f"{question_id}/answer" not in page
    assert 'method="post"' not in page.split("<main")[1]
    response = act(viewer, ESCALATED, f"{ESCALATED}/{question_id}/answer", text="hello")
    assert response.status_code == 403
    assert member.received() == []
    vi = vietnamese_question(services)
    assert act(client_as("moderator"), TRANSLATIONS, f"{TRANSLATIONS}/questions/{vi}",
               text="x").status_code == 404
    assert "phơi cá" in client_as("admin").get(TRANSLATIONS).text


def helpful_answer(services, attribution: str | None):
    """A relayed answer the asker rated helpful; its writer said `attribution` ("1"
    named, "2" anonymous) or nothing (went back to the menu)."""
    member, person = asker(services, "sms"), expert(services, "telegram")
    member.say(f"ASK {FISH}")
    person.say(f"{code_in(person.received())} {ANSWER}")
    person.say(attribution or "MENU")
    member.received()
    run_table(member, [("1", Expect(keys=("ask.thanks",)))])
    (answer,) = _answers(services, _question_id(services, FISH))
    assert answer.faq_candidate
    return member, person, answer.id


def test_promoted_with_the_name_the_answerer_agreed_to(services, client_as, promoted):
    _, _, answer_id = helpful_answer(services, "1")
    moderator = client_as("moderator")
    page = moderator.get(FAQ).text
    assert "agreed to be named" in page and "Promote with their name" in page
    response = act(moderator, FAQ, f"{FAQ}/{answer_id}/promote", attribution="named",
                   practice=PRACTICE)
    assert response.headers["location"] == f"{FAQ}?ok=promoted"
    assert _faq_of(services, answer_id).attribution == "Aminah"
    assert ANSWER not in moderator.get(FAQ).text


def test_anonymous_answers_are_promoted_without_a_name_only(services, client_as, promoted):
    _, _, answer_id = helpful_answer(services, "2")
    moderator = client_as("moderator")
    page = moderator.get(FAQ).text
    assert "wants to stay anonymous" in page and "Promote with their name" not in page
    named = act(moderator, FAQ, f"{FAQ}/{answer_id}/promote", attribution="named",
                practice=PRACTICE)
    assert named.status_code == 409 and "did not agree" in named.text
    typo = act(moderator, FAQ, f"{FAQ}/{answer_id}/promote", practice="no-such-practice")
    assert typo.status_code == 409 and "no-such-practice" in typo.text
    act(moderator, FAQ, f"{FAQ}/{answer_id}/promote", attribution="anonymous",
        practice=PRACTICE)
    assert _faq_of(services, answer_id).attribution is None


def test_unknown_attribution_asks_the_answerer_and_waits(services, client_as, promoted):
    _, person, answer_id = helpful_answer(services, None)
    moderator = client_as("moderator")
    page = moderator.get(FAQ).text
    assert "not asked about their name yet" in page and "Ask the answerer" in page
    response = act(moderator, FAQ, f"{FAQ}/{answer_id}/ask")
    assert response.headers["location"] == f"{FAQ}?ok=attribution_asked"
    asked = person.received()
    person.check(asked, Expect(keys=("answering.attribution",), choices=("1", "2")), "(ask)")
    assert ANSWER[:40] in asked[0].text
    page = moderator.get(FAQ).text
    assert "waiting" in page and "Ask the answerer" not in page
    run_table(person, [("1", Expect(keys=("answering.noted",)))])
    assert "agreed to be named" in moderator.get(FAQ).text
    act(moderator, FAQ, f"{FAQ}/{answer_id}/promote", attribution="named", practice=PRACTICE)
    assert _faq_of(services, answer_id).attribution == "Aminah"


def _question_id(services, text: str) -> int:
    with Session(services.db) as session:
        return session.exec(select(Question.id).where(Question.text == text)).one()


def _answers(services, question_id: int) -> list[Answer]:
    with Session(services.db) as session:
        return list(session.exec(select(Answer).where(Answer.question_id == question_id,
                                                      Answer.text != "earlier")))


def _faq_of(services, answer_id: int) -> Faq:
    with Session(services.db) as session:
        return session.get(Faq, session.get(Answer, answer_id).promoted_faq_id)
