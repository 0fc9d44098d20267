"""The Bot API client: PTB's `BaseRequest` on aiohttp with JSON bodies, or PTB's own httpx one.

PTB's HTTPXRequest cost about half of the bot's CPU per update (bench/throughput.py,
issue #21: 5.2 ms per update with it, 2.6 ms with this): httpcore checks every idle
connection of its pool on each request (a `poll()` and a `getpeername()` each, and the
bot keeps up to 32 open), and the bodies are URL-encoded forms (per-byte Python for a
1-4 KB card of Chinese text). `AiohttpRequest`
keeps one aiohttp keep-alive pool, which hands out its most recent idle connection
without looking at the others, and posts `application/json`, which the Bot API accepts
for every method but file uploads; uploads go to an HTTPXRequest unchanged (multipart).

Failures map as HTTPXRequest maps them: a timeout is TimedOut, any other transport error
NetworkError; the HTTP status codes (400 BadRequest, 403 Forbidden, 429 RetryAfter …) are
mapped by PTB's `BaseRequest._request_wrapper`, the same for every request class.

`BOT_API_CLIENT=httpx` switches back to PTB's HTTPXRequest (`bot_requests`).
"""

from __future__ import annotations

import json

import aiohttp
import httpx
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.core.config import ApiClient
from bot.infra.updates import MAX_CONCURRENT_UPDATES

JSON_HEADERS = {"User-Agent": HTTPXRequest.USER_AGENT, "Content-Type": "application/json"}
# every update being handled may have one call in flight, and reminders send beside them
POOL_SIZE = 2 * MAX_CONCURRENT_UPDATES
# PTB's own defaults (ApplicationBuilder, HTTPXRequest)
READ_TIMEOUT = WRITE_TIMEOUT = CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_WRITE_TIMEOUT = 20.0


def json_body(request_data: RequestData) -> bytes:
    """The parameters as one JSON object, with their real types (numbers stay numbers)."""
    return json.dumps(request_data.parameters, ensure_ascii=False).encode("utf-8")


class AiohttpRequest(BaseRequest):
    """A Bot API client on one aiohttp keep-alive pool; JSON bodies, uploads through httpx.

    Timeouts as HTTPXRequest's: `read_timeout` for each read of the answer,
    `connect_timeout` to open a connection and `pool_timeout` more to wait for a free one
    (aiohttp counts both in one connect timeout). aiohttp has no write timeout: a JSON
    body of a few KB fits in the socket's buffer in one write. `proxy` is an http:// (or
    https://) proxy;
    SOCKS needs `BOT_API_CLIENT=httpx` and PTB's socks extra.
    """

    __slots__ = ("_connector_limit", "_proxy", "_session", "_timeouts", "_uploads")

    def __init__(
        self,
        connection_pool_size: int = POOL_SIZE,
        read_timeout: float | None = READ_TIMEOUT,
        write_timeout: float | None = WRITE_TIMEOUT,
        connect_timeout: float | None = CONNECT_TIMEOUT,
        pool_timeout: float | None = POOL_TIMEOUT,
        proxy: str | None = None,
        media_write_timeout: float | None = MEDIA_WRITE_TIMEOUT,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._connector_limit = connection_pool_size
        self._proxy = proxy
        self._timeouts = (read_timeout, connect_timeout, pool_timeout)
        self._session: aiohttp.ClientSession | None = None
        # multipart uploads (a user's data export): PTB's client, same timeouts and proxy
        self._uploads = HTTPXRequest(
            connection_pool_size=1, read_timeout=read_timeout, write_timeout=write_timeout,
            connect_timeout=connect_timeout, pool_timeout=pool_timeout, proxy=proxy,
            media_write_timeout=media_write_timeout,
        )

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts[0]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # created here, inside the running loop that will use it
            connector = aiohttp.TCPConnector(limit=self._connector_limit)
            self._session = aiohttp.ClientSession(
                connector=connector, headers=JSON_HEADERS, proxy=self._proxy,
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets none: nothing to keep
            )
        await self._uploads.initialize()

    async def shutdown(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()
        await self._uploads.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if request_data is not None and request_data.contains_files:
            return await self._uploads.do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout,
                pool_timeout,
            )
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        default_read, default_connect, default_pool = self._timeouts
        read = _given(read_timeout, default_read)
        connect = _given(connect_timeout, default_connect)
        pool = _given(pool_timeout, default_pool)
        timeout = aiohttp.ClientTimeout(
            total=None,
            sock_read=read,
            sock_connect=connect,
            connect=None if connect is None or pool is None else connect + pool,
        )
        body = json_body(request_data) if request_data is not None else None
        try:
            async with session.request(method, url, data=body, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's are subclasses
            raise TimedOut from err
        except aiohttp.ClientError as err:  # the base class: last
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err


class JsonHTTPXRequest(HTTPXRequest):
    """HTTPXRequest that sends parameters as one JSON object (uploads stay multipart).

    The httpx alternative to AiohttpRequest, kept for bench/throughput.py's comparison.
    """

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if request_data is None or request_data.contains_files:
            return await super().do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout,
                pool_timeout,
            )
        if self._client.is_closed:
            raise RuntimeError("This HTTPXRequest is not initialized!")
        default = self._client.timeout
        timeout = httpx.Timeout(
            connect=_given(connect_timeout, default.connect),
            read=_given(read_timeout, default.read),
            write=_given(write_timeout, default.write),
            pool=_given(pool_timeout, default.pool),
        )
        try:
            response = await self._client.request(
                method=method, url=url, headers=JSON_HEADERS, timeout=timeout,
                content=json_body(request_data),
            )
        except httpx.TimeoutException as err:
            if isinstance(err, httpx.PoolTimeout):
                raise TimedOut(
                    message="Pool timeout: all connections in the pool are busy; the request "
                    "was not sent"
                ) from err
            raise TimedOut from err
        except httpx.HTTPError as err:  # the base class: last
            raise NetworkError(f"httpx.{err.__class__.__name__}: {err}") from err
        return response.status_code, response.content


def bot_requests(client: ApiClient, proxy: str | None = None) -> tuple[BaseRequest, BaseRequest]:
    """The request objects for Bot API calls and for `getUpdates`, as the settings choose.

    `getUpdates` gets its own single connection, as PTB's builder gives it: a long poll
    must never wait for a free connection, nor hold one the replies need.
    """
    if client == "httpx":
        return (
            HTTPXRequest(connection_pool_size=256, proxy=proxy),  # the builder's defaults
            HTTPXRequest(connection_pool_size=1, proxy=proxy),
        )
    return AiohttpRequest(proxy=proxy), AiohttpRequest(connection_pool_size=1, proxy=proxy)


def _given(value: ODVInput[float], default: float | None) -> float | None:
    """A timeout passed to the call, or the client's own when the call left it at default."""
    if isinstance(value, DefaultValue):
        return default
    return value
