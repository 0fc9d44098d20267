"""The one answering path: whatever someone types, what the bot answers, as data.

The private chat, groups, inline mode and `python -m bot ask` all call
`Responder.respond`, and each only lays the result out. The order of the checks is the
order of what matters to the asker:

1. small talk and questions about the bot itself ("你好", "are you Amazon?", "refund my
   order"): a short, honest answer, never a card;
2. a phone number or a link pasted in ("is this Amazon?"): official or not, from the
   knowledge files only — this is where scams are caught;
3. a platform the knowledge files do not cover ("京东客服电话"): said plainly, never
   another platform's card;
4. the question itself: the fact asked first (`knowledge.answer`), or "not sure" with
   search's suggestions.

A message with no letter or digit in it asks nothing (`Nothing`).

`converse` is the same path inside a conversation: it takes what the chat was last about
(`knowledge.conversation.Conversation`) and returns, with the reply, what it is about now,
so "那德国呢" after "日本亚马逊电话多少" is answered as "德国亚马逊电话多少" would be.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from knowledge.answer import DirectAnswer, direct_answer
from knowledge.catalog import CardRef, Catalog
from knowledge.conversation import Conversation
from knowledge.links import LinkCheck, OfficialDomains
from knowledge.numbers import NumberCheck, PhoneBook
from knowledge.platforms import PlatformNames, UncoveredPlatform
from knowledge.schema import Lang
from knowledge.search import SearchIndex
from knowledge.smalltalk import SmallTalk, SmallTalkMatcher

__all__ = ["NotSure", "Nothing", "Reply", "Responder", "Turn"]


@dataclass(frozen=True)
class NotSure:
    """The question was not understood well enough: suggestions to tap, best first."""

    question: str
    suggestions: tuple[CardRef, ...]


@dataclass(frozen=True)
class Nothing:
    """Emoji, punctuation, whitespace: nothing to search for."""


Reply = SmallTalk | NumberCheck | LinkCheck | UncoveredPlatform | DirectAnswer | NotSure | Nothing


@dataclass(frozen=True)
class Turn:
    """One message of a conversation: the reply, and what the chat is about after it."""

    reply: Reply
    state: Conversation | None


class Responder:
    """Everything the answering path reads, built once per catalog (and again on /reload).

    Read-only after construction, so one instance serves every handler at once.
    """

    def __init__(self, catalog: Catalog, index: SearchIndex | None = None) -> None:
        self.catalog = catalog
        self.index = index or SearchIndex(catalog)
        self.names = PlatformNames(catalog)
        self.phones = PhoneBook(catalog, self.names)
        self.domains = OfficialDomains(catalog, self.names)
        self.smalltalk = SmallTalkMatcher(catalog, self.names)

    def respond(
        self,
        question: str,
        *,
        lang: Lang,
        user_zone: ZoneInfo,
        now: datetime,
        personal: bool = True,
        suggestions: int = 5,
    ) -> Reply:
        """The answer to one message on its own; never raises on any string.

        `personal` False words times for others to read (groups, shared inline results).
        """
        return self.converse(question, None, lang=lang, user_zone=user_zone, now=now,
                             personal=personal, suggestions=suggestions).reply

    def converse(
        self,
        question: str,
        state: Conversation | None,
        *,
        lang: Lang,
        user_zone: ZoneInfo,
        now: datetime,
        personal: bool = True,
        suggestions: int = 5,
    ) -> Turn:
        """The answer to a message that may follow up `state`, and the state after it.

        Only a direct answer moves the conversation on; a greeting, a number check or a
        "not sure" leave it where it was, so the next follow-up still has its target.
        """
        context = state.current(now) if state is not None else None
        reply = self._reply(question, context, lang=lang, user_zone=user_zone, now=now,
                            personal=personal, suggestions=suggestions)
        if isinstance(reply, DirectAnswer) and reply.ref is not None:
            return Turn(reply, Conversation(reply.ref, reply.aspects, now))
        return Turn(reply, context)

    def _reply(
        self,
        question: str,
        context: Conversation | None,
        *,
        lang: Lang,
        user_zone: ZoneInfo,
        now: datetime,
        personal: bool,
        suggestions: int,
    ) -> Reply:
        text = question.strip()
        if not any(ch.isalnum() for ch in text):
            return Nothing()
        talk = self.smalltalk.classify(text)
        if talk is not None:
            return talk
        numbers = self.phones.check(text)
        if numbers is not None:
            return numbers
        links = self.domains.check(text)
        if links is not None:
            return links
        uncovered = self.names.names_uncovered(text)
        if uncovered is not None and not uncovered.named_covered:
            return uncovered
        answer = direct_answer(self.catalog, self.index, text, lang=lang, user_zone=user_zone,
                               now=now, personal=personal, suggestions=suggestions,
                               context=context)
        if answer.ref is None:
            return NotSure(text, answer.suggestions)
        return answer
