"""SMS prices per provider and destination country: read from services/sms/prices.csv
and the deployment's own file (SMS_PRICES_FILE, whose rows replace the bundled ones),
kept in the `smsprice` table, and copied onto each outbox row when it is queued
(services/delivery/outbox.py reads them with `PRICE`).

A price comes with its source and date, since providers change them and moderators
must know how old a cost figure is. A broken file is refused with its name and line.
"""

from __future__ import annotations

import csv
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import bindparam, delete, inspect, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine as Database

from content.channels import kind
from content.models.programme import ANY_COUNTRY, SmsPrice
from services.phones import country_of

BUNDLED = Path(__file__).with_name("prices.csv")
COLUMNS = ("provider", "country", "price", "currency", "source", "as_of")
TABLE = SmsPrice.__table__
FLAT_SOURCE = "SMS_PRICE_PER_SEGMENT setting"
# The price of a segment to one destination (its country's row, else the "*" row): a
# scalar subquery an INSERT of outbox rows embeds, with `price_provider` and
# `price_country` bound per row.
PRICE = (select(TABLE.c.price)
         .where(TABLE.c.provider == bindparam("price_provider"), TABLE.c.price.is_not(None),
                TABLE.c.country.in_([bindparam("price_country"), ANY_COUNTRY]))
         .order_by(TABLE.c.country == ANY_COUNTRY).limit(1).scalar_subquery())
# Languages and the country whose price a text in them is shown with in the editor.
LANGUAGE_COUNTRY = {"km": "KH", "lo": "LA", "my": "MM", "vi": "VN", "th": "TH",
                    "ms": "MY", "fil": "PH", "id": "ID"}
_PROVIDER = re.compile(r"[a-z][a-z0-9_]{0,15}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class PriceFileError(ValueError):
    """A price file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Price:
    """What one segment costs to `country` through `provider` (None: not known)."""

    provider: str
    country: str
    price: float | None
    currency: str = "USD"
    source: str = ""
    as_of: str = ""


def read(path: Path) -> list[Price]:
    """The rows of a price file (comment lines start with #; a header line first)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise PriceFileError(f"{path}: cannot be read ({exc})") from None
    numbered = [(n, line) for n, line in enumerate(lines, 1)
                if line.strip() and not line.lstrip().startswith("#")]
    if not numbered or tuple(c.strip() for c in next(csv.reader([numbered[0][1]]))) != COLUMNS:
        raise PriceFileError(f"{path}:{numbered[0][0] if numbered else 1}: the header "
                             f"must be {','.join(COLUMNS)}")
    prices, seen = [], set()
    for n, line in numbered[1:]:
        price = _row(path, n, next(csv.reader([line])))
        if (price.provider, price.country) in seen:
            raise PriceFileError(f"{path}:{n}: {price.provider} {price.country} "
                                 f"is priced twice")
        seen.add((price.provider, price.country))
        prices.append(price)
    return prices


def _row(path: Path, n: int, cells: list[str]) -> Price:
    where = f"{path}:{n}"
    if len(cells) != len(COLUMNS):
        raise PriceFileError(f"{where}: {len(cells)} fields, expected {len(COLUMNS)}")
    provider, country, price, currency, source, as_of = (c.strip() for c in cells)
    if not _PROVIDER.fullmatch(provider):
        raise PriceFileError(f"{where}: provider {provider!r} is not a provider's name")
    if not (country == ANY_COUNTRY or (len(country) == 2 and country.isalpha()
                                       and country.isascii() and country.isupper())):
        raise PriceFileError(f"{where}: country {country!r} is not a two-letter code "
                             f"like KH (or * for any)")
    value = None
    if price:
        try:
            value = float(price)
        except ValueError:
            value = -1.0
        if not 0 <= value < 100 or value != value:
            raise PriceFileError(f"{where}: price {price!r} is not an amount like 0.05")
    if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
        raise PriceFileError(f"{where}: currency {currency!r} is not a code like USD")
    if as_of and not _DATE.fullmatch(as_of):
        raise PriceFileError(f"{where}: date {as_of!r} is not YYYY-MM-DD")
    return Price(provider, country, value, currency.upper(), source, as_of)


def write(path: Path, prices: list[Price]) -> None:
    """Writes a price file `read` reads back (the rows sorted)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("# SMS prices per provider and destination country; see "
                  "services/sms/prices.csv\n")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for p in sorted(prices, key=lambda p: (p.provider, p.country)):
            writer.writerow([p.provider, p.country, "" if p.price is None else repr(p.price),
                             p.currency, p.source, p.as_of])


def table(override: str | Path | None = None, flat: float | None = None) -> list[Price]:
    """The bundled prices, with the deployment's file's rows in their place, and
    `flat` as every provider's "*" price where the files give none."""
    prices = {(p.provider, p.country): p for p in read(BUNDLED)}
    if override:
        prices |= {(p.provider, p.country): p for p in read(Path(override))}
    if flat is not None:
        for provider in {p.provider for p in prices.values()}:
            prices.setdefault((provider, ANY_COUNTRY),
                              Price(provider, ANY_COUNTRY, flat, source=FLAT_SOURCE))
    return sorted(prices.values(), key=lambda p: (p.provider, p.country))


def stored(db: Database) -> list[Price]:
    """The prices in the database, as `table` orders them."""
    with db.connect() as conn:
        rows = conn.execute(select(TABLE).order_by(TABLE.c.provider, TABLE.c.country))
        return [Price(**row._mapping) for row in rows]


def sync(db: Database, prices: list[Price]) -> bool:
    """Makes the stored prices these (upserts, so processes starting together agree);
    returns whether anything changed. A database not migrated yet is left alone: the
    caller's check of the schema says what to run."""
    if not inspect(db).has_table(TABLE.name) or stored(db) == prices:
        return False
    insert = (postgresql if db.dialect.name == "postgresql" else sqlite).insert(TABLE)
    upsert = insert.on_conflict_do_update(
        index_elements=["provider", "country"],
        set_={name: insert.excluded[name] for name in COLUMNS[2:]})
    with db.begin() as conn:
        keys = [(p.provider, p.country) for p in prices]
        conn.execute(delete(TABLE).where(tuple_(TABLE.c.provider, TABLE.c.country)
                                         .not_in(keys) if keys else True))
        if prices:
            conn.execute(upsert, [asdict(p) for p in prices])
    return True


def lookup(prices: list[Price], provider: str, country: str | None) -> Price | None:
    """The price that applies to one destination: its country's, else the "*" one."""
    by_key = {(p.provider, p.country): p for p in prices}
    found = by_key.get((provider, country or ""))
    if found is None or found.price is None:
        return by_key.get((provider, ANY_COUNTRY), found)
    return found


class Pricer:
    """The price per segment of each destination, from prices read once (bulk queueing:
    the weekly stories, broadcasts); None where unknown or not an SMS channel."""

    def __init__(self, prices: list[Price]):
        self._prices, self._memo = prices, {}

    def __call__(self, provider: str, channel: str, address: str | None,
                 country: str | None = None) -> float | None:
        """`country`, where the caller knows it (a member's, which comes from the same
        number), spares reading the number; with neither, the "*" price."""
        key = (provider, channel, country)
        if key not in self._memo:
            segmented = kind(channel).segmented
            if segmented and country is None and address is not None:
                return self._price(provider, country_of(address))
            self._memo[key] = self._price(provider, country) if segmented else None
        return self._memo[key]

    def _price(self, provider: str, country: str | None) -> float | None:
        found = lookup(self._prices, provider, country)
        return found.price if found else None

    def row(self, provider: str, channel: str, address: str, segments: int | None) -> dict:
        """The outbox columns of the price: unit_price and cost_estimate."""
        unit = self(provider, channel, address)
        return {"unit_price": unit,
                "cost_estimate": None if unit is None or segments is None
                else round(unit * segments, 6)}
