"""A fake Telegram Bot API at the network boundary: a BaseRequest that answers like Telegram.

It keeps the messages the bot sent (so edits behave: "message is not modified", "message
to edit not found"), records every call, validates every outgoing text and keyboard
against Telegram's rules, and can be told to fail the next calls of a method.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram.request import BaseRequest, RequestData

from bot.core.clock import Clock
from tests.bot.telegram_rules import (
    MAX_CALLBACK_ANSWER,
    MAX_CAPTION,
    check_inline_answer,
    check_markup,
    check_text,
    parse_html,
)

BOT_ID = 7000000001
BOT_USERNAME = "kefu_test_bot"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)


@dataclass(frozen=True)
class ApiCall:
    method: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Failure:
    """What Telegram answers instead of success (or a dropped connection)."""

    status: int = 0
    description: str = ""
    retry_after: float | None = None
    network: bool = False

    @classmethod
    def blocked(cls) -> Failure:
        return cls(403, "Forbidden: bot was blocked by the user")

    @classmethod
    def flood(cls, retry_after: float) -> Failure:
        return cls(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)

    @classmethod
    def not_modified(cls) -> Failure:
        return cls(400, NOT_MODIFIED)

    @classmethod
    def bad_request(cls, description: str) -> Failure:
        return cls(400, f"Bad Request: {description}")

    @classmethod
    def server_error(cls, status: int = 500) -> Failure:
        return cls(status, "Internal Server Error" if status == 500 else "Bad Gateway")

    @classmethod
    def network_error(cls) -> Failure:
        return cls(network=True)


class ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass
class StoredMessage:
    chat_id: int
    message_id: int
    html: str
    markup: dict[str, Any] | None
    date: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def plain(self) -> str:
        return parse_html(self.html)[0]

    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of every callback button, in order."""
        rows = (self.markup or {}).get("inline_keyboard", [])
        return [(b["text"], b["callback_data"]) for row in rows for b in row
                if "callback_data" in b]

    def button(self, label_part: str) -> str:
        """The callback data of the one button whose label contains `label_part`."""
        found = [data for label, data in self.buttons() if label_part in label]
        if len(found) != 1:
            raise AssertionError(f"{len(found)} buttons contain {label_part!r}: {self.buttons()}")
        return found[0]


class FakeBotApi(BaseRequest):
    """Pass as `request=` and `updates_request=` to the ApplicationBuilder."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.calls: list[ApiCall] = []
        self.violations: list[str] = []
        self.messages: dict[tuple[int, int], StoredMessage] = {}
        self.pending_queries: set[str] = set()
        self.commands: dict[str, list[dict[str, str]]] = {}
        # lists for a narrower scope than the default: (scope type, language code) → list
        self.scoped_commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        # getChatMember's answer per (chat, user); anyone not listed is a plain member
        self.member_status: dict[tuple[int, int], str] = {}
        self._failures: dict[str, deque[Failure]] = defaultdict(deque)
        self._message_ids = itertools.count(1)
        # calls naming one of these chats wait until its gate opens (a slow chat)
        self.gates: dict[int, asyncio.Event] = {}
        # basic groups that became supergroups: old id → new id (ChatMigrated for the old)
        self.migrated: dict[int, int] = {}
        # getUpdates: what Telegram holds (until a call's offset confirms it), the offsets
        # the bot asked with, and an event set on every call
        self.pending_updates: list[dict[str, Any]] = []
        self.update_offsets: list[int] = []
        self.called = asyncio.Event()
        self._new_update = asyncio.Event()
        self.bot_user = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "客服直达",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    # --- scripting and inspection --------------------------------------------------

    def fail(self, method: str, failure: Failure, times: int = 1) -> None:
        """The next `times` calls of `method` fail with `failure`."""
        self._failures[method].extend([failure] * times)

    def add_update(self, update: dict[str, Any]) -> None:
        """An update Telegram holds for the bot until a getUpdates offset confirms it."""
        self.pending_updates.append(update)
        self._new_update.set()

    async def _long_poll(self, params: dict[str, Any]) -> None:
        """Like Telegram, hold a getUpdates with a timeout open until there is an update."""
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        if timeout and not any(u["update_id"] >= offset for u in self.pending_updates):
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout)

    def slow(self, chat_id: int) -> asyncio.Event:
        """Calls naming `chat_id` wait until the returned event is set."""
        return self.gates.setdefault(chat_id, asyncio.Event())

    async def wait_until(self, done: Any, calls: int = 10_000) -> None:
        """Wait (on the bot's calls, not on time) until `done()` is true: it is looked at
        after each call starts and after each call is answered."""
        for _ in range(calls):
            if done():
                return
            self.called.clear()
            await asyncio.wait_for(self.called.wait(), 10)
        raise AssertionError("the bot never got there")

    def calls_of(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    def chat_messages(self, chat_id: int) -> list[StoredMessage]:
        return sorted((m for m in self.messages.values() if m.chat_id == chat_id),
                      key=lambda m: m.message_id)

    def last_message(self, chat_id: int) -> StoredMessage:
        messages = self.chat_messages(chat_id)
        if not messages:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}")
        return messages[-1]

    # --- BaseRequest ----------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        try:
            return await self._answer(url, request_data)
        finally:
            self.called.set()  # done: `wait_until` looks again

    async def _answer(self, url: str, request_data: RequestData | None) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        self.calls.append(ApiCall(api_method, params))
        self.called.set()
        named = params.get("chat_id")
        chat_id = int(named) if isinstance(named, int | str) else None
        gate = self.gates.get(chat_id) if chat_id is not None else None
        if gate is not None:
            await gate.wait()
        if api_method == "getUpdates":
            await self._long_poll(params)
        if chat_id is not None and chat_id in self.migrated:
            return 400, json.dumps({
                "ok": False, "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": self.migrated[chat_id]},
            }).encode()
        # what httpx logs for every request, URL (and so the token) included
        logging.getLogger("httpx").info('HTTP Request: POST %s "HTTP/1.1 200 OK"', url)
        queue = self._failures.get(api_method)
        if queue:
            failure = queue.popleft()
            if failure.network:
                # like httpx's errors, the message names the URL
                raise ConnectionError(f"All connection attempts failed for url '{url}'")
            body: dict[str, Any] = {
                "ok": False,
                "error_code": failure.status,
                "description": failure.description,
            }
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            return failure.status, json.dumps(body).encode()
        handler = getattr(self, f"_api_{api_method}", None)
        if handler is None:
            return 404, json.dumps(
                {"ok": False, "error_code": 404, "description": "Not Found"}
            ).encode()
        try:
            result = handler(params)
        except ApiError as exc:
            body = {"ok": False, "error_code": exc.status, "description": exc.description}
            return exc.status, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # --- helpers --------------------------------------------------------------------

    def _now(self) -> int:
        now: datetime = self._clock.now()
        return int(now.timestamp())

    @staticmethod
    def _chat(chat_id: int) -> dict[str, Any]:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "User"}
        # supergroup and channel ids start with -100; basic groups' do not
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": "Group"}

    def _violation(self, method: str, problems: list[str]) -> None:
        self.violations.extend(f"{method}: {p}" for p in problems)

    def _check_message(self, method: str, params: dict[str, Any], key: str = "text",
                       limit: int = 4096) -> None:
        problems = check_text(params.get(key), params.get("parse_mode"), limit)
        problems += check_markup(params.get("reply_markup"))
        if problems:
            self._violation(method, problems)
            raise ApiError(400, f"Bad Request: can't parse entities: {problems[0]}")

    def message_json(self, message: StoredMessage) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self.bot_user,
            "chat": self._chat(message.chat_id),
            "date": message.date,
            **message.extra,
        }
        if message.html:
            data["text"] = message.plain
        if message.markup:
            data["reply_markup"] = message.markup
        return data

    def _store(self, chat_id: int, html: str, markup: Any, **extra: Any) -> StoredMessage:
        message = StoredMessage(
            chat_id=chat_id,
            message_id=next(self._message_ids),
            html=html,
            markup=markup,
            date=self._now(),
            extra=extra,
        )
        self.messages[(chat_id, message.message_id)] = message
        return message

    def _find(self, params: dict[str, Any], what: str) -> StoredMessage:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise ApiError(400, f"Bad Request: message to {what} not found")
        return self.messages[key]

    # --- methods --------------------------------------------------------------------

    def _api_getMe(self, params: dict[str, Any]) -> Any:
        return self.bot_user

    def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands") or []
        for command in commands:
            name, description = command.get("command", ""), command.get("description", "")
            if not (1 <= len(name) <= 32 and name.islower() and name.replace("_", "").isalnum()):
                self._violation("setMyCommands", [f"bad command {name!r}"])
            if not 1 <= len(description) <= 256:
                self._violation("setMyCommands", [f"bad description for {name!r}"])
        language = str(params.get("language_code", ""))
        scope = (params.get("scope") or {}).get("type", "default")
        if scope == "default":
            self.commands[language] = commands
        else:
            self.scoped_commands[(scope, language)] = commands
        return True

    def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        self._check_message("sendMessage", params)
        message = self._store(int(params["chat_id"]), params["text"], params.get("reply_markup"))
        return self.message_json(message)

    def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        self._check_message("editMessageText", params)
        if "inline_message_id" in params:
            return True
        message = self._find(params, "edit")
        markup = params.get("reply_markup")
        if message.html == params["text"] and message.markup == markup:
            raise ApiError(400, NOT_MODIFIED)
        message.html = params["text"]
        message.markup = markup
        return self.message_json(message)

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        problems = check_markup(params.get("reply_markup"))
        if problems:
            self._violation("editMessageReplyMarkup", problems)
            raise ApiError(400, f"Bad Request: {problems[0]}")
        if "inline_message_id" in params:
            return True
        message = self._find(params, "edit")
        if message.markup == params.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        message.markup = params.get("reply_markup")
        return self.message_json(message)

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        query_id = params.get("callback_query_id")
        if query_id not in self.pending_queries:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self.pending_queries.discard(query_id)
        text = params.get("text")
        if text is not None and not 0 < len(text) <= MAX_CALLBACK_ANSWER:
            self._violation("answerCallbackQuery", [f"text is {len(text)} long"])
        return True

    def _api_sendDocument(self, params: dict[str, Any]) -> Any:
        if params.get("caption") is not None:
            self._check_message("sendDocument", params, key="caption", limit=MAX_CAPTION)
        document = {
            "file_id": f"BQACAgIAAxkBAAI{len(self.calls)}",
            "file_unique_id": f"AgAD{len(self.calls)}",
            "file_name": "export.json",
            "mime_type": "application/json",
            "file_size": 1024,
        }
        message = self._store(int(params["chat_id"]), "", params.get("reply_markup"),
                              document=document)
        return self.message_json(message)

    def _api_deleteMessage(self, params: dict[str, Any]) -> Any:
        message = self._find(params, "delete")
        del self.messages[(message.chat_id, message.message_id)]
        return True

    def _api_getChatMember(self, params: dict[str, Any]) -> Any:
        user_id = int(params["user_id"])
        if user_id == BOT_ID:
            return {"status": "member", "user": self.bot_user}
        user = {"id": user_id, "is_bot": False, "first_name": "User"}
        status = self.member_status.get((int(params["chat_id"]), user_id), "member")
        if status == "creator":
            return {"status": status, "user": user, "is_anonymous": False}
        if status == "administrator":
            rights = ("can_manage_chat", "can_delete_messages", "can_manage_video_chats",
                      "can_restrict_members", "can_promote_members", "can_change_info",
                      "can_invite_users", "can_post_stories", "can_edit_stories",
                      "can_delete_stories")
            return {"status": status, "user": user, "can_be_edited": False,
                    "is_anonymous": False, **dict.fromkeys(rights, True)}
        if status in ("left", "member"):
            return {"status": status, "user": user}
        raise ApiError(400, "Bad Request: user not found")

    def _api_answerInlineQuery(self, params: dict[str, Any]) -> Any:
        results = params.get("results") or []
        problems = check_inline_answer(params)
        if problems:
            self._violation("answerInlineQuery", problems)
            raise ApiError(400, f"Bad Request: {problems[0]}")
        for result in results:
            content = result.get("input_message_content") or {}
            problems = check_text(content.get("message_text"), content.get("parse_mode"))
            problems += check_markup(result.get("reply_markup"))
            if problems:
                self._violation("answerInlineQuery", problems)
                raise ApiError(400, f"Bad Request: {problems[0]}")
        return True

    def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        if not str(params.get("url", "")).startswith("https://"):
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        return True

    def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        """Like Telegram: an offset confirms every update below it; the rest are sent
        again (up to `limit`) until confirmed."""
        offset = int(params.get("offset") or 0)
        self.update_offsets.append(offset)
        if offset:
            self.pending_updates = [u for u in self.pending_updates
                                    if u["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        return self.pending_updates[:limit]
