"""Words that shape a question without saying what it is about, per language.

"How", "can we", "ไหม", "យ៉ាងម៉េច", "gmn" are in almost every question and in few of the
texts, so a store that weighs each word of a question by how rare it is in the index
(services/store_match.py) took them for the question's subject: a colloquial "how" that
no text holds weighed more than "rice". They count for nothing there. Only function
words: question words, pronouns, particles, auxiliaries, prepositions, the verbs that
frame a request ("start", "set up", "make") and their usual texting forms; never a word
that could name a subject ("sell", "loan", "water"), and for
Vietnamese without diacritics never a bare form that is also a content word ("ban" is
also "bán", to sell; "co" is also "cỏ", weeds). Each entry is segmented as the index
segments text, so a phrase gives its words.
"""

from __future__ import annotations

from functools import cache

from content.segment import words

FILLERS: dict[str, tuple[str, ...]] = {
    "en": (
        "start", "starting", "set", "setup", "make", "build", "create", "begin", "get",
        "have", "has", "use", "using",
        "how", "what", "whats", "where", "when", "why", "who", "which", "can", "could",
        "would", "should", "will", "do", "does", "did", "is", "are", "was", "were", "be",
        "am", "i", "im", "we", "you", "u", "my", "our", "your", "ur", "us", "me", "it",
        "its", "they", "them", "their", "a", "an", "the", "to", "of", "for", "in", "on",
        "at", "by", "from", "with", "and", "or", "if", "then", "so", "this", "that",
        "these", "those", "there", "any", "some", "about", "please", "pls", "plz", "want",
        "wants", "tell", "know", "hi", "hello", "ok", "yes", "no", "not", "dont",
    ),
    "km": (
        "បង្កើត", "ចាប់ផ្តើម", "រៀបចំ",
        "តើ", "ធ្វើ", "ម៉េច", "យ៉ាងម៉េច", "យ៉ាងដូចម្តេច", "ដូចម្តេច", "អ្វី", "អ្វីខ្លះ",
        "អី", "ណា", "ទេ", "បានទេ", "ឬទេ", "ដែរ", "ឬ", "រឺ", "បាន", "អត់", "មិន", "ខ្ញុំ",
        "យើង", "យើងខ្ញុំ", "គាត់", "គេ", "អ្នក", "បង", "ប្អូន", "ចង់", "គួរ", "អាច", "ត្រូវ",
        "ឲ្យ", "ឱ្យ", "ហើយ", "ផង", "សូម", "ចុះ", "នៃ", "នៅ", "ពី", "ដើម្បី", "និង", "ជា",
        "នេះ", "នោះ", "ក្នុង", "ជាមួយ", "ដល់", "របស់", "មាន",
    ),
    "lo": (
        "ສ້າງ", "ຕັ້ງ", "ເລີ່ມ", "ເລີ່ມຕົ້ນ",
        "ແນວໃດ", "ແນວ", "ໃດ", "ຫຍັງ", "ບໍ", "ບໍ່", "ບໍ່ໄດ້", "ໄດ້ບໍ", "ໄດ້", "ແມ່ນ", "ຂ້ອຍ",
        "ຂ້ອຍເຈົ້າ", "ພວກເຮົາ", "ເຮົາ", "ເຈົ້າ", "ຢາກ", "ຈະ", "ຄື", "ແລະ", "ຂອງ", "ໃນ", "ຢູ່",
        "ໃສ", "ຈາກ", "ກັບ", "ໃຫ້", "ແລ້ວ", "ເຮັດ", "ຕ້ອງ", "ສາມາດ", "ມີ", "ນີ້", "ນັ້ນ",
        "ກໍ", "ເດ", "ແດ່", "ຈັ່ງໃດ",
    ),
    "my": (
        "ထောင်", "တည်ထောင်", "စတင်", "စ",
        "ဘယ်လို", "ဘာ", "ဘယ်", "လဲ", "လား", "ရ", "ရမလဲ", "မလဲ", "ကျွန်တော်", "ကျွန်မ",
        "ကျနော်", "ငါ", "ကျွန်ုပ်တို့", "တို့", "သူ", "ချင်", "တယ်", "ပါ", "သလား", "မှာ",
        "က", "ကို", "နဲ့", "နှင့်", "ရဲ့", "၏", "တွေ", "လုပ်", "ပြီး", "ဖို့", "အတွက်", "ရှိ",
        "ဘူး", "နိုင်", "ရော", "ပေါ့", "နော်", "ဗျာ", "ရှင်",
    ),
    "th": (
        "ตั้ง", "สร้าง", "เริ่ม", "เริ่มต้น",
        "อย่างไร", "ยังไง", "ไง", "ยัง", "อะไร", "ไหม", "มั้ย", "ไหน", "ที่ไหน", "ได้",
        "ไม่", "ครับ", "ค่ะ", "คะ", "นะ", "จะ", "ต้อง", "อยาก", "เรา", "ผม", "ฉัน", "หนู",
        "คุณ", "ของ", "ใน", "ที่", "และ", "กับ", "ให้", "แล้ว", "เป็น", "มี", "คือ", "เหรอ",
        "หรือ", "บ้าง", "หน่อย", "ช่วย", "ทำ", "ดี",
    ),
    "vi": (
        "lập", "thành lập", "bắt đầu", "tạo",
        "làm sao", "thế nào", "như thế nào", "nhu the nao", "the nao", "gì", "gi", "nào",
        "nao", "sao", "không", "khong", "ko", "k", "được", "duoc", "đc", "dc", "tôi", "toi",
        "mình", "minh", "chúng", "ta", "bạn", "em", "anh", "chị", "muốn", "cần",
        "là", "của", "và", "ở", "với", "cho", "thì", "hay", "hả", "ạ", "nhé", "ơi", "có",
        "phải", "ai",
    ),
    "id": (
        "bikin", "membuat", "mulai", "memulai", "mendirikan",
        "bagaimana", "bgmn", "gimana", "gmn", "gmana", "cara", "caranya", "apa", "apakah",
        "ada", "bisa", "bs", "boleh", "mau", "ingin", "pengen", "saya", "sy", "aku", "kami",
        "kita", "kalian", "anda", "kamu", "yang", "yg", "di", "ke", "dari", "dr", "dan",
        "dgn", "dengan", "untuk", "utk", "buat", "itu", "ini", "ga", "gak", "nggak",
        "tidak", "tdk", "juga", "jg", "sudah", "udah", "sdh", "trus", "terus", "lalu",
        "dong", "sih", "ya", "kah", "nya", "kenapa", "mengapa", "dimana", "dmn", "mana",
        "tolong", "mohon",
    ),
    "ms": (
        "buat", "tubuh", "menubuhkan", "mula", "memulakan",
        "bagaimana", "macam", "mana", "mcm", "camne", "camana", "apa", "ada", "boleh",
        "nak", "mahu", "saya", "sy", "aku", "kami", "kita", "awak", "anda", "yang", "yg",
        "di", "ke", "dari", "dan", "dgn", "dengan", "untuk", "utk", "itu", "ini", "tak",
        "x", "tidak", "tdk", "juga", "sudah", "dah", "pastu", "kat", "la", "lah", "kah",
        "tu", "ni", "cara", "kenapa", "tolong", "sila",
    ),
    "fil": (
        "magtayo", "gumawa", "simulan", "magsimula",
        "paano", "pano", "ano", "saan", "bakit", "sino", "kailan", "ba", "ng", "nang",
        "sa", "ang", "mga", "na", "at", "ko", "ako", "kami", "tayo", "namin", "natin",
        "mo", "ka", "kayo", "po", "ho", "yung", "iyong", "ito", "yan", "yun", "para", "pra",
        "may", "mayroon", "meron", "wala", "hindi", "di", "pwede", "puwede", "gusto",
        "dapat", "lang", "din", "rin", "naman", "kasi", "pag", "kapag", "kung", "tapos",
    ),
}


@cache
def fillers(lang: str) -> frozenset[str]:
    """The filler words of a language (none for a language not listed), as the index
    segments and folds them."""
    return frozenset(word for entry in FILLERS.get(lang, ()) for word in words(entry, lang))
