"""The transcripts in README.md are what a member gets: each is replayed against the bot.

A transcript is a fenced block marked `sms-transcript` (or `telegram-transcript`): a line
`> text` is what the member sends; the lines after it, up to the next `> `, are the
bot's messages, one blank line between two messages. On Telegram a button row is shown
as `[Label] [Label]`. When a text changes, print the new transcript with
`.venv/bin/python -m pytest tests/bot/test_readme_transcripts.py --transcripts` and
paste it where the test points.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.chat import Chat

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"```(sms|telegram)-transcript\n(.*?)```", re.S)
ADDRESSES = {"sms": "+85512345678", "telegram": "100007"}


def transcripts() -> list[tuple[str, list[tuple[str, str]]]]:
    """(channel, [(member says, bot answers as shown)]) for every block of the README."""
    found = []
    for channel, body in BLOCK.findall(README.read_text(encoding="utf-8")):
        turns: list[tuple[str, list[str]]] = []
        for line in body.splitlines():
            if line.startswith("> "):
                turns.append((line[2:], []))
            else:
                turns[-1][1].append(line)
        found.append((channel, [(said, "\n".join(lines).strip()) for said, lines in turns]))
    return found


def shown(replies) -> str:
    """The bot's messages as a transcript shows them."""
    messages = []
    for reply in replies:
        rows = [" ".join(f"[{b['text']}]" for b in row) for row in reply.buttons]
        messages.append("\n".join([reply.text, *rows]))
    return "\n\n".join(messages)


@pytest.mark.parametrize("number", range(len(transcripts())))
def test_a_readme_transcript_is_what_the_member_gets(services, number, request):
    channel, turns = transcripts()[number]
    assert turns, "an empty transcript"
    chat = Chat(services, channel, ADDRESSES[channel])
    printed = []
    for said, expected in turns:
        got = shown(chat.say(said))
        printed.append(f"> {said}\n{got}\n")
        if not request.config.getoption("--transcripts"):
            assert got == expected, f"README transcript {number + 1}, after {said!r}"
    if request.config.getoption("--transcripts"):
        print(f"\n```{channel}-transcript\n" + "\n".join(printed) + "```")
