"""Fixtures for the moderation API tests: settings with a moderator's credentials and a
client that sends them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from peerlearn.app import create_app
from peerlearn.settings import Settings

ADMIN = ("lead@partner.example.org", "s3cret-enough")


@pytest.fixture
def settings(database_url) -> Settings:
    """The test settings, with the moderator's credentials set."""
    return Settings(database_url=database_url, run_dispatcher=False,
                    public_base_url="https://peerlearn.example.org",
                    admin_email=ADMIN[0], admin_password=ADMIN[1])


@pytest.fixture
def client(settings, services) -> Iterator[TestClient]:
    """The app over the test services, logged in as the moderator, as a script calls
    the API (Basic credentials: it marks its requests as a browser's form cannot)."""
    with TestClient(create_app(settings, services)) as client:
        client.auth = ADMIN
        client.headers["X-Requested-With"] = "peerlearn-tests"
        yield client
