"""What the engine learns from how a message is written, before any flow sees it.

- `read`: the message normalised (Zawgyi converted to Unicode). A message the Zawgyi
  detector flags sets the member's `zawgyi` flag, so replies go out in Zawgyi. The flag
  is sticky: a short Unicode message never clears it (the detector is unsure on short
  text, and a wrong clear makes every reply unreadable on the member's phone); only a
  long one (at least 20 Myanmar characters) the detector is sure is Unicode
  (probability < 0.05) clears it: a Zawgyi keyboard cannot have typed that.
  Short text (under 20 Myanmar characters), where the detector is unsure (a Zawgyi
  `မဂၤလာပါ` scores 0.54), is read as Zawgyi when the member wrote Zawgyi before and the
  detector is not sure it is Unicode, or when a Myanmar number sends a sequence only
  Zawgyi writes (services/language/zawgyi.py `zawgyi_only`).
- `provisional_language`: when a member who has not chosen a language starts a dialog,
  their language is guessed from the text so the welcome and the language list come in
  it; `language_chosen` stays False until they pick one. Only a telling text counts:
  two letters of Khmer, Lao, Burmese or Thai script, or Latin text `detect_for_member`
  would switch on (4+ words lingua is sure of), and then only English or the phone
  country's own language (romanised Khmer or Lao is not Filipino). Short or command-like text ("hi",
  "/start", "HELP", "1") leaves the default, English: the phone's country alone does not
  decide, as many basic phones cannot show Khmer, Lao or Burmese and an English welcome
  fits one GSM-7 segment.
"""

from __future__ import annotations

from bot.turn import Turn
from content.models import Member
from services.language import (
    MYANMAR_RE,
    detect_for_member,
    detect_language,
    normalize_inbound,
    zawgyi_only,
)
from services.language.detect import COUNTRY_LANGUAGE, NATIVE_SCRIPT_LANGS
from services.language.scripts import dominant_native, script_counts
from services.language.zawgyi import THRESHOLD

CLEAR_BELOW = 0.05  # Zawgyi probability under which a long message is surely Unicode
CLEAR_MIN_CHARS = 20  # Myanmar characters a message needs to clear the flag


def read(member: Member, raw: str) -> str:
    """The normalised text; sets (or, on strong evidence, clears) `member.zawgyi`."""
    seen = normalize_inbound(raw or "", threshold=_threshold(member, raw or ""))
    if seen.zawgyi:
        member.zawgyi = True
    elif member.zawgyi and seen.probability < CLEAR_BELOW \
            and len(MYANMAR_RE.findall(seen.text)) >= CLEAR_MIN_CHARS:
        member.zawgyi = False
    return seen.text


def _threshold(member: Member, raw: str) -> float:
    """The Zawgyi probability above which this member's text is read as Zawgyi."""
    if not member.zawgyi and member.country != "MM":
        return THRESHOLD  # nothing known beyond the text: the detector alone
    if len(MYANMAR_RE.findall(raw)) >= CLEAR_MIN_CHARS:
        return THRESHOLD  # long enough for the detector alone
    if member.country == "MM" and zawgyi_only(raw):
        return float("-inf")
    return CLEAR_BELOW if member.zawgyi else THRESHOLD


def provisional_language(turn: Turn, flow: str | None) -> None:
    """Guesses the language of a member starting a dialog without having chosen one."""
    member = turn.member
    if member.language_chosen or flow is not None or turn.parsed.intent \
            or turn.text.startswith("/"):
        return
    guess = detect_language(turn.text) if dominant_native(script_counts(turn.text), 2) \
        else detect_for_member(turn.text, member.language, member.country)
    if guess is None:
        return
    own = COUNTRY_LANGUAGE.get(member.country or "")
    if guess in NATIVE_SCRIPT_LANGS or guess == "en" or own in (None, guess):
        member.language = guess
