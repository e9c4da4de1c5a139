"""TRIED: reports of practices tried, the follow-up after a practice was read, and "did
not work" turned into a question for peers (the counts: test_replication.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot import jobs
from bot.catalog import Catalog
from bot.flows import tried
from bot.flows.practice_lists import practice_choices
from bot.render import Renderer
from bot.replies import Reply
from content.channels import kind
from content.languages import LANGUAGE_CODES
from content.models import Job, Practice, Question, Reading, ReplicationReport, utcnow
from services import scheduling
from services.stories import titles
from tests.bot.test_dialogs import CHANNELS, onboard
from tests.support.chat import Chat, Expect, Tap, choices, run_table

SMS = kind("sms")

CATALOG = Catalog.load()
OUTCOMES = ("1", "2", "3", "4", "5")
ASK_OUTCOME = Expect(contains=("How did it go with",), choices=OUTCOMES)
MENU = Expect(keys=("menu.title",))


def read_whole_practice(chat: Chat) -> int:
    """Reads the first story offered to the end; returns the practice's id."""
    replies = chat.say("STORY")
    for _ in range(12):
        if "1" not in choices(replies):
            break
        replies = chat.say("1")
    with Session(chat.services.db) as session:
        member_id = chat.identity(session).member_id
        reading = session.exec(select(Reading).where(Reading.member_id == member_id,
                                                     Reading.completed_at.is_not(None))).one()
        return reading.practice_id


def reports(services) -> list[ReplicationReport]:
    with Session(services.db) as session:
        return list(session.exec(select(ReplicationReport).order_by(ReplicationReport.id)))


def questions(services) -> list[Question]:
    with Session(services.db) as session:
        return list(session.exec(select(Question).order_by(Question.id)))


# (answer, outcome stored, what the bot says next, the member's words, then the bot)
OUTCOME_TABLE = [
    ("1", "adopted", ("tried.thanks", "menu.title"), None, ()),
    ("2", "adapted", ("tried.changes_ask",), "We planted wider rows", ("tried.thanks",)),
    ("3", "abandoned", ("tried.wrong_ask",), "The seedlings died in the flood",
     ("tried.asked", "menu.title")),
    ("4", "interested", ("tried.later", "menu.title"), None, ()),
    ("5", "declined", ("tried.declined", "menu.title"), None, ()),
]


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize(("answer", "outcome", "then", "words", "after"), OUTCOME_TABLE)
def test_tried_each_outcome(services, channel, answer, outcome, then, words, after):
    chat = Chat(services, channel)
    onboard(chat)
    practice_id = read_whole_practice(chat)
    rows = [("TRIED", Expect(keys=("tried.which",), choices=("1",))),
            ("1", ASK_OUTCOME),
            (answer, Expect(keys=then))]
    if words:
        rows.append((words, Expect(keys=after)))
    run_table(chat, rows)
    (report,) = reports(services)
    assert (report.practice_id, report.outcome, report.country) == (practice_id, outcome, "KH")
    assert report.text == words
    asked = questions(services)
    if outcome == "abandoned":
        (question,) = asked
        assert (question.source, question.practice_id, question.status) == \
            ("tried", practice_id, "open")
        assert (question.text, question.lang) == (words, "en")
    else:
        assert asked == []


@pytest.mark.parametrize("channel", CHANNELS)
def test_what_changed_can_be_skipped(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    read_whole_practice(chat)
    run_table(chat, [("TRIED", Expect(keys=("tried.which",))), ("1", ASK_OUTCOME),
                     ("2", Expect(keys=("tried.changes_ask",)))])
    asked = chat.log[-1][1]
    if channel == "telegram":  # a Skip button rather than "send 0"
        assert [b["text"] for r in asked for row in r.buttons for b in row] == ["Skip"]
        run_table(chat, [(Tap("0"), MENU)])
    else:
        assert "Skip" not in asked[0].text
        run_table(chat, [("0", MENU)])
    (report,) = reports(services)
    assert (report.outcome, report.text) == ("adapted", None)


@pytest.mark.parametrize("channel", CHANNELS)
def test_tried_by_name_slug_and_number(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    run_table(chat, [
        ("TRIED", Expect(keys=("tried.name_ask",))),  # nothing read yet: ask the name
        ("xyzzy", Expect(keys=("tried.not_found", "tried.name_ask"))),
        ("rice intensification", Expect(keys=("tried.which",), choices=("1", "2"))),
        ("1", Expect(contains=("System of Rice",), choices=OUTCOMES)),
        ("MENU", MENU),
        ("TRIED sri-cambodia", Expect(contains=("System of Rice",), choices=OUTCOMES)),
        ("9", Expect(out_of_range=(1, 5), contains=("System of Rice",), choices=OUTCOMES)),
        ("4", Expect(keys=("tried.later", "menu.title"))),
    ])
    read_whole_practice(chat)
    run_table(chat, [
        ("TRIED 1", ASK_OUTCOME),
        ("1", Expect(keys=("tried.thanks",))),
        ("TRIED 7", Expect(keys=("tried.which",), out_of_range=(1, 1))),
        ("5", Expect(out_of_range=(1, 1), keys=("tried.which",))),
        ("STORY", Expect(choices=("2", "0"))),  # a command still works in the list
    ])
    assert [r.outcome for r in reports(services)] == ["interested", "adopted"]


@pytest.mark.parametrize("channel", CHANNELS)
def test_khmer_member_reports_from_the_menu(services, channel):
    chat = Chat(services, channel, "+85512345678" if channel == "sms" else "100002")
    onboard(chat, language="2")
    practice_id = read_whole_practice(chat)
    run_table(chat, [
        ("0", MENU),
        ("5", Expect(keys=("tried.which",), choices=("1",))),
        ("១", Expect(choices=OUTCOMES)),
        ("៣", Expect(keys=("tried.wrong_ask",))),
        ("កូនស្រូវងាប់ដោយសារទឹកជំនន់", Expect(keys=("tried.asked", "menu.title"))),
    ])
    (question,) = questions(services)
    assert (question.lang, question.source, question.practice_id) == ("km", "tried",
                                                                      practice_id)


@pytest.mark.parametrize("channel", CHANNELS)
def test_did_not_work_reaches_a_peer_who_offers_the_topic(services, channel):
    peer = Chat(services, "telegram" if channel == "sms" else "sms",
                "100009" if channel == "sms" else "+85598765432")
    onboard(peer)
    run_table(peer, [("SETTINGS", Expect(keys=("settings.title",))),
                     ("3", Expect(keys=("settings.offer_ask",))),
                     ("1", Expect(keys=("settings.offer_saved",)))])  # farming & seeds
    chat = Chat(services, channel)
    onboard(chat)
    practice_id = read_whole_practice(chat)
    words = "Our young rice seedlings died after transplanting one per hill"
    run_table(chat, [("TRIED", Expect(keys=("tried.which",))), ("1", ASK_OUTCOME),
                     ("3", Expect(keys=("tried.wrong_ask",))),
                     (words, Expect(keys=("tried.asked",)))])
    (question,) = questions(services)
    assert (question.practice_id, question.source) == (practice_id, "tried")
    received = peer.received()
    assert any(words in r.text for r in received), [r.text for r in received]


def run_followups(services, now) -> int:
    """What the worker does: schedules follow-ups, then runs the due jobs; how many
    were sent."""
    with Session(services.db) as session:
        scheduling.schedule_followups(session=session, now=now)
        session.commit()
    return jobs.run_due(services.db, services.catalog, now=now, worker="test").done


@pytest.mark.parametrize("channel", CHANNELS)
def test_followup_then_a_bare_3_asks_what_went_wrong(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    practice_id = read_whole_practice(chat)
    chat.check(chat.say("MENU"), MENU, "MENU")
    assert run_followups(services, utcnow() + timedelta(days=13)) == 0  # too early
    assert run_followups(services, utcnow() + timedelta(days=15)) == 1
    chat.check(chat.received(), Expect(contains=("You read", "System of Rice"),
                                       choices=OUTCOMES), "(the follow-up)")
    run_table(chat, [
        ("3", Expect(keys=("tried.wrong_ask",))),
        ("Too little water in the dry season", Expect(keys=("tried.asked", "menu.title"))),
    ])
    (report,) = reports(services)
    assert (report.practice_id, report.outcome) == (practice_id, "abandoned")
    (question,) = questions(services)
    assert (question.source, question.practice_id) == ("tried", practice_id)
    assert run_followups(services, utcnow() + timedelta(days=40)) == 0  # never twice


@pytest.mark.parametrize("channel", CHANNELS)
def test_no_followup_after_a_report_or_a_stop(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    practice_id = read_whole_practice(chat)
    member_id = chat.member().id
    job = Job(kind=scheduling.FOLLOWUP, member_id=member_id, ref_id=practice_id,
              due_at=utcnow())
    with Session(services.db) as session:
        assert len(tried.followup(session, job, utcnow())) == 1
    run_table(chat, [("TRIED", Expect(keys=("tried.which",))), ("1", ASK_OUTCOME),
                     ("4", Expect(keys=("tried.later",)))])
    with Session(services.db) as session:
        assert tried.followup(session, job, utcnow()) == []  # "not yet" is a report too
        assert job.status == "cancelled"
        job.status = "due"
        session.delete(session.exec(select(ReplicationReport)).one())
        session.commit()
    chat.say("STOP")
    with Session(services.db) as session:
        assert tried.followup(session, job, utcnow()) == []  # nowhere to send it
        assert job.status == "cancelled"


def _longest_titles(db, lang: str, limit: int = 5) -> list[str]:
    with Session(db) as session:
        ids = list(session.exec(select(Practice.id).where(Practice.status == "published")))
        found = titles(session=session, practice_ids=ids, langs=[lang, "en"])
    return sorted(found.values(), key=len, reverse=True)[:limit]


def _questions(db, lang: str) -> dict[str, list[Reply]]:
    longest = _longest_titles(db, lang)
    listed = practice_choices(longest, segmented=True)
    title = longest[0]
    return {
        "which": [Reply("tried.which", choices=listed, fit="labels")],
        "name": [Reply("tried.name_ask")],
        "not_found": [Reply("tried.not_found"), Reply("tried.name_ask")],
        "outcome": [Reply("tried.outcome", {"title": title}, tried.OUTCOME_CHOICES,
                          fit="title")],
        "followup": [Reply("tried.followup", {"title": title}, tried.OUTCOME_CHOICES,
                           fit="title")],
        "changes": [Reply("tried.changes_ask")],
        "wrong": [Reply("tried.wrong_ask")],
    }


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
@pytest.mark.parametrize("name", ["which", "name", "not_found", "outcome", "followup",
                                  "changes", "wrong"])
def test_every_tried_question_fits_two_sms_segments(db, lang, name):
    """With the longest titles of the pack, each cut only as far as the message needs."""
    rendering = Renderer(CATALOG, SMS, lang, budget=2).render(_questions(db, lang)[name])
    assert rendering.pending == [], f"{name} in {lang} needs MORE"
    assert len(rendering.messages) == 1 and rendering.messages[0].segments <= 2, \
        rendering.messages[0].text
    if name == "which":
        assert len(_questions(db, lang)[name][0].choices) >= 3  # a real choice


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_followup_waits_while_the_member_is_in_an_interview(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    practice_id = read_whole_practice(chat)
    chat.check(chat.say("SHARE"), Expect(keys=("share.intro",)), "SHARE")
    job = Job(kind=scheduling.FOLLOWUP, member_id=chat.member().id, ref_id=practice_id,
              due_at=utcnow())
    now = utcnow()
    with Session(services.db) as session:
        assert tried.followup(session, job, now) == []
        assert job.status == "due" and job.due_at == now + tried.BUSY_RETRY
    chat.check(chat.say("MENU"), MENU, "MENU")
    with Session(services.db) as session:
        assert len(tried.followup(session, job, utcnow())) == 1
