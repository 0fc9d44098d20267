"""The one answering path: whatever someone types, what the bot answers, as data.

The private chat, groups, inline mode and `python -m bot ask` all call
`Responder.respond`, and each only lays the result out. The order of the checks is the
order of what matters to the asker:

1. small talk and questions about the bot itself ("你好", "are you Amazon?", "refund my
   order"): a short, honest answer, never a card;
2. scam words, phone numbers and links (`knowledge.checks`): a message that asks for a
   code, a password or a payment, or says an account is frozen, and is or carries a
   call, a text, a number or a link gets the scam warning first; every number and link
   is checked (official or not, from the knowledge files only). A real question around
   a number or link ("amazon.co.jp customer service number?") is answered, and the
   check follows the answer (`CheckedAnswer`);
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

import copy
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from knowledge.answer import DirectAnswer, direct_answer, focused
from knowledge.catalog import CardRef, Catalog
from knowledge.checks import Checker, MessageCheck, around, asks_what_it_is
from knowledge.conversation import Conversation
from knowledge.examples import ExampleIndex
from knowledge.hours import warm_zone_names
from knowledge.links import OfficialDomains
from knowledge.numbers import PhoneBook
from knowledge.platforms import PlatformNames, UncoveredPlatform
from knowledge.schema import Aspect, Lang
from knowledge.search import SearchIndex
from knowledge.smalltalk import SmallTalk, SmallTalkMatcher

__all__ = ["CheckedAnswer", "NotSure", "Nothing", "Reply", "Responder", "Turn"]


@dataclass(frozen=True)
class NotSure:
    """The question was not understood well enough: suggestions to tap, best first."""

    question: str
    suggestions: tuple[CardRef, ...]


@dataclass(frozen=True)
class Nothing:
    """Emoji, punctuation, whitespace: nothing to search for."""


@dataclass(frozen=True)
class CheckedAnswer:
    """A real question with a number or link in it: the answer first, then the check."""

    answer: DirectAnswer
    check: MessageCheck


Reply = (SmallTalk | MessageCheck | CheckedAnswer | UncoveredPlatform | DirectAnswer | NotSure
         | Nothing)


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
        warm_zone_names()
        self.names = PlatformNames(catalog)
        self.phones = PhoneBook(catalog, self.names)
        self.domains = OfficialDomains(catalog, self.names)
        self.smalltalk = SmallTalkMatcher(catalog, self.names)
        self.checker = Checker(catalog, self.names, self.phones, self.domains, self.index)

    def with_examples(self, examples: ExampleIndex) -> Responder:
        """The same answering path with other known questions (knowledge/examples.py)."""
        other = copy.copy(self)
        other.index = self.index.with_examples(examples)
        return other

    def without_examples(self, name: str) -> Responder:
        """The same answering path with one set of known questions left out: how that
        set is measured without being answered from itself (tests/knowledge/blind.py)."""
        return self.with_examples(self.index.examples.without(name))

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

        A direct answer moves the conversation on, and so does a scam alert about one
        platform (to that platform's scams); a greeting, a number check or a "not sure"
        leave it where it was, so the next follow-up still has its target.
        """
        context = state.current(now) if state is not None else None
        reply = self._reply(question, context, lang=lang, user_zone=user_zone, now=now,
                            personal=personal, suggestions=suggestions)
        answered = reply.answer if isinstance(reply, CheckedAnswer) else reply
        if isinstance(answered, DirectAnswer) and answered.ref is not None:
            # what was asked of the target; a follow-up that inherited it passes it on
            inherited = context is not None and context.words and \
                answered.question.endswith(" " + context.words)
            words = context.words if context is not None and inherited else \
                self.index.facts.beyond_names(answered.question)
            return Turn(reply, Conversation(focused(self.catalog, answered) or answered.ref,
                                            answered.aspects, now, words, answered.facts))
        if isinstance(reply, MessageCheck) and reply.scam is not None:
            return Turn(reply, self._after_scam(question, reply, context, now))
        return Turn(reply, context)

    def _after_scam(self, question: str, check: MessageCheck, context: Conversation | None,
                    now: datetime) -> Conversation | None:
        """After a scam alert about one platform, the conversation is about its scams: "我想
        举报一下 要附什么东西" reports to that platform, not to one guessed anew."""
        platforms = {advice.platform for advice in check.advice}
        if len(platforms) != 1:
            return context
        platform = platforms.pop()
        if context is not None and context.ref.platform == platform:
            return replace(context, aspects=(Aspect.safety,), at=now)
        result = self.index.search(question)
        ref = next((m.ref for m in result.matches if m.ref.platform == platform), None) or \
            self.catalog.general_ref(platform, result.role, result.site)
        if ref is None:
            return context
        return Conversation(ref, (Aspect.safety,), now, self.index.facts.beyond_names(question))

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
        # "你好，…", "…，急！！", "… thanks 🙏": the question as if asked plainly (what asks
        # if a thing is genuine is read in the message as written: ", right?" is no aside)
        written, text = text, self.smalltalk.question_of(text)
        # (the scam words are read in the message as written: "Hello dear, I'm a recruiter
        # from …" speaks as scams do in the very greeting an asker's question loses)
        check = self.checker.check(written)
        uncovered = self.names.names_uncovered(text)
        only_uncovered = uncovered is not None and not uncovered.named_covered
        if check is not None:
            # (told after the fact, "我把验证码给了他，现在怎么办": what to do now first,
            # the warning after it)
            done = check.scam is not None and self.checker.words.already_done(text)
            if (check.scam is not None and not done) or only_uncovered or \
                    check.relayed is not None or self.checker.words.asks_if_genuine(written) or \
                    asks_what_it_is(text, check):
                return check
            asked = around(text, check, self.catalog)
            answer = direct_answer(self.catalog, self.index, asked, lang=lang,
                                   user_zone=user_zone, now=now, personal=personal,
                                   suggestions=suggestions, context=context)
            if answer.ref is None or (answer.aspect is None
                                      and not self.index.facts.says_more(asked, ())):
                return check  # only a pasted number or link: the check is the answer
            # (a question about nothing in particular around it, "my order from amazon.com
            # is late, what do I do": the card's summary, then the check)
            if answer.aspect is Aspect.safety and not self.index.facts.says_more(
                    asked, self.index.aspects.detect(asked).words):
                return check  # "amazon-help.net scam?": the check is the answer
            # ("an email from walmart.com with an attachment, open it?": what to do with
            # it first, then what the address is — a real sender's name can be forged)
            return CheckedAnswer(answer, check)
        if uncovered is not None and only_uncovered:
            return uncovered
        answer = direct_answer(self.catalog, self.index, text, lang=lang, user_zone=user_zone,
                               now=now, personal=personal, suggestions=suggestions,
                               context=context)
        if answer.ref is None:
            return NotSure(text, answer.suggestions)
        return answer
