"""The issue's turn mix, shared by bench/turns_mix.py and bench/paced.py: a new member
saying `hi`, and onboarded members reading a story (`STORY`), its next page (`MORE`),
the story's "0 Menu" (a menu number) and asking a question the store answers (`ASK`).

It imports nothing, so turns_mix.py can load it by path whatever tree it measures."""

# What an SMS member says to get through onboarding (Khmer asks for the script too).
ONBOARDING = {"en": ["hi", "1", "1", "1", "1", "1", "1"],
              "km": ["hi", "2", "1", "1", "1", "1", "1", "1"]}
QUESTIONS = {"en": ["ASK Does SRI need more water?", "ASK how do we sell handicrafts abroad"],
             "km": ["សួរ បង្កើនទិន្នផលស្រូវ", "សួរ តើ SRI ត្រូវការទឹកច្រើនទេ?"]}
KINDS = ("new member hi", "STORY", "MORE", "menu number", "ASK")


def cycle(lang: str, round_: int) -> list[tuple[str, str]]:
    """One onboarded member's four turns of a round, as (text, kind)."""
    question = QUESTIONS[lang][round_ % len(QUESTIONS[lang])]
    return [("STORY", "STORY"), ("MORE", "MORE"), ("0", "menu number"), (question, "ASK")]


def language(member: int) -> str:
    """Half the members read Khmer, half English."""
    return "km" if member % 2 else "en"
