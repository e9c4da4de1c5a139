"""The nine supported languages and the fixed vocabularies of the content store."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """A supported language: its code, its name in Latin letters and in its own script."""

    code: str
    latin_name: str
    native_name: str
    script: str  # Latn | Khmr | Laoo | Mymr | Thai
    menu_label: str  # short, readable on any phone: Latin name, plus the script's own

    @property
    def button_label(self) -> str:
        """On a button, where nothing is counted in segments: Vietnamese with its marks."""
        return self.native_name if self.code == "vi" else self.menu_label


LANGUAGES: tuple[Language, ...] = (
    Language("en", "English", "English", "Latn", "English"),
    Language("km", "Khmer", "ខ្មែរ", "Khmr", "Khmer ខ្មែរ"),
    Language("lo", "Lao", "ລາວ", "Laoo", "Lao ລາວ"),
    Language("my", "Myanmar", "မြန်မာ", "Mymr", "Myanmar မြန်မာ"),
    Language("vi", "Vietnamese", "Tiếng Việt", "Latn", "Tieng Viet"),
    Language("id", "Indonesian", "Bahasa Indonesia", "Latn", "Indonesia"),
    Language("ms", "Malay", "Bahasa Melayu", "Latn", "Melayu"),
    Language("fil", "Filipino", "Filipino", "Latn", "Filipino"),
    Language("th", "Thai", "ไทย", "Thai", "Thai ไทย"),
)
LANGUAGE_CODES: tuple[str, ...] = tuple(lang.code for lang in LANGUAGES)
BY_CODE: dict[str, Language] = {lang.code: lang for lang in LANGUAGES}
# Languages in a script a basic phone may not show (Khmer, Lao, Myanmar, Thai).
NON_LATIN: frozenset[str] = frozenset(lang.code for lang in LANGUAGES if lang.script != "Latn")


def content_langs(language: str, *, latin_only: bool) -> list[str]:
    """Languages to take content in, best first: the member's, then English as the last
    resort; only English when the member's phone cannot show their language's script."""
    if latin_only and language in NON_LATIN:
        return ["en"]
    return [language, "en"] if language != "en" else ["en"]

TOPICS: tuple[str, ...] = (
    "farming", "fisheries", "livestock", "forestry", "seeds", "food-processing",
    "handicrafts", "marketing", "value-chains", "savings-credit", "microfinance",
    "cooperatives", "self-help-groups", "social-enterprise", "fair-trade", "environment",
    "food-security", "peacebuilding", "policy", "tourism", "women",
)
SECTORS: tuple[str, ...] = (
    "agriculture", "fisheries", "forestry", "handicrafts", "food-processing", "finance",
    "tourism", "trade", "services",
)
STATUSES: tuple[str, ...] = ("draft", "review", "published", "archived")
