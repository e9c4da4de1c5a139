"""A question linked to a practice (TRIED: "what went wrong") is routed on the
practice's topics, whatever its words say."""

from __future__ import annotations

from sqlmodel import Session, select

from content.models import Practice, Question
from services.routing import route
from tests.services.test_routing import NOW, member


def test_the_linked_practice_decides_the_topics(services):
    with Session(services.db, expire_on_commit=False) as session:
        practice = session.exec(select(Practice).where(Practice.slug == "sri-cambodia")).one()
        assert "farming" in practice.topics
        farmer = member(session, topics=("farming",))
        fisher = member(session, topics=("fisheries",))
        asker = member(session)
        row = Question(member_id=asker, lang="km", text="the seedlings died", status="open",
                       source="tried", practice_id=practice.id)
        session.add(row)
        session.flush()
        result = route(session=session, question_id=row.id, now=NOW)
        assert [r.member_id for r in result.routes] == [farmer]
        assert fisher not in [r.member_id for r in result.routes]
        assert any("sri-cambodia" in reason for reason in result.reasons)
