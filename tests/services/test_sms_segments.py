"""Tables for services.sms: encodings, exact segment counts, part texts, look-alike
replacement, Vietnamese without diacritics and paging to a segment budget.

Expected values are worked out from the rules in DESIGN.md §6 (160/153 septets,
70/67 UTF-16 units, escape pairs, surrogate pairs and grapheme clusters never
split), not taken from the code under test.
"""

import random
import re

import pytest
import regex

from services.sms import SegmentInfo, count, fits, gsm_friendly, split_to_budget
from services.sms.gsm import GSM_BASIC_TABLE, GSM_EXTENSION
from services.sms.vietnamese import strip_diacritics

GSM7, UCS2 = "GSM-7", "UCS-2"
EN = "Farmers share what works. "  # ASCII letters, space and full stop only
KM = "សូមស្វាគមន៍មកកាន់ការរៀនពីគ្នា"  # 29 code points, all in the BMP
LO = "ສະບາຍດີ ພວກເຮົາຮຽນຮູ້ນຳກັນ"  # 26
MY = "မင်္ဂလာပါ အတူတူ သင်ယူကြရအောင်"  # 29
TH = "สวัสดีครับ เรามาเรียนรู้ด้วยกัน"  # 31
VI = "Tiếng Việt có dấu"  # 17, NFC
VI_LONG = ("Hợp tác xã nông nghiệp chia sẻ kinh nghiệm trồng lúa theo phương "
           "pháp SRI với các thành viên ở Đồng Tháp.")  # 105
QUOTES = "Don\u2019t say \u201cmaybe\u201d"  # 17
FAMILY = "\U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466"  # 4 pairs + 3 ZWJ = 11 units
KA, KAAM = "\u1780\u17b6", "\u1780\u17b6\u17c6"  # one cluster each: 2 and 3 units
KM_WORDS = ["ការ", "ធ្វើ", "ស្រែ", "តាម", "បច្ចេកទេស", "ថ្មី", "ជួយ", "កសិករ",
            "ឱ្យ", "ទទួល", "បាន", "ផល", "ច្រើន"]


def en(n: int) -> str:
    return (EN * 40)[:n]


COUNT_CASES = [
    ("en-160", en(160), GSM7, 1, 160),
    ("en-161", en(161), GSM7, 2, 161),
    ("en-306", en(306), GSM7, 2, 306),
    ("en-307", en(307), GSM7, 3, 307),
    ("ext-at-153", "a" * 152 + "{" + "b" * 10, GSM7, 2, 164),
    ("ext-ends-at-153", "a" * 151 + "{" + "b" * 10, GSM7, 2, 163),
    ("euro-counts-2", "Price: 5€", GSM7, 1, 10),
    ("euro-80", "€" * 80, GSM7, 1, 160),
    ("euro-81", "€" * 81, GSM7, 2, 162),
    ("form-feed-counts-2", "a\fb", GSM7, 1, 4),
    ("newline-is-basic", "a\nb\r\nc", GSM7, 1, 6),
    ("km-sentence", KM, UCS2, 1, 29),
    ("km-70", KA * 35, UCS2, 1, 70),
    ("km-71", KA * 35 + "\u1780", UCS2, 2, 71),
    ("km-cluster-at-67", "\u1780" * 66 + KAAM + "\u1780" * 10, UCS2, 2, 79),
    ("lo", LO, UCS2, 1, 26),
    ("my", MY, UCS2, 1, 29),
    ("th", TH, UCS2, 1, 31),
    ("vi-diacritics", VI, UCS2, 1, 17),
    ("vi-long-diacritics", VI_LONG, UCS2, 2, 105),
    ("emoji-35", "😀" * 35, UCS2, 1, 70),
    ("emoji-36", "😀" * 36, UCS2, 2, 72),
    ("family-zwj", "a" * 60 + FAMILY, UCS2, 2, 71),
    ("cluster-longer-than-part", "a" + "\u0301" * 80, UCS2, 2, 81),
    ("smart-quotes", QUOTES, UCS2, 1, 17),
    ("one-accent-outside-gsm", "a" * 69 + "á", UCS2, 1, 70),
    ("empty", "", GSM7, 1, 0),
]


@pytest.mark.parametrize("label,text,encoding,segments,units", COUNT_CASES,
                         ids=[c[0] for c in COUNT_CASES])
def test_count(label, text, encoding, segments, units):
    info = count(text)
    assert (info.encoding, info.segments, info.units) == (encoding, segments, units)
    assert "".join(info.parts) == text
    assert len(info.parts) == segments


PART_CASES = [
    ("en-307", en(307), (en(307)[:153], en(307)[153:306], en(307)[306:])),
    ("escape-pair-moves", "a" * 152 + "{" + "b" * 10, ("a" * 152, "{" + "b" * 10)),
    ("escape-pair-fits", "a" * 151 + "{" + "b" * 10, ("a" * 151 + "{", "b" * 10)),
    ("euro-81", "€" * 81, ("€" * 76, "€" * 5)),
    ("km-71", KA * 35 + "\u1780", (KA * 33, KA * 2 + "\u1780")),
    ("km-cluster-moves", "\u1780" * 66 + KAAM + "\u1780" * 10,
     ("\u1780" * 66, KAAM + "\u1780" * 10)),
    ("emoji-36", "😀" * 36, ("😀" * 33, "😀" * 3)),
    ("family-whole", "a" * 60 + FAMILY, ("a" * 60, FAMILY)),
    ("long-cluster-split", "a" + "\u0301" * 80, ("a" + "\u0301" * 66, "\u0301" * 14)),
    ("empty", "", ("",)),
]


@pytest.mark.parametrize("label,text,parts", PART_CASES, ids=[c[0] for c in PART_CASES])
def test_parts(label, text, parts):
    assert count(text).parts == parts


TRANSFORM_CASES = [
    ("vi-stripped", VI, strip_diacritics, "Tieng Viet co dau", GSM7, 1, 17),
    ("vi-long-stripped", VI_LONG, strip_diacritics, None, GSM7, 1, 105),
    ("smart-quotes-friendly", QUOTES, gsm_friendly, 'Don\'t say "maybe"', GSM7, 1, 17),
    ("ellipsis-friendly", "Wait\u2026", gsm_friendly, "Wait...", GSM7, 1, 7),
    ("dash-nbsp-friendly", "5\u00a0kg \u2013 10\u202fkg", gsm_friendly, "5 kg - 10 kg",
     GSM7, 1, 12),
]


@pytest.mark.parametrize("label,raw,transform,expected,encoding,segments,units",
                         TRANSFORM_CASES, ids=[c[0] for c in TRANSFORM_CASES])
def test_transformed(label, raw, transform, expected, encoding, segments, units):
    text = transform(raw)
    if expected is not None:
        assert text == expected
    info = count(text)
    assert (info.encoding, info.segments, info.units) == (encoding, segments, units)


FRIENDLY_CASES = [
    ("zwsp-between-latin-dropped", "rice\u200bfield", "ricefield"),
    ("zwsp-between-khmer-kept", "ការ\u200bធ្វើ", "ការ\u200bធ្វើ"),
    ("zwj-in-emoji-kept", FAMILY, FAMILY),
    ("accented-letters-kept", "Señor á ç ê", "Señor á ç ê"),
    ("bullet-and-em-dash", "\u2022 one\u2014two", "- one-two"),
    ("guillemets", "\u00abhi\u00bb", '"hi"'),
]


@pytest.mark.parametrize("label,raw,expected", FRIENDLY_CASES, ids=[c[0] for c in FRIENDLY_CASES])
def test_gsm_friendly(label, raw, expected):
    assert gsm_friendly(raw) == expected


def test_gsm_tables():
    assert len(GSM_BASIC_TABLE) == 128
    assert (GSM_BASIC_TABLE[0x00], GSM_BASIC_TABLE[0x1B], GSM_BASIC_TABLE[0x40],
            GSM_BASIC_TABLE[0x7F]) == ("@", "\x1b", "¡", "à")
    assert GSM_EXTENSION == set("^{}\\[~]|€\f")


def test_strip_diacritics_all_vietnamese_letters():
    assert strip_diacritics("ăâđêôơư ĂÂĐÊÔƠƯ") == "aadeoou AADEOOU"
    assert strip_diacritics("àáảãạ ằắẳẵặ ỳýỷỹỵ ỪỨỬỮỰ") == "aaaaa aaaaa yyyyy UUUUU"
    assert strip_diacritics(KM) == KM  # Khmer vowel signs are not diacritics


def test_fits():
    assert fits(en(306), 2) and not fits(en(307), 2)
    assert fits("", 1)


# --- split_to_budget -------------------------------------------------------

RESERVE = "\nMORE=next"  # 10 septets


def no_space(text: str) -> str:
    return re.sub(r"[\s\u200b]", "", text)


def test_split_plain_run_at_grapheme_boundaries():
    assert split_to_budget("a" * 600, 2) == ["a" * 306, "a" * 294]
    assert split_to_budget(KA * 100, 1) == [KA * 35, KA * 35, KA * 30]


def test_split_prefers_paragraphs():
    p1 = ("Rice yields rose after transplanting young seedlings. " * 4).strip()
    p2 = ("The group kept records of water and labour every week. " * 4).strip()
    assert 148 <= len(p1) <= 296 < len(p1) + 2 + len(p2)
    assert split_to_budget(p1 + "\n\n" + p2, 2, RESERVE) == [p1, p2]


def test_split_skips_a_break_that_leaves_the_page_half_empty():
    pages = split_to_budget("Hi.\n\n" + "a" * 400, 1)
    assert pages[0] == "Hi.\n\n" + "a" * 155


def test_split_prefers_sentence_ends():
    text = " ".join(f"Step {i} is to weed the field early." for i in range(12))
    pages = split_to_budget(text, 1)
    assert len(pages) > 1
    assert all(p.endswith(".") and len(p) <= 160 for p in pages)
    assert " ".join(pages) == text


def test_split_with_reserve_keeps_words():
    text = " ".join(f"word{i}" for i in range(120))
    pages = split_to_budget(text, 1, RESERVE)
    assert all(len(p) + len(RESERVE) <= 160 and fits(p + RESERVE, 1) for p in pages)
    assert " ".join(pages).split() == text.split()


def test_split_khmer_at_zero_width_space():
    text = "\u200b".join(KM_WORDS * 5)
    pages = split_to_budget(text, 1, "\nMORE")
    assert len(pages) > 1
    for page in pages:
        assert len(page) + 5 <= 70 and count(page + "\nMORE").encoding == UCS2
        assert not page.startswith("\u200b") and not page.endswith("\u200b")
        assert set(page.split("\u200b")) <= set(KM_WORDS)
    assert "\u200b".join(pages).split("\u200b") == KM_WORDS * 5


def test_split_ascii_page_of_khmer_text_is_gsm():
    english = en(120).strip()
    khmer = "\u200b".join(KM_WORDS * 2)
    pages = split_to_budget(english + "\n\n" + khmer, 1, RESERVE)
    assert pages[0] == english
    assert count(pages[0] + RESERVE).encoding == GSM7
    assert no_space("".join(pages)) == no_space(english + khmer)


def test_split_edges():
    assert split_to_budget("", 2) == []
    assert split_to_budget(" \n\u200b ", 2) == []
    with pytest.raises(ValueError):
        split_to_budget("abc", 0)
    with pytest.raises(ValueError):
        split_to_budget("abc", 1, "x" * 161)


# --- property-style loop over random strings (fixed seed) ------------------

TEST_EXT = set("^{}\\[~]|€\f")
GSM_POOL = list("abcdefXYZ0123 .,!?\n") + ["{", "€", "^", "|"]
NON_GSM_POOL = ["\u1780", "\u17b6", "\u17c6", "\u17d2", "\u1798", "😀", "👍", "\U0001F3FD",
                "\u200d", "\u0301", "\u200b", "á", "ế"]


def part_cost(part: str, encoding: str) -> int:
    if encoding == GSM7:
        return sum(2 if c in TEST_EXT else 1 for c in part)
    return len(part.encode("utf-16-le", "strict")) // 2


def check_count(text: str) -> None:
    info = count(text)
    assert isinstance(info, SegmentInfo)
    assert "".join(info.parts) == text and len(info.parts) == info.segments
    assert info.encoding == (UCS2 if set(text) & set(NON_GSM_POOL) else GSM7)
    single, multi = (160, 153) if info.encoding == GSM7 else (70, 67)
    limit = single if info.segments == 1 else multi
    costs = [part_cost(p, info.encoding) for p in info.parts]
    assert all(c <= limit for c in costs) and sum(costs) == info.units
    assert all(not p or not 0xDC00 <= ord(p[0]) <= 0xDFFF for p in info.parts)
    if info.encoding == UCS2 and info.segments > 1:
        check_clusters_whole(text, info.parts)


def check_clusters_whole(text: str, parts: tuple[str, ...]) -> None:
    clusters = [(m.start(), m.end()) for m in regex.finditer(r"\X", text)]
    cut = 0
    for part in parts[:-1]:
        cut += len(part)
        for start, end in clusters:
            if start < cut < end:  # a cluster may be split only if it is longer than a part
                assert part_cost(text[start:end], UCS2) > 67


def check_split(text: str, budget: int, reserve: str) -> None:
    pages = split_to_budget(text, budget, reserve)
    assert all(p and fits(p + reserve, budget) for p in pages)
    assert no_space("".join(pages)) == no_space(text)


def test_random_strings_property():
    rng = random.Random(20240601)
    for i in range(400):
        pool = GSM_POOL if i % 3 == 0 else GSM_POOL + NON_GSM_POOL * 2
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 400)))
        check_count(text)
        check_split(text, rng.choice([1, 2, 3]), rng.choice(["", "\nMORE", RESERVE]))
