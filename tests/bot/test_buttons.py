"""Options on a channel whose buttons hold few and short labels (Messenger's quick
replies: 13, of 20 characters): what fits shows as buttons; what does not is listed by
number in the text too, and each button shows its number and the start of its label."""

from __future__ import annotations

import pytest

from bot.catalog import Catalog
from bot.render import Renderer
from bot.replies import Choice, Reply
from content.channels import Capabilities

QUICK_REPLIES = Capabilities("quick", buttons=True, max_text=2000, max_buttons=13,
                             button_title=20)
UNBOUNDED = Capabilities("inline", buttons=True, max_text=4096, edits=True)


def _reply(*labels: str, edits: str | None = None, done: bool = False) -> Reply:
    choices = [Choice(str(i), "", label=label) for i, label in enumerate(labels, 1)]
    if done:
        choices.append(Choice("done", "", label="Done", tap_only=True))
    return Reply("menu.title", choices=tuple(choices), edits=edits)


def _render(caps: Capabilities, reply: Reply):
    (message,) = Renderer(Catalog.load(), caps, "en").render([reply]).messages
    return message


@pytest.mark.parametrize(("labels", "listed", "titles"), [
    (("Rice", "Fish"), False, ["Rice", "Fish"]),
    (("System of Rice Intensification", "Fish"), True,
     ["1 System of Rice In…", "2 Fish"]),
    (tuple(f"Topic {i}" for i in range(1, 16)), True,
     [f"{i} Topic {i}" for i in range(1, 14)]),
], ids=["fits", "a long label", "fifteen options"])
def test_quick_replies(labels, listed, titles):
    message = _render(QUICK_REPLIES, _reply(*labels))
    shown = [b["text"] for row in message.buttons for b in row]
    assert shown == titles
    assert all(len(t) <= 20 for t in shown)
    assert ("\n1 " + labels[0] in message.text) is listed
    assert message.edits is None


def test_a_tap_only_option_stays_a_button_and_is_never_numbered():
    message = _render(QUICK_REPLIES, _reply("System of Rice Intensification", done=True))
    assert [b["data"] for row in message.buttons for b in row] == ["1", "done"]
    assert "Done" not in message.text


@pytest.mark.parametrize(("caps", "edits"), [(UNBOUNDED, "77"), (QUICK_REPLIES, None)],
                         ids=["edits", "cannot edit"])
def test_only_a_channel_that_edits_puts_buttons_on_the_tapped_message(caps, edits):
    assert _render(caps, _reply("Rice", edits="77")).edits == edits


def test_without_limits_labels_stay_whole():
    message = _render(UNBOUNDED, _reply("System of Rice Intensification"))
    assert message.buttons == [[{"text": "System of Rice Intensification", "data": "1"}]]
