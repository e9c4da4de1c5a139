"""Fixtures for the console tests: one app per test module over shared services (the
database is still emptied around every test), the world of organisations and accounts,
and a browser per person."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from peerlearn.app import create_app
from peerlearn.settings import Settings
from peerlearn.wiring import Services, build
from tests.conftest import clear
from tests.support.console import World, logged_in, make_world


@pytest.fixture(scope="module")
def shared(database_url, db) -> Services:
    """Services built once for the module (building them reads every catalog)."""
    settings = Settings(database_url=database_url, run_dispatcher=False,
                        public_base_url="https://peerlearn.example.org")
    return build(settings, db=db)


@pytest.fixture(scope="module")
def shared_app(shared):
    """The whole app (console, API, webhooks), built once for the module."""
    return create_app(shared.settings, shared)


@pytest.fixture
def services(shared, db) -> Iterator[Services]:
    """The module's services over an empty inbox, outbox and member list."""
    clear(db)
    yield shared
    clear(db)


@pytest.fixture
def settings(shared) -> Settings:
    """The settings the module's app runs with."""
    return shared.settings


@pytest.fixture
def app(shared_app, services):
    """The module's app, its database emptied for this test."""
    return shared_app


@pytest.fixture
def world(services) -> World:
    """Two organisations and an account of every role."""
    return make_world(services.db)


@pytest.fixture
def anonymous(app) -> Iterator[TestClient]:
    """A browser nobody logged in with."""
    with TestClient(app, follow_redirects=False) as client:
        yield client


@pytest.fixture
def client_as(app, services, world) -> Iterator[Callable[[str], TestClient]]:
    """`client_as("moderator")`: a browser logged in as that person of the world."""
    opened: list[TestClient] = []

    def open_as(person: str) -> TestClient:
        client = TestClient(app, follow_redirects=False).__enter__()
        opened.append(client)
        return logged_in(client, services.db, world.accounts[person])

    yield open_as
    for client in opened:
        client.__exit__(None, None, None)
