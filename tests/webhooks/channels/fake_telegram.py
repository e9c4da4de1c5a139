"""A fake Telegram Bot API server for tests and benchmarks.

Serves `{base}/bot{token}/{method}` the way api.telegram.org does, so the real
python-telegram-bot client can talk to it: `telegram.Bot(TOKEN, base_url=f"{base}/bot")`.
Known methods: getMe, sendMessage, answerCallbackQuery, editMessageReplyMarkup,
setWebhook, deleteWebhook, getWebhookInfo, getUpdates (long-polls a queue filled by
`queue_updates`). A wrong token answers 401 and an unknown method 404; both are
recorded in `unexpected`. Failure helpers script the next answer of a method.
sendMessage refuses, as the real one does, HTML it cannot parse and text longer than 4096
UTF-16 code units (tests/support/telegram_markup.py).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from typing import Any

from tests.support.fake_server import Call, FakeServer, Handler, Reject, Response
from tests.support.telegram_markup import MAX_TEXT, Unparsable, plain_text, utf16_length

TOKEN = "123456:TEST-TOKEN"
BOT_USERNAME = "peerlearn_test_bot"
WEBHOOK_SECRET = "s3cret-Token_1"  # X-Telegram-Bot-Api-Secret-Token in tests


def _ok(result: Any) -> Response:
    return 200, {"ok": True, "result": result}


def _error(code: int, description: str, **parameters: Any) -> Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return code, body


def _chat_id(raw: str) -> int | str:
    try:
        return int(raw)
    except ValueError:
        return raw


class FakeTelegram(FakeServer):
    """Bot API emulation for one bot token."""

    def __init__(self, token: str = TOKEN, username: str = BOT_USERNAME) -> None:
        super().__init__()
        self.token = token
        prefix = token.split(":", 1)[0]
        self.bot_id = int(prefix) if prefix.isdigit() else 123456
        self.username = username
        self._prefix = f"/bot{token}/"
        self._message_ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._updates: list[dict[str, Any]] = []
        self._updates_cv = threading.Condition()
        self.webhook: dict[str, Any] = {}
        self._closing = False
        self._methods: dict[str, Handler] = {
            "getMe": self._get_me,
            "sendMessage": self._send_message,
            "answerCallbackQuery": lambda call: _ok(True),
            "editMessageReplyMarkup": self._edit_reply_markup,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "getUpdates": self._get_updates,
        }
        self._by_lower = {name.lower(): name for name in self._methods}

    def settings(self) -> dict:
        """The settings that point the app at this fake (send rates off)."""
        return dict(telegram_bot_token=self.token, telegram_webhook_secret=WEBHOOK_SECRET,
                    telegram_api_base=self.base_url, telegram_rate=0, telegram_chat_rate=0)

    @property
    def api_base(self) -> str:
        """What to pass as `base_url` to `telegram.Bot` (PTB appends the token)."""
        return f"{self.base_url}/bot"

    # -- routing -----------------------------------------------------------------
    def resolve(self, call: Call) -> tuple[str, Handler] | None:
        if not call.path.startswith("/bot"):
            return None
        if not call.path.startswith(self._prefix):
            raise Reject(401, _error(401, "Unauthorized")[1], "wrong bot token")
        name = self._by_lower.get(call.path[len(self._prefix):].lower())
        if name is None:
            raise Reject(404, _error(404, "Not Found")[1], "unknown Bot API method")
        return name, self._methods[name]

    def on_reset(self) -> None:
        with self._updates_cv:
            self._updates.clear()
        self.webhook = {}

    def start(self) -> str:
        self._closing = False
        return super().start()

    def stop(self) -> None:
        with self._updates_cv:  # release long-polling getUpdates calls
            self._closing = True
            self._updates_cv.notify_all()
        super().stop()

    # -- helpers for tests -------------------------------------------------------
    def bot_user(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "PeerLearn Test",
                "username": self.username}

    def sent(self) -> list[dict[str, Any]]:
        """Forms of accepted sendMessage calls; `reply_markup` decoded from JSON."""
        forms = []
        for call in self.calls_to("sendMessage"):
            if call.ok:
                form: dict[str, Any] = dict(call.form)
                if "reply_markup" in form:
                    form["reply_markup"] = json.loads(form["reply_markup"])
                forms.append(form)
        return forms

    def queue_updates(self, updates: list[dict[str, Any]]) -> None:
        """Queue updates for getUpdates; missing `update_id`s are numbered for you."""
        with self._updates_cv:
            for update in updates:
                update = dict(update)
                if "update_id" not in update:
                    update["update_id"] = next(self._update_ids)
                self._updates.append(update)
            self._updates_cv.notify_all()

    def pending_updates(self) -> int:
        with self._updates_cv:
            return len(self._updates)

    def rate_limit_next(self, retry_after: int, method: str = "sendMessage") -> None:
        self.fail_next(method, _error(429, f"Too Many Requests: retry after {retry_after}",
                                      retry_after=retry_after))

    def block_next(self, method: str = "sendMessage") -> None:
        self.fail_next(method, _error(403, "Forbidden: bot was blocked by the user"))

    def chat_not_found_next(self, method: str = "sendMessage") -> None:
        self.fail_next(method, _error(400, "Bad Request: chat not found"))

    def message_gone_next(self, method: str = "editMessageReplyMarkup") -> None:
        """The message to edit was deleted (or is too old to edit)."""
        self.fail_next(method, _error(400, "Bad Request: message to edit not found"))

    def server_error_next(self, status: int = 500, method: str = "sendMessage") -> None:
        if status == 502:  # Telegram's front end answers 502 with an HTML page
            self.fail_next(method, (502, b"<html><body>502 Bad Gateway</body></html>",
                                    {"Content-Type": "text/html"}))
        else:
            self.fail_next(method, _error(status, "Internal Server Error"))

    # -- methods -----------------------------------------------------------------
    def _get_me(self, call: Call) -> Response:
        return _ok({**self.bot_user(), "can_join_groups": True,
                    "can_read_all_group_messages": False, "supports_inline_queries": False})

    def _message(self, chat_id: str, message_id: int, **extra: Any) -> dict[str, Any]:
        chat = _chat_id(chat_id)
        return {"message_id": message_id, "date": int(time.time()), "from": self.bot_user(),
                "chat": {"id": chat, "type": "private" if isinstance(chat, int) else "channel"},
                **extra}

    def _send_message(self, call: Call) -> Response:
        chat_id, text = call.form.get("chat_id", ""), call.form.get("text", "")
        if not chat_id:
            return _error(400, "Bad Request: chat_id is empty")
        try:
            shown = plain_text(text, call.form.get("parse_mode"))
        except Unparsable as exc:
            return _error(400, f"Bad Request: can't parse entities: {exc}")
        if not shown.strip():
            return _error(400, "Bad Request: message text is empty")
        if utf16_length(shown) > MAX_TEXT:
            return _error(400, "Bad Request: message is too long")
        extra: dict[str, Any] = {"text": text}
        if "reply_markup" in call.form:
            markup = json.loads(call.form["reply_markup"])
            if "inline_keyboard" in markup:
                extra["reply_markup"] = markup
        return _ok(self._message(chat_id, next(self._message_ids), **extra))

    def _edit_reply_markup(self, call: Call) -> Response:
        if "inline_message_id" in call.form:
            return _ok(True)
        extra = {"edit_date": int(time.time())}
        if "reply_markup" in call.form:
            extra["reply_markup"] = json.loads(call.form["reply_markup"])
        message_id = int(call.form.get("message_id", "0"))
        return _ok(self._message(call.form.get("chat_id", ""), message_id, **extra))

    def _set_webhook(self, call: Call) -> Response:
        self.webhook = dict(call.form)
        return _ok(True)

    def _delete_webhook(self, call: Call) -> Response:
        self.webhook = {}
        if call.form.get("drop_pending_updates") in ("true", "True", "1"):
            with self._updates_cv:
                self._updates.clear()
        return _ok(True)

    def _get_webhook_info(self, call: Call) -> Response:
        info: dict[str, Any] = {"url": self.webhook.get("url", ""),
                                "has_custom_certificate": False,
                                "pending_update_count": self.pending_updates()}
        if "allowed_updates" in self.webhook:
            info["allowed_updates"] = json.loads(self.webhook["allowed_updates"])
        if "max_connections" in self.webhook:
            info["max_connections"] = int(self.webhook["max_connections"])
        return _ok(info)

    def _get_updates(self, call: Call) -> Response:
        offset = int(call.form.get("offset") or 0)
        limit = int(call.form.get("limit") or 100)
        timeout = min(float(call.form.get("timeout") or 0), 30.0)
        deadline = time.monotonic() + timeout
        with self._updates_cv:
            while True:
                if offset:  # confirmed updates are forgotten, as on the real server
                    self._updates[:] = [u for u in self._updates if u["update_id"] >= offset]
                remaining = deadline - time.monotonic()
                if self._updates or remaining <= 0 or self._closing:
                    break
                self._updates_cv.wait(remaining)
            batch, self._updates[:limit] = self._updates[:limit], []
        return _ok(batch)
