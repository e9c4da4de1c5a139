"""SMS prices (services/sms/prices.py): a broken price file is refused with its name and
line; the deployment's file replaces bundled rows; every SMS queued copies its
destination's price, and its estimate is that times its segments."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot.inbox import InboundItem
from content.models import OutboundMessage
from services.sms import prices
from services.sms.prices import Price, PriceFileError

HEADER = "provider,country,price,currency,source,as_of\n"


@pytest.mark.parametrize("body, line, says", [
    ("provider,country,price\n", 1, "the header must be"),
    (HEADER + "twilio,KH,0.05,USD,x\n", 2, "5 fields, expected 6"),
    (HEADER + "twilio,Cambodia,0.05,USD,x,2026-01-01\n", 2, "not a two-letter code"),
    (HEADER + "twilio,kh,0.05,USD,x,2026-01-01\n", 2, "not a two-letter code"),
    (HEADER + "# a comment\ntwilio,KH,five cents,USD,x,2026-01-01\n", 3, "not an amount"),
    (HEADER + "twilio,KH,-1,USD,x,2026-01-01\n", 2, "not an amount"),
    (HEADER + "twilio,KH,nan,USD,x,2026-01-01\n", 2, "not an amount"),
    (HEADER + "twilio,KH,0.05,dollars,x,2026-01-01\n", 2, "not a code like USD"),
    (HEADER + "twilio,KH,0.05,USD,x,4 Dec 2026\n", 2, "not YYYY-MM-DD"),
    (HEADER + "Twilio SMS,KH,0.05,USD,x,\n", 2, "not a provider's name"),
    (HEADER + "twilio,KH,0.05,USD,x,\ntwilio,KH,0.06,USD,y,\n", 3, "priced twice"),
])
def test_a_broken_price_file_is_refused_with_its_line(tmp_path, body, line, says):
    path = tmp_path / "prices.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(PriceFileError) as refused:
        prices.table(path)
    assert f"{path}:{line}:" in str(refused.value) and says in str(refused.value)


def test_the_deployments_rows_replace_the_bundled_ones_and_the_flat_price_fills_in(tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text(HEADER + "twilio,KH,0.0512,USD,Twilio Pricing API,2026-12-01\n"
                    "twilio,US,0.0083,usd,\"a page, quoted\",2026-11-09\n", encoding="utf-8")
    table = prices.table(path, flat=0.04)
    kh = prices.lookup(table, "twilio", "KH")
    assert (kh.price, kh.source, kh.as_of) == (0.0512, "Twilio Pricing API", "2026-12-01")
    assert prices.lookup(table, "twilio", "US").source == "a page, quoted"
    assert prices.lookup(table, "twilio", "US").currency == "USD"
    # Laos has a bundled row without a price: the flat price applies, and says so.
    assert prices.lookup(table, "twilio", "LA").price == 0.04
    assert prices.lookup(table, "twilio", "LA").source == prices.FLAT_SOURCE
    assert prices.lookup(prices.table(), "twilio", "LA").price is None  # nothing invented


def test_the_bundled_file_reads_and_invents_no_price():
    assert all(p.price is None for p in prices.read(prices.BUNDLED))


def text_from(address: str, provider: str = "twilio", text: str = "hi") -> InboundItem:
    channel = "sms" if provider == "twilio" else "telegram"
    return InboundItem(provider=provider, channel=channel, address=address,
                       provider_key=f"{provider}-{address}-{text}", text=text)


def test_each_sms_queued_carries_its_destinations_price(services):
    prices.sync(services.db, [Price("twilio", "KH", 0.05, source="t", as_of="2026-12-01"),
                              Price("twilio", "LA", None),
                              Price("twilio", "*", 0.1, source="flat")])
    for item in (text_from("+85512345678"), text_from("+8562055512345"),
                 text_from("+14155550100"), text_from("12345", provider="telegram")):
        services.inbox.receive(item)
    with Session(services.db) as session:
        rows = session.exec(select(OutboundMessage).order_by(OutboundMessage.id)).all()
    by_address = {}
    for row in rows:
        by_address.setdefault(row.address, []).append(row)
    kh = by_address["+85512345678"]
    assert kh and all(row.unit_price == 0.05 for row in kh)
    assert all(row.cost_estimate == pytest.approx(0.05 * row.segments) for row in kh)
    # Laos has no price of its own, the US no row: both take the "*" price.
    assert all(row.unit_price == 0.1 for row in by_address["+8562055512345"])
    assert all(row.unit_price == 0.1 for row in by_address["+14155550100"])
    telegram = by_address["12345"]
    assert telegram and all(row.unit_price is None and row.cost_estimate is None
                            for row in telegram)


def test_without_prices_no_cost_is_made_up(services):
    services.inbox.receive(text_from("+85512345678"))
    with Session(services.db) as session:
        rows = session.exec(select(OutboundMessage)).all()
    assert rows and all(row.unit_price is None and row.cost_estimate is None for row in rows)


def test_processes_starting_together_agree_on_the_prices(services):
    wanted = [Price("twilio", "KH", 0.05, source="t", as_of="2026-12-01")]
    assert prices.sync(services.db, wanted) is True
    assert prices.sync(services.db, wanted) is False  # nothing to write the second time
    assert prices.stored(services.db) == wanted
