"""What Telegram accepts in an outgoing message: HTML subset, lengths, keyboards."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

MAX_TEXT = 4096
MAX_MARKUP = 9000
MAX_ENTITIES = 100
_ENTITY = re.compile(r"<(?:b|i|u|s|code|pre|a|tg-spoiler|blockquote)[\s>]")
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_BUTTONS_PER_ROW = 8
MAX_BUTTONS = 100
MAX_CALLBACK_ANSWER = 200
MAX_INLINE_RESULTS = 50
MAX_RESULT_ID = 64  # bytes
MAX_START_PARAMETER = 64

# tag → attributes it may carry (https://core.telegram.org/bots/api#html-style)
ALLOWED_TAGS: dict[str, set[str]] = {
    "b": set(), "strong": set(), "i": set(), "em": set(), "u": set(), "ins": set(),
    "s": set(), "strike": set(), "del": set(), "span": {"class"}, "tg-spoiler": set(),
    "a": {"href"}, "tg-emoji": {"emoji-id"}, "code": {"class"}, "pre": set(),
    "blockquote": {"expandable"},
}
ALLOWED_ENTITIES = {"lt", "gt", "amp", "quot"}


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _TelegramHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.problems: list[str] = []
        self.stack: list[str] = []
        self.plain: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}> is not allowed")
        for name, value in attrs:
            if name not in ALLOWED_TAGS.get(tag, set()):
                self.problems.append(f"attribute {name!r} not allowed on <{tag}>")
            if tag == "a" and name == "href" and not (value or "").startswith(
                ("http://", "https://", "tg://", "mailto:")
            ):
                self.problems.append(f"bad link {value!r}")
        if "code" in self.stack or ("pre" in self.stack and tag != "code"):
            self.problems.append(f"<{tag}> inside {self.stack[-1]!r} (no nesting in code)")
        if tag == "a" and "a" in self.stack:
            self.problems.append("nested <a>")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing <{tag}/> is not allowed")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> does not close {self.stack[-1:]!r}")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for char in "<>&":
            if char in data:
                self.problems.append(f"unescaped {char!r} in {data[:40]!r}")
        self.plain.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ALLOWED_ENTITIES:
            self.problems.append(f"entity &{name}; is not supported")
        self.plain.append({"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(name, "?"))

    def handle_charref(self, name: str) -> None:
        try:
            code = int(name[1:], 16) if name[:1] in "xX" else int(name)
            self.plain.append(chr(code))
        except ValueError:
            self.problems.append(f"bad character reference &#{name};")

    def handle_comment(self, data: str) -> None:
        self.problems.append("HTML comment")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"declaration <!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.problems.append("processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"unknown declaration {data!r}")


def parse_html(text: str) -> tuple[str, list[str]]:
    """The plain text Telegram would show, and every problem with the markup."""
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.stack:
        parser.problems.append(f"unclosed tags {parser.stack!r}")
    return "".join(parser.plain), parser.problems


def check_text(text: Any, parse_mode: Any, limit: int = MAX_TEXT) -> list[str]:
    if not isinstance(text, str) or not text.strip():
        return ["empty text"]
    problems = []
    if parse_mode != "HTML":
        problems.append(f"parse_mode is {parse_mode!r}, the bot always sends HTML")
    plain, markup = parse_html(text) if parse_mode == "HTML" else (text, [])
    problems += markup
    # the limit is on the text after entity parsing; the markup has its own, larger one
    # ("Entities_too_long"), and at most 100 entities are honoured
    if utf16_length(text) > MAX_MARKUP:
        problems.append(f"markup is {utf16_length(text)} long (limit {MAX_MARKUP})")
    entities = len(_ENTITY.findall(text)) if parse_mode == "HTML" else 0
    if entities > MAX_ENTITIES:
        problems.append(f"{entities} entities (Telegram honours {MAX_ENTITIES})")
    if utf16_length(plain) > limit:
        problems.append(f"parsed text is {utf16_length(plain)} long (limit {limit})")
    return problems


def check_markup(markup: Any) -> list[str]:
    if markup is None:
        return []
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return [f"not an inline keyboard: {markup!r}"]
    problems = []
    rows = markup["inline_keyboard"]
    total = sum(len(row) for row in rows)
    if total > MAX_BUTTONS:
        problems.append(f"{total} buttons (limit {MAX_BUTTONS})")
    for r, row in enumerate(rows):
        if not row:
            problems.append(f"row {r} is empty")
        if len(row) > MAX_BUTTONS_PER_ROW:
            problems.append(f"row {r} has {len(row)} buttons (limit {MAX_BUTTONS_PER_ROW})")
        for button in row:
            if not str(button.get("text", "")).strip():
                problems.append(f"button without text in row {r}")
            kinds = [k for k in ("callback_data", "url", "switch_inline_query",
                                 "switch_inline_query_current_chat") if k in button]
            if len(kinds) != 1:
                problems.append(f"button {button.get('text')!r} has kinds {kinds}")
            data = button.get("callback_data")
            if data is not None:
                size = len(str(data).encode("utf-8"))
                if not 1 <= size <= MAX_CALLBACK_DATA:
                    problems.append(f"callback_data {data!r} is {size} bytes")
            if "url" in button:
                problems += check_url(str(button["url"]))
    return problems


_START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")
_BOT_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")


def check_start_parameter(value: Any) -> list[str]:
    """A deep-link payload: 1-64 characters of A-Z, a-z, 0-9, _ and -."""
    if not isinstance(value, str) or not _START_PARAMETER.fullmatch(value):
        return [f"bad start parameter {value!r}"]
    return []


def check_url(url: str) -> list[str]:
    """A button's URL; a t.me deep link must name a bot and carry a valid payload."""
    if not url.startswith(("https://", "http://", "tg://")):
        return [f"bad button url {url!r}"]
    parts = urlsplit(url)
    if parts.netloc != "t.me":
        return []
    problems = []
    if not _BOT_USERNAME.fullmatch(parts.path.strip("/")):
        problems.append(f"bad t.me username in {url!r}")
    for value in parse_qs(parts.query, keep_blank_values=True).get("start", []):
        problems += check_start_parameter(value)
    return problems


def check_inline_answer(params: dict[str, Any]) -> list[str]:
    """answerInlineQuery: result count, ids, titles, the button above the results."""
    results = params.get("results") or []
    problems = []
    if len(results) > MAX_INLINE_RESULTS:
        problems.append(f"{len(results)} results (limit {MAX_INLINE_RESULTS})")
    ids = [str(r.get("id", "")) for r in results]
    for result_id in ids:
        if not 1 <= len(result_id.encode("utf-8")) <= MAX_RESULT_ID:
            problems.append(f"result id {result_id!r} is not 1-{MAX_RESULT_ID} bytes")
    if len(set(ids)) != len(ids):
        problems.append("result ids repeat")
    for result in results:
        if result.get("type") == "article" and not str(result.get("title", "")).strip():
            problems.append(f"article {result.get('id')!r} has no title")
    cache_time = params.get("cache_time")
    if cache_time is not None and (not isinstance(cache_time, int) or cache_time < 0):
        problems.append(f"bad cache_time {cache_time!r}")
    button = params.get("button")
    if button is not None:
        if not str(button.get("text", "")).strip():
            problems.append("results button without text")
        if "start_parameter" in button:
            problems += check_start_parameter(button["start_parameter"])
    return problems
