"""What one text costs as an SMS, as the console's editor shows it while a moderator
types: the text as it will be sent (look-alikes replaced, services.sms.gsm), its encoding,
exact segments (services.sms.segments), room left in the last segment, and the estimated
cost where a price is known (services.sms.prices)."""

from __future__ import annotations

from dataclasses import dataclass

from services.sms.gsm import gsm_friendly, septets
from services.sms.prices import Price
from services.sms.segments import GSM7, LIMITS, count, utf16_units

BUDGET = 2  # segments a story snippet may take before it is paged with MORE


@dataclass(frozen=True)
class Estimate:
    """One text's encoding, segments, room left, cost (None: no price known) and the
    price it comes from."""

    encoding: str
    segments: int
    units: int
    left: int  # characters (septets or UTF-16 units) left in the last segment
    cost: float | None
    typed_encoding: str  # before look-alikes were replaced
    replaced: bool  # look-alikes (a smart quote) were replaced for sending
    price: Price | None = None  # the price per segment used, with its source and date

    @property
    def paged(self) -> bool:
        """Longer than the budget: the member gets it in pages, MORE by MORE."""
        return self.segments > BUDGET


def estimate(text: str, *, price: Price | None = None) -> Estimate:
    """The estimate for `text` sent as an SMS, at `price` (services/sms/prices.py)."""
    unit = price.price if price is not None else None
    sent = gsm_friendly(text)
    info = count(sent)
    single, multi = LIMITS[info.encoding]
    limit = single if info.segments == 1 else multi
    last = info.parts[-1] if info.parts else ""
    used = sum(septets(c) or 0 for c in last) if info.encoding == GSM7 else utf16_units(last)
    cost = None if unit is None else round(unit * info.segments, 6)
    return Estimate(info.encoding, info.segments, info.units, limit - used, cost,
                    count(text).encoding, sent != text, price)
