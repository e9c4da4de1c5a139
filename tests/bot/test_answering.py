"""Questions routed to people: the answerer's notice and reply code, the answer relayed
to the asker and rated, re-routing, quiet hours and escalation, on SMS and Telegram."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import product

import pytest
from sqlmodel import Session, select

from bot import notify
from bot.catalog import Catalog
from bot.flows import answering
from bot.render import Renderer
from bot.replies import Reply
from content.channels import kind
from content.db import session_scope
from content.languages import LANGUAGE_CODES
from content.models import Answer, Member, Question, QuestionRoute, utcnow
from tests.bot.test_dialogs import CHANNELS, onboard
from tests.support.chat import Chat, Expect, run_table

SMS = kind("sms")

FISH = "How do I dry fish?"  # the search finds the PARC practice: topic fisheries
ANSWER = "Dry them on raised racks in the sun, turn them twice a day."
ADDRESSES = {("asker", "sms"): "+85512345678", ("asker", "telegram"): "300001",
             ("expert", "sms"): "+60123456789", ("expert", "telegram"): "300002",
             ("other", "sms"): "+639171234567", ("other", "telegram"): "300003"}
CODE = re.compile(r"\b([A-HJ-NQ-Z]\d{2,3})\b")
BOTH = list(product(CHANNELS, CHANNELS))
CATALOG = Catalog.load()


def asker(services, channel: str, language: str = "1") -> Chat:
    """An onboarded member in Cambodia (English unless told)."""
    chat = Chat(services, channel, ADDRESSES["asker", channel])
    onboard(chat, language)
    set_member(chat, country="KH")
    return chat


def expert(services, channel: str, who: str = "expert", *, trusted: bool = True,
           **fields) -> Chat:
    """An onboarded member who offers fisheries, reachable at any hour; `trusted`: a
    moderator approved an earlier answer of theirs, so theirs go out directly."""
    chat = Chat(services, channel, ADDRESSES[who, channel])
    onboard(chat)
    values = dict(role="expert", topics_offered=["fisheries"], languages=[], country="MY",
                  timezone="Asia/Kuala_Lumpur", quiet_start=0, quiet_end=0, name="Aminah")
    set_member(chat, **{**values, **fields})
    if trusted:
        with session_scope(services.db) as session:
            earlier = Question(member_id=chat.member().id, lang="en", text="earlier",
                               status="answered")
            session.add(earlier)
            session.flush()
            session.add(Answer(question_id=earlier.id, member_id=chat.member().id,
                               lang="en", text="earlier", status="relayed"))
    return chat


def set_member(chat: Chat, **fields) -> None:
    with session_scope(chat.services.db) as session:
        member = session.get(Member, chat.member().id)
        for name, value in fields.items():
            setattr(member, name, value)


def code_in(rows) -> str:
    (message,) = rows
    return CODE.search(message.text).group(1)


def answers(services) -> list[Answer]:
    with Session(services.db) as session:
        return list(session.exec(select(Answer).where(Answer.text != "earlier")
                                 .order_by(Answer.id)))


def question_of(services, text: str = FISH) -> Question:
    with Session(services.db) as session:
        return session.exec(select(Question).where(Question.text == text)).one()


@pytest.mark.parametrize("asker_channel, expert_channel", BOTH)
def test_an_answer_comes_back_and_is_rated(services, asker_channel, expert_channel):
    member, person = asker(services, asker_channel), expert(services, expert_channel)
    run_table(member, [(f"ASK {FISH}", Expect(keys=("ask.sent_one", "menu.title")))])
    notice = person.received()
    assert FISH in notice[0].text and "Cambodia" in notice[0].text
    assert "fisheries" in notice[0].text and notice[0].buttons == []
    code = code_in(notice)
    run_table(person, [
        (f"{code} {ANSWER}", Expect(keys=("answering.sent", "answering.attribution"),
                                    choices=("1", "2"))),
        ("3", Expect(keys=("answering.attribution",), out_of_range=(1, 2))),
        ("1", Expect(keys=("answering.noted", "menu.title"))),
    ])
    relayed = member.received()
    member.check(relayed, Expect(keys=("ask.rate",), choices=("1", "2"),
                                 contains=(ANSWER, FISH)), "(relayed)")
    assert "+60" not in relayed[0].text and "Aminah" not in relayed[0].text
    run_table(member, [("1", Expect(keys=("ask.thanks", "menu.title")))])
    (answer,) = answers(services)
    assert (answer.status, answer.attribution, answer.helpful, answer.faq_candidate) == (
        "relayed", "named", True, True)
    assert question_of(services).status == "answered"


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_code_alone_asks_for_the_answer(services, channel):
    member, person = asker(services, channel), expert(services, channel)
    member.say(f"ASK {FISH}")
    code = code_in(person.received())
    run_table(person, [
        (code.lower(), Expect(contains=(code,))),
        ("MENU", Expect(keys=("menu.title",))),
        (code, Expect(contains=(code,))),
        (ANSWER, Expect(keys=("answering.sent",))),
    ])
    assert [a.text for a in answers(services)] == [ANSWER]


@pytest.mark.parametrize("channel", CHANNELS)
def test_someone_elses_code_is_read_as_usual(services, channel):
    member, person = asker(services, channel), expert(services, channel)
    other = expert(services, channel, "other", topics_offered=["forestry"])
    member.say(f"ASK {FISH}")
    code = code_in(person.received())
    run_table(other, [(f"{code} {ANSWER}", Expect(keys=("not_understood",))),
                      ("Q999 hello", Expect(keys=("not_understood",)))])
    assert answers(services) == [] and other.received() == []


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_first_answer_is_held_and_the_name_is_asked_once(services, channel):
    member, person = asker(services, channel), expert(services, channel, trusted=False)
    member.say(f"ASK {FISH}")
    code = code_in(person.received())
    run_table(person, [(f"{code} {ANSWER}", Expect(keys=("answering.held",
                                                         "answering.attribution"))),
                       ("2", Expect(keys=("answering.noted",)))])
    assert member.received() == []
    member.say("ASK How do we dry fish to sell at the market?")
    second = code_in(person.received())
    run_table(person, [(f"{second} Salt them first.", Expect(keys=("answering.held",
                                                                   "menu.title")))])
    assert [(a.status, a.attribution) for a in answers(services)] == [
        ("held", "anonymous"), ("held", "anonymous")]


@pytest.mark.parametrize("channel", CHANNELS)
def test_khmer_asker_and_english_reader_go_through_the_translation_queue(services, channel):
    member = asker(services, channel, language="2")
    person = expert(services, channel, language="ms", languages=["en"])
    run_table(member, [("សួរ ខ្ញុំចង់ធ្វើអាជីវកម្មត្រីងៀត", Expect(keys=("ask.translating",)))])
    assert person.received() == []  # not before a moderator gave the English text
    question = question_of(services, "ខ្ញុំចង់ធ្វើអាជីវកម្មត្រីងៀត")
    assert question.needs_translation and question.text_en is None
    with session_scope(services.db) as session:
        session.get(Question, question.id).text_en = "I want to run a dried fish business."
        for notice in answering.waiting_notices(session, question.id):
            notify.deliver(session, services.catalog, notice, now=utcnow())
    notice = person.received()
    assert "dried fish business" in notice[0].text and "Kemboja" in notice[0].text  # Malay
    run_table(person, [(f"{code_in(notice)} {ANSWER}",
                        Expect(keys=("answering.translating",)))])
    (answer,) = answers(services)
    assert (answer.lang, answer.status, answer.text_for_asker) == ("en", "approved", None)
    assert member.received() == []  # waits for the translation into Khmer


@pytest.mark.parametrize("channel", CHANNELS)
def test_not_helped_goes_to_other_people_then_to_moderators(services, channel):
    member, person = asker(services, channel), expert(services, channel)
    member.say(f"ASK {FISH}")
    person.say(f"{code_in(person.received())} {ANSWER}")
    person.say("1")
    other = expert(services, channel, "other", name=None)
    member.received()
    run_table(member, [("2", Expect(keys=("ask.sorry", "ask.sent_one", "menu.title")))])
    assert person.received() == []
    run_table(other, [(f"{code_in(other.received())} Smoke them.",
                       Expect(keys=("answering.sent", "menu.title")))])
    member.received()
    run_table(member, [("2", Expect(keys=("ask.sorry", "ask.moderators")))])
    question = question_of(services)
    assert question.status == "open" and question.escalated_at is not None
    assert [a.helpful for a in answers(services)] == [False, False]


@pytest.mark.parametrize("channel", CHANNELS)
def test_nobody_offering_the_topic_is_said_honestly(services, channel):
    member = asker(services, channel)
    expert(services, channel, topics_offered=["forestry"])
    run_table(member, [(f"ASK {FISH}", Expect(keys=("ask.moderators", "menu.title")))])
    assert question_of(services).escalated_at is not None


def quiet_now(hours: int = 2) -> tuple[int, int]:
    """Quiet hours (UTC) that hold now and for the next hour."""
    hour = utcnow().hour
    return (hour - 1) % 24, (hour + hours) % 24


@pytest.mark.parametrize("channel", CHANNELS)
def test_answerers_in_their_night_get_it_from_the_sweep(services, channel):
    member = asker(services, channel)
    start, end = quiet_now()
    person = expert(services, channel, timezone="UTC", quiet_start=start, quiet_end=end)
    run_table(member, [(f"ASK {FISH}", Expect(keys=("ask.later", "menu.title")))])
    assert person.received() == []
    with session_scope(services.db) as session:
        assert answering.sweep(session, utcnow()) == []  # still night
    morning = utcnow() + timedelta(hours=3)
    with session_scope(services.db) as session:
        notices = answering.sweep(session, morning)
        assert [n.member_id for n in notices] == [person.member().id]
        for notice in notices:
            notify.deliver(session, services.catalog, notice, now=morning)
    assert FISH in person.received()[0].text
    with session_scope(services.db) as session:
        assert answering.sweep(session, morning) == []  # once
    assert question_of(services).status == "routed"


@pytest.mark.parametrize("after, hours, escalated", [
    (None, 47, False), (None, 49, True), (timedelta(hours=2), 3, True),
], ids=["before-48h", "after-48h", "configured-2h"])
def test_the_sweep_escalates_unanswered_questions_once(services, after, hours, escalated):
    member, person = asker(services, "sms"), expert(services, "telegram")
    member.say(f"ASK {FISH}")
    person.received()
    later = utcnow() + timedelta(hours=hours)
    extra = {} if after is None else {"after": after}
    with session_scope(services.db) as session:
        notices = answering.sweep(session, later, **extra)
    assert [n.member_id for n in notices] == ([member.member().id] if escalated else [])
    first = question_of(services).escalated_at
    assert (first is not None) is escalated
    with session_scope(services.db) as session:
        assert answering.sweep(session, later, **extra) == []  # told once
    assert question_of(services).escalated_at == first


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_asker_is_told_when_a_moderator_takes_the_question(services, channel):
    """Nobody answered in 48 hours: the asker hears it, in Khmer, with their question."""
    member = asker(services, channel, language="2")
    expert(services, channel, languages=["km"])
    question = "សួរ តើធ្វើត្រីងៀតឲ្យលឿនស្ងួតដោយរបៀបណា?"
    member.say(question)
    member.received()
    later = utcnow() + timedelta(hours=49)
    with session_scope(services.db) as session:
        for notice in answering.sweep(session, later):
            notify.deliver(session, services.catalog, notice, now=later)
    (told,) = member.received()
    assert member.text_of("ask.escalated").split("{")[0].split('"')[0] in told.text
    assert "ត្រីងៀត" in told.text and (channel == "telegram" or told.segments <= 2)


def test_route_question_returns_the_notices_for_other_flows(services):
    member, person = asker(services, "sms"), expert(services, "telegram")
    with session_scope(services.db) as session:
        row = Question(member_id=member.member().id, lang="en", text=FISH, source="tried")
        session.add(row)
        session.flush()
        (notice,) = answering.route_question(session, row.id, datetime.now(UTC))
        assert notice.member_id == person.member().id
        (reply,) = notice.replies
        assert reply.key == "answering.question" and reply.params["country"] == "Cambodia"
        code = reply.params["code"]
        assert session.exec(select(QuestionRoute.code)).all() == [code]
        assert answering.route_question(session, row.id, datetime.now(UTC)) == []


QUESTIONS = {
    "attribution": Reply("answering.attribution", choices=answering.ATTRIBUTION),
    "write": Reply("answering.write", {"code": "A157"}),
    "rate": Reply("ask.rate", choices=answering.RATE),
}
SAMPLE = {"n": 3, "name": "Aminah binti Abdullah", "country": "Philippines", "code": "A157",
          "topic": "food processing", "question": "", "text": "How do I dry fish?",
          "answer": ""}


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
@pytest.mark.parametrize("name", QUESTIONS)
def test_every_question_fits_two_sms_segments(lang, name):
    rendering = Renderer(CATALOG, SMS, lang, budget=2).render([QUESTIONS[name]])
    assert rendering.pending == [], f"{name} in {lang} needs MORE"
    assert len(rendering.messages) == 1 and rendering.messages[0].segments <= 2


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_every_answering_text_fits_and_a_long_question_keeps_its_code_first(lang):
    keys = [k for k in CATALOG.texts["en"] if k.startswith("answering.")
            or k in ("ask.sent", "ask.sent_one", "ask.translating", "ask.later",
                     "ask.moderators", "ask.sorry") or k.startswith("ask.credit.")]
    for key in keys:
        rendering = Renderer(CATALOG, SMS, lang, budget=2).render([Reply(key, SAMPLE)])
        assert rendering.pending == [] and rendering.messages[0].segments <= 2, (lang, key)
    long = Reply("answering.question", {**SAMPLE, "question": "fish " * 200})
    rendering = Renderer(CATALOG, SMS, lang, budget=2).render([long])
    assert rendering.pending and "A157" in rendering.messages[0].text

