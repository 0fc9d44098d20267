"""A fast fake Telegram Bot API over real HTTP on 127.0.0.1, for benchmarks and fault tests.

The bot reaches it through its ordinary HTTP client (`BOT_API_BASE_URL`), exactly as in
production. It serves long-polling `getUpdates` from a queue of updates that can be
released at a set rate, keeps the messages the bot sends (so edits behave), records
every call with a monotonic timestamp, and can be told to misbehave: HTTP errors, 429
with `retry_after`, slow answers (client timeouts), dropped connections, 403 for some
chats. With `rate_limit` set it enforces Telegram's overall limit (N messages per
second, 429 beyond) like the real API.

A raw asyncio Protocol keeps the server's own cost far below the bot's, so the
figures measure the bot. `ServerThread` runs it beside synchronous code (tests driving
`python -m bot`); `ServerProcess` runs it on its own core (benchmarks).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import multiprocessing
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

BOT_ID = 7000000001
BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "客服直达",
    "username": "kefu_bench_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
# form fields the clients send JSON-encoded (PTB and aiogram alike)
JSON_FIELDS = frozenset({
    "reply_markup", "commands", "allowed_updates", "link_preview_options", "scope",
    "entities", "reply_parameters", "results", "caption_entities",
})
# methods that put a message into a chat: what Telegram's 30/s limit counts
SENDING = frozenset({
    "sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "sendPhoto",
    "copyMessage", "forwardMessage",
})
# what completes an update for latency: the reply the user sees
REPLYING = frozenset({"sendMessage", "editMessageText"})
MAX_POLL_SECONDS = 2.0  # a long poll is held at most this long (bounded tests)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)


@dataclass
class Fault:
    """How the API misbehaves for matching calls: an error answer, a delay, or a hang-up."""

    method: str | None = None  # None: every method except getUpdates and getMe
    chat_id: int | None = None  # None: every chat
    status: int = 500
    description: str = "Internal Server Error"
    retry_after: float | None = None  # Telegram sends whole seconds; tests may go finer
    delay: float = 0.0  # seconds before answering (longer than the client waits: a timeout)
    drop: bool = False  # close the connection without answering
    times: int | None = 1  # None: for ever
    then_succeed: bool = False  # after the delay, answer normally instead of with `status`

    def matches(self, method: str, chat_id: int | None) -> bool:
        if self.method is None:
            if method in ("getUpdates", "getMe"):
                return False
        elif self.method != method:
            return False
        return self.chat_id is None or self.chat_id == chat_id


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float  # time.monotonic()
    status: int = 200
    content_type: str = ""  # of the request body


@dataclass
class Message:
    chat_id: int
    message_id: int
    text: str
    markup: Any


@dataclass
class Timing:
    """Per update: when getUpdates handed it out, and when the bot's reply arrived."""

    delivered: dict[int, float] = field(default_factory=dict)
    replied: dict[int, float] = field(default_factory=dict)
    # chat → update ids delivered and not yet replied to, oldest first
    open: dict[int, deque[int]] = field(default_factory=lambda: defaultdict(deque))


class FakeApiServer:
    """The fake Bot API; `await start()`, then point the bot at `base_url`."""

    def __init__(self, *, rate_limit: int | None = None, bot_user: dict[str, Any] | None = None,
                 record_calls: bool = True, latency: float = 0.0) -> None:
        self.bot_user = dict(bot_user or BOT_USER)
        self.rate_limit = rate_limit
        # seconds before every answer but getUpdates': a network round trip, as to Telegram
        self.latency = latency
        self.record_calls = record_calls
        self.calls: list[Call] = []
        self.counts: dict[str, int] = defaultdict(int)
        self.messages: dict[tuple[int, int], Message] = {}
        self.faults: list[Fault] = []
        self.timing = Timing()
        self.rate_limited = 0  # 429s handed out by the rate limit
        self.dropped = 0
        self.connections = 0  # TCP connections accepted (keep-alive reuse shows here)
        self._message_ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        # (release time, update) in release order; handed out once released
        self._pending: deque[tuple[float, dict[str, Any]]] = deque()
        self._released: deque[dict[str, Any]] = deque()
        self._confirmed = 0  # updates below this id were confirmed through `offset`
        self._arrived = asyncio.Event()
        self._window: deque[float] = deque()  # send times within the last second
        self._server: asyncio.AbstractServer | None = None
        self._releaser: asyncio.Task[None] | None = None
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        self.port = 0

    # --- lifecycle ------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _HttpProtocol(self), "127.0.0.1", port)
        self.port = self._server.sockets[0].getsockname()[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def stop(self) -> None:
        self._arrived.set()
        if self._releaser is not None:
            self._releaser.cancel()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    # --- scripting ------------------------------------------------------------------

    def add_updates(self, updates: Iterable[dict[str, Any]], rate: float | None = None,
                    start_in: float = 0.0) -> list[int]:
        """Queue updates (ids assigned here); with `rate`, release that many per second."""
        now = time.monotonic() + start_in
        ids = []
        for i, update in enumerate(updates):
            update_id = next(self._update_ids)
            ids.append(update_id)
            at = now if rate is None else now + i / rate
            self._pending.append((at, {**update, "update_id": update_id}))
        if self._releaser is None or self._releaser.done():
            self._releaser = asyncio.get_running_loop().create_task(self._release())
        return ids

    def fault(self, fault: Fault) -> None:
        self.faults.append(fault)

    def seed_message(self, chat_id: int, text: str, markup: Any = None) -> dict[str, Any]:
        """A message the bot sent earlier (a menu to press buttons on); its JSON."""
        message = Message(chat_id, next(self._message_ids), text, markup)
        self.messages[(chat_id, message.message_id)] = message
        return self.message_json(message)

    def last_message(self, chat_id: int) -> Message | None:
        found = [m for (c, _), m in self.messages.items() if c == chat_id]
        return max(found, key=lambda m: m.message_id) if found else None

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_until(self, condition: Callable[[], bool], seconds: float) -> bool:
        """True once `condition()` holds (checked after every call), False after `seconds`."""
        if condition():
            return True
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (condition, future)
        self._waiters.append(entry)
        try:
            await asyncio.wait_for(future, seconds)
            return True
        except TimeoutError:
            return condition()
        finally:
            if entry in self._waiters:
                self._waiters.remove(entry)

    def latencies(self) -> list[float]:
        """Seconds from delivery to reply, for every update that got a reply."""
        timing = self.timing
        return [timing.replied[u] - timing.delivered[u] for u in timing.replied
                if u in timing.delivered]

    def reset_timing(self) -> None:
        self.timing = Timing()

    # --- serving --------------------------------------------------------------------

    async def _release(self) -> None:
        while self._pending:
            at, _update = self._pending[0]
            delay = at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            # everything due by now goes out together
            now = time.monotonic()
            while self._pending and self._pending[0][0] <= now:
                self._released.append(self._pending.popleft()[1])
            self._arrived.set()

    def _notify(self) -> None:
        for condition, future in list(self._waiters):
            if not future.done() and condition():
                future.set_result(None)

    def _fault_for(self, method: str, chat_id: int | None) -> Fault | None:
        for fault in self.faults:
            if fault.matches(method, chat_id):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                return fault
        return None

    def _over_rate(self, now: float) -> int | None:
        """Seconds to wait when this send would exceed the overall limit, else None."""
        if self.rate_limit is None:
            return None
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        if len(self._window) >= self.rate_limit:
            return 1  # Telegram's retry_after is whole seconds
        self._window.append(now)
        return None

    async def handle(self, path: str, params: dict[str, Any], content_type: str = ""
                     ) -> tuple[int, dict[str, Any]] | None:
        """(status, body) for one request; None drops the connection."""
        method = path.rsplit("/", 1)[-1]
        now = time.monotonic()
        chat = params.get("chat_id")
        chat_id = int(chat) if isinstance(chat, (int, str)) and str(chat).lstrip("-").isdigit() \
            else None
        self.counts[method] += 1
        call = Call(method, params, now, content_type=content_type.split(";")[0].strip())
        if self.record_calls:
            self.calls.append(call)
        try:
            if self.latency and method != "getUpdates":
                await asyncio.sleep(self.latency)
            fault = self._fault_for(method, chat_id)
            if fault is not None:
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                if fault.drop:
                    self.dropped += 1
                    call.status = 0
                    return None
                if not fault.then_succeed:
                    call.status = fault.status
                    return fault.status, _error(fault.status, fault.description,
                                                fault.retry_after)
            if method in SENDING:
                wait = self._over_rate(now)
                if wait is not None:
                    self.rate_limited += 1
                    call.status = 429
                    return 429, _error(429, f"Too Many Requests: retry after {wait}", wait)
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                call.status = 404
                return 404, _error(404, "Not Found")
            try:
                result = handler(params) if method != "getUpdates" else await handler(params)
            except _ApiError as exc:
                call.status = exc.status
                self._replied(method, chat_id)
                return exc.status, _error(exc.status, exc.description)
            self._replied(method, chat_id)
            return 200, {"ok": True, "result": result}
        finally:
            self._notify()

    def _replied(self, method: str, chat_id: int | None) -> None:
        if method not in REPLYING or chat_id is None:
            return
        waiting = self.timing.open.get(chat_id)
        if waiting:
            self.timing.replied[waiting.popleft()] = time.monotonic()

    # --- methods --------------------------------------------------------------------

    def message_json(self, message: Message) -> dict[str, Any]:
        chat: dict[str, Any] = (
            {"id": message.chat_id, "type": "private", "first_name": "User"}
            if message.chat_id > 0
            else {"id": message.chat_id, "type": "supergroup", "title": "Group"}
        )
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
            "text": message.text,
        }
        if message.markup:
            data["reply_markup"] = message.markup
        return data

    def _api_getMe(self, params: dict[str, Any]) -> Any:
        return self.bot_user

    def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        return True

    def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        return True

    def _api_close(self, params: dict[str, Any]) -> Any:
        return True

    def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        message = Message(int(params["chat_id"]), next(self._message_ids), text,
                          params.get("reply_markup"))
        self.messages[(message.chat_id, message.message_id)] = message
        return self.message_json(message)

    def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        if "inline_message_id" in params:
            return True
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        message = self.messages.get(key)
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if message.text == params.get("text") and message.markup == markup:
            raise _ApiError(400, NOT_MODIFIED)
        message.text = str(params.get("text"))
        message.markup = markup
        return self.message_json(message)

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        if "inline_message_id" in params:
            return True
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        message = self.messages.get(key)
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        message.markup = params.get("reply_markup")
        return self.message_json(message)

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        return True

    def _api_answerInlineQuery(self, params: dict[str, Any]) -> Any:
        return True

    def _api_deleteMessage(self, params: dict[str, Any]) -> Any:
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        if self.messages.pop(key, None) is None:
            raise _ApiError(400, "Bad Request: message to delete not found")
        return True

    def _api_getChatMember(self, params: dict[str, Any]) -> Any:
        user_id = int(params.get("user_id", 0))
        user = self.bot_user if user_id == BOT_ID else {
            "id": user_id, "is_bot": False, "first_name": "User"}
        return {"status": "member", "user": user}

    async def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = min(float(params.get("timeout") or 0), MAX_POLL_SECONDS)
        if offset > self._confirmed:
            self._confirmed = offset
        while self._released and self._released[0]["update_id"] < self._confirmed:
            self._released.popleft()
        if not self._released and timeout > 0:
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), timeout)
        batch = list(itertools.islice(self._released, limit))
        now = time.monotonic()
        for update in batch:
            update_id = update["update_id"]
            if update_id not in self.timing.delivered:
                self.timing.delivered[update_id] = now
                chat_id = _chat_of(update)
                if chat_id is not None:
                    self.timing.open[chat_id].append(update_id)
            _fill_callback_message(self, update)
        return batch


def _chat_of(update: dict[str, Any]) -> int | None:
    for key in ("message", "edited_message"):
        if key in update:
            return int(update[key]["chat"]["id"])
    query = update.get("callback_query")
    if query is not None:
        return int(query["from"]["id"])
    return None


def _fill_callback_message(server: FakeApiServer, update: dict[str, Any]) -> None:
    """A button pressed on "the chat's latest bot message": filled in at delivery time."""
    query = update.get("callback_query")
    if query is None or "message" in query or not query.get("on_last_message"):
        return
    del query["on_last_message"]
    chat_id = int(query["from"]["id"])
    message = server.last_message(chat_id)
    if message is None:
        server.seed_message(chat_id, "menu")
        message = server.last_message(chat_id)
    if message is not None:
        query["message"] = server.message_json(message)


class _ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _error(status: int, description: str, retry_after: float | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return body


def parse_form(body: bytes, content_type: str) -> dict[str, Any]:
    """The request's parameters: a urlencoded form (JSON-encoded fields decoded) or JSON.

    Multipart bodies (file uploads) are not parsed: their parameters come back empty.
    """
    if not body or content_type.startswith("multipart/"):
        return {}
    if content_type.startswith("application/json"):
        data = json.loads(body)
        return data if isinstance(data, dict) else {}
    params: dict[str, Any] = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    for key in JSON_FIELDS & params.keys():
        with contextlib.suppress(ValueError):
            params[key] = json.loads(params[key])
    return params


class _HttpProtocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive, Content-Length bodies, one request at a time per connection."""

    def __init__(self, server: FakeApiServer) -> None:
        self._server = server
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._busy = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._server.connections += 1

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if not self._busy:
            self._next()

    def _next(self) -> None:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = self._buffer[:end].decode("latin-1").split("\r\n")
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        if len(self._buffer) < end + 4 + length:
            return
        body = bytes(self._buffer[end + 4:end + 4 + length])
        del self._buffer[:end + 4 + length]
        parts = head[0].split(" ")
        path = parts[1] if len(parts) > 1 else "/"
        content_type = headers.get("content-type", "")
        try:
            params = parse_form(body, content_type)
        except (ValueError, UnicodeDecodeError):
            params = {}
        self._busy = True
        asyncio.get_running_loop().create_task(self._respond(path, params, content_type))

    async def _respond(self, path: str, params: dict[str, Any], content_type: str) -> None:
        answer = await self._server.handle(path, params, content_type)
        transport = self._transport
        if transport is None:
            return
        if answer is None:
            transport.abort()  # a dropped connection: no answer at all
            return
        status, body = answer
        payload = json.dumps(body, ensure_ascii=False).encode()
        transport.write(
            b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
            b"Connection: keep-alive\r\n\r\n" % (status, _REASONS.get(status, b"Error"),
                                                 len(payload))
            + payload
        )
        self._busy = False
        if self._buffer:
            self._next()


_REASONS = {200: b"OK", 400: b"Bad Request", 403: b"Forbidden", 404: b"Not Found",
            429: b"Too Many Requests", 500: b"Internal Server Error", 502: b"Bad Gateway"}


# --- running it beside other code -------------------------------------------------------


class ServerThread:
    """The server on its own event loop in a daemon thread; `run()` calls into that loop."""

    def __init__(self, **options: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.server: FakeApiServer = self.run(self._create(options))
        self.run(self.server.start())

    @staticmethod
    async def _create(options: dict[str, Any]) -> FakeApiServer:
        return FakeApiServer(**options)

    def run(self, coroutine: Coroutine[Any, Any, Any], timeout: float = 60.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a plain function of the server on its loop (so it never races a request)."""
        async def _call() -> Any:
            return function(*args, **kwargs)
        return self.run(_call())

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def close(self) -> None:
        async def stop() -> None:
            await self.server.stop()
            # long polls and slow answers still held: end them quietly
            current = asyncio.current_task()
            pending = [t for t in asyncio.all_tasks() if t is not current]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

        try:
            self.run(stop(), timeout=10)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()


def _serve_process(connection: Any, options: dict[str, Any]) -> None:
    runner = ServerThread(**options)
    connection.send(runner.base_url)
    try:
        while True:
            request = connection.recv()
            if request is None:
                break
            name, args, kwargs = request
            try:
                connection.send(("ok", _PROCESS_COMMANDS[name](runner, *args, **kwargs)))
            except Exception as exc:  # reported to the parent, which raises it
                connection.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        runner.close()


def _cmd_add_updates(runner: ServerThread, updates: list[dict[str, Any]],
                     rate: float | None = None, start_in: float = 0.0) -> list[int]:
    async def add() -> list[int]:
        return runner.server.add_updates(updates, rate=rate, start_in=start_in)
    result: list[int] = runner.run(add())
    return result


def _cmd_wait_replies(runner: ServerThread, count: int, timeout: float) -> bool:
    server = runner.server
    done: bool = runner.run(
        server.wait_until(lambda: len(server.timing.replied) >= count, timeout), timeout + 10)
    return done


def _cmd_timing(runner: ServerThread) -> dict[str, Any]:
    def collect() -> dict[str, Any]:
        timing = runner.server.timing
        return {"delivered": dict(timing.delivered), "replied": dict(timing.replied),
                "counts": dict(runner.server.counts),
                "rate_limited": runner.server.rate_limited}
    result: dict[str, Any] = runner.call(collect)
    return result


def _cmd_reset(runner: ServerThread) -> None:
    def reset() -> None:
        runner.server.reset_timing()
        runner.server.counts.clear()
        runner.server.calls.clear()
    runner.call(reset)


def _cmd_seed_message(runner: ServerThread, chat_id: int, text: str) -> dict[str, Any]:
    result: dict[str, Any] = runner.call(runner.server.seed_message, chat_id, text)
    return result


_PROCESS_COMMANDS: dict[str, Callable[..., Any]] = {
    "add_updates": _cmd_add_updates,
    "wait_replies": _cmd_wait_replies,
    "timing": _cmd_timing,
    "reset": _cmd_reset,
    "seed_message": _cmd_seed_message,
}


class ServerProcess:
    """The server in a child process, so it does not share a core (or the GIL) with the bot."""

    def __init__(self, **options: Any) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve_process, args=(child, options),
                                        daemon=True)
        self._process.start()
        if not self._connection.poll(60):
            raise RuntimeError("the fake Bot API did not start")
        self.base_url: str = self._connection.recv()

    def command(self, name: str, *args: Any, **kwargs: Any) -> Any:
        self._connection.send((name, args, kwargs))
        status, value = self._connection.recv()
        if status != "ok":
            raise RuntimeError(f"fake Bot API: {value}")
        return value

    def close(self) -> None:
        with contextlib.suppress(BrokenPipeError, OSError):
            self._connection.send(None)
        self._process.join(15)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(5)
