"""The numbered lists members pick from: sectors, topic groups, countries."""

from __future__ import annotations

from bot.replies import Choice

SECTORS: tuple[str, ...] = (
    "agriculture", "fisheries", "forestry", "handicrafts", "food-processing", "finance",
    "tourism", "trade", "services",
)

# A basic phone menu cannot list twenty topics: each group picks several store topics.
TOPIC_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("farming", ("farming", "seeds", "livestock", "food-security")),
    ("nature", ("fisheries", "forestry", "environment")),
    ("markets", ("marketing", "value-chains", "fair-trade", "tourism")),
    ("money", ("savings-credit", "microfinance")),
    ("together", ("cooperatives", "self-help-groups", "peacebuilding", "women")),
    ("making", ("handicrafts", "food-processing")),
    ("enterprise", ("social-enterprise", "policy")),
    ("all", ()),
)

COUNTRIES: tuple[str, ...] = ("KH", "LA", "MM", "VN", "ID", "MY", "PH", "TH")


def numbered(keys: list[str] | tuple[str, ...], prefix: str) -> tuple[Choice, ...]:
    """Choices 1..n whose labels are `prefix.key` catalog entries."""
    return tuple(Choice(str(i), f"{prefix}.{key}") for i, key in enumerate(keys, start=1))


def topics_for(groups: list[int]) -> list[str]:
    """The store topics behind the picked group numbers (1-based); 'all' is every topic."""
    picked: list[str] = []
    for number in groups:
        name, topics = TOPIC_GROUPS[number - 1]
        if name == "all":
            return []
        picked += [t for t in topics if t not in picked]
    return picked
