"""SHARE: the documentation interview, start to end, resumed, skipped, with photos on
Telegram, on both channels; every question fits two SMS in every language."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import delete
from sqlmodel import Session, select

from bot.catalog import Catalog
from bot.flows.common import invalid
from bot.flows.share import YES_NO
from bot.inbox import InboundItem
from bot.render import Renderer
from bot.replies import Reply
from content.channels import kind
from content.languages import LANGUAGE_CODES
from content.models import (
    ConversationState,
    Faq,
    Job,
    Practice,
    PracticeTranslation,
    PracticeVersion,
    Question,
    Reading,
    ReplicationReport,
    SearchDoc,
    Snippet,
    VisitInterest,
)
from services.documentation import PACK, QUESTIONS
from services.search import reindex
from tests.bot.test_dialogs import CHANNELS, MENU, onboard
from tests.support.chat import Chat, Expect, run_table

SMS = kind("sms")

CATALOG = Catalog.load()


def drop_member_practices(db) -> None:
    """Removes the practices members documented, and what points at them (the content
    tables outlive each test; the bundled pack stays)."""
    with Session(db) as session:
        ids = list(session.exec(select(Practice.id).where(Practice.pack == PACK)))
        if ids:
            for table in (VisitInterest, Reading, ReplicationReport, Question, SearchDoc,
                          Snippet, Faq, PracticeTranslation, PracticeVersion):
                session.exec(delete(table).where(table.practice_id.in_(ids)))
            session.exec(delete(Job).where(Job.kind == "reach"))
            session.exec(delete(Practice).where(Practice.id.in_(ids)))
            reindex(session=session, practice_ids=ids)  # forgets cached results
        session.commit()


@pytest.fixture(autouse=True)
def _clean(services):
    yield
    drop_member_practices(services.db)


def asked(chat: Chat, question: str, lang: str = "en") -> Expect:
    """The question as the member sees it ("2/6 What problem does it solve?")."""
    text = chat.services.catalog.text(lang, f"share.q.{question}", chat.channel,
                                      n=QUESTIONS.index(question) + 1, total=len(QUESTIONS))
    return Expect(contains=(text,), choices=("1", "2") if question == "visitors" else ())


def said(chat: Chat, key: str, **params) -> str:
    return chat.services.catalog.text(chat.member().language, key, chat.channel, **params)


def drafts(chat: Chat) -> list[tuple[Practice, list[PracticeTranslation]]]:
    with Session(chat.services.db) as session:
        found = list(session.exec(select(Practice).where(
            Practice.contributor_id == chat.member().id).order_by(Practice.id)))
        return [(p, list(session.exec(select(PracticeTranslation).where(
            PracticeTranslation.practice_id == p.id)))) for p in found]


def send_media(chat: Chat, file_id: str, caption: str = "", kind: str = "photo") -> list:
    """A photo as the Telegram adapter stores it (the Update, and the largest size's
    `file_id` and the `caption`), or an MMS."""
    if kind == "photo":
        payload = {"update_id": 7, "message": {
            "message_id": 9, "chat": {"id": int(chat.address), "type": "private"},
            "caption": caption, "photo": [{"file_id": f"{file_id}-thumb", "width": 90},
                                          {"file_id": file_id, "width": 1280}]},
            "file_id": file_id, "caption": caption}
    else:
        payload = {"media": [{"url": "https://api.example.org/m/1", "type": "image/jpeg"}]}
    received = chat.services.inbox.receive(InboundItem(
        provider=chat.provider, channel=chat.channel, address=chat.address,
        provider_key=uuid.uuid4().hex, text=caption, kind=kind, payload=payload))
    chat.seen = max([chat.seen, *(r.id for r in received.replies)])
    return received.replies


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_interview_from_start_to_end(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    run_table(chat, [
        ("4", Expect(keys=("share.intro",), contains=asked(chat, "name").contains)),
        ("Fish drying racks", asked(chat, "problem")),
        ("share the harvest", asked(chat, "how")),  # the member's words, not SHARE
        ("We dry fish on bamboo racks under a net.", asked(chat, "origin")),
        ("A women's group in Malaysia showed us", asked(chat, "results")),
        ("-", asked(chat, "visitors")),
        ("3", Expect(out_of_range=(1, 2), contains=asked(chat, "visitors").contains)),
        ("1", Expect(keys=("share.done", "menu.title"))),
    ])
    ((practice, (tr,)),) = drafts(chat)
    member = chat.member()
    assert (practice.status, practice.pack, practice.country) == ("review", PACK, "KH")
    assert practice.slug == f"member-{member.id}-1" and practice.visitors_welcome is True
    assert (tr.lang, tr.title, tr.body, tr.reviewed) == ("en", "Fish drying racks",
                                                         "share the harvest", False)
    assert tr.approach == "We dry fish on bamboo racks under a net."
    assert tr.shared_across_borders == "A women's group in Malaysia showed us"
    assert tr.shared_in_country is None and tr.results is None
    assert practice.sources[0]["skipped"] == ["results"]
    run_table(chat, [("SHARE", Expect(keys=("share.intro",)))])  # a finished one stays


@pytest.mark.parametrize("channel", CHANNELS)
def test_menu_story_or_an_expired_dialog_and_share_again_continues(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    run_table(chat, [
        ("SHARE", asked(chat, "name")),
        ("Rice bank", asked(chat, "problem")),
        ("MENU", MENU),
        ("STORY", Expect(choices=("1", "2", "0"))),
        ("SHARE", Expect(contains=(said(chat, "share.resume", title="Rice bank"),
                                   *asked(chat, "problem").contains))),
        ("Hungry months before harvest", asked(chat, "how")),
    ])
    with Session(services.db) as session:  # the dialog state is gone (expired, deleted)
        session.exec(delete(ConversationState))
        session.commit()
    run_table(chat, [
        ("SHARE", Expect(contains=(said(chat, "share.resume", title="Rice bank"),
                                   *asked(chat, "how").contains))),
        ("Each family lends one sack after harvest", asked(chat, "origin")),
        ("HELP", Expect(keys=("help", "menu.title"))),
        ("share", Expect(contains=(said(chat, "share.resume", title="Rice bank"),
                                   *asked(chat, "origin").contains))),
        ("Our village started it", asked(chat, "results")),
    ])
    ((practice, (tr,)),) = drafts(chat)
    assert tr.shared_in_country == "Our village started it"  # no other country named
    assert tr.body == "Hungry months before harvest"


@pytest.mark.parametrize("channel", CHANNELS)
def test_skipping_everything_saves_nothing(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    rows = [("SHARE", asked(chat, "name"))]
    for i, question in enumerate(QUESTIONS[1:]):
        rows.append(("SKIP" if i % 2 else "—", asked(chat, question)))
    rows.append(("skip", Expect(keys=("share.nothing", "menu.title"))))
    run_table(chat, rows)
    assert drafts(chat) == []


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_skipped_name_is_kept_and_the_draft_has_no_title(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    run_table(chat, [
        ("SHARE", asked(chat, "name")),
        ("skip", asked(chat, "problem")),
        ("Fish spoil in the rain", asked(chat, "how")),
        ("MENU", MENU),
        ("SHARE", Expect(keys=("share.resume_untitled",), contains=asked(chat, "how").contains)),
        ("2", asked(chat, "origin")),  # a number is an answer too
    ])
    ((practice, (tr,)),) = drafts(chat)
    assert tr.title == "" and tr.approach == "2"
    assert practice.sources[0]["skipped"] == ["name"]


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("text", ["🙂", "x" * 3000, "<b>bold</b> & \"quoted\"", "0 and 1"])
def test_odd_answers_are_kept_as_written(services, channel, text):
    chat = Chat(services, channel)
    onboard(chat)
    run_table(chat, [("SHARE", asked(chat, "name")), (text, asked(chat, "problem")),
                     (text, asked(chat, "how"))])
    ((practice, (tr,)),) = drafts(chat)
    assert tr.title == text[:120] and tr.body == text[:2000]


@pytest.mark.parametrize("channel", CHANNELS)
def test_empty_input_leaves_and_share_comes_back(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    run_table(chat, [
        ("SHARE", asked(chat, "name")),
        ("Seed library", asked(chat, "problem")),
        ("   ", Expect(keys=("empty", "menu.title"))),
        ("SHARE", Expect(contains=(said(chat, "share.resume", title="Seed library"),
                                   *asked(chat, "problem").contains))),
    ])


def test_photos_on_telegram_are_attached_to_the_draft(services):
    chat = Chat(services, "telegram")
    onboard(chat)
    replies = chat.say("SHARE")
    assert said(chat, "share.intro") in replies[0].text  # Telegram's text invites photos
    assert "photo" in said(chat, "share.intro").lower()
    chat.check(send_media(chat, "AgAD-1"), Expect(keys=("share.photo_saved",),
                                                  contains=asked(chat, "name").contains), "photo")
    run_table(chat, [("Bamboo fish dryer", asked(chat, "problem"))])
    chat.check(send_media(chat, "AgAD-2", caption="the dryer in May"),
               Expect(keys=("share.photo_saved",), contains=asked(chat, "problem").contains),
               "photo with caption")
    send_media(chat, "AgAD-2", caption="the dryer in May")  # the same photo again
    chat.check(send_media(chat, "v1", kind="voice"),
               Expect(keys=("share.media_not_kept",), contains=asked(chat, "problem").contains),
               "voice")
    ((practice, (tr,)),) = drafts(chat)
    assert tr.title == "Bamboo fish dryer"
    assert practice.media == [{"telegram_file_id": "AgAD-1", "caption": ""},
                              {"telegram_file_id": "AgAD-2", "caption": "the dryer in May"}]


def test_sms_does_not_ask_for_photos_and_keeps_none(services):
    chat = Chat(services, "sms")
    onboard(chat)
    replies = chat.say("SHARE")
    assert "photo" not in replies[0].text.lower()
    chat.check(send_media(chat, "mms", caption="", kind="media"),
               Expect(keys=("share.media_not_kept",), contains=asked(chat, "name").contains),
               "MMS")
    assert drafts(chat) == []


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_khmer_member_is_interviewed_in_khmer(services, channel):
    chat = Chat(services, channel, "+85512345678" if channel == "sms" else "100002")
    onboard(chat, language="2")
    run_table(chat, [
        ("ចែករំលែក", Expect(keys=("share.intro",))),
        ("ធនាគារស្រូវ", asked(chat, "problem", "km")),
        ("ខ្វះស្រូវមុនរដូវច្រូត", asked(chat, "how", "km")),
    ])
    ((practice, (tr,)),) = drafts(chat)
    assert (tr.lang, tr.title, tr.body) == ("km", "ធនាគារស្រូវ", "ខ្វះស្រូវមុនរដូវច្រូត")


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_second_practice_gets_its_own_draft(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    for title in ("First", "Second"):
        chat.say("SHARE")
        for answer in (title, "p", "h", "o", "r", "2"):
            chat.say(answer)
    found = drafts(chat)
    assert [tr[0].title for _, tr in found] == ["First", "Second"]
    assert [p.visitors_welcome for p, _ in found] == [False, False]
    assert len({p.slug for p, _ in found}) == 2


TITLE = {False: "Community rice bank in Takeo", True: "ធនាគារស្រូវសហគមន៍តាកែវ"}


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
@pytest.mark.parametrize("question", QUESTIONS)
def test_every_question_fits_two_sms_with_what_comes_before_it(lang, question):
    params = {"n": QUESTIONS.index(question) + 1, "total": len(QUESTIONS)}
    ask = Reply(f"share.q.{question}", params, YES_NO if question == "visitors" else ())
    title = TITLE[lang in ("km", "lo", "my", "th", "vi")]
    for before in (Reply("share.intro"), Reply("share.resume", {"title": title}),
                   Reply("share.resume_untitled"), Reply("share.photo_saved"),
                   Reply("share.media_not_kept"), invalid(1, 2)):
        rendering = Renderer(CATALOG, SMS, lang, budget=2).render([before, ask])
        assert rendering.pending == [], (lang, question, before.key)
        assert all(m.segments <= 2 for m in rendering.messages)
        assert 1 <= len(rendering.messages) <= 2
