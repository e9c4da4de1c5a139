"""Command words come from the catalogs and the flows' declarations: every word of every
language, each command once, drafts marked, and an edited entry never breaks parsing."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from babel.messages.pofile import read_po

import bot.flows
from bot import keywords
from bot.catalog import LOCALE_DIR
from bot.flows import registry
from bot.intents import parse
from content.languages import LANGUAGE_CODES

# Every word the bot answers to, by command: the list bot/intents.py held before the
# words moved to bot/locale. A word lost or moved to another command fails here.
WORDS = {
    "stop": "stop stopall unsubscribe cancel end quit revoke optout ឈប់ ຢຸດ ရပ် ရပ်ပါ dung huy "
            "berhenti tigil hinto หยุด",
    "start": "start unstop yes ចាប់ផ្តើម ເລີ່ມ စတင် |bat dau| mula mulai simula เริ่ม",
    "help": "help info ជំនួយ ຊ່ວຍ ຊ່ວຍເຫຼືອ အကူအညီ giup |tro giup| bantuan tolong tulong ช่วย "
            "ช่วยเหลือ",
    "menu": "menu 0 hi hello ម៉ឺនុយ ເມນູ မီနူး |thuc don| menyu เมนู",
    "lang": "lang language ភាសា ພາສາ ဘာသာ |ngon ngu| bahasa wika ภาษา",
    "story": "story stories រឿង ເລື່ອງ ဇာတ်လမ်း chuyen cerita kwento เรื่อง",
    "more": "more បន្ត ຕໍ່ ဆက် tiep lagi lanjut pa higit ต่อ",
    "next": "next បន្ទាប់ ຕໍ່ໄປ နောက် khac berikutnya seterusnya susunod ถัดไป",
    "ask": "ask question សួរ ຖາມ မေး hoi tanya tanong ถาม",
    "topics": "topics topic ប្រធានបទ ຫົວຂໍ້ ခေါင်းစဉ် |chu de| topik paksa หัวข้อ",
    "peer": "peer meet ដៃគូ ໝູ່ မိတ်ဆွေ |ket noi| teman rakan kasama เพื่อน",
    "visit": "visit ទស្សនា ຢ້ຽມຢາມ လေ့လာရေးခရီး |tham quan| kunjungan lawatan bisita ดูงาน",
    "share": "share ចែករំលែក ແບ່ງປັນ မျှဝေ |chia se| berbagi kongsi ibahagi แบ่งปัน",
    "tried": "tried ខ្ញុំបានសាក ທົດລອງແລ້ວ စမ်းပြီး |da thu| |sudah coba| |sudah cuba| "
             "sinubukan ลองแล้ว",
    "settings": "settings setting ការកំណត់ ຕັ້ງຄ່າ ဆက်တင် |cai dat| pengaturan tetapan ตั้งค่า",
}
WITH_ARGUMENT = {"start", "lang", "story", "topics", "ask", "peer", "visit", "tried"}
PEER_LOOP = {"peer", "visit", "share", "tried", "settings"}  # local words still drafts


def _expected() -> dict[str, str]:
    table = {}
    for intent, text in WORDS.items():
        phrases = text.split("|")  # |two words| is one word; the rest split on spaces
        for n, part in enumerate(phrases):
            for word in ([part] if n % 2 else part.split()):
                table[word] = intent
    return table


def test_every_word_runs_the_same_command_as_before():
    words = registry.words()
    assert dict(words.lookup) == _expected()
    assert words.with_argument == WITH_ARGUMENT


def test_no_word_runs_two_commands():
    assert keywords.clashes(registry.keywords().values(), keywords.read()) == {}


def test_every_command_has_its_entry_in_every_language():
    entries = keywords.read()
    for keyword in registry.keywords().values():
        assert set(entries.get(keyword.key, {})) == set(LANGUAGE_CODES), keyword.key
        assert all(keywords.words(text) for text in entries[keyword.key].values())


def test_the_peer_loops_local_words_are_drafts_and_the_others_are_not():
    for path in sorted(LOCALE_DIR.rglob("*.po")):
        with path.open("rb") as fh:
            for message in read_po(fh):
                if not str(message.id).startswith("keyword."):
                    continue
                intent = message.id.removeprefix("keyword.")
                draft = path.stem != "en" and intent in PEER_LOOP
                assert message.fuzzy == draft, (path, message.id)


STOP_ENTRIES = registry.keywords()["stop"].key
EDITED = [
    # (what a translator left in the Khmer entry for STOP, a message, intent expected)
    ("", "stop", "stop"),  # emptied: Twilio's words stay
    ("ឈប់ | | ", "ឈប់", "stop"),  # empty pieces are skipped
    ("  ឈប់ !  |  PAUSE ", "pause", "stop"),  # spaces, punctuation, case
    ("ឈប់ | 1 | 22", "1", None),  # a number would swallow a menu pick: skipped
    ("ឈប់ | story | hi", "story", "story"),  # an English word stays with its command
    ("ឈប់ | story | hi", "hi", "menu"),
    ("ឈប់ | ຕໍ່", "ຕໍ່", None),  # claimed twice in the local words: does nothing
    ("ឈប់ | ຕໍ່", "ឈប់", "stop"),
    ("Dừng lại", "dung lai", "stop"),  # folded as a message is
]


@pytest.mark.parametrize("entry,message,intent", EDITED, ids=[repr(e[0]) for e in EDITED])
def test_an_edited_entry_never_breaks_parsing(entry, message, intent):
    entries = {key: dict(by_lang) for key, by_lang in keywords.read().items()}
    entries[STOP_ENTRIES]["km"] = entry
    words = keywords.build(registry.keywords().values(), entries)
    assert parse(message, words).intent == intent
    for twilio in ("STOP", "stopall", "unsubscribe", "cancel", "end", "quit"):
        assert parse(twilio, words).intent == "stop"


def test_every_flow_module_is_in_the_registry():
    declared = {registry_flow.name for registry_flow in registry.flows()}
    for info in pkgutil.iter_modules(bot.flows.__path__):
        module = importlib.import_module(f"bot.flows.{info.name}")
        flow = getattr(module, "FLOW", None)
        assert flow is None or flow.name in declared, info.name
        assert flow is not None or not hasattr(module, "STEPS"), info.name


def test_the_menu_and_what_a_follow_up_may_interrupt():
    assert [(e.position, e.intent) for e in registry.menu()] == [
        (1, "story"), (2, "ask"), (3, "peer"), (4, "share"), (5, "tried"), (6, "settings"),
        (7, "help")]
    assert registry.busy_flows() == {"onboarding", "ask", "answering", "peer", "share",
                                     "tried", "settings", "profile", "visit", "visiting"}
