"""SMS encoding rules: GSM-7 / UCS-2 detection, exact segment counts, paging to a
segment budget, and text preparation (look-alikes, Vietnamese without diacritics).
Pure functions, no I/O."""

from services.sms.gsm import gsm_friendly
from services.sms.segments import SegmentInfo, count, fits, graphemes, split_to_budget, utf16_units

__all__ = ["SegmentInfo", "count", "fits", "graphemes", "gsm_friendly", "split_to_budget",
           "utf16_units"]
