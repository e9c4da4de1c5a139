"""What moderators change about members from the console, and what the members are
told: a resource person made (and asked about attribution) or unmade, a member blocked
(introductions closed, peers told, PEER refused politely) and unblocked, a member
erased (counts kept, nothing personal left)."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from bot.member_notices import BLOCKED, CLOSED, EXPERT_MADE, EXPERT_UNMADE, UNBLOCKED, topics_of
from content.models import (
    Answer,
    Faq,
    Identity,
    InboundMessage,
    Introduction,
    Member,
    OutboundMessage,
    Practice,
    Question,
)
from tests.support.console import csrf_of
from tests.web.console.members_world import DARA, SOKHA, audit_actions, person, relay


@pytest.fixture
def people(services, world):
    return person(services, SOKHA), person(services, DARA)


def post(client, member_id: int, action: str, **form):
    page = client.get(f"/admin/members/{member_id}")
    return client.post(f"/admin/members/{member_id}/{action}",
                       data={**form, "csrf_token": csrf_of(page.text)})


def stored(services, member_id: int) -> Member:
    with Session(services.db) as session:
        return session.get(Member, member_id)


def test_a_new_resource_person_is_told_and_asked_about_attribution(services, client_as,
                                                                    people):
    sokha = people[0]
    response = post(client_as("moderator"), sokha.id, "expert",
                    topics=["farming", "microfinance"], languages=["km", "en"])
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/admin/members/{sokha.id}?ok=expert_made")
    member = stored(services, sokha.id)
    assert (member.role, member.topics_offered, member.languages) == (
        "expert", ["farming", "microfinance"], ["en"])
    # In Khmer, each SMS within the two segments (Chat checks it): the news, the question
    notices = "\n".join(m.text for m in sokha.chat.received())
    told = sokha.chat.text_of(EXPERT_MADE).format(topics=topics_of(member))
    assert told in notices and "កសិកម្ម" in topics_of(member)
    assert sokha.chat.text_of("answering.attribution") in notices
    replies = sokha.chat.say("1")
    assert sokha.chat.text_of("answering.noted") in replies[0].text
    assert stored(services, sokha.id).attribution == "named"
    assert ("member.expert", str(sokha.id)) in audit_actions(services)
    again = post(client_as("moderator"), sokha.id, "expert", topics=["farming"])
    assert again.headers["location"].endswith("ok=expert_updated")
    assert sokha.chat.received() == []  # not told twice


def test_a_resource_person_without_a_name_is_not_asked_about_it(services, client_as,
                                                                  people):
    sokha = people[0]
    with Session(services.db) as session:
        member = session.get(Member, sokha.id)
        member.name = None
        session.add(member)
        session.commit()
    post(client_as("moderator"), sokha.id, "expert", topics=["farming"])
    notices = "\n".join(m.text for m in sokha.chat.received())
    assert sokha.chat.text_of(EXPERT_MADE).split("{")[0] in notices
    assert sokha.chat.text_of("answering.attribution") not in notices


def test_a_resource_person_unmade_gets_a_polite_note(services, client_as, people):
    sokha = people[0]
    post(client_as("moderator"), sokha.id, "expert", topics=["farming"])
    sokha.chat.received()
    response = post(client_as("moderator"), sokha.id, "unexpert")
    assert response.headers["location"].endswith("ok=expert_unmade")
    assert (stored(services, sokha.id).role, stored(services, sokha.id).topics_offered) == (
        "member", [])
    (note,) = sokha.chat.received()
    assert note.text == sokha.chat.text_of(EXPERT_UNMADE)
    refused = post(client_as("moderator"), sokha.id, "unexpert")
    assert refused.status_code == 409 and "not a resource person" in refused.text


def test_bad_resource_person_forms_are_refused_with_the_reason(client_as, people):
    sokha = people[0]
    response = post(client_as("moderator"), sokha.id, "expert", topics=["astrology"])
    assert response.status_code == 422 and "astrology" in response.text
    response = post(client_as("moderator"), sokha.id, "expert", topics=["farming"],
                    organisation="parc")
    assert response.status_code == 422 and "your organisation" in response.text


def test_a_blocked_member_gets_no_introductions_and_their_peers_are_told(services,
                                                                         client_as, people):
    sokha, dara = people
    intro_id = relay(services, sokha, dara)
    response = post(client_as("moderator"), sokha.id, "block", reason="insults in P12")
    assert response.headers["location"].endswith("ok=blocked")
    with Session(services.db) as session:
        intro = session.get(Introduction, intro_id)
        assert (intro.status, intro.closed_by) == ("closed", None)
    (told_sokha,) = sokha.chat.received()
    assert told_sokha.text == sokha.chat.text_of(BLOCKED)
    (told_dara,) = dara.chat.received()
    assert told_dara.text == dara.chat.text_of(CLOSED)
    (refusal, *_) = sokha.chat.say("PEER")
    assert sokha.chat.text_of("members.peer_refused") in refusal.text
    (closed, *_) = sokha.chat.say("P12 are you there?")
    assert dara.chat.received() == []  # nothing passed on
    assert closed.text.startswith(sokha.chat.text_of("relay.closed", "km")[:10])
    page = client_as("viewer").get(f"/admin/members/{sokha.id}").text
    assert "blocked" in page and "insults in P12" in page
    response = post(client_as("moderator"), sokha.id, "unblock")
    assert response.headers["location"].endswith("ok=unblocked")
    (told,) = sokha.chat.received()
    assert told.text == sokha.chat.text_of(UNBLOCKED)
    assert stored(services, sokha.id).blocked_at is None
    replies = sokha.chat.say("PEER")
    assert sokha.chat.text_of("members.peer_refused") not in replies[0].text
    assert [a for a, _ in audit_actions(services) if a.startswith(("member.", "intro"))] == [
        "introduction.close", "member.block", "member.unblock"]


def test_blocking_needs_a_reason(client_as, people):
    response = post(client_as("moderator"), people[0].id, "block", reason="  ")
    assert response.status_code == 422 and "why" in response.text


def test_an_erased_member_keeps_the_counts_and_nothing_personal(services, client_as,
                                                                people):
    sokha, dara = people
    relay(services, sokha, dara)
    sokha.chat.say("P12 ខ្ញុំឈ្មោះសុខា លេខខ្ញុំ 012345001")
    sokha.chat.say("ASK តើធ្វើដូចម្តេចដើម្បីសម្ងួតស្រូវឱ្យបានល្អ?")
    with Session(services.db) as session:
        practice = session.exec(select(Practice)).first()
        question = Question(member_id=dara.id, lang="km", text="How to keep pepper dry?")
        session.add(question)
        session.flush()
        promoted = Answer(question_id=question.id, member_id=sokha.id, lang="km",
                          text="Dry it on racks", status="relayed", attribution="named")
        kept_private = Answer(question_id=question.id, member_id=sokha.id, lang="km",
                              text="Ask my cousin Chan at the Takeo market",
                              status="relayed", text_for_asker="Ask my cousin Chan at the "
                              "Takeo market")
        session.add_all([promoted, kept_private])
        session.flush()
        faq = Faq(practice_id=practice.id, lang="km", position=99, question=question.text,
                  answer=promoted.text, answer_id=promoted.id, attribution=sokha.name)
        session.add(faq)
        session.flush()
        promoted.promoted_faq_id = faq.id
        session.add(promoted)
        identity = session.exec(select(Identity).where(Identity.member_id == dara.id)).one()
        session.add(OutboundMessage(member_id=dara.id, identity_id=identity.id,
                                    provider="simulator", channel="sms", address=dara.phone,
                                    purpose="answer", status="sent",
                                    text="Answer: Ask my cousin Chan at the Takeo market"))
        session.commit()
        faq_id, promoted_id = faq.id, promoted.id
        questions_before = _count(session, Question, Question.member_id == sokha.id)
    try:
        _erase_and_check(services, client_as("admin"), sokha, dara, faq_id, promoted_id,
                         questions_before)
    finally:  # the FAQ is content: the database keeps it between tests
        with Session(services.db) as session:
            session.delete(session.get(Faq, faq_id))
            session.commit()


def _erase_and_check(services, admin, sokha, dara, faq_id: int, promoted_id: int,
                     questions_before: int) -> None:
    page = admin.get(f"/admin/members/{sokha.id}/erase")
    wrong = admin.post(f"/admin/members/{sokha.id}/erase",
                       data={"confirm": str(dara.id), "csrf_token": csrf_of(page.text)})
    assert wrong.status_code == 422 and stored(services, sokha.id).name == sokha.name
    done = admin.post(f"/admin/members/{sokha.id}/erase",
                      data={"confirm": str(sokha.id), "csrf_token": csrf_of(page.text)})
    assert done.headers["location"].endswith("ok=erased")
    member = stored(services, sokha.id)
    assert (member.name, member.enterprise, member.erased_at is not None) == (
        None, None, True)
    secrets = (sokha.name, "សុខា", SOKHA[3], sokha.phone, "012345001", "សម្ងួតស្រូវ", "cousin")
    with Session(services.db) as session:
        assert _count(session, Question, Question.member_id == sokha.id) == questions_before
        assert _count(session, Answer, Answer.member_id == sokha.id) == 2
        texts = [*session.exec(select(Identity.address)),
                 *session.exec(select(InboundMessage.text)),
                 *session.exec(select(InboundMessage.address)),
                 *session.exec(select(OutboundMessage.text)),
                 *session.exec(select(OutboundMessage.address)),
                 *session.exec(select(Question.text)), *session.exec(select(Answer.text)),
                 *(t for t in session.exec(select(Answer.text_for_asker)) if t),
                 *(n for n in session.exec(select(Member.name)) if n)]
        assert [t for t in texts if any(s in t for s in secrets)] == []
        assert session.get(Faq, faq_id).attribution is None
        assert session.get(Answer, promoted_id).text == "Dry it on racks"  # in the FAQ
        assert all(i.opted_out for i in session.exec(select(Identity).where(
            Identity.member_id == sokha.id)))
    with Session(services.db) as session:  # P12 closed, Dara told (her last message)
        last = session.exec(select(OutboundMessage).where(OutboundMessage.member_id == dara.id)
                            .order_by(OutboundMessage.id.desc())).first()
        assert last.text == dara.chat.text_of(CLOSED)
    member = stored(services, sokha.id)
    assert (member.consent_matching, member.topics_offered) == (False, [])
    assert ("member.erase", str(sokha.id)) in audit_actions(services)
    assert "erased" in admin.get(f"/admin/members/{sokha.id}").text
    assert admin.post(f"/admin/members/{sokha.id}/erase", data={
        "confirm": str(sokha.id), "csrf_token": csrf_of(page.text)}).status_code == 409


def _count(session: Session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()
