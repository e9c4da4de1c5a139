"""An aiohttp transport for python-telegram-bot.

PTB's default transport (httpx) sustained about 480 sendMessage/s against a loopback
Bot API here, whatever the concurrency, its connection pool being the bottleneck;
aiohttp (already installed for twilio's async client) sustained about 3,000/s on the
same machine. PTB lets a bot take any `BaseRequest`, so only the transport changes:
methods, parsing and errors stay PTB's.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """Form-encoded Bot API calls over one aiohttp session (no file uploads)."""

    def __init__(self, connections: int = 64, timeout: float = 20.0):
        self.connections, self.timeout = connections, timeout
        self.session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        """The default read timeout."""
        return self.timeout

    async def initialize(self) -> None:
        """Opens the session (inside the running event loop)."""
        if self.session is None or self.session.closed:
            self.session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.connections),
                timeout=aiohttp.ClientTimeout(total=self.timeout))

    async def shutdown(self) -> None:
        """Closes the session."""
        if self.session is not None:
            await self.session.close()
            self.session = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=None, write_timeout=None, connect_timeout=None,
                         pool_timeout=None) -> tuple[int, bytes]:
        """One HTTP request; network trouble becomes PTB's NetworkError or TimedOut."""
        if request_data is not None and request_data.contains_files:
            raise NetworkError("file uploads are not supported by this transport")
        await self.initialize()
        data = request_data.json_parameters if request_data else None
        timeout = None
        if read_timeout is not None and not isinstance(read_timeout, DefaultValue):
            timeout = aiohttp.ClientTimeout(total=read_timeout + self.timeout)
        try:
            async with self.session.request(method, url, data=data, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
