"""Operator commands in the terminal: answer a question, validate the knowledge files."""

from __future__ import annotations

import re
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from knowledge.answer import direct_answer
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
from knowledge.schema import Lang
from knowledge.search import SearchIndex

EXIT_OK = 0
EXIT_BROKEN = 1
EXIT_USAGE = 2

_CJK = re.compile(r"[\u3400-\u9fff]")


def guess_lang(text: str) -> Lang:
    """Answer in the language the question was asked in."""
    return "zh" if _CJK.search(text) else "en"


def answer(
    catalog: Catalog,
    index: SearchIndex,
    question: str,
    *,
    lang: Lang,
    zone: ZoneInfo,
    now: datetime,
    full: bool = True,
) -> str:
    """The plain-text answer the terminal prints: the asked fact first, then the card.

    The direct answer (knowledge.answer) leads when the question asks for a fact; the
    whole card follows unless `full` is False. Not understood: 'not sure' + suggestions.
    """
    direct = direct_answer(catalog, index, question, lang=lang, user_zone=zone, now=now)
    result = index.search(question)
    if direct.ref is None:
        lines = [LABELS.get("search.not_sure", lang)]
        lines += [f"• {title_for(catalog, m.ref, lang)}" for m in result.matches]
        return "\n".join(lines) + "\n"
    text = direct.plain_text() + "\n" if direct.lines else ""
    if full or not direct.lines:
        card = build_card(catalog, direct.ref, lang=lang, user_zone=zone, now=now)
        if card is None:  # the index and catalog come from the same load: cannot happen
            raise RuntimeError(f"search returned an unknown card {direct.ref.key}")
        text += card.plain_text()
    others = [m for m in result.matches if m.ref != direct.ref][:3]
    if others:
        text += "\n" + LABELS.get("search.also", lang) + "\n"
        text += "".join(f"• {title_for(catalog, m.ref, lang)}\n" for m in others)
    return text


def run_ask(
    question: str,
    lang: Lang | None,
    zone_name: str,
    out: TextIO | None = None,
    err: TextIO | None = None,
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
    index = SearchIndex(catalog)
    out.write(answer(catalog, index, question, lang=lang, zone=zone, now=datetime.now(UTC)))
    return EXIT_OK


def coverage(catalog: Catalog) -> tuple[list[str], int]:
    """The summary `check` prints, and how many facts have no source or answer no
    aspect (both must be 0)."""
    lines = []
    kinds: Counter[str] = Counter()
    facts = unsourced = schedules = phones = 0
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
        for channel in platform.channels:
            kinds[channel.kind.value] += 1
            phones += len(channel.phones)
            schedules += len(channel.hours)
        for _path, obj, inherited in walk_sourced(platform):
            facts += 1
            if not obj.sources and not inherited:
                unsourced += 1
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
    return lines, unsourced + len(aspects.unanswered)


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
