"""`peerlearn sms-prices` and `peerlearn broadcast` from the command line: prices fetched
from (the fake of) Twilio's Pricing API into the deployment's file, shown with their
sources, a broken file named with its line; a broadcast previewed, then queued."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select
from typer.testing import CliRunner

from content.db import make_engine
from content.models import OutboundMessage
from peerlearn.cli import app
from services.sms import prices
from tests.services.test_broadcasts import member
from webhooks.channels.twilio_prices import SOURCE

runner = CliRunner()


def twilio_env(fake) -> dict[str, str]:
    return {"TWILIO_ACCOUNT_SID": fake.account_sid, "TWILIO_AUTH_TOKEN": fake.auth_token,
            "TWILIO_API_BASE": fake.base_url}


def test_prices_are_fetched_into_the_file_and_the_rest_is_kept(fake_twilio, tmp_path):
    target = tmp_path / "prices.csv"
    prices.write(target, [prices.Price("twilio", "US", 0.0083, source="a page",
                                       as_of="2026-11-09")])
    fake_twilio.prices = {"KH": [0.041, 0.0512], "LA": [0.06]}
    result = runner.invoke(app, ["sms-prices", "fetch", "KH", "la", "MM", "--out",
                                 str(target)], env=twilio_env(fake_twilio))
    assert result.exit_code == 0, result.output
    assert "MM: no price (404" in result.output and f"Wrote {target}" in result.output
    today = date.today().isoformat()
    assert prices.read(target) == [
        prices.Price("twilio", "KH", 0.0512, "USD", SOURCE, today),  # the dearest carrier
        prices.Price("twilio", "LA", 0.06, "USD", SOURCE, today),
        prices.Price("twilio", "US", 0.0083, "USD", "a page", "2026-11-09")]
    shown = runner.invoke(app, ["sms-prices", "show"], env={"SMS_PRICES_FILE": str(target)})
    assert "KH  USD 0.0512" in shown.output and "MM  not known" in shown.output


def test_fetching_without_an_account_says_what_is_missing(tmp_path):
    result = runner.invoke(app, ["sms-prices", "fetch", "--out", str(tmp_path / "p.csv")],
                           env={"TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": ""})
    assert result.exit_code == 1 and "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN" in result.output


def test_a_broken_price_file_is_named_with_its_line(tmp_path):
    broken = tmp_path / "prices.csv"
    broken.write_text("provider,country,price,currency,source,as_of\ntwilio,KH,lots,USD,,\n",
                      encoding="utf-8")
    result = runner.invoke(app, ["sms-prices", "show"], env={"SMS_PRICES_FILE": str(broken)})
    assert result.exit_code == 1 and f"{broken}:2: price 'lots'" in result.output


def test_a_broadcast_is_previewed_then_queued(tmp_path):
    url = f"sqlite:///{tmp_path / 'b.db'}"
    env = {"DATABASE_URL": url, "SMS_PRICE_PER_SEGMENT": "0.05"}
    assert runner.invoke(app, ["migrate"], env=env).exit_code == 0
    db = make_engine(url)
    member(db, "+85512000001", language="km", country="KH")
    member(db, "7001", channel="telegram", language="lo", country="LA")
    args = ["broadcast", "Field day on Saturday", "--text", "km=ថ្ងៃសៅរ៍ ទស្សនកិច្ចស្រែ"]
    preview = runner.invoke(app, [*args, "--preview"], env=env)
    assert preview.exit_code == 0, preview.output
    assert "2 recipients; estimated SMS cost 0.0500" in preview.output
    assert "get the en text" in preview.output  # the Lao reader has no Lao text
    with Session(db) as session:
        assert session.exec(select(OutboundMessage)).all() == []
    sent = runner.invoke(app, args, env=env)
    assert sent.exit_code == 0 and "2 messages queued as broadcast 1" in sent.output
    with Session(db) as session:
        rows = session.exec(select(OutboundMessage).order_by(OutboundMessage.id)).all()
    assert [(r.channel, r.text) for r in rows] == [("sms", "ថ្ងៃសៅរ៍ ទស្សនកិច្ចស្រែ"),
                                                  ("telegram", "Field day on Saturday")]
    db.dispose()
