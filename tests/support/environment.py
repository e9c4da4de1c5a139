"""The suite never uses a developer's provider settings.

A developer's shell may export a real TELEGRAM_BOT_TOKEN, and `.env` in the working
directory may hold one (Settings reads it, as `make run` wants). A test that picked it
up could message real people. So at the start of a run (tests/conftest.py) every
variable Settings reads is removed from the environment, except DATABASE_URL (which
names the server the suite makes its scratch databases on), and Settings stops reading
`.env`: the fixtures, the CLI commands the tests invoke in-process and the processes they
start (with the cleaned environment, in a temporary directory) see only what a test
gives them.
"""

from __future__ import annotations

import os

from peerlearn.settings import Settings

KEPT = frozenset({"DATABASE_URL"})
# Settings a later change may add under these prefixes are removed as well.
PREFIXES = ("TELEGRAM_", "TWILIO_", "MESSENGER_", "ADMIN_", "REDIS_", "PUBLIC_")


def provider_variables(environ) -> list[str]:
    """The names in `environ` that Settings would read (it ignores case), but KEPT."""
    fields = {name.upper() for name in Settings.model_fields}
    return [name for name in environ if name.upper() not in KEPT
            and (name.upper() in fields or name.upper().startswith(PREFIXES))]


def isolate() -> None:
    """Removes the provider variables from this process's environment and stops
    Settings from reading `.env`."""
    for name in provider_variables(os.environ):
        del os.environ[name]
    Settings.model_config["env_file"] = None
