"""Group-chat and inline-mode updates for the harness: real update JSON, as Telegram sends it."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.bot.fakeapi import BOT_ID, BOT_USERNAME, ApiCall, StoredMessage
from tests.bot.harness import ZH_USER, Harness, TgUser

SUPERGROUP = {"id": -1001234567890, "type": "supergroup", "title": "跨境卖家交流群"}
BASIC_GROUP = {"id": -4012345678, "type": "group", "title": "亚马逊卖家群"}

_inline_ids = itertools.count(1)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def methods(calls: list[ApiCall]) -> list[str]:
    return [c.method for c in calls]


def sent(calls: list[ApiCall]) -> list[ApiCall]:
    return [c for c in calls if c.method == "sendMessage"]


def reply_target(call: ApiCall) -> int | None:
    reply = call.params.get("reply_parameters") or {}
    target = reply.get("message_id")
    return None if target is None else int(target)


def url_buttons(message: StoredMessage) -> list[tuple[str, str]]:
    rows = (message.markup or {}).get("inline_keyboard", [])
    return [(b["text"], b["url"]) for row in rows for b in row if "url" in b]


def start_payload(url: str) -> str | None:
    parts = urlsplit(url)
    assert parts.netloc == "t.me" and parts.path == f"/{BOT_USERNAME}", url
    values = parse_qs(parts.query).get("start")
    return values[0] if values else None


class GroupChat:
    """One group the bot is in; members write, reply, mention and press buttons."""

    def __init__(self, bot: Harness, chat: dict[str, Any] = SUPERGROUP) -> None:
        self.bot = bot
        self.chat = chat
        self.id = int(chat["id"])

    def message(self, user: TgUser, text: str, **extra: Any) -> dict[str, Any]:
        content: dict[str, Any] = {"text": text, "chat": self.chat, **extra}
        if text.startswith("/") and "entities" not in extra:
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": utf16_len(command)}]
        return self.bot.message(user, **content)

    async def send(self, data: dict[str, Any]) -> list[ApiCall]:
        return await self.bot.process({"message": data})

    async def say(self, text: str, user: TgUser = ZH_USER, **extra: Any) -> list[ApiCall]:
        return await self.send(self.message(user, text, **extra))

    async def mention(self, before: str, after: str, user: TgUser = ZH_USER) -> list[ApiCall]:
        """`before @bot after`, with the mention entity where Telegram puts it."""
        handle = f"@{BOT_USERNAME}"
        entity = {"type": "mention", "offset": utf16_len(before), "length": utf16_len(handle)}
        return await self.say(f"{before}{handle}{after}", user, entities=[entity])

    async def reply(self, to: StoredMessage | dict[str, Any], text: str,
                    user: TgUser = ZH_USER) -> list[ApiCall]:
        replied = self.bot.api.message_json(to) if isinstance(to, StoredMessage) else to
        return await self.say(text, user, reply_to_message=replied)

    def last(self) -> StoredMessage:
        return self.bot.api.last_message(self.id)

    def messages(self) -> list[StoredMessage]:
        return self.bot.api.chat_messages(self.id)

    async def bot_status(self, old: str, new: str, by: TgUser = ZH_USER) -> list[ApiCall]:
        """A my_chat_member update: `by` changed the bot's status here (left, kicked, …)."""

        def member(status: str) -> dict[str, Any]:
            data: dict[str, Any] = {"status": status, "user": bot_user_json()}
            if status == "kicked":
                data["until_date"] = 0
            return data

        change = {"chat": self.chat, "from": by.json(),
                  "date": int(self.bot.clock.now().timestamp()),
                  "old_chat_member": member(old), "new_chat_member": member(new)}
        return await self.bot.process({"my_chat_member": change})

    async def press(self, data: str, user: TgUser, message: StoredMessage | None = None
                    ) -> list[ApiCall]:
        """Press a button: answered exactly once (an admin check may come first)."""
        message = message or self.last()
        query_id = f"g{next(_inline_ids)}"
        self.bot.api.pending_queries.add(query_id)
        calls = await self.bot.process(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.json(),
                    "chat_instance": f"ci{self.id}",
                    "data": data,
                    "message": self.bot.api.message_json(message),
                }
            }
        )
        answers = [c for c in calls if c.method == "answerCallbackQuery"]
        assert [c.params["callback_query_id"] for c in answers] == [query_id]
        before = methods(calls)[: methods(calls).index("answerCallbackQuery")]
        assert set(before) <= {"getChatMember"}, methods(calls)
        return calls


async def inline_query(bot: Harness, text: str, user: TgUser = ZH_USER) -> ApiCall:
    """An inline query; the one answerInlineQuery call it got."""
    query_id = f"iq{next(_inline_ids)}"
    calls = await bot.process(
        {"inline_query": {"id": query_id, "from": user.json(), "query": text, "offset": "",
                          "chat_type": "supergroup"}}
    )
    assert methods(calls) == ["answerInlineQuery"], methods(calls)
    assert calls[0].params["inline_query_id"] == query_id
    return calls[0]


def bot_user_json() -> dict[str, Any]:
    return {"id": BOT_ID, "is_bot": True, "first_name": "客服直达", "username": BOT_USERNAME}
