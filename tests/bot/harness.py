"""Drive the real Application with real update JSON against the fake Bot API."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import BaseRateLimiter

from bot.app import RATE_LIMIT_RETRIES, BotApplication, build_application
from bot.core.clock import ManualClock
from bot.core.config import Settings
from bot.infra.ratelimit import GroupAwareRateLimiter
from tests.bot.fakeapi import ApiCall, FakeBotApi, StoredMessage

TOKEN = "7000000001:AAH_fake-token-for-tests_0123456789xyz"
API_BASE_URL = "https://api.telegram.test/bot"


@dataclass(frozen=True)
class TgUser:
    id: int
    first_name: str = "Li"
    language_code: str | None = "zh-hans"

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code is not None:
            data["language_code"] = self.language_code
        return data

    def private_chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}


ZH_USER = TgUser(1001, "小李", "zh-hans")
EN_USER = TgUser(1002, "Sam", "en")


def make_settings(db_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "token": TOKEN,
        "db": db_path,
        "api_base_url": API_BASE_URL,
        "timezone": "Asia/Shanghai",
    }
    values.update(overrides)
    # _env_file=None: a developer's .env must not leak into the tests
    return Settings(_env_file=None, **values)


def clock_paced_limiter() -> GroupAwareRateLimiter:
    """The bot's rate limiter without its group buckets, which wait in real time while the
    test's clock stands still: with the manual clock, the bot's own per-group cap
    (bot/core/flood.py) is what keeps a group to 20 messages a minute. Flood waits are
    still retried."""
    return GroupAwareRateLimiter(
        overall_max_rate=0, group_max_rate=0, max_retries=RATE_LIMIT_RETRIES
    )


class Harness:
    """One running Application on a database file, and the fake API it talks to."""

    def __init__(self, app: BotApplication, api: FakeBotApi, clock: ManualClock) -> None:
        self.app = app
        self.api = api
        self.clock = clock
        self._update_ids = itertools.count(10_000)
        self._incoming_ids = itertools.count(500_000)
        self._query_ids = itertools.count(1)

    @classmethod
    async def start(
        cls, db_path: Path, clock: ManualClock, api: FakeBotApi | None = None,
        rate_limiter: BaseRateLimiter[Any] | None = None, **settings: Any
    ) -> Harness:
        api = api or FakeBotApi(clock)
        app = build_application(
            make_settings(db_path, **settings), clock=clock, request=api, updates_request=api,
            rate_limiter=rate_limiter,
        )
        # what run_polling does, minus the polling
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        return cls(app, api, clock)

    async def stop(self) -> None:
        await self.app.stop()
        await self.app.shutdown()
        if self.app.post_shutdown is not None:
            await self.app.post_shutdown(self.app)

    def assert_clean(self) -> None:
        assert self.api.violations == [], self.api.violations
        assert self.api.pending_queries == set(), "callback queries left unanswered"

    # --- feeding updates ------------------------------------------------------------

    async def process(self, data: dict[str, Any]) -> list[ApiCall]:
        """Feed one update; the API calls the bot made for it."""
        before = len(self.api.calls)
        data = {"update_id": next(self._update_ids), **data}
        await self.app.process_update(Update.de_json(data, self.app.bot))
        self.assert_clean()
        return self.api.calls[before:]

    def _date(self) -> int:
        return int(self.clock.now().timestamp())

    def message(self, user: TgUser, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._incoming_ids),
            "from": user.json(),
            "chat": user.private_chat(),
            "date": self._date(),
            **content,
        }

    async def send(self, text: str, user: TgUser = ZH_USER) -> list[ApiCall]:
        """A text message in the private chat; a leading /command gets its entity."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            length = len(command.encode("utf-16-le")) // 2
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return await self.process({"message": self.message(user, **content)})

    async def send_content(self, user: TgUser = ZH_USER, **content: Any) -> list[ApiCall]:
        """A non-text message: sticker=…, photo=…, voice=…, contact=…, location=…"""
        return await self.process({"message": self.message(user, **content)})

    async def edit(self, text: str, user: TgUser = ZH_USER) -> list[ApiCall]:
        edited = self.message(user, text=text, edit_date=self._date())
        return await self.process({"edited_message": edited})

    async def press(
        self,
        data: str,
        user: TgUser = ZH_USER,
        message: StoredMessage | None = None,
    ) -> list[ApiCall]:
        """Press a button with `data` on `message` (default: the chat's last bot message).

        Checks that the query was answered, and answered before anything else was done.
        """
        message = message or self.api.last_message(user.id)
        query_id = str(next(self._query_ids))
        self.api.pending_queries.add(query_id)
        calls = await self.process(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.json(),
                    "chat_instance": f"ci{user.id}",
                    "data": data,
                    "message": self.api.message_json(message),
                }
            }
        )
        answers = [c for c in calls if c.method == "answerCallbackQuery"]
        assert [c.params["callback_query_id"] for c in answers] == [query_id]
        assert calls[0].method == "answerCallbackQuery", [c.method for c in calls]
        return calls

    async def tap(self, label_part: str, user: TgUser = ZH_USER) -> list[ApiCall]:
        """Press the button whose label contains `label_part` on the last message."""
        message = self.api.last_message(user.id)
        return await self.press(message.button(label_part), user=user, message=message)

    def screen(self, user: TgUser = ZH_USER) -> StoredMessage:
        """The last message the bot sent (or edited) in the user's chat."""
        return self.api.last_message(user.id)

    async def member_update(self, user: TgUser, status: str) -> list[ApiCall]:
        old = "member" if status == "kicked" else "kicked"
        change = {
            "chat": user.private_chat(),
            "from": user.json(),
            "date": self._date(),
            "old_chat_member": {"status": old, "user": self.api.bot_user, "until_date": 0}
            if old == "kicked" else {"status": old, "user": self.api.bot_user},
            "new_chat_member": {"status": status, "user": self.api.bot_user, "until_date": 0}
            if status == "kicked" else {"status": status, "user": self.api.bot_user},
        }
        return await self.process({"my_chat_member": change})
