"""The menu end to end: /start → platform → role → issue → card → Back → Home, everywhere."""

from __future__ import annotations

from bot.core.callbacks import encode
from bot.core.nav import AllPlatforms, OpenCard, OpenGuide, OpenMenu
from knowledge.catalog import CardRef, Catalog
from knowledge.schema import Lang
from tests.bot.harness import EN_USER, ZH_USER, Harness, TgUser


async def test_four_taps_to_amazon_seller_support_for_a_suspended_account(bot: Harness) -> None:
    calls = await bot.send("/start")
    assert [c.method for c in calls] == ["sendMessage"]
    home = bot.screen()
    assert "客服直达" in home.plain
    await bot.tap("亚马逊")
    await bot.tap("卖家")
    await bot.tap("封号")
    card = bot.screen()
    assert card.message_id == home.message_id  # edited in place, no new messages
    assert card.plain.startswith("亚马逊 · 卖家 · ")
    # the summary first: which channel and why, one tip, the source; every part a tap away
    assert "找：绩效通知申诉（POA）" in card.plain
    assert "最后核对" in card.plain
    assert len(card.plain) <= 1000
    assert "· 推荐渠道" in [label for label, _ in card.buttons()]
    await bot.tap("完整指南")
    guide = bot.screen()
    assert guide.message_id == home.message_id
    assert "推荐渠道" in guide.plain and "Seller Central" in guide.plain
    assert len(bot.api.calls_of("sendMessage")) == 1


async def test_every_platform_role_and_issue_and_back_and_home(
    bot: Harness, catalog: Catalog
) -> None:
    users: tuple[tuple[Lang, TgUser], ...] = (("zh", ZH_USER), ("en", EN_USER))
    for lang, user in users:
        await bot.send("/start", user=user)
        for platform in catalog.platforms.values():
            for role in platform.roles:
                for issue in role.issues:
                    await walk_to_card(bot, user, catalog, CardRef(platform.id, role.id, issue.id))
                    assert bot.screen(user).plain.startswith(
                        " · ".join(x.name.get(lang) for x in (platform, role, issue))
                    )
                    # Back → the role's issue list
                    await bot.tap("⬅️", user=user)
                    issues = bot.screen(user)
                    assert issues.plain.startswith(
                        f"{platform.name.get(lang)} · {role.name.get(lang)}"
                    )
                    assert encode(OpenCard(CardRef(platform.id, role.id, issue.id))) in [
                        data for _, data in issues.buttons()
                    ]
                    # Home → the most asked platforms, and the others behind "more"
                    await bot.tap("🏠", user=user)
                    await bot.press(encode(AllPlatforms()), user=user)
                    assert {label for label, _ in bot.screen(user).buttons()} >= {
                        p.name.get(lang) for p in catalog.platforms.values()
                    }


async def walk_to_card(bot: Harness, user: TgUser, catalog: Catalog, ref: CardRef) -> None:
    """From the home screen, by the buttons' labels, to the card."""
    platform = catalog.platform(ref.platform)
    role = catalog.role(ref.platform, ref.role)
    issue = catalog.issue(ref.platform, ref.role, ref.issue)
    assert platform and role and issue
    lang: Lang = "zh" if user is ZH_USER else "en"
    await bot.press(bot.screen(user).button(platform.name.get(lang)), user=user)
    if len(platform.roles) > 1:
        await bot.press(bot.screen(user).button(role.name.get(lang)), user=user)
    else:
        # a single-role platform skips the role question
        assert bot.screen(user).plain.startswith(role.name.get(lang).join(
            [f"{platform.name.get(lang)} · ", ""]))
    issue_button = encode(OpenCard(ref))
    assert issue_button in [data for _, data in bot.screen(user).buttons()]
    await bot.press(issue_button, user=user)


async def test_back_from_a_role_goes_to_the_platform_and_every_level_has_home(
    bot: Harness, catalog: Catalog
) -> None:
    await bot.send("/start")
    for platform in catalog.platforms.values():
        await bot.press(encode(OpenMenu(platform.id)))
        screen = bot.screen()
        labels = [label for label, _ in screen.buttons()]
        assert any("返回" in label for label in labels)
        assert any("主页" in label for label in labels)
        if len(platform.roles) > 1:
            role = platform.roles[-1]
            await bot.tap(role.name.get("zh"))
            await bot.tap("返回")
            assert bot.screen().plain.startswith(platform.name.get("zh"))
        await bot.tap("主页")


async def test_sites_narrow_the_card_and_all_sites_widens_it_again(
    bot: Harness, catalog: Catalog
) -> None:
    platform = next(p for p in catalog.platforms.values() if p.sites)
    role = platform.roles[-1]
    issue = role.issues[0]
    site = platform.sites[0]
    await bot.send("/start")
    await bot.press(encode(OpenCard(CardRef(platform.id, role.id, issue.id))))
    await bot.tap(site.name.get("zh"))
    narrowed = bot.screen()
    assert narrowed.plain.startswith(" · ".join(
        x.name.get("zh") for x in (platform, role, issue, site)))
    assert any(label.startswith("✅") and site.name.get("zh") in label
               for label, _ in narrowed.buttons())
    await bot.tap("全部站点")
    assert not any(label.startswith("✅") for label, _ in bot.screen().buttons())


async def test_sections_left_out_of_a_long_card_are_one_tap_away(bot: Harness) -> None:
    await bot.send("/lang")
    await bot.tap("English")
    await bot.press(encode(OpenGuide(CardRef("amazon", "seller", "suspension"))))
    card = bot.screen()
    more = [(label, data) for label, data in card.buttons() if label.startswith("➕")]
    assert more, "the English suspension guide is longer than one message"
    label, data = more[0]
    await bot.press(data)
    section = bot.screen()
    assert label.removeprefix("➕ ") in section.plain
    await bot.tap("Back")  # to the card's summary, where every part is a button
    summary = bot.screen()
    assert summary.plain.startswith(card.plain.splitlines()[0])
    assert f"· {label.removeprefix('➕ ')}" in [text for text, _ in summary.buttons()]


async def test_track_button_opens_the_case_form_under_the_card(bot: Harness) -> None:
    await bot.send("/start")
    await bot.press(encode(OpenCard(CardRef("amazon", "seller", "suspension"))))
    card = bot.screen()
    calls = await bot.tap("跟踪")
    assert [c.method for c in calls] == ["answerCallbackQuery", "sendMessage"]
    assert bot.api.messages[(card.chat_id, card.message_id)].html == card.html  # card kept
    assert bot.screen().plain.startswith("📌 跟踪工单")


async def test_pressing_the_same_button_twice_is_not_an_error(bot: Harness) -> None:
    await bot.send("/start")
    amazon = bot.screen().button("亚马逊")
    await bot.press(amazon)
    calls = await bot.press(amazon)  # a double tap: the second finds the screen already there
    # Telegram said "message is not modified"; the user sees nothing go wrong
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert len(bot.api.calls_of("sendMessage")) == 1
