"""executemany at driver speed, for the weekly run's 100,000-row writes.

`conn.execute(statement, rows)` builds and type-processes a parameter set per row in
Python (for a datetime column, twice: timezone check, then the SQLite string), which was
over half the time of the weekly run. Here the statement is compiled once, the values
every row shares (given in `.values()`) are converted once, the per-row values are
converted with a memo (a batch holds a handful of distinct times), and the rows go to
the driver's executemany as they are (positional or named parameter style). On
PostgreSQL, SQLAlchemy's batched executemany (multi-row VALUES) is used instead.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection
from sqlalchemy.sql import ClauseElement


def execute_many(conn: Connection, statement: ClauseElement, rows: list[dict]) -> None:
    """Runs `statement` once per row; rows are dicts with the same keys."""
    if not rows:
        return
    dialect = conn.dialect
    if dialect.name != "sqlite":
        # PostgreSQL: SQLAlchemy's own executemany batches an INSERT into multi-row
        # VALUES pages (insertmanyvalues), where psycopg's executemany here made one
        # round trip per row.
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
