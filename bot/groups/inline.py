"""Inline mode: `@bot 亚马逊 美国 电话` in any chat lists answer cards to share (short form).

Results are built in the asker's language and time zone. Telegram caches an answer per
query text for everyone unless `is_personal`: results that depend on who asks (their
stored settings or their app's language) are personal and cached briefly.
"""

from __future__ import annotations

import logging

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode

from bot.core.context import BotContext
from bot.core.deeplinks import MENU, CardLink, DeepLink, MenuLink, start_url
from bot.core.input import MAX_QUESTION
from bot.core.render import render_screen
from bot.core.services import Services
from bot.core.texts import MESSAGES
from bot.core.ui import Button, Screen, Viewer
from bot.groups.screens import INLINE_LIMIT, most_asked, short_card_screen
from knowledge.answer import DirectAnswer
from knowledge.card import build_card
from knowledge.catalog import CardRef
from knowledge.reply import CheckedAnswer, Nothing, NotSure, Reply
from knowledge.schema import Aspect
from knowledge.wording import word_reply

logger = logging.getLogger(__name__)

# the same for everyone who types the same words: Telegram may serve it for 5 minutes
# (a card's "open now" line may then be up to 5 minutes old)
CACHE_SHARED = 300
# built for one user's language and zone: short, so a changed setting shows soon
CACHE_PERSONAL = 60
NOT_FOUND_ID = "notfound"
CHECK_ID = "check"  # a number or link check, a platform we do not cover, small talk
DESCRIPTION = 120  # characters of a result's description
# under "not found", a few cards the words came closest to
SUGGESTIONS = 3


def _article(
    services: Services, ref: CardRef, viewer: Viewer, bot: str
) -> InlineQueryResultArticle | None:
    # the result is shared into a chat others read: times name their zone
    card = build_card(
        services.catalog,
        ref,
        lang=viewer.lang,
        user_zone=viewer.zone,
        now=viewer.now,
        personal=False,
    )
    if card is None:
        return None
    rendered = render_screen(short_card_screen(card, bot))
    return InlineQueryResultArticle(
        id=ref.key,  # catalog ids: well under Telegram's 64 bytes, and unique per card
        title=card.title,
        description=card.summary,
        input_message_content=InputTextMessageContent(
            rendered.text,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        reply_markup=rendered.keyboard,
    )


def _worded_article(
    services: Services, reply: Reply, viewer: Viewer, bot: str, result_id: str
) -> InlineQueryResultArticle:
    """The fact asked, or the check of a number or a link, as a result to share."""
    worded = word_reply(reply, services.catalog, lang=viewer.lang, user_zone=viewer.zone,
                        now=viewer.now, personal=False)
    title = worded.title or MESSAGES.get("home.title", viewer.lang)
    link: DeepLink = MenuLink()
    answer = reply.answer if isinstance(reply, CheckedAnswer) else reply
    if isinstance(answer, DirectAnswer) and answer.ref is not None:
        link = CardLink(answer.ref)
    button = Button(MESSAGES.get("group.button.details", viewer.lang), url=start_url(bot, link))
    rendered = render_screen(Screen(title=title, lines=worded.lines, buttons=((button,),)))
    first = worded.lines[0].text if worded.lines else ""
    return InlineQueryResultArticle(
        id=result_id,
        title=title,
        description=first[:DESCRIPTION],
        input_message_content=InputTextMessageContent(
            rendered.text,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        reply_markup=rendered.keyboard,
    )


def _not_found(viewer: Viewer, bot: str) -> InlineQueryResultArticle:
    lang = viewer.lang
    button = InlineKeyboardButton(
        MESSAGES.get("inline.button.menu", lang), url=start_url(bot, MenuLink())
    )
    return InlineQueryResultArticle(
        id=NOT_FOUND_ID,
        title=MESSAGES.get("inline.notfound.title", lang),
        description=MESSAGES.get("inline.notfound.description", lang),
        input_message_content=InputTextMessageContent(
            # plain words only: escaping is not needed, but the message is HTML like all
            MESSAGES.get("inline.notfound.body", lang),
            parse_mode=ParseMode.HTML,
        ),
        reply_markup=InlineKeyboardMarkup([[button]]),
    )


async def on_inline_query(update: Update, context: BotContext) -> None:
    """Matching cards for the typed words; the most asked for none; 'not found' otherwise."""
    query = update.inline_query
    if query is None:
        return
    services = context.services
    text = query.query.strip()[:MAX_QUESTION]
    searchable = any(ch.isalnum() for ch in text)
    viewer, personal = context.guest_viewer(text if searchable else None)
    bot = context.bot.username
    confident = True
    results: list[InlineQueryResultArticle] = []
    if searchable:
        # typed a character at a time: a half-typed query is no miss worth counting
        reply = services.responder.respond(text, lang=viewer.lang, user_zone=viewer.zone,
                                           now=viewer.now, personal=False,
                                           suggestions=INLINE_LIMIT)
        answer = reply.answer if isinstance(reply, CheckedAnswer) else reply
        if isinstance(answer, DirectAnswer) and answer.ref is not None:
            if answer.aspect is not None:
                # the fact asked (and, after it, the check of a number or link it held)
                result_id = f"{answer.ref.key}:{answer.aspect.value}"
                results.append(_worded_article(services, reply, viewer, bot, result_id))
            refs = list(answer.suggestions)
        elif isinstance(reply, NotSure | Nothing):
            confident = False
            refs = list(reply.suggestions[:SUGGESTIONS]) if isinstance(reply, NotSure) else []
        else:  # a number, a link, a platform we do not cover, small talk
            results.append(_worded_article(services, reply, viewer, bot, CHECK_ID))
            refs = []
    else:
        refs = most_asked(services.catalog)
    if not confident:
        results.append(_not_found(viewer, bot))
    for ref in refs:
        article = _article(services, ref, viewer, bot)
        if article is not None:
            results.append(article)
    logger.debug(
        "inline query",
        extra={"user_id": query.from_user.id, "chars": len(text), "results": len(results),
               "confident": confident},
    )
    await query.answer(
        results,
        cache_time=CACHE_PERSONAL if personal else CACHE_SHARED,
        is_personal=personal,
        button=InlineQueryResultsButton(
            MESSAGES.get("inline.button.menu", viewer.lang), start_parameter=MENU
        ),
    )


async def on_chosen_inline_result(update: Update, context: BotContext) -> None:
    """Which card was shared (a count for the knowledge editors); never the query or the user."""
    chosen = update.chosen_inline_result
    if chosen is None:
        return
    result = chosen.result_id
    card, _, aspect = result.partition(":")
    known = result in (NOT_FOUND_ID, CHECK_ID) or (
        CardRef.parse(card) is not None and (not aspect or aspect in Aspect.__members__)
    )
    logger.info("inline result chosen", extra={"result": result[:64] if known else "?"})
