"""Everything in one message that could be a trap: scam words, every number, every link.

Why: a scam SMS carries an official number, a fake link and a request for a code at
once. Checking only the first thing found ("✅ official number") tells the asker the
opposite of the truth. So the check of a message is one piece of data: the scam alert
(if its words mark one), the verdict on each number and each link up to a cap, how many
were not checked (said aloud: unchecked is unsafe), and the advice for the platforms
concerned. `knowledge.wording` puts the worst first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from knowledge.catalog import Catalog, platform_facts
from knowledge.factindex import terms
from knowledge.links import LinkKind, LinkVerdict, LookAlike, OfficialDomains
from knowledge.listitems import items_asked, names_a_case
from knowledge.numbers import NumberVerdict, PhoneBook, PlatformAdvice, platform_advice
from knowledge.platforms import PlatformNames, SourcedText, safe_path, safety_advice
from knowledge.scam import ScamAlert, ScamWords
from knowledge.schema import Aspect, Fact, Lang, ScamSign, Text
from knowledge.search import SHOPPER, SearchIndex
from knowledge.textnorm import has_han, to_simplified

__all__ = ["Checker", "MessageCheck", "around", "asks_what_it_is"]

PERTINENT = 2.5  # how well a warning must match the message's words to be said in an alert
# a scam naming no platform is one platform's where it shares this many words with one of
# that platform's warnings, scoring this many times any other platform's best
TOLD_WORDS = 3
TOLD_MARGIN = 1.5
# a warning that lists cases is cut to the case the message is (its head kept), past this
# many characters: the alert's first lines are what a phone shows
WARNING_ROOM = 160
# a step of a way (Etsy's "choose how to get codes: an app, a text or a voice call") says
# how to do something, never what a scam is: no warning to quote in an alert
_STEP = re.compile(r"\.steps_(?:web|app)\.|\.path$")
NEAR_CASE = 0.8  # a list naming the case, scored this close to the best warning, goes first


@dataclass(frozen=True)
class MessageCheck:
    """The check of one message. `advice` names the covered platforms concerned (those
    the message names, or those its numbers and links belong to or imitate)."""

    scam: ScamAlert | None
    numbers: tuple[NumberVerdict, ...]  # message order, at most MAX_NUMBERS
    links: tuple[LinkVerdict, ...]  # message order, at most MAX_LINKS
    unchecked_numbers: int  # found beyond the cap: never called safe
    unchecked_links: int
    advice: tuple[PlatformAdvice, ...]
    safe_path: SourcedText | None
    general: tuple[SourcedText, ...]  # platform-independent advice (safety.yaml)
    # a call or text shows a number that can be faked (a reported call, an official number)
    spoofing: SourcedText | None = None
    # an official address read off a message received: what the link opens is unknown
    relayed: SourcedText | None = None

    @property
    def all_official(self) -> bool:
        """Nothing to warn about: no scam words, every number and link official, all checked."""
        return (
            self.scam is None
            and self.relayed is None
            and not self.unchecked_numbers
            and not self.unchecked_links
            and all(n.is_official for n in self.numbers)
            and all(v.kind is LinkKind.official for v in self.links)
        )

    @property
    def all_confirmed(self) -> bool:
        """All official, and every number listed by the platform's own pages, not only by
        a guide: only then is the reply all ✅ without the way to the official entry."""
        return self.all_official and all(n.confirmed for n in self.numbers)


class Checker:
    """Numbers, links and scam words in a message; build once per catalog."""

    def __init__(self, catalog: Catalog, names: PlatformNames, phones: PhoneBook,
                 domains: OfficialDomains, index: SearchIndex | None = None) -> None:
        self._catalog = catalog
        self._names = names
        self.phones = phones
        self.domains = domains
        self.words = ScamWords(catalog)
        # to find the platform's warning the message is about, of the asker's side
        self._index = index
        # what each platform says about scams and privacy, wherever in its file: Shopee's
        # "never asks for your password, PIN or payment" is a warning of its account-safety
        # issue, not of the platform
        self._warnings: dict[str, dict[str, SourcedText]] = {}
        # of those, the ones saying the platform itself asks such things (Walmart's INFORM
        # Act checks by e-mail): the message may be real
        real: set[tuple[str, str]] = set()
        for platform in catalog.platforms.values():
            warned = self._warnings[platform.id] = {}
            for fact in platform_facts(platform):
                if (Aspect.safety in fact.aspects and isinstance(fact.item, Fact)
                        and fact.path != "official_entry" and not _STEP.search(fact.path)):
                    warned[fact.path] = SourcedText(fact.item.text, fact.sources)
                    if fact.item.real_request:
                        real.add((platform.id, fact.path))
        self._real_requests = frozenset(real)

    def check(self, text: str) -> MessageCheck | None:
        """The check of a message; None when it holds no number, no link, no scam words."""
        numbers = self.phones.check(text)
        links = self.domains.check(text)
        # an official address carries no scam ("can I use a walmart gift card on walmart.com")
        carries = links is not None and (links.skipped > 0 or any(
            v.kind not in (LinkKind.official, LinkKind.listed) or v.disguise for v in links.links))
        # (a misspelt address in a question is more often a typing slip than a message
        # received: "amazn.com customer service number?" is answered, then checked)
        fake = links is not None and any(v.severity == 2 and v.how is not LookAlike.typo
                                         for v in links.links)
        scam = self.words.alert(text, has_number=numbers is not None, has_link=carries,
                                fake_site=fake)
        if numbers is None and links is None and scam is None:
            return None
        number_verdicts = numbers.numbers if numbers is not None else ()
        link_verdicts = links.links if links is not None else ()
        spoofing = scam.spoofing if scam is not None else None
        if spoofing is None and any(n.is_official for n in number_verdicts) \
                and self.words.reports_contact(text):
            spoofing = self.words.spoofing  # "Amazon called me from <official number>"
        # ("短信里的链接显示是 amazon.cn 可以点吗": the address is official, the link may not
        # be — only what the asker saw of it is checked)
        relayed = self.words.relayed_link if links is not None and any(
            v.kind in (LinkKind.official, LinkKind.listed) and not v.disguise
            for v in links.links) and self.words.relays_link(text) else None
        check = MessageCheck(
            relayed=relayed,
            scam=scam,
            numbers=number_verdicts,
            links=link_verdicts,
            unchecked_numbers=numbers.skipped if numbers is not None else 0,
            unchecked_links=links.skipped if links is not None else 0,
            advice=(),
            safe_path=safe_path(self._catalog),
            general=safety_advice(self._catalog),
            spoofing=spoofing,
        )
        if check.all_confirmed and spoofing is None:
            return check
        advice = self._advice(text, numbers.advice if numbers else (),
                              links.advice if links else (), scam=scam)
        return replace(check, advice=advice)

    def _advice(self, text: str, numbers_advice: tuple[PlatformAdvice, ...],
                links_advice: tuple[PlatformAdvice, ...], *, scam: ScamAlert | None
                ) -> tuple[PlatformAdvice, ...]:
        """The platforms concerned, each once: named in the message first, then those the
        number and link checks chose. A scam naming no platform gets the one platform its
        words tell clearly by that platform's own scam warnings, else only the safe path."""
        covered = self._catalog.platforms
        named = [p.id for p in self._names.find(text) if p.covered]
        ids = [*named, *(a.platform for a in (*numbers_advice, *links_advice))]
        if scam is not None and not named and not numbers_advice and not links_advice:
            # (a platform the message's words tell clearly by its own scam warnings: "a
            # buyer says her payment failed and I must scan a QR code" is Etsy's)
            ids = [p for p in [self._told_by_warnings(text)] if p is not None]
        # (the side the message names, read once for every platform concerned)
        said = self._index.search(text, limit=1).role if self._index is not None else None
        # (a message asking what no real request does, a password or a payment, is no
        # request the platform may make: its word on such requests is not pertinent)
        real = scam is None or set(scam.signs) <= _REAL_REQUEST_SIGNS
        return tuple(self._pertinent(platform_advice(self._catalog, p), text, said, real=real)
                     for p in dict.fromkeys(ids) if p in covered)

    def _told_by_warnings(self, text: str) -> str | None:
        """The one platform whose own words on scams the message shares several words
        with, far ahead of any other's; else None."""
        if self._index is None:
            return None
        best = sorted(
            ((matches[0].score, platform) for platform, warned in self._warnings.items()
             if (matches := [m for m in self._index.facts.match(text, platform, paths=warned)
                             if m.shared >= TOLD_WORDS])),
            reverse=True)
        if not best or (len(best) > 1 and best[0][0] < TOLD_MARGIN * best[1][0]):
            return None
        return best[0][1]

    def _pertinent(self, advice: PlatformAdvice, text: str, said: str | None, *,
                   real: bool = True) -> PlatformAdvice:
        """The platform's warnings, the one of its word on scams and privacy the message's
        words match best first, for the side the message names (`said`)."""
        warned = self._warnings.get(advice.platform, {})
        if self._index is None or not warned:
            return advice
        # (the shopper's where it names none: a seller's "no dial-in number for sellers"
        # is no word on a call to someone's grandma)
        role = said
        if role is None and any(r.id == SHOPPER for r in
                                self._catalog.platforms[advice.platform].roles):
            role = SHOPPER
        matches = [m for m in self._index.facts.match(text, advice.platform, role=role,
                                                      paths=warned)
                   if m.score >= PERTINENT and m.telling
                   and (real or (advice.platform, m.fact.path) not in self._real_requests)]
        if not matches:
            return advice
        words = frozenset(terms(text))
        # (a list that names the very case, matched nearly as well, before a statement
        # in general: Temu's "a courier asking for extra shipping charges" before its word
        # on e-mails, for "the courier texted me to pay a shipping fee")
        near = [m for m in matches if m.score >= NEAR_CASE * matches[0].score]
        best = next((m for m in near if names_a_case(
            (warned[m.fact.path].text.zh, warned[m.fact.path].text.en), words)), matches[0])
        first = warned[best.fact.path]
        # (a list of cases cut to the one the message is)
        cut = SourcedText(Text(zh=items_asked(first.text.zh, words, WARNING_ROOM),
                               en=items_asked(first.text.en, words, WARNING_ROOM)),
                          first.sources)
        warnings = (cut, *(w for w in advice.warnings if w.text != first.text))
        return replace(advice, warnings=warnings, pertinent=True,
                       real_request=(advice.platform, best.fact.path) in self._real_requests)


# the signs a request the platform really makes may show too: an account at risk, details
# to confirm, a link or a number to use (which the alert says not to); never a password,
# a code or a payment
_REAL_REQUEST_SIGNS = frozenset({ScamSign.frozen, ScamSign.personal, ScamSign.callback,
                                 ScamSign.fake_site})

# what a number or link may be asked to be: "is amazon-help.net amazon's support site?",
# "1-888-280-4331 is amazon's number, right?", "xx.com是亚马逊官网吧"
_WHAT_IT_IS = re.compile(
    r"official|site|website|page|domain|url|link|number|hotline|phone|address|support|"
    r"customer service|官网|官方|网站|网址|链接|号码|电话|热线|客服", re.IGNORECASE)


def asks_what_it_is(text: str, check: MessageCheck) -> bool:
    """Whether the message asks what one of its numbers or links is: the thing is what
    "is" or 是 is said of, and what is said of it is an address, a number or a service
    ("amazon.com is late" asks nothing of amazon.com). Then the check is the answer, and
    it comes first: a link asked about must never wait below other facts."""
    plain = unicodedata.normalize("NFKC", text)
    for item in (*(n.text for n in check.numbers), *(link.text for link in check.links)):
        at = plain.find(item)
        if at < 0:
            continue
        before, after = plain[:at], plain[at + len(item):]
        subject = re.search(r"\bis\s+(?:this\s+|that\s+|the\s+)?$", before, re.IGNORECASE) \
            or re.match(r"\s*(?:is\b|是)", after)
        if subject and _WHAT_IT_IS.search(to_simplified(after)):
            return True
    return False


def around(text: str, check: MessageCheck, catalog: Catalog) -> str:
    """The message with each number and link replaced by what it is, so the words around
    them can be answered: an official one (or one a guide lists) by its platform and site
    ("亚马逊 日本站"),
    anything else by nothing (a fake must not steer the answer to a platform)."""
    zh = has_han(text)
    out = unicodedata.normalize("NFKC", text)
    for number in check.numbers:
        said = ""
        if number.official:
            said = _named(catalog, number.official[0].platform, number.official[0].site, zh)
        out = out.replace(number.text, f" {said} ")
    for link in check.links:
        said = ""
        if link.kind in (LinkKind.official, LinkKind.listed) and link.platform is not None:
            said = _named(catalog, link.platform, _site_of_host(catalog, link), zh)
        out = out.replace(link.text, f" {said} ")
    return " ".join(out.split())


def _named(catalog: Catalog, platform_id: str, site_id: str | None, zh: bool) -> str:
    platform = catalog.platform(platform_id)
    if platform is None:
        return ""
    lang: Lang = "zh" if zh else "en"
    site = catalog.site(platform_id, site_id) if site_id else None
    return " ".join([platform.name.get(lang), *([site.name.get(lang)] if site else [])])


def _site_of_host(catalog: Catalog, link: LinkVerdict) -> str | None:
    """The site an official host stands for: the one whose keywords name it (amazon.com →
    us), else the one of its country-code domain (amazon.co.jp → jp)."""
    platform = catalog.platform(link.platform) if link.platform else None
    host = link.host.lower().removeprefix("www.")
    named = next((s.id for s in platform.sites
                  if host in {k.lower() for k in s.keywords}), None) if platform else None
    if named is not None:
        return named
    tld = link.host.rsplit(".", 1)[-1].upper()
    if platform is None or len(tld) != 2:
        return None
    tld = "GB" if tld == "UK" else tld
    return next((s.id for s in platform.sites if (s.region or s.id.upper()) == tld), None)
