"""What a private chat was last about, so a follow-up ("那德国呢") is understood.

People ask in pieces: "日本亚马逊电话多少", then "那德国呢", then "周末开吗". The answering
path (`knowledge.reply.Responder.respond`) takes the last resolved target and returns the
new one; the front end keeps it (per chat, per asker in a group) and passes it back with
the next message. It is plain data, so `knowledge` stays free of Telegram and the same
conversation can be replayed in tests and in `python -m bot ask --after`.

A follow-up inherits what it does not say itself: the platform, role and site stand
where the message names none (search reads them as hints, `SearchIndex.search(context=)`),
the issue where the message names none, and the aspect asked where no aspect word and no
fact of the target match the message. A message that says nothing but names ("那蝦皮呢"
after "天貓客服會不會跟我要密碼") asks the last question's words again, of what it names.
A message that names a platform together with what it asks is a new question and
inherits nothing. The facts the last answer showed count double for a follow-up's words:
"can they open tickets" after the seller chat's answer is about those agents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from knowledge.catalog import CardRef
from knowledge.schema import Aspect

__all__ = ["TTL", "Conversation"]

TTL = timedelta(minutes=30)  # an older target is forgotten: a new question starts afresh


@dataclass(frozen=True)
class Conversation:
    """The target of the last answer: platform · role · issue (· site), and what was
    asked of it, best first ("邮件多久回复": the reply time, of the email channel)."""

    ref: CardRef
    aspects: tuple[Aspect, ...]
    at: datetime
    # what was asked of the target, without its names ("电话多少"): a follow-up that
    # says nothing but a name ("那蝦皮呢") asks it again of the new target
    words: str = ""
    # the facts the last answer was drawn from (AspectFact.path), nearest first: what
    # "it" and "that" in a follow-up point back to
    facts: tuple[str, ...] = ()

    @property
    def aspect(self) -> Aspect | None:
        return self.aspects[0] if self.aspects else None

    def current(self, now: datetime) -> Conversation | None:
        """Itself while it is fresh, else None (a clock set back counts as fresh)."""
        return self if now - self.at <= TTL else None
