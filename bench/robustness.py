"""How much an answer changes when a question is written differently but asks the same.

    python -m bench.robustness

The blind sets measure questions against the facts they must show; this measures
understanding without any expected answer, so nothing in it can be tuned word by word.
Each figure is how many answers change (platform, role, site, aspect asked, and the
fact led with) when only the writing changes, against the same conversation written
plainly, in the same run:

* rewrites of every message of the tuned-on blind splits (dev*), asked as the same
  conversations: one English typo (a letter dropped, swapped or replaced, seeded), the
  Chinese in traditional characters, asides around it ("你好，请问…", "…，急！！",
  "hi, …", "… pls urgent!!", "… thanks 🙏"), a story before it or a complaint after it
  that names nothing ("说来话长，朋友推荐我来问问，…"), all in lower case, punctuation
  left out;
* an opener before each conversation's first message that says nothing of it, from 120
  written by a session that never saw the matcher (bench/preambles.txt, half `dev` to
  look at, half `test`): how many lose their fact;
* follow-ups generated from the catalog: another site in ten wordings ("换成德国呢",
  "Germany instead?"), the other role in eight ("作为卖家呢", "what about sellers"),
  another platform in five, another channel or aspect in nine, and more asked of the same
  service after its hours or chat (周末呢, 号码呢, "how long is the wait"): the follow-up
  must keep what it does not change and change what it names;
* the same question in Chinese and in English (bench/parallel_questions.txt, 200 pairs
  written by a session that never saw the matcher): the same platform, role, site and
  aspect;
* follow-ups that leave the platform out: each single dev question that shows its fact
  first alone, asked after another such question of the same platform, role and site with
  its platform's names removed, must still show it first.

Figures only; a change is not always wrong (a typo may make another word), so read the
rates against each other and against earlier runs (bench/README.md).
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import zhconv

from knowledge.answer import DirectAnswer
from knowledge.catalog import CardRef, Catalog, load_catalog
from knowledge.conversation import Conversation
from knowledge.reply import CheckedAnswer, Responder
from knowledge.schema import Lang
from knowledge.textnorm import has_han
from tests.knowledge import blind

NOW = datetime(2026, 3, 4, 4, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Shanghai")
Signature = tuple[object, ...]
_LONG_WORD = re.compile(r"[A-Za-z]{6,}")


def _lang(text: str) -> Lang:
    return "zh" if has_han(text) else "en"


def signature(reply: object) -> Signature:
    """What an answer is: its target, the aspect asked and the fact it leads with."""
    if isinstance(reply, CheckedAnswer):
        reply = reply.answer
    if not isinstance(reply, DirectAnswer):
        return (type(reply).__name__,)
    return (reply.ref, reply.aspect, reply.facts[:1])


def converse(responder: Responder, messages: Sequence[str]) -> list[Signature]:
    state: Conversation | None = None
    out = []
    for i, message in enumerate(messages):
        turn = responder.converse(message, state, lang=_lang(message), user_zone=ZONE,
                                  now=NOW + timedelta(minutes=i))
        state = turn.state
        out.append(signature(turn.reply))
    return out


def _typo(rnd: random.Random) -> Callable[[str], str]:
    def typo(text: str) -> str:
        words = list(_LONG_WORD.finditer(text))
        if not words:
            return text
        found = rnd.choice(words)
        word, at = found.group(), rnd.randrange(1, len(found.group()) - 1)
        how = rnd.choice("dsr")
        if how == "d":
            wrong = word[:at] + word[at + 1:]
        elif how == "s":
            wrong = word[:at] + word[at + 1] + word[at] + word[at + 2:]
        else:
            wrong = word[:at] + rnd.choice("aeiou") + word[at + 1:]
        return text[:found.start()] + wrong + text[found.end():]
    return typo


def rewrites(seed: int) -> dict[str, Callable[[str], str]]:
    """Ways to write a message differently that ask the same."""
    return {
        "one English typo": _typo(random.Random(seed)),
        "traditional Chinese": lambda t: zhconv.convert(t, "zh-hant"),
        "a greeting before": lambda t: ("你好，请问" if has_han(t) else "hi, ") + t,
        "urgency after": lambda t: t + ("，急！！" if has_han(t) else " pls urgent!!"),
        "thanks after": lambda t: t + (" 谢谢🙏" if has_han(t) else " thanks 🙏"),
        # (words that say nothing of any platform: the story's words are read as the
        # question's, because real stories name the topic; see bench/README.md)
        "a story before": lambda t: ("说来话长，朋友推荐我来问问，" if has_han(t)
                                     else "long story short, a friend told me to ask here, ") + t,
        "a complaint after": lambda t: t + ("，真的很烦" if has_han(t) else ", really annoying"),
        "lower case": str.lower,
        "no punctuation": lambda t: re.sub(r"[?？!！,，。.]", " ", t),
    }


def rewritten(responder: Responder, splits: Sequence[str], seed: int
              ) -> list[tuple[str, int, int]]:
    """(rewrite, answers changed, messages rewritten) over the splits' conversations."""
    conversations = [[m["q"] for m in c] for s in splits for c in blind.conversations(s)]
    plain = [converse(responder, c) for c in conversations]
    out = []
    for name, rewrite in rewrites(seed).items():
        changed = total = 0
        for messages, before in zip(conversations, plain, strict=True):
            written = [rewrite(m) for m in messages]
            if written == messages:
                continue
            after = converse(responder, written)
            for m, w, b, a in zip(messages, written, before, after, strict=True):
                if m != w:
                    total += 1
                    changed += b != a
        out.append((name, changed, total))
    return out


_SITE_SWITCH = {"zh": ("那{}呢", "{}呢", "换成{}呢", "{}也一样吗", "改问{}", "{}那边呢",
                       "如果是{}呢", "那在{}呢", "{}的情况呢", "{}怎么样"),
                "en": ("what about {}?", "{}?", "and {}", "{} instead?", "switch to {}",
                       "what about the {} site", "in {}?", "for {}?", "same for {}?",
                       "how about {}")}
_ROLE_SWITCH = {"zh": ("卖家呢", "那卖家的呢", "作为卖家呢", "如果我是卖家呢", "换成卖家呢",
                       "卖家也一样吗", "卖家那边呢", "我是卖家呢"),
                "en": ("for sellers?", "and as a seller?", "what if i'm a seller",
                       "seller side?", "same for sellers", "and sellers", "what about sellers",
                       "i'm a seller though")}
_PLATFORM_SWITCH = {"zh": ("{}呢", "那{}的呢", "换成{}呢", "{}也一样吗", "那{}"),
                    "en": ("what about {}?", "and {}?", "{} too?", "same for {}", "{} instead?")}
_ASPECT_SWITCH = {"zh": {"邮箱呢": "email", "那邮件呢": "email", "几点上班": "hours",
                         "周末开吗": "hours", "多久回复": "response_time",
                         "有中文吗": "languages", "在线客服呢": "chat", "电话呢": "phone",
                         "有电话吗": "phone"},
                  "en": {"email?": "email", "what about email": "email", "hours?": "hours",
                         "open on weekends?": "hours",
                         "how long do they take to reply": "response_time",
                         "do they speak chinese": "languages", "live chat?": "chat",
                         "phone?": "phone", "can i call them": "phone"}}
# asked next of the same service, after its hours or its chat: what each must be read as
_NEXT = {"zh": {"周末呢": {"hours"}, "晚上呢": {"hours"}, "节假日呢": {"hours", "holiday"},
                "春节期间呢": {"holiday", "hours"}, "现在开着吗": {"hours"}, "几点关门": {"hours"},
                "要等多久": {"response_time"}, "多久能回": {"response_time"},
                "一般几天回": {"response_time"}, "会说中文吗": {"languages"}, "号码呢": {"phone"},
                "怎么进去": {"entry"}, "入口在哪": {"entry"}},
         "en": {"weekends?": {"hours"}, "and at night?": {"hours"},
                "what about holidays?": {"hours", "holiday"}, "open right now?": {"hours"},
                "when do they close": {"hours"}, "how long is the wait": {"response_time"},
                "how fast do they reply": {"response_time"},
                "do they speak chinese?": {"languages"}, "the number?": {"phone"},
                "where do i find it": {"entry"}, "how do i get there": {"entry"}}}
_FIRST = {"zh": ("{}客服几点上班", "{}有在线客服吗"),
          "en": ("{} customer service hours", "does {} have live chat")}
_ASKED = {"zh": ("{}{}客服电话多少", "{}{}客服几点上班", "{}{}有中文客服吗", "{}{}客服邮箱是什么",
                 "{}{}客服一般多久回复"),
          "en": ("{} {} customer service phone number", "{} {} customer service hours",
                 "does {} {} have chinese speaking support", "{} {} support email address",
                 "how long does {} {} support take to reply")}


def _name(catalog: Catalog, platform: str, lang: Lang) -> str:
    name = catalog.platforms[platform].name
    return name.en if lang == "en" else name.zh.split("（")[0]


def _answer(responder: Responder, messages: Sequence[str]) -> DirectAnswer | None:
    state: Conversation | None = None
    reply: object = None
    for message in messages:
        turn = responder.converse(message, state, lang=_lang(message), user_zone=ZONE, now=NOW)
        state, reply = turn.state, turn.reply
    return _answer_of(reply)


def followups(responder: Responder, catalog: Catalog) -> list[tuple[str, int, int]]:
    """(follow-up kind, answers wrong, follow-ups asked)."""
    counts = {"another site": [0, 0], "the other role": [0, 0], "another platform": [0, 0],
              "another channel or aspect": [0, 0], "more of the same service": [0, 0]}

    def count(kind: str, ok: bool) -> None:
        counts[kind][0] += not ok
        counts[kind][1] += 1

    for platform in catalog.platforms.values():
        for lang in ("zh", "en"):
            name = _name(catalog, platform.id, lang)
            sites = platform.sites
            for first, then in itertools.permutations(sites, 2):
                place = (first.name.en, then.name.en) if lang == "en" else (
                    first.name.zh.removesuffix("站"), then.name.zh.removesuffix("站"))
                for asked in _ASKED[lang]:
                    question = asked.format(name, place[0])
                    before = _answer(responder, [question])
                    if before is None:
                        continue
                    for switch in _SITE_SWITCH[lang]:
                        after = _answer(responder, [question, switch.format(place[1])])
                        count("another site", after is not None and after.ref is not None
                              and after.ref.platform == platform.id
                              and then.id in (after.ref.site, after.uncovered_site)
                              and after.aspect == before.aspect)
            plain = [a.replace("{} {}", "{}").replace("{}{}", "{}") for a in _ASKED[lang]]
            for asked in plain:
                question = asked.format(name)
                before = _answer(responder, [question])
                if before is None or before.ref is None:
                    continue
                if before.ref.role == "buyer" and {r.id for r in platform.roles} == {
                        "buyer", "seller"}:
                    for switch in _ROLE_SWITCH[lang]:
                        after = _answer(responder, [question, switch])
                        count("the other role", after is not None and after.ref is not None
                              and (after.ref.platform, after.ref.role)
                              == (platform.id, "seller") and after.aspect == before.aspect)
                for other in catalog.platforms.values():
                    if other.id == platform.id:
                        continue
                    for switch in _PLATFORM_SWITCH[lang]:
                        after = _answer(responder, [question, switch.format(
                            _name(catalog, other.id, lang))])
                        count("another platform", after is not None and after.ref is not None
                              and after.ref.platform == other.id
                              and after.aspect == before.aspect)
                for switch, aspect in _ASPECT_SWITCH[lang].items():
                    after = _answer(responder, [question, switch])
                    count("another channel or aspect", after is not None
                          and after.ref is not None and after.aspect is not None
                          and (after.ref.platform, after.ref.role, after.ref.site)
                          == (before.ref.platform, before.ref.role, before.ref.site)
                          and aspect in {a.value for a in after.aspects[:2]})
            for opening in _FIRST[lang]:
                question = opening.format(name)
                if _answer(responder, [question]) is None:
                    continue
                for asked_next, aspects in _NEXT[lang].items():
                    after = _answer(responder, [question, asked_next])
                    count("more of the same service", after is not None
                          and after.ref is not None and after.ref.platform == platform.id
                          and after.aspect is not None and after.aspect.value in aspects)
    return [(kind, wrong, total) for kind, (wrong, total) in counts.items()]


def _without_platform(catalog: Catalog, platform: str, text: str) -> str:
    """The text with the platform's names left out: its name and keywords, except those
    that also name a site (美亚 is the US site as well), longest first."""
    found = catalog.platforms[platform]
    sites = {k.lower() for site in found.sites for k in site.keywords}
    names = {found.name.zh, found.name.zh.split("（")[0], found.name.en, *found.keywords}
    out = text
    for name in sorted((n for n in names if n and n.lower() not in sites), key=len,
                       reverse=True):
        out = re.sub(re.escape(name), " ", out, flags=re.IGNORECASE)
    return re.sub(r"\s{2,}", " ", out).strip(" ,，:：-")


def elided(responder: Responder, catalog: Catalog, splits: Sequence[str], seed: int
           ) -> tuple[int, int]:
    """(answers that lost their fact, follow-ups asked): each single question of the
    splits that shows its fact first alone, asked again after another such question of
    the same platform, role and site (of the same card or another), with its platform's
    names left out ("temu退货要运费吗" after "temu的退款多久到账" is "退货要运费吗")."""
    passing: list[tuple[str, tuple[str, ...], CardRef]] = []
    for split in splits:
        for messages in blind.conversations(split):
            if len(messages) != 1:
                continue
            question = str(messages[0]["q"])
            facts = blind.facts_of(messages[0])
            turn = responder.converse(question, None, lang=_lang(question), user_zone=ZONE,
                                      now=NOW)
            answer = _answer_of(turn.reply)
            shown = blind.shown_of(responder, turn.reply, _lang(question), NOW)
            if (answer is not None and answer.ref is not None
                    and 0 <= blind.found_at(shown, facts) < blind.FIRST):
                passing.append((question, facts, answer.ref))
    rnd = random.Random(seed)
    lost = asked = 0
    for question, facts, ref in passing:
        short = _without_platform(catalog, ref.platform, question)
        before = [q for q, _, r in passing if q != question
                  and (r.platform, r.role, r.site) == (ref.platform, ref.role, ref.site)
                  and has_han(q) == has_han(question)]
        if short == question or not short or not before:
            continue
        first = rnd.choice(before)
        state = responder.converse(first, None, lang=_lang(first), user_zone=ZONE,
                                   now=NOW).state
        now = NOW + timedelta(minutes=1)
        turn = responder.converse(short, state, lang=_lang(short), user_zone=ZONE, now=now)
        shown = blind.shown_of(responder, turn.reply, _lang(short), now)
        asked += 1
        lost += not 0 <= blind.found_at(shown, facts) < blind.FIRST
    return lost, asked


PREAMBLES = Path(__file__).resolve().parent / "preambles.txt"


def preambles(path: Path = PREAMBLES) -> dict[str, dict[Lang, list[str]]]:
    """The openers people type before a question that say nothing of it ("Hi, sorry to
    bother you, ", "说来话长，"), written one a line "en<TAB>…" by a session that never saw
    the matcher; every other line of a language is `dev` (to look at), the rest `test`."""
    out: dict[str, dict[Lang, list[str]]] = {"dev": {"zh": [], "en": []},
                                             "test": {"zh": [], "en": []}}
    seen: dict[str, int] = {"zh": 0, "en": 0}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        lang, opener = line.split("\t", 1)
        assert lang in ("zh", "en"), line
        out["dev" if seen[lang] % 2 == 0 else "test"][lang].append(opener)  # type: ignore[index]
        seen[lang] += 1
    return out


def prefaced(responder: Responder, splits: Sequence[str], openers: dict[Lang, list[str]]
             ) -> tuple[int, int, int]:
    """(first messages that show their fact first plainly, with an opener before them,
    first messages): each conversation's first message gets the next opener of its
    language in turn, and is asked alone."""
    plain = prefixed = total = 0
    turn_of = {"zh": 0, "en": 0}
    for split in splits:
        for messages in blind.conversations(split):
            question = str(messages[0]["q"])
            lang = _lang(question)
            facts = blind.facts_of(messages[0])
            opener = openers[lang][turn_of[lang] % len(openers[lang])]
            turn_of[lang] += 1
            for text in (question, opener + question):
                turn = responder.converse(text, None, lang=lang, user_zone=ZONE, now=NOW)
                shown = blind.shown_of(responder, turn.reply, lang, NOW)
                passed = 0 <= blind.found_at(shown, facts) < blind.FIRST
                if text == question:
                    plain += passed
                else:
                    prefixed += passed
            total += 1
    return plain, prefixed, total


PARALLEL = Path(__file__).resolve().parent / "parallel_questions.txt"


def languages(responder: Responder, path: Path = PARALLEL) -> tuple[int, int]:
    """(pairs answered differently, pairs): the same question asked in Chinese and in
    English (written together, one pair a line "中文|English", by a session that never saw
    the matcher) must reach the same platform, role, site and aspect."""
    differ = total = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        zh, en = line.split("|")
        ends = []
        for question in (zh, en):
            turn = responder.converse(question, None, lang=_lang(question), user_zone=ZONE,
                                      now=NOW)
            answer = _answer_of(turn.reply)
            ends.append((answer.ref.platform, answer.ref.role, answer.ref.site, answer.aspect)
                        if answer is not None and answer.ref is not None
                        else (type(turn.reply).__name__,))
        total += 1
        differ += ends[0] != ends[1]
    return differ, total


def _answer_of(reply: object) -> DirectAnswer | None:
    if isinstance(reply, CheckedAnswer):
        reply = reply.answer
    return reply if isinstance(reply, DirectAnswer) and reply.ref is not None else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.robustness")
    parser.add_argument("--seed", type=int, default=7, help="where the typos fall")
    args = parser.parse_args(argv)
    catalog = load_catalog()
    responder = Responder(catalog)
    splits = [s for s in blind.SPLITS if s.startswith("dev")]
    print(f"rewrites of the {', '.join(splits)} messages (answer changed / rewritten):")
    for name, changed, total in rewritten(responder, splits, args.seed):
        print(f"  {name:22s} {changed:4d} / {total:4d}  ({changed / max(total, 1):.1%})")
    print("generated follow-ups (answer not what it asks / asked):")
    for kind, wrong, total in followups(responder, catalog):
        print(f"  {kind:26s} {wrong:4d} / {total:4d}  ({wrong / max(total, 1):.1%})")
    differ, pairs = languages(responder)
    print("the same question in Chinese and in English (target or aspect differs / pairs):")
    print(f"  {'bench/parallel_questions':26s} {differ:4d} / {pairs:4d}  "
          f"({differ / max(pairs, 1):.1%})")
    print("an opener that says nothing before each first message (bench/preambles.txt; "
          "fact first: plainly → with the opener / messages):")
    for half, openers in preambles().items():
        plain, prefixed, total = prefaced(responder, splits, openers)
        print(f"  {half + ' openers':26s} {plain:4d} → {prefixed:4d} / {total:4d}  "
              f"({(plain - prefixed) / max(total, 1):.1%} lost)")
    lost, asked = elided(responder, catalog, splits, args.seed)
    print("follow-ups that leave the platform out (the fact no longer first / asked):")
    print(f"  {'another question of it':26s} {lost:4d} / {asked:4d}  "
          f"({lost / max(asked, 1):.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
