"""The command line: migrate, serve's refusal of an old schema and its first line, the
terminal chat."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from peerlearn.cli import app
from tests.support.server import free_port

runner = CliRunner()


def test_serve_refuses_an_unmigrated_database_and_names_the_fix(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    result = runner.invoke(app, ["serve"], env=env)
    assert result.exit_code == 1
    assert "peerlearn migrate" in result.output


def test_migrate_then_chat_in_the_terminal(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}"}
    assert runner.invoke(app, ["migrate"], env=env).exit_code == 0
    assert runner.invoke(app, ["migrate"], env=env).exit_code == 0  # twice is harmless
    result = runner.invoke(app, ["chat", "--channel", "sms", "--from", "+855 12 345 678"],
                           env=env, input="hi\n2\n")
    assert result.exit_code == 0, result.output
    assert "Chatting as +85512345678 on sms" in result.output
    assert "[SMS 1 segment, GSM-7]" in result.output  # the welcome
    assert "Khmer ខ្មែរ" in result.output and "UCS-2]" in result.output


def test_chat_rejects_a_number_that_is_not_a_phone(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}"}
    runner.invoke(app, ["migrate"], env=env)
    result = runner.invoke(app, ["chat", "--from", "hello"], env=env, input="")
    assert result.exit_code != 0 and "not a phone number" in result.output


def test_serve_says_where_the_simulator_and_the_console_are(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}
    assert runner.invoke(app, ["migrate"], env=env).exit_code == 0
    port = free_port()
    peerlearn = Path(sys.executable).with_name("peerlearn")
    with subprocess.Popen([str(peerlearn), "serve", "--port", str(port)], cwd=tmp_path,
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as server:
        try:
            first = server.stdout.readline()
        finally:
            server.terminate()
    assert first == (f"peerlearn: the simulator at http://127.0.0.1:{port}/simulator, "
                     f"the console at http://127.0.0.1:{port}/admin\n")


def test_chat_as_telegram_takes_a_user_id_as_the_simulator_does(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}"}
    runner.invoke(app, ["migrate"], env=env)
    refused = runner.invoke(app, ["chat", "--channel", "telegram", "--from", "abc"],
                            env=env, input="")
    assert refused.exit_code != 0 and "a Telegram user is a number" in refused.output
    taken = runner.invoke(app, ["chat", "--channel", "telegram", "--from", "100001"],
                          env=env, input="hi\n")
    assert taken.exit_code == 0 and "Chatting as 100001 on telegram" in taken.output
