"""Question routing: who gets an open question, reply codes, escalation, the queue."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from content.models import Answer, Identity, Member, Question, QuestionRoute
from services import questions
from services.routing import (
    answer_by_code,
    answers,
    due_for_escalation,
    escalate,
    infer_topics,
    moderator_queue,
    new_code,
    parse_code,
    route,
)
from services.routing.queue import waiting_for_answerers

NOW = datetime(2025, 3, 10, 5, 0, tzinfo=UTC)  # noon in Phnom Penh, 22:00 in Los Angeles
FISH = ["fisheries"]


@pytest.fixture
def session(services):
    with Session(services.db, expire_on_commit=False) as session:
        yield session


def member(session, *, lang="km", reads=(), role="member", topics=("fisheries",),
           tz="Asia/Phnom_Penh", quiet=(21, 7), onboarded=True, country=None) -> int:
    row = Member(language=lang, languages=list(reads), role=role, topics_offered=list(topics),
                 timezone=tz, quiet_start=quiet[0], quiet_end=quiet[1], country=country,
                 onboarded_at=NOW - timedelta(days=30) if onboarded else None)
    session.add(row)
    session.flush()
    return row.id


def question(session, asker: int, lang="km", text="How do I dry fish?") -> int:
    row = Question(member_id=asker, lang=lang, text=text, status="open")
    session.add(row)
    session.flush()
    return row.id


def routed_to(result) -> list[int]:
    return [r.member_id for r in result.routes]


@pytest.mark.parametrize("lang, reads, routed, translation", [
    ("km", (), True, False),
    ("ms", ("km",), True, False),
    ("vi", (), False, False),
    ("ms", ("en",), True, True),
    ("en", (), True, True),
], ids=["same-language", "reads-it-too", "no-shared-language", "english-reader", "english"])
def test_language_must_be_shared_or_translated(session, lang, reads, routed, translation):
    asker = member(session, topics=())
    answerer = member(session, lang=lang, reads=reads)
    result = route(session=session, question_id=question(session, asker), now=NOW, topics=FISH)
    row = session.get(Question, result.question_id)
    assert routed_to(result) == ([answerer] if routed else [])
    assert result.needs_translation is translation and row.needs_translation is translation
    assert row.status == ("routed" if routed else "open")
    assert (row.escalated_at is not None) is (not routed)


def test_a_shared_language_wins_over_translation(session):
    asker = member(session, topics=())
    english = member(session, lang="en", role="expert")
    khmer = member(session, lang="km")
    result = route(session=session, question_id=question(session, asker), now=NOW, topics=FISH)
    assert routed_to(result) == [khmer] and english not in routed_to(result)
    assert result.needs_translation is False


@pytest.mark.parametrize("tz, quiet, reachable", [
    ("Asia/Phnom_Penh", (21, 7), True),
    ("Asia/Phnom_Penh", (11, 14), False),
    ("America/Los_Angeles", (21, 7), False),
    ("America/Los_Angeles", (23, 6), True),
    ("Mars/Olympus_Mons", (0, 23), True),
    (None, (0, 23), True),
    ("Asia/Phnom_Penh", (12, 12), True),
], ids=["noon", "midday-quiet", "night-wraps", "before-quiet", "unknown-zone", "no-zone",
        "no-quiet-hours"])
def test_quiet_hours_are_respected(session, tz, quiet, reachable):
    asker = member(session, topics=())
    answerer = member(session, tz=tz, quiet=quiet)
    result = route(session=session, question_id=question(session, asker), now=NOW, topics=FISH)
    assert routed_to(result) == ([answerer] if reachable else [])
    if not reachable:  # waits for the morning, not for a moderator
        row = session.get(Question, result.question_id)
        assert row.status == "open" and row.escalated_at is None
        assert any("quiet hours" in reason for reason in result.reasons)


def test_the_asker_is_never_routed_to(session):
    asker = member(session, role="expert")
    result = route(session=session, question_id=question(session, asker), now=NOW, topics=FISH)
    assert result.routes == [] and any("moderators" in r for r in result.reasons)
    other = member(session)
    again = route(session=session, question_id=question(session, asker), now=NOW, topics=FISH)
    assert routed_to(again) == [other]


@pytest.mark.parametrize("ask_for, got", [(None, 3), (2, 2), (10, 3)],
                         ids=["default", "two", "never-more-than-three"])
def test_at_most_three(session, ask_for, got):
    asker = member(session, topics=())
    for _ in range(6):
        member(session)
    extra = {} if ask_for is None else {"max_answerers": ask_for}
    result = route(session=session, question_id=question(session, asker), now=NOW,
                   topics=FISH, **extra)
    assert len(result.routes) == got == len(set(routed_to(result)))


def test_experts_first_then_least_loaded(session):
    asker = member(session, topics=())
    busy_expert, expert = member(session, role="expert"), member(session, role="expert")
    busy, idle, other = member(session), member(session), member(session)
    offline = member(session, onboarded=False)
    moderator = member(session, role="moderator")
    member(session, topics=("farming",))  # another topic
    earlier = question(session, asker)
    for who, count in [(busy_expert, 2), (busy, 1), (other, 3)]:
        for n in range(count):
            session.add(QuestionRoute(question_id=earlier, member_id=who, code=f"Z{who}{n}"))
    session.add(QuestionRoute(question_id=earlier, member_id=idle, code="Y10",
                              status="answered"))  # answered routes are no load
    result = route(session=session, question_id=question(session, asker), now=NOW,
                   topics=["fisheries", "seeds"], max_answerers=3)
    assert routed_to(result) == [expert, busy_expert, idle]
    assert offline not in routed_to(result) and moderator not in routed_to(result)


def test_codes_are_short_and_unique_among_waiting_routes(session):
    asker = member(session, topics=())
    for _ in range(5):
        member(session)
    rng = random.Random(7)
    codes = []
    for _ in range(20):
        result = route(session=session, question_id=question(session, asker), now=NOW,
                       topics=FISH, rng=rng)
        codes += [r.code for r in result.routes]
    assert len(codes) == 60 == len(set(codes))
    assert all(re.fullmatch(r"[A-Z]\d{2,3}", code) for code in codes)


class Rigged(random.Random):
    """Draws A57, A57, B12 in turn."""

    def __init__(self):
        super().__init__(0)
        self.draws = iter([("A", 57), ("A", 57), ("B", 12)])
        self.letter = "A"

    def choice(self, seq):
        self.letter, self.number = next(self.draws)
        return self.letter

    def randrange(self, *args):
        return self.number


@pytest.mark.parametrize("status, expected", [("sent", "B12"), ("answered", "A57")],
                         ids=["taken-by-a-waiting-route", "free-again-once-answered"])
def test_a_code_in_use_is_not_given_twice(session, status, expected):
    asker = member(session)
    session.add(QuestionRoute(question_id=question(session, asker), member_id=asker,
                              code="A57", status=status))
    session.flush()
    assert new_code(session, Rigged()) == expected
    assert new_code(session, Rigged(), taken={"A57"}) == "B12"


@pytest.mark.parametrize("text, parsed", [
    ("A57 dry them on racks", ("A57", "dry them on racks")),
    ("a57: dry them", ("A57", "dry them")),
    ("  B123\nline two", ("B123", "line two")),
    ("A5 too short", None), ("A5700 too long", None), ("ASK how?", None), ("", None),
], ids=["plain", "lower-case-colon", "three-digits", "short", "long", "word", "empty"])
def test_parse_code(text, parsed):
    assert parse_code(text) == parsed


@pytest.mark.parametrize("who, text, answered", [
    ("answerer", "{code} Dry them on raised racks.", True),
    ("answerer", "{lower} dry them on raised racks.", True),
    ("stranger", "{code} Dry them on raised racks.", False),
    ("answerer", "Q999 Dry them on raised racks.", False),
    ("answerer", "Dry them on raised racks.", False),
    ("answerer", "{code}", False),
], ids=["happy-path", "lower-case-code", "wrong-member", "unknown-code", "no-code",
        "code-without-answer"])
def test_answer_by_code(session, who, text, answered):
    asker = member(session, topics=())
    people = {"answerer": member(session), "stranger": member(session)}
    result = route(session=session, question_id=question(session, asker), now=NOW,
                   topics=FISH, max_answerers=1)
    code = next(r.code for r in result.routes if r.member_id == people["answerer"])
    message = text.format(code=code, lower=code.lower())
    answer = answer_by_code(session=session, member_id=people[who], text=message, now=NOW)
    route_row = session.exec(select(QuestionRoute).where(QuestionRoute.code == code)).one()
    assert (answer is not None) is answered
    assert (route_row.status == "answered") is answered
    if answered:
        assert answer.text.lower() == "dry them on raised racks."
        assert (answer.question_id, answer.lang, answer.status) == (
            result.question_id, "km", "held")


@pytest.mark.parametrize("before, hold, status", [
    (None, True, "held"), ("approved", True, "approved"), ("relayed", True, "approved"),
    ("rejected", True, "held"), (None, False, "approved"),
], ids=["first-answer-held", "trusted", "trusted-relayed", "only-rejected-before",
        "holding-off"])
def test_held_or_approved(session, before, hold, status):
    asker = member(session, topics=())
    answerer = member(session)
    if before:
        session.add(Answer(question_id=question(session, asker), member_id=answerer,
                           lang="km", text="earlier", status=before))
    result = route(session=session, question_id=question(session, asker), now=NOW,
                   topics=FISH)
    answer = answer_by_code(session=session, member_id=answerer, now=NOW,
                            text=f"{result.routes[0].code} an answer",
                            hold_new_answerers=hold)
    assert answer.status == status


@pytest.mark.parametrize("hours, answered, due", [
    (47, False, False), (49, False, True), (49, True, False),
], ids=["before-48h", "after-48h", "answered"])
def test_escalation_after_48_hours(session, hours, answered, due):
    asker = member(session, topics=())
    answerer = member(session)
    result = route(session=session, question_id=question(session, asker), now=NOW,
                   topics=FISH)
    if answered:
        answer_by_code(session=session, member_id=answerer, now=NOW,
                       text=f"{result.routes[0].code} an answer")
    later = NOW + timedelta(hours=hours)
    assert due_for_escalation(session=session, now=later) == ([result.question_id]
                                                               if due else [])
    if due:
        escalate(session=session, question_id=result.question_id, now=later)
        assert due_for_escalation(session=session, now=later) == []
        queued = moderator_queue(session=session)["escalated"]
        assert [q["id"] for q in queued] == [result.question_id]


def test_khmer_sms_member_and_malaysian_expert(session):
    """A Khmer SMS member asks about a dried-fish business; no stored answer fits; a Malaysian
    expert who reads English and offers fisheries gets the route (needs translation)."""
    asker_id = member(session, topics=(), country="KH")
    session.add(Identity(member_id=asker_id, provider="twilio", channel="sms",
                         address="+85512345678"))
    expert = member(session, lang="ms", reads=("en",), role="expert", country="MY",
                    tz="Asia/Kuala_Lumpur")
    member(session, lang="vi", role="expert")  # offers fisheries, reads no English
    asked = questions.ask(session=session, member=session.get(Member, asker_id),
                          text="ខ្ញុំចង់ធ្វើអាជីវកម្មត្រីងៀត", langs=["km"])
    assert asked.answer is None
    result = route(session=session, question_id=asked.question_id, now=NOW,
                   rng=random.Random(1))
    assert "fisheries" in result.topics
    assert routed_to(result) == [expert] and result.needs_translation
    queue = moderator_queue(session=session)
    assert [q["id"] for q in queue["questions_to_translate"]] == [asked.question_id]
    answer = answer_by_code(session=session, member_id=expert, now=NOW,
                            text=f"{result.routes[0].code} Dry them on raised racks in the sun.")
    assert (answer.status, answer.lang, answer.text_for_asker) == ("held", "en", None)
    queue = moderator_queue(session=session)
    assert [a["id"] for a in queue["held_answers"]] == [answer.id]
    assert "+855" not in repr(queue) and "12345678" not in repr(queue)


@pytest.mark.parametrize("earlier, due", [
    ("rejected", True), ("unhelpful", True), ("held", False), ("helpful", False),
], ids=["rejected-is-no-answer", "unhelpful-is-no-answer", "held", "helpful"])
def test_only_a_usable_answer_stops_escalation(session, earlier, due):
    asker = member(session, topics=())
    answerer = member(session)
    result = route(session=session, question_id=question(session, asker), now=NOW,
                   topics=FISH)
    answer = answer_by_code(session=session, member_id=answerer, now=NOW,
                            text=f"{result.routes[0].code} an answer")
    answer.status = "rejected" if earlier == "rejected" else "held"
    answer.helpful = {"unhelpful": False, "helpful": True}.get(earlier)
    session.flush()
    later = NOW + timedelta(hours=49)
    assert due_for_escalation(session=session, now=later) == (
        [result.question_id] if due else [])


def test_a_question_never_routed_escalates_from_when_it_was_asked(session):
    asker = member(session, topics=())
    row = Question(member_id=asker, lang="km", text="?", status="open", created_at=NOW)
    session.add(row)
    session.flush()
    assert due_for_escalation(session=session, now=NOW + timedelta(hours=47)) == []
    assert due_for_escalation(session=session, now=NOW + timedelta(hours=49)) == [row.id]
    assert due_for_escalation(session=session, now=NOW + timedelta(hours=3),
                              after=timedelta(hours=2)) == [row.id]


def test_questions_waiting_for_the_answerers_morning(session):
    asker = member(session, topics=())
    member(session, quiet=(11, 14))  # quiet at noon in Phnom Penh
    waiting = question(session, asker)
    assert route(session=session, question_id=waiting, now=NOW, topics=FISH).routes == []
    escalated = question(session, asker)
    escalate(session=session, question_id=escalated, now=NOW)
    answered = question(session, asker)
    session.get(Question, answered).status = "answered"
    session.flush()
    assert waiting_for_answerers(session=session) == [waiting]
    later = NOW + timedelta(hours=4)
    assert routed_to(route(session=session, question_id=waiting, now=later, topics=FISH))
    assert waiting_for_answerers(session=session) == []


def test_the_queue_shows_both_directions_of_translation(session):
    asker = member(session, topics=(), country="KH")
    expert = member(session, lang="ms", reads=("en",), role="expert", country="MY")
    result = route(session=session, question_id=question(session, asker), now=NOW,
                   topics=FISH)
    queue = moderator_queue(session=session)
    assert [q["id"] for q in queue["questions_to_translate"]] == [result.question_id]
    assert queue["questions_to_translate"][0]["asker_country"] == "KH"
    session.get(Question, result.question_id).text_en = "How do I dry fish?"
    session.flush()
    assert moderator_queue(session=session)["questions_to_translate"] == []
    answer = answer_by_code(session=session, member_id=expert, now=NOW,
                            text=f"{result.routes[0].code} Dry them on raised racks.")
    queue = moderator_queue(session=session)
    assert [a["id"] for a in queue["answers_to_translate"]] == [answer.id]
    assert queue["answers_to_translate"][0]["answerer_country"] == "MY"
    answers.translate_answer(session=session, answer_id=answer.id, text="ហាលលើរាន។")
    assert moderator_queue(session=session)["answers_to_translate"] == []


@pytest.mark.parametrize("action, before, after", [
    ("approve", "held", "approved"), ("approve", "rejected", None),
    ("approve", "relayed", None), ("hold", "approved", "held"), ("hold", "relayed", None),
    ("reject", "held", "rejected"), ("reject", "approved", "rejected"),
    ("reject", "relayed", None),
])
def test_moderator_actions_follow_the_answer_states(session, action, before, after):
    asker = member(session, topics=())
    row = Answer(question_id=question(session, asker), member_id=asker, lang="km",
                 text="x", status=before)
    session.add(row)
    session.flush()
    act = getattr(answers, action)
    if after is None:
        with pytest.raises(questions.Conflict):
            act(session=session, answer_id=row.id)
        assert row.status == before
    else:
        assert act(session=session, answer_id=row.id).status == after
    with pytest.raises(questions.NotFound):
        act(session=session, answer_id=row.id + 1000)


@pytest.mark.parametrize("text, lang", [
    ("How do I dry fish?", "en"),
    ("How do we dry fish to sell at the market?", "en"),
    ("ខ្ញុំចង់ធ្វើអាជីវកម្មត្រីងៀត", "km"),
])
def test_topics_come_from_the_practice_that_covers_the_question(session, text, lang):
    assert "fisheries" in infer_topics(session, text, lang)
