"""Practices documented by members: the SHARE interview's draft (services/curation.py
holds what moderators do with it).

The interview follows the documentation template (content/packs/FORMAT.md); each
answer is written to the draft as it comes, so the interview survives an expired dialog
and the draft itself says which question is next. Where the answers go:

- name -> translation `title`; problem it solves -> `body` (the article opens with it);
  how it works -> `approach`; results -> `results`;
- origin (where it came from and how it spread: from whom, which country) ->
  `shared_across_borders` if it names a country other than the member's, else
  `shared_in_country`; `cooperation` (who worked with whom) is left to the moderator,
  who reads it out of the origin answer when curating;
- visitors welcome (1 yes / 2 no) -> practice `visitors_welcome`.

The draft is a Practice in the `review` state (pack `members`) created at the first
answer, with the member as contributor and the member's country, curated by the
member's organisation (or the first partner organisation working in the member's
country; none: the shared store), so that only that organisation's moderators see it;
its one translation is in the member's language, unreviewed. The interview is the
practice's first source: `sources[0]` records it with the language and the questions
skipped, so "skipped" and "not asked yet" stay apart.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from sqlmodel import Session, select

from content.models import Member, Organisation, Practice, PracticeTranslation

QUESTIONS = ("name", "problem", "how", "origin", "results", "visitors")
TEXT_FIELDS = {"problem": "body", "how": "approach", "results": "results"}
PACK = "members"
TITLE_MAX = 120

# Country names a member may write in an origin answer: English, the region's languages
# (Vietnamese folded without marks), and the country's own script.
COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "KH": ("cambodia", "kampuchea", "kemboja", "kamboja", "campuchia", "kambodya", "កម្ពុជា",
           "ກໍາປູເຈຍ", "ກຳປູເຈຍ", "ကမ္ဘောဒီးယား", "กัมพูชา"),
    "LA": ("laos", "lao pdr", "ລາວ", "လာအို", "ลาว"),
    "MM": ("myanmar", "burma", "mien dien", "မြန်မာ", "พม่า", "ມຽນມາ"),
    "VN": ("vietnam", "viet nam", "ຫວຽດນາມ", "ဗီယက်နမ်", "เวียดนาม", "វៀតណាម"),
    "TH": ("thailand", "thai lan", "tailandia", "ไทย", "ໄທ", "ထိုင်း", "ថៃ"),
    "MY": ("malaysia", "malaixia", "ma lai xi a", "มาเลเซีย", "ມາເລເຊຍ", "မလေးရှား",
           "ម៉ាឡេស៊ី"),
    "PH": ("philippines", "pilipinas", "filipina", "filipinas", "philippine", "phi lip pin",
           "ฟิลิปปินส์", "ຟີລິບປິນ", "ဖိလစ်ပိုင်", "ហ្វីលីពីន"),
    "ID": ("indonesia", "in do ne xi a", "อินโดนีเซีย", "ອິນໂດເນເຊຍ", "အင်ဒိုနီးရှား",
           "ឥណ្ឌូនេស៊ី"),
    "SG": ("singapore", "singapura", "xin ga po", "สิงคโปร์", "စင်ကာပူ", "សិង្ហបុរី"),
    "JP": ("japan", "jepang", "jepun", "hapon", "nhat ban", "ญี่ปุ่น", "ຍີ່ປຸ່ນ", "ဂျပန်",
           "ជប៉ុន"),
    "CH": ("switzerland", "swiss", "geneva", "suisse", "thuy si", "สวิตเซอร์แลนด์"),
}


def open_draft(*, session: Session, member_id: int) -> Practice | None:
    """The member's newest draft whose interview still has questions open."""
    drafts = session.exec(select(Practice).where(
        Practice.contributor_id == member_id, Practice.status == "review")
        .order_by(Practice.id.desc()))
    return next((p for p in drafts if next_question(session=session, practice=p)), None)


def interview(practice: Practice) -> dict:
    """The interview's record: its language and the questions skipped."""
    first = practice.sources[0] if practice.sources else {}
    return first if first.get("kind") == "interview" else {}


def translation(*, session: Session, practice: Practice) -> PracticeTranslation | None:
    """The translation the member answered in."""
    lang = interview(practice).get("lang")
    return session.exec(select(PracticeTranslation).where(
        PracticeTranslation.practice_id == practice.id,
        PracticeTranslation.lang == lang)).first() if lang else None


def answered(practice: Practice, tr: PracticeTranslation | None) -> set[str]:
    """The questions the draft holds an answer to."""
    done = {q for q, name in TEXT_FIELDS.items() if tr is not None and getattr(tr, name)}
    if tr is not None and tr.title:
        done.add("name")
    if tr is not None and (tr.shared_across_borders or tr.shared_in_country):
        done.add("origin")
    if practice.visitors_welcome is not None:
        done.add("visitors")
    return done


def next_question(*, session: Session, practice: Practice | None,
                  skipped: tuple[str, ...] = ()) -> str | None:
    """The first question neither answered nor skipped (None: the interview is done)."""
    if practice is None:
        return next((q for q in QUESTIONS if q not in skipped), None)
    return question_after(practice, translation(session=session, practice=practice), skipped)


def question_after(practice: Practice, tr: PracticeTranslation | None,
                   skipped: tuple[str, ...] = ()) -> str | None:
    """next_question for a draft whose translation is already loaded."""
    done = answered(practice, tr) | set(interview(practice).get("skipped", ())) | set(skipped)
    return next((q for q in QUESTIONS if q not in done), None)


def start_draft(*, session: Session, member: Member, now: datetime,
                skipped: tuple[str, ...] = ()) -> Practice:
    """A new draft for the member, with the questions they skipped before answering."""
    practice = Practice(slug=_free_slug(session, member.id), pack=PACK, status="review",
                        country=member.country, contributor_id=member.id,
                        organisation_id=_curator(session, member),
                        sources=[{"kind": "interview", "title": "SHARE interview",
                                  "lang": member.language, "skipped": list(skipped),
                                  "started": now.date().isoformat()}],
                        created_at=now, updated_at=now)
    session.add(practice)
    session.flush()
    session.add(PracticeTranslation(practice_id=practice.id, lang=member.language,
                                    title="", reviewed=False))
    session.flush()
    return practice


def save_answer(*, session: Session, practice: Practice, member: Member, question: str,
                text: str, now: datetime) -> None:
    """Writes one answer into the draft."""
    if question == "visitors":
        practice.visitors_welcome = text == "yes"
    else:
        tr = translation(session=session, practice=practice)
        if question == "name":
            tr.title = " ".join(text.split())[:TITLE_MAX]
        elif question == "origin":
            setattr(tr, origin_field(text, member.country), text)
        else:
            setattr(tr, TEXT_FIELDS[question], text)
        session.add(tr)
    touch(session, practice, now)


def skip(*, session: Session, practice: Practice, question: str, now: datetime) -> None:
    """Records that the member skipped a question."""
    record = dict(interview(practice))
    record["skipped"] = [*record.get("skipped", []), question]
    practice.sources = [record, *practice.sources[1:]]  # a new list: JSON columns are
    touch(session, practice, now)  # written only when assigned


def attach_photo(*, session: Session, practice: Practice, file_id: str, caption: str,
                 now: datetime) -> None:
    """Adds a Telegram photo to the draft (once per file)."""
    if any(m.get("telegram_file_id") == file_id for m in practice.media):
        return
    practice.media = [*practice.media, {"telegram_file_id": file_id, "caption": caption}]
    touch(session, practice, now)


def origin_field(text: str, country: str | None) -> str:
    """`shared_across_borders` when the text names a country other than `country`."""
    folded = _fold(text)
    for code, names in COUNTRY_NAMES.items():
        if code != country and any(_names(folded, _fold(name)) for name in names):
            return "shared_across_borders"
    return "shared_in_country"


def _names(text: str, name: str) -> bool:
    if name.isascii():
        return re.search(rf"\b{re.escape(name)}\b", text) is not None
    return name in text


def _fold(text: str) -> str:
    """Lower case without Latin accents ("Việt Nam" -> "viet nam"), other scripts kept."""
    text = unicodedata.normalize("NFC", text).casefold().replace("đ", "d")
    kept = [ch for ch in unicodedata.normalize("NFD", text)
            if not (unicodedata.combining(ch) and ch < "\u0370")]
    return unicodedata.normalize("NFC", "".join(kept))


def _curator(session: Session, member: Member) -> int | None:
    """The partner organisation that curates the member's practices."""
    if member.organisation_id is not None or member.country is None:
        return member.organisation_id
    return session.exec(select(Organisation.id).where(
        Organisation.country == member.country).order_by(Organisation.id)).first()


def _free_slug(session: Session, member_id: int) -> str:
    taken = set(session.exec(select(Practice.slug).where(
        Practice.slug.startswith(f"member-{member_id}-"))))
    n = len(taken) + 1
    while f"member-{member_id}-{n}" in taken:
        n += 1
    return f"member-{member_id}-{n}"


def touch(session: Session, practice: Practice, now: datetime) -> None:
    """Marks the practice changed now and writes it."""
    practice.updated_at = now
    session.add(practice)
    session.flush()
