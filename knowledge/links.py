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

How a link is read: the way a browser opens it. Each word of a message with a dot in
it is parsed by the WHATWG URL standard (the `ada-url` package, the parser Node.js
uses): what stands before "@" is user information, not the host (amazon.com@evil.com
opens evil.com); "\\" ends the host like "/" (evil.com\\@amazon.com opens evil.com);
percent-escapes and IDNA (UTS 46) are applied, and the host is read whole whatever its
script, so an Armenian "օ" inside "amazօn.com" makes a look-alike, never "n.com".
Full-width separators (＼ ／ ＠ ．) and IDNA's full stops (。) are read both literally and
folded as a browser folds them, and the worse of the two readings counts. A link whose
shown host is not the one it opens is `disguise`d; a name that mixes letters of two
alphabets is a look-alike even when it imitates no known name. Punycode labels are
shown decoded.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from urllib.parse import unquote

from ada_url import URL, HostType
from rapidfuzz.distance import OSA

from knowledge.catalog import Catalog
from knowledge.numbers import PlatformAdvice, platform_advice
from knowledge.platforms import PlatformNames, SourcedText, safe_path, safety_advice
from knowledge.sourcing import is_unconfirmed

__all__ = [
    "MAX_LINKS",
    "FoundLink",
    "LinkCheck",
    "LinkKind",
    "LinkVerdict",
    "LookAlike",
    "OfficialDomains",
    "registrable",
    "skeleton",
]

MAX_LINKS = 5  # checked per message; the rest are counted in `LinkCheck.skipped`
MAX_FOUND = 20  # links read per message; `skipped` counts at most MAX_FOUND - MAX_LINKS
MAX_TEXT = 4096  # a whole Telegram message
MAX_TOKENS = 60  # dotted words parsed per message: bounds the cost of a wall of them

# A link ends where a browser's address bar or a messenger's link would: at a space, a
# quote or bracket, Chinese, Japanese or Korean text, CJK punctuation, an emoji. "?", "!",
# "," and ";" end it only where nothing of a link follows: within one they are its query
# ("evil.cn/go?to=amazon.com" is one link, to evil.cn) or its user information
# ("https://amazon.com;@evil.cn" opens evil.cn); after one they end a sentence
_ENDS = ("\\s<>\"'`()\\[\\]{}|^，、；！？「」『』《》【】（）"
         "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
         "\u2600-\u27bf\U0001f000-\U0001faff")
_TOKEN_RE = re.compile(f"(?:[^{_ENDS},;!?]|[,;!?](?=[^{_ENDS},;!?]))+")
_SCHEME_RE = re.compile(r"(?i)(?:https?|hxxps?|ftp)://")
_DOTTED = re.compile(r"\w[.%]\w|://")  # a word worth parsing
_LINKISH = re.compile(r"(?i)://|\.[a-z]{2,}")  # counted, unread, past the cap
_EDGE = ".:;,!?-_*~'\"=/\\@#"  # stripped from both ends of a bare word
# the leading run of a word that can stand in a host name (letters of any script, digits,
# "-", "_", ".", a percent-escape): what a reader takes for the host in "www.amazon.com&"
_HOST_HEAD = re.compile(r"[\w.%-]+")
# IDNA's full stops (UTS 46 maps them to "."); NFKC folds the rest (＼ ／ ＠ ．, full width)
_IDNA_DOTS = {"\u3002": ".", "\uff61": ".", "\uff0e": "."}
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
        "օ": "o", "ս": "u", "ո": "n", "հ": "h", "ց": "g", "զ": "q", "ւ": "i", "ք": "p",
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
    mixed = "mixed"  # letters of two alphabets in one name (Latin with a Cyrillic а)


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
    # the host a link dresses up as when it opens another one: amazon.com in
    # amazon.com@evil.com (user information) or in evil.com\@amazon.com (a backslash)
    disguise: str | None = None

    @property
    def severity(self) -> int:
        """0 official, 1 unknown, 2 a fake (a look-alike, or a link dressed as another)."""
        if self.kind is LinkKind.official:
            return 0
        return 2 if self.kind is LinkKind.look_alike or self.disguise else 1


@dataclass(frozen=True)
class FoundLink:
    """A link or bare host name in a message, as written, and the host(s) it opens.

    `hosts` has one host, or two when the link reads differently with its look-alike
    separators taken literally or as a browser folds them (evil.com＼@amazon.com)."""

    text: str
    hosts: tuple[str, ...]
    # the host name it passes for, where that is not a host it opens: what stands
    # before "@" (amazon.com@evil.com), or after "\\@" (evil.com\\@amazon.com)
    userinfo: str | None


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


def _fold(text: str) -> str:
    """Each character as a browser's URL parser reads it (NFKC, IDNA's full stops), one
    for one, so positions in the folded text are positions in the message."""
    return "".join(_fold_char(ch) for ch in text)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch.isascii():
        return ch
    if ch in _IDNA_DOTS:
        return _IDNA_DOTS[ch]
    plain = unicodedata.normalize("NFKC", ch)
    return plain if len(plain) == 1 and plain.isascii() and plain.isprintable() else ch


def _parse(candidate: str) -> tuple[str, str, bool] | None:
    """(host, user information, is a domain) of a URL by the WHATWG standard; None if
    a browser would not open it."""
    try:
        url = URL(candidate)
    except ValueError:
        return None
    host = url.hostname.rstrip(".").lower()
    if not host or url.protocol not in ("http:", "https:", "ftp:"):
        return None
    userinfo = unquote(url.username + (":" + url.password if url.password else ""))
    return host, userinfo, url.host_type == HostType.DEFAULT


def _bare_host_ok(host: str) -> bool:
    """Without a scheme, a host needs a top-level domain people meet in links."""
    if "." not in host:
        return False
    tld = host.rsplit(".", 1)[-1]
    return tld.startswith("xn--") or tld in _COMMON_TLDS or (
        len(tld) == 2 and tld.isalpha() and tld not in _NOT_HOSTS
    )


def _looks_like_host(text: str) -> str | None:
    """The host name (ASCII) a piece of user information passes for, if any: the first
    of its parts that reads as one ("user:pass@www.amazon.com", "www.amazon.com&")."""
    for part in re.split(r"[@:/\\]", _fold(text)):
        head = _HOST_HEAD.match(part.strip(_EDGE))
        parsed = _parse("http://" + head.group()) if head else None
        if parsed is not None and parsed[2] and _bare_host_ok(parsed[0]):
            return parsed[0]
    return None


def _read(folded: str, raw: str) -> FoundLink | None:
    """One word of a message as a link: both readings of it, or None if it is none."""
    scheme = _SCHEME_RE.search(folded)
    if scheme is not None:
        start = scheme.start()
        written = folded[start:].rstrip(_EDGE)
        candidates = [_https(written), _https(raw[start:start + len(written)])]
    else:
        lead = len(folded) - len(folded.lstrip(_EDGE))
        written = folded.strip(_EDGE)
        if "." not in written:
            return None
        candidates = ["http://" + written, "http://" + raw[lead:lead + len(written)]]
    hosts: list[str] = []
    userinfo: str | None = None
    for n, candidate in enumerate(candidates):
        parsed = _parse(candidate)
        if parsed is None:
            continue
        host, user, domain = parsed
        if scheme is None and (not domain or not _bare_host_ok(host)):
            continue  # a version number, a file name
        passes_for = _looks_like_host(user) if user else None
        if scheme is None and user and passes_for is None:
            return None  # an e-mail address (me@example.com), not a link
        if host not in hosts:
            hosts.append(host)
        if n == 0 or userinfo is None:
            userinfo = passes_for or userinfo
    if not hosts:
        # no browser would open it (a "/" that is not one, an "@" escaped in the host):
        # still a link to warn about when it has a scheme or ends like a host name
        seen = _naive_host(written)
        if not seen or (scheme is None and not _bare_host_ok(seen.rstrip(_EDGE))):
            return None
        return FoundLink(written, (seen,), None)
    if userinfo in hosts:
        userinfo = None
    if userinfo is None:
        # what a reader (or a parser that does not know "\\") takes for the host
        shown = _looks_like_host(_naive_host(written))
        userinfo = shown if shown is not None and shown not in hosts else None
    return FoundLink(written, tuple(hosts), userinfo)


def _naive_host(written: str) -> str:
    """The host as a reader takes it: after the scheme and the last "@", before a port,
    "/", "?" or "#" (lower case, as written)."""
    rest = _SCHEME_RE.sub("", written, count=1)
    head = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1]
    return re.sub(r":\d*$", "", head).strip(".").lower()


def _https(text: str) -> str:
    """A defanged scheme (hxxps://) as the real one."""
    return re.sub(r"(?i)^hxxp", "http", text)


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0]


def _mixed_scripts(host: str) -> bool:
    """Whether one label mixes letters of two alphabets: a trick to pass for a name."""
    for label in host.split("."):
        scripts = {_script(ch) for ch in label if ch.isalpha()}
        if len(scripts) > 1:
            return True
    return False


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

    def find(self, text: str) -> list[FoundLink]:
        """Every link and bare host name in `text`, in order, read as a browser reads it.

        Each one is parsed by the WHATWG URL standard (ada): what stands before "@" is
        user information, "\\" ends the host as "/" does, percent-escapes and IDNA are
        applied. Full-width separators (＼ ／ ＠ ．) and IDNA's full stops (。) are read
        both ways, literally and folded, and every host either reading opens counts.
        """
        return self._scan(text)[0]

    def _scan(self, text: str) -> tuple[list[FoundLink], int]:
        """The links among the first MAX_TOKENS dotted words, and how many words after
        them look like links (a dot before letters, or "://") and were not read."""
        raw = text[:MAX_TEXT]
        folded = _fold(raw)
        found: list[FoundLink] = []
        tokens = 0
        unread = 0
        for match in _TOKEN_RE.finditer(folded):
            word = match.group()
            if _DOTTED.search(word) is None:
                continue  # no dot between letters or digits, no "://": not a link
            tokens += 1
            if tokens > MAX_TOKENS or len(found) >= MAX_FOUND:
                unread += _LINKISH.search(word) is not None
                continue
            link = _read(word, raw[match.start():match.end()])
            if link is not None:
                found.append(link)
        return found, unread

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
        if _mixed_scripts(shown):
            return LinkVerdict(written, shown, LinkKind.look_alike, self._mentions(shown),
                               None, LookAlike.mixed, ())
        return LinkVerdict(written, shown, LinkKind.unknown, self._mentions(shown), None,
                           None, ())

    def check(self, text: str) -> LinkCheck | None:
        """The verdict on each link in a message; None when it holds none."""
        found, unread = self._scan(text)
        if not found and not unread:
            return None
        verdicts = tuple(self.verdict(link) for link in found[:MAX_LINKS])
        advice: tuple[PlatformAdvice, ...] = ()
        if not all(v.kind is LinkKind.official for v in verdicts):
            advice = self._advice(text, verdicts)
        return LinkCheck(
            links=verdicts,
            skipped=max(0, len(found) - MAX_LINKS) + unread,
            advice=advice,
            safe_path=safe_path(self._catalog),
            general=safety_advice(self._catalog),
        )

    def verdict(self, link: FoundLink) -> LinkVerdict:
        """The worst of what the link's hosts are; a link dressed as another host says so."""
        verdicts = [self.classify(host, link.text) for host in link.hosts]
        worst = max(verdicts, key=lambda v: v.severity)
        if worst.kind is LinkKind.official:
            return worst
        others = [v.host for v in verdicts if v.host != worst.host]
        disguise = _decode(link.userinfo) if link.userinfo else (others[0] if others else None)
        return replace(worst, disguise=disguise) if disguise else worst

    # --- parts -----------------------------------------------------------------------

    def _imitates(self, shown: str) -> tuple[LookAlike | None, _Official | None]:
        label, suffix = registrable(shown)
        if any(label == o.label for o in self._official):
            return None, None  # the plain name on a domain no source lists (amazon.fr)
        host_skel = skeleton(shown)
        label_skel = skeleton(label)
        parts = [p for p in re.split(r"[-_]", label_skel) if p]
        for o in self._official:
            if label_skel == skeleton(o.label):
                return LookAlike.homograph, o
        # the labels before the registrable name: "amazon" in amazon.evil.com
        subdomains = shown.split(".")[:-(len(suffix.split(".")) + 1)] if suffix else []
        sub_parts = {p for sub in subdomains for p in re.split(r"[-_]", skeleton(sub)) if p}
        for o in self._official:
            if skeleton(o.domain) in host_skel:
                return LookAlike.inside, o
            if len(parts) > 1 and skeleton(o.label) in parts:
                return LookAlike.part, o
        for o in self._official:
            if len(o.label) >= 4 and skeleton(o.label) in sub_parts:
                return LookAlike.inside, o  # a platform's name as another domain's subdomain
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
