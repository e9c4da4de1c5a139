"""Full-text search over published practices: titles, snippets, FAQ and body text.

`reindex` rebuilds the index rows of the practices a writer changed; `search` answers a
member's question with the best practices. See index.py and query.py.
"""

from services.search.index import reindex, unindexed
from services.search.query import Hit, search

__all__ = ["Hit", "reindex", "search", "unindexed"]
