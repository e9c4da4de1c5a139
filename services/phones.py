"""Phone numbers: E.164 form and the country a number belongs to; the address a person
types for a simulated member; a number as a moderator or a log line may show it."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

from content.channels import kind

HIDDEN = "•"


def to_e164(raw: str, default_region: str | None = None) -> str | None:
    """The number in E.164 form, or None if it is not a valid phone number."""
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=16384)  # every SMS queued asks it of its address (outbox prices)
def country_of(e164: str) -> str | None:
    """ISO country code of a number ('+85512345678' -> 'KH'), None if unknown."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(number)
    if region and region != "ZZ":
        return region
    regions = phonenumbers.region_codes_for_country_code(number.country_code)
    return regions[0] if len(regions) == 1 else None


def typed_address(channel: str, raw: str) -> str:
    """The address of a simulated member (the web simulator, `peerlearn chat`): an SMS
    number in E.164 form where the channel is phone-addressed, else a user id (an
    integer, as Telegram's and Messenger's are). ValueError says what to type."""
    raw = raw.strip()
    if kind(channel).phone_addressed:
        e164 = to_e164(raw)
        if e164 is None:
            raise ValueError(f"{raw!r} is not a phone number; use +country form")
        return e164
    digits = raw.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or len(raw) > 20:
        raise ValueError(f"a {channel.capitalize()} user is a number, e.g. 100001")
    return raw


def masked_phone(address: str) -> str:
    """'+85512345678' -> '+855 •••••678': the country code and the last three digits."""
    e164 = to_e164(address) or address
    try:
        code = str(phonenumbers.parse(e164, None).country_code)
    except phonenumbers.NumberParseException:
        code = ""
    digits = e164.lstrip("+")
    hidden = max(len(digits) - len(code) - 3, 1)
    return f"+{code} {HIDDEN * hidden}{digits[-3:]}" if code else HIDDEN * hidden + digits[-3:]
