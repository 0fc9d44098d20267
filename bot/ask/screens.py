"""Replies to typed questions as screens: the fact asked first, and what else to tap.

The answering path (`knowledge.reply`) decides what to say and `knowledge.wording` words
it; this module only adds the private chat's buttons (and 👍 / 👎, a small last row) and,
under a reply time, what users reported (looked up by the handler and passed in).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from bot.ask.callbacks import REASONS, AnswerFor, Vote
from bot.core.callbacks import CallbackTooLong
from bot.core.nav import Home, OpenCard, OpenGuide, OpenMenu, TrackCase
from bot.core.screens import SITES_PER_ROW, card_screen, home_screen, platform_rows
from bot.core.ui import Button, Row, Screen, Viewer, in_rows, msg
from knowledge.answer import DirectAnswer
from knowledge.card import Line, title_for
from knowledge.catalog import CardRef, Catalog
from knowledge.platforms import UncoveredPlatform
from knowledge.reply import CheckedAnswer, Nothing, NotSure, Reply
from knowledge.schema import Aspect, Lang
from knowledge.wording import coverage_notices, word_reply
from storage.feedback import RETENTION_DAYS, ReplyTimeStat, VoteKind

logger = logging.getLogger(__name__)
REASONS_PER_ROW = 2


def reply_screen(
    catalog: Catalog, reply: Reply, viewer: Viewer, reported: ReplyTimeStat | None = None
) -> Screen:
    """Whatever the answering path replied, as the private chat shows it.

    `reported` is what users reported for a reply-time answer's channel (enough of them).
    """
    lang = viewer.lang
    match reply:
        case Nothing():
            return nothing_to_search_screen(catalog, lang)
        case NotSure(suggestions=suggestions):
            return not_sure_screen(catalog, suggestions, lang)
        case DirectAnswer(ref=ref, aspect=None) if ref is not None:
            screen = card_screen(catalog, ref, viewer, related=reply.suggestions[1:])
            if screen is None:
                return not_sure_screen(catalog, reply.suggestions, lang)
            notices = coverage_notices(catalog, reply, lang)
            if notices:
                screen = replace(screen, lines=(*notices, *screen.lines))
            return with_votes(screen, ref, None, lang)
        case DirectAnswer():
            return answer_screen(catalog, reply, viewer, reported)
        case CheckedAnswer(answer=answer):
            return answer_screen(catalog, answer, viewer, reported, reply)
        case UncoveredPlatform():
            # every platform that is covered, as buttons
            return _worded(catalog, reply, viewer, platform_rows(catalog, lang, OpenMenu, None))
    return _worded(catalog, reply, viewer, home_screen(catalog, lang).buttons)


def answer_screen(
    catalog: Catalog, answer: DirectAnswer, viewer: Viewer, reported: ReplyTimeStat | None = None,
    reply: Reply | None = None,
) -> Screen:
    """The fact asked, in a few lines; the full guide, every part, other sites, track, and
    👍 / 👎 last.

    `reply` is what to word when it is more than the answer (the answer and the check of
    a number or link in the question)."""
    ref = answer.ref
    if ref is None:
        return not_sure_screen(catalog, answer.suggestions, viewer.lang)
    lang = viewer.lang
    if reported is not None and answer.lines:
        # users' figure goes among the guide's lines: "all of the above is from a guide"
        # would no longer be true, so each note stays on its line
        answer = answer.notes_on_lines()
        if isinstance(reply, CheckedAnswer):
            reply = replace(reply, answer=answer)
    worded = word_reply(reply or answer, catalog, lang=lang, user_zone=viewer.zone,
                        now=viewer.now)
    lines = worded.lines
    if reported is not None and answer.lines:
        channel = catalog.channel(reported.platform, reported.channel)
        name = channel.name.get(lang) if channel is not None else None
        lines = _with_reported(lines, reported, name, lang)
    rows: list[Row] = [(Button(msg("button.guide", lang), OpenGuide(ref)),
                        Button(msg("button.parts", lang), OpenCard(ref)))]
    platform = catalog.platform(ref.platform)
    if answer.aspect is not None and platform is not None and answer.sites:
        names = {s.id: s.name.get(lang) for s in platform.sites}
        sites = [Button(names[s], AnswerFor(replace(ref, site=s), answer.aspect))
                 for s in answer.sites if s in names]
        rows.extend(in_rows(sites, SITES_PER_ROW))
    if answer.aspect is not None and answer.platform_guessed:
        # the same question of the other platforms, a tap away
        others = [Button(p.name.get(lang), AnswerFor(general, answer.aspect))
                  for p in catalog.platforms.values() if p.id != ref.platform
                  if (general := catalog.general_ref(p.id)) is not None]
        rows.extend(in_rows(others, SITES_PER_ROW))
    rows.append((Button(msg("button.track", lang), TrackCase(ref)),))
    rows.append((Button(msg("button.home", lang), Home()),))
    screen = Screen(title=worded.title, lines=lines, buttons=tuple(rows))
    return with_votes(screen, ref, answer.aspect, lang)


def _with_reported(
    lines: tuple[Line, ...], reported: ReplyTimeStat, channel_name: str | None, lang: Lang
) -> tuple[Line, ...]:
    """The users' median right under the guide's figure for that channel: after the line
    that names the channel (else the first line) and the lines that belong to it."""
    top = lines[0].indent
    start = next((i for i, line in enumerate(lines) if channel_name and line.indent == top
                  and line.text.startswith(channel_name)), 0)
    at = start + 1
    while at < len(lines) and lines[at].indent > top:
        at += 1
    line = Line.of(msg("feedback.reply_time", lang, hours=reported.median_hours,
                       count=reported.count, days=RETENTION_DAYS), indent=2)
    return (*lines[:at], line, *lines[at:])


def vote_row(ref: CardRef, aspect: Aspect | None, lang: Lang) -> Row | None:
    """👍 / 👎 for the answer about `ref` and `aspect` (None if the ids are too long)."""
    buttons = (Button(msg("feedback.button.up", lang), Vote(VoteKind.UP, ref, aspect)),
               Button(msg("feedback.button.down", lang), Vote(VoteKind.DOWN, ref, aspect)))
    try:
        for button in buttons:
            if button.action is not None:
                button.action.pack()
    except CallbackTooLong:
        logger.warning("no vote buttons: ids too long", extra={"card": ref.key})
        return None
    return buttons


def with_votes(screen: Screen, ref: CardRef, aspect: Aspect | None, lang: Lang) -> Screen:
    """The screen with 👍 / 👎 as its last, small row: the answer's own buttons stay first."""
    row = vote_row(ref, aspect, lang)
    return screen if row is None else replace(screen, buttons=(*screen.buttons, row))


def reason_rows(vote: Vote, lang: Lang) -> tuple[Row, ...]:
    """After 👎: why — one tap each."""
    buttons = [Button(msg(f"feedback.reason.{reason.value}", lang),
                      replace(vote, vote=reason)) for reason in REASONS]
    return in_rows(buttons, REASONS_PER_ROW)


def _worded(catalog: Catalog, reply: Reply, viewer: Viewer, buttons: Sequence[Row]) -> Screen:
    worded = word_reply(reply, catalog, lang=viewer.lang, user_zone=viewer.zone, now=viewer.now)
    title = worded.title or msg("home.title", viewer.lang)
    return Screen(title=title, lines=worded.lines, buttons=tuple(buttons))


def not_sure_screen(catalog: Catalog, suggestions: Sequence[CardRef], lang: Lang) -> Screen:
    """Suggestions to tap, and the menu to fall back on."""
    known = [r for r in suggestions if catalog.resolve(r) is not None]
    rows = [(Button(title_for(catalog, ref, lang), OpenCard(ref)),) for ref in known]
    prompt = msg("notsure.suggest" if known else "notsure.none", lang)
    home = home_screen(catalog, lang)
    return Screen(
        title=msg("notsure.title", lang),
        lines=(Line.of(prompt),),
        buttons=(*rows, *home.buttons),
    )


def nothing_to_search_screen(catalog: Catalog, lang: Lang) -> Screen:
    """A message with no words in it (emoji, punctuation): how to ask, and the menu."""
    return Screen(
        title=msg("notsure.title", lang),
        lines=(Line.of(msg("question.nothing", lang)),),
        buttons=home_screen(catalog, lang).buttons,
    )
