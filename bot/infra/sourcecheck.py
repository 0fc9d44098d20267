"""`python -m bot sources verify`: fetch every cited page and notice when it changed.

Each source with a URL is fetched (a few at a time, with a timeout, a size cap and a
User-Agent that says who asks) and reported as one of:

- ok           the page answers 200 and every quote resting on it is still there
- changed      a quote resting on it no longer appears (after HTML is stripped to text and
               whitespace and full/half width are normalised): its facts need a new look
- moved        the address redirects (the page may have moved; its new address is shown)
- gone         the address answers 4xx or 5xx
- unreachable  no answer in time, a connection error, a page over the size cap or one
               that is not text

The result can be written as a small JSON file that the running bot exposes on /metrics
(see deploy/README.md); `--stale DAYS` lists sources not checked for DAYS days.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal, TextIO

import httpx

from knowledge.catalog import DATA_DIR, Catalog, CatalogError, load_catalog
from knowledge.sourcing import normalise, quotes_by_source

logger = logging.getLogger(__name__)

Status = Literal["ok", "changed", "moved", "gone", "unreachable"]
STATUSES: tuple[Status, ...] = ("ok", "changed", "moved", "gone", "unreachable")

USER_AGENT = (
    "kefu-bot-source-check/1.0 (checks that the help pages the bot cites still say what "
    "it quotes; one request per page per run)"
)
TIMEOUT_SECONDS = 20.0
CONCURRENCY = 4
MAX_BYTES = 3_000_000  # a help page is far smaller; more is not a page we can check

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BROKEN = 2

# quotation marks typed differently on a page and in a quote (’ and ')
_QUOTE_MARKS = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def comparable(text: str) -> str:
    """Text as quotes are compared: NFKC, one space for any whitespace, plain quote marks."""
    return normalise(text).translate(_QUOTE_MARKS)


class _TextOnly(HTMLParser):
    """The words of an HTML page: tags dropped, entities decoded, scripts and styles skipped."""

    _SKIP = frozenset({"script", "style", "noscript", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        else:
            self.parts.append(" ")  # a tag separates words (<li>a</li><li>b</li>)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        else:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


@dataclass(frozen=True)
class SourceResult:
    source: str
    url: str
    status: Status
    detail: str = ""
    # "platform.yaml: path" of the facts whose quote is missing (changed) or that rest on
    # a page that is gone
    facts: tuple[str, ...] = ()


@dataclass
class Verifier:
    """Fetches the pages; `transport` lets tests point it at a local server."""

    timeout: float = TIMEOUT_SECONDS
    concurrency: int = CONCURRENCY
    max_bytes: int = MAX_BYTES
    transport: httpx.AsyncBaseTransport | None = None
    _semaphore: asyncio.Semaphore = field(init=False, repr=False)

    async def verify(self, catalog: Catalog) -> list[SourceResult]:
        """One result per source with a URL, in the order of sources.yaml."""
        self._semaphore = asyncio.Semaphore(self.concurrency)
        quotes = quotes_by_source(catalog)
        pages = [s for s in catalog.sources.values() if s.url is not None]
        async with httpx.AsyncClient(
            headers={"User-Agent": USER_AGENT},
            timeout=self.timeout,
            follow_redirects=False,
            transport=self.transport,
        ) as client:
            return list(
                await asyncio.gather(
                    *(self._one(client, s.id, s.url or "", quotes.get(s.id, [])) for s in pages)
                )
            )

    async def _one(
        self, client: httpx.AsyncClient, source: str, url: str, quotes: list[tuple[str, str]]
    ) -> SourceResult:
        async with self._semaphore:
            try:
                return await self._fetch(client, source, url, quotes)
            except httpx.TimeoutException:
                return SourceResult(source, url, "unreachable", f"no answer in {self.timeout:g} s")
            except httpx.HTTPError as exc:
                return SourceResult(source, url, "unreachable", type(exc).__name__)

    async def _fetch(
        self, client: httpx.AsyncClient, source: str, url: str, quotes: list[tuple[str, str]]
    ) -> SourceResult:
        facts = tuple(where for where, _words in quotes)
        async with client.stream("GET", url) as response:
            if response.is_redirect:
                target = response.headers.get("location", "")
                return SourceResult(source, url, "moved", f"{response.status_code} → {target}")
            if response.status_code >= 400:
                return SourceResult(source, url, "gone", f"HTTP {response.status_code}", facts)
            if response.status_code != 200:
                return SourceResult(source, url, "unreachable", f"HTTP {response.status_code}")
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind and not kind.startswith("text/") and kind != "application/xhtml+xml":
                return SourceResult(source, url, "unreachable", f"not a text page ({kind})")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > self.max_bytes:
                    return SourceResult(source, url, "unreachable",
                                        f"larger than {self.max_bytes} bytes")
            text = body.decode(response.encoding or "utf-8", errors="replace")
        if kind != "text/plain":
            text = html_text(text)
        page = comparable(text)
        missing = tuple(where for where, words in quotes if comparable(words) not in page)
        if missing:
            return SourceResult(source, url, "changed",
                                f"{len(missing)} of {len(quotes)} quotes not found", missing)
        detail = f"{len(quotes)} quotes found" if quotes else "reachable; no quotes rest on it"
        return SourceResult(source, url, "ok", detail)


def report(results: Sequence[SourceResult]) -> str:
    lines = []
    for result in results:
        lines.append(f"{result.status:<11} {result.source}  {result.detail}")
        if result.status in ("changed", "gone"):
            lines += [f"              {fact}" for fact in result.facts]
    counts = Counter(r.status for r in results)
    lines.append("sources: " + ", ".join(f"{s} {counts.get(s, 0)}" for s in STATUSES))
    return "\n".join(lines) + "\n"


def write_result(path: Path, results: Sequence[SourceResult], now: datetime) -> None:
    """The last run's counts per status, for /metrics; written whole, then renamed."""
    counts = Counter(r.status for r in results)
    body = {
        "finished_at": now.isoformat(),
        "counts": {s: counts.get(s, 0) for s in STATUSES},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".tmp")
    partial.write_text(json.dumps(body), encoding="utf-8")
    partial.replace(path)


def read_result(path: Path) -> tuple[datetime, dict[str, int]] | None:
    """The last run's (finish time, counts), or None when there is none or it is unreadable."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        finished = datetime.fromisoformat(body["finished_at"])
        counts: dict[str, int] = {s: int(body["counts"].get(s, 0)) for s in STATUSES}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return finished, counts


def stale(catalog: Catalog, days: int, today: date) -> list[str]:
    """Sources whose `checked` date is more than `days` days before `today`."""
    limit = today - timedelta(days=days)
    return [
        f"{s.checked}  {s.id}" for s in catalog.sources.values() if s.checked < limit
    ]


def run_verify(
    *,
    stale_days: int | None = None,
    result_file: Path | None = None,
    data_dir: Path = DATA_DIR,
    verifier: Verifier | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Fetch and report; exit 1 if a page changed or is gone, 2 if the knowledge is broken."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        catalog = load_catalog(data_dir)
    except CatalogError as exc:
        print(f"knowledge files are broken: {exc}", file=err)
        return EXIT_BROKEN
    if stale_days is not None:
        if stale_days < 0:
            print("--stale needs a number of days ≥ 0", file=err)
            return EXIT_BROKEN
        old = stale(catalog, stale_days, datetime.now(UTC).date())
        out.write(f"sources not checked for more than {stale_days} days: {len(old)}\n")
        out.write("".join(f"  {line}\n" for line in old))
        return EXIT_OK
    results = asyncio.run((verifier or Verifier()).verify(catalog))
    out.write(report(results))
    if result_file is not None:
        write_result(result_file, results, datetime.now(UTC))
    counts = Counter(r.status for r in results)
    logger.info("sources verified: %s", dict(counts))
    return EXIT_PROBLEMS if counts.get("changed") or counts.get("gone") else EXIT_OK
