"""VISIT: interest in visiting a practice's host, named by the story read, a number, a
name or a list; recorded once per member and practice, with the member's country."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from content.db import session_scope
from content.models import Member, Practice, Reading, VisitInterest, utcnow
from services import documentation, stories, versions, visits
from services.sms import gsm_friendly
from tests.bot.test_dialogs import CHANNELS, onboard
from tests.bot.test_share import drop_member_practices
from tests.support.chat import Chat, Expect, run_table

WHICH = Expect(keys=("visit.which",), choices=("1", "2", "3"))


@pytest.fixture(autouse=True)
def _clean(services):
    yield
    drop_member_practices(services.db)


def publish_member_practice(services, title: str, *, welcome: bool | None,
                            topics: tuple[str, ...] = ("fisheries",),
                            contributor_id: int | None = None) -> int:
    """A practice documented through SHARE and published, by a Philippine member."""
    now = utcnow()
    with session_scope(services.db) as session:
        member = session.get(Member, contributor_id) if contributor_id else None
        if member is None:
            member = Member(country="PH", language="en")
            session.add(member)
            session.flush()
        practice = documentation.start_draft(session=session, member=member, now=now)
        for question, text in (("name", title), ("problem", f"Why {title} matters."),
                               ("how", f"How {title} works, step by step.")):
            documentation.save_answer(session=session, practice=practice, member=member,
                                      question=question, text=text, now=now)
        if welcome is not None:
            documentation.save_answer(session=session, practice=practice, member=member,
                                      question="visitors", text="yes" if welcome else "no",
                                      now=now)
        practice.topics = list(topics)
        versions.publish(session=session, practice=practice, actor="test", now=now)
        return practice.id


def interests(services) -> list[VisitInterest]:
    with Session(services.db) as session:
        return list(session.exec(select(VisitInterest).order_by(VisitInterest.id)))


def thanked(chat: Chat, title: str, key: str = "visit.thanks") -> Expect:
    text = chat.services.catalog.text(chat.member().language, key, chat.channel, title=title)
    return Expect(contains=(text,), keys=("menu.title",))


def offered(services, chat: Chat) -> list[int]:
    with Session(services.db) as session:
        member = session.get(Member, chat.member().id)
        return visits.offer(session=session, member=member)


def title_of(services, practice_id: int) -> str:
    with Session(services.db) as session:
        return stories.titles(session=session, practice_ids=[practice_id], langs=["en"])[
            practice_id]


@pytest.mark.parametrize("channel", CHANNELS)
def test_visit_after_a_story_offers_that_practice(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    chat.say("STORY")
    with Session(services.db) as session:
        (reading,) = session.exec(select(Reading).where(Reading.member_id == chat.member().id))
    title = title_of(services, reading.practice_id)
    question = services.catalog.text("en", "visit.confirm", channel, title=title)
    if channel == "sms":  # the whole title (it fits two SMS), in GSM-7 letters
        question = gsm_friendly(question)
    confirm = Expect(contains=(question,), choices=("1", "2", "0"))
    run_table(chat, [
        ("VISIT", confirm),
        ("maybe", Expect(out_of_range=(1, 2), choices=("1", "2"))),
        ("1", Expect(keys=("menu.title",))),
    ])
    (row,) = interests(services)
    assert (row.practice_id, row.member_id, row.country) == (
        reading.practice_id, chat.member().id, "KH")
    run_table(chat, [("VISIT", confirm), ("1", Expect(keys=("menu.title",)))])
    assert len(interests(services)) == 1  # once per member and practice


@pytest.mark.parametrize("channel", CHANNELS)
def test_visit_with_nothing_read_lists_hosts_who_welcome_visitors_first(services, channel):
    welcoming = publish_member_practice(services, "Seaweed farm", welcome=True)
    refusing = publish_member_practice(services, "Private mill", welcome=False)
    chat = Chat(services, channel)
    onboard(chat)
    listed = offered(services, chat)
    assert listed[0] == welcoming and refusing not in listed
    run_table(chat, [
        ("VISIT", WHICH),
        ("12", Expect(keys=("out_of_range", "visit.which"))),
        ("1", thanked(chat, "Seaweed farm")),
        ("VISIT 1", thanked(chat, "Seaweed farm", "visit.already")),
    ])
    (row,) = interests(services)
    assert row.practice_id == welcoming


@pytest.mark.parametrize("channel", CHANNELS)
def test_visit_a_number_or_a_name_goes_straight_to_it(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    second = offered(services, chat)[1]
    run_table(chat, [
        ("VISIT 2", Expect(keys=("menu.title",))),
        ("VISIT sri-cambodia", Expect(keys=("menu.title",))),
        ("VISIT 99", Expect(keys=("out_of_range", "visit.which"))),
        ("VISIT zqxj", Expect(keys=("visit.unknown", "visit.which"))),
        ("MENU", Expect(keys=("menu.title",))),
    ])
    with Session(services.db) as session:
        sri = stories.practice_by_slug(session=session, slug="sri-cambodia").id
    expected = [second] if sri == second else [second, sri]
    assert [r.practice_id for r in interests(services)] == expected


@pytest.mark.parametrize("channel", CHANNELS)
def test_from_the_confirmation_another_practice_can_be_chosen(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    chat.say("STORY")
    first = offered(services, chat)[0]
    run_table(chat, [("VISIT", Expect(choices=("1", "2"))), ("2", WHICH),
                     ("1", Expect(keys=("menu.title",)))])
    assert [r.practice_id for r in interests(services)] == [first]


@pytest.mark.parametrize("channel", CHANNELS)
def test_own_practice_and_closed_hosts_are_never_offered(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    own = publish_member_practice(services, "My own dryer", welcome=True,
                                  contributor_id=chat.member().id)
    closed = publish_member_practice(services, "Closed farm", welcome=False)
    listed = offered(services, chat)
    assert own not in listed and closed not in listed
    with Session(services.db) as session:
        slugs = [session.get(Practice, pid).slug for pid in (own, closed)]
    run_table(chat, [(f"VISIT {slug}", Expect(keys=("visit.unknown",))) for slug in slugs])
    assert interests(services) == []


def test_demand_counts_members_per_practice_and_country(services):
    lao = Chat(services, "sms", "+8562055512345")
    khmer = Chat(services, "sms", "+85512000111")
    other_khmer = Chat(services, "telegram", "100077")
    for chat in (lao, khmer, other_khmer):
        onboard(chat)
        chat.say("VISIT sri-cambodia")
    lao.say("VISIT sri-cambodia")  # twice: still one
    with Session(services.db) as session:
        demand = visits.demand(session=session)
    assert [(d.slug, d.country, d.members) for d in demand] == [
        ("sri-cambodia", "KH", 2), ("sri-cambodia", "LA", 1)]


def test_no_practice_to_visit_is_said_plainly(services):
    chat = Chat(services, "sms")
    onboard(chat)
    with session_scope(services.db) as session:
        hidden = list(session.exec(select(Practice).where(Practice.status == "published")))
        for practice in hidden:
            practice.visitors_welcome = False
            session.add(practice)
    try:
        run_table(chat, [("VISIT", Expect(keys=("visit.none", "menu.title")))])
    finally:
        with session_scope(services.db) as session:
            for practice in hidden:
                practice.visitors_welcome = None
                session.add(practice)
