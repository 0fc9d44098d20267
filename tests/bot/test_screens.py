"""Screens are plain data, built without Telegram; every level offers Back and Home."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import check_webhook
from bot.core.callbacks import CallbackData
from bot.core.config import ConfigError
from bot.core.nav import Home, OpenCard, OpenMenu
from bot.core.screens import home_screen
from bot.core.ui import Viewer
from bot.menu.screens import screen_for
from knowledge.catalog import CardRef, Catalog
from tests.bot.harness import make_settings

REPO = Path(__file__).resolve().parents[2]
VIEWER = Viewer("zh", ZoneInfo("Asia/Shanghai"), datetime(2026, 11, 23, 2, tzinfo=UTC))


def test_screens_do_not_import_telegram() -> None:
    code = "import sys, bot.core.screens; sys.exit('telegram' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0


def test_every_level_below_home_has_back_and_home(catalog: Catalog) -> None:
    home = home_screen(catalog, "zh")
    assert Home() not in home.actions()
    for platform in catalog.platforms.values():
        levels: list[CallbackData] = [OpenMenu(platform.id)]
        levels += [OpenMenu(platform.id, r.id) for r in platform.roles]
        levels += [OpenCard(ref) for ref in catalog.card_refs() if ref.platform == platform.id]
        for action in levels:
            screen = screen_for(catalog, action, VIEWER)
            assert screen is not None, action
            last_row = screen.buttons[-1]
            assert [b.label for b in last_row] == ["⬅️ 返回", "🏠 主页"], action
            assert last_row[1].action == Home()


def test_breadcrumbs_name_the_path(catalog: Catalog) -> None:
    screen = screen_for(catalog, OpenMenu("amazon", "seller"), VIEWER)
    assert screen is not None and screen.title == "亚马逊 · 卖家"
    card = screen_for(catalog, OpenCard(CardRef("amazon", "seller", "suspension", "us")), VIEWER)
    assert card is not None and card.title.startswith("亚马逊 · 卖家 · ")
    assert card.title.endswith("美国站")


def test_unknown_ids_give_no_screen(catalog: Catalog) -> None:
    for action in (OpenMenu("ebay"), OpenMenu("amazon", "vendor"),
                   OpenCard(CardRef("amazon", "seller", "nope")),
                   OpenCard(CardRef("tmall", "buyer", "general", "us"))):
        assert screen_for(catalog, action, VIEWER) is None


def test_webhook_mode_needs_a_secret_and_the_webhook_extra(tmp_path: Path) -> None:
    check_webhook(make_settings(tmp_path / "k.sqlite3"))  # polling: nothing to check
    with pytest.raises(ConfigError, match="BOT_WEBHOOK_SECRET"):
        check_webhook(make_settings(tmp_path / "k.sqlite3", webhook_url="https://example.com/h"))
