"""Does a message read like a scam? The words of safety.yaml's `scam` section, matched.

Why: a pasted scam SMS ("【亚马逊】您的账户已冻结，请致电 400-810-5666 …") holds an
official number and a fake link, and a check of each alone misses what matters: the
message asks for a code, a password or a payment, or says an account is frozen. Those
words come first, whatever the numbers and links are.

The words live in knowledge/data/safety.yaml (zh, simplified and traditional, and en),
never here. Chinese words are substrings of the text and of its simplified form; English
ones are whole words, case-insensitively; "A…B" is A, then B within a few characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.catalog import Catalog
from knowledge.platforms import SourcedText
from knowledge.schema import ScamSign, Words
from knowledge.textnorm import to_simplified

__all__ = ["MAX_TEXT", "ScamAlert", "ScamSign", "ScamWords"]

MAX_TEXT = 4096  # a whole Telegram message, read for scam words
_GAP = 12  # "是…吗": at most this many characters between the two parts
_MAIL = re.compile(r"邮件|郵件|e-?mail", re.IGNORECASE)
# a question asks: a question mark, a question word; a message pasted whole does not
_ASKS = re.compile(r"[?？吗嗎呢么麼几幾哪谁誰啥咋]|怎|如何|是否|能否|多久|可以|能不能|"
                   r"有没有|有沒有|(?<![a-z])(?:how|what|when|where|who|which|why|can|could|should|is|are|do|does|"
                   r"did|any|pls|please help|help me|real|legit|scam)(?![a-z])", re.IGNORECASE)


# a message speaking to its reader ("your account", "you need to"), not the asker asking
# the bot something ("can you", "do you know"): "you" as a question's subject is left out
_READER = re.compile(r"(?<![a-z])(?<!can )(?<!could )(?<!would )(?<!will )(?<!do )(?<!did )"
                     r"(?<!are )(?<!should )(?<!if )you(?:r|rs|'ve|'re|'ll)?(?![a-z])",
                     re.IGNORECASE)
# the asker speaking of themselves: their own words, not a message they pasted
_SELF = re.compile(r"我|(?<![a-z'])(?:i|i'm|im|my|me|mine)(?![a-z'])", re.IGNORECASE)


def _pasted(text: str) -> bool:
    """Whether a message of some length asks nothing and says nothing of its sender: a
    text or an e-mail pasted whole ("Walmart Rewards: your cashback … pay a network
    fee"), not someone telling their own case ("I need to pay customs on my order")."""
    head = text[:MAX_TEXT]
    return len(head) >= 40 and _ASKS.search(head) is None and _SELF.search(head) is None


@dataclass(frozen=True)
class ScamAlert:
    """What a message asks for or claims that marks a scam, and what to say about it."""

    signs: tuple[ScamSign, ...]  # in ScamSign order
    never_asks: SourcedText
    # the number shown by a call or text can be faked (set when the message reports a
    # call or a text, or holds a phone number)
    spoofing: SourcedText | None


class _Matcher:
    """One list of words, compiled to one pattern per language."""

    def __init__(self, words: Words) -> None:
        zh = [re.escape(w).replace("…", f".{{0,{_GAP}}}?") for w in words.zh]
        zh += [re.escape(to_simplified(w)).replace("…", f".{{0,{_GAP}}}?") for w in words.zh]
        en = [r"\s+".join(map(re.escape, w.lower().split())) for w in words.en]
        self._zh = re.compile("|".join(dict.fromkeys(zh))) if zh else None
        # a whole word among Latin letters, wherever it stands beside Chinese ("在Telegram上")
        self._en = re.compile(
            rf"(?<![a-z0-9_-])(?:{'|'.join(en)})(?![a-z0-9_-])") if en else None

    def search(self, text: str, simplified: str) -> bool:
        if self._zh is not None and (self._zh.search(text) or self._zh.search(simplified)):
            return True
        return self._en is not None and self._en.search(text) is not None


class ScamWords:
    """The scam words of a catalog; build once, read-only afterwards."""

    def __init__(self, catalog: Catalog) -> None:
        scam = catalog.safety.scam if catalog.safety is not None else None
        self._signs = {sign: _Matcher(words) for sign, words in scam.signs.items()} if scam else {}
        self._contact = _Matcher(scam.contact) if scam else None
        self._greeting = _Matcher(scam.greeting) if scam else None
        # the same, but an e-mail: platforms do write to say an account is suspended
        # (Walmart notifies a suspension by e-mail, Amazon a deactivation), they never call
        self._unmailed = _Matcher(Words(
            zh=[w for w in scam.contact.zh if not _MAIL.search(w)],
            en=[w for w in scam.contact.en if not _MAIL.search(w)])) if scam else None
        self._verify = _Matcher(scam.verify) if scam else None
        self._done = _Matcher(scam.done) if scam else None
        self._enter = _Matcher(scam.enter) if scam else None
        self._report = _Matcher(scam.report) if scam else None
        self._relayed = _Matcher(scam.relayed) if scam else None
        self._relayed_link = SourcedText.of(scam.relayed_link) if scam and scam.relayed_link \
            else None
        self._never_asks = SourcedText.of(scam.never_asks) if scam else None
        self._spoofing = SourcedText.of(scam.spoofing) if scam else None

    @staticmethod
    def _forms(text: str) -> tuple[str, str]:
        lowered = text[:MAX_TEXT].lower()
        return lowered, to_simplified(lowered)

    def signs(self, text: str) -> tuple[ScamSign, ...]:
        """What the message asks for or claims, of what scams ask for and claim."""
        forms = self._forms(text)
        return tuple(s for s in ScamSign if s in self._signs and self._signs[s].search(*forms))

    def reports_contact(self, text: str) -> bool:
        """Whether the message is, or tells of, a call, a text or a message received (one
        pasted whole asks nothing: no question mark, no question word; a greeting that
        introduces its writer, "Hi, I'm …", is one where the message speaks to its reader)."""
        forms = self._forms(text)
        return (self._contact is not None and self._contact.search(*forms)) or _pasted(text) \
            or (self._greeting is not None and self._greeting.search(*forms)
                and _READER.search(text[:MAX_TEXT]) is not None)

    def relays_link(self, text: str) -> bool:
        """Whether the message tells of a link read off a message received, or of what a
        link shows ("邮件里的链接看着是…", "the link in the text says …")."""
        return self._relayed is not None and self._relayed.search(*self._forms(text))

    @property
    def relayed_link(self) -> SourcedText | None:
        return self._relayed_link

    def asks_if_genuine(self, text: str) -> bool:
        """Whether the message asks if something is real ("是真的吗", "is this legit")."""
        return self._verify is not None and self._verify.search(*self._forms(text))

    def already_done(self, text: str) -> bool:
        """Whether the asker says they already gave, paid or clicked ("我把验证码给了他",
        "i already paid")."""
        return self._done is not None and self._done.search(*self._forms(text))

    @property
    def spoofing(self) -> SourcedText | None:
        return self._spoofing

    def alert(self, text: str, *, has_number: bool, has_link: bool,
              fake_site: bool = False) -> ScamAlert | None:
        """The alert for a message that asks what scams ask (or claims what they claim)
        and is, or carries, a call, a text, a number or a link; else None.

        "亚马逊账户冻结了怎么办" is a question about a frozen account, not a scam: with no
        number, link or reported call or message, it goes to the answering path.
        """
        if self._never_asks is None:
            return None
        # (a link made to look like a platform's is a sign by itself: no real message of a
        # platform carries one)
        found = self.signs(text)
        signs = tuple(s for s in ScamSign if s in found
                      or (s is ScamSign.fake_site and fake_site))
        if not signs:
            return None
        contact = self.reports_contact(text)
        # (paying outside the platform is a scam's move whoever proposes it, and whatever
        # the asker tells of how: "卖家让我私下交易便宜200"; not
        # where the asker asks how to report it, having seen it for what it is)
        outside = ScamSign.outside in signs and not (
            self._report is not None and self._report.search(*self._forms(text)))
        if not (contact or has_number or has_link or outside):
            return None
        if (signs == (ScamSign.frozen,) and not (has_number or has_link)
                and self._unmailed is not None and not self._unmailed.search(*self._forms(text))):
            # "账号被停用了，邮件说要我提交申诉": a seller told by e-mail of a real
            # suspension, asking what to prepare; an e-mail that also wants a code, a
            # password or money, or carries a number or link, is still a scam
            return None
        if (signs == (ScamSign.code,) and not (has_number or has_link)
                and self._enter is not None and self._enter.search(*self._forms(text))):
            # "亚马逊发来验证码 在哪输入": a code the platform sent, to sign in with; one
            # someone wants read back is still a scam ("把验证码告诉他" asks nothing here)
            return None
        spoofing = self._spoofing if (contact or has_number) else None
        return ScamAlert(signs, self._never_asks, spoofing)
