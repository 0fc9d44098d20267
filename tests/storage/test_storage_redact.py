"""The allow-list redactor: a stored question keeps only words the bot knows (the knowledge
files' words and a common-word list); every other token becomes one placeholder, so a
phone number, a name, an address, an id or a password cannot pass in any spelling."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from knowledge.catalog import load_catalog
from knowledge.vocabulary import known_words
from storage.redact import (
    COMMON_WORDS,
    MAX_REDACTED_CHARS,
    PLACEHOLDER,
    Vocabulary,
    is_numeral,
    redact,
)

VOCABULARY = Vocabulary.of(known_words(load_catalog()))
KNOWN_NAMES = frozenset(name for p in load_catalog().known_platforms
                        for name in (p.name.zh, p.name.en, *p.names))

# the formats issue 17 found passing the old redactor, each with what must not survive
FORMATS: list[tuple[str, list[str]]] = [
    ("我的手机号是一三八一二三四五六七八，帮我查下", ["一三八", "五六七八"]),
    ("电话 壹叁捌壹贰叁肆伍陆柒捌 能打吗", ["壹叁捌", "伍陆柒捌"]),
    ("打 1三8一2三4五6七8 这个号", ["三8", "五6七"]),
    ("幺三八 零零幺三 八零零零 是客服电话吗", ["幺三八", "八零零零"]),
    ("call me at 1,3,8,1,2,3,4,5,6,7,8", ["1,3", "5,6"]),
    ("my number is 138_1234_5678", ["138", "1234", "5678"]),
    ("my number is 1 3 8 1 2 3 4 5 6 7 8", ["1 3 8", "6 7 8"]),
    ("call me on one three eight one two three four five six seven eight",
     ["one three", "seven eight"]),
    ("phone double eight nine oh two", ["double eight", "nine oh"]),
    ("号码 1️⃣3️⃣8️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣", ["1", "3", "8"]),
    ("电话 ①③⑧①②③④⑤⑥⑦⑧", ["①", "1"]),
    ("电话 １３８１２３４５６７８", ["１", "1"]),
    ("رقم ١٣٨١٢٣٤٥٦٧٨", ["١", "1"]),
    ("my email is zhangwei88@qq please reply", ["zhangwei", "qq"]),
    ("write to john.smith at gmail dot com", ["john", "smith", "gmail"]),
    ("邮箱 wangfang at 163 dot com", ["wangfang", "163"]),
    ("我叫王小明，我的亚马逊账号被封了", ["王小明", "小明"]),
    ("我是李娜，退款没到账", ["李娜"]),
    ("Hi, I'm Jennifer Lopez and my amazon account is suspended", ["jennifer", "lopez"]),
    ("this is Zhang Wei, my refund is late", ["zhang", "wei"]),
    ("我住在北京市朝阳区望京街道阜通东大街6号院3号楼", ["望京", "阜通", "6", "3"]),
    ("I live at 742 Evergreen Terrace, Springfield, my package is lost",
     ["742", "evergreen", "springfield"]),
    ("加我微信 wxid_k8j2h3ab 或 luckycat_2020 聊", ["wxid", "k8j2h3", "luckycat", "2020"]),
    ("微信号 zhangsan88 能找客服吗", ["zhangsan"]),
    ("my password is Sunshine!2024 please help me log in", ["sunshine", "2024"]),
    ("我的密码是 qwerty123 被盗了怎么办", ["qwerty"]),
    ("身份证 11010519491231002X 被冒用", ["110105", "002x"]),
    ("see https://evil-refund.top/x?u=me and @zhangwei_real", ["evil", "zhangwei"]),
    ("call +86 138-1234-5678 or (888) 280 4331", ["138", "4331"]),
    ("订单 112-1234567-1234567 没到", ["1234567"]),
    # a host the bot knows as a word (qq is in the scam words): the address goes whole
    ("我叫jenniferlopez [at] qq，我的亚马逊账号被封了怎么办", ["jenniferlopez", "qq"]),
    ("write to anna_lee (at) qq", ["anna", "qq"]),
    ("我叫jennifer.lopez@qq，我的亚马逊账号被封了怎么办", ["jennifer", "lopez", "qq"]),
    # a dotted name right after Chinese, spelt out: the dotted name no longer starts at the
    # Chinese before it, ahead of the spelt-out form, and leaves the host behind
    ("我叫jennifer.lopez [at] qq，我的亚马逊账号被封了怎么办", ["jennifer", "lopez", "qq"]),
    ("联系人anna.lee (at) qq (dot) com", ["anna", "lee", "qq"]),
]


def _assert_clean(text: str, stored: str, secrets: list[str]) -> None:
    folded = stored.casefold()
    for secret in secrets:
        assert secret.casefold() not in folded, (text, stored, secret)
    _assert_no_number(text, stored)


def _assert_no_number(text: str, stored: str) -> None:
    assert not any(unicodedata.category(ch) == "Nd" for ch in stored), (text, stored)
    assert not re.search(r"\d", stored), (text, stored)
    numerals = 0
    for ch in stored:
        numerals = numerals + 1 if is_numeral(ch) else 0
        assert numerals < 2, (text, stored)


@pytest.mark.parametrize(("text", "secrets"), FORMATS)
def test_no_format_of_personal_data_survives(text: str, secrets: list[str]) -> None:
    _assert_clean(text, redact(text, VOCABULARY), secrets)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("亚马逊客服电话多少", "亚马逊客服电话多少"),
        ("amazon seller support hours", "amazon seller support hours"),
        ("京东客服电话 400-810-5666 是真的吗", f"京东客服电话 {PLACEHOLDER} 是真的吗"),
        ("我叫王小明，我的亚马逊账号被封了", f"我叫 {PLACEHOLDER} 我的亚马逊账号被封了"),
        ("what is 王小明 doing 38", f"what is {PLACEHOLDER} doing {PLACEHOLDER}"),
        ("查一下退款", "查一下退款"),  # a lone numeral inside a known word stays
        ("客服 72 小时没回复", f"客服 {PLACEHOLDER} 小时没回复"),  # no number at all
        ("賣家帳號被封", "卖家账号被封"),  # folded to simplified, as the knowledge words are
        ("\x00hi\u202e there \n\n ok", "hi there ok"),
        ("", ""),
    ],
)
def test_what_stays(text: str, expected: str) -> None:
    assert redact(text, VOCABULARY) == expected


def test_the_common_list_alone_keeps_the_wording_of_a_question() -> None:
    assert redact("how do I contact customer service") == "how do i contact customer service"
    assert redact("怎么联系客服") == "怎么联系客服"


def test_no_number_enters_the_vocabulary() -> None:
    vocabulary = Vocabulary.of(["24小时", "7x24", "24/7", "400-810-5666", "十一", "一下", "双十一"])
    assert redact("24小时 7x24 十一 双十一", vocabulary) == PLACEHOLDER + " 小时 " + PLACEHOLDER
    assert redact("一下", vocabulary) == "一下"


def test_the_common_list_holds_no_number_and_no_given_name() -> None:
    for word in COMMON_WORDS:
        assert not any(ch.isdigit() for ch in word), word
        assert not (len(word) == 1 and word in GIVEN_NAME_CHARS), word


def test_long_text_is_capped() -> None:
    assert len(redact("客服" * 1000)) <= MAX_REDACTED_CHARS


# --- fuzz: generated personal data in every format, inside realistic questions ----------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常"  # noqa: E501
GIVEN_NAME_CHARS = "伟芳娜敏静秀丽强磊洋艳勇军杰娟涛超霞刚桂英萍鹏斌宇浩凯健俊帆帅旭宁飞鑫晨欣婷雪琳晶颖佳慧莉宏志荣祥瑞红梅玲燕辉波兰峰倩婧璐琪"  # noqa: E501
LATIN_FIRST = ["jennifer", "michael", "sarah", "david", "emily", "robert", "olivia", "liam",
               "zhang", "wang", "xiaoming", "meiling", "hiroshi", "yuki", "priya", "ahmed"]
LATIN_LAST = ["lopez", "smith", "johnson", "nguyen", "garcia", "wang", "zhang", "chen", "liu",
              "tanaka", "kowalski", "mueller", "okafor", "fernandez", "ivanova", "patel"]
STREETS_ZH = ["望京", "阜通", "枫林", "桃源", "翠微", "梧桐", "锦绣", "紫荆", "芙蓉", "银杏"]
STREETS_EN = ["evergreen", "maple", "oakwood", "sycamore", "birchwood", "willowbrook",
              "chestnut", "magnolia", "juniper", "hawthorne"]
CITIES = ["springfield", "riverside", "fairview", "brookfield", "madison"]
MAIL_HOSTS = ["gmail", "qq", "163", "outlook", "yahoo", "foxmail", "icloud"]

ZH_DIGITS = "零一二三四五六七八九"
ZH_CAPITAL = "零壹贰叁肆伍陆柒捌玖"
EN_DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
FULL_WIDTH = "０１２３４５６７８９"
CIRCLED = "⓪①②③④⑤⑥⑦⑧⑨"


@st.composite
def phone_numbers(draw: st.DrawFn) -> str:
    digits = [draw(st.integers(0, 9)) for _ in range(draw(st.integers(7, 12)))]
    style = draw(st.sampled_from(
        ["ascii", "zh", "capital", "mixed", "en", "keycap", "full", "circled", "yao"]))
    if style == "zh":
        parts = [ZH_DIGITS[d] for d in digits]
    elif style == "capital":
        parts = [ZH_CAPITAL[d] for d in digits]
    elif style == "mixed":
        parts = [draw(st.sampled_from([str(d), ZH_DIGITS[d], ZH_CAPITAL[d]])) for d in digits]
    elif style == "en":
        parts = [EN_DIGITS[d] for d in digits]
    elif style == "keycap":
        parts = [f"{d}\ufe0f\u20e3" for d in digits]
    elif style == "full":
        parts = [FULL_WIDTH[d] for d in digits]
    elif style == "circled":
        parts = [CIRCLED[d] for d in digits]
    elif style == "yao":
        parts = ["幺" if d == 1 else ZH_DIGITS[d] for d in digits]
    else:
        parts = [str(d) for d in digits]
    joiner = draw(st.sampled_from(["", " ", ",", "_", "-", ".", "，", " - ", "、"]))
    if style == "en" and joiner == "":
        joiner = " "
    prefix = draw(st.sampled_from(["", "+86 ", "+1 ", "0086", "(", "tel:"]))
    return prefix + joiner.join(parts)


@st.composite
def names(draw: st.DrawFn) -> tuple[str, list[str]]:
    if draw(st.booleans()):
        given = "".join(draw(st.lists(st.sampled_from(GIVEN_NAME_CHARS), min_size=1, max_size=2)))
        name = draw(st.sampled_from(SURNAMES)) + given
        return name, [name] + ([given] if len(given) > 1 else [])
    first, last = draw(st.sampled_from(LATIN_FIRST)), draw(st.sampled_from(LATIN_LAST))
    spelled = draw(st.sampled_from([f"{first} {last}", f"{first.title()} {last.title()}",
                                    f"{last.upper()} {first.title()}"]))
    return spelled, [first, last]


@st.composite
def emails(draw: st.DrawFn) -> tuple[str, list[str]]:
    user = draw(st.sampled_from(LATIN_FIRST)) + draw(st.sampled_from(["", ".", "_"])) + (
        draw(st.sampled_from(LATIN_LAST)))
    host = draw(st.sampled_from(MAIL_HOSTS))
    form = draw(st.sampled_from(["{u}@{h}.com", "{u}@{h}", "{u} at {h} dot com",
                                 "{u}(at){h}(dot)com", "{u}＠{h}．com", "{u} [at] {h}"]))
    return form.format(u=user, h=host), [user, host]


@st.composite
def addresses(draw: st.DrawFn) -> tuple[str, list[str]]:
    number = draw(phone_numbers()) if draw(st.booleans()) else str(draw(st.integers(1, 9999)))
    if draw(st.booleans()):
        street = draw(st.sampled_from(STREETS_ZH))
        kind = draw(st.sampled_from(["路", "街", "大街", "大道", "胡同"]))
        return f"{street}{kind}{number}号", [street]
    street = draw(st.sampled_from(STREETS_EN))
    city = draw(st.sampled_from(CITIES))
    kind = draw(st.sampled_from(["street", "road", "avenue", "st", "rd", "lane"]))
    return f"{number} {street.title()} {kind}, {city.title()}", [street, city]


@st.composite
def handles(draw: st.DrawFn) -> tuple[str, list[str]]:
    stem = draw(st.sampled_from(LATIN_FIRST)) + draw(st.sampled_from(["", "_", "."])) + (
        draw(st.sampled_from(LATIN_LAST)))
    tail = draw(st.sampled_from(["", "88", "_2020", "cn", "x"]))
    shape = draw(st.sampled_from(["wxid_{s}{t}", "{s}{t}", "@{s}{t}", "{s}{t}!Pw"]))
    return shape.format(s=stem, t=tail), [stem]


TEMPLATES = [
    "我叫{x}，我的亚马逊账号被封了怎么办",
    "你好我是{x} 退款一直没到账",
    "{x} 是亚马逊客服吗",
    "亚马逊客服打给我说他是{x}",
    "hi this is {x}, my order never arrived",
    "please contact me at {x} about my refund",
    "my wechat is {x} can amazon support call me",
    "收货地址 {x} 快递没收到",
    "客服让我发 {x} 过去，安全吗",
    "{x}",
]


@st.composite
def personal_data(draw: st.DrawFn) -> tuple[str, list[str]]:
    kind = draw(st.sampled_from(["phone", "name", "email", "address", "handle"]))
    if kind == "phone":
        phone = draw(phone_numbers())
        return phone, []  # checked by "no number survives"
    strategy = {"name": names, "email": emails, "address": addresses, "handle": handles}[kind]
    return draw(strategy())


@given(st.sampled_from(TEMPLATES), personal_data())
def test_fuzz_generated_personal_data_never_survives(
    template: str, data: tuple[str, list[str]]
) -> None:
    value, secrets = data
    # a person named like a brand the knowledge files name (苏宁) cannot be told from the
    # brand by an allow-list: the one case the redactor keeps by design
    assume(value not in KNOWN_NAMES)
    text = template.format(x=value)
    _assert_clean(text, redact(text, VOCABULARY), secrets)


def test_a_doubled_given_name_after_a_surname_does_not_survive() -> None:
    # 刚刚 ("just now") is a word; after a surname it is a name (found by the fuzz test)
    for name in ("王刚刚", "周刚刚"):
        assert "刚刚" not in redact(f"我叫{name}，我的亚马逊账号被封了怎么办", VOCABULARY)
    assert redact("我刚刚收到一条短信", VOCABULARY) == "我刚刚收到一条短信"


@given(st.text(max_size=400))
def test_any_text_is_bounded_and_carries_no_number(text: str) -> None:
    out = redact(text, VOCABULARY)
    assert len(out) <= MAX_REDACTED_CHARS
    _assert_no_number(text, out)
