"""Is this number real? Phone numbers in a message, compared with the official ones.

Why: fake "customer service" numbers are the scam the guides warn about most, and a bot
that holds the official numbers with their sources can say whether a pasted number is
one of them. Only a number the knowledge files hold is ever called official; anything
else is "not one of the official numbers the bot knows", with the platform's warnings
and where its official numbers are listed.

How: numbers are found and parsed by Google's libphonenumber (`phonenumbers`), in every
region the catalog's sites use plus CN (400/800 hotlines). A national number reads
differently in each country ("0800 085 2080" is a UK and a German number), so each
number found keeps all its readings and matches when any reading is an official number.
Order ids, case ids and long digit runs are blanked out first, so they are never taken
for phone numbers — except an "id" written like a phone number ("工单 400-810-5667"),
which is checked. A number written like a phone number that libphonenumber rejects in
every region ("+44 400 810 5666", one digit too many) is found too, and is never
official. At most MAX_NUMBERS numbers are checked per message; the rest, and the runs of
digits past the first MAX_CANDIDATES, are counted in `skipped`, never dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

import phonenumbers
from rapidfuzz.distance import OSA

from knowledge.catalog import Catalog
from knowledge.platforms import PlatformNames, SourcedText, safe_path, safety_advice
from knowledge.schema import Hours, Platform, Text
from knowledge.sourcing import is_unconfirmed

__all__ = [
    "MAX_NUMBERS",
    "FoundNumber",
    "NumberCheck",
    "NumberVerdict",
    "OfficialNumber",
    "PhoneBook",
    "PlatformAdvice",
    "mask_ids",
    "platform_advice",
    "site_region",
]

MAX_NUMBERS = 3  # checked per message; the rest are counted in `NumberCheck.skipped`
MAX_TEXT = 4096  # a whole Telegram message
# Runs of digits read by libphonenumber per message (each in every region): bounds the
# cost of a hostile message (a wall of numbers); the runs after them are counted in
# `skipped`, never checked and never called safe
MAX_CANDIDATES = 8
# candidates libphonenumber tries per region within those runs
MAX_TRIES = 16
MIN_DIGITS = 6  # fewer digits in a whole message: no phone number anywhere in it
MAX_FOUND = 20  # numbers read per region; `skipped` counts at most MAX_FOUND - MAX_NUMBERS
# hotlines of mainland China (400/800) are written without a country code
ALWAYS_REGIONS = ("CN",)

# Blanked out before numbers are looked for; "_" breaks any number it touches.
_MASK = "_"
_AMAZON_ORDER = re.compile(r"(?<!\d)\d{3}-\d{7}-\d{7}(?!\d)")
# an id after the word that names it: "case 1234567890", "工单号：12345678", "order #..."
_LABELLED_ID = re.compile(
    r"(?i)(?:case|ticket|order|tracking|asin|sku|qq|工单|案例|订单|运单|快递单|物流单|追踪)"
    r"\s*(?:id|no\.?|number|nr\.?|编号|号码?|单号)?\s*[:：#＃.]?\s*"
    r"(?P<id>[A-Za-z0-9][A-Za-z0-9-]{4,})"
)
# a run of digits too long to be a phone number (E.164 has at most 15 digits): a
# 13-15-digit run counts only after "+", longer ones never
# (an international prefix "00" adds two: "00" and 16 digits is still a number)
_LONG_RUN = re.compile(r"(?<![+\d])(?!00)\d{13,}|(?<![+\d])00\d{16,}|(?<=\+)\d{16,}")
# an id written the way phone numbers are, in groups of digits ("工单 400-810-5667"): a
# number to check, not an id to hide (Amazon's 3-7-7 order ids are blanked on their own)
_PHONE_SHAPED = re.compile(r"\d{2,5}(?:-\d{2,5}){2,4}")
# Written like a phone number, though libphonenumber rejects it: an international number
# ("+44 400 810 5666", "0086…"), or digits in three or more groups ("400-810-56666"). It
# is checked too, and is never an official number.
_PHONE_LIKE = re.compile(
    r"(?<![\w+.])(?:(?:\+|00)\d[\d \-.()]{5,24}\d"
    r"|\d{2,5}(?:-\d{2,6}){2,4}|\d{2,5}(?: \d{2,6}){2,4})(?![\w.]?\d)"
)
_DATE = re.compile(r"\d{4}[-.]\d{1,2}[-.]\d{1,2}")
# a run of six or more digits, single separators allowed: what may hold a phone number
_CANDIDATE = re.compile(r"\+?\d(?:[ \-.()/]?\d){5,}")


@dataclass(frozen=True)
class OfficialNumber:
    """One phone number the knowledge files hold, with what the card says about it."""

    platform: str
    channel: str  # channel id
    roles: tuple[str, ...]  # whose line it is (buyer, seller)
    site: str | None  # None: the channel's number everywhere
    number: str  # as the knowledge file writes it
    e164: str
    note: Text | None
    hours: tuple[Hours, ...]  # the line's hours at its site (open now: knowledge.hours)
    sources: tuple[str, ...]
    # an `official` source lists it; False: only third-party guides or community do, so
    # the check says "listed in a third-party guide", never "official"
    confirmed: bool = True


@dataclass(frozen=True)
class NumberVerdict:
    """A number found in a message and what it is."""

    text: str  # as written (after full-width → plain)
    readings: tuple[str, ...]  # E.164 forms it can be read as, most likely first
    official: tuple[OfficialNumber, ...]  # the official lines it is; empty: not official
    near: tuple[OfficialNumber, ...]  # official numbers one digit away from it

    @property
    def is_official(self) -> bool:
        """The knowledge files list it (see `confirmed` for whether the platform does)."""
        return bool(self.official)

    @property
    def confirmed(self) -> bool:
        """An official source lists it: only then may a reply call it official."""
        return any(n.confirmed for n in self.official)

    @property
    def is_valid(self) -> bool:
        """False: written like a phone number, but no valid one anywhere (so not official)."""
        return bool(self.readings)


@dataclass(frozen=True)
class PlatformAdvice:
    """Where a platform's official numbers are found, and its anti-scam warnings."""

    platform: str
    name: Text
    official_entry: SourcedText
    warnings: tuple[SourcedText, ...]
    # the message's own words match the first warning ("got an email from …": the
    # platform's word on which addresses it writes from): worth saying even in a scam alert
    pertinent: bool = False
    # ... and that first warning says the platform itself asks this (`Fact.real_request`)
    real_request: bool = False


@dataclass(frozen=True)
class NumberCheck:
    """Every number checked in one message, and the advice for those that are not official.

    `advice` holds the platforms the message names (or, if none, those a near number
    belongs to, or else every covered platform); empty when all numbers are official.
    """

    numbers: tuple[NumberVerdict, ...]  # in message order, at most MAX_NUMBERS
    skipped: int  # further numbers that were not checked (counted up to MAX_FOUND in all)
    advice: tuple[PlatformAdvice, ...]
    safe_path: SourcedText | None
    general: tuple[SourcedText, ...]  # platform-independent advice (safety.yaml)

    @property
    def all_official(self) -> bool:
        return all(n.is_official for n in self.numbers)

    @property
    def all_confirmed(self) -> bool:
        return all(n.confirmed for n in self.numbers)


@dataclass(frozen=True)
class FoundNumber:
    """A phone number in a message: where, as written, and every E.164 reading of it."""

    start: int
    end: int
    text: str
    readings: tuple[str, ...]


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def site_region(platform: Platform, site_id: str | None) -> str | None:
    """The region a site's numbers are written for: its `region`, or its id if a country."""
    if site_id is None:
        return None
    site = next((s for s in platform.sites if s.id == site_id), None)
    if site is None:
        return None
    if site.region is not None:
        return site.region
    code = site.id.upper()
    return code if code in phonenumbers.SUPPORTED_REGIONS else None


def mask_ids(text: str) -> str:
    """Blank out order ids, labelled case/ticket ids and over-long digit runs."""
    chars = list(text)

    def blank(start: int, end: int) -> None:
        chars[start:end] = _MASK * (end - start)

    for match in _AMAZON_ORDER.finditer(text):
        blank(*match.span())
    for match in _LABELLED_ID.finditer(text):
        if _PHONE_SHAPED.fullmatch(match.group("id")) is None:
            blank(*match.span("id"))
    for match in _LONG_RUN.finditer(text):
        blank(*match.span())
    return "".join(chars)


class PhoneBook:
    """Every official number in the catalog, and the check of numbers in a message."""

    def __init__(self, catalog: Catalog, names: PlatformNames | None = None) -> None:
        self._catalog = catalog
        self._names = names or PlatformNames(catalog)
        self._by_e164: dict[str, list[OfficialNumber]] = {}
        # numbers a knowledge file holds that libphonenumber cannot read (editors' typos)
        self.unreadable: list[tuple[str, str, str]] = []  # (platform, channel, number)
        regions: list[str] = []
        for platform in catalog.platforms.values():
            for site in platform.sites:
                region = site_region(platform, site.id)
                if region is not None and region not in regions:
                    regions.append(region)
            for channel in platform.channels:
                for phone in channel.phones:
                    region = site_region(platform, phone.site)
                    try:
                        parsed = phonenumbers.parse(phone.number, region)
                    except phonenumbers.NumberParseException:
                        parsed = None
                    if parsed is not None and phonenumbers.is_possible_short_number(parsed):
                        # a short code (a police hotline such as 997) is dialled as is and
                        # never pasted as "is this their number?": nothing to compare
                        continue
                    if parsed is None or not phonenumbers.is_possible_number(parsed):
                        self.unreadable.append((platform.id, channel.id, phone.number))
                        continue
                    hours = tuple(
                        h for h in channel.hours if h.site is None or h.site == phone.site
                    )
                    official = OfficialNumber(
                        platform=platform.id,
                        channel=channel.id,
                        roles=tuple(channel.roles),
                        site=phone.site,
                        number=phone.number,
                        e164=_e164(parsed),
                        note=phone.note,
                        hours=hours,
                        sources=tuple(phone.sources or channel.sources or platform.sources),
                    )
                    official = replace(official, confirmed=not is_unconfirmed(
                        catalog, official.sources))
                    self._by_e164.setdefault(official.e164, []).append(official)
        self._regions = tuple(regions) + tuple(r for r in ALWAYS_REGIONS if r not in regions)
        # each official number's national digits ("4008105666"), for numbers no region reads
        self._national = {
            e164: str(phonenumbers.parse(e164).national_number) for e164 in self._by_e164
        }
        # libphonenumber compiles its patterns on first use (about 0.1 s): pay that at
        # start-up, not in the first user's reply
        self.find("+86 400-810-5666 转 2, 0800 085 2080 or (206) 266-1000")

    @property
    def numbers(self) -> tuple[OfficialNumber, ...]:
        """Every official number, in catalog order."""
        return tuple(n for found in self._by_e164.values() for n in found)

    @property
    def regions(self) -> tuple[str, ...]:
        return self._regions

    def lookup(self, e164: str) -> tuple[OfficialNumber, ...]:
        return tuple(self._by_e164.get(e164, ()))

    def find(self, text: str) -> list[FoundNumber]:
        """Every phone number in `text`, in order, each once with all its readings."""
        return self._scan(text)[0]

    def _scan(self, text: str) -> tuple[list[FoundNumber], int]:
        """The numbers in the first MAX_CANDIDATES runs of digits, and how many runs
        after those were not read."""
        text = unicodedata.normalize("NFKC", text[:MAX_TEXT])
        if sum(ch.isdigit() for ch in text) < MIN_DIGITS:
            return [], 0
        masked = mask_ids(text)
        runs = [m.end() for m in _CANDIDATE.finditer(masked)]
        unread = max(0, len(runs) - MAX_CANDIDATES)
        if unread:
            masked = masked[:runs[MAX_CANDIDATES - 1]]
        spans: list[tuple[int, int, str]] = []  # (start, end, e164), region order kept
        for n_region, region in enumerate(self._regions):
            matcher = phonenumbers.PhoneNumberMatcher(
                masked, region, leniency=phonenumbers.Leniency.VALID, max_tries=MAX_TRIES
            )
            for n, match in enumerate(matcher):
                if n >= MAX_FOUND:
                    break
                spans.append((match.start, match.end, _e164(match.number)))
            if n_region == 0:
                # an international number (+86 …) reads the same in every region
                masked = _blank_international(masked, spans)
        # numbers read in several regions overlap: one group per stretch of text
        groups: list[list[tuple[int, int, str]]] = []
        for span in sorted(spans, key=lambda s: s[0]):
            if groups and span[0] < max(s[1] for s in groups[-1]):
                groups[-1].append(span)
            else:
                groups.append([span])
        found = []
        for group in groups:
            start = min(s[0] for s in group)
            end = max(s[1] for s in group)
            readings = tuple(dict.fromkeys(s[2] for s in group))
            found.append(FoundNumber(start, end, text[start:end], readings))
        likes = _PHONE_LIKE.finditer(masked)
        for like in likes:
            start, end = like.span()
            digits = sum(ch.isdigit() for ch in like.group())
            if (any(start < f.end and f.start < end for f in found) or not 7 <= digits <= 17
                    or _DATE.search(like.group())):
                continue
            found.append(FoundNumber(start, end, text[start:end], ()))  # no valid reading
            if len(found) >= MAX_FOUND:
                unread += sum(1 for _ in likes)  # counted, so the reply can say so
                break
        found.sort(key=lambda f: f.start)
        return found, unread

    def check(self, text: str) -> NumberCheck | None:
        """The verdict on each number in a message; None when it holds no phone number."""
        found, unread = self._scan(text)
        if not found:
            return None
        verdicts = tuple(self._verdict(f) for f in found[:MAX_NUMBERS])
        advice: tuple[PlatformAdvice, ...] = ()
        if not all(v.confirmed for v in verdicts):
            advice = self._advice(text, verdicts)
        return NumberCheck(
            numbers=verdicts,
            skipped=max(0, len(found) - MAX_NUMBERS) + unread,
            advice=advice,
            safe_path=safe_path(self._catalog),
            general=safety_advice(self._catalog),
        )

    # --- parts -----------------------------------------------------------------------

    def _verdict(self, found: FoundNumber) -> NumberVerdict:
        official: list[OfficialNumber] = []
        for reading in found.readings:
            official += [n for n in self._by_e164.get(reading, ()) if n not in official]
        near: list[OfficialNumber] = []
        if not official:
            # a number no region accepts is compared digit for digit with the national form
            digits = "".join(ch for ch in found.text if ch.isdigit())
            if found.text.lstrip().startswith("00"):
                digits = digits[2:]  # an international prefix, as "+"
            readings = found.readings or (digits,)
            for reading in readings:
                for e164, numbers in self._by_e164.items():
                    forms = (e164,) if found.readings else (e164[1:], self._national[e164])
                    if any(OSA.distance(reading, f, score_cutoff=1) <= 1 for f in forms):
                        near += [n for n in numbers if n not in near]
        return NumberVerdict(found.text, found.readings, tuple(official), tuple(near))

    def _advice(self, text: str, verdicts: tuple[NumberVerdict, ...]) -> tuple[PlatformAdvice, ...]:
        """The covered platforms concerned: named in the message, else those a listed or near
        number belongs to, else all. A message naming only uncovered platforms gets none: another
        platform's warnings would not be about it (the general advice still is)."""
        named = self._names.find(text)
        ids = [p.id for p in named if p.covered]
        if not named:
            # a number only a guide lists concerns its own platform, as a near one does
            ids = list(dict.fromkeys(n.platform for v in verdicts for n in (*v.official, *v.near)))
            ids = ids or list(self._catalog.platforms)
        return tuple(platform_advice(self._catalog, pid) for pid in ids)


def _blank_international(text: str, spans: list[tuple[int, int, str]]) -> str:
    """`text` with the numbers written with "+" blanked out (they are read already)."""
    chars = list(text)
    for start, end, _ in spans:
        if text[start:end].lstrip().startswith("+"):
            chars[start:end] = _MASK * (end - start)
    return "".join(chars)


def platform_advice(catalog: Catalog, platform_id: str) -> PlatformAdvice:
    """A covered platform's official entry and warnings, each with its sources."""
    platform = catalog.platforms[platform_id]
    inherited = tuple(platform.sources)
    return PlatformAdvice(
        platform=platform.id,
        name=platform.name,
        official_entry=SourcedText.of(platform.official_entry, inherited),
        warnings=tuple(SourcedText.of(w, inherited) for w in platform.warnings),
    )
