"""`peerlearn sms-prices`: the SMS prices in use, and fetching this account's from
Twilio's Pricing API into the deployment's price file (SMS_PRICES_FILE)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from peerlearn.settings import Settings
from services.sms import prices
from webhooks.channels import twilio_prices

app = typer.Typer(help="SMS prices per destination country.", no_args_is_help=True)
DEFAULT_FILE = Path("var/sms_prices.csv")


@app.command("show")
def show() -> None:
    """The prices the service uses (bundled, then SMS_PRICES_FILE, then
    SMS_PRICE_PER_SEGMENT), with their sources and dates."""
    settings = Settings()
    for p in _table(settings):
        cost = "not known" if p.price is None else f"{p.currency} {p.price:.4f}"
        typer.echo(f"{p.provider:8} {p.country:2}  {cost:14} {p.source} {p.as_of}".rstrip())


@app.command("fetch")
def fetch(countries: Annotated[list[str] | None, typer.Argument(
        help="ISO codes (default: the countries of the price files)")] = None,
          out: Annotated[Path | None, typer.Option(
              help="The file to write (default: SMS_PRICES_FILE, else var/sms_prices.csv)")]
          = None) -> None:
    """Asks Twilio's Pricing API what a segment to each country costs this account, and
    writes it into the price file (its other rows are kept)."""
    settings = Settings()
    wanted = [c.upper() for c in countries] if countries else sorted(
        {p.country for p in _table(settings) if p.provider == "twilio" and p.country != "*"})
    target = out or Path(settings.sms_prices_file or DEFAULT_FILE)
    try:
        found, missing = twilio_prices.fetch(settings, wanted)
    except ValueError as exc:
        typer.echo(f"Not fetched: {exc}.", err=True)
        raise typer.Exit(1) from None
    kept = prices.read(target) if target.exists() else []
    fetched = {(p.provider, p.country) for p in found}
    prices.write(target, [p for p in kept if (p.provider, p.country) not in fetched] + found)
    for p in found:
        typer.echo(f"{p.country}: {p.currency} {p.price:.4f} a segment")
    for iso, why in missing.items():
        typer.echo(f"{iso}: no price ({why})", err=True)
    note = "" if settings.sms_prices_file and Path(settings.sms_prices_file) == target else \
        f"; set SMS_PRICES_FILE={target} for the service to use it"
    typer.echo(f"Wrote {target}{note}.")


def _table(settings: Settings) -> list[prices.Price]:
    try:
        return prices.table(settings.sms_prices_file, settings.sms_price_per_segment)
    except prices.PriceFileError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
