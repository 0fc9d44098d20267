"""Case tracking as screens (data, no Telegram): the /track form, /cases, reminders, /forget.

Times are shown in the viewer's zone; everything a user typed (case id, note) travels as a
plain Span, so bot/core/render.py escapes it like any other text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

from bot.cases.callbacks import (
    OPENED_CHOICES,
    CaseAction,
    ForgetData,
    ListCases,
    ShareTimes,
    StartTrack,
    TrackStep,
)
from bot.cases.tracking import (
    InputProblem,
    Step,
    TrackDraft,
    append_advice,
    case_knowledge_window,
    case_window,
    window_choices,
)
from bot.core.nav import Home
from bot.core.ui import Button, Row, Screen, Viewer, in_rows, msg
from knowledge.card import Line, Span
from knowledge.catalog import Catalog
from knowledge.followup import ResponseWindow, playbook, trackable_channels
from knowledge.hours import active_holidays
from knowledge.schema import Lang
from storage.cases import Case, CaseStatus

CASES_PER_PAGE = 8
MAX_PAGES = 99  # ListCases carries the page in two digits
SHORT_NOTE = 80  # a note in the list is cut to this; the case's screen shows it whole
SHORT_ID = 24  # a case id on a button




def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- times, durations, names -----------------------------------------------------------


def local_time(moment: datetime, viewer: Viewer) -> str:
    return f"{moment.astimezone(viewer.zone):%Y-%m-%d %H:%M}"


def duration(delta: timedelta, lang: Lang) -> str:
    """A length of time the way people say it: 40 min, 5 h, 3 d 2 h, 12 d."""
    minutes = max(int(delta.total_seconds() // 60), 1)
    if minutes < 60:
        return msg("case.duration.minutes", lang, n=minutes)
    hours = minutes // 60
    if hours < 24:
        return msg("case.duration.hours", lang, n=hours)
    days, rest = divmod(hours, 24)
    if rest == 0 or days >= 7:
        return msg("case.duration.days", lang, n=days)
    return msg("case.duration.days_hours", lang, days=days, hours=rest)


def where_text(catalog: Catalog, platform_id: str, role_id: str | None, lang: Lang) -> str:
    platform = catalog.platform(platform_id)
    names = [platform.name.get(lang) if platform else platform_id]
    if role_id is not None:
        role = catalog.role(platform_id, role_id)
        names.append(role.name.get(lang) if role else role_id)
    return " · ".join(names)


def channel_text(catalog: Catalog, platform_id: str, channel_id: str, lang: Lang) -> str:
    channel = catalog.channel(platform_id, channel_id)
    return channel.name.get(lang) if channel else channel_id


def site_text(catalog: Catalog, platform_id: str, site_id: str, lang: Lang) -> str:
    site = catalog.site(platform_id, site_id)
    return site.name.get(lang) if site else site_id


def case_title(catalog: Catalog, case: Case, lang: Lang) -> str:
    """Platform · role, and the site when the case has one (it may set the window)."""
    where = where_text(catalog, case.platform, case.role, lang)
    if case.site is None:
        return where
    return f"{where} · {site_text(catalog, case.platform, case.site, lang)}"


def sources_text(catalog: Catalog, source_ids: Iterable[str], lang: Lang) -> str:
    parts = []
    for source_id in dict.fromkeys(source_ids):
        source = catalog.sources.get(source_id)
        if source is None:
            continue
        checked = msg("about.checked", lang, date=source.checked.isoformat())
        parts.append(source.title.get(lang) + checked)
    return ("；" if lang == "zh" else "; ").join(parts)


def _window_lines(catalog: Catalog, hours: int, known: ResponseWindow | None,
                  lang: Lang) -> list[Line]:
    if known is None:
        return [Line.of(msg("case.window.own", lang, hours=hours))]
    lines = [Line.of(msg("case.window.known", lang, hours=hours, text=known.text.get(lang)))]
    cited = sources_text(catalog, known.sources, lang)
    if cited:
        lines.append(Line.of(Span(msg("case.source", lang, sources=cited), "italic"), indent=1))
    return lines


def _due_line(due: datetime, viewer: Viewer) -> Line:
    lang = viewer.lang
    when = local_time(due, viewer)
    if due > viewer.now:
        left = duration(due - viewer.now, lang)
        return Line.of(msg("case.due.ahead", lang, time=when, left=left))
    late = duration(viewer.now - due, lang)
    return Line.of(msg("case.due.overdue", lang, time=when, late=late))


def _opened_line(opened: datetime, viewer: Viewer) -> Line:
    age = duration(viewer.now - opened, viewer.lang)
    return Line.of(msg("case.opened", viewer.lang, time=local_time(opened, viewer), age=age))


def _id_line(external_id: str, lang: Lang) -> Line:
    return Line.of(msg("case.case_id", lang), Span(external_id, "code"))


def _note_line(note: str, lang: Lang, limit: int | None = None) -> Line:
    text = note if limit is None else _clip(" ".join(note.split()), limit)
    return Line.of(msg("case.note", lang), Span(text))


def problem_text(problem: InputProblem, lang: Lang) -> str:
    """Why a typed case id or note was refused, in the user's language."""
    length, limit = problem.length, problem.limit
    match problem.problem:
        case "id_empty":
            return msg("case.problem.id_empty", lang)
        case "id_lines":
            return msg("case.problem.id_lines", lang)
        case "id_long":
            return msg("case.problem.id_long", lang, length=length, limit=limit)
        case "id_control":
            return msg("case.problem.id_control", lang)
        case "id_no_alnum":
            return msg("case.problem.id_no_alnum", lang)
        case "note_long":
            return msg("case.problem.note_long", lang, length=length, limit=limit)
    return msg("case.problem.note_control", lang)


def _status_text(status: CaseStatus, lang: Lang) -> str:
    match status:
        case CaseStatus.OPEN:
            return msg("case.status.open", lang)
        case CaseStatus.ANSWERED:
            return msg("case.status.answered", lang)
    return msg("case.status.closed", lang)


# --- the /track form -------------------------------------------------------------------


def _draft_lines(catalog: Catalog, draft: TrackDraft, viewer: Viewer) -> list[Line]:
    lang = viewer.lang
    lines: list[Line] = []
    if draft.platform is not None:
        where = where_text(catalog, draft.platform, draft.role, lang)
        lines.append(Line.of(msg("case.where", lang, where=where)))
    if draft.platform is not None and draft.channel is not None:
        name = channel_text(catalog, draft.platform, draft.channel, lang)
        lines.append(Line.of(msg("case.channel", lang, channel=name)))
    if draft.platform is not None and draft.site is not None:
        site = site_text(catalog, draft.platform, draft.site, lang)
        lines.append(Line.of(msg("case.site", lang, site=site)))
    if draft.opened_at is not None:
        lines.append(_opened_line(draft.opened_at, viewer))
    if draft.external_id is not None:
        lines.append(_id_line(draft.external_id, lang))
    if draft.note:
        lines.append(_note_line(draft.note, lang))
    return lines


def track_screen(
    catalog: Catalog, draft: TrackDraft, viewer: Viewer, notes: Sequence[str] = ()
) -> Screen:
    """The form at its current step: what is filled in so far, the question, its buttons."""
    lang = viewer.lang
    lines = _draft_lines(catalog, draft, viewer)
    if lines:
        lines.append(Line.of(""))
    question, rows = _QUESTIONS[draft.step()](catalog, draft, viewer)
    cancel = (Button(msg("case.button.cancel", lang), TrackStep(draft.flow, "cancel")),)
    return Screen(
        title=msg("case.track.title", lang),
        lines=(*lines, *question),
        buttons=(*rows, cancel),
        notes=tuple(notes),
    )


# One function per step of the form: the lines that ask for it, and its buttons.
_Question = tuple[list[Line], list[Row]]


def _bold(text: str) -> Line:
    return Line.of(Span(text, "bold"))


def _italic(text: str) -> Line:
    return Line.of(Span(text, "italic"))


def _ask_platform(catalog: Catalog, draft: TrackDraft, viewer: Viewer) -> _Question:
    """Every platform of the catalog, two to a row."""
    lang = viewer.lang
    platforms = [
        Button(p.name.get(lang), TrackStep(draft.flow, "platform", p.id))
        for p in catalog.platforms.values()
    ]
    return [_bold(msg("case.ask.platform", lang))], list(in_rows(platforms, 2))


def _ask_role(catalog: Catalog, draft: TrackDraft, viewer: Viewer) -> _Question:
    """The roles of the chosen platform, two to a row."""
    lang = viewer.lang
    platform = catalog.platform(draft.platform or "")
    roles = [
        Button(r.name.get(lang), TrackStep(draft.flow, "role", r.id))
        for r in (platform.roles if platform else ())
    ]
    return [_bold(msg("case.ask.role", lang))], list(in_rows(roles, 2))


def _ask_channel(catalog: Catalog, draft: TrackDraft, viewer: Viewer) -> _Question:
    """The channels a case can be tracked on, one to a row."""
    lang = viewer.lang
    channels = trackable_channels(catalog, draft.platform or "", draft.role or "")
    rows: list[Row] = [
        (Button(c.name.get(lang), TrackStep(draft.flow, "channel", c.id)),) for c in channels
    ]
    return [_bold(msg("case.ask.channel", lang))], rows


def _ask_site(catalog: Catalog, draft: TrackDraft, viewer: Viewer) -> _Question:
    """The sites with a response window of their own, and "any site"."""
    lang = viewer.lang
    sites = [
        Button(site.name.get(lang), TrackStep(draft.flow, "site", site.id))
        for site in draft.site_choices(catalog)
    ]
    rows = list(in_rows(sites, 2))
    rows.append((Button(msg("case.button.any_site", lang), TrackStep(draft.flow, "any_site")),))
    return [_bold(msg("case.ask.site", lang)), _italic(msg("case.ask.site_why", lang))], rows


def _ask_opened(catalog: Catalog, draft: TrackDraft, viewer: Viewer) -> _Question:
    """When the case was opened: preset moments, or a time typed in the viewer's zone."""
    lang = viewer.lang
    presets = [
        Button(_opened_label(choice, lang), TrackStep(draft.flow, "opened", choice))
        for choice in OPENED_CHOICES
    ]
    lines = [_bold(msg("case.ask.opened", lang)),
             _italic(msg("case.ask.opened_typed", lang, zone=viewer.zone.key))]
    return lines, list(in_rows(presets, 3))


def _ask_case_id(catalog: Catalog, draft: TrackDraft, viewer: Viewer) -> _Question:
    """The platform's case number, typed: no buttons."""
    lang = viewer.lang
    return [_bold(msg("case.ask.case_id", lang)), _italic(msg("case.ask.case_id_hint", lang))], []


def _ask_note(catalog: Catalog, draft: TrackDraft, viewer: Viewer) -> _Question:
    """A note, typed, or skipped."""
    lang = viewer.lang
    skip = (Button(msg("case.button.skip", lang), TrackStep(draft.flow, "skip_note")),)
    return [_bold(msg("case.ask.note", lang))], [skip]


def _ask_confirm(catalog: Catalog, draft: TrackDraft, viewer: Viewer) -> _Question:
    """The window and due time, the window choices, and confirm once a window is known."""
    lang = viewer.lang
    rows = list(_window_rows(catalog, draft, lang))
    if draft.hours(catalog) is not None:
        rows.append((Button(msg("case.button.confirm", lang), TrackStep(draft.flow, "confirm")),))
    return _confirm_lines(catalog, draft, viewer), rows


_QUESTIONS: dict[Step, Callable[[Catalog, TrackDraft, Viewer], _Question]] = {
    "platform": _ask_platform,
    "role": _ask_role,
    "channel": _ask_channel,
    "site": _ask_site,
    "opened": _ask_opened,
    "case_id": _ask_case_id,
    "note": _ask_note,
    "confirm": _ask_confirm,
}


def _opened_label(choice: str, lang: Lang) -> str:
    match choice:
        case "now":
            return msg("case.opened.now", lang)
        case "today":
            return msg("case.opened.today", lang)
        case "1d":
            return msg("case.opened.yesterday", lang)
    return msg("case.opened.days", lang, n=choice.removesuffix("d"))


def _confirm_lines(catalog: Catalog, draft: TrackDraft, viewer: Viewer) -> list[Line]:
    lang = viewer.lang
    known = draft.knowledge_window(catalog)
    hours = draft.hours(catalog)
    lines: list[Line] = []
    if known is not None:
        lines.extend(_window_lines(catalog, known.hours, known, lang))
        if hours is not None and hours != known.hours:
            lines.append(Line.of(msg("case.window.override", lang, hours=hours)))
    elif hours is None:
        lines.append(Line.of(Span(msg("case.window.none", lang), "bold")))
        return lines
    else:
        lines.append(Line.of(msg("case.window.none_chosen", lang, hours=hours)))
    due = draft.due_at(catalog)
    if due is not None:
        lines.append(_due_line(due, viewer))
        if due <= viewer.now:
            lines.append(Line.of(msg("case.track.overdue", lang)))
    lines.append(Line.of(""))
    lines.append(Line.of(Span(msg("case.ask.confirm", lang), "bold")))
    return lines


def _window_rows(catalog: Catalog, draft: TrackDraft, lang: Lang) -> tuple[Row, ...]:
    chosen = draft.hours(catalog)
    buttons = []
    for hours in window_choices(draft.knowledge_window(catalog)):
        label = msg("case.button.window", lang, hours=hours)
        if hours == chosen:
            label = msg("button.selected", lang, label=label)
        buttons.append(Button(label, TrackStep(draft.flow, "window", str(hours))))
    return in_rows(buttons, 3)


def form_expired_screen(lang: Lang) -> Screen:
    return Screen(
        title=msg("case.track.title", lang),
        lines=(Line.of(msg("case.track.expired", lang)),),
        buttons=(_tracking_nav(lang),),
    )


def form_cancelled_screen(lang: Lang) -> Screen:
    return Screen(
        title=msg("case.track.title", lang),
        lines=(Line.of(msg("case.track.cancelled", lang)),),
        buttons=(_tracking_nav(lang),),
    )


def _tracking_nav(lang: Lang) -> Row:
    return (
        Button(msg("case.button.new", lang), StartTrack()),
        Button(msg("case.button.list", lang), ListCases()),
    )


def duplicate_screen(
    catalog: Catalog, draft: TrackDraft, existing: Case, viewer: Viewer
) -> Screen:
    """The case id is tracked already: point to that case, offer another id."""
    lang = viewer.lang
    lines = [
        Line.of(Span(msg("case.duplicate", lang), "bold")),
        _id_line(existing.external_id, lang),
        Line.of(msg("case.status", lang, status=_status_text(existing.status, lang))),
        _opened_line(existing.opened_at, viewer),
    ]
    return Screen(
        title=msg("case.track.title", lang),
        lines=tuple(lines),
        buttons=(
            (Button(msg("case.button.existing", lang), CaseAction("open", existing.id)),),
            (Button(msg("case.button.change_id", lang), TrackStep(draft.flow, "change_id")),),
            (Button(msg("case.button.cancel", lang), TrackStep(draft.flow, "cancel")),),
        ),
    )


def same_issue_screen(
    catalog: Catalog, draft: TrackDraft, existing: Case, viewer: Viewer
) -> Screen:
    """Another open case is about the same problem: the guides' advice, then a choice."""
    lang = viewer.lang
    lines = [
        Line.of(Span(msg("case.same_issue", lang), "bold")),
        _id_line(existing.external_id, lang),
        Line.of(msg("case.channel", lang,
                     channel=channel_text(catalog, existing.platform, existing.channel, lang))),
        _opened_line(existing.opened_at, viewer),
    ]
    advice = append_advice(catalog, draft.platform or "", draft.role or "")
    if advice:
        lines.append(Line.of(""))
        lines.append(Line.of(msg("case.same_issue.advice", lang)))
        for fact, sources in advice:
            lines.append(Line.of(fact.text.get(lang), indent=1))
            cited = sources_text(catalog, sources, lang)
            if cited:
                lines.append(Line.of(Span(msg("case.source", lang, sources=cited), "italic"),
                                     indent=2))
    lines.append(Line.of(""))
    lines.append(Line.of(Span(msg("case.same_issue.ask", lang), "bold")))
    return Screen(
        title=msg("case.track.title", lang),
        lines=tuple(lines),
        buttons=(
            (Button(msg("case.button.existing", lang), CaseAction("open", existing.id)),),
            (Button(msg("case.button.anyway", lang), TrackStep(draft.flow, "anyway")),),
            (Button(msg("case.button.cancel", lang), TrackStep(draft.flow, "cancel")),),
        ),
    )


# --- /cases ----------------------------------------------------------------------------


def case_list_screen(
    catalog: Catalog,
    cases: Sequence[Case],
    viewer: Viewer,
    *,
    done: bool,
    page: int,
    total: int,
) -> Screen:
    """One page of the user's open cases (or answered and closed ones), most urgent first."""
    lang = viewer.lang
    title = msg("case.list.done_title" if done else "case.list.title", lang)
    if not cases:
        empty = msg("case.list.done_empty" if done else "case.list.empty", lang)
        toggle = msg("case.button.show_open" if done else "case.button.show_done", lang)
        return Screen(
            title=title,
            lines=(Line.of(empty),),
            buttons=(
                (Button(toggle, ListCases(done=not done)),),
                (Button(msg("case.button.new", lang), StartTrack()),),
            ),
        )
    first = page * CASES_PER_PAGE
    lines = [Line.of(Span(msg("case.list.zone", lang, zone=viewer.zone.key), "italic"))]
    buttons: list[Button] = []
    for number, case in enumerate(cases, start=first + 1):
        lines.append(Line.of(""))
        channel = channel_text(catalog, case.platform, case.channel, lang)
        lines.append(Line.of(Span(f"{number}. {case_title(catalog, case, lang)}", "bold"),
                             f" — {channel}"))
        lines.append(Line.of(msg("case.case_id", lang), Span(case.external_id, "code"),
                             indent=1))
        lines.append(Line.of(_opened_line(case.opened_at, viewer).text, indent=1))
        if case.status is CaseStatus.OPEN and case.due_at is not None:
            lines.append(Line.of(_due_line(case.due_at, viewer).text, indent=1))
        elif case.status is not CaseStatus.OPEN:
            lines.append(Line.of(msg("case.status", lang, status=_status_text(case.status, lang)),
                                 indent=1))
        if case.note:
            lines.append(Line(_note_line(case.note, lang, SHORT_NOTE).spans, indent=1))
        label = f"{number}. {_clip(case.external_id, SHORT_ID)}"
        buttons.append(Button(label, CaseAction("open", case.id)))
    rows = list(in_rows(buttons, 2))
    pages: list[Button] = []
    if page > 0:
        pages.append(Button(msg("case.button.prev", lang), ListCases(done, page - 1)))
    if first + len(cases) < total and page < MAX_PAGES:
        pages.append(Button(msg("case.button.next", lang), ListCases(done, page + 1)))
    if pages:
        rows.append(tuple(pages))
        lines.append(Line.of(""))
        lines.append(Line.of(msg("case.list.page", lang, first=first + 1,
                                  last=first + len(cases), total=total)))
    toggle = msg("case.button.show_open" if done else "case.button.show_done", lang)
    rows.append((Button(toggle, ListCases(done=not done)),
                 Button(msg("case.button.new", lang), StartTrack())))
    return Screen(title=title, lines=tuple(lines), buttons=tuple(rows))


def _case_lines(catalog: Catalog, case: Case, viewer: Viewer) -> list[Line]:
    lang = viewer.lang
    channel = channel_text(catalog, case.platform, case.channel, lang)
    lines = [
        Line.of(msg("case.channel", lang, channel=channel)),
        _id_line(case.external_id, lang),
        Line.of(msg("case.status", lang, status=_status_text(case.status, lang))),
        _opened_line(case.opened_at, viewer),
    ]
    window = case_window(catalog, case)
    if window is not None:
        lines.extend(_window_lines(catalog, window.hours, window.known, lang))
    if case.status is CaseStatus.OPEN:
        if case.due_at is not None:
            lines.append(_due_line(case.due_at, viewer))
        if case.remind_at is not None:
            when = local_time(max(case.remind_at, viewer.now), viewer)
            lines.append(Line.of(msg("case.next_reminder", lang, time=when)))
        else:
            lines.append(Line.of(msg("case.no_more", lang, count=case.reminders_sent)))
    if case.note:
        lines.append(_note_line(case.note, lang))
    return lines


def case_actions(case: Case, lang: Lang) -> tuple[Row, ...]:
    """The buttons of an open case: on its screen and on its reminders."""
    if case.status is not CaseStatus.OPEN:
        return ((Button(msg("case.button.list", lang), ListCases(done=True)),),)
    return (
        (
            Button(msg("case.button.reply", lang), CaseAction("reply", case.id)),
            Button(msg("case.button.snooze", lang), CaseAction("snooze", case.id)),
        ),
        (
            Button(msg("case.button.edit", lang), CaseAction("edit", case.id)),
            Button(msg("case.button.close", lang), CaseAction("close", case.id)),
        ),
        (Button(msg("case.button.list", lang), ListCases()),),
    )


def case_screen(
    catalog: Catalog, case: Case, viewer: Viewer, notes: Sequence[str] = ()
) -> Screen:
    """One case: where, which id, since when, the window and its source, the next reminder."""
    return Screen(
        title=case_title(catalog, case, viewer.lang),
        lines=tuple(_case_lines(catalog, case, viewer)),
        buttons=case_actions(case, viewer.lang),
        notes=tuple(notes),
    )


def _back_to(case: Case, lang: Lang) -> Row:
    return (Button(msg("button.back", lang), CaseAction("open", case.id)),)


def snooze_screen(catalog: Catalog, case: Case, viewer: Viewer) -> Screen:
    lang = viewer.lang
    labels = (
        ("1h", msg("case.snooze.1h", lang)),
        ("t9", msg("case.snooze.t9", lang)),
        ("24h", msg("case.snooze.24h", lang)),
        ("3d", msg("case.snooze.3d", lang)),
    )
    choices = [Button(label, CaseAction("snooze", case.id, key)) for key, label in labels]
    return Screen(
        title=case_title(catalog, case, lang),
        lines=(_id_line(case.external_id, lang),
               Line.of(Span(msg("case.snooze.ask", lang), "bold"))),
        buttons=(*in_rows(choices, 2), _back_to(case, lang)),
    )


def edit_screen(catalog: Catalog, case: Case, viewer: Viewer) -> Screen:
    lang = viewer.lang
    rows: list[Row] = [
        (Button(msg("case.edit.note", lang), CaseAction("edit", case.id, "note")),
         Button(msg("case.edit.id", lang), CaseAction("edit", case.id, "id"))),
        (Button(msg("case.edit.window", lang), CaseAction("edit", case.id, "win")),),
    ]
    if case.note:
        rows.append(
            (Button(msg("case.edit.clear_note", lang), CaseAction("edit", case.id, "clear")),)
        )
    rows.append(_back_to(case, lang))
    return Screen(
        title=case_title(catalog, case, lang),
        lines=(_id_line(case.external_id, lang),
               Line.of(Span(msg("case.edit.ask", lang), "bold"))),
        buttons=tuple(rows),
    )


def edit_text_screen(
    catalog: Catalog, case: Case, viewer: Viewer, field: str, notes: Sequence[str] = ()
) -> Screen:
    """Asking for a new note or case id, typed."""
    lang = viewer.lang
    ask_note, ask_id = msg("case.edit.ask_note", lang), msg("case.edit.ask_id", lang)
    ask = ask_note if field == "note" else ask_id
    lines = [_id_line(case.external_id, lang)]
    if field == "note" and case.note:
        lines.append(_note_line(case.note, lang))
    lines.append(Line.of(Span(ask, "bold")))
    return Screen(
        title=case_title(catalog, case, lang),
        lines=tuple(lines),
        buttons=(_back_to(case, lang),),
        notes=tuple(notes),
    )


def edit_window_screen(catalog: Catalog, case: Case, viewer: Viewer) -> Screen:
    lang = viewer.lang
    window = case_window(catalog, case)
    known = window.known if window is not None else None
    known = known or case_knowledge_window(catalog, case)
    lines = [_id_line(case.external_id, lang)]
    if known is not None:
        lines.extend(_window_lines(catalog, known.hours, known, lang))
    else:
        lines.append(Line.of(msg("case.window.none", lang)))
    lines.append(Line.of(Span(msg("case.edit.ask_window", lang), "bold")))
    buttons = []
    for hours in window_choices(known):
        label = msg("case.button.window", lang, hours=hours)
        if window is not None and hours == window.hours:
            label = msg("button.selected", lang, label=label)
        buttons.append(Button(label, CaseAction("window", case.id, str(hours))))
    return Screen(
        title=case_title(catalog, case, lang),
        lines=tuple(lines),
        buttons=(*in_rows(buttons, 3), _back_to(case, lang)),
    )


def case_gone_screen(lang: Lang) -> Screen:
    """A button naming a case the presser does not have (deleted, forged, someone else's)."""
    return Screen(
        title=msg("case.list.title", lang),
        lines=(Line.of(msg("case.gone", lang)),),
        buttons=(_tracking_nav(lang),),
    )


# --- reminders -------------------------------------------------------------------------


def reminder_screen(
    catalog: Catalog,
    case: Case,
    viewer: Viewer,
    *,
    round_: int,
    rounds: int,
    next_at: datetime | None,
) -> Screen:
    """A reminder: how long it has waited, the window, this round's advice, what comes next."""
    lang = viewer.lang
    lines: list[Line] = [
        _id_line(case.external_id, lang),
        Line.of(msg("case.channel", lang,
                     channel=channel_text(catalog, case.platform, case.channel, lang))),
        Line.of(msg("reminder.waited", lang, age=duration(viewer.now - case.opened_at, lang),
                     time=local_time(case.opened_at, viewer))),
    ]
    window = case_window(catalog, case)
    if window is not None:
        lines.extend(_window_lines(catalog, window.hours, window.known, lang))
    if case.note:
        lines.append(_note_line(case.note, lang))
    lines.append(Line.of(""))
    advice = playbook(catalog, case.platform, case.role, round_)
    if advice is not None:
        lines.append(Line.of(Span(
            msg("reminder.round", lang, round=round_, rounds=rounds), "bold")))
        lines.extend(Line.of(step.text.get(lang), indent=1) for step in advice.steps)
        step_sources = [s for step in advice.steps for s in step.sources] or advice.sources
        cited = sources_text(catalog, [*advice.sources, *step_sources], lang)
        if cited:
            lines.append(Line.of(Span(msg("case.source", lang, sources=cited), "italic"),
                                 indent=1))
    else:
        lines.append(Line.of(msg("reminder.no_playbook", lang)))
    platform = catalog.platform(case.platform)
    if platform is not None:
        today = viewer.now.astimezone(viewer.zone).date()
        for holiday in active_holidays(platform.holidays, today):
            lines.append(Line.of(msg("reminder.holiday", lang, name=holiday.name.get(lang),
                                      effect=holiday.effect.get(lang))))
    lines.append(Line.of(""))
    if next_at is not None:
        lines.append(Line.of(msg("reminder.next", lang, time=local_time(next_at, viewer))))
    else:
        lines.append(Line.of(msg("reminder.last", lang)))
    return Screen(
        title=msg("reminder.title", lang, title=case_title(catalog, case, lang)),
        lines=tuple(lines),
        buttons=case_actions(case, lang),
    )


# --- /forget ---------------------------------------------------------------------------


def forget_screen(lang: Lang, cases: int) -> Screen:
    return Screen(
        title=msg("data.forget.title", lang),
        lines=(Line.of(msg("data.forget.ask", lang, count=cases)),),
        buttons=(
            (Button(msg("data.button.forget", lang), ForgetData(True)),),
            (Button(msg("case.button.cancel", lang), ForgetData(False)),),
        ),
    )


def forget_result_screen(lang: Lang, forgotten: bool) -> Screen:
    title = msg("data.forget.title", lang)
    if forgotten:
        return Screen(title=title, lines=(Line.of(msg("data.forget.done", lang)),))
    home: tuple[Row, ...] = ((Button(msg("button.home", lang), Home()),),)
    return Screen(title=title, lines=(Line.of(msg("data.forget.kept", lang)),), buttons=home)


def text_screen(title: str, *texts: str, buttons: tuple[Row, ...] = ()) -> Screen:
    """A short answer: a title and lines of plain text."""
    return Screen(title=title, lines=tuple(Line.of(t) for t in texts), buttons=buttons)


# --- sharing reply times --------------------------------------------------------------


def share_ask_screen(catalog: Catalog, case: Case, viewer: Viewer, notes: Sequence[str]) -> Screen:
    """Asked once, right after a first case is marked replied: share its wait anonymously?"""
    lang = viewer.lang
    return Screen(
        title=case_title(catalog, case, lang),
        lines=(Line.of(Span(msg("share.ask", lang), "bold")), Line.of(msg("share.what", lang))),
        buttons=(
            (Button(msg("share.button.yes", lang), ShareTimes(True, case.id)),
             Button(msg("share.button.no", lang), ShareTimes(False, case.id))),
            _back_to(case, lang),
        ),
        notes=tuple(notes),
    )


def share_screen(share: bool | None, lang: Lang, notes: Sequence[str] = ()) -> Screen:
    """/share: the choice as it stands, and the two buttons to change it."""
    if share is None:
        current = msg("share.current.unset", lang)
    else:
        current = msg("share.current.yes" if share else "share.current.no", lang)
    yes = msg("share.button.yes", lang)
    no = msg("share.button.no", lang)
    return Screen(
        title=msg("share.title", lang),
        lines=(Line.of(msg("share.what", lang)), Line.of(Span(current, "bold"))),
        buttons=(
            (Button(msg("button.selected", lang, label=yes) if share is True else yes,
                    ShareTimes(True)),
             Button(msg("button.selected", lang, label=no) if share is False else no,
                    ShareTimes(False))),
            (Button(msg("button.home", lang), Home()),),
        ),
        notes=tuple(notes),
    )
