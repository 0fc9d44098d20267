"""bot.infra.updates.PerChatUpdateProcessor: chats run side by side, one chat's updates in order."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.infra.updates import PerChatUpdateProcessor, order_key


def message_update(update_id: int, chat_id: int) -> Update:
    return Update.de_json({"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "text": "hi",
        "chat": {"id": chat_id, "type": "private", "first_name": "U"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "U"},
    }}, None)


async def test_one_chat_in_order_other_chats_meanwhile() -> None:
    processor = PerChatUpdateProcessor(8)
    log: list[str] = []
    gates = {name: asyncio.Event() for name in ("a1", "a2", "b1")}

    async def work(name: str) -> None:
        log.append(f"start {name}")
        await gates[name].wait()
        log.append(f"end {name}")

    updates = [("a1", message_update(1, 10)), ("a2", message_update(2, 10)),
               ("b1", message_update(3, 20))]
    # PTB starts one task per update, in arrival order
    tasks = [asyncio.create_task(processor.process_update(u, work(n))) for n, u in updates]
    for _ in range(5):
        await asyncio.sleep(0)
    assert log == ["start a1", "start b1"]  # a2 waits for a1; b1 does not
    gates["a2"].set()
    gates["b1"].set()
    for _ in range(5):
        await asyncio.sleep(0)
    assert "start a2" not in log  # still behind a1, even though it could finish at once
    gates["a1"].set()
    await asyncio.gather(*tasks)
    assert log.index("end a1") < log.index("start a2")
    assert processor.current_concurrent_updates == 0


async def test_a_failing_update_does_not_block_its_chat() -> None:
    processor = PerChatUpdateProcessor(4)
    done: list[int] = []

    async def fail() -> None:
        raise RuntimeError("handler bug")

    async def ok() -> None:
        done.append(2)

    first = asyncio.create_task(processor.process_update(message_update(1, 10), fail()))
    second = asyncio.create_task(processor.process_update(message_update(2, 10), ok()))
    results = await asyncio.gather(first, second, return_exceptions=True)
    assert isinstance(results[0], RuntimeError)
    assert done == [2]


async def test_many_updates_of_one_chat_cannot_deadlock_the_slots() -> None:
    processor = PerChatUpdateProcessor(2)
    order: list[int] = []

    async def work(i: int) -> None:
        await asyncio.sleep(0)
        order.append(i)

    tasks = [asyncio.create_task(processor.process_update(message_update(i, 10), work(i)))
             for i in range(20)]
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    assert order == list(range(20))


def test_order_key() -> None:
    assert order_key(message_update(1, -100123)) == -100123
    inline = Update.de_json({"update_id": 5, "inline_query": {
        "id": "1", "from": {"id": 7, "is_bot": False, "first_name": "U"},
        "query": "q", "offset": ""}}, None)
    assert order_key(inline) == "user:7"
    assert order_key(object()) is None


async def test_every_update_is_reported_done_even_a_failing_one() -> None:
    """What the poller waits for before it confirms an update to Telegram."""
    processor = PerChatUpdateProcessor(4)
    done: list[int] = []
    processor.when_done(lambda update: done.append(update.update_id)
                        if isinstance(update, Update) else None)

    async def fail() -> None:
        raise RuntimeError("handler bug")

    async def ok() -> None:
        return None

    results = await asyncio.gather(
        processor.process_update(message_update(1, 10), fail()),
        processor.process_update(message_update(2, 10), ok()),
        processor.process_update(message_update(3, 20), ok()),
        return_exceptions=True,
    )
    assert isinstance(results[0], RuntimeError)
    assert sorted(done) == [1, 2, 3]
