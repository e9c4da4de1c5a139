"""SQLModel tables of the domain (DESIGN.md §4). Import from here."""

from content.models.audit import AuditLog
from content.models.base import utcnow
from content.models.conversation import ConversationState
from content.models.members import Identity, Member, Organisation
from content.models.messages import InboundMessage, OutboundMessage
from content.models.practices import Faq, Practice, PracticeTranslation, Reading, Snippet

__all__ = [
    "AuditLog", "ConversationState", "Faq", "Identity", "InboundMessage", "Member",
    "Organisation", "OutboundMessage", "Practice", "PracticeTranslation", "Reading",
    "Snippet", "utcnow",
]
