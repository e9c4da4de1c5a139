"""The question queues in a real browser, over the fake Twilio and Telegram servers.

Scenario 1 of the issue: a moderator logs in, answers an escalated Khmer question, and
the asker receives it by SMS through the fake Twilio server. Then every queue page with
data in it, looked at (screenshots; `SCREENSHOTS=dir` keeps them, e.g. docs/).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from content.db import session_scope
from content.models import (
    Answer,
    Identity,
    Member,
    Practice,
    Question,
    QuestionRoute,
    utcnow,
)
from peerlearn.app import create_app
from peerlearn.wiring import build
from services import routing
from tests.support.browser import chromium_page, log_in, needs_chromium
from tests.support.console import PEOPLE
from tests.support.live import PUBLIC, live_settings
from tests.support.server import serving
from tests.support.waiting import wait_for
from tests.web.moderation.test_questions import KHMER_QUESTION
from tests.webhooks.channels.fake_twilio import sign

pytestmark = needs_chromium

PHONE = "+85512345002"
KHMER_ANSWER = "ហាលត្រីលើរានខ្ពស់ក្នុងពន្លឺថ្ងៃ"
DEADLINE = 20.0  # seconds to wait for the dispatcher to reach the fake Twilio


@pytest.fixture
def served(settings, db, services, world, fake_telegram, fake_twilio) -> Iterator[str]:
    """The app over the fake providers, dispatcher and scheduler running, on a port."""
    live = live_settings(settings, fake_telegram, fake_twilio, run_dispatcher=True,
                         run_processor=True)
    with serving(create_app(live, build(live, db=db))) as url:
        yield url


def text_by_sms(url: str, body: str, sender: str = PHONE) -> None:
    """An SMS from a phone, as Twilio posts it: signed, once per message."""
    form = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32,
            "From": sender, "To": "+15005550006", "Body": body, "NumMedia": "0"}
    path = "/webhooks/twilio/sms"
    response = httpx.post(url + path, data=form, timeout=30,
                          headers={"X-Twilio-Signature": sign(PUBLIC + path, form)})
    assert response.status_code == 200, response.text


def shot(page, tmp_path: Path, name: str) -> None:
    """A full-page screenshot, kept where SCREENSHOTS says (the README's pictures)."""
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=str(Path(os.environ["SCREENSHOTS"]) / f"{name}.png"))


def test_a_moderator_answers_an_escalated_khmer_question_and_the_asker_gets_the_sms(
        served, db, fake_twilio, tmp_path):
    for said in ["hi", "2", "1", "1", "1", "1", "1", "1", f"សួរ {KHMER_QUESTION}"]:
        text_by_sms(served, said)  # onboarding in Khmer, then the question

    def asked() -> int | None:  # processed after the webhook answered
        with Session(db) as session:
            return session.exec(select(Question.id).where(
                Question.text == KHMER_QUESTION)).first()

    wait_for(asked, "the question stored by the processor")
    with session_scope(db) as session:
        question = session.exec(select(Question).where(Question.text == KHMER_QUESTION)).one()
        routing.escalate(session=session, question_id=question.id, now=utcnow())
        question_id = question.id
    with chromium_page(served) as page:
        log_in(page, PEOPLE["moderator"][0])
        page.locator("nav.side").get_by_text("Escalated questions").click()
        item = page.locator(f"#question-{question_id}")
        assert item.locator("p.said[lang=km]").text_content() == KHMER_QUESTION
        item.locator("textarea[name=text]").fill(KHMER_ANSWER)
        item.get_by_role("button", name="Send the answer to the asker").click()
        page.get_by_text("Your answer went to the asker").wait_for()
        shot(page, tmp_path, "console-answered")
    sms = wait_for(lambda: [m for m in fake_twilio.sent()
                            if m["To"] == PHONE and KHMER_ANSWER in m["Body"]],
                   "the answer's SMS to the asker", DEADLINE)
    assert KHMER_QUESTION in sms[0]["Body"]


def test_every_queue_page_shows_its_rows(seeded, served, tmp_path):
    with chromium_page(served) as page:
        log_in(page, PEOPLE["moderator"][0])
        for path, name, seen in [
                ("escalated", "console-escalated", KHMER_QUESTION),
                ("held", "console-held", "Turn them twice a day"),
                ("translations", "console-translations", "ដាំដុះ"),
                ("faq", "console-faq", "asked on"),
                ("waiting", "console-waiting", "តើត្រីប្រភេទណាល្អ")]:
            page.goto(f"/admin/queues/{path}")
            assert seen in page.locator("main").text_content(), path
            if path == "escalated":  # as a moderator sees it while answering
                first = page.locator("main article").first
                for summary in first.locator("details summary").all():
                    summary.click()  # the first loads the choice of people (htmx)
                first.locator("select[name=member_id]").wait_for()
                page.locator("textarea[name=text]").first.fill(KHMER_ANSWER)
            else:
                page.locator("details").evaluate_all("els => els.forEach(d => d.open = true)")
            if path == "translations":
                page.locator("textarea[lang=en]").first.fill(
                    "How should I grow rice with the SRI method?")
            shot(page, tmp_path, name)


@pytest.fixture
def seeded(db, services, world) -> None:
    """Rows for every queue, as CEDAC's moderator sees them (Cambodian askers), made
    before the app starts. Every resource person is in quiet hours, so the scheduler's
    sweep leaves the waiting question waiting."""
    now = utcnow()
    quiet = dict(timezone="UTC", quiet_start=now.hour, quiet_end=(now.hour + 2) % 24)
    with session_scope(db) as session:
        sokha, dara = _member(session, "Sokha", "KH", "km"), _member(session, "Dara", "KH", "en")
        vanna = _member(session, "Vanna", "KH", "km")
        aminah = _member(session, "Aminah", "MY", "ms", role="expert", languages=["en"],
                         topics_offered=["fisheries", "food-processing"], **quiet)
        maria = _member(session, "Maria Santos", "PH", "fil", role="expert", languages=["en"],
                        topics_offered=["savings-credit", "microfinance"], **quiet)
        _member(session, "Sopheap", "KH", "km", role="expert", topics_offered=["fisheries"],
                timezone="Asia/Phnom_Penh", quiet_start=(now.hour + 7) % 24,
                quiet_end=(now.hour + 9) % 24)
        ago = lambda hours: now - timedelta(hours=hours)  # noqa: E731
        _question(session, sokha, KHMER_QUESTION, ["fisheries"], created_at=ago(60),
                  escalated_at=ago(12), status="routed", routes=[aminah])
        _question(session, dara, "How can our savings group keep records when few "
                  "members can read?", ["savings-credit"], created_at=ago(50),
                  escalated_at=ago(2))
        fish = _question(session, dara, "How do I dry fish?", ["fisheries"], status="routed",
                         routes=[aminah], created_at=ago(3))
        session.add(Answer(question_id=fish.id, member_id=aminah.id, lang="en",
                           text="Dry them on raised racks in the sun. Turn them twice a "
                           "day, and cover them at night.", status="held",
                           text_for_asker="Dry them on raised racks in the sun. Turn them "
                           "twice a day, and cover them at night.", created_at=ago(1)))
        _question(session, vanna, "តើខ្ញុំគួរដាំដុះស្រូវតាមវិធី SRI យ៉ាងដូចម្តេច?",
                         ["farming"], status="routed", needs_translation=True,
                         routes=[maria], created_at=ago(5))
        savings = _question(session, sokha, "ក្រុមសន្សំរបស់យើងគួរកំណត់ការប្រាក់ប៉ុន្មាន?",
                            ["savings-credit"], status="routed", routes=[maria],
                            text_en="How much interest should our savings group charge?",
                            needs_translation=True, created_at=ago(30))
        session.add(Answer(question_id=savings.id, member_id=maria.id, lang="en",
                           text="Most groups we work with charge 2% a month and share the "
                           "interest at the end of the cycle.", status="approved"))
        for asker, text, answer, asked in [
                (dara, "How do we sell dried fish to the market?",
                 "Pack it in 1 kg bags with the date and sell through the cooperative.",
                 None),
                (vanna, "តើយើងរក្សាត្រីងៀតយ៉ាងដូចម្តេច?", "ទុកក្នុងថង់បិទជិត កន្លែងស្ងួត។",
                 ago(20))]:
            q = _question(session, asker, text, ["fisheries"], status="answered")
            session.add(Answer(question_id=q.id, member_id=aminah.id, lang=q.lang, text=answer,
                               text_for_asker=answer, status="relayed", helpful=True,
                               faq_candidate=True, attribution_asked_at=asked,
                               attribution="named" if asked is None else None))
        parc = session.exec(select(Practice).where(
            Practice.slug == "parc-inter-people-cooperation")).one()  # topic: fisheries
        _question(session, vanna, "តើត្រីប្រភេទណាល្អសម្រាប់ធ្វើត្រីងៀត?", ["fisheries"],
                  created_at=ago(1), practice_id=parc.id, source="tried")


def _member(session: Session, name: str, country: str, language: str, **fields) -> Member:
    member = Member(name=name, country=country, language=language, onboarded_at=utcnow(),
                    **fields)
    session.add(member)
    session.flush()
    session.add(Identity(member_id=member.id, provider="simulator", channel="sms",
                         address=f"+{member.id:011d}"))
    return member


def _question(session: Session, asker: Member, text: str, topics: list[str], *,
              routes: list[Member] = (), **fields) -> Question:
    lang = "km" if any("\u1780" <= ch <= "\u17ff" for ch in text) else "en"
    question = Question(member_id=asker.id, lang=lang, text=text, topics=topics, **fields)
    session.add(question)
    session.flush()
    for n, person in enumerate(routes):
        session.add(QuestionRoute(question_id=question.id, member_id=person.id,
                                  code=f"Q{question.id}{n}", status="sent",
                                  created_at=question.created_at))
    return question


SCRIPT, IMAGE = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"


@pytest.fixture
def hostile(db, services, world) -> None:
    """Member text that would run in a page that did not escape it, in every queue."""
    with session_scope(db) as session:
        asker = _member(session, "Dara", "KH", "en")
        writer = _member(session, IMAGE, "MY", "en", role="expert", languages=["km"],
                         topics_offered=["fisheries"], timezone="UTC", quiet_start=0,
                         quiet_end=0)
        _question(session, asker, f"{SCRIPT} how?", ["fisheries"], escalated_at=utcnow())
        _question(session, asker, f"ត្រី {IMAGE}", ["fisheries"], status="routed",
                  needs_translation=True, routes=[writer])
        for status, extra in (("held", {}), ("relayed", {"helpful": True,
                                                         "faq_candidate": True})):
            q = _question(session, asker, f"{IMAGE} {status}?", ["fisheries"],
                          status="routed", routes=[writer])
            session.add(Answer(question_id=q.id, member_id=writer.id, lang="en",
                               text=f"{SCRIPT} {status}", status=status,
                               text_for_asker=f"{SCRIPT} {status}", **extra))


def test_member_text_shows_as_text_on_every_queue_page(hostile, served):
    with chromium_page(served) as page:  # fails on any dialog or script error
        log_in(page, PEOPLE["moderator"][0])
        for path in ("escalated", "held", "translations", "faq", "waiting"):
            page.goto(f"/admin/queues/{path}")
            shown = page.locator("main").text_content()
            assert path == "waiting" or SCRIPT in shown or IMAGE in shown, path
        page.goto("/admin/queues/escalated")
        page.locator("details summary").first.click()
        assert IMAGE in page.locator("select[name=member_id] option").first.text_content()
