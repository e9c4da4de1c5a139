"""How the processes log, without personal data.

uvicorn's own lines (start-up, errors, one access line a request) at INFO; ours and every
library's at WARNING, with their tracebacks, on stderr. No line may carry a phone number,
a chat id or a message text (services/log_privacy.py): an access line shows the path
without its query string (the simulator is asked `?address=+855…`), and every handler
masks what looks like a phone number or a chat id. `serve` hands `log_config()` to
uvicorn; `worker` and `telegram poll` call `configure_logging()`.
"""

from __future__ import annotations

import copy
import logging
import logging.config

from uvicorn.config import LOGGING_CONFIG

_ACCESS_PATH = 2  # uvicorn's access record: (client, method, path?query, version, status)


class NoQueryString(logging.Filter):
    """An access line's path without its query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > _ACCESS_PATH \
                and isinstance(args[_ACCESS_PATH], str):
            path = args[_ACCESS_PATH].split("?", 1)[0]
            record.args = (*args[:_ACCESS_PATH], path, *args[_ACCESS_PATH + 1:])
        return True


def log_config() -> dict:
    """uvicorn's logging configuration with our filters on every handler, and a root
    handler (our loggers, the libraries') at WARNING that names the logger."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {
        "personal_data": {"()": "services.log_privacy.PersonalDataFilter"},
        "no_query": {"()": NoQueryString},
    }
    config["formatters"]["named"] = {"()": "uvicorn.logging.DefaultFormatter",
                                     "fmt": "%(levelprefix)s %(name)s: %(message)s"}
    config["handlers"]["default"]["filters"] = ["personal_data"]
    config["handlers"]["access"]["filters"] = ["no_query", "personal_data"]
    config["handlers"]["named"] = {"formatter": "named", "class": "logging.StreamHandler",
                                   "stream": "ext://sys.stderr", "filters": ["personal_data"]}
    config["root"] = {"handlers": ["named"], "level": "WARNING"}
    return config


def configure_logging() -> None:
    """Installs `log_config()` in a process that does not run uvicorn."""
    logging.config.dictConfig(log_config())
