"""The store matching that came before keywords, unaccented matching and the English
second pass, kept so that bench/store_match.py measures it in the same run as the new.

`previous_index` turns the index the new code built back into the form the old code
built (no keyword rows; tokens are the words alone, content.segment.segment), and
`previous_answer` is the old judge of services/questions.py, unchanged: per language in
turn, the five practices search finds, of those only the ones whose best row is an FAQ
pair or snippet in that language, each judged on that row alone (its weighted share of
the question's words, every word counting), 0.6 to answer, the answer in the language of
the pass that found it.
"""

from __future__ import annotations

import math

from sqlalchemy import delete, select, update
from sqlmodel import Session

from content.models import SearchDoc
from content.segment import segment, words
from services import search
from services.language import normalize
from services.search.terms import doc_counts, forget

CONFIDENT = 0.6


def previous_index(session: Session) -> None:
    """Rewrites the search index in its previous form, in the caller's transaction."""
    session.execute(delete(SearchDoc).where(SearchDoc.kind == "keywords"))
    rows = session.execute(select(SearchDoc.id, SearchDoc.lang, SearchDoc.text)).all()
    for doc_id, lang, text in rows:
        session.execute(update(SearchDoc).where(SearchDoc.id == doc_id)
                        .values(tokens=segment(text, lang)))
    session.flush()
    forget()


def previous_answer(*, session: Session, text: str, langs: list[str]) -> str | None:
    """The slug of the practice the old judge answered with, or None."""
    for lang in langs:
        weights = _weights(session, text, lang)
        if not weights:
            continue
        hits = [h for h in search.search(session=session, query=text, lang=lang, limit=5)
                if h.lang == lang and h.kind in ("faq", "snippet")]
        scored = [(_coverage(session, h, weights), h) for h in hits]
        scored = [(c, h) for c, h in scored if c >= CONFIDENT]
        if scored:
            return max(scored, key=lambda pair: pair[0])[1].practice
    return None


def _weights(session: Session, text: str, lang: str) -> dict[str, float]:
    terms = list(dict.fromkeys(words(normalize(text), lang)))
    if not terms:
        return {}
    counts = doc_counts(session, terms)
    return {t: 1 / math.log(2 + counts.get(t, 0)) for t in terms}


def _coverage(session: Session, hit, weights: dict[str, float]) -> float:
    tokens = set((session.get(SearchDoc, hit.doc_id).tokens or "").split())
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in tokens) / total if total else 0.0
