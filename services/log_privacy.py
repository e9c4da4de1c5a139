"""Log lines without personal data.

A log line goes where members' data must not: a hosting provider's log store, a support
ticket, a chat with a developer. So no phone number, chat id or message text is logged at
the default level. Our own code logs row ids, never a text, and where it must name an
address it logs `masked(address)`. `PersonalDataFilter`, installed on every handler by
peerlearn/logs.py, is the safety net for what other code writes (an exception from a
provider, the database or a library): in a record's final message and its traceback it
masks every run of seven or more digits (a phone number, a Telegram chat id) and cuts
what PostgreSQL quotes of a refused row (`DETAIL:  Failing row contains (…)`, `Key
(address)=(…)`). SQL parameters are not logged at all (content/db.py hides them).
"""

from __future__ import annotations

import logging
import re

from services.phones import masked_phone

# Seven digits or more, perhaps after "+", perhaps in groups split by single spaces:
# "+85512345678", "855 12 345 678", a chat id "5123456789" or "-1001234567890".
NUMBER = re.compile(r"(?<!\d)\+?\d(?: ?\d){6,}")
# PostgreSQL's detail line, up to the SQL statement, a blank line or the end.
DETAIL = re.compile(r"DETAIL:\s.*?(?=\n\[SQL:|\n\n|\Z)", re.DOTALL)
DETAIL_HIDDEN = "DETAIL:  (not logged: it may quote the row's values)"
_TRACEBACKS = logging.Formatter()


def masked(address: str) -> str:
    """A phone number or a chat id as a log line may show it ('+855 •••••678')."""
    return masked_phone(address)


def hidden(text: str) -> str:
    """The text with every phone-number-like run masked and database details cut."""
    text = DETAIL.sub(DETAIL_HIDDEN, text)
    return NUMBER.sub(lambda m: masked(m.group().replace(" ", "")), text)


class PersonalDataFilter(logging.Filter):
    """Masks numbers in a record's message, arguments, traceback and stack; lets every
    record through."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):  # kept a tuple: uvicorn's access log reads it
            record.args = tuple(hidden(a) if isinstance(a, str) else a for a in record.args)
        try:
            message = record.getMessage()
        except Exception:  # a format that does not match its arguments: logging says so
            return True
        if hidden(message) != message:  # a number in a non-string argument or the format
            record.msg, record.args = hidden(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = hidden(record.exc_text)
        if record.stack_info:
            record.stack_info = hidden(record.stack_info)
        return True
