"""Run only by test_environment.py, in a pytest of its own started from a directory with
a `.env` holding tokens and with tokens in its environment: what the suite's tests see.
(Not named test_*.py, so a normal run does not collect it.)"""

from __future__ import annotations

import os

from peerlearn.settings import Settings


def test_the_settings_fixture_has_no_token(settings):
    assert settings.telegram_bot_token is None and settings.twilio_auth_token is None
    assert settings.redis_url is None


def test_settings_built_by_a_test_or_a_cli_command_read_neither_env_nor_dotenv():
    assert Settings().telegram_bot_token is None and Settings().twilio_auth_token is None
    assert not [name for name in os.environ if name.startswith(("TELEGRAM_", "TWILIO_"))]
