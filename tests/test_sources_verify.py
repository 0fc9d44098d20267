"""`python -m bot sources verify` against a local HTTP server on 127.0.0.1 with fixture pages:
unchanged, changed, moved, gone, slow (timeout), huge (size cap), not HTML; and `--stale`."""

from __future__ import annotations

import contextlib
import io
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.infra.http import source_gauges
from bot.infra.sourcecheck import (
    EXIT_OK,
    EXIT_PROBLEMS,
    USER_AGENT,
    Verifier,
    comparable,
    html_text,
    read_result,
    run_verify,
)
from tests.knowledge.conftest import SYNONYMS

QUOTE = "Sellers have 48 hours from the time of the help request to respond."
PAGES: dict[str, tuple[int, str, bytes]] = {
    # the quote split over tags, lines and an entity, with full-width digits: still found
    "/same": (200, "text/html; charset=utf-8",
              "<html><head><script>var x = 1;</script></head><body><p>Sellers have "
              "<b>４８</b>\n hours from the time of the help&nbsp;request to respond.</p>"
              "</body></html>".encode()),
    "/changed": (200, "text/html", b"<p>Sellers have 72 hours to respond.</p>"),
    "/moved": (301, "text/html", b""),
    "/gone": (404, "text/html", b"not found"),
    "/pdf": (200, "application/pdf", b"%PDF-1.4"),
    "/huge": (200, "text/html", b"<p>" + b"x" * 300_000 + b"</p>"),
    "/plain": (200, "text/plain", QUOTE.encode()),
}
SLOW_SECONDS = 3.0
seen_agents: list[str] = []


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        seen_agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/slow":
            time.sleep(SLOW_SECONDS)
        status, kind, body = PAGES.get(self.path, (200, "text/html", QUOTE.encode()))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if status == 301:
            self.send_header("Location", "/same")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # the checker hangs up on a page over its cap or after its timeout
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _data(root: Path, base: str) -> Path:
    """A knowledge directory whose sources are the fixture pages, each with a quoted fact."""
    data = root / "data"
    data.mkdir()
    names = ["same", "changed", "moved", "gone", "slow", "pdf", "huge", "plain"]
    sources = "sources:\n" + "".join(
        f"  - id: page_{n}\n    kind: official\n    title: {{zh: {n}, en: {n}}}\n"
        f"    url: {base}/{n}\n    checked: 2020-01-01\n"
        for n in names
    ) + ("  - id: fresh\n    kind: guide\n    title: {zh: x, en: x}\n    file: x.txt\n"
         f"    checked: {datetime.now(UTC).date()}\n")
    (data / "sources.yaml").write_text(sources, encoding="utf-8")
    (data / "synonyms.yaml").write_text(SYNONYMS, encoding="utf-8")
    notes = "".join(
        f"      - text: {{zh: 卖家 48 小时内回复, en: Sellers answer within 48 hours}}\n"
        f"        aspects: [response_time]\n        sources: [page_{n}]\n"
        f"        quote: \"{QUOTE}\"\n"
        for n in names
    )
    platform = f"""
id: shop
name: {{zh: 商店, en: Shop}}
sources: [page_same]
official_entry: {{text: {{zh: 帮助, en: Help}}}}
channels:
  - id: chat
    kind: chat
    roles: [buyer]
    name: {{zh: 聊天, en: Chat}}
    summary: {{zh: 聊天, en: Chat}}
    sources: [page_same]
    notes:
{notes}
roles:
  - id: buyer
    name: {{zh: 买家, en: Buyer}}
    issues:
      - id: general
        name: {{zh: 联系, en: Contact}}
        recommended: [{{channel: chat, why: {{zh: 快, en: Fast}}}}]
        sources: [page_same]
"""
    (data / "shop.yaml").write_text(platform, encoding="utf-8")
    return data


def test_each_kind_of_page_is_reported_and_changed_or_gone_fail(
    server: str, tmp_path: Path
) -> None:
    data = _data(tmp_path, server)
    out, err = io.StringIO(), io.StringIO()
    result_file = tmp_path / "result" / "sources.json"
    verifier = Verifier(timeout=0.5, concurrency=3, max_bytes=100_000)
    code = run_verify(data_dir=data, verifier=verifier, result_file=result_file, out=out,
                      err=err)
    report = out.getvalue()
    status = {line.split()[1]: line.split()[0] for line in report.splitlines()
              if line and not line.startswith((" ", "sources:"))}
    assert status == {
        "page_same": "ok", "page_plain": "ok", "page_changed": "changed",
        "page_moved": "moved", "page_gone": "gone", "page_slow": "unreachable",
        "page_pdf": "unreachable", "page_huge": "unreachable",
    }, report
    assert code == EXIT_PROBLEMS
    # the facts resting on a changed or gone page are named
    assert "shop.yaml: channels.0.notes.1" in report  # page_changed's fact
    assert "shop.yaml: channels.0.notes.3" in report  # page_gone's fact
    assert "/same" in report  # where the moved page points
    assert USER_AGENT in seen_agents
    found = read_result(result_file)
    assert found is not None
    _finished, counts = found
    assert counts == {"ok": 2, "changed": 1, "moved": 1, "gone": 1, "unreachable": 3}
    gauges = source_gauges(result_file)
    assert gauges["sources_changed"][1] == 1.0 and gauges["sources_ok"][1] == 2.0


def test_all_quotes_found_exits_zero(server: str, tmp_path: Path) -> None:
    data = _data(tmp_path, server)
    for name in ("changed", "moved", "gone", "slow", "pdf", "huge"):
        path = data / "sources.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(f"/{name}\n", "/same\n"),
                        encoding="utf-8")
    out = io.StringIO()
    assert run_verify(data_dir=data, verifier=Verifier(timeout=2.0), out=out) == EXIT_OK
    assert "sources: ok 8, changed 0" in out.getvalue()


def test_stale_lists_sources_checked_long_ago_without_fetching(tmp_path: Path) -> None:
    data = _data(tmp_path, "http://127.0.0.1:9")  # nothing listens there: no fetch happens
    out = io.StringIO()
    assert run_verify(stale_days=30, data_dir=data, out=out) == EXIT_OK
    text = out.getvalue()
    assert "not checked for more than 30 days: 8" in text
    assert "2020-01-01  page_same" in text and "fresh" not in text


def test_html_is_stripped_to_its_words() -> None:
    text = html_text("<style>p{}</style><ul><li>Me</li><li>Chat</li></ul>&amp; more")
    assert comparable(text) == "Me Chat & more"


def test_no_result_file_means_no_gauges(tmp_path: Path) -> None:
    assert source_gauges(None) == {}
    assert source_gauges(tmp_path / "missing.json") == {}
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"counts": {}}), encoding="utf-8")
    assert source_gauges(broken) == {}
