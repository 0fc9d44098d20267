"""Is this link real? Host names in a message, checked against the official domains.

Why: a fake "help centre" site is the other half of the support scam. The knowledge
files list each platform's official domains with sources (`Platform.domains`); a link
is official only when its host is one of them or a subdomain of one.

Everything else is a look-alike or unknown:

* look-alike — it imitates an official domain: the official name inside another
  domain (amazon.com.security-check.xyz, notamazon.com), the same name written with
  look-alike characters (аmazon.com in Cyrillic, xn--mazon-3ve.com, amaz0n.com,
  arnazon.com), the name as a part of another name (amaz0n-support.com), or a typo of
  it (amazom.com: one edit for names up to 8 letters, two from 9 — two edits would
  turn "amazon" into "amazing");
* unknown — nothing official about it; `platform` says whose name it uses, if any
  (amazon.fr is Amazon's name on a domain no source lists: unknown, not a fake).

Punycode (xn--) labels are decoded with Python's idna codec; full-width letters and the
ideographic full stop are folded the way browsers fold them.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz.distance import OSA

from knowledge.catalog import Catalog
from knowledge.numbers import PlatformAdvice, platform_advice
from knowledge.platforms import PlatformNames, SourcedText, safe_path, safety_advice
from knowledge.sourcing import is_unconfirmed

__all__ = [
    "MAX_LINKS",
    "LinkCheck",
    "LinkKind",
    "LinkVerdict",
    "LookAlike",
    "OfficialDomains",
    "registrable",
    "skeleton",
]

MAX_LINKS = 3  # checked per message; the rest are counted in `LinkCheck.skipped`
MAX_TEXT = 2000

# Letters that browsers accept in host names and that look like Latin ones: Latin
# supplements and extensions, Greek, Cyrillic. (Chinese text around a host ends it.)
_HOST_CHAR = r"a-z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u1e00-\u1eff-"
_URL_RE = re.compile(r"(?i)\b(?:https?|hxxps?)://(?P<netloc>[^\s/?#<>\"'，。、]+)")
_HOST_RE = re.compile(
    rf"(?i)(?<![@{_HOST_CHAR}.])(?P<host>(?:[{_HOST_CHAR}]+\.)+(?:[a-z]{{2,24}}|xn--[a-z0-9-]+))"
    rf"(?![{_HOST_CHAR}])"
)
# without a scheme, "report.pdf" is a file and "e.g" an abbreviation: a bare host needs
# a top-level domain people meet in links (a country code, or one of these)
_COMMON_TLDS = frozenset(
    """com net org info biz xyz top online site shop store club vip app dev io co me
    cc tk ml ga cf gq icu win link live life work support help services service center
    tech pro asia mobi tv ws bid loan click fun space website cloud email security""".split()  # noqa: SIM905
)
# country-code look-alikes that are really file extensions
_NOT_HOSTS = frozenset({"md", "py", "sh", "rs", "ts", "js", "db"})
# second-level labels under which a country code's names are registered (co.uk, com.cn)
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "edu", "ac", "or", "ne", "go", "gob"})

# look-alike characters → the Latin letter they pass for (after NFKD, lower case)
_CONFUSABLE = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j",
        "ԁ": "d", "ɡ": "g", "ӏ": "l", "ο": "o", "α": "a", "ε": "e", "ι": "i", "κ": "k",
        "ν": "v", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ɑ": "a", "ı": "i", "ł": "l",
        "0": "o", "1": "l", "i": "l", "|": "l",
    }
)


class LinkKind(StrEnum):
    official = "official"
    # an official domain that only third-party guides or community name: "listed in a
    # third-party guide", never "official"
    listed = "listed"
    look_alike = "look_alike"
    unknown = "unknown"


class LookAlike(StrEnum):
    """How a look-alike imitates an official domain."""

    inside = "inside"  # the official name inside another domain
    homograph = "homograph"  # the same name in look-alike characters (punycode, 0 for o)
    part = "part"  # the name as part of another name: amazon-support.com
    typo = "typo"  # an edit or two away from the name


@dataclass(frozen=True)
class LinkVerdict:
    """One link or host name in a message, and what it is."""

    text: str  # as written
    host: str  # lower case, punycode decoded (what a person reads)
    kind: LinkKind
    # official: whose domain; look-alike: whose it imitates; unknown: whose name it uses
    platform: str | None
    domain: str | None  # the official domain it is, or imitates
    how: LookAlike | None  # for look-alikes
    sources: tuple[str, ...]  # the official domain's sources (official and look-alike)


@dataclass(frozen=True)
class LinkCheck:
    """Every link checked in one message; `advice` for the platforms concerned when any
    link is not official (those it imitates or names, or that the message names, or
    else every covered platform)."""

    links: tuple[LinkVerdict, ...]  # in message order, at most MAX_LINKS
    skipped: int
    advice: tuple[PlatformAdvice, ...]
    safe_path: SourcedText | None
    general: tuple[SourcedText, ...]

    @property
    def all_official(self) -> bool:
        return all(v.kind is LinkKind.official for v in self.links)


@dataclass(frozen=True)
class _Official:
    platform: str
    domain: str  # ascii, lower case
    label: str  # the registrable label ("amazon")
    sources: tuple[str, ...]
    confirmed: bool = True  # an official source names it (else LinkKind.listed)


def _decode(host: str) -> str:
    """Lower-case Unicode form of a host: punycode labels decoded, if they decode."""
    labels = []
    for label in host.lower().split("."):
        if label.startswith("xn--"):
            with contextlib.suppress(UnicodeError, ValueError):
                label = label.encode("ascii").decode("idna")
        labels.append(label)
    return ".".join(labels)


def skeleton(text: str) -> str:
    """What a host looks like: accents dropped, look-alike letters folded, rn → m."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.translate(_CONFUSABLE).replace("rn", "m").replace("vv", "w")


def registrable(host: str) -> tuple[str, str]:
    """(label, suffix) of a host's registrable name: ("amazon", "co.uk").

    A heuristic, not the public suffix list: a two-letter country code under one of the
    usual second-level labels (co.uk, com.cn) is a suffix of two labels.
    """
    labels = [x for x in host.split(".") if x]
    if len(labels) < 2:
        return (labels[0] if labels else "", "")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return labels[-3], ".".join(labels[-2:])
    return labels[-2], labels[-1]


def _typo_budget(length: int) -> int:
    if length <= 4:
        return 0
    return 1 if length <= 8 else 2


class OfficialDomains:
    """The official domains of every covered platform, and the check of links in text."""

    def __init__(self, catalog: Catalog, names: PlatformNames | None = None) -> None:
        self._catalog = catalog
        self._names = names or PlatformNames(catalog)
        self._official: list[_Official] = []
        for platform in catalog.platforms.values():
            for domain in platform.domains:
                label, _ = registrable(domain.domain)
                self._official.append(
                    _Official(
                        platform.id,
                        domain.domain.lower(),
                        label,
                        tuple(domain.sources or platform.sources),
                        not is_unconfirmed(catalog, domain.sources or platform.sources),
                    )
                )

    def find(self, text: str) -> list[tuple[str, str]]:
        """(as written, host) of every link and bare host name in `text`, in order."""
        text = unicodedata.normalize("NFKC", text[:MAX_TEXT]).replace("。", ".").replace("｡", ".")
        found: list[tuple[int, str, str]] = []
        covered: list[tuple[int, int]] = []
        for match in _URL_RE.finditer(text):
            netloc = match.group("netloc")
            host = netloc.rsplit("@", 1)[-1]  # http://amazon.com@evil.example/ goes to evil
            host = re.sub(r":\d*$", "", host).strip(".").lower()
            if host:
                found.append((match.start(), match.group(), host))
                covered.append(match.span())
        for match in _HOST_RE.finditer(text):
            if any(a <= match.start() < b for a, b in covered):
                continue
            host = match.group("host").strip(".").lower()
            tld = host.rsplit(".", 1)[-1]
            bare_ok = tld.startswith("xn--") or tld in _COMMON_TLDS or (
                len(tld) == 2 and tld not in _NOT_HOSTS
            )
            if bare_ok:
                found.append((match.start(), match.group("host"), host))
        found.sort(key=lambda f: f[0])
        return [(written, host) for _, written, host in found]

    def classify(self, host: str, written: str | None = None) -> LinkVerdict:
        """Official, look-alike or unknown, for one host name."""
        shown = _decode(host.strip(".").lower())
        try:
            ascii_host = shown.encode("idna").decode("ascii")
        except (UnicodeError, ValueError):
            ascii_host = host.lower()
        written = written or host

        for o in self._official:
            if ascii_host == o.domain or ascii_host.endswith("." + o.domain):
                kind = LinkKind.official if o.confirmed else LinkKind.listed
                return LinkVerdict(written, shown, kind, o.platform, o.domain, None, o.sources)
        how, imitated = self._imitates(shown)
        if how is not None and imitated is not None:
            return LinkVerdict(written, shown, LinkKind.look_alike, imitated.platform,
                               imitated.domain, how, imitated.sources)
        return LinkVerdict(written, shown, LinkKind.unknown, self._mentions(shown), None,
                           None, ())

    def check(self, text: str) -> LinkCheck | None:
        """The verdict on each link in a message; None when it holds none."""
        found = self.find(text)
        if not found:
            return None
        verdicts = tuple(self.classify(host, written) for written, host in found[:MAX_LINKS])
        advice: tuple[PlatformAdvice, ...] = ()
        if not all(v.kind is LinkKind.official for v in verdicts):
            advice = self._advice(text, verdicts)
        return LinkCheck(
            links=verdicts,
            skipped=max(0, len(found) - MAX_LINKS),
            advice=advice,
            safe_path=safe_path(self._catalog),
            general=safety_advice(self._catalog),
        )

    # --- parts -----------------------------------------------------------------------

    def _imitates(self, shown: str) -> tuple[LookAlike | None, _Official | None]:
        label, _ = registrable(shown)
        if any(label == o.label for o in self._official):
            return None, None  # the plain name on a domain no source lists (amazon.fr)
        host_skel = skeleton(shown)
        label_skel = skeleton(label)
        parts = [p for p in re.split(r"[-_]", label_skel) if p]
        for o in self._official:
            if label_skel == skeleton(o.label):
                return LookAlike.homograph, o
        for o in self._official:
            if skeleton(o.domain) in host_skel:
                return LookAlike.inside, o
            if len(parts) > 1 and skeleton(o.label) in parts:
                return LookAlike.part, o
        for o in self._official:
            name_skel = skeleton(o.label)
            budget = _typo_budget(len(o.label))
            if budget and any(
                OSA.distance(p, name_skel, score_cutoff=budget) <= budget
                for p in [label_skel, *parts]
            ):
                return LookAlike.typo, o
        return None, None

    def _mentions(self, shown: str) -> str | None:
        """Whose name an unknown host uses: amazonsupport.com uses Amazon's."""
        spaced = re.sub(r"[.\-_]", " ", shown)
        named = self._names.find(spaced)
        if named:
            return named[0].id
        squeezed = skeleton(shown)
        for o in self._official:
            if len(o.label) >= 4 and skeleton(o.label) in squeezed:
                return o.platform
        return None

    def _advice(self, text: str, verdicts: tuple[LinkVerdict, ...]) -> tuple[PlatformAdvice, ...]:
        """The covered platforms concerned; all of them only when no platform is concerned."""
        covered = self._catalog.platforms
        named = [p.id for p in self._names.find(text)]
        concerned = [v.platform for v in verdicts if v.kind is not LinkKind.official]
        ids = [p for p in [*concerned, *named] if p is not None]
        if not ids:
            ids = list(covered)
        return tuple(platform_advice(self._catalog, p) for p in dict.fromkeys(ids) if p in covered)
