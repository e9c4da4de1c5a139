"""SQLModel tables of the domain (DESIGN.md §4). Import from here."""

from content.models.audit import AuditLog
from content.models.base import utcnow
from content.models.console import (
    ApiToken,
    CatalogText,
    ConsoleAccount,
    ConsoleSession,
    LoginFailure,
    PracticeVersion,
)
from content.models.conversation import ConversationState
from content.models.members import (
    Identity,
    Member,
    Organisation,
)
from content.models.messages import DispatchWorker, InboundMessage, OutboundMessage
from content.models.offers import MemberOffer as MemberOffer  # exported
from content.models.peers import Introduction, Job, ReplicationReport, VisitInterest
from content.models.practices import Faq, Practice, PracticeTranslation, Reading, Snippet
from content.models.programme import Broadcast, Goal, SmsDay, SmsPrice
from content.models.questions import Answer, Question, QuestionRoute
from content.models.search import SearchDoc
from content.models.visits import Visit, VisitInvite

__all__ = [
    "Answer", "ApiToken", "AuditLog", "Broadcast", "SmsDay", "SmsPrice", "CatalogText",
    "ConsoleAccount", "ConsoleSession",
    "ConversationState", "DispatchWorker", "LoginFailure", "PracticeVersion", "Faq", "Goal",
    "Identity", "InboundMessage",
    "Introduction", "Job", "Member", "Organisation", "OutboundMessage", "Practice",
    "PracticeTranslation", "Question", "QuestionRoute", "Reading", "ReplicationReport",
    "SearchDoc", "Snippet", "Visit", "VisitInterest", "VisitInvite", "utcnow",
]
