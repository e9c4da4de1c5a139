"""Members for the console's member, report and audit tests: real members who went
through onboarding on SMS (their identities, dialogs and messages are the bot's own),
who typed their names in their own scripts there, and a relay between two of them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from content.models import AuditLog, Introduction, Member, utcnow
from tests.bot.test_dialogs import onboard
from tests.support.chat import Chat

# (phone, language menu number, name, enterprise)
SOKHA = ("+85512345001", "2", "សុខា ចាន់", "សហគមន៍ស្រូវតាកែវ")
DARA = ("+85512345002", "2", "ដារា សុខ", "Kampot Pepper Co-op")
MARIA = ("+639171234001", "1", "Maria Santos", "Bicol Abaca Weavers")


@dataclass
class Person:
    """A member and their chat."""

    chat: Chat
    id: int
    name: str
    phone: str


def person(services, who: tuple[str, str, str, str], **values) -> Person:
    """An onboarded member on SMS who gave a name and an enterprise (and `values`)."""
    phone, language, name, enterprise = who
    chat = Chat(services, "sms", phone)
    onboard(chat, language=language, name=name, enterprise=enterprise)
    with Session(services.db) as session:
        member = session.get(Member, chat.member().id)
        for key, value in values.items():
            setattr(member, key, value)
        session.add(member)
        session.commit()
        member_id = member.id
    chat.received()  # what onboarding left behind is not what a test looks for
    return Person(chat, member_id, name, phone)


def relay(services, a: Person, b: Person, code: str = "P12", status: str = "active") -> int:
    """An open relay between two members (as the PEER flow leaves it)."""
    with Session(services.db) as session:
        intro = Introduction(member_a=a.id, member_b=b.id, status=status, topic="farming",
                             relay_code=code, a_accepted=True, b_accepted=True,
                             expires_at=utcnow().replace(year=utcnow().year + 1))
        session.add(intro)
        session.commit()
        return intro.id


def audit_actions(services) -> list[tuple[str, str | None]]:
    """(action, target id) of every audit row but the accounts' own."""
    with Session(services.db) as session:
        return [(r.action, r.target_id) for r in session.exec(
            select(AuditLog).where(AuditLog.target_type != "account").order_by(AuditLog.id))]
