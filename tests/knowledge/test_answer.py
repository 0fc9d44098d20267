"""The direct answer: the asked fact first, short, from the knowledge files only.

Runs on the real knowledge files: what is measured is what users get. The one-fact
questions live in questions.yaml (entries with an `aspect`).
"""

from __future__ import annotations

import re
import shutil
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
import zhconv

from knowledge import textnorm
from knowledge.answer import MAX_CHARS, MAX_LINES, DirectAnswer, direct_answer
from knowledge.catalog import CardRef, Catalog, load_catalog, platform_facts
from knowledge.reply import Responder
from knowledge.schema import Aspect, Lang, SourceKind
from knowledge.search import SearchIndex

QUESTIONS = Path(__file__).with_name("questions.yaml")
DATA = Path(__file__).resolve().parents[2] / "knowledge" / "data"
# Wednesday 12:00 in Shanghai: US Eastern is 23:00 on Tuesday (closed), India 09:30 (open)
NOW = datetime(2026, 3, 4, 4, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_CHARS = 300  # the asked fact must be within this much of the answer's text
ANSWER_FIRST_RATE = 0.95


@pytest.fixture(scope="module")
def index(catalog: Catalog) -> SearchIndex:
    return SearchIndex(catalog)


def ask(catalog: Catalog, index: SearchIndex, question: str, *, zone: ZoneInfo = SHANGHAI,
        lang: Lang | None = None, personal: bool = True) -> DirectAnswer:
    lang = lang or ("zh" if textnorm.has_han(question) else "en")
    return direct_answer(catalog, index, question, lang=lang, user_zone=zone, now=NOW,
                         personal=personal)


def _one_fact_questions() -> list[dict[str, Any]]:
    loaded = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return [q for q in loaded if "aspect" in q]


# --- the question set --------------------------------------------------------------------


def test_one_fact_questions_are_many_and_varied() -> None:
    questions = _one_fact_questions()
    assert len(questions) >= 60
    texts = [q["q"] for q in questions]
    assert len(set(texts)) == len(texts)
    assert any(textnorm.to_simplified(t) != t for t in texts), "no traditional Chinese"
    assert any(not textnorm.has_han(t) for t in texts), "no English"
    assert any(textnorm.to_simplified(t) == t and textnorm.has_han(t) for t in texts)
    asked = {Aspect(q["aspect"]) for q in questions}
    assert asked == set(Aspect), f"no question for {set(Aspect) - asked}"
    for question in questions:
        assert question.get("fact"), question


def _check(answer: DirectAnswer, question: dict[str, Any]) -> str | None:
    """Why the answer misses the question, or None when it answers it."""
    text = answer.plain_text()
    where = text.find(question["fact"])
    if answer.ref is None:
        return "not understood"
    if answer.aspect != Aspect(question["aspect"]):
        return f"read as {answer.aspect}"
    if "card" in question:
        card = CardRef(answer.ref.platform, answer.ref.role, answer.ref.issue).key
        if card != question["card"]:
            return f"card {card}"
    if "site" in question and answer.ref.site != question["site"]:
        return f"site {answer.ref.site}"
    if where < 0:
        return "fact not in the answer"
    if where + len(question["fact"]) > FIRST_CHARS:
        return f"fact at character {where}"
    return None


def test_the_asked_fact_comes_first(catalog: Catalog, index: SearchIndex) -> None:
    questions = _one_fact_questions()
    misses: list[str] = []
    lengths: list[int] = []
    for question in questions:
        answer = ask(catalog, index, question["q"])
        text = answer.plain_text()
        lengths.append(len(text))
        assert len(text) <= MAX_CHARS, (question["q"], len(text))
        assert len(answer.lines) <= MAX_LINES, question["q"]
        why = _check(answer, question)
        if why is not None:
            misses.append(f"{question['q']}: {why}\n{text}")
    rate = 1 - len(misses) / len(questions)
    assert rate >= ANSWER_FIRST_RATE, "\n".join(misses)
    # the whole first reply is short: at most 600 characters at the median
    assert statistics.median(lengths) <= 600


def test_every_number_shown_is_in_the_knowledge_files(catalog: Catalog,
                                                      index: SearchIndex) -> None:
    """The bot never invents a number: phone-like figures come from the files."""
    files = "".join(p.read_text(encoding="utf-8") for p in DATA.glob("*.yaml"))
    for question in _one_fact_questions():
        text = ask(catalog, index, question["q"]).plain_text()
        for number in re.findall(r"\+?\d[\d -]{5,}\d", text):
            assert number in files, (question["q"], number)


# --- what an answer holds -------------------------------------------------------------------


def test_a_phone_number_with_its_site_and_source(catalog: Catalog, index: SearchIndex) -> None:
    answer = ask(catalog, index, "日本亚马逊电话多少")
    assert answer.ref == CardRef("amazon", "buyer", "general", "jp")
    assert answer.aspect == Aspect.phone
    assert answer.headline == "亚马逊 · 买家 · 日本站 — 客服电话"
    # the number comes only from a guide, and the line says so
    assert answer.lines[0].text == "日本站: 050-3184-6300（第三方指南，未在亚马逊官网核实）"
    assert answer.sources[0].id == "seed_000_buyer_guide"
    assert "来源：亚马逊客服全面指南" in answer.plain_text()
    assert answer.recommendation is not None
    assert answer.recommendation.text.startswith("推荐：")
    assert "cn" in answer.sites and "jp" not in answer.sites  # other sites, for buttons
    assert answer.from_search


def test_no_site_named_answers_for_every_site_when_it_fits(catalog: Catalog,
                                                           index: SearchIndex) -> None:
    answer = ask(catalog, index, "亚马逊客服电话")
    assert answer.ref is not None and answer.ref.site is None
    text = answer.plain_text()
    for number in ("400-810-5666", "400-820-8686", "+1-888-280-4331", "0800 085 2080",
                   "050-3184-6300", "0800 290 6666"):
        assert number in text
    assert len(answer.lines) == 5 and not answer.narrow
    assert set(answer.sites) == {"cn", "us", "uk", "jp", "de"}


def test_no_site_named_and_too_many_sites_offers_a_choice(catalog: Catalog,
                                                          index: SearchIndex) -> None:
    answer = ask(catalog, index, "亚马逊卖家客服说什么语言")
    assert answer.aspect == Aspect.languages
    assert answer.narrow
    assert answer.lines[-1].text.startswith("各站点不同，选择站点查看：")
    assert "中国大陆" in answer.lines[-1].text
    assert set(answer.sites) == {"us", "uk", "de", "eu", "jp", "in", "cn"}
    assert len(answer.lines) <= MAX_LINES


def test_a_site_without_its_own_figure_says_so(catalog: Catalog, index: SearchIndex) -> None:
    answer = ask(catalog, index, "印度亚马逊买家客服电话")
    assert answer.ref is not None and answer.ref.site == "in"
    assert answer.lines[0].text.startswith("指南没有给出印度站的这项信息")
    assert "日本站" in answer.lines[0].text
    assert "050-3184-6300" not in answer.plain_text()  # no other site's number as India's


def test_hours_are_in_the_askers_zone_with_open_now(catalog: Catalog,
                                                    index: SearchIndex) -> None:
    shanghai = ask(catalog, index, "美国站卖家电话几点开")
    assert "🔴 现在关闭，18:00 开放（你的时间）" in shanghai.lines[0].text
    berlin = ask(catalog, index, "美国站卖家电话几点开", zone=ZoneInfo("Europe/Berlin"))
    assert "🔴 现在关闭，11:00 开放（你的时间）" in berlin.lines[0].text
    shared = ask(catalog, index, "美国站卖家电话几点开", personal=False)
    assert "（Asia/Shanghai）" in shared.lines[0].text and "你的时间" not in shared.lines[0].text


def test_a_fact_named_with_a_platform_but_no_issue_is_answered(catalog: Catalog,
                                                                index: SearchIndex) -> None:
    for question, wanted in [
        ("欧洲站卖家多久回复", "18 小时"),
        ("individual plan seller can I phone amazon", "Professional-plan"),
        ("how fast does amazon answer a buyer email", "1–3 days"),
    ]:
        assert not index.search(question).confident  # search alone is not sure ...
        answer = ask(catalog, index, question)
        assert answer.ref is not None and not answer.from_search  # ... the aspect decides
        assert wanted in answer.plain_text()[:FIRST_CHARS], question
    # (with no role said, the shoppers' general card is search's own choice)
    answer = ask(catalog, index, "联系亚马逊客服要准备什么")
    assert answer.ref is not None and answer.ref.role == "buyer"
    assert "订单号" in answer.plain_text()[:FIRST_CHARS]


def test_a_named_role_wins_over_another_roles_card(catalog: Catalog, index: SearchIndex) -> None:
    answer = ask(catalog, index, "亚马逊卖家有没有客服电话")
    assert answer.ref is not None and answer.ref.role == "seller"
    assert "400-810-5666" not in answer.plain_text()  # buyers' numbers are not sellers'


def test_a_channel_asked_alongside_keeps_its_own_figures(catalog: Catalog,
                                                         index: SearchIndex) -> None:
    answer = ask(catalog, index, "亚马逊卖家邮件多久回复")
    assert answer.aspect == Aspect.response_time
    assert "24–72 小时" in answer.lines[0].text
    assert "分钟" not in answer.plain_text()  # not the chat's or the phone's minutes


def test_time_waited_gives_the_playbook_round(catalog: Catalog, index: SearchIndex) -> None:
    within = ask(catalog, index, "亚马逊卖家工单10小时没回")
    assert within.elapsed == timedelta(hours=10)
    assert "还在正常范围内" in within.lines[0].text
    over = ask(catalog, index, "亚马逊卖家工单48小时没回")
    assert "第 2 轮跟进" in over.lines[0].text
    playbook = catalog.platforms["amazon"].followups[1]
    assert (playbook.round, playbook.roles) == (2, ["seller"])
    assert over.lines[1].text == playbook.steps[0].text.zh
    last = ask(catalog, index, "亚马逊卖家工单等了一个月还没回")
    assert "第 4 轮跟进" in last.lines[0].text  # capped at the playbook's last round


@pytest.mark.parametrize(("question", "said", "not_said"), [
    ("亚马逊卖家工单等了一个月还没回", "已等约 4周", "720"),
    ("amazon seller case, no answer for 5 days now", "Waited about 5 days", "120 h"),
    ("amazon seller case unanswered for 10 hours", "Waited about 10 hours, still within", " h:"),
])
def test_the_time_waited_is_said_in_the_unit_a_person_would_use(
        catalog: Catalog, index: SearchIndex, question: str, said: str, not_said: str) -> None:
    # and the reply time the files give follows as their own sentence, not inside ours
    # ("usually takes Usually 1–24 hours")
    first = ask(catalog, index, question).lines[0].text
    assert said in first and not_said not in first, first
    assert "takes Usually" not in first, first


@pytest.mark.parametrize(("question", "fact", "waited"), [
    ("amazon seller case 30 hours no reply, do i open a duplicate case?",
     "never open duplicates", "Waited about 30 hours"),
    # of the lines about resubmitting, the one whose time has come: after 30 hours the
    # 24-hour line, after four days the 72-hour one
    ("亚马逊卖家工单提交30小时了还没回 要不要换个分类重新提交", "超过 24 小时没回应就补充信息",
     "已等约 30小时"),
    ("亚马逊卖家工单提交4天了还没回 要不要换个分类重新提交", "超过 72 小时没回复：先查邮箱",
     "已等约 4天"),
])
def test_a_time_waited_with_a_question_of_its_own_answers_that_first(
        catalog: Catalog, index: SearchIndex, question: str, fact: str, waited: str) -> None:
    # the sentence the question's own words ask about, then how long that is and the
    # follow-up round's steps
    lines = [line.text for line in ask(catalog, index, question).lines]
    assert fact in lines[0], lines
    assert waited in lines[1], lines


def test_no_aspect_leaves_the_card_summary_to_the_caller(catalog: Catalog,
                                                         index: SearchIndex) -> None:
    answer = ask(catalog, index, "亚马逊卖家账号被封")
    assert answer.ref is not None and answer.ref.issue == "suspension"
    assert answer.aspect is None and answer.lines == ()
    # the title, and the card's first recommendation to go with its summary
    assert answer.headline == "亚马逊 · 卖家 · 账户停用 / 封号 / 审核"
    assert answer.recommendation is not None


def test_not_understood_has_no_card(catalog: Catalog, index: SearchIndex) -> None:
    answer = ask(catalog, index, "qwertyuiop zxcvb")
    assert answer.ref is None and answer.plain_text() == ""


def test_nothing_in_the_guides_is_said_plainly(catalog: Catalog, index: SearchIndex) -> None:
    # a channel the files do not list: which one, said plainly
    answer = ask(catalog, index, "天猫客服邮箱")
    assert answer.ref is not None and answer.ref.platform == "tmall"
    assert answer.lines[0].text == "指南没有列出天猫的邮件渠道。"
    # anything else the files say nothing about, and nothing near it either
    answer = ask(catalog, index, "temu客服节假日上班吗")
    assert answer.ref is not None and answer.ref.platform == "temu"
    assert answer.lines[0].text == "指南里没有这项信息，请以官方入口为准。"


@pytest.mark.parametrize(
    "question",
    ["电话" * 5000, "<b>亚马逊</b>电话<script>", "\u202e\x00亚马逊 hours", "amazon " * 3000,
     "亚马逊客服电话几点开多久回复邮件聊天转人工介入骗子节假日"],
)
def test_any_input_stays_within_the_limits(catalog: Catalog, index: SearchIndex,
                                           question: str) -> None:
    answer = ask(catalog, index, question)
    assert len(answer.plain_text()) <= MAX_CHARS
    assert len(answer.lines) <= MAX_LINES


def test_every_answer_of_every_card_fits(catalog: Catalog, index: SearchIndex) -> None:
    """Each aspect asked about each platform, role and site stays within the limits."""
    words = {Aspect.phone: "电话", Aspect.hours: "几点", Aspect.response_time: "多久回复",
             Aspect.email: "邮件", Aspect.chat: "在线聊天", Aspect.callback: "回拨",
             Aspect.entry: "入口在哪", Aspect.prepare: "要准备什么", Aspect.escalation: "升级",
             Aspect.followup: "没人回复", Aspect.languages: "什么语言",
             Aspect.eligibility: "个人卖家能用吗", Aspect.deadline: "期限",
             Aspect.retention: "聊天记录保存多久", Aspect.holiday: "黑五",
             Aspect.human: "转人工", Aspect.intervene: "介入", Aspect.safety: "骗子"}
    for platform in catalog.platforms.values():
        sites = ["", *(s.name.zh for s in platform.sites)]
        for role in platform.roles:
            for site in sites:
                for aspect, word in words.items():
                    question = f"{platform.name.zh}{role.name.zh}{site}{word}"
                    for lang in ("zh", "en"):
                        answer = ask(catalog, index, question, lang=lang)  # type: ignore[arg-type]
                        text = answer.plain_text()
                        assert len(text) <= MAX_CHARS, question
                        assert len(answer.lines) <= MAX_LINES, question
                        if answer.note_once and answer.note_once in text:
                            # said once means said nowhere else, and never over an
                            # official source
                            assert text.count(answer.note_once) == 1, question
                            assert answer.note not in text, question
                            assert all(s.kind is not SourceKind.official
                                       for s in answer.sources), question
                        if answer.aspect is not None and answer.ref is not None:
                            assert answer.lines, (question, aspect)


# --- how sure: a note every line shares is said once ---------------------------------------

GUIDE_ZH = "（第三方指南，未在亚马逊官网核实）"
GUIDE_EN = " (third-party guide, unconfirmed by Amazon)"
ONCE_ZH = "以上信息来自第三方指南，未在亚马逊官网核实。"
ONCE_EN = "All of the above is from third-party guides, unconfirmed by Amazon."


def _shown(answer: DirectAnswer) -> list[str]:
    """The fact lines and what follows them, up to the sources line."""
    lines = answer.plain_text().splitlines()[1:]
    return lines[:next(i for i, line in enumerate(lines) if line.startswith(("来源", "Source")))]


@pytest.mark.parametrize(
    ("question", "lang", "note", "once"),
    [("亚马逊客服电话", "zh", GUIDE_ZH, ONCE_ZH),
     ("amazon customer service phone number", "en", GUIDE_EN, ONCE_EN),
     ("美国站卖家电话支持几点开", "zh", GUIDE_ZH, ONCE_ZH),
     ("amazon seller support phone hours", "en", GUIDE_EN, ONCE_EN)],
    ids=["phone-zh", "phone-en", "hours-zh", "hours-en"],
)
def test_a_note_every_line_shares_is_said_once_after_the_lines(
    catalog: Catalog, index: SearchIndex, question: str, lang: Lang, note: str, once: str,
) -> None:
    answer = ask(catalog, index, question, lang=lang)
    # the data keeps each note on its line; what is shown says it once
    assert sum(note in line.text for line in answer.lines) >= 2
    shown = _shown(answer)
    text = answer.plain_text()
    assert text.count(once) == 1 and note not in text
    assert shown[-1] == once  # after the fact lines, before the sources line
    assert answer.plain_text().index(once) < answer.plain_text().index(answer.source_line())
    assert all(s.kind is SourceKind.guide for s in answer.sources)
    # the first line reads shorter: the figure, without 17 or 42 characters of note
    assert not answer.shown_lines()[0].text.endswith(note)


def test_a_note_only_one_line_carries_stays_on_that_line(
    catalog: Catalog, index: SearchIndex,
) -> None:
    for question, lang, note, once in (("日本亚马逊电话多少", "zh", GUIDE_ZH, ONCE_ZH),
                                       ("美国亚马逊客服电话", "zh", GUIDE_ZH, ONCE_ZH),
                                       ("amazon japan phone number", "en", GUIDE_EN, ONCE_EN)):
        answer = ask(catalog, index, question, lang=lang)
        text = answer.plain_text()
        assert text.count(note) == 1 and once not in text, question
        assert answer.shown_lines() == answer.lines
        (line,) = [x for x in _shown(answer) if note in x]
        assert line.startswith("• ") and line.endswith(note)


def test_a_long_line_keeps_its_note_whole(catalog: Catalog, index: SearchIndex) -> None:
    """The line cap cuts a fact's words, never the note after them (which said once,
    gives the words their room back)."""
    answer = ask(catalog, index, "amazon seller support hours uk", lang="en")
    long = [line for line in answer.lines if len(line.text) > 200]
    assert long and all(line.text.endswith(GUIDE_EN) for line in long)
    assert "payment problems." in answer.plain_text() and ONCE_EN in answer.plain_text()


def _with_kinds(data: Path, kinds: dict[str, str]) -> Catalog:
    """The knowledge files, copied to `data`, with some guides given another kind."""
    shutil.copytree(DATA, data)
    sources = data / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    for sid, kind in kinds.items():
        old = f"  - id: {sid}\n    kind: guide\n"
        assert old in text
        text = text.replace(old, f"  - id: {sid}\n    kind: {kind}\n")
    sources.write_text(text, encoding="utf-8")
    return load_catalog(data)


@pytest.fixture(scope="module")
def mixed_kinds(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """One of Amazon's two buyer guides made official (the US number cites it)."""
    return _with_kinds(tmp_path_factory.mktemp("official") / "data",
                       {"seed_001_phone_guide": "official"})


@pytest.mark.parametrize(("lang", "note", "once"), [("zh", GUIDE_ZH, ONCE_ZH),
                                                    ("en", GUIDE_EN, ONCE_EN)],
                         ids=["zh", "en"])
def test_an_official_line_among_guide_lines_keeps_the_notes_on_their_lines(
    mixed_kinds: Catalog, lang: Lang, note: str, once: str,
) -> None:
    index = SearchIndex(mixed_kinds)
    answer = ask(mixed_kinds, index, "亚马逊买家客服电话", lang=lang)
    shown = _shown(answer)
    assert once not in answer.plain_text()
    # the US number now rests on an official page: no note, and no line says otherwise
    (us,) = [line for line in shown if "888-280-4331" in line]
    assert note not in us
    assert sum(line.endswith(note) for line in shown) >= 2
    assert answer.shown_lines() == answer.lines


def test_lines_with_different_notes_keep_each_its_own(tmp_path: Path) -> None:
    # the seller case's reply time rests on users' reports, Europe's on a guide
    catalog = _with_kinds(tmp_path / "data", {"seed_001_phone_guide": "community"})
    answer = ask(catalog, SearchIndex(catalog), "卖家工单多久回复", lang="zh")
    text = answer.plain_text()
    assert "（用户经验，未在亚马逊官网核实）" in text and GUIDE_ZH in text
    assert "以上信息" not in text


def test_a_note_said_once_gives_its_room_back_to_the_facts(
    catalog: Catalog, index: SearchIndex,
) -> None:
    """Five 42-character notes no longer push Germany's number out of the answer."""
    answer = ask(catalog, index, "amazon customer service phone number", lang="en")
    assert "0800 290 6666" in answer.plain_text() and not answer.narrow
    assert len(answer.plain_text()) <= MAX_CHARS and len(answer.lines) <= MAX_LINES


@pytest.mark.parametrize(("question", "said"), [("temu退货期限", "90 天"),
                                                ("etsy多久内可以开case", "100 天")])
def test_a_fact_the_files_state_twice_is_said_once(
    catalog: Catalog, index: SearchIndex, question: str, said: str
) -> None:
    # a channel's note and an issue's tip repeat it in other words: one line says it
    lines = _shown(ask(catalog, index, question, lang="zh"))
    assert sum(said in line for line in lines) == 1, lines


@pytest.mark.parametrize(("question", "lang", "opening"), [
    ("shopee malaysia guarantee how many days", "en", "Malaysia: "),
    ("越南tiktok退货期限几天", "zh", "越南："),
])
def test_a_fact_that_names_its_site_is_not_prefixed_with_it_again(
    catalog: Catalog, index: SearchIndex, question: str, lang: Lang, opening: str
) -> None:
    first = _shown(ask(catalog, index, question, lang=lang))[0].removeprefix("• ")
    assert first.startswith(opening) and not first.startswith(opening * 2)
    assert "马来西亚站: " not in first and "越南站: " not in first


@pytest.mark.parametrize(("question", "lang", "own", "other"), [
    ("越南买的tiktok卖家不肯退，能找平台吗", "zh", "越南：", "美国："),
    ("vietnam tiktok shop seller keeps ignoring me, will tiktok step in?", "en",
     "Vietnam: ", "US: "),
])
def test_a_fact_labelled_for_one_site_is_that_sites(
    catalog: Catalog, index: SearchIndex, question: str, lang: Lang, own: str, other: str
) -> None:
    # a playbook step that opens with "US:" is no answer for a Vietnamese order: the
    # site named gets its own facts (the Vietnamese dispute service's, and the lines
    # labelled for Vietnam) and never another site's
    shown = [line.removeprefix("• ") for line in _shown(ask(catalog, index, question, lang=lang))]
    assert any(line.startswith(own) for line in shown[:2]), shown
    assert not any(line.startswith(other) for line in shown), shown


@pytest.mark.parametrize("question", ["虾皮新加坡 客服 周末有人吗",
                                      "shopee singapore support open on weekends?"])
def test_a_note_of_one_sites_lines_is_no_answer_for_another_site(
    catalog: Catalog, index: SearchIndex, question: str,
) -> None:
    # "马来西亚这些反诈热线，页面只写了时段…" answered a Singapore hours question: the
    # note is the Malaysian scam lines' and now says so in its first word, as the files'
    # convention wants (`catalog.platform_facts`)
    answer = ask(catalog, index, question)
    assert answer.ref is not None and answer.ref.site == "sg"
    text = answer.plain_text()
    assert "马来西亚这些" not in text and "Malaysian scam lines" not in text, text
    platform = catalog.platform("shopee")
    facts = {f.path: f for f in platform_facts(platform)}
    assert all(facts[p].site in (None, "sg") for p in answer.facts), answer.facts


@pytest.mark.parametrize("question", ["马来西亚 997 反诈热线几点能打", "shopee 997 几点开",
                                      # (the four lines' English notes did not fit after
                                      # the note: the first of them that fit are shown)
                                      "what time does malaysia's 997 scam line open"])
def test_a_lines_hours_stated_in_its_note_answer_when_it_is_open(
    catalog: Catalog, index: SearchIndex, question: str,
) -> None:
    # the 997 line's hours are in its note ("NSRC, 8:00 AM to 8:00 PM") and nowhere else:
    # asked when it is open, the answer had only "the page gives the hours, not the days"
    answer = ask(catalog, index, question)
    assert answer.aspect is Aspect.hours
    head = answer.plain_text()[:FIRST_CHARS]
    assert re.search(r"8:00 ?AM to 8:00 ?PM", head), head


@pytest.mark.parametrize(("question", "said"), [
    ("天猫那个机器人客服到底是干嘛的", "能解决大部分基础购物问题"),
    ("what is tmall's service robot actually for?", "solves most basic shopping questions"),
])
def test_asked_what_a_channel_is_for_its_description_leads(
    catalog: Catalog, index: SearchIndex, question: str, said: str
) -> None:
    assert said in _shown(ask(catalog, index, question))[0]


def test_the_channel_the_words_match_best_leads_not_the_one_listed_before_it(
    catalog: Catalog, index: SearchIndex
) -> None:
    # Shopee's Discuss is the channel after Return/Refund in the file; two channels side
    # by side are no rule and its exception
    first = _shown(ask(catalog, index, "seller on shopee and i disagree on the refund for my "
                                       "order, where in the app do i negotiate"))[0]
    assert "Discuss" in first, first


@pytest.mark.parametrize("question", [
    "TK上買的東西怎麼聯絡賣家",
    "how do i contact the seller on tiktok shop",
    "tiktok买的东西怎么联系卖家",
])
def test_the_channel_named_answers_under_its_own_headline(
    catalog: Catalog, index: SearchIndex, question: str,
) -> None:
    # the card recommends asking the seller first, so the seller chat is not narrowed to;
    # the platform's own way in ("Help → Get Help → Contact us") used to lead under the
    # headline "Message the seller"
    answer = ask(catalog, index, question)
    channel = catalog.platform("tiktok").channels[0]
    assert channel.id == "seller_chat"
    assert answer.facts and answer.facts[0].startswith("channels.0"), answer.facts
    assert channel.name.get(answer.lang) in answer.headline


@pytest.mark.parametrize("question", [
    "天猫官方客服怎么找 不是店铺客服",
    "how do I reach Tmall's own customer service, not the shop's?",
    # "own ... service" matches the shop's note about a brand's own service team nearly as
    # well as the official service's facts match: the way named answers
    "where do I find tmall's own customer service",
])
def test_the_shop_does_not_answer_for_the_platform(
    catalog: Catalog, index: SearchIndex, question: str,
) -> None:
    # the shop's words matched its channel: its entry (or a note of it) came first
    answer = ask(catalog, index, question)
    shop = catalog.platform("tmall").channels[0]
    assert shop.id == "merchant"
    assert answer.facts and not answer.facts[0].startswith("channels.0"), answer.facts


@pytest.mark.parametrize("question", [
    "tmall on pc, order list, contact seller button",
    "tmall order list on my laptop - where's the contact seller button",
])
def test_the_shops_way_in_is_not_the_platforms_front_door(
    catalog: Catalog, index: SearchIndex, question: str,
) -> None:
    # the platform's own way in (My Tmall → Customer Service) shares the words "contact"
    # and "button" with the question, but the shop was named
    answer = ask(catalog, index, question)
    assert answer.facts and answer.facts[0] != "official_entry", answer.facts
    assert "联系卖家" in answer.plain_text()[:300], answer.plain_text()


@pytest.mark.parametrize("question", [
    "亚马逊卖家账号被封了 在哪申诉",
    "temu退款进度在哪看",
])
def test_the_way_in_to_a_matter_is_its_channels_before_the_platforms_front_door(
    catalog: Catalog, index: SearchIndex, question: str,
) -> None:
    # "where do I appeal": the appeal's own steps; the platform's general way in ("买家：
    # 官网或 App →「联系我们」。卖家：…") said nothing about the matter and took the room
    answer = ask(catalog, index, question)
    assert answer.ref is not None and answer.ref.issue != "general"
    assert "official_entry" not in answer.facts[:3], answer.facts


@pytest.mark.parametrize(("question", "platform", "said"), [
    # no platform named, but the words tell one platform's fact clearly
    ("delivered to me in manila yesterday but order received and return/refund are both "
     "greyed out, why", "shopee", "24 - 48 hours"),
    # ... even where search was sure of a card (a scam story, which every platform has)
    ("buyer told me her payment did not go through and asks for my email so she can "
     "complete the purchase, legit?", "etsy", "e-mail is never required"),
])
def test_a_platform_only_one_platforms_facts_tell_is_that_platform(
    catalog: Catalog, index: SearchIndex, question: str, platform: str, said: str
) -> None:
    answer = ask(catalog, index, question)
    assert answer.ref is not None and answer.ref.platform == platform
    assert said in answer.plain_text()[:FIRST_CHARS]


def test_a_short_generic_question_names_no_platform_by_its_facts(
    catalog: Catalog, index: SearchIndex
) -> None:
    # two words shared with a Walmart seller's rule are no reason to answer as Walmart
    answer = ask(catalog, index, "how do i cancel an order")
    assert answer.ref is None or answer.ref.platform != "walmart"


def test_the_leading_fact_is_not_said_twice(catalog: Catalog, index: SearchIndex) -> None:
    # the best-matching numbers lift their line, said in the file's order (the national
    # scam line first); the list they were taken from must not repeat any
    answer = ask(catalog, index, "shopee malaysia scam hotline number")
    line = answer.plain_text().splitlines()[1]
    assert line.startswith("• Malaysia: 997 "), line
    for number in ("997 ", "013-211 1222", "03-26101559", "03-26101599"):
        assert line.count(number) <= 1, line


@pytest.mark.parametrize("question", [
    "想问下天猫上一件外套有没有M码，是问店家还是问天猫官方",  # which of two: 还是 / 還是
    "天猫的机器人客服能帮我干啥",  # what a channel is for: 干啥 / 幹啥
])
def test_traditional_chinese_reads_the_same_cues_as_simplified(
    catalog: Catalog, index: SearchIndex, question: str,
) -> None:
    traditional = zhconv.convert(question, "zh-hant")
    assert traditional != question
    simplified, written = ask(catalog, index, question), ask(catalog, index, traditional)
    assert (written.ref, written.aspect, written.facts[:1]) == (
        simplified.ref, simplified.aspect, simplified.facts[:1])


@pytest.mark.parametrize(("question", "added"), [
    ("亚马逊买家发邮件一般几天回", "，急！！"),
    ("how long does amazon take to reply to an email", " pls urgent!!"),
    ("亚马逊卖家封号申述信要写哪几块", "谢谢"),
])
def test_an_aside_added_to_a_question_changes_nothing_in_its_answer(
    catalog: Catalog, question: str, added: str,
) -> None:
    # "急" is no question of how fast, nor "thanks" a word of a fact
    responder = Responder(catalog)
    lang: Lang = "zh" if textnorm.has_han(question) else "en"

    def answered(text: str) -> DirectAnswer:
        reply = responder.respond(text, lang=lang, user_zone=SHANGHAI, now=NOW)
        assert isinstance(reply, DirectAnswer), reply
        return reply

    plain, said = answered(question), answered(question + added)
    assert (said.ref, said.aspect, said.facts) == (plain.ref, plain.aspect, plain.facts)


@pytest.mark.parametrize(("question", "story"), [
    ("amazon uk phone number", "long story short, "),
    ("亚马逊客服电话", "说来话长，"),
])
def test_an_idiom_before_a_question_is_no_word_of_a_fact(
    catalog: Catalog, index: SearchIndex, question: str, story: str,
) -> None:
    # "long" of "long story short" matched "Waits are long on holidays…", which then led
    plain, told = ask(catalog, index, question), ask(catalog, index, story + question)
    assert (told.ref, told.aspect, told.facts[:1]) == (plain.ref, plain.aspect, plain.facts[:1])


@pytest.mark.parametrize("question", [
    "amazon seller phone support hours in india",
    "印度站卖家电话几点能打",
])
def test_a_site_named_gets_no_fact_about_other_sites(catalog: Catalog, index: SearchIndex,
                                                     question: str) -> None:
    """"US, Europe and Japan run 24/7" names its sites: it says nothing of India's line,
    and shown under India it reads as India's."""
    text = ask(catalog, index, question).plain_text()
    assert "09:00–18:00" in text or "9:00–18:00" in text, text
    assert "Japan" not in text and "日本" not in text, text


def test_a_fact_naming_sites_is_known_to_be_about_them(catalog: Catalog) -> None:
    amazon = catalog.platform("amazon")
    assert amazon is not None
    about = {f.path: f.names_sites for f in platform_facts(amazon)}
    round_the_clock = next(f.path for f in platform_facts(amazon)
                           if f.channel == "seller_phone" and "7×24" in getattr(
                               getattr(f.item, "text", None), "zh", ""))
    assert {"us", "jp", "eu"} <= about[round_the_clock]
    # a step stays where it is, whatever place it names
    assert all(not names for path, names in about.items() if ".steps_" in path)


@pytest.mark.parametrize("question", ["天猫双11客服排队吗", "双十一期间天猫客服好找吗"])
def test_an_aspect_the_platform_states_nothing_of_reads_its_words_as_content(
        catalog: Catalog, index: SearchIndex, question: str) -> None:
    """Tmall's files state no holidays; its peak-time queue is the near answer, and "the
    guides have nothing" would stop the asker there."""
    text = ask(catalog, index, question).plain_text()
    assert "高峰时段可能需要排队" in text, text
    assert "没有这项信息" not in text, text


@pytest.mark.parametrize(("question", "fact"), [
    # the same rule is a tip of two issues: two matches alike, far ahead of the rest
    ("天猫七天无理由退伙咋办理", "七天无理由退货规则申请退货"),
    # only two facts match, close: the better one is still what is asked
    ("亚马逊快递晚了一周 可以要补偿吗", "按指引申请退换货或补偿"),
])
def test_two_facts_matching_alike_still_single_out_what_is_asked(
        catalog: Catalog, index: SearchIndex, question: str, fact: str) -> None:
    text = ask(catalog, index, question).plain_text()
    assert fact in text[:FIRST_CHARS], text


@pytest.mark.parametrize(("question", "reason"), [
    ("亚马逊卖家付款一直没收到 能打电话问吗", "付款异常属于高优先级问题，电话更快"),
    # a language named: the way whose reason names it
    ("亚马逊卖家 欧洲VAT申报的事 能用中文沟通吗", "这个类别支持中文客服"),
    ("my amazon seller account got suspended, should i phone them?",
     "An urgent suspension is high priority and the phone is fastest"),
])
def test_the_cards_reason_for_the_way_asked_about_comes_first(
        catalog: Catalog, index: SearchIndex, question: str, reason: str) -> None:
    """Whether to phone about this matter: why the card recommends the phone for it."""
    answer = ask(catalog, index, question)
    assert reason in answer.lines[0].text, answer.plain_text()


def test_which_way_for_a_matter_gets_the_cards_reason_for_it(catalog: Catalog,
                                                              index: SearchIndex) -> None:
    """A choice that names one way: the card's reason for it on this matter, not only all
    that way does in general."""
    text = ask(catalog, index, "天猫不管点哪个入口都是机器人在回").plain_text()
    assert "点进任何客服入口一般先遇到机器人" in text[:FIRST_CHARS], text


@pytest.mark.parametrize("question", ["天猫地址填错了 问店家还是问官方",
                                      "天猫下单地址写错了 找店家还是找天猫"])
def test_a_choice_about_a_matter_search_could_not_settle_gets_the_matters_card(
    catalog: Catalog, index: SearchIndex, question: str,
) -> None:
    # search finds the order and after-sales cards alike; the shop's channel (whose own
    # fact says it changes addresses) is what the order card recommends: that card says
    # which one, and why, rather than the shop's way in
    answer = ask(catalog, index, question)
    assert answer.ref is not None and answer.ref.issue == "order_issue", answer.ref
    assert "改地址、催发货由商家处理" in answer.plain_text()[:200], answer.plain_text()


def test_moving_customers_to_another_app_is_what_the_files_call_other_websites(
    catalog: Catalog, index: SearchIndex,
) -> None:
    # the Thai rule says to keep talking on the platform, not to send customers to other
    # websites; a seller asks it as taking buyers off the platform to LINE
    answer = ask(catalog, index, "thai tiktok seller: ok to take buyers off platform to LINE?")
    assert "without sending customers to other websites" in answer.plain_text()[:300], \
        answer.plain_text()


@pytest.mark.parametrize(("question", "said"), [
    ("亚马逊缺货把我订单取消了 有没有补偿", "补偿"),
    ("亚马逊订单晚到一周了 能给补偿不", "补偿"),
])
def test_a_fact_the_words_tell_answers_a_topic_question(
    catalog: Catalog, index: SearchIndex, question: str, said: str,
) -> None:
    # no aspect word, and the words match one fact clearly (compensation): that fact
    # leads, not the card's summary, though other facts of the topic match too
    answer = ask(catalog, index, question)
    lead = answer.lines[0].text if answer.lines else ""
    assert said in lead, answer.plain_text()


@pytest.mark.parametrize("question", ["亚马逊 卖家 封号", "亚马逊封号了找谁"])
def test_the_topic_alone_gets_its_card(catalog: Catalog, index: SearchIndex,
                                      question: str) -> None:
    # 封号 is rare in the files and one phone note says it too ("紧急封号"); the question
    # asks nothing beyond the topic and whom to reach: the card's recommendation answers
    answer = ask(catalog, index, question)
    assert answer.ref is not None and answer.ref.issue == "suspension", answer.ref
    assert answer.aspect is None, answer.aspect



def test_paying_for_something_is_asking_whether_it_is_free(
    catalog: Catalog, index: SearchIndex,
) -> None:
    # the file says the coverage "is free and automatic" (免费、自动生效); asked whether
    # one pays for it, in words the file does not use
    text = ask(catalog, index, "美国tiktok的退款保障 要自己付钱买吗").plain_text()
    assert "免费" in text[:FIRST_CHARS], text


@pytest.mark.parametrize("question", [
    "how can I get hold of someone at walmart seller support fast",
    "need to reach a real person at shopee quick",
])
def test_reaching_them_fast_asks_the_fastest_way_not_a_reply_time(
    catalog: Catalog, index: SearchIndex, question: str,
) -> None:
    # "fast" beside a reach word says how the asker wants to reach them; a reply time
    # (of a return dispute, say) answers nothing of it
    answer = ask(catalog, index, question)
    assert answer.aspect is not Aspect.response_time, answer.plain_text()
    assert Aspect.response_time not in answer.aspects, answer.aspects


def test_a_step_on_the_other_medium_does_not_lead(catalog: Catalog,
                                                  index: SearchIndex) -> None:
    # the question's words match an app step best (商品详情页), but the asker says they
    # are on the web version: the same way's web steps lead
    answer = ask(catalog, index, "天猫网页版 商品页面上的联系客服在哪")
    assert answer.facts and ".steps_app." not in answer.facts[0], answer.facts
    assert answer.lines[0].text.startswith("网页"), answer.plain_text()


@pytest.mark.parametrize("question", ["temu退货 电脑上怎么弄", "temu怎么退货 我用的电脑"])
def test_a_computer_is_where_the_asker_is_not_a_website_to_report(
    catalog: Catalog, index: SearchIndex, question: str,
) -> None:
    # 电脑 was a synonym of 网站, and Temu's form for reporting fake websites took the question
    answer = ask(catalog, index, question)
    assert answer.ref is not None and answer.ref.issue == "returns", answer.ref


@pytest.mark.parametrize("question", ["Etsy上怎麼私訊賣家問出貨", "tk小店想私聊卖家改颜色"])
def test_writing_privately_to_the_seller_is_a_shoppers_question(
    catalog: Catalog, index: SearchIndex, question: str,
) -> None:
    # 私訊 (Taiwan's word, 私讯 once simplified) and 私聊 address the seller, as 私信 does
    answer = ask(catalog, index, question)
    assert answer.ref is not None and answer.ref.role == "buyer", answer.ref


@pytest.mark.parametrize(("question", "aspect"), [
    ("天貓有專人客服嗎", Aspect.human),
    ("蝦皮線上客服在哪", Aspect.chat),
])
def test_taiwans_words_read_as_the_mainlands(
    catalog: Catalog, index: SearchIndex, question: str, aspect: Aspect,
) -> None:
    # 專人 is a person (人工), 線上 online (在线): zhconv converts the characters, not the words
    answer = ask(catalog, index, question)
    assert aspect in answer.aspects, (answer.aspects, answer.plain_text())


def test_logging_in_in_taiwans_word_is_the_buyers_account_security(
    catalog: Catalog, index: SearchIndex,
) -> None:
    answer = ask(catalog, index, "亞馬遜登入不了怎麼辦")
    assert answer.ref is not None and answer.ref.issue == "account_security", answer.ref


def test_msg_is_a_message_to_the_seller(catalog: Catalog, index: SearchIndex) -> None:
    # people abbreviate: "msg the seller" addresses the other party, as "message" does
    answer = ask(catalog, index, "how to msg etsy seller")
    assert answer.ref is not None and answer.ref.role == "buyer", answer.ref


def test_acct_is_an_account(catalog: Catalog, index: SearchIndex) -> None:
    # "acct suspended" is the account suspended: the appeal card, not a phishing note that
    # happens to say "suspended"
    answer = ask(catalog, index, "walmart seller acct suspended how appeal")
    assert answer.ref is not None and answer.ref.issue == "suspension", answer.ref
    assert "phish" not in answer.plain_text()[:FIRST_CHARS], answer.plain_text()


@pytest.mark.parametrize("question", ["link to amazon's contact us page?",
                                      "给个亚马逊联系我们的网址"])
def test_the_link_asked_for_comes_first(catalog: Catalog, index: SearchIndex,
                                        question: str) -> None:
    # "link", 网址: the page itself, not the steps to click through to it
    answer = ask(catalog, index, question)
    first = answer.plain_text().split("•")[1]
    assert "https://www.amazon.com/gp/help/customer/contact-us" in first, answer.plain_text()


@pytest.mark.parametrize(("question", "step"), [
    ("how can i send amazon an email", "On Contact Us, pick the order"),
    ("how do i request a call back from amazon", "Sign in and open the Contact Us page"),
])
def test_how_to_use_a_way_gives_its_steps_before_its_reply_time(
        catalog: Catalog, index: SearchIndex, question: str, step: str) -> None:
    # the way asked about, then how to use it; how long it takes comes after
    text = ask(catalog, index, question).plain_text()
    assert 0 <= text.find(step) < FIRST_CHARS, text
    assert "Response time" not in text or text.find(step) < text.find("Response time"), text


def test_a_site_a_fact_speaks_of_is_not_said_to_have_nothing(
        catalog: Catalog, index: SearchIndex) -> None:
    # a note that names Malaysia in its words ("马来西亚为 @shopee.com.my") is about it:
    # no "the guides give nothing for Malaysia" above it
    text = ask(catalog, index, "马来西亚有人冒充虾皮打电话").plain_text()
    assert "@shopee.com.my" in text, text
    assert "指南没有给出马来西亚站" not in text, text


def test_a_qualifier_asked_about_at_the_end_of_a_long_line_is_kept(
        catalog: Catalog, index: SearchIndex) -> None:
    # the rule's end says what was asked ("…, weekends included"): a cut keeps it, and
    # the figure before it, eliding the middle instead
    text = ask(catalog, index, "do weekends count in walmart's customer reply time?").plain_text()
    first = text.split("•")[1]
    assert "within 48 hours of receipt, weekends included" in first, text


def test_a_qualifier_that_says_only_the_aspects_own_word_does_not_cut_the_middle(
        catalog: Catalog, index: SearchIndex) -> None:
    # "call" is what every phone fact says: no reason to elide the rule's middle for
    # "so don't call them"
    text = ask(catalog, index, "can i call etsy on the phone").plain_text()
    assert "for supported topics" in text or "so don't call them" not in text, text


@pytest.mark.parametrize("question", [
    "amazon seller here, is there a letter template for a suspended account?",
    "亚马逊卖家账号被停用了 有没有英文模板可以参考",
])
def test_a_template_asked_for_leads_with_the_files_letter(
        catalog: Catalog, index: SearchIndex, question: str) -> None:
    answer = ask(catalog, index, question)
    assert answer.headline.endswith(("Template", "模板")), answer.headline
    first = answer.plain_text().split("•")[1]
    assert "Dear Amazon Support" in first, answer.plain_text()
    assert answer.ref is not None and answer.ref.issue == "suspension", answer.ref


def test_a_template_asked_for_with_nothing_else_is_shown_not_the_cards_summary(
        catalog: Catalog, index: SearchIndex) -> None:
    # nothing else asked: the card's summary would be shown, which has no letter
    answer = ask(catalog, index, "亚马逊卖家 申诉信有范文吗")
    assert answer.aspect is Aspect.prepare, answer.aspect
    assert "Dear Amazon Support" in answer.plain_text().split("•")[1], answer.plain_text()


@pytest.mark.parametrize("question", [
    "我天猫号被人登录了 找谁处理", "天猫上我的号被别人登录了 谁管",
    "someone else logged in to my tmall account, who do i contact"])
def test_someone_else_logged_in_is_the_account_security_card(
        catalog: Catalog, index: SearchIndex, question: str) -> None:
    answer = ask(catalog, index, question)
    assert answer.ref is not None and answer.ref.issue == "account_security", answer.ref


def test_messages_are_the_inquiries_the_files_speak_of(
        catalog: Catalog, index: SearchIndex) -> None:
    # the files say "inquiries" (咨询) where sellers say "messages" (消息, 訊息)
    answer = ask(catalog, index, "walmart: how fast do i have to answer buyer messages")
    assert answer.ref is not None and answer.ref.issue == "customer_care", answer.ref
    assert "48 hours" in answer.plain_text().split("•")[1], answer.plain_text()


@pytest.mark.parametrize("question", ["etsy卖家一直不回我消息 我要去哪里点",
                                      "Etsy卖家好几天没回我消息 我在哪里点",
                                      "etsy的卖家一直没回我讯息 要去哪点"])
def test_the_asker_reporting_on_the_seller_is_never_made_a_seller_by_the_facts_words(
        catalog: Catalog, index: SearchIndex, question: str) -> None:
    # "卖家…没回我": the asker is the shopper, whatever the sellers' facts say of messages
    answer = ask(catalog, index, question)
    assert answer.ref is not None and answer.ref.role == "buyer", answer.ref
