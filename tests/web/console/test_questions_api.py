"""The question queues' JSON API (/api/moderation) with personal tokens: the same actions
as the console's pages, in the same scope."""

from __future__ import annotations

from sqlmodel import Session

from content.models import Answer
from tests.bot.test_answering import ANSWER, expert
from tests.support.chat import Expect
from tests.web.console.test_questions import escalated_khmer, held_answer, question_of
from tests.web.moderation.test_questions import KHMER_ANSWER, KHMER_QUESTION

API = "/api/moderation"


def bearer(world, who: str) -> dict:
    return {"Authorization": f"Bearer {world.tokens[who]}"}


def test_the_queue_is_the_accounts_scope_and_filters(services, world, anonymous):
    _, question_id = escalated_khmer(services)
    mine = anonymous.get(f"{API}/questions/queue", headers=bearer(world, "moderator")).json()
    (row,) = mine["escalated"]
    assert (row["id"], row["lang"], row["asker_country"], row["routed_to"]) == (
        question_id, "km", "KH", 0)
    assert "+855" not in str(mine)
    theirs = anonymous.get(f"{API}/questions/queue", headers=bearer(world, "parc")).json()
    assert theirs["escalated"] == []
    filtered = anonymous.get(f"{API}/questions/queue?lang=vi",
                             headers=bearer(world, "admin")).json()
    assert filtered["escalated"] == []
    assert anonymous.get(f"{API}/questions/queue?lang=zz",
                         headers=bearer(world, "admin")).status_code == 422


def test_answer_assign_and_close_through_the_api(services, world, anonymous):
    member, question_id = escalated_khmer(services)
    person = expert(services, "telegram", languages=["km"])
    headers = bearer(world, "moderator")
    people = anonymous.get(f"{API}/questions/{question_id}/resource-people",
                           headers=headers).json()
    assert [p["id"] for p in people] == [person.member().id]
    assigned = anonymous.post(f"{API}/questions/{question_id}/assign", headers=headers,
                              json={"member_id": person.member().id})
    assert assigned.status_code == 200 and assigned.json()["messages_sent"] == 1
    assert assigned.json()["code"] in person.received()[0].text
    answered = anonymous.post(f"{API}/questions/{question_id}/answer", headers=headers,
                              json={"text": KHMER_ANSWER})
    assert answered.json()["status"] == "relayed"
    assert KHMER_ANSWER in member.received()[0].text
    closed = anonymous.post(f"{API}/questions/{question_id}/close", headers=headers,
                            json={"message": "Thank you, CEDAC"})
    assert closed.status_code == 409  # answered now: nothing to close


def test_route_again_and_close_through_the_api(services, world, anonymous):
    member, question_id = escalated_khmer(services)
    headers = bearer(world, "moderator")
    routed = anonymous.post(f"{API}/questions/{question_id}/route", headers=headers)
    assert (routed.json()["outcome"], routed.json()["routed"]) == ("nobody", 0)
    closed = anonymous.post(f"{API}/questions/{question_id}/close", headers=headers,
                            json={"message": "Thank you, CEDAC"})
    assert closed.json()["status"] == "closed" and closed.json()["messages_sent"] == 1
    assert "Thank you, CEDAC" in member.received()[0].text
    assert question_of(services, KHMER_QUESTION).closed_at is not None


def test_approve_an_edit_through_the_api(services, world, anonymous):
    member, person, answer_id = held_answer(services)
    edited = ANSWER + " Salt them first."
    approved = anonymous.post(f"{API}/answers/{answer_id}/approve",
                              headers=bearer(world, "moderator"), json={"text": edited})
    assert approved.json()["status"] == "relayed"
    assert approved.json()["before_text"] == ANSWER
    assert edited in member.received()[0].text


def test_reject_with_a_reason_through_the_api(services, world, anonymous):
    member, person, answer_id = held_answer(services)
    rejected = anonymous.post(f"{API}/answers/{answer_id}/reject",
                              headers=bearer(world, "moderator"),
                              json={"reason": "Please share how you do it."})
    assert rejected.json()["reason"] == "Please share how you do it."
    assert "Please share how you do it." in person.received()[0].text
    assert member.received() == []


def test_asking_the_answerer_about_attribution(services, world, anonymous):
    member, person, answer_id = held_answer(services, attribution=None)
    headers = bearer(world, "moderator")
    response = anonymous.post(f"{API}/answers/{answer_id}/ask-attribution", headers=headers)
    assert response.status_code == 200 and response.json()["asked_at"]
    person.check(person.received(), Expect(keys=("answering.attribution",)), "(asked)")
    person.say("2")
    with Session(services.db) as session:
        assert session.get(Answer, answer_id).attribution == "anonymous"
    again = anonymous.post(f"{API}/answers/{answer_id}/ask-attribution", headers=headers)
    assert again.status_code == 409 and "anonymous" in again.json()["detail"]
