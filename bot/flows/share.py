"""SHARE: the documentation interview that turns a member's practice into a draft for
moderators, and the two messages the contributor gets later (published; its reach).

```mermaid
flowchart LR
  share([SHARE, menu 4]) -->|an unfinished draft| resume[We continue your practice ...]
  share -->|none| intro
  intro --> name --> problem --> how --> origin --> results --> visitors
  resume -->|the first question not answered nor skipped| open[that question]
  visitors -->|1 yes, 2 no| done([thanks: a moderator will review it])
  photo([a Telegram photo, at any question]) -->|kept with the draft| same[the same question]
```

Each answer is saved to the draft at once (services/documentation.py says where each
goes), so MENU, STORY or an expired dialog lose nothing: SHARE again continues at the
first open question. SKIP or a dash skips a question. The answers are the member's own
words (FREE_TEXT), so "share the harvest" is an answer, not the SHARE command; only
HELP, MENU and STOP act there. Photos are asked for on Telegram only.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.events import MEDIA_KINDS
from bot.flows.common import invalid, to_menu
from bot.flows.flow import Flow, Keyword, MenuEntry
from bot.flows.practice_lists import content_langs
from bot.intents import SHARE, fold
from bot.replies import Choice, Notice, Outcome, Reply, Step
from bot.turn import Turn
from content.models import Job, Member, Practice
from services import curation, documentation, stories
from services.documentation import QUESTIONS

FREE_TEXT: frozenset[str] = frozenset(QUESTIONS) - {"visitors"}
YES_NO = (Choice("1", "share.yes"), Choice("2", "share.no"))
# A dash, SKIP, or "skip" in the member's language (drafts, like bot/intents.py's words).
SKIP_WORDS = frozenset({"-", "--", "–", "—", "skip", "pass", "រំលង", "ຂ້າມ", "ကျော်",
                        "bo qua", "lewati", "langkau", "laktawan", "ข้าม"})


def start(turn: Turn) -> Outcome:
    """Continues the member's unfinished draft, or begins a new interview."""
    turn.data = {}  # another flow's data (a story being read) is not the interview's
    draft = documentation.open_draft(session=turn.session, member_id=turn.member.id)
    if draft is None:
        return _ask(turn, None, QUESTIONS[0], Reply("share.intro"))
    question = documentation.next_question(session=turn.session, practice=draft)
    title = _title(turn.session, draft, turn.member)
    resume = Reply("share.resume", {"title": title}, fit="title") if title \
        else Reply("share.resume_untitled")
    return _ask(turn, draft, question, resume)


def _ask(turn: Turn, draft: Practice | None, question: str, *before: Reply) -> Outcome:
    """Asks one question (numbered, "2/6"), remembering the draft in the dialog."""
    turn.data = {"practice_id": draft.id if draft else None,
                 "skipped": [] if draft else turn.data.get("skipped", [])}
    params = {"n": QUESTIONS.index(question) + 1, "total": len(QUESTIONS)}
    choices = YES_NO if question == "visitors" else ()
    return Outcome([*before, Reply(f"share.q.{question}", params, choices)],
                   Step("share", question))


def _answer(turn: Turn, question: str) -> Outcome:
    """Saves the answer to `question` (or skips it) and asks the next open one."""
    draft = _draft(turn)
    if turn.kind in MEDIA_KINDS:
        return _media(turn, draft, question)
    text = turn.text.strip()
    if turn.parsed.intent == SHARE and not turn.parsed.argument.strip():
        return start(turn) if draft else _ask(turn, None, question)  # "where was I?"
    if fold(text) in SKIP_WORDS:
        return _skip(turn, draft, question)
    if question == "visitors":
        if turn.number not in (1, 2):
            return _ask(turn, draft, question, invalid(1, 2))
        text = "yes" if turn.number == 1 else "no"
    if draft is None:
        draft = documentation.start_draft(session=turn.session, member=turn.member,
                                          now=turn.now,
                                          skipped=tuple(turn.data.get("skipped", ())))
    documentation.save_answer(session=turn.session, practice=draft, member=turn.member,
                              question=question, text=text, now=turn.now)
    return _next(turn, draft)


def _skip(turn: Turn, draft: Practice | None, question: str) -> Outcome:
    """Notes the skip in the draft, or in the dialog while there is no draft yet."""
    if draft is not None:
        documentation.skip(session=turn.session, practice=draft, question=question,
                           now=turn.now)
        return _next(turn, draft)
    turn.data["skipped"] = [*turn.data.get("skipped", []), question]
    return _next(turn, None)


def _next(turn: Turn, draft: Practice | None) -> Outcome:
    question = documentation.next_question(session=turn.session, practice=draft,
                                           skipped=tuple(turn.data.get("skipped", ())))
    if question is not None:
        return _ask(turn, draft, question)
    return to_menu(Reply("share.done" if draft else "share.nothing"))


def _media(turn: Turn, draft: Practice | None, question: str) -> Outcome:
    """A Telegram photo is kept with the draft; anything else is not kept."""
    photo = _photo(turn) if turn.kind == "photo" and turn.caps.photos else None
    if photo is None:
        return _ask(turn, draft, question, Reply("share.media_not_kept"))
    if draft is None:
        draft = documentation.start_draft(session=turn.session, member=turn.member,
                                          now=turn.now,
                                          skipped=tuple(turn.data.get("skipped", ())))
    documentation.attach_photo(session=turn.session, practice=draft, file_id=photo[0],
                               caption=photo[1], now=turn.now)
    return _ask(turn, draft, question, Reply("share.photo_saved"))


def _photo(turn: Turn) -> tuple[str, str] | None:
    """The file id (largest size) and caption of the Telegram photo in this turn, as
    the adapter stores them."""
    file_id = turn.payload.get("file_id")
    if not file_id:
        return None
    return str(file_id), str(turn.payload.get("caption") or "")[:1000]


def _draft(turn: Turn) -> Practice | None:
    """The draft this interview writes to, while it is still the member's and in review."""
    practice_id = turn.data.get("practice_id")
    practice = turn.session.get(Practice, practice_id) if practice_id else None
    if practice is None or practice.contributor_id != turn.member.id \
            or practice.status != "review":
        return None
    return practice


def _title(session: Session, practice: Practice, member: Member) -> str:
    """The practice's title for the member ("" while it has none of its own)."""
    langs = [*content_langs(member), documentation.interview(practice).get("lang", "en")]
    found = stories.titles(session=session, practice_ids=[practice.id], langs=langs)
    title = found.get(practice.id, "")
    return "" if title == practice.slug else title


def published_notice(session: Session, practice: Practice) -> Notice | None:
    """Tells the contributor their practice is published (None if it has none)."""
    member = session.get(Member, practice.contributor_id) if practice.contributor_id else None
    if member is None:
        return None
    title = _title(session, practice, member) or practice.slug
    return Notice(member.id, (Reply("share.published", {"title": title}, fit="title"),),
                  purpose="notice")


def reach(session: Session, job: Job, now: datetime) -> list[Notice]:
    """Tells a contributor how many members their practice reached (job kind `reach`,
    ref_id the practice): distinct members who read it, the contributor aside."""
    practice = session.get(Practice, job.ref_id) if job.ref_id else None
    if practice is None or practice.status != "published" or practice.contributor_id is None:
        return []
    member = session.get(Member, practice.contributor_id)
    if member is None:
        return []
    n = curation.readers(session=session, practice_id=practice.id, sandbox=member.sandbox,
                         exclude=member.id)
    title = _title(session, practice, member) or practice.slug
    key = "share.reach" if n else "share.reach_none"
    return [Notice(member.id, (Reply(key, {"title": title, "n": n}, fit="title"),),
                   purpose="notice")]


def _step(question: str):
    def step(turn: Turn) -> Outcome:
        return _answer(turn, question)
    step.__name__ = question
    step.__doc__ = f"The member's answer to the `{question}` question."
    return step


STEPS = {question: _step(question) for question in QUESTIONS}
FLOW = Flow(name="share", steps=STEPS, keywords=(Keyword(SHARE, start),),
            menu=MenuEntry(4, "menu.share", SHARE), free_text=FREE_TEXT, takes_media=True)
