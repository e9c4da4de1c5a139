"""GET /api/search: hits as JSON, and 422 for what it refuses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from peerlearn.app import create_app


@pytest.fixture
def client(settings, services) -> Iterator[TestClient]:
    with TestClient(create_app(settings, services)) as client:
        yield client


def test_search_returns_hits_with_slugs(client):
    response = client.get("/api/search", params={"q": "ปลูกข้าวใช้น้ำน้อยได้ไหม",
                                                 "lang": "th", "limit": 3})
    assert response.status_code == 200
    hits = response.json()
    assert 1 <= len(hits) <= 3
    assert hits[0]["practice"] == "sri-cambodia"
    assert set(hits[0]) == {"practice", "snippet", "score", "lang", "kind"}
    assert hits[0]["lang"] == "th"


@pytest.mark.parametrize("q", ['"', "NEAR(", "tokens:x", "%", "🌾", "x" * 500])
def test_hostile_queries_are_answered(client, q):
    response = client.get("/api/search", params={"q": q})
    assert response.status_code == 200
    assert isinstance(response.json(), list)


@pytest.mark.parametrize("params", [
    {}, {"q": ""}, {"q": "x" * 501}, {"q": "rice", "lang": "fr"}, {"q": "rice", "lang": ""},
    {"q": "rice", "lang": "EN"}, {"q": "rice", "limit": 0}, {"q": "rice", "limit": 51},
    {"q": "rice", "limit": "many"},
])
def test_bad_parameters_are_422(client, params):
    assert client.get("/api/search", params=params).status_code == 422


@pytest.mark.parametrize("lang", ["en", "km", "lo", "my", "vi", "id", "ms", "fil", "th"])
def test_every_language_code_is_accepted(client, lang):
    assert client.get("/api/search", params={"q": "SRI", "lang": lang}).status_code == 200


def test_languages_show_what_needs_a_native_speaker(services):
    from fastapi.testclient import TestClient

    from peerlearn.app import create_app

    with TestClient(create_app(services.settings, services)) as client:
        body = client.get("/api/languages").json()
    by_code = {row["code"]: row for row in body}
    assert list(by_code) == ["en", "km", "lo", "my", "vi", "id", "ms", "fil", "th"]
    assert by_code["en"]["interface_unreviewed"] == 0
    assert by_code["en"]["practice_translations"] >= 12
    assert by_code["en"]["practice_unreviewed"] == 0
    km = by_code["km"]
    assert km["interface_unreviewed"] == km["interface_texts"] > 0
    assert km["practice_unreviewed"] == km["practice_translations"] >= 12
