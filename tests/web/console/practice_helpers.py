"""Helpers for the practice editor's tests: the fields a browser would post from the
editor's form, a Khmer SMS member who reads a story, and putting the bundled practices
back after a test changed them."""

from __future__ import annotations

from html.parser import HTMLParser

from sqlalchemy import update
from sqlmodel import Session, select

from content.db import session_scope
from content.models import Faq, Practice, PracticeTranslation, Snippet
from tests.bot.test_dialogs import onboard
from tests.bot.test_share import drop_member_practices
from tests.conftest import clear, load_bundled
from tests.support.chat import Chat

KHMER_PHONE = "+85512777555"


class _Form(HTMLParser):
    """Collects the named fields of one form, as a browser would submit them."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._textarea: str | None = None
        self._select: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input" and (a.get("type") not in ("checkbox", "radio") or "checked" in a):
            self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text)))
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def editor_fields(html: str) -> list[tuple[str, str]]:
    """The editor form's fields and values, in page order."""
    parser = _Form("editor")
    parser.feed(html)
    return parser.fields


def changed(fields: list[tuple[str, str]], **values: str) -> list[tuple[str, str]]:
    """The fields with some values replaced (by name)."""
    return [(name, values.get(name, value)) for name, value in fields]


def as_form(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Fields as a client's form data (a name may repeat)."""
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def practice_id(db, slug: str = "sri-cambodia") -> int:
    """A practice's id by slug."""
    with Session(db) as session:
        return session.exec(select(Practice.id).where(Practice.slug == slug)).one()


def live_snippets(db, pid: int, lang: str) -> list[str]:
    """The snippets members get now."""
    with Session(db) as session:
        return list(session.exec(select(Snippet.text).where(
            Snippet.practice_id == pid, Snippet.lang == lang).order_by(Snippet.position)))


def translation(db, pid: int, lang: str) -> PracticeTranslation:
    """One live translation row."""
    with Session(db) as session:
        return session.exec(select(PracticeTranslation).where(
            PracticeTranslation.practice_id == pid, PracticeTranslation.lang == lang)).one()


def khmer_reader(services, phone: str = KHMER_PHONE) -> Chat:
    """A Khmer member on SMS, onboarded with farming topics (SRI Cambodia comes first)."""
    chat = Chat(services, "sms", phone)
    onboard(chat, language="2")
    return chat


def restore_bundled(db) -> None:
    """The bundled practices as the pack has them (tests here change the store), and no
    practice documented by a member."""
    drop_member_practices(db)
    with session_scope(db) as session:  # pairs promoted from answers that clear() drops
        session.exec(update(Faq).where(Faq.answer_id.is_not(None)).values(answer_id=None))
    clear(db)
    load_bundled(db)
