"""The question queues in the console: escalated questions answered, assigned, routed
again and closed; held answers approved with an edit or rejected with a reason. Members
are onboarded and ask by SMS through the inbox, as on a phone; what they receive is read
from the outbox."""

from __future__ import annotations

from sqlmodel import Session, select

from content.models import (
    Answer,
    AuditLog,
    ConsoleAccount,
    Question,
    QuestionRoute,
    utcnow,
)
from services import queues
from services.accounts import principal_of
from tests.bot.test_answering import ANSWER, FISH, asker, code_in, expert
from tests.bot.test_dialogs import onboard
from tests.support.chat import Chat, Expect, run_table
from tests.support.console import csrf_of
from tests.web.moderation.test_questions import KHMER_ANSWER, KHMER_QUESTION

ESCALATED = "/admin/queues/escalated"


def khmer_asker(services, address: str = "+85512345001") -> Chat:
    """A member in Cambodia who reads Khmer on their phone, on SMS."""
    chat = Chat(services, "sms", address)
    onboard(chat, "2")
    assert chat.member().language == "km"
    return chat


def escalated_khmer(services) -> tuple[Chat, int]:
    """A Khmer question nobody can be asked: it goes to the moderators at once."""
    member = khmer_asker(services)
    member.say(f"សួរ {KHMER_QUESTION}")
    question = question_of(services, KHMER_QUESTION)
    assert question.escalated_at is not None and question.status == "open"
    member.received()
    return member, question.id


def question_of(services, text: str) -> Question:
    with Session(services.db) as session:
        return session.exec(select(Question).where(Question.text == text)).one()


def answers_to(services, question_id: int) -> list[Answer]:
    with Session(services.db) as session:
        return list(session.exec(select(Answer).where(Answer.question_id == question_id)
                                 .order_by(Answer.id)))


def audit(services, action: str) -> list[AuditLog]:
    with Session(services.db) as session:
        return list(session.exec(select(AuditLog).where(AuditLog.action == action)))


def act(client, page: str, url: str, **form):
    """Posts an action form of a page, as the browser does (with the page's token)."""
    html = client.get(page).text
    return client.post(url, data={"csrf_token": csrf_of(html), **form})


def everywhere(services, world, question_id: int) -> list[str]:
    """The admin's queues in which the question (or an answer to it) shows."""
    with Session(services.db) as session:
        admin = principal_of(session, session.get(ConsoleAccount, world.accounts["admin"]))
        return [name for name, build in queues.BUILDERS.items()
                if any(isinstance(value, Question) and value.id == question_id
                       for row in session.execute(build(admin)).all() for value in row)]


def test_a_moderator_answers_a_khmer_question_the_asker_rates_it_helpful(services, world,
                                                                          client_as):
    member, question_id = escalated_khmer(services)
    moderator = client_as("moderator")
    page = moderator.get(ESCALATED)
    assert page.status_code == 200
    assert f'<p lang="km" class="said">{KHMER_QUESTION}</p>' in page.text
    response = act(moderator, ESCALATED, f"{ESCALATED}/{question_id}/answer",
                   text=KHMER_ANSWER)
    assert response.status_code == 303
    assert response.headers["location"] == f"{ESCALATED}?ok=answered"
    relayed = member.received()
    assert relayed[0].channel == "sms" and KHMER_ANSWER in relayed[0].text
    assert member.text_of("ask.rate") in "".join(r.text for r in relayed)
    run_table(member, [("1", Expect(keys=("ask.thanks",)))])
    (answer,) = answers_to(services, question_id)
    assert (answer.member_id, answer.account_id) == (None, world.accounts["moderator"])
    assert (answer.status, answer.helpful, answer.faq_candidate) == ("relayed", True, True)
    assert KHMER_QUESTION not in moderator.get(ESCALATED).text
    assert KHMER_ANSWER in moderator.get("/admin/queues/faq").text
    assert "answered" in moderator.get(response.headers["location"]).text
    (row,) = audit(services, "question.answer")
    assert row.account_id == world.accounts["moderator"] and row.details["messages_sent"] == 1


def test_did_not_help_sends_it_back_to_the_moderators(services, client_as):
    member, question_id = escalated_khmer(services)
    moderator = client_as("moderator")
    act(moderator, ESCALATED, f"{ESCALATED}/{question_id}/answer", text=KHMER_ANSWER)
    member.received()
    run_table(member, [("2", Expect(keys=("ask.sorry", "ask.moderators")))])
    question = question_of(services, KHMER_QUESTION)
    assert question.status == "open" and question.escalated_at is not None
    assert KHMER_QUESTION in moderator.get(ESCALATED).text


def test_assigned_to_a_resource_person_who_answers_by_code(services, client_as):
    member, question_id = escalated_khmer(services)
    person = expert(services, "telegram", trusted=True, languages=["km"])
    moderator = client_as("moderator")
    assert f"{ESCALATED}/{question_id}/assign" in moderator.get(ESCALATED).text
    page = moderator.get(f"{ESCALATED}/{question_id}/assign").text  # the page without JS
    assert f'<option value="{person.member().id}">Aminah · MY · en, km · fisheries' in page
    fragment = moderator.get(f"{ESCALATED}/{question_id}/assign",
                             headers={"HX-Request": "true"}).text  # htmx loads it inline
    assert fragment.lstrip().startswith("<form") and "<nav" not in fragment
    response = act(moderator, ESCALATED, f"{ESCALATED}/{question_id}/assign",
                   member_id=str(person.member().id))
    assert response.headers["location"] == f"{ESCALATED}?ok=assigned"
    notice = person.received()
    assert KHMER_QUESTION in notice[0].text and "Cambodia" in notice[0].text
    question = question_of(services, KHMER_QUESTION)
    assert (question.status, question.escalated_at) == ("routed", None)
    assert KHMER_QUESTION not in moderator.get(ESCALATED).text
    person.say(f"{code_in(notice)} {KHMER_ANSWER}")
    assert KHMER_ANSWER in member.received()[0].text


def test_routing_again_says_what_came_of_it(services, client_as):
    member, question_id = escalated_khmer(services)
    moderator = client_as("moderator")
    response = act(moderator, ESCALATED, f"{ESCALATED}/{question_id}/route")
    assert response.headers["location"] == f"{ESCALATED}?ok=routed_nobody"
    assert "Nobody else offers this topic" in moderator.get(response.headers["location"]).text
    assert question_of(services, KHMER_QUESTION).escalated_at is not None
    topics = question_of(services, KHMER_QUESTION).topics
    assert topics, "the search gives the Khmer question about dried fish a topic"
    person = expert(services, "telegram", languages=["km"], topics_offered=topics)
    response = act(moderator, ESCALATED, f"{ESCALATED}/{question_id}/route")
    assert response.headers["location"] == f"{ESCALATED}?ok=routed_1"
    assert KHMER_QUESTION in person.received()[0].text
    assert question_of(services, KHMER_QUESTION).escalated_at is None
    assert KHMER_QUESTION not in moderator.get(ESCALATED).text
    first, second = audit(services, "question.route")
    assert first.details["outcome"] == "nobody" and first.details["reasons"]
    assert (second.details["outcome"], second.details["routed"]) == ("routed", 1)


def test_a_question_waiting_for_quiet_hours_after_routing_again(services, client_as):
    member, question_id = escalated_khmer(services)
    topics = question_of(services, KHMER_QUESTION).topics
    assert topics
    earlier = expert(services, "telegram", "other", languages=["km"], topics_offered=topics)
    moderator = client_as("moderator")
    act(moderator, ESCALATED, f"{ESCALATED}/{question_id}/route")
    assert earlier.received()  # asked; then nobody answers and it escalates again
    with Session(services.db) as session:
        session.get(Question, question_id).escalated_at = utcnow()
        session.commit()
    night = utcnow().hour  # a resource person whose quiet hours hold this hour
    expert(services, "telegram", languages=["km"], topics_offered=topics,
           timezone="UTC", quiet_start=night, quiet_end=(night + 2) % 24)
    response = act(moderator, ESCALATED, f"{ESCALATED}/{question_id}/route")
    assert response.headers["location"] == f"{ESCALATED}?ok=routed_quiet"
    with Session(services.db) as session:
        routes = session.exec(select(QuestionRoute.status).where(
            QuestionRoute.question_id == question_id)).all()
    assert routes == ["expired"]  # the sweep may route it when the night is over
    page = moderator.get("/admin/queues/waiting").text
    assert KHMER_QUESTION in page and topics[0] in page
    assert f"{(night + 2) % 24:02d}:00 UTC" in page


def test_closed_with_a_message_leaves_every_queue(services, world, client_as):
    member, question_id = escalated_khmer(services)
    moderator = client_as("moderator")
    response = act(moderator, ESCALATED, f"{ESCALATED}/{question_id}/close",
                   message="សូមទាក់ទងការិយាល័យ CEDAC")
    assert response.headers["location"] == f"{ESCALATED}?ok=closed"
    (told,) = member.received()
    assert "សូមទាក់ទងការិយាល័យ CEDAC" in told.text
    assert member.text_of("queues.closed").split("\"")[0] in told.text
    question = question_of(services, KHMER_QUESTION)
    assert question.status == "closed" and question.closed_at is not None
    assert everywhere(services, world, question_id) == []
    again = act(moderator, ESCALATED, f"{ESCALATED}/{question_id}/close", message="x")
    assert again.status_code == 409 and "closed" in again.text


def held_answer(services, attribution: str | None = "1") -> tuple[Chat, Chat, int]:
    """An English question answered by a first-time answerer: the answer is held. The
    answerer says whether their name may be shown ("1" yes) or nothing (None)."""
    member, person = asker(services, "sms"), expert(services, "telegram", trusted=False)
    member.say(f"ASK {FISH}")
    person.say(f"{code_in(person.received())} {ANSWER}")
    person.say(attribution or "MENU")
    (answer,) = answers_to(services, question_of(services, FISH).id)
    assert answer.status == "held"
    return member, person, answer.id


def test_a_held_answer_edited_then_approved(services, client_as):
    member, person, answer_id = held_answer(services)
    moderator = client_as("moderator")
    page = moderator.get("/admin/queues/held").text
    assert ANSWER in page and FISH in page
    edited = "Dry them on raised racks in the sun; turn them twice a day and salt first."
    response = act(moderator, "/admin/queues/held", f"/admin/queues/held/{answer_id}/approve",
                   text=edited)
    assert response.headers["location"] == "/admin/queues/held?ok=approved_sent"
    assert edited in member.received()[0].text
    (answer,) = answers_to(services, question_of(services, FISH).id)
    assert (answer.status, answer.text, answer.text_for_asker) == ("relayed", edited, edited)
    (row,) = audit(services, "answer.approve")
    assert row.details["before_text"] == ANSWER


def test_a_held_answer_rejected_with_a_reason_its_writer_reads(services, client_as):
    member, person, answer_id = held_answer(services)
    moderator = client_as("moderator")
    response = act(moderator, "/admin/queues/held", f"/admin/queues/held/{answer_id}/reject",
                   reason="Please say how long the fish dry.")
    assert response.headers["location"] == "/admin/queues/held?ok=rejected"
    (told,) = person.received()
    assert "Please say how long the fish dry." in told.text and "Thank you" in told.text
    assert member.received() == []
    with Session(services.db) as session:
        answer = session.get(Answer, answer_id)
    assert (answer.status, answer.reject_reason) == ("rejected",
                                                     "Please say how long the fish dry.")
    assert ANSWER not in moderator.get("/admin/queues/held").text


def test_htmx_swaps_the_item_for_the_outcome(services, client_as):
    member, question_id = escalated_khmer(services)
    moderator = client_as("moderator")
    html = moderator.get(ESCALATED).text
    assert f'hx-post="/admin/queues/escalated/{question_id}/answer"' in html
    response = moderator.post(f"{ESCALATED}/{question_id}/answer", data={"text": KHMER_ANSWER},
                              headers={"HX-Request": "true", "X-CSRF-Token": csrf_of(html)})
    assert response.status_code == 200 and "<nav" not in response.text
    assert "Your answer went to the asker" in response.text
    again = moderator.post(f"{ESCALATED}/{question_id}/answer", data={"text": "x"},
                           headers={"HX-Request": "true", "X-CSRF-Token": csrf_of(html)})
    assert "Not done" in again.text and "answered" in again.text


def test_filters_narrow_the_escalated_queue(services, client_as):
    member, question_id = escalated_khmer(services)
    moderator = client_as("moderator")
    assert KHMER_QUESTION in moderator.get(f"{ESCALATED}?lang=km&country=kh").text
    assert KHMER_QUESTION not in moderator.get(f"{ESCALATED}?lang=vi").text
    assert KHMER_QUESTION not in moderator.get(f"{ESCALATED}?country=LA").text
    assert KHMER_QUESTION not in moderator.get(f"{ESCALATED}?org=parc").text
    assert moderator.get(f"{ESCALATED}?lang=xx&country=Cambodia&offset=-4").status_code == 200
