"""The numbers a request may carry: ids of rows, offsets and page sizes.

Every id column is an INTEGER: 32 bits on PostgreSQL, 64 on SQLite. A bigger number can
name no row, but handed to the database it raises (a 500) instead of finding nothing,
and not at the same size on both. Every route takes its ids, offsets and limits as these
types, so such a number is refused with 422 before any query, the same on both
databases. They are plain constraints (not Path or Query), so one type serves a path, a
query, a form field or a JSON body alike.
"""

from __future__ import annotations

from typing import Annotated

from annotated_types import Ge, Le

MAX_ID = 2**31 - 1  # PostgreSQL's integer: the smallest id column we have
MAX_LIMIT = 500

RowId = Annotated[int, Ge(1), Le(MAX_ID)]
# No table holds more rows than it has ids, so no offset needs to go further.
Offset = Annotated[int, Ge(0), Le(MAX_ID)]
Limit = Annotated[int, Ge(1), Le(MAX_LIMIT)]


def lenient_offset(value: int | str | None) -> int:
    """An offset from a page's own links, where what makes no sense means the start."""
    try:
        offset = int(value or 0)
    except ValueError:
        return 0
    return offset if 0 <= offset <= MAX_ID else 0
