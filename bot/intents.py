"""Keywords and numbers in every supported language.

A message is read as a command when, once cleaned (case, Vietnamese accents, punctuation
around it, a Telegram slash and @botname), it is exactly one of the words below, or starts
with one followed by an argument (`LANG 2`). English words work for everyone; local words
work whatever the member's language, since people switch.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

STOP, START, HELP, MENU, LANG, STORY, MORE, NEXT, TOPICS, ASK = (
    "stop", "start", "help", "menu", "lang", "story", "more", "next", "topics", "ask")
PEER, VISIT, SHARE, TRIED, SETTINGS = "peer", "visit", "share", "tried", "settings"

# Twilio's own opt-out / opt-in / help lists come first in each entry.
KEYWORDS: dict[str, tuple[str, ...]] = {
    STOP: ("stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout",
           "ឈប់", "ຢຸດ", "ရပ်", "ရပ်ပါ", "dung", "huy", "berhenti", "tigil", "hinto",
           "หยุด"),
    START: ("start", "unstop", "yes", "ចាប់ផ្តើម", "ເລີ່ມ", "စတင်", "bat dau", "mula",
            "mulai", "simula", "เริ่ม"),
    HELP: ("help", "info", "ជំនួយ", "ຊ່ວຍ", "ຊ່ວຍເຫຼືອ", "အကူအညီ", "giup", "tro giup",
           "bantuan", "tolong", "tulong", "ช่วย", "ช่วยเหลือ"),
    MENU: ("menu", "0", "hi", "hello", "ម៉ឺនុយ", "ເມນູ", "မီနူး", "thuc don", "menyu",
           "เมนู"),
    LANG: ("lang", "language", "ភាសា", "ພາສາ", "ဘာသာ", "ngon ngu", "bahasa", "wika",
           "ภาษา"),
    STORY: ("story", "stories", "រឿង", "ເລື່ອງ", "ဇာတ်လမ်း", "chuyen", "cerita", "kwento",
            "เรื่อง"),
    MORE: ("more", "បន្ត", "ຕໍ່", "ဆက်", "tiep", "lagi", "lanjut", "pa", "higit", "ต่อ"),
    NEXT: ("next", "បន្ទាប់", "ຕໍ່ໄປ", "နောက်", "khac", "berikutnya", "seterusnya",
           "susunod", "ถัดไป"),
    ASK: ("ask", "question", "សួរ", "ຖາມ", "မေး", "hoi", "tanya", "tanong", "ถาม"),
    TOPICS: ("topics", "topic", "ប្រធានបទ", "ຫົວຂໍ້", "ခေါင်းစဉ်", "chu de", "topik",
             "paksa", "หัวข้อ"),
    # The peer loop. Local words are drafts, like the catalog's (see bot/locale).
    PEER: ("peer", "meet", "ដៃគូ", "ໝູ່", "မိတ်ဆွေ", "ket noi", "teman", "rakan", "kasama",
           "เพื่อน"),
    VISIT: ("visit", "ទស្សនា", "ຢ້ຽມຢາມ", "လေ့လာရေးခရီး", "tham quan", "kunjungan",
            "lawatan", "bisita", "ดูงาน"),
    SHARE: ("share", "ចែករំលែក", "ແບ່ງປັນ", "မျှဝေ", "chia se", "berbagi", "kongsi",
            "ibahagi", "แบ่งปัน"),
    TRIED: ("tried", "ខ្ញុំបានសាក", "ທົດລອງແລ້ວ", "စမ်းပြီး", "da thu", "sudah coba", "sudah cuba",
            "sinubukan", "ลองแล้ว"),
    SETTINGS: ("settings", "setting", "ការកំណត់", "ຕັ້ງຄ່າ", "ဆက်တင်", "cai dat",
               "pengaturan", "tetapan", "ตั้งค่า"),
}
_LOOKUP = {word: intent for intent, words in KEYWORDS.items() for word in words}
# Only these take an argument after the word; STOP and friends must be the whole message
# (as Twilio matches them), so "end of the season" is not an opt-out.
WITH_ARGUMENT = frozenset({START, LANG, STORY, TOPICS, ASK, PEER, VISIT, TRIED})
_SEPARATORS = re.compile(r"[\s,;.、/+-]+")


@dataclass(frozen=True)
class Parsed:
    """What the text says: an intent (or None), its argument, and any numbers."""

    intent: str | None
    argument: str
    numbers: tuple[int, ...]


def fold(text: str) -> str:
    """Lower case, Latin accents off (Vietnamese 'DỪNG' -> 'dung'), other scripts kept."""
    text = unicodedata.normalize("NFC", text).casefold().replace("đ", "d")
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and out and out[-1].isascii():
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def parse(text: str) -> Parsed:
    """Finds the command word and the numbers in a message."""
    folded = fold(text).strip()
    if folded.startswith("/"):
        folded = folded[1:].split("@", 1)[0] if " " not in folded else folded[1:]
        folded = re.sub(r"@\w+", "", folded, count=1)
    core = strip_edges(folded)
    numbers = parse_numbers(core)
    if core in _LOOKUP:
        return Parsed(_LOOKUP[core], "", numbers)
    for size in (2, 1):
        words = core.split()
        head = " ".join(words[:size])
        if len(words) > size and _LOOKUP.get(head) in WITH_ARGUMENT:
            return Parsed(_LOOKUP[head], " ".join(words[size:]), numbers)
    return Parsed(None, core, numbers)


def strip_edges(text: str) -> str:
    """Drops spaces, punctuation and symbols (emoji too) at both ends, never vowel signs."""
    def noise(ch: str) -> bool:
        return unicodedata.category(ch)[0] in "PZSC"

    start, end = 0, len(text)
    while start < end and noise(text[start]):
        start += 1
    while end > start and noise(text[end - 1]):
        end -= 1
    return text[start:end]


def parse_numbers(text: str) -> tuple[int, ...]:
    """Numbers in any script's digits ('២', '໓', '၄', '๕'); () unless the text is only numbers.

    '1 3', '1,3' and '13' (with every digit a separate choice in lists of up to nine)
    all give (1, 3); the caller decides what '13' means when a list is longer.
    """
    parts = [p for p in _SEPARATORS.split(text) if p]
    if not parts or not all(p.isdecimal() for p in parts):
        return ()
    values = []
    for part in parts:
        digits = "".join(str(unicodedata.digit(ch)) for ch in part)
        values.append(int(digits))
    return tuple(values)


def single_digits(numbers: tuple[int, ...]) -> tuple[int, ...]:
    """Splits '13' into (1, 3) for lists of at most nine items."""
    out: list[int] = []
    for n in numbers:
        out += [int(d) for d in str(n)] if n > 9 else [n]
    return tuple(out)
