"""SMS prices from Twilio's Pricing API (Messaging Countries) for the account in the
settings, through twilio's REST client, for `peerlearn sms-prices fetch`.

A country has one price per carrier and number type; the estimate takes the highest
current price, so that a budget made from it is not exceeded by the carrier a member
happens to use."""

from __future__ import annotations

from datetime import date

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from services.sms.prices import Price

SOURCE = "Twilio Pricing API, highest carrier price"


def fetch(settings, countries: list[str], today: date | None = None
          ) -> tuple[list[Price], dict[str, str]]:
    """Prices of the countries Twilio knows, and why the others have none."""
    token = settings.twilio_auth_token.get_secret_value() if settings.twilio_auth_token \
        else None
    if not (settings.twilio_account_sid and token):
        raise ValueError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are needed")
    client = Client(settings.twilio_account_sid, token)
    if settings.twilio_api_base:  # a local fake in tests
        client.pricing.base_url = settings.twilio_api_base.rstrip("/")
    stamp = (today or date.today()).isoformat()
    found, missing = [], {}
    for iso in countries:
        try:
            country = client.pricing.v1.messaging.countries(iso).fetch()
        except TwilioRestException as exc:
            missing[iso] = f"{exc.status} {exc.msg}"
            continue
        prices = [float(price["current_price"]) for carrier in country.outbound_sms_prices
                  for price in carrier.get("prices", []) if price.get("current_price")]
        if not prices:
            missing[iso] = "no outbound SMS price"
            continue
        found.append(Price("twilio", iso, max(prices), (country.price_unit or "USD").upper(),
                           SOURCE, stamp))
    return found, missing
