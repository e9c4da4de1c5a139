"""The log filters: (what was logged -> the line written), through the handlers and
formatters `peerlearn serve` installs."""

from __future__ import annotations

import io
import logging
import logging.config

import pytest

from peerlearn.logs import log_config
from services.log_privacy import masked

FAILED_ROW = ('new row for relation "inboundmessage" violates check constraint "c"\n'
              "DETAIL:  Failing row contains (7, twilio, sms, +85512345678, text, "
              "my loan is late\nsecond line).\n[SQL: INSERT INTO inboundmessage ...]")
CASES = [  # (label, logger, message, args, shown, hidden)
    ("a number as an argument", "bot.inbox", "sent to %s", ("+85512345678",),
     "sent to +855 •••••678", "12345678"),
    ("a chat id as an integer", "bot.inbox", "chat %d refused", (5123456789,),
     "chat •••••••789 refused", "5123456789"),
    ("a number in groups", "bot.inbox", "wrote 855 12 345 678", (),
     "wrote ••••••••678", "345 678"),
    ("ids and dates stay", "bot.jobs", "job %s failed; retried at %s",
     (421, "2025-01-15 10:20:30"), "job 421 failed; retried at 2025-01-15 10:20:30", "•"),
    ("the database's detail", "webhooks.pipeline", FAILED_ROW, (),
     "DETAIL:  (not logged", "my loan"),
    ("an access line", "uvicorn.access", '%s - "%s %s HTTP/%s" %d',
     ("127.0.0.1:5000", "GET", "/simulator/api/messages?address=%2B85512345678", "1.1",
      200), '"GET /simulator/api/messages HTTP/1.1" 200', "address"),
]


@pytest.fixture
def written(monkeypatch):
    """What the configured handlers write to stderr and stdout."""
    out = io.StringIO()
    monkeypatch.setattr("sys.stderr", out)
    monkeypatch.setattr("sys.stdout", out)
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logging.config.dictConfig(log_config())
    yield out
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
    root.handlers[:], root.level = saved


@pytest.mark.parametrize("label, name, message, args, shown, hidden", CASES,
                         ids=[c[0] for c in CASES])
def test_a_logged_line_keeps_no_phone_number_chat_id_or_text(written, label, name, message,
                                                             args, shown, hidden):
    logging.getLogger(name).error(message, *args)
    assert shown in written.getvalue() and hidden not in written.getvalue()


def test_a_traceback_is_masked_too(written):
    try:
        raise ValueError("The 'To' number +85512345678 is not a valid phone number")
    except ValueError:
        logging.getLogger("services.delivery.dispatcher").exception("send of row 3 failed")
    assert "ValueError: The 'To' number +855 •••••678 is not" in written.getvalue()


def test_an_address_our_code_names_is_masked():
    assert [masked(a) for a in ("+85512345678", "5123456789")] == [
        "+855 •••••678", "•••••••789"]
