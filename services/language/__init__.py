"""Language services: normalisation, Zawgyi and language detection.

- `normalize(text)`: NFC, Zawgyi → Unicode, Lao/Thai SARA AM composed, control
  characters removed, Khmer zero-width spaces kept only between Khmer letters
  (`normalize_inbound` also tells whether the text was Zawgyi).
- `is_zawgyi(text)`, `to_zawgyi(text)`: for members whose phone uses Zawgyi.
- `detect_language(text, *, country=None, prior=None)` → en km lo my vi id ms fil th;
  `detect_for_member(text, member_language, country)` → a language to switch to, or None.
"""

from services.language.detect import LANGUAGES, detect_for_member, detect_language
from services.language.normalize import ZWSP, Normalized, normalize, normalize_inbound
from services.language.zawgyi import MYANMAR as MYANMAR_RE
from services.language.zawgyi import (
    has_myanmar,
    is_zawgyi,
    to_zawgyi,
    zawgyi_only,
    zawgyi_probability,
)

__all__ = ["LANGUAGES", "MYANMAR_RE", "ZWSP", "Normalized", "detect_for_member", "detect_language",
           "has_myanmar", "is_zawgyi", "normalize", "normalize_inbound", "to_zawgyi",
           "zawgyi_only", "zawgyi_probability"]
