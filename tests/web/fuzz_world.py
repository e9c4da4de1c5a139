"""The rows the fuzz run (test_fuzz.py) finds in the database, so that generated requests
reach past "404 not found" into the code that acts: members on SMS and Telegram, an
open question routed to an expert with a held answer, an answered question with a
relayed answer a moderator may promote, an active relay, and member-documented
practices in review, published and archived.

The rows have fixed ids (IDS) far above what any test creates, so the fuzz's hooks can
offer them before the database exists and every run, on SQLite and PostgreSQL, sends
the same requests.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import SQLModel

from content.db import session_scope
from content.models import (
    Answer,
    Identity,
    Introduction,
    Member,
    Practice,
    PracticeTranslation,
    Question,
    QuestionRoute,
    utcnow,
)
from services.documentation import PACK

BASE = 900_000_000
IDS = {  # path parameter -> the ids of the world's rows it names
    "member_id": (BASE + 1, BASE + 2, BASE + 3, BASE + 4),
    "question_id": (BASE + 1, BASE + 2),
    "answer_id": (BASE + 1, BASE + 2),
    "introduction_id": (BASE + 1,),
    "practice_id": (BASE + 1, BASE + 2, BASE + 3),
}
ASKER, EXPERT, PEER, TELEGRAM = IDS["member_id"]
OPEN, ANSWERED = IDS["question_id"]
REVIEW, PUBLISHED, ARCHIVED = IDS["practice_id"]


def members() -> list[SQLModel]:
    """An asker in Cambodia (Khmer, SMS), an expert in Malaysia, a peer in the Philippines
    (both English, SMS) and a member on Telegram."""
    now = utcnow()
    common = dict(language_chosen=True, consent_data_at=now, onboarded_at=now,
                  consent_matching=True, topics_wanted=["fisheries"], quiet_start=0,
                  quiet_end=0)
    return [
        Member(id=ASKER, name="Sokha", country="KH", language="km", enterprise="Takeo rice",
               **common),
        Member(id=EXPERT, name="Aminah", country="MY", role="expert",
               topics_offered=["fisheries"], **common),
        Member(id=PEER, name="Maria", country="PH", enterprise="Bicol abaca", **common),
        Member(id=TELEGRAM, country="ID", language="id", **common),
    ]


def identities() -> list[SQLModel]:
    """How the members are reached."""
    return [
        Identity(member_id=ASKER, provider="twilio", channel="sms", address="+85512777101"),
        Identity(member_id=EXPERT, provider="twilio", channel="sms", address="+60123777102"),
        Identity(member_id=PEER, provider="twilio", channel="sms", address="+639171777103"),
        Identity(member_id=TELEGRAM, provider="telegram", channel="telegram",
                 address="777104"),
    ]


def questions() -> list[SQLModel]:
    """An open Khmer question routed to the expert, whose English answer is held; an
    answered question whose relayed answer helped."""
    return [
        Question(id=OPEN, member_id=ASKER, lang="km", text="ត្រីងៀតស្ងួតយ៉ាងម៉េច?",
                 needs_translation=True, topics=["fisheries"]),
        Question(id=ANSWERED, member_id=PEER, lang="en", text="How do I dry fish?",
                 status="answered", topics=["fisheries"]),
    ]


def answers() -> list[SQLModel]:
    """The open question's route to the expert and the two answers."""
    return [
        QuestionRoute(question_id=OPEN, member_id=EXPERT, code="A57"),
        Answer(id=IDS["answer_id"][0], question_id=OPEN, member_id=EXPERT, lang="en",
               text="Dry them on raised racks."),
        Answer(id=IDS["answer_id"][1], question_id=ANSWERED, member_id=EXPERT, lang="en",
               text="Turn them twice a day.", status="relayed", helpful=True,
               faq_candidate=True, relayed_at=utcnow()),
    ]


def relay() -> list[SQLModel]:
    """An active relay between the asker and the peer."""
    return [Introduction(id=IDS["introduction_id"][0], member_a=ASKER, member_b=PEER,
                         status="active", topic="fisheries", relay_code="P12",
                         a_accepted=True, b_accepted=True,
                         expires_at=utcnow() + timedelta(days=30))]


def practices() -> list[SQLModel]:
    """The asker's practices as SHARE leaves them, in review, published and archived."""
    return [Practice(id=practice_id, slug=f"fuzz-{status}", pack=PACK, status=status,
                     country="KH", topics=["fisheries"], contributor_id=ASKER,
                     visitors_welcome=True)
            for practice_id, status in ((REVIEW, "review"), (PUBLISHED, "published"),
                                        (ARCHIVED, "archived"))]


def translations() -> list[SQLModel]:
    """Each practice's one translation, in the contributor's language."""
    return [PracticeTranslation(practice_id=practice_id, lang="km", title="Bamboo fish dryer",
                                body="Fish spoil when it rains.",
                                approach="Racks under a net roof.")
            for practice_id in IDS["practice_id"]]


def seed(db) -> None:
    """Writes the world (the tables it uses must be empty of these ids), each group
    before those that refer to it."""
    with session_scope(db) as session:
        for rows in (members(), identities(), questions(), answers(), relay(), practices(),
                     translations()):
            session.add_all(rows)
            session.flush()
