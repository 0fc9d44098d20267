"""Group chats: short answers to /faq, mentions and replies; menus for the asker; /settings.

Works in Telegram's default privacy mode, where a bot sees only commands, messages that
mention it and replies to its own messages. Every message the bot sends to a group goes
through `_send`, which applies the per-group cap; questions pass the per-member pace (a
question within the cool-down waits for its end: bot/groups/pacing.py) and the repeat check
first (bot/core/flood.py). Nothing sent to a group names or shows anyone's data: case
commands get a link to the private chat instead.
"""

from __future__ import annotations

import logging
import math
from dataclasses import replace
from functools import partial

from telegram import (
    CallbackQuery,
    Chat,
    ChatMember,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
    User,
)
from telegram.error import BadRequest, ChatMigrated

from bot.core.answering import respond
from bot.core.callbacks import parse_callback
from bot.core.context import BotContext
from bot.core.flood import Place
from bot.core.input import MAX_QUESTION
from bot.core.presses import Press
from bot.core.render import render_screen
from bot.core.replies import is_not_modified
from bot.core.services import Services
from bot.core.texts import MESSAGES
from bot.core.ui import Screen, Viewer
from bot.groups.callbacks import GroupCard, GroupNav, GroupOption
from bot.groups.followups import follow_up_memory, remember_answer
from bot.groups.pacing import (
    Answer,
    admit_question,
    hold_question,
    move_group,
    send_reply,
    tell_over_cap,
)
from bot.groups.screens import (
    group_help_screen,
    group_home_screen,
    group_reply_screen,
    group_screen_for,
    group_settings_screen,
    nothing_to_search_screen,
    private_only_screen,
    repeat_screen,
)
from knowledge.answer import DirectAnswer
from knowledge.catalog import CardRef
from knowledge.i18n import normalize_lang
from knowledge.reply import Nothing, NotSure
from knowledge.schema import Aspect, Lang
from knowledge.smalltalk import SmallTalk
from knowledge.textnorm import clean
from storage.groups import GroupSettings

logger = logging.getLogger(__name__)

ADMIN_STATUSES = (ChatMember.OWNER, ChatMember.ADMINISTRATOR)


# --- who asks, where, and what ---------------------------------------------------------


def _place(message: Message, chat_id: int | None = None) -> Place:
    """The conversation an answer belongs to: the chat (`chat_id` if it moved to a new id),
    and the forum topic if any."""
    if chat_id is not None and chat_id != message.chat.id:
        return chat_id, None  # a supergroup just made from a basic group has no topics
    return message.chat.id, message.message_thread_id if message.is_topic_message else None


def _utf16_cut(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` without the spans (Telegram's UTF-16 offset and length)."""
    units = text.encode("utf-16-le")
    kept = bytearray()
    position = 0
    for offset, length in sorted(spans):
        kept += units[position * 2 : offset * 2]
        position = max(position, offset + length)
    kept += units[position * 2 :]
    return kept.decode("utf-16-le", errors="ignore")


def mention_question(message: Message, bot: User) -> str | None:
    """The message's text without the bot's mentions, or None if it does not mention the bot."""
    text = message.text or ""
    username = (bot.username or "").lower()
    spans = []
    for entity in message.entities:
        if entity.type == MessageEntity.MENTION:
            mentioned = message.parse_entity(entity).lstrip("@").lower()
            if username and mentioned == username:
                spans.append((entity.offset, entity.length))
        elif entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
            spans.append((entity.offset, entity.length))
    return _utf16_cut(text, spans).strip() if spans else None


def _replies_to_bot(message: Message, bot: User) -> bool:
    replied = message.reply_to_message
    return replied is not None and replied.from_user is not None and replied.from_user.id == bot.id


def _searchable(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


async def _viewer(
    context: BotContext, chat_id: int, question: str | None = None,
    group: GroupSettings | None = None,
) -> Viewer:
    """The group's language if an admin set one, else the asker's; the bot's time zone.

    Not the asker's own zone: everyone reads a group answer, and hours shown in a
    member's zone would tell the group where they said they live.
    """
    services = context.services
    if group is None:
        group = await services.groups.get(chat_id)
    lang: Lang | None = normalize_lang(group.lang) if group and group.lang else None
    viewer, _ = context.guest_viewer(question, lang=lang)
    return replace(viewer, zone=services.settings.zone)


async def is_admin(context: BotContext, chat: Chat, user: User,
                   message: Message | None = None) -> bool:
    """Whether `user` administers `chat`; an anonymous admin writes as the chat itself.

    Asked of Telegram once per few minutes per (group, member): a member pressing an
    admin-only button again and again costs one getChatMember (bot/core/presses.py).
    """
    sender_chat = message.sender_chat if message is not None else None
    if sender_chat is not None and sender_chat.id == chat.id:
        return True
    presses = context.services.presses
    known = presses.known_admin(chat.id, user.id)
    if known is not None:
        return known
    member = await context.bot.get_chat_member(chat.id, user.id)
    admin = member.status in ADMIN_STATUSES
    presses.remember_admin(chat.id, user.id, admin)
    return admin


# --- sending ---------------------------------------------------------------------------


async def _room(
    context: BotContext, update: Update, chat_id: int, retry: Answer | None, *, queued: bool
) -> bool:
    """True if a message may go to the group now (its slot is taken). Otherwise a question
    (`retry`) waits its turn in the group's queue, anything else gets the cap note.

    Taking the slot is synchronous and the caller sends right after: nothing else can
    take it in between.
    """
    services = context.services
    if services.flood.may_send(chat_id, queued=queued):
        return True
    message = update.effective_message
    if retry is not None:
        await hold_question(context, update, retry, front=queued)
    elif message is not None:
        await tell_over_cap(context, message, chat_id)
    return False


async def _send(
    context: BotContext, update: Update, screen: Screen, reply_to: int | None = None,
    *, retry: Answer | None = None, queued: bool = False,
) -> Message | None:
    """Reply in the group if its cap allows; else see `_room`."""
    message = update.effective_message
    if message is None:
        return None
    chat_id = context.services.flood.moved_to(message.chat.id)
    if not await _room(context, update, chat_id, retry, queued=queued):
        return None
    rendered = render_screen(screen)
    return await send_reply(context, message, chat_id, rendered.text, reply_to,
                            reply_markup=rendered.keyboard)


async def _point_to(
    context: BotContext, update: Update, screen: Screen, earlier: int,
    *, retry: Answer | None, queued: bool,
) -> bool:
    """Reply to the earlier answer instead of repeating it; False if it is gone."""
    message = update.effective_message
    if message is None:
        return True
    chat_id = context.services.flood.moved_to(message.chat.id)
    if chat_id != message.chat.id:
        return False  # the earlier answer is in the old group: answer in full
    if not await _room(context, update, chat_id, retry, queued=queued):
        return True  # over the cap: it waits, or the group is told
    rendered = render_screen(screen)
    try:
        await message.reply_text(
            rendered.text,
            reply_markup=rendered.keyboard,
            reply_parameters=ReplyParameters(earlier, allow_sending_without_reply=False),
        )
    except ChatMigrated as exc:  # found out here: the full answer goes to the new id
        await move_group(context.services, chat_id, exc.new_chat_id)
        return False
    except BadRequest as exc:
        # most likely deleted by an admin: answer in full again
        logger.info("earlier answer unavailable", extra={"error": exc.message})
        return False
    return True


# --- questions -------------------------------------------------------------------------


async def answer_question(
    update: Update,
    context: BotContext,
    question: str,
    *,
    explicit: bool,
    reply_to: int | None = None,
    group: GroupSettings | None = None,
    queued: bool = False,
) -> None:
    """Answer briefly; point to an answer given minutes ago; say 'not sure' only if asked.

    `explicit`: /faq or a mention. A mere reply to the bot that finds no clear card gets
    no answer: "thanks!" under an answer is not a question. Over the group's cap the
    question waits its turn in the group's queue; `queued`: this is its turn.
    """
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    services = context.services
    chat_id = services.flood.moved_to(message.chat.id)
    # what runs again when its turn comes (the group's settings read again then)
    retry: Answer = partial(answer_question, question=question, explicit=explicit,
                            reply_to=reply_to)
    viewer = await _viewer(context, chat_id, question, group)
    bot = context.bot
    if not _searchable(question):
        if explicit:
            hint = nothing_to_search_screen(services.catalog, viewer, user.id)
            await _send(context, update, hint, reply_to, retry=retry, queued=queued)
        return
    text = question[:MAX_QUESTION]
    # a reply to one of the bot's answers follows it up ("那德国呢")
    memory = follow_up_memory(context.chat_data, message, bot.bot.id)
    reply = await respond(services, text, viewer, personal=False, memory=memory)
    ref = reply.ref if isinstance(reply, DirectAnswer) else None
    logger.debug("group question", extra={"chat_id": chat_id, "reply": type(reply).__name__,
                                          "best": ref.key if ref else None})
    # a mere reply to the bot is answered only when it clearly asks something
    if not explicit and isinstance(reply, NotSure | Nothing | SmallTalk):
        return
    screen = group_reply_screen(services.catalog, reply, viewer, bot.username, user.id)
    if screen is None:
        return
    aspect = reply.aspect if isinstance(reply, DirectAnswer) else None
    key = answer_key(ref, text, viewer.lang, aspect)
    place = _place(message, chat_id)
    earlier = services.flood.earlier_answer(place, key)
    if earlier is not None:
        pointer = repeat_screen(services.catalog, ref, viewer, bot.username)
        if await _point_to(context, update, pointer, earlier, retry=retry, queued=queued):
            return
        services.flood.forget_answer(place, key)
    sent = await _send(context, update, screen, reply_to, retry=retry, queued=queued)
    if sent is not None:
        services.flood.remember_answer(_place(message, sent.chat.id), key, sent.message_id)
        remember_answer(context.chat_data, sent.message_id, memory)


def answer_key(
    ref: CardRef | None, question: str, lang: Lang, aspect: Aspect | None = None
) -> str:
    """What makes two answers the same: the card and the fact asked (or, unplaced, the
    words) and the language."""
    if ref is not None:
        return f"{ref.key}/{aspect}/{lang}" if aspect is not None else f"{ref.key}/{lang}"
    return "?" + " ".join(clean(question).lower().split()) + f"/{lang}"


async def _menu(update: Update, context: BotContext, reply_to: int | None = None,
                group: GroupSettings | None = None) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    services = context.services
    viewer = await _viewer(context, message.chat.id, group=group)
    await _send(context, update, group_home_screen(services.catalog, viewer, user.id), reply_to)


def _cooling_down(services: Services, message: Message, user: User) -> bool:
    if services.flood.cooling_down(message.chat.id, user.id):
        logger.debug("group cool-down", extra={"chat_id": message.chat.id})
        return True
    return False


async def on_faq(update: Update, context: BotContext) -> None:
    """`/faq <question>`; `/faq` alone shows the platforms, or as a reply answers that message."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    services = context.services
    question = " ".join(context.args or ())
    reply_to = None
    replied = message.reply_to_message
    if not question and replied is not None and replied.text and not _replies_to_bot(
        message, context.bot.bot
    ):
        # "/faq" under someone's question: answer that question, under it
        question, reply_to = replied.text, replied.message_id
    if not question:
        if not _cooling_down(services, message, user):
            await _menu(update, context)
        return
    answer = partial(answer_question, question=question, explicit=True, reply_to=reply_to)
    if await admit_question(update, context, answer):  # else it waits, or gets a note
        await answer(update, context)


async def on_group_menu(update: Update, context: BotContext) -> None:
    """/start or /menu in a group (e.g. right after the bot was added): the platforms."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    if not _cooling_down(context.services, message, user):
        await _menu(update, context)


async def on_group_help(update: Update, context: BotContext) -> None:
    """/help in a group: how to ask here."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    services = context.services
    if _cooling_down(services, message, user):
        return
    viewer = await _viewer(context, message.chat.id)
    screen = group_help_screen(services.catalog, viewer, context.bot.username, user.id)
    await _send(context, update, screen)


async def on_group_message(update: Update, context: BotContext) -> None:
    """A text in a group: answered if it mentions the bot or replies to it, else left alone."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return
    bot = context.bot.bot
    mentioned = mention_question(message, bot)
    if mentioned is None and not _replies_to_bot(message, bot):
        return  # people talking to each other
    services = context.services
    group = await services.groups.get(message.chat.id)
    if group is not None and not group.reply_to_mentions:
        return  # the admins want answers to /faq only
    if mentioned is not None and not mentioned:
        if not _cooling_down(services, message, user):
            await _menu(update, context, group=group)  # "@bot" alone: like /faq alone
        return
    question = message.text if mentioned is None else mentioned
    answer = partial(
        answer_question, question=question, explicit=mentioned is not None, group=group
    )
    if await admit_question(update, context, answer):  # else it waits, or gets a note
        await answer(update, context)


# --- the group menu's buttons ----------------------------------------------------------


async def _edit(context: BotContext, update: Update, screen: Screen) -> None:
    """Redraw the pressed message; in a group a failed edit sends nothing new."""
    query = update.callback_query
    if query is None:
        return
    rendered = render_screen(screen)
    try:
        await query.edit_message_text(rendered.text, reply_markup=rendered.keyboard)
    except ChatMigrated as exc:  # the old group's messages stay as they are
        message = query.message
        if message is not None:
            await move_group(context.services, message.chat.id, exc.new_chat_id)
    except BadRequest as exc:
        if not is_not_modified(exc):
            logger.info("group edit failed", extra={"error": exc.message})


async def _paced(context: BotContext, query: CallbackQuery, chat_id: int) -> bool:
    """Whether the presser has presses left this minute; if not, the press is answered
    with a toast saying to wait (an alert the first time) and nothing else is done."""
    services = context.services
    verdict = services.presses.press(chat_id, query.from_user.id)
    if verdict.press is Press.OK or verdict.until is None:
        return True
    viewer, _ = context.guest_viewer()  # the presser's own language: the toast is theirs
    seconds = max(1, math.ceil((verdict.until - services.clock.now()).total_seconds()))
    await query.answer(MESSAGES.get("group.press.wait", viewer.lang, seconds=seconds),
                       show_alert=verdict.press is Press.WAIT_ALERT)
    logger.debug("group press refused: too many", extra={"chat_id": chat_id})
    return False


async def _room_to_edit(context: BotContext, query: CallbackQuery, chat_id: int) -> bool:
    """Whether the group has room for an edit (edits count in its 20 a minute, and waiting
    questions go first); if not, a toast says to press again later."""
    flood = context.services.flood
    if flood.may_send(flood.moved_to(chat_id)):
        return True
    viewer, _ = context.guest_viewer()
    await query.answer(MESSAGES.get("group.press.busy", viewer.lang))
    logger.debug("group press refused: the group is busy", extra={"chat_id": chat_id})
    return False


async def on_group_button(update: Update, context: BotContext) -> None:
    """A group-menu or group-settings button: only the asker / an admin may change it."""
    query = update.callback_query
    if query is None:
        return
    services = context.services
    presser = query.from_user
    message = query.message if isinstance(query.message, Message) else None
    action = parse_callback(query.data)
    if message is None or not isinstance(action, GroupNav | GroupOption):
        viewer, _ = context.guest_viewer()
        await query.answer(MESSAGES.get("group.expired", viewer.lang))
        return
    if isinstance(action, GroupOption):
        await _on_option(update, context, message, action)
        return
    if presser.id != action.asker:
        # the presser's own language: the toast is for them
        viewer, _ = context.guest_viewer()
        await query.answer(MESSAGES.get("group.only_asker", viewer.lang))
        return
    chat_id = message.chat.id
    group = await services.groups.get(chat_id)
    viewer = await _viewer(context, chat_id, group=group)
    screen = group_screen_for(
        services.catalog, action.target, viewer, context.bot.username, action.asker
    )
    if screen is None:
        await query.answer(MESSAGES.get("group.expired", viewer.lang))
        return
    if not await _paced(context, query, chat_id) or not await _room_to_edit(
        context, query, chat_id
    ):
        return
    await query.answer()
    await _edit(context, update, screen)
    target = action.target
    key = answer_key(target.ref, "", viewer.lang) if isinstance(target, GroupCard) else None
    services.flood.message_changed(_place(message), message.message_id, key)


# --- settings (admins) -----------------------------------------------------------------


async def on_settings(update: Update, context: BotContext) -> None:
    """/settings in a group: the admins set the answer language and mention replies."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    services = context.services
    if _cooling_down(services, message, user):
        return  # a member's repeated taps: not a getChatMember and a refusal each
    chat = message.chat
    group = await services.groups.get(chat.id) or GroupSettings.defaults(chat.id)
    viewer = await _viewer(context, chat.id, group=group)
    if not await is_admin(context, chat, user, message):
        refusal = Screen(
            title=MESSAGES.get("group.settings.title", viewer.lang),
            lines=(),
        ).with_note(MESSAGES.get("group.settings.admins_only", viewer.lang))
        await _send(context, update, refusal)
        return
    await _send(context, update, group_settings_screen(group, viewer.lang))


async def _on_option(
    update: Update, context: BotContext, message: Message, option: GroupOption
) -> None:
    """A settings button: a member is told it is for admins (a toast, nothing in the
    group); an admin's choice is saved and the settings message redrawn."""
    query = update.callback_query
    if query is None:
        return
    services = context.services
    chat = message.chat
    presser = query.from_user
    if not await _paced(context, query, chat.id):
        return  # pressed again and again: not even an admin check
    if not await is_admin(context, chat, presser):
        viewer, _ = context.guest_viewer()
        await query.answer(MESSAGES.get("group.settings.admins_only", viewer.lang))
        return
    if not await _room_to_edit(context, query, chat.id):
        return
    await query.answer()
    if option.name == "lang":
        lang = None if option.value == "auto" else option.value
        group = await services.groups.set_lang(chat.id, lang)
    else:
        group = await services.groups.set_reply_to_mentions(chat.id, option.value == "on")
    logger.info("group settings changed", extra={"chat_id": chat.id, "option": option.name})
    viewer = await _viewer(context, chat.id, group=group)
    screen = group_settings_screen(group, viewer.lang).with_note(
        MESSAGES.get("group.settings.saved", viewer.lang)
    )
    await _edit(context, update, screen)


# --- case commands, migration ----------------------------------------------------------


async def on_case_command(update: Update, context: BotContext) -> None:
    """/track, /cases, /mydata, /forget, /quiet in a group: a link to the private chat only."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or not message.text:
        return
    services = context.services
    if _cooling_down(services, message, user):
        return
    command = message.text.split()[0].lstrip("/").split("@")[0].lower()
    viewer = await _viewer(context, message.chat.id)
    await _send(context, update, private_only_screen(command, viewer.lang, context.bot.username))


async def on_migrate(update: Update, context: BotContext) -> None:
    """A group became a supergroup (a new chat id): its settings, and the questions waiting
    for an answer there, move with it."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id is not None:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    # both messages arrive (one in each chat); the second finds nothing left to move
    await move_group(context.services, old, new)
