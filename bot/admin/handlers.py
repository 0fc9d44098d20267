"""Operator commands in a private chat, for BOT_ADMINS only: /stats, /misses, /feedback
and /reload.

Anyone else gets exactly what an unknown command gets (a pointer to /help): the bot
does not advertise that operator commands exist. There is deliberately no /broadcast.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram import Update

from bot.core.context import BotContext
from bot.core.feedback import FeedbackReport, feedback_report
from bot.core.services import Services, miss_vocabulary
from bot.core.texts import MESSAGES
from bot.infra.metrics import REMINDER_WINDOW, LastError, Metrics, metrics_of
from knowledge.card import title_for
from knowledge.catalog import DATA_DIR, CardRef, Catalog, CatalogError, load_catalog
from knowledge.i18n import LABELS
from knowledge.reply import Responder
from knowledge.schema import Lang
from storage.feedback import AnswerKey, VoteKind
from storage.misses import MIN_SENDERS, RETENTION_DAYS, MissCount, MissKind, MissSummary

logger = logging.getLogger(__name__)

ACTIVE_WINDOW = timedelta(days=7)
# /misses lists at most this many; `python -m bot misses --limit N` shows more
MISSES_SHOWN = 20
# and stops earlier rather than pass Telegram's 4096 characters (each text is ≤ 200)
MISSES_MAX_CHARS = 3500
# /feedback lists this many answers, rates and reply times; the terminal has all of them
FEEDBACK_SHOWN = 10
FEEDBACK_FACTS_SHOWN = 4  # fact paths named per answer
# the answers stop here, so that rates and reply times fit in Telegram's 4096 characters
FEEDBACK_ANSWERS_MAX_CHARS = 2500


@dataclass(frozen=True)
class Stats:
    users: int
    active_users: int
    open_cases: int
    overdue_cases: int
    reminders_sent: int
    reminders_failed: int
    # the reminder counts cover this long: 24 h, or less if the bot started since
    reminder_window: timedelta
    updates: int
    errors: int
    uptime: timedelta
    last_error: LastError | None
    platforms: int
    cards: int


async def collect_stats(services: Services, metrics: Metrics) -> Stats:
    """Counts from the database and the running bot's metrics."""
    now = services.clock.now()
    sent, failed = metrics.reminders_in_window()
    uptime = metrics.uptime()
    return Stats(
        users=await services.users.count_users(),
        active_users=await services.users.count_active_since(now - ACTIVE_WINDOW),
        open_cases=await services.cases.count_open(),
        overdue_cases=await services.cases.count_overdue(now),
        reminders_sent=sent,
        reminders_failed=failed,
        reminder_window=min(uptime, REMINDER_WINDOW),
        updates=sum(metrics.updates.values()),
        errors=sum(metrics.errors.values()),
        uptime=uptime,
        last_error=metrics.last_error,
        platforms=len(services.catalog.platforms),
        cards=len(services.search.refs),
    )


def duration_text(delta: timedelta, lang: Lang) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    return MESSAGES.get("admin.duration", lang, days=days, hours=hours, minutes=minutes)


def stats_text(stats: Stats, lang: Lang, zone: ZoneInfo) -> str:
    """The /stats reply, plain text (the caller escapes it); times in the admin's zone."""
    if stats.reminder_window >= REMINDER_WINDOW:
        window = MESSAGES.get("admin.stats.last_24h", lang)
    else:
        window = MESSAGES.get("admin.stats.since_start", lang)
    text = MESSAGES.get(
        "admin.stats",
        lang,
        users=stats.users,
        active=stats.active_users,
        open=stats.open_cases,
        overdue=stats.overdue_cases,
        window=window,
        sent=stats.reminders_sent,
        failed=stats.reminders_failed,
        updates=stats.updates,
        errors=stats.errors,
        uptime=duration_text(stats.uptime, lang),
        platforms=stats.platforms,
        cards=stats.cards,
    )
    error = stats.last_error
    if error is None:
        text += "\n" + MESSAGES.get("admin.stats.no_error", lang)
    else:
        at = error.at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
        text += "\n" + MESSAGES.get(
            "admin.stats.last_error", lang, at=at, where=error.where,
            error=error.error, detail=error.detail or "-",
        )
    return text


async def stats_command(update: Update, context: BotContext) -> None:
    """/stats: users, cases, reminders, errors — from the database and the metrics."""
    services = context.services
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    viewer = context.viewer
    stats = await collect_stats(services, metrics_of(context))
    text = stats_text(stats, viewer.lang, viewer.zone)
    await message.reply_text(html.escape(text))


def _platform_name(catalog: Catalog, platform: str, lang: Lang) -> str:
    """An uncovered platform's name from platform_names.yaml; its id if the file lost it."""
    for known in catalog.known_platforms:
        if known.id == platform:
            return known.name.get(lang)
    return platform


def misses_text(
    top: list[MissCount], summary: MissSummary, catalog: Catalog, lang: Lang
) -> str:
    """The /misses reply, plain text (the caller escapes it): totals, then the top misses.

    `top` may hold one more than MISSES_SHOWN: then the reply says there are more.
    """
    lines = [
        MESSAGES.get(
            "admin.misses", lang, days=RETENTION_DAYS, total=summary.total,
            not_sure=summary.by_kind.get(MissKind.NOT_SURE, 0),
            uncovered=summary.by_kind.get(MissKind.UNCOVERED, 0),
        )
    ]
    if summary.by_platform:
        ranked = sorted(summary.by_platform.items(), key=lambda item: (-item[1], item[0]))
        platforms = ", ".join(f"{_platform_name(catalog, p, lang)} {n}" for p, n in ranked)
        lines.append(MESSAGES.get("admin.misses.platforms", lang, platforms=platforms))
    if summary.hidden:
        lines.append(MESSAGES.get("admin.misses.hidden", lang, hidden=summary.hidden,
                                  senders=MIN_SENDERS))
    if not top:
        if not summary.total:
            lines.append(MESSAGES.get("admin.misses.none", lang))
        return "\n".join(lines)
    lines.append("")
    shown = 0
    for miss in top[:MISSES_SHOWN]:
        if miss.platform:
            what = _platform_name(catalog, miss.platform, lang)
        else:
            what = MESSAGES.get("admin.misses.not_sure", lang)
        line = MESSAGES.get("admin.misses.line", lang, count=miss.count, text=miss.text, what=what)
        if sum(len(x) + 1 for x in (*lines, line)) > MISSES_MAX_CHARS:
            break
        lines.append(line)
        shown += 1
    if shown < len(top):  # cut by MISSES_SHOWN or by length: the terminal has the rest
        lines.append(MESSAGES.get("admin.misses.more", lang, shown=shown))
    return "\n".join(lines)


async def misses_command(update: Update, context: BotContext) -> None:
    """/misses: what users asked that the bot could not answer, last 30 days (anonymous)."""
    services = context.services
    message = update.effective_message
    if message is None:
        return
    viewer = context.viewer
    # one more than shown: whether there are more to point to
    top = await services.misses.top(MISSES_SHOWN + 1)
    summary = await services.misses.summary()
    text = misses_text(top, summary, services.catalog, viewer.lang)
    await message.reply_text(html.escape(text))


def answer_title(catalog: Catalog, key: AnswerKey, lang: Lang) -> str:
    """'亚马逊 · 买家 · 日本 — 客服电话': the card and what was asked."""
    ref = CardRef(key.platform, key.role, key.issue, key.site or None)
    title = title_for(catalog, ref, lang) if catalog.resolve(ref) is not None else ref.key
    if not key.aspect:
        return title
    return f"{title} — {LABELS.get(f'answer.aspect.{key.aspect}', lang)}"


def _reasons(down: Counter[VoteKind], lang: Lang) -> str:
    return ", ".join(f"{_reason(vote, lang)} {n}" for vote, n in down.most_common())


def _reason(vote: VoteKind, lang: Lang) -> str:
    if vote is VoteKind.DOWN:
        return MESSAGES.get("admin.feedback.no_reason", lang)
    return MESSAGES.get(f"feedback.reason.{vote.value}", lang)


def feedback_text(report: FeedbackReport, catalog: Catalog, lang: Lang) -> str:
    """The /feedback reply, plain text (the caller escapes it)."""
    up = sum(a.up for a in report.answers)
    down = sum(a.negative for a in report.answers)
    lines = [MESSAGES.get("admin.feedback", lang, days=report.days, up=up, down=down)]
    if report.overflow:
        lines.append(MESSAGES.get("admin.feedback.overflow",
                                  lang, count=sum(report.overflow.values())))
    disliked = [a for a in report.answers if a.negative]
    if disliked:
        lines += ["", MESSAGES.get("admin.feedback.worst", lang)]
    for shown, answer in enumerate(disliked):
        block = [MESSAGES.get("admin.feedback.answer", lang, down=answer.negative,
                              title=answer_title(catalog, answer.answer, lang),
                              reasons=_reasons(answer.down, lang))]
        if answer.facts:
            facts = ", ".join(answer.facts[:FEEDBACK_FACTS_SHOWN])
            if len(answer.facts) > FEEDBACK_FACTS_SHOWN:
                facts += " …"
            block.append(MESSAGES.get("admin.feedback.facts", lang, facts=facts))
        if answer.sources:
            sources = " · ".join(s.id for s in answer.sources)
            block.append(MESSAGES.get("admin.feedback.sources", lang, sources=sources))
        # the rates and reply times still to come need room too: the terminal has the rest
        if (shown == FEEDBACK_SHOWN
                or sum(len(x) + 1 for x in (*lines, *block)) > FEEDBACK_ANSWERS_MAX_CHARS):
            lines.append(MESSAGES.get("admin.feedback.more", lang, shown=shown))
            break
        lines += block
    if report.rates:
        lines += ["", MESSAGES.get("admin.feedback.rates", lang)]
    for rate in sorted(report.rates, key=lambda r: (-r.total, r.platform, r.aspect))[
            :FEEDBACK_SHOWN]:
        aspect = (LABELS.get(f"answer.aspect.{rate.aspect}", lang) if rate.aspect
                  else MESSAGES.get("admin.feedback.card", lang))
        lines.append(MESSAGES.get("admin.feedback.rate", lang, platform=rate.platform,
                                  aspect=aspect, percent=round(100 * rate.up / rate.total),
                                  up=rate.up, total=rate.total))
    lines += ["", MESSAGES.get("admin.feedback.reply_times", lang)]
    if not report.reply_times:
        lines.append(MESSAGES.get("admin.feedback.no_reply_times", lang))
    for stat in report.reply_times[:FEEDBACK_SHOWN]:
        where = " · ".join(x for x in (stat.platform, stat.role, stat.channel, stat.site) if x)
        lines.append(MESSAGES.get("admin.feedback.reply_time", lang, where=where,
                                  hours=stat.median_hours, count=stat.count))
    if not report.answers:
        lines.insert(1, MESSAGES.get("admin.feedback.none", lang))
    return "\n".join(lines)


async def feedback_command(update: Update, context: BotContext) -> None:
    """/feedback: the answers users voted down and why, 👍 rates, reported reply times."""
    services = context.services
    message = update.effective_message
    if message is None:
        return
    viewer = context.viewer
    report = await feedback_report(services.feedback, services.catalog, viewer.now)
    text = feedback_text(report, services.catalog, viewer.lang)
    await message.reply_text(html.escape(text))


async def reload_command(update: Update, context: BotContext) -> None:
    """/reload: read the knowledge files again; a broken file keeps the catalog in use."""
    services = context.services
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    viewer = context.viewer
    data_dir = services.settings.knowledge_dir or DATA_DIR
    try:
        # off the event loop: reading and indexing take a moment, updates keep flowing
        catalog = await asyncio.to_thread(load_catalog, data_dir)
        responder = await asyncio.to_thread(Responder, catalog)
        vocabulary = await asyncio.to_thread(miss_vocabulary, catalog)
    except CatalogError as exc:
        logger.warning(
            "reload failed, catalog kept",
            extra={"user_id": user.id, "file": exc.file, "path": exc.path, "error": exc.problem},
        )
        text = MESSAGES.get(
            "admin.reload.failed", viewer.lang,
            file=exc.file, path=exc.path or "-", problem=exc.problem,
        )
        await message.reply_text(html.escape(text))
        return
    # one swap: no handler sees a catalog with another's index
    services.responder = responder
    services.misses.vocabulary = vocabulary  # what a stored miss may keep
    logger.info(
        "knowledge reloaded",
        extra={"user_id": user.id, "platforms": len(catalog.platforms),
               "cards": len(responder.index.refs)},
    )
    text = MESSAGES.get(
        "admin.reload.done", viewer.lang,
        platforms=len(catalog.platforms), cards=len(responder.index.refs),
        files=", ".join(catalog.files),
    )
    await message.reply_text(html.escape(text))

