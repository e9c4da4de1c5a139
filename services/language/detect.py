"""Which of our nine languages a message is in.

`detect_language`: the script decides Khmer, Lao, Burmese and Thai (two letters of the
script are enough; with several, the one with the most letters wins, Latin aside). Latin
text: Vietnamese letters → vi; then, for a sender in Vietnam or a Vietnamese speaker
(`prior`), text made only of Vietnamese syllables (≥ 80 % of the words) → vi; otherwise
lingua restricted to en/vi/id/ms/fil. Indonesian and Malay are told apart by the
country (ID → id; MY, BN, SG → ms), then by `prior`. Text with fewer than three letters
(digits, emoji, empty) gives `prior`, else the country's language, else English.

`detect_for_member`: a language to switch a member to, or None. It only answers when
the message is strong evidence on its own:
- non-Latin script: at least 10 letters or marks (about two words) of a script other
  than that of the member's language (a Khmer message from a Khmer member says nothing);
- Latin script: at least 4 words and 15 letters, and lingua at least 70 % sure (on the
  benchmark's Latin lines of 4+ words, 571 of 573 such guesses are right, Indonesian and
  Malay counted as one) or a rule (Vietnamese letters; unaccented Vietnamese from a
  Vietnamese speaker or a +84 phone); and never between Indonesian and Malay (the
  member's choice wins: the two are too often word-for-word the same).
"""

from __future__ import annotations

from services.language.latin import (
    LATIN_LANGS,
    has_vietnamese_letters,
    lingua_guess,
    vietnamese_syllable_share,
    words,
)
from services.language.scripts import LATIN, NATIVE_SCRIPT_LANGS, dominant_native, script_counts

LANGUAGES = ("en", "km", "lo", "my", "vi", "id", "ms", "fil", "th")
COUNTRY_LANGUAGE = {"KH": "km", "LA": "lo", "MM": "my", "VN": "vi", "ID": "id", "MY": "ms",
                    "BN": "ms", "PH": "fil", "TH": "th"}
MALAY_COUNTRIES = {"ID": "id", "MY": "ms", "BN": "ms", "SG": "ms"}
MIN_SCRIPT = 2  # letters of Khmer, Lao, Myanmar or Thai that decide the language
MIN_LATIN = 3  # fewer Latin letters: too short to tell
VI_SHARE = 0.8  # share of Vietnamese syllables for unaccented Vietnamese
SWITCH_SCRIPT, SWITCH_WORDS, SWITCH_LETTERS, SWITCH_CONFIDENCE = 10, 4, 15, 0.7


def detect_language(text: str, *, country: str | None = None, prior: str | None = None) -> str:
    """The language of `text`: one of en km lo my vi id ms fil th (see the module doc)."""
    counts = script_counts(text or "")
    native = dominant_native(counts, MIN_SCRIPT)
    if native:
        return native
    if counts[LATIN] < MIN_LATIN:
        return fallback(country, prior)
    return _latin(text, country, prior)[0]


def detect_for_member(text: str, member_language: str, country: str | None) -> str | None:
    """A language to switch the member to, only when this message alone is convincing."""
    counts = script_counts(text or "")
    native = dominant_native(counts, SWITCH_SCRIPT)
    if native:
        return native if native != member_language else None
    if dominant_native(counts, 1) or len(words(text)) < SWITCH_WORDS \
            or counts[LATIN] < SWITCH_LETTERS:
        return None
    lang, confidence = _latin(text, country, member_language)
    if lang == member_language or {lang, member_language} <= {"id", "ms"}:
        return None
    return lang if confidence >= SWITCH_CONFIDENCE else None


def fallback(country: str | None, prior: str | None) -> str:
    """The language when the text cannot tell: the prior, the country's, or English."""
    if prior in LANGUAGES:
        return prior
    return COUNTRY_LANGUAGE.get((country or "").upper(), "en")


def _latin(text: str, country: str | None, prior: str | None) -> tuple[str, float]:
    """The Latin-script language and how sure we are (1.0 for a rule)."""
    country = (country or "").upper()
    if has_vietnamese_letters(text):
        return "vi", 1.0
    if (country == "VN" or prior == "vi") and vietnamese_syllable_share(text) >= VI_SHARE:
        return "vi", 1.0
    lang, confidence = lingua_guess(text)
    if lang in ("id", "ms"):
        lang = _malay_family(lang, country, prior)
    return lang, confidence


def _malay_family(guess: str, country: str, prior: str | None) -> str:
    """Indonesian or Malay: the country decides, then the prior, then the detector."""
    if country in MALAY_COUNTRIES:
        return MALAY_COUNTRIES[country]
    return prior if prior in ("id", "ms") else guess


__all__ = ["LANGUAGES", "LATIN_LANGS", "NATIVE_SCRIPT_LANGS", "detect_for_member",
           "detect_language", "fallback"]
