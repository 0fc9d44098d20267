"""Operator commands in the terminal: answer a question, validate the knowledge files,
list what users miss and what they report."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from knowledge.answer import DirectAnswer
from knowledge.card import build_card, title_for
from knowledge.catalog import (
    DATA_DIR,
    Catalog,
    CatalogError,
    aspect_coverage,
    load_catalog,
    walk_sourced,
)
from knowledge.i18n import LABELS
from knowledge.reply import CheckedAnswer, Responder
from knowledge.schema import Lang, SourceKind
from knowledge.sourcing import quote_problems, quoted_facts, strength_of
from knowledge.wording import word_reply
from storage.db import Database, DatabaseError
from storage.feedback import RETENTION_DAYS as FEEDBACK_DAYS
from storage.feedback import FeedbackStore
from storage.misses import (
    MIN_SENDERS,
    RETENTION_DAYS,
    MissCount,
    MissKind,
    MissStore,
    MissSummary,
)

if TYPE_CHECKING:  # bot.core imports telegram, which only the commands that need it load
    from bot.core.config import Settings
    from bot.core.feedback import FeedbackReport

EXIT_OK = 0
EXIT_BROKEN = 1
EXIT_USAGE = 2

_CJK = re.compile(r"[\u3400-\u9fff]")


def guess_lang(text: str) -> Lang:
    """Answer in the language the question was asked in."""
    return "zh" if _CJK.search(text) else "en"


def answer(
    responder: Responder,
    question: str,
    *,
    lang: Lang,
    zone: ZoneInfo,
    now: datetime,
    full: bool = False,
    after: Sequence[str] = (),
) -> str:
    """The plain-text answer the terminal prints: the reply a chat would get first.

    It comes from the answering path every front end shares (knowledge.reply), so what
    the terminal prints is what Telegram shows. `full` adds the whole card after it.
    `after` are earlier messages of the same conversation, asked first (a follow-up
    such as "那德国呢" is answered as the private chat would answer it).
    """
    catalog = responder.catalog
    state = None
    for earlier in after:
        state = responder.converse(earlier, state, lang=guess_lang(earlier), user_zone=zone,
                                   now=now).state
    reply = responder.converse(question, state, lang=lang, user_zone=zone, now=now).reply
    text = word_reply(reply, catalog, lang=lang, user_zone=zone, now=now).plain_text()
    answered = reply.answer if isinstance(reply, CheckedAnswer) else reply
    if isinstance(answered, DirectAnswer) and answered.ref is not None:
        if full:
            card = build_card(catalog, answered.ref, lang=lang, user_zone=zone, now=now)
            if card is not None:
                text += "\n" + card.plain_text()
        others = [ref for ref in answered.suggestions if ref != answered.ref][:3]
        if others:
            text += "\n" + LABELS.get("search.also", lang) + "\n"
            text += "".join(f"• {title_for(catalog, ref, lang)}\n" for ref in others)
    return text


def run_ask(
    question: str,
    lang: Lang | None,
    zone_name: str,
    out: TextIO | None = None,
    err: TextIO | None = None,
    *,
    full: bool = False,
    after: Sequence[str] = (),
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    question = question.strip()
    lang = lang or guess_lang(question)
    if not question:
        print(LABELS.get("ask.empty", lang), file=err)
        return EXIT_USAGE
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        print(LABELS.get("ask.bad_zone", lang, zone=zone_name), file=err)
        return EXIT_USAGE
    try:
        catalog = load_catalog()
    except CatalogError as exc:
        print(f"knowledge files are broken: {exc}", file=err)
        return EXIT_BROKEN
    out.write(answer(Responder(catalog), question, lang=lang, zone=zone, now=datetime.now(UTC),
                     full=full, after=after))
    return EXIT_OK


def coverage(catalog: Catalog) -> tuple[list[str], int]:
    """The summary `check` prints, and how many problems it found: facts without a
    source, facts that answer no aspect, figures without a quote (outside a platform
    marked `quotes_pending`) and quotes that are wrong — all must be 0."""
    lines = []
    kinds: Counter[str] = Counter()
    facts = unsourced = schedules = phones = 0
    strengths: dict[str, Counter[str]] = {}
    quote_lines: list[str] = []
    pending_lines: list[str] = []
    quote_errors = figures = quoted = 0
    for platform in catalog.platforms.values():
        roles = ", ".join(
            f"{r.id} ({len(r.issues)} issues: {', '.join(i.id for i in r.issues)})"
            for r in platform.roles
        )
        lines.append(f"platform {platform.id}: roles {roles}")
        lines.append(f"  sites: {', '.join(s.id for s in platform.sites) or '-'}")
        lines.append(f"  channels: {', '.join(c.id for c in platform.channels)}")
        lines.append(
            f"  templates: {len(platform.templates)}, holidays: {len(platform.holidays)}, "
            f"discrepancies recorded: {len(platform.discrepancies)}"
        )
        own_phones = sum(len(c.phones) for c in platform.channels)
        own_schedules = sum(len(c.hours) for c in platform.channels)
        for channel in platform.channels:
            kinds[channel.kind.value] += 1
        own_facts = own_unsourced = 0
        per_kind = strengths.setdefault(platform.id, Counter())
        for _path, obj, inherited in walk_sourced(platform):
            own_facts += 1
            if not obj.sources and not inherited:
                own_unsourced += 1
            kind = strength_of(catalog, obj.sources or inherited)
            per_kind[kind.value if kind is not None else "none"] += 1
        wrong, missing = quote_problems(catalog, platform)
        for fact in quoted_facts(platform):
            if fact.needs_quote:
                figures += 1
                quoted += fact.item.quote is not None
        quote_lines += [f"  {p}" for p in wrong]
        quote_errors += len(wrong)
        if platform.quotes_pending:
            pending_lines += [f"  {platform.id}.yaml: {path}" for path in missing]
        else:
            quote_lines += [f"  {platform.id}.yaml: {path}: states a figure without a quote"
                            for path in missing]
            quote_errors += len(missing)
        cards = sum(len(r.issues) for r in platform.roles)
        lines.append(
            f"  coverage: cards {cards}, phone numbers {own_phones}, schedules {own_schedules}, "
            f"facts {own_facts}, facts without a source {own_unsourced}"
        )
        phones += own_phones
        schedules += own_schedules
        facts += own_facts
        unsourced += own_unsourced
    issues = sum(1 for _ in catalog.card_refs())
    lines.append(f"cards (platform·role·issue): {issues}")
    lines.append("channel kinds: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    lines.append(f"phone numbers: {phones}, schedules: {schedules}")
    lines.append(
        f"sources: {len(catalog.sources)} "
        f"(last checked {max(s.checked for s in catalog.sources.values())})"
    )
    lines.append(f"facts: {facts}, facts without a source: {unsourced}")
    aspects = aspect_coverage(catalog)
    lines.append("facts per aspect (what a question can ask):")
    for platform_id, counts in aspects.counts.items():
        row = ", ".join(f"{a.value} {n}" for a, n in counts.items())
        lines.append(f"  {platform_id}: {row}")
    lines.append(f"facts that answer no aspect: {len(aspects.unanswered)}")
    lines += [f"  {f.platform}.yaml: {f.path}" for f in aspects.unanswered]
    lines.append("facts per kind of their strongest source (official, guide, community):")
    for platform_id, per_kind in strengths.items():
        row = ", ".join(f"{k.value} {per_kind[k.value]}" for k in SourceKind)
        lines.append(f"  {platform_id}: {row}")
    lines.append(f"facts that state a figure: {figures}, with their quote: {quoted}")
    lines.append(f"quote problems: {quote_errors}")
    lines += quote_lines
    if pending_lines:
        lines.append(
            f"figures still without a quote, in files marked quotes_pending: {len(pending_lines)}"
        )
        lines += pending_lines
    return lines, unsourced + len(aspects.unanswered) + quote_errors


def run_check(
    out: TextIO | None = None, err: TextIO | None = None, data_dir: Path = DATA_DIR
) -> int:
    """Validate the knowledge files; exit 1 on a broken file, an unsourced fact, or a
    fact that answers no aspect (a question could never reach it)."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        catalog = load_catalog(data_dir)
    except CatalogError as exc:
        print(f"knowledge files are broken: {exc}", file=err)
        return EXIT_BROKEN
    lines, problems = coverage(catalog)
    out.write("\n".join(["knowledge files: " + ", ".join(catalog.files), *lines]) + "\n")
    return EXIT_OK if problems == 0 else EXIT_BROKEN


# --- misses -----------------------------------------------------------------------------

MISSES_LIMIT = 20


def misses_report(top: list[MissCount], summary: MissSummary, days: int = RETENTION_DAYS) -> str:
    """What `python -m bot misses` prints: totals by kind and platform, then the top list."""
    kinds = ", ".join(f"{k.value} {summary.by_kind.get(k, 0)}" for k in MissKind)
    lines = [f"misses in the last {days} days: {summary.total} ({kinds})"]
    if summary.by_platform:
        platforms = sorted(summary.by_platform.items(), key=lambda kv: (-kv[1], kv[0]))
        lines.append("uncovered platforms: " + ", ".join(f"{p} {n}" for p, n in platforms))
    if summary.hidden:
        lines.append(f"{summary.hidden} of them only counted: their text was asked by fewer "
                     f"than {MIN_SENDERS} people on any one day")
    if not summary.total:
        lines.append("no misses recorded")
    for miss in top:
        what = miss.kind.value + (f" {miss.platform}" if miss.platform else "")
        lines.append(f"{miss.count:6d}  {what:<22} {miss.text}  (last {miss.last_day})")
    return "\n".join(lines) + "\n"


async def _read_misses(path: Path, limit: int) -> tuple[list[MissCount], MissSummary]:
    db = await Database.open(path)
    try:
        store = MissStore(db)
        return await store.top(limit), await store.summary()
    finally:
        await db.close()


def _recorded(err: TextIO) -> Settings | int:
    """The settings, when their database exists (reading must not create one); else
    what to exit with, the reason said on `err`."""
    from bot.core.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        print(exc, file=err)
        return ConfigError.EXIT_CODE
    if not settings.db.is_file():  # reading must not create a database
        print(f"no database at {settings.db}: nothing recorded yet", file=err)
        return EXIT_BROKEN
    return settings


def run_misses(
    limit: int = MISSES_LIMIT, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Print the most frequent misses of the last 30 days from the database (BOT_DB)."""
    out = out or sys.stdout
    err = err or sys.stderr
    if limit < 1:
        print("the number of misses to show must be at least 1", file=err)
        return EXIT_USAGE
    settings = _recorded(err)
    if isinstance(settings, int):
        return settings
    try:
        top, summary = asyncio.run(_read_misses(settings.db, limit))
    except (DatabaseError, sqlite3.Error, OSError) as exc:
        print(f"cannot read misses: {exc}", file=err)
        return EXIT_BROKEN
    out.write(misses_report(top, summary))
    return EXIT_OK


# --- feedback -----------------------------------------------------------------------------


def feedback_report_text(report: FeedbackReport) -> str:
    """What `python -m bot feedback` prints: every answer voted on, most 👎 first, with its
    reasons, facts and sources; 👍 rates; reported reply times."""
    up = sum(a.up for a in report.answers)
    down = sum(a.negative for a in report.answers)
    lines = [f"votes in the last {report.days} days: {up} up, {down} down"]
    if report.overflow:
        folded = ", ".join(f"{v.value} {n}" for v, n in report.overflow.most_common())
        lines.append(f"past the daily cap, for no answer: {folded}")
    if not report.answers:
        lines.append("no votes recorded")
    for answer in report.answers:
        key = answer.answer
        where = ".".join(x for x in (key.platform, key.role, key.issue, key.site) if x)
        reasons = ", ".join(f"{v.value} {n}" for v, n in answer.down.most_common()) or "-"
        lines.append(f"{answer.negative:6d} down {answer.up:6d} up  {where} "
                     f"{key.aspect or '(card)'}: {reasons}")
        if answer.facts:
            lines.append(f"{'':14}facts: {', '.join(answer.facts)}")
        if answer.sources:
            lines.append(f"{'':14}sources: {', '.join(s.id for s in answer.sources)}")
    if report.rates:
        lines.append("up rate by platform and aspect:")
    for rate in report.rates:
        lines.append(f"  {rate.platform} {rate.aspect or '(card)'}: "
                     f"{100 * rate.up / rate.total:.0f}% ({rate.up}/{rate.total})")
    lines.append(f"reply times users report (median, cases; last {report.days} days):")
    if not report.reply_times:
        lines.append("  none")
    for stat in report.reply_times:
        where = " ".join(x for x in (stat.platform, stat.role, stat.channel, stat.site) if x)
        lines.append(f"  {where}: {stat.median_hours} h ({stat.count})")
    return "\n".join(lines) + "\n"


async def _read_feedback(path: Path, catalog: Catalog, days: int) -> FeedbackReport:
    from bot.core.feedback import feedback_report

    db = await Database.open(path)
    try:
        return await feedback_report(FeedbackStore(db), catalog, datetime.now(UTC), days)
    finally:
        await db.close()


def run_feedback(
    days: int = FEEDBACK_DAYS, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Print what users reported over the last `days` days from the database (BOT_DB)."""
    out = out or sys.stdout
    err = err or sys.stderr
    if not 1 <= days <= FEEDBACK_DAYS:
        print(f"--days is 1 to {FEEDBACK_DAYS} (reports are kept {FEEDBACK_DAYS} days)", file=err)
        return EXIT_USAGE
    settings = _recorded(err)
    if isinstance(settings, int):
        return settings
    try:
        catalog = load_catalog(settings.knowledge_dir or DATA_DIR)
    except CatalogError as exc:
        print(f"knowledge files are broken: {exc}", file=err)
        return EXIT_BROKEN
    try:
        report = asyncio.run(_read_feedback(settings.db, catalog, days))
    except (DatabaseError, sqlite3.Error, OSError) as exc:
        print(f"cannot read feedback: {exc}", file=err)
        return EXIT_BROKEN
    out.write(feedback_report_text(report))
    return EXIT_OK
