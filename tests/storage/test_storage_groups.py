"""Group chat settings, including the move to a supergroup's new chat id."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import Database, GroupSettings, GroupStore

OLD = -100200
NEW = -1001234567890


async def test_an_unconfigured_group_has_no_row(groups: GroupStore) -> None:
    assert await groups.get(OLD) is None
    assert GroupSettings.defaults(OLD) == GroupSettings(OLD, None, True)


async def test_settings_are_stored_and_independent(groups: GroupStore) -> None:
    settings = await groups.set_lang(OLD, "zh-Hans")
    assert settings == GroupSettings(OLD, "zh-Hans", True)
    settings = await groups.set_reply_to_mentions(OLD, False)
    assert settings == GroupSettings(OLD, "zh-Hans", False)  # lang kept
    assert await groups.get(OLD) == settings
    assert await groups.get(NEW) is None
    cleared = await groups.set_lang(OLD, None)
    assert cleared == GroupSettings(OLD, None, False)


async def test_a_bad_language_is_refused(groups: GroupStore) -> None:
    with pytest.raises(ValueError):
        await groups.set_lang(OLD, "<b>")
    assert await groups.get(OLD) is None


async def test_settings_survive_reopen(db_path: Path) -> None:
    db = await Database.open(db_path)
    await GroupStore(db).set_reply_to_mentions(OLD, False)
    await db.close()
    db = await Database.open(db_path)
    try:
        assert await GroupStore(db).get(OLD) == GroupSettings(OLD, None, False)
    finally:
        await db.close()


async def test_migrate_carries_the_settings_to_the_new_id(groups: GroupStore) -> None:
    await groups.set_lang(OLD, "en")
    await groups.set_reply_to_mentions(OLD, False)

    assert await groups.migrate(OLD, NEW) is True

    assert await groups.get(OLD) is None
    assert await groups.get(NEW) == GroupSettings(NEW, "en", False)


async def test_migrate_keeps_settings_made_on_the_new_id(groups: GroupStore) -> None:
    await groups.set_lang(OLD, "en")
    await groups.set_lang(NEW, "zh")

    assert await groups.migrate(OLD, NEW) is True

    assert await groups.get(OLD) is None
    assert await groups.get(NEW) == GroupSettings(NEW, "zh", True)


async def test_migrate_without_settings_changes_nothing(groups: GroupStore) -> None:
    await groups.set_lang(NEW, "zh")
    assert await groups.migrate(OLD, NEW) is False
    assert await groups.get(NEW) == GroupSettings(NEW, "zh", True)


async def test_forget(groups: GroupStore) -> None:
    await groups.set_lang(OLD, "en")
    await groups.set_lang(NEW, "en")
    assert await groups.forget(OLD) is True
    assert await groups.forget(OLD) is False
    assert await groups.get(OLD) is None
    assert await groups.get(NEW) is not None
