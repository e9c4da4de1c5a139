"""An article's Markdown as the manual prints it (services/manuals/prose.py): what a
moderator writes → the paragraphs on the page."""

from __future__ import annotations

import pytest

from services.manuals.prose import paragraphs

CASES = [
    ("", ()),
    ("   \n\n ", ()),
    ("One line\nwrapped in the file.\n\nA second paragraph.",
     ("One line wrapped in the file.", "A second paragraph.")),
    ("What to do:\n\n- soak the seed\n- plant one seedling\n  per hill\n",
     ("What to do:", "• soak the seed", "• plant one seedling per hill")),
    ("3. third\n4. fourth", ("3. third", "4. fourth")),
    ("## Results\n\nYields **rose**, _water_ use fell.",
     ("Results", "Yields rose, water use fell.")),
    ("See [CEDAC](https://cedac.org.kh) or <https://example.org>.",
     ("See CEDAC (https://cedac.org.kh) or https://example.org.",)),
    ("Raw <b>html</b> stays text", ("Raw <b>html</b> stays text",)),
    ("ការប្រមូលផ្តុំ **កសិករ**\n\n- ស្រូវ", ("ការប្រមូលផ្តុំ កសិករ", "• ស្រូវ")),
    ("In 2000 the first farmers tried it.\n2005. The government endorsed it.",
     ("In 2000 the first farmers tried it. 2005. The government endorsed it.",)),
    ("- outer\n  1. inner", ("• outer", "1. inner")),
]


@pytest.mark.parametrize("written,printed", CASES)
def test_markdown_becomes_the_manuals_paragraphs(written, printed):
    assert paragraphs(written) == printed
