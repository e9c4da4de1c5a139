"""Language services: detection tables, Zawgyi, normalisation, and when a member's
language may be switched."""

from __future__ import annotations

import unicodedata

import pytest

from services.language import (
    ZWSP,
    detect_for_member,
    detect_language,
    is_zawgyi,
    normalize,
    normalize_inbound,
    to_zawgyi,
)

MY_UNICODE = "ငွေစုအဖွဲ့ကို ဘယ်လို စတင်ရမလဲ။"
MY_ZAWGYI = to_zawgyi(MY_UNICODE)

DETECT = [  # (id, text, country, prior, expected)
    ("en", "How do I start a savings group?", None, None, "en"),
    ("km", "តើខ្ញុំចាប់ផ្តើមក្រុមសន្សំប្រាក់ដោយរបៀបណា?", None, None, "km"),
    ("lo", "ຂ້ອຍຈະເລີ່ມກຸ່ມອອມເງິນແນວໃດ?", None, None, "lo"),
    ("my", MY_UNICODE, None, None, "my"),
    ("my-zawgyi", MY_ZAWGYI, None, None, "my"),
    ("th", "จะเริ่มตั้งกลุ่มออมทรัพย์ได้อย่างไร", None, None, "th"),
    ("vi", "Làm sao để bắt đầu một nhóm tiết kiệm?", None, None, "vi"),
    ("vi-unaccented-VN", "Lam sao de bat dau mot nhom tiet kiem?", "VN", None, "vi"),
    ("vi-unaccented-prior", "toi muon hoc them ve nuoi ca", None, "vi", "vi"),
    ("id-from-ID", "Bagaimana cara memulai kelompok tabungan?", "ID", None, "id"),
    ("same-from-MY", "Bagaimana cara memulai kelompok tabungan?", "MY", None, "ms"),
    ("ms-from-MY", "Bagaimana nak mulakan kumpulan simpanan?", "MY", None, "ms"),
    ("ms-from-BN", "Macam mana nak cari pembeli untuk madu kami?", "bn", None, "ms"),
    ("id-prior", "Bagaimana cara memulai kelompok tabungan?", None, "id", "id"),
    ("fil", "Paano magsimula ng grupo ng ipon?", None, None, "fil"),
    ("few-khmer-letters", "ok ជំរាប", None, None, "km"),
    ("mixed-thai-dominant", "SRI ใช้น้ำน้อยกว่าไหม", None, None, "th"),
    ("mixed-two-scripts", "ខ្ញុំ ສະບາຍດີ ສະບາຍດີ", None, None, "lo"),
    ("emoji-only", "👍🙏", "KH", None, "km"),
    ("emoji-prior", "👍", "KH", "en", "en"),
    ("empty", "", None, None, "en"),
    ("digits", "1 2 3", "TH", None, "th"),
    ("two-letters", "ok", "PH", None, "fil"),
    ("unknown-country", "??", "FR", None, "en"),
]


@pytest.mark.parametrize("text,country,prior,expected", [d[1:] for d in DETECT],
                         ids=[d[0] for d in DETECT])
def test_detect_language(text, country, prior, expected):
    assert detect_language(text, country=country, prior=prior) == expected


ZAWGYI = [  # (id, text, is Zawgyi)
    ("zawgyi", MY_ZAWGYI, True),
    ("unicode", MY_UNICODE, False),
    ("latin", "hello", False),
    ("empty", "", False),
]


@pytest.mark.parametrize("text,expected", [z[1:] for z in ZAWGYI], ids=[z[0] for z in ZAWGYI])
def test_is_zawgyi(text, expected):
    assert is_zawgyi(text) is expected


NORMALIZE = [  # (id, input, output)
    ("zawgyi-to-unicode", MY_ZAWGYI, MY_UNICODE),
    ("unicode-unchanged", MY_UNICODE, MY_UNICODE),
    ("thai-sara-am", "\u0e19\u0e4d\u0e32", "\u0e19\u0e33"),
    ("thai-sara-am-tone-between", "\u0e19\u0e4d\u0e49\u0e32", "\u0e19\u0e49\u0e33"),
    ("thai-sara-am-tone-first", "\u0e19\u0e49\u0e4d\u0e32", "\u0e19\u0e49\u0e33"),
    ("lao-sara-am", "\u0e99\u0ecd\u0eb2", "\u0e99\u0eb3"),
    ("lao-sara-am-tone-between", "\u0e99\u0ecd\u0ec9\u0eb2", "\u0e99\u0ec9\u0eb3"),
    ("khmer-zwsp-kept", f"ខ្ញុំ{ZWSP}ទៅ", f"ខ្ញុំ{ZWSP}ទៅ"),
    ("zwsp-dropped-in-latin", f"hel{ZWSP}lo", "hello"),
    ("zwsp-dropped-khmer-edge", f"ខ្ញុំ{ZWSP} hi", "ខ្ញុំ hi"),
    ("nfc", "Vie\u0302\u0323t", "Việt"),
    ("controls", "a\x00b\u200ec\r\nd", "abc\nd"),
]


@pytest.mark.parametrize("raw,expected", [n[1:] for n in NORMALIZE],
                         ids=[n[0] for n in NORMALIZE])
def test_normalize(raw, expected):
    assert normalize(raw) == expected
    assert normalize(expected) == expected  # idempotent


def test_zawgyi_round_trip_and_flag():
    seen = normalize_inbound(MY_ZAWGYI)
    assert seen.zawgyi and seen.text == unicodedata.normalize("NFC", MY_UNICODE)
    assert not normalize_inbound(MY_UNICODE).zawgyi
    assert to_zawgyi("hello") == "hello"


FOR_MEMBER = [  # (id, text, member language, country, expected)
    ("short-latin", "hello there", "km", "KH", None),
    ("short-english-words", "ok thanks", "vi", "VN", None),
    ("short-script", "ខ្ញុំទៅ", "en", "KH", None),
    ("same-script", "តើខ្ញុំចាប់ផ្តើមក្រុមសន្សំប្រាក់ដោយរបៀបណា", "km", "KH", None),
    ("other-script", "តើខ្ញុំចាប់ផ្តើមក្រុមសន្សំប្រាក់ដោយរបៀបណា", "en", "KH", "km"),
    ("long-english", "How do I start a savings group in my village?", "vi", "VN", "en"),
    ("unaccented-vi-member", "toi muon biet cach lap nhom tiet kiem", "vi", "VN", None),
    ("id-ms-never", "Bagaimana cara memulai kelompok tabungan kami?", "ms", "ID", None),
    ("vi-letters", "Làm sao để bắt đầu một nhóm tiết kiệm?", "en", None, "vi"),
    ("empty", "", "en", None, None),
]


@pytest.mark.parametrize("text,member,country,expected", [f[1:] for f in FOR_MEMBER],
                         ids=[f[0] for f in FOR_MEMBER])
def test_detect_for_member(text, member, country, expected):
    assert detect_for_member(text, member, country) == expected


@pytest.mark.parametrize("text", ["yes", "ok", "thanks!", "1", "STOP", "Terima kasih",
                                  "salamat po", "cam on", "hi there"])
@pytest.mark.parametrize("member", ["en", "km", "vi", "id", "fil"])
def test_a_short_message_never_flips(text, member):
    assert detect_for_member(text, member, None) is None
