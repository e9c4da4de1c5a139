"""The moderators' question API: the queue, approving, holding, rejecting, translating
both ways, promoting to the FAQ; every action audited, no phone number or chat id shown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from content.db import session_scope
from content.models import Answer, AuditLog, Faq, Practice, Question
from peerlearn.app import create_app
from peerlearn.wiring import build
from services.search import reindex
from tests.bot.test_answering import ADDRESSES, ANSWER, FISH, asker, code_in, expert
from tests.support.chat import Expect, run_table
from tests.web.moderation.conftest import ADMIN

AUTH = ADMIN
KHMER_QUESTION = "ខ្ញុំចង់ធ្វើអាជីវកម្មត្រីងៀត"
KHMER_ANSWER = "ហាលត្រីលើរានខ្ពស់ក្នុងពន្លឺថ្ងៃ ហើយត្រឡប់វាពីរដងក្នុងមួយថ្ងៃ។"


@pytest.fixture
def moderated(services):
    """Services whose settings let a moderator in (see conftest.py)."""
    return services


@pytest.fixture
def client(moderated) -> Iterator[TestClient]:
    with TestClient(create_app(moderated.settings, moderated)) as client:
        client.auth = AUTH
        client.headers["X-Requested-With"] = "peerlearn-tests"  # a script (cross_site.py)
        yield client
    remove_promoted(moderated.db)


def remove_promoted(db) -> None:
    """FAQ pairs promoted by a test leave the shared content store as they came."""
    with session_scope(db) as session:
        rows = session.exec(select(Faq).where(Faq.answer_id.is_not(None))).all()
        for row in rows:
            session.delete(row)
        session.flush()
        reindex(session=session, practice_ids={row.practice_id for row in rows})


def audit(services) -> list[tuple[str, str]]:
    with Session(services.db) as session:
        return [(a.action, a.target_id) for a in session.exec(
            select(AuditLog).where(AuditLog.target_type != "account").order_by(AuditLog.id))]


def no_addresses(response) -> None:
    for address in ADDRESSES.values():
        assert address not in response.text and address.lstrip("+") not in response.text


def khmer_question(moderated, channel="sms", *, trusted=False):
    """A Khmer member's question routed to a Malaysian expert who reads English."""
    member = asker(moderated, channel, language="2")
    person = expert(moderated, "telegram", trusted=trusted, language="ms", languages=["en"])
    member.say(f"សួរ {KHMER_QUESTION}")
    with Session(moderated.db) as session:
        question = session.exec(select(Question).where(Question.text == KHMER_QUESTION)).one()
    return member, person, question.id


def test_without_credentials_there_is_no_access(client, services):
    assert client.get("/api/moderation/questions/queue", auth=None).status_code == 401
    assert client.get("/api/moderation/questions/queue",
                      auth=(AUTH[0], "wrong")).status_code == 401
    # Accounts live in the database: without the settings the admin created from them
    # at the first start still logs in.
    unset = services.settings.model_copy(update={"admin_email": None, "admin_password": None})
    with TestClient(create_app(unset, build(unset, db=services.db))) as later:
        assert later.get("/api/moderation/questions/queue", auth=AUTH).status_code == 200


def test_the_khmer_question_through_both_translation_queues(client, moderated):
    member, person, question_id = khmer_question(moderated)
    queue = client.get("/api/moderation/questions/queue")
    assert [q["id"] for q in queue.json()["questions_to_translate"]] == [question_id]
    no_addresses(queue)
    assert person.received() == []
    response = client.post(f"/api/moderation/questions/{question_id}/translation",
                           json={"text": "I want to start a dried fish business."})
    assert response.status_code == 200 and response.json()["messages_sent"] == 1
    notice = person.received()
    assert "dried fish business" in notice[0].text
    run_table(person, [(f"{code_in(notice)} {ANSWER}",
                        Expect(keys=("answering.held", "answering.attribution"))),
                       ("1", Expect(keys=("answering.noted",)))])
    queue = client.get("/api/moderation/questions/queue").json()
    (held,) = queue["held_answers"]
    assert [a["id"] for a in queue["answers_to_translate"]] == [held["id"]]
    assert (held["lang"], held["text"], held["question_text_en"]) == (
        "en", ANSWER, "I want to start a dried fish business.")
    response = client.post(f"/api/moderation/answers/{held['id']}/translation",
                           json={"text": KHMER_ANSWER})
    assert response.json()["messages_sent"] == 0  # still held
    assert member.received() == []
    response = client.post(f"/api/moderation/answers/{held['id']}/approve")
    assert response.json()["status"] == "relayed" and response.json()["messages_sent"] == 1
    relayed = member.received()
    assert KHMER_ANSWER in relayed[0].text and KHMER_QUESTION in relayed[0].text
    run_table(member, [("1", Expect(keys=("ask.thanks",)))])
    assert [a for a, _ in audit(moderated)] == ["question.translate", "answer.translate",
                                                "answer.approve"]


def test_approve_with_the_translation_relays_at_once(client, moderated):
    member, person, question_id = khmer_question(moderated, "telegram")
    client.post(f"/api/moderation/questions/{question_id}/translation", json={"text": "Fish?"})
    person.say(f"{code_in(person.received())} {ANSWER}")
    (answer_id,) = [a["id"] for a in client.get(
        "/api/moderation/questions/queue").json()["held_answers"]]
    response = client.post(f"/api/moderation/answers/{answer_id}/approve",
                           json={"text_for_asker": KHMER_ANSWER})
    assert response.status_code == 200 and response.json()["messages_sent"] == 1
    assert KHMER_ANSWER in member.received()[0].text
    again = client.post(f"/api/moderation/answers/{answer_id}/approve")
    assert again.status_code == 409 and "relayed" in again.json()["detail"]
    assert client.post("/api/moderation/answers/999999/approve").status_code == 404


@pytest.mark.parametrize("action, status", [("hold", "held"), ("reject", "rejected")])
def test_hold_and_reject_keep_the_answer_from_the_asker(client, moderated, action, status):
    member, person = asker(moderated, "sms"), expert(moderated, "telegram", trusted=False)
    member.say(f"ASK {FISH}")
    person.say(f"{code_in(person.received())} {ANSWER}")
    (answer_id,) = [a["id"] for a in client.get(
        "/api/moderation/questions/queue").json()["held_answers"]]
    response = client.post(f"/api/moderation/answers/{answer_id}/{action}")
    assert response.status_code == 200 and response.json()["status"] == status
    assert member.received() == []
    assert audit(moderated) == [(f"answer.{action}", str(answer_id))]
    if action == "reject":
        assert client.post(f"/api/moderation/answers/{answer_id}/approve").status_code == 409


@pytest.mark.parametrize("attribution, credit", [
    ("1", "answered by Aminah, Malaysia"), ("2", "answered by a resource person in Malaysia"),
], ids=["named", "anonymous"])
def test_a_helpful_answer_promoted_answers_the_next_member(client, moderated, attribution,
                                                           credit):
    member, person = asker(moderated, "sms"), expert(moderated, "telegram")
    member.say(f"ASK {FISH}")
    person.say(f"{code_in(person.received())} {ANSWER}")
    person.say(attribution)
    member.received()
    assert client.get("/api/moderation/answers/candidates").json() == []
    member.say("1")
    (candidate,) = client.get("/api/moderation/answers/candidates").json()
    assert candidate["attribution"] == ("named" if attribution == "1" else "anonymous")
    response = client.post(f"/api/moderation/answers/{candidate['id']}/promote",
                           json={"practice": "parc-inter-people-cooperation"})
    assert response.status_code == 200, response.text
    promoted = response.json()
    assert (promoted["question"], promoted["answer"], promoted["lang"]) == (FISH, ANSWER, "en")
    assert promoted["attribution"] == ("Aminah" if attribution == "1" else None)
    assert client.get("/api/moderation/answers/candidates").json() == []
    assert client.post(f"/api/moderation/answers/{candidate['id']}/promote").status_code == 409
    with Session(moderated.db) as session:
        answer = session.get(Answer, candidate["id"])
        faq = session.get(Faq, answer.promoted_faq_id)
        practice = session.get(Practice, faq.practice_id)
    assert practice.slug == "parc-inter-people-cooperation" and faq.answer_id == answer.id
    member.say("MENU")
    run_table(member, [(f"ASK {FISH}", Expect(contains=(ANSWER, credit),
                                               keys=("ask.rate",)))])
    assert ("answer.promote", str(candidate["id"])) in audit(moderated)


def test_promotion_defaults_and_refusals(client, moderated):
    member, person, question_id = khmer_question(moderated, trusted=True)
    client.post(f"/api/moderation/questions/{question_id}/translation",
                json={"text": "I want to start a dried fish business."})
    person.say(f"{code_in(person.received())} {ANSWER}")
    (answer_id,) = [a["id"] for a in client.get(
        "/api/moderation/questions/queue").json()["answers_to_translate"]]
    url = f"/api/moderation/answers/{answer_id}/promote"
    assert client.post(url, json={"lang": "km"}).status_code == 409  # no Khmer answer yet
    assert client.post(url, json={"practice": "no-such-practice",
                                  "lang": "en"}).status_code == 404
    assert client.post(url, json={"lang": "fr"}).status_code == 422
    response = client.post(url, json={"lang": "en"})  # English: the moderator's question
    assert response.status_code == 200, response.text
    assert response.json()["question"] == "I want to start a dried fish business."
    no_addresses(response)
