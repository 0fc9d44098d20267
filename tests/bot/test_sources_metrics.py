"""/metrics shows the last `python -m bot sources verify` run, read from its result file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.core.clock import ManualClock
from bot.infra.http import Lifecycle, ServerState, metrics_exposition
from bot.infra.sourcecheck import SourceResult, write_result
from tests.bot.exposition import kind, sample
from tests.bot.harness import Harness

FINISHED = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


async def _scrape(bot: Harness) -> str:
    body, _ = await metrics_exposition(ServerState(bot.app, "polling", Lifecycle.READY))
    return body.decode()


async def test_metrics_expose_the_last_source_check(
    db_path: Path, clock: ManualClock, tmp_path: Path
) -> None:
    result_file = tmp_path / "sources-verify.json"
    bot = await Harness.start(db_path, clock, sources_result=result_file)
    try:
        # no run yet: no source metrics rather than made-up zeros
        assert "kefu_sources_ok" not in await _scrape(bot)
        write_result(result_file, [
            SourceResult("a", "https://a.example/", "ok"),
            SourceResult("b", "https://b.example/", "ok"),
            SourceResult("c", "https://c.example/", "changed", "1 of 2 quotes not found",
                         ("x.yaml: notes.0",)),
            SourceResult("d", "https://d.example/", "gone", "HTTP 404"),
        ], FINISHED)
        text = await _scrape(bot)
        assert kind(text, "kefu_sources_ok") == "gauge"
        assert sample(text, "kefu_sources_ok") == 2
        assert sample(text, "kefu_sources_changed") == 1
        assert sample(text, "kefu_sources_gone") == 1
        assert sample(text, "kefu_sources_moved") == 0
        assert sample(text, "kefu_sources_checked_timestamp_seconds") == FINISHED.timestamp()
    finally:
        await bot.stop()
