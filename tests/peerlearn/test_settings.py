"""Settings come from the environment only when asked, and nothing is built at import."""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy.engine import Engine

from peerlearn.settings import DEFAULT_DATABASE_URL, Settings

ENVIRONMENT = {
    "DATABASE_URL": "postgresql://u@h/db", "PORT": "9000",
    "PUBLIC_BASE_URL": "https://pl.example.org", "TELEGRAM_BOT_TOKEN": "123:abc",
    "TELEGRAM_WEBHOOK_SECRET": "s3cret", "TELEGRAM_API_BASE": "http://127.0.0.1:1",
    "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "tok", "TWILIO_FROM": "+15005550006",
    "TWILIO_MESSAGING_SERVICE_SID": "MG1", "TWILIO_API_BASE": "http://127.0.0.1:2",
    "REDIS_URL": "redis://127.0.0.1:6379/0", "ADMIN_EMAIL": "a@example.org",
    "ADMIN_PASSWORD": "pw",
}


def test_every_contract_variable_is_read(monkeypatch):
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)
    for name, value in ENVIRONMENT.items():
        field = getattr(settings, name.lower())
        shown = field.get_secret_value() if hasattr(field, "get_secret_value") else field
        assert str(shown) == value, name


def test_all_are_optional(monkeypatch):
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.database_url == DEFAULT_DATABASE_URL and settings.port == 8000
    assert settings.telegram_bot_token is None and settings.twilio_auth_token is None


def test_no_engine_or_settings_object_is_created_at_import():
    for package in ("peerlearn", "bot", "services", "content", "webhooks", "web"):
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, f"{package}."):
            loaded = importlib.import_module(info.name)
            for name, value in vars(loaded).items():
                assert not isinstance(value, Engine | Settings), f"{info.name}.{name}"
