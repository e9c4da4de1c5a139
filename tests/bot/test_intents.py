"""Keywords and numbers, in every language and script."""

from __future__ import annotations

import pytest

from bot.intents import HELP, LANG, MENU, MORE, NEXT, START, STOP, STORY, parse

CASES = [
    ("STOP", STOP, "", ()), (" stop! ", STOP, "", ()), ("STOPALL", STOP, "", ()),
    ("optout", STOP, "", ()), ("ឈប់", STOP, "", ()), ("ຢຸດ", STOP, "", ()),
    ("ရပ်", STOP, "", ()), ("Dừng", STOP, "", ()), ("BERHENTI", STOP, "", ()),
    ("Tigil", STOP, "", ()), ("หยุด", STOP, "", ()),
    ("end of the dry season", None, "end of the dry season", ()),
    ("stop the rain", None, "stop the rain", ()),
    ("START", START, "", ()), ("/start", START, "", ()), ("/start@peerlearn_bot", START, "", ()),
    ("/start practice-sri-cambodia", START, "practice-sri-cambodia", ()),
    ("help", HELP, "", ()), ("INFO", HELP, "", ()), ("ជំនួយ", HELP, "", ()),
    ("/help@peerlearn_bot", HELP, "", ()),
    ("0", MENU, "", (0,)), ("Menu", MENU, "", ()), ("hi", MENU, "", ()),
    ("LANG 2", LANG, "2", ()), ("ភាសា", LANG, "", ()), ("ngôn ngữ", LANG, "", ()),
    ("story", STORY, "", ()), ("រឿង", STORY, "", ()), ("more", MORE, "", ()),
    ("បន្ត", MORE, "", ()), ("NEXT", NEXT, "", ()), ("ถัดไป", NEXT, "", ()),
    ("3", None, "3", (3,)), ("២", None, "២", (2,)), ("໓", None, "໓", (3,)),
    ("၄", None, "၄", (4,)), ("๕", None, "๕", (5,)), ("1 3", None, "1 3", (1, 3)),
    ("1,3", None, "1,3", (1, 3)), ("(2)", None, "2", (2,)),
    ("", None, "", ()), ("🙂🙂", None, "", ()), ("rice 2", None, "rice 2", ()),
]


@pytest.mark.parametrize("text,intent,argument,numbers", CASES,
                         ids=[repr(c[0]) for c in CASES])
def test_parse(text, intent, argument, numbers):
    parsed = parse(text)
    assert (parsed.intent, parsed.argument, parsed.numbers) == (intent, argument, numbers)
