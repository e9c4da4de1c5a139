"""Bulk writes at driver speed, for the weekly run's 100,000-row writes.

`insert_rows` and `update_rows` write a batch of rows in one go. On PostgreSQL that is one
statement per batch: the rows travel as one JSON text parameter (json.dumps, in C) and
`json_to_recordset` turns them back into typed rows (`INSERT ... SELECT FROM
json_to_recordset(...)`, `UPDATE ... FROM json_to_recordset(...)`), so a 5,000-row batch
is one round trip and one plan, with no per-value work in Python. SQLAlchemy's batched
executemany (insertmanyvalues, multi-row VALUES of 1,000 rows) built and type-processed
a parameter set per row and sent five statements per batch, each with thousands of
parameters to parse; one array parameter per column was no better, psycopg dumps list
items one by one in Python. On SQLite, `execute_many` below.

`conn.execute(statement, rows)` builds and type-processes a parameter set per row in
Python (for a datetime column, twice: timezone check, then the SQLite string), which was
over half the time of the weekly run. Here the statement is compiled once, the values
every row shares (given in `.values()`) are converted once, the per-row values are
converted with a memo (a batch holds a handful of distinct times), and the rows go to
the driver's executemany as they are (positional or named parameter style).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ClauseElement


def insert_rows(conn: Connection, table: Table, rows: list[dict], **shared: Any) -> None:
    """Inserts rows (dicts with the same keys), each with the `shared` column values."""
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        execute_many(conn, insert(table).values(**shared), rows)
        return
    keys = list(rows[0])
    columns = ", ".join(keys + list(shared))
    values = ", ".join([f"u.{k}" for k in keys] + [f":shared_{k}" for k in shared])
    conn.execute(text(f"INSERT INTO {table.name} ({columns}) SELECT {values} "
                      f"FROM {_recordset(conn, table, keys)}").bindparams(
        *_shared(table, shared)), _json(rows))


def update_rows(conn: Connection, table: Table, rows: list[dict], *, key: str,
                **shared: Any) -> None:
    """Sets the columns of each row (a dict with the same keys, `key` among them, which
    picks the table's row) and the `shared` values on all of them."""
    if not rows:
        return
    keys = list(rows[0])
    if conn.dialect.name == "sqlite":
        own = {k: bindparam(f"_{k}") for k in keys if k != key}
        execute_many(conn, update(table).where(table.c[key] == bindparam(f"_{key}"))
                     .values(**own, **shared), [{f"_{k}": v for k, v in row.items()}
                                                for row in rows])
        return
    sets = ", ".join([f"{k} = u.{k}" for k in keys if k != key]
                     + [f"{k} = :shared_{k}" for k in shared])
    conn.execute(text(f"UPDATE {table.name} SET {sets} FROM {_recordset(conn, table, keys)} "
                      f"WHERE {table.name}.{key} = u.{key}").bindparams(
        *_shared(table, shared)), _json(rows))


def _recordset(conn: Connection, table: Table, keys: list[str]) -> str:
    """`json_to_recordset(:rows) AS u(k type, ...)`: the rows back from one JSON text."""
    columns = ", ".join(f"{k} {table.c[k].type.compile(dialect=conn.dialect)}" for k in keys)
    return f"json_to_recordset(CAST(:rows AS json)) AS u({columns})"


def _json(rows: list[dict]) -> dict[str, str]:
    # json.dumps runs in C; a datetime (a handful of distinct ones) goes as ISO 8601
    return {"rows": json.dumps(rows, ensure_ascii=False, separators=(",", ":"),
                               default=_iso)}


def _iso(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _shared(table: Table, shared: dict[str, Any]) -> list:
    # typed, so a JSON value is serialised as the column would have it
    return [bindparam(f"shared_{k}", value=v, type_=table.c[k].type)
            for k, v in shared.items()]


def execute_many(conn: Connection, statement: ClauseElement, rows: list[dict]) -> None:
    """Runs `statement` once per row; rows are dicts with the same keys."""
    if not rows:
        return
    dialect = conn.dialect
    if dialect.name != "sqlite":  # not used there (see insert_rows), but correct
        conn.execute(statement, rows)
        return
    compiled = statement.compile(dialect=dialect, column_keys=list(rows[0]),
                                  for_executemany=True)  # no RETURNING
    names = {name: bind for bind, name in compiled.bind_names.items()}
    order = compiled.positiontup if compiled.positional else list(names)
    # Per parameter: (True, row key, converter) for a row's value, (False, value, None)
    # for one every row shares, converted here once.
    slots = []
    for name in order:
        bind = names[name]
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if bind.key in rows[0]:
            slots.append((True, bind.key, _memo(process)))
        else:
            value = bind.effective_value
            slots.append((False, process(value) if process and value is not None else value,
                          None))
    params = [tuple(convert(row[key]) if own else key for own, key, convert in slots)
              for row in rows]
    if not compiled.positional:
        params = [dict(zip(order, values, strict=True)) for values in params]
    conn.exec_driver_sql(compiled.string, params)


def _memo(process):
    if process is None:
        return lambda value: value
    seen: dict = {}

    def convert(value):
        if value is None:
            return None
        try:
            return seen[value]
        except KeyError:
            seen[value] = done = process(value)
            return done
        except TypeError:  # unhashable (a JSON list): convert every time
            return process(value)

    return convert
