"""The suite never uses a developer's provider tokens, whether exported in their shell or
written in a `.env` where they run the tests (tests/support/environment.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.environment import provider_variables

PROBE = Path(__file__).with_name("environment_probe.py")
DEVELOPER = {"TELEGRAM_BOT_TOKEN": "7012345678:AAH-real-looking-token_0123456789abcdef",
             "TWILIO_AUTH_TOKEN": "0123456789abcdef0123456789abcdef",
             "REDIS_URL": "redis://203.0.113.7:6379/0"}


def test_a_developers_tokens_reach_no_test(tmp_path):
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in DEVELOPER.items()))
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("PYTEST_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(PROBE)],
        cwd=tmp_path, env={**env, **DEVELOPER}, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_every_variable_settings_reads_is_removed_but_the_database():
    environ = {"TELEGRAM_BOT_TOKEN": "x", "twilio_auth_token": "x", "MESSENGER_APP_SECRET": "x",
               "ADMIN_PASSWORD": "x", "REDIS_URL": "x", "PORT": "1", "RUN_DISPATCHER": "1",
               "DATABASE_URL": "postgresql://db", "HOME": "/root", "PATH": "/bin"}
    assert sorted(provider_variables(environ)) == [
        "ADMIN_PASSWORD", "MESSENGER_APP_SECRET", "PORT", "REDIS_URL", "RUN_DISPATCHER",
        "TELEGRAM_BOT_TOKEN", "twilio_auth_token"]
