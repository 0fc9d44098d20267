"""`python -m bot ask` and `check` as an operator runs them."""

from __future__ import annotations

import asyncio
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.infra.cli import guess_lang, run_ask, run_check, run_feedback, run_misses
from storage import Database, MissStore
from storage.feedback import AnswerKey, FeedbackStore, VoteKind
from storage.redact import Vocabulary

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_ask_prints_the_answer_in_the_questions_language() -> None:
    done = run("ask", "美国亚马逊客服电话")
    assert done.returncode == 0, done.stderr
    # the number comes only from a guide, and its line says so
    assert done.stdout.splitlines()[1] == (
        "• 美国站: +1-888-280-4331 (美国买家客服)（第三方指南，未在亚马逊官网核实）"
    )
    assert "【来源】" not in done.stdout  # the card only with --full
    assert done.stderr == ""
    full = run("ask", "--full", "美国亚马逊客服电话")
    assert full.stdout.startswith(done.stdout.split("\n\n")[0])
    assert "【来源】" in full.stdout and "最后核对：2026-11-21" in full.stdout


def test_ask_with_lang_and_zone() -> None:
    done = run(
        "ask", "--lang", "en", "--tz", "Europe/Berlin", "amazon", "seller", "support", "hours"
    )
    assert done.returncode == 0, done.stderr
    assert "Amazon · Seller" in done.stdout
    assert "(Europe/Berlin)" in done.stdout


@pytest.mark.parametrize("question", ["", "   ", "\n"])
def test_empty_question_exits_2_with_a_clear_message(question: str) -> None:
    done = run("ask", question)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "python -m bot ask" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_time_zone_exits_2() -> None:
    done = run("ask", "--tz", "Mars/Olympus", "客服电话")
    assert done.returncode == 2
    assert "Mars/Olympus" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "question",
    [
        "<b>客服</b><script>alert(1)</script>",
        "😀😀😀🙏",
        "客服" * 5000,
        "x" * 10_000,
        "\u202e\u0000\u0007 amazon",
        "&lt;&amp; *bold* _it_ `code`",
    ],
)
def test_any_input_is_answered_without_a_traceback(question: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_ask(question, None, "Asia/Shanghai", out, err) == 0
    assert out.getvalue().strip()
    assert err.getvalue() == ""


def test_hostile_input_through_the_real_process() -> None:
    done = run("ask", "<i>" + "亞馬遜😀" * 2000)
    assert done.returncode == 0
    assert done.stdout.strip() and "Traceback" not in done.stderr


def test_unplaceable_question_says_not_sure_with_suggestions() -> None:
    out = io.StringIO()
    assert run_ask("qwertyuiop zxcvb", "en", "Asia/Shanghai", out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == "Not sure what you mean"
    assert lines[1].startswith("I'm not sure")
    assert len(lines) > 2 and all(line.startswith("• ") for line in lines[2:])


def test_guess_lang() -> None:
    assert guess_lang("卖家账号被封") == "zh"
    assert guess_lang("賣家帳號") == "zh"
    assert guess_lang("seller support") == "en"


def test_check_reports_coverage_and_no_unsourced_facts() -> None:
    out = io.StringIO()
    assert run_check(out) == 0
    text = out.getvalue()
    assert "platform amazon" in text and "platform tmall" in text
    assert "facts without a source: 0" in text
    # per platform: cards, numbers, schedules, facts and the unsourced ones (always 0)
    per_platform = [line for line in text.splitlines() if line.startswith("  coverage: ")]
    assert len(per_platform) == text.count("\nplatform ") + text.startswith("platform ")
    assert all(line.endswith("facts without a source 0") for line in per_platform)
    assert "  coverage: cards 17, phone numbers 6," in text  # amazon


def test_check_prints_facts_per_aspect() -> None:
    out = io.StringIO()
    assert run_check(out) == 0
    text = out.getvalue()
    assert "facts per aspect" in text
    assert "  amazon: phone " in text and "  tmall: phone " in text
    assert "facts that answer no aspect: 0" in text


def test_check_fails_on_a_fact_that_answers_no_aspect(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "knowledge" / "data", data)
    tmall = data / "tmall.yaml"
    text = tmall.read_text(encoding="utf-8")
    # the shop's note on service hours, with its aspect taken away
    note = "look for the shop's online-hours notice.\n"
    tagged = note + "        aspects: [hours]\n"
    assert tagged in text
    tmall.write_text(text.replace(tagged, note), encoding="utf-8")
    out = io.StringIO()
    assert run_check(out, data_dir=data) == 1
    assert "facts that answer no aspect: 1" in out.getvalue()
    assert "  tmall.yaml: channels.0.notes.0" in out.getvalue()


def test_check_fails_on_an_unknown_aspect(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "knowledge" / "data", data)
    tmall = data / "tmall.yaml"
    tmall.write_text(tmall.read_text(encoding="utf-8").replace(
        "aspects: [hours]", "aspects: [opening_hours]", 1), encoding="utf-8")
    err = io.StringIO()
    assert run_check(io.StringIO(), err, data_dir=data) == 1
    assert "tmall.yaml: channels.0.notes.0.aspects.0" in err.getvalue()


def test_check_prints_facts_per_source_kind_and_every_figure_quoted() -> None:
    out = io.StringIO()
    assert run_check(out) == 0
    text = out.getvalue()
    # the seeds are guides: no Amazon or Tmall fact rests on an official page
    assert re.search(r"^  amazon: official 0, guide \d+, community 0$", text, re.MULTILINE)
    assert re.search(r"^  tmall: official 0, guide \d+, community 0$", text, re.MULTILINE)
    assert "  shopee: official " in text
    figures = next(line for line in text.splitlines() if line.startswith("facts that state"))
    stated, quoted = (int(n) for n in figures.replace(",", "").split() if n.isdigit())
    assert stated == quoted > 300
    assert "quote problems: 0" in text


def _drop_quote(data: Path, words: str) -> None:
    tmall = data / "tmall.yaml"
    line = f'  quote: "{words}"\n'
    text = tmall.read_text(encoding="utf-8")
    assert line in text
    tmall.write_text(text.replace(line, ""), encoding="utf-8")


def test_check_fails_on_a_figure_without_a_quote_unless_the_file_is_pending(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "knowledge" / "data", data)
    _drop_quote(data, "1.通过帮助中心:天猫的帮助中心是联系官方客服的主要入口。")
    out = io.StringIO()
    assert run_check(out, data_dir=data) == 1
    assert "tmall.yaml: official_entry: states a figure without a quote" in out.getvalue()
    tmall = data / "tmall.yaml"
    tmall.write_text(tmall.read_text(encoding="utf-8") + "quotes_pending: true\n",
                     encoding="utf-8")
    out = io.StringIO()
    assert run_check(out, data_dir=data) == 0
    assert "figures still without a quote, in files marked quotes_pending: 1" in out.getvalue()
    assert "  tmall.yaml: official_entry" in out.getvalue()


def test_check_fails_on_a_seed_quote_that_is_not_in_the_seed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "knowledge" / "data", data)
    tmall = data / "tmall.yaml"
    text = tmall.read_text(encoding="utf-8")
    tmall.write_text(text.replace("天猫的帮助中心是联系官方客服的主要入口。",
                                  "天猫的帮助中心是唯一的入口。", 1), encoding="utf-8")
    out = io.StringIO()
    assert run_check(out, data_dir=data) == 1
    assert "tmall.yaml: official_entry: " in out.getvalue()
    assert "quote problems: 1" in out.getvalue()


def test_ask_leads_with_the_asked_fact() -> None:
    out = io.StringIO()
    assert run_ask("日本亚马逊电话多少", None, "Asia/Shanghai", out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == "亚马逊 · 买家 · 日本站 — 客服电话"
    assert lines[1] == "• 日本站: 050-3184-6300（第三方指南，未在亚马逊官网核实）"
    assert "【来源】" not in out.getvalue()
    full = io.StringIO()
    assert run_ask("日本亚马逊电话多少", None, "Asia/Shanghai", full, full=True) == 0
    assert full.getvalue().startswith(out.getvalue().split("\n\n")[0])
    assert "【来源】" in full.getvalue()  # --full: the whole card follows the direct answer


def test_check_as_a_process_and_main_dispatch(capsys: pytest.CaptureFixture[str]) -> None:
    done = run("check")
    assert done.returncode == 0, done.stderr
    assert main(["ask", "亚马逊", "卖家", "封号"]) == 0
    assert capsys.readouterr().out.startswith("亚马逊 · 卖家 · ")


# --- misses -------------------------------------------------------------------------------


def _env_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.startswith("BOT_"):
            monkeypatch.delenv(name)
    db = tmp_path / "data" / "kefu.sqlite3"
    monkeypatch.setenv("BOT_DB", str(db))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return db


def test_misses_prints_totals_and_the_top_list(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    db = _env_db(monkeypatch, tmp_path)

    async def fill() -> None:
        database = await Database.open(db)
        try:
            store = MissStore(database, vocabulary=Vocabulary.of(["京东"]))
            for sender in range(3):
                await store.record("uncovered", "京东客服电话 400-810-5666", platform="jd",
                                   sender=sender)
            await store.record("not_sure", "怎么办", sender=1)
        finally:
            await database.close()

    asyncio.run(fill())
    out, err = io.StringIO(), io.StringIO()
    assert run_misses(out=out, err=err) == 0, err.getvalue()
    text = out.getvalue()
    assert "misses in the last 30 days: 4 (not_sure 1, uncovered 3)" in text
    assert "uncovered platforms: jd 3" in text
    lines = text.splitlines()
    # asked by one person: counted, its text not shown
    assert lines[2] == "1 of them only counted: their text was asked by fewer than 3 people " \
        "on any one day"
    assert "京东客服电话 ‹…›" in lines[3] and lines[3].split()[0] == "3"
    assert "400" not in text and "怎么办" not in text
    out = io.StringIO()
    assert run_misses(limit=1, out=out, err=err) == 0
    assert "怎么办" not in out.getvalue()


def test_python_m_bot_misses_takes_a_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _env_db(monkeypatch, tmp_path)

    async def fill() -> None:
        database = await Database.open(db)
        try:
            store = MissStore(database, vocabulary=Vocabulary.of(["京东"]))
            for sender in range(3):
                await store.record("uncovered", "京东客服电话", platform="jd", sender=sender)
                await store.record("not_sure", "怎么办", sender=sender)
            await store.record("uncovered", "京东客服电话", platform="jd", sender=3)
        finally:
            await database.close()

    asyncio.run(fill())
    assert main(["misses"]) == 0
    assert "怎么办" in capsys.readouterr().out
    assert main(["misses", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "京东客服电话" in out and "怎么办" not in out
    assert main(["misses", "--limit", "0"]) == 2


def test_misses_without_a_database_creates_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    db = _env_db(monkeypatch, tmp_path)
    err = io.StringIO()
    assert run_misses(out=io.StringIO(), err=err) == 1
    assert "nothing recorded yet" in err.getvalue()
    assert not db.exists()


# --- feedback -----------------------------------------------------------------------------


def test_python_m_bot_feedback_lists_votes_facts_rates_and_reply_times(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _env_db(monkeypatch, tmp_path)
    phone = AnswerKey("amazon", "buyer", "general", "jp", "phone")

    async def fill() -> None:
        database = await Database.open(db)
        try:
            store = FeedbackStore(database)
            for message, vote in enumerate((VoteKind.BROKEN, VoteKind.BROKEN, VoteKind.UP)):
                await store.vote(bytes(8) + message.to_bytes(8, "big"), phone, vote)
            for hours in (5, 7, 30):
                await store.record_reply_time("amazon", "seller", "seller_case", "us", hours)
        finally:
            await database.close()

    err = io.StringIO()
    assert run_feedback(out=io.StringIO(), err=err) == 1  # nothing there: nothing created
    assert "nothing recorded yet" in err.getvalue() and not db.exists()
    asyncio.run(fill())
    assert main(["feedback"]) == 0
    out = capsys.readouterr().out
    assert "votes in the last 90 days: 1 up, 2 down" in out
    assert "     2 down      1 up  amazon.buyer.general.jp phone: broken 2" in out
    assert "facts: channels." in out and "sources: " in out
    assert "amazon phone: 33% (1/3)" in out
    assert "amazon seller seller_case us: 7 h (3)" in out
    assert main(["feedback", "--days", "7"]) == 0
    assert "last 7 days" in capsys.readouterr().out
    assert main(["feedback", "--days", "0"]) == 2
    assert main(["feedback", "--days", "91"]) == 2
