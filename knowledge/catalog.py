"""Load and cross-check the knowledge files into one immutable catalog, or fail naming the file."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from knowledge.schema import (
    Aspect,
    AspectsFile,
    Channel,
    ChannelKind,
    Example,
    ExamplesFile,
    Fact,
    FollowUp,
    Holiday,
    Hours,
    Issue,
    KnownPlatform,
    Phone,
    PlacesFile,
    Platform,
    PlatformNamesFile,
    Response,
    Role,
    SafetyFile,
    Site,
    SmallTalkFile,
    Source,
    Sourced,
    SourcesFile,
    SynonymsFile,
    Template,
    Text,
)
from knowledge.textnorm import has_han

DATA_DIR = Path(__file__).parent / "data"
SOURCES_FILE = "sources.yaml"
SYNONYMS_FILE = "synonyms.yaml"
# How questions ask for aspects. Language, not platform data: a knowledge directory
# without its own copy (a test's mini catalog, a trimmed deployment) uses the package's.
ASPECTS_FILE = "aspects.yaml"
# optional files beside the platforms: names of platforms people ask about (covered or
# not), advice that holds on any platform, and the phrases of small talk
PLATFORM_NAMES_FILE = "platform_names.yaml"
SAFETY_FILE = "safety.yaml"
SMALLTALK_FILE = "smalltalk.yaml"
# cities people name instead of their country ("here in Hanoi"): read as that country's
# site on every platform that has one (added to the site's keywords when loading)
PLACES_FILE = "places.yaml"
# questions asked before, each with the facts that answered it: a question worded like one
# of them is answered by the same fact (knowledge/examples.py). Written by a script, never
# by hand, so JSON: it is read at every start, and YAML took 0.37 s of it
EXAMPLES_FILE = "examples.json"
# every other *.yaml in the data directory is a platform, so a new platform needs no code
NOT_PLATFORMS = frozenset(
    {SOURCES_FILE, SYNONYMS_FILE, ASPECTS_FILE, PLATFORM_NAMES_FILE, SAFETY_FILE,
     SMALLTALK_FILE, PLACES_FILE}
)

# The issue id editors give each role's catch-all card ("how do I reach support"): it is
# the first suggestion when a question says too little, and wins ties.
GENERAL_ISSUE = "general"

M = TypeVar("M", bound=BaseModel)
# libyaml's loader where PyYAML has it (several times faster than the pure-Python one);
# the tests' own YAML files are read with it too
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CatalogError(Exception):
    """A knowledge file is broken: the message names the file, the path in it, the problem."""

    def __init__(self, file: str, path: str, problem: str) -> None:
        self.file = file
        self.path = path
        self.problem = problem
        where = f"{file}: {path}" if path else file
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class CardRef:
    """Names one answer card: platform · role · issue, optionally narrowed to a site."""

    platform: str
    role: str
    issue: str
    site: str | None = None

    @property
    def key(self) -> str:
        parts = [self.platform, self.role, self.issue]
        if self.site:
            parts.append(self.site)
        return ".".join(parts)

    @classmethod
    def parse(cls, key: str) -> CardRef | None:
        parts = key.split(".")
        if len(parts) == 3:
            return cls(parts[0], parts[1], parts[2])
        if len(parts) == 4:
            return cls(parts[0], parts[1], parts[2], parts[3])
        return None


@dataclass(frozen=True)
class Catalog:
    platforms: dict[str, Platform]
    sources: dict[str, Source]
    synonyms: list[list[str]]
    files: tuple[str, ...] = field(default=())
    aspect_words: AspectsFile | None = None  # None: questions are never read for aspects
    # platforms people ask about, covered or not (platform_names.yaml)
    known_platforms: tuple[KnownPlatform, ...] = ()
    # platform-independent safe path and anti-scam advice (safety.yaml)
    safety: SafetyFile | None = None
    # greetings, thanks and questions about the bot itself (smalltalk.yaml)
    smalltalk: SmallTalkFile | None = None
    # questions asked before and the facts that answered them (examples.json)
    examples: tuple[Example, ...] = ()

    # --- lookups -----------------------------------------------------------------

    def platform(self, platform_id: str) -> Platform | None:
        return self.platforms.get(platform_id)

    def role(self, platform_id: str, role_id: str) -> Role | None:
        platform = self.platforms.get(platform_id)
        if platform is None:
            return None
        return next((r for r in platform.roles if r.id == role_id), None)

    def issue(self, platform_id: str, role_id: str, issue_id: str) -> Issue | None:
        role = self.role(platform_id, role_id)
        if role is None:
            return None
        return next((i for i in role.issues if i.id == issue_id), None)

    def channel(self, platform_id: str, channel_id: str) -> Channel | None:
        platform = self.platforms.get(platform_id)
        if platform is None:
            return None
        return next((c for c in platform.channels if c.id == channel_id), None)

    def general_ref(self, platform_id: str, role_id: str | None = None,
                    site_id: str | None = None) -> CardRef | None:
        """The platform's way in: the general card of `role_id` (else its first role),
        for `site_id` where the platform has that site."""
        platform = self.platforms.get(platform_id)
        if platform is None or not platform.roles:
            return None
        role = next((r for r in platform.roles if r.id == role_id), platform.roles[0])
        issue = next((i for i in role.issues if i.id == GENERAL_ISSUE), None) or (
            role.issues[0] if role.issues else None)
        if issue is None:
            return None
        site = site_id if self.site(platform.id, site_id or "") else None
        return CardRef(platform.id, role.id, issue.id, site)

    def site(self, platform_id: str, site_id: str) -> Site | None:
        platform = self.platforms.get(platform_id)
        if platform is None:
            return None
        return next((s for s in platform.sites if s.id == site_id), None)

    def template(self, platform_id: str, template_id: str) -> Template | None:
        platform = self.platforms.get(platform_id)
        if platform is None:
            return None
        return next((t for t in platform.templates if t.id == template_id), None)

    def resolve(self, ref: CardRef) -> Issue | None:
        """The issue a card names, or None when the ref is stale or forged."""
        if ref.site is not None and self.site(ref.platform, ref.site) is None:
            return None
        return self.issue(ref.platform, ref.role, ref.issue)

    def card_refs(self) -> Iterator[CardRef]:
        for platform in self.platforms.values():
            for role in platform.roles:
                for issue in role.issues:
                    yield CardRef(platform.id, role.id, issue.id)

    def issue_channels(self, platform_id: str, issue: Issue) -> list[Channel]:
        """Recommended channels first, then the others the issue lists, without repeats."""
        ids: list[str] = [r.channel for r in issue.recommended]
        ids += [c for c in issue.channels if c not in ids]
        found = (self.channel(platform_id, cid) for cid in ids)
        return [c for c in found if c is not None]

    def last_checked(self, source_ids: list[str]) -> date | None:
        dates = [self.sources[s].checked for s in source_ids if s in self.sources]
        return max(dates) if dates else None


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(path.name, "", f"cannot be read ({exc.strerror})") from exc
    try:
        # libyaml's loader is several times faster, and start-up pays for every file
        return yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CatalogError(path.name, where, f"is not valid YAML: {problem}") from exc


def _validate(model: type[M], data: Any, file: str) -> M:
    if not isinstance(data, dict):
        raise CatalogError(file, "", "must be a mapping at the top level")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(p) for p in first["loc"])
        raise CatalogError(file, path, first["msg"]) from exc


def load_catalog(data_dir: Path = DATA_DIR) -> Catalog:
    """Read every knowledge file; any problem raises CatalogError, never a half-loaded catalog."""
    if not data_dir.is_dir():
        raise CatalogError(str(data_dir.name), "", "knowledge data directory is missing")
    sources_file = _validate(SourcesFile, _read_yaml(data_dir / SOURCES_FILE), SOURCES_FILE)
    sources: dict[str, Source] = {}
    for i, source in enumerate(sources_file.sources):
        if source.id in sources:
            raise CatalogError(SOURCES_FILE, f"sources.{i}.id", f"duplicate id {source.id!r}")
        sources[source.id] = source
    synonyms = _validate(SynonymsFile, _read_yaml(data_dir / SYNONYMS_FILE), SYNONYMS_FILE)
    aspects_path = data_dir / ASPECTS_FILE
    if not aspects_path.is_file():
        aspects_path = DATA_DIR / ASPECTS_FILE
    aspect_words = _validate(AspectsFile, _read_yaml(aspects_path), ASPECTS_FILE)

    platforms: dict[str, Platform] = {}
    files = [SOURCES_FILE, SYNONYMS_FILE, ASPECTS_FILE]
    known = _load_optional(PlatformNamesFile, data_dir, PLATFORM_NAMES_FILE, files)
    safety = _load_optional(SafetyFile, data_dir, SAFETY_FILE, files)
    smalltalk = _load_optional(SmallTalkFile, data_dir, SMALLTALK_FILE, files)
    places = _load_optional(PlacesFile, data_dir, PLACES_FILE, files)
    examples = _load_optional(ExamplesFile, data_dir, EXAMPLES_FILE, files)
    if known is not None:
        _check_known(known)
    if safety is not None:
        _check_sources(safety, sources, SAFETY_FILE)
    for path in sorted(data_dir.glob("*.yaml")):
        if path.name in NOT_PLATFORMS:
            continue
        platform = _validate(Platform, _read_yaml(path), path.name)
        if platform.id in platforms:
            raise CatalogError(path.name, "id", f"platform {platform.id!r} is defined twice")
        _cross_check(platform, sources, path.name)
        platforms[platform.id] = _with_places(platform, places)
        files.append(path.name)
    if not platforms:
        raise CatalogError(data_dir.name, "", "no platform files found")
    # most asked first (`rank`), file order among equals: menus and lists follow this order
    ranked = dict(sorted(platforms.items(), key=lambda item: item[1].rank))
    return Catalog(
        platforms=ranked,
        sources=sources,
        synonyms=[list(g) for g in synonyms.groups],
        files=tuple(files),
        aspect_words=aspect_words,
        known_platforms=tuple(known.platforms) if known is not None else (),
        safety=safety,
        smalltalk=smalltalk,
        examples=tuple(examples.examples) if examples is not None else (),
    )


def _with_places(platform: Platform, places: PlacesFile | None) -> Platform:
    """The platform with the cities of each of its sites' countries among the site's
    keywords ("河内" is Vietnam's site wherever a platform has one)."""
    if places is None or not any(site.id in places.places for site in platform.sites):
        return platform
    sites = [site.model_copy(update={"keywords": [
        *site.keywords, *(c for c in places.places.get(site.id, ()) if c not in site.keywords)]})
        for site in platform.sites]
    return platform.model_copy(update={"sites": sites})


def _load_optional(model: type[M], data_dir: Path, name: str, files: list[str]) -> M | None:
    path = data_dir / name
    if not path.exists():
        return None
    files.append(name)
    return _validate(model, _read_json(path) if name.endswith(".json") else _read_yaml(path),
                     name)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise CatalogError(path.name, "", f"not JSON: {exc}") from exc


def _check_known(known: PlatformNamesFile) -> None:
    """Ids are unique and no name points at two platforms (a name must say which one)."""
    _unique(known.platforms, "platform", PLATFORM_NAMES_FILE, "platforms")
    owner: dict[str, str] = {}
    for i, platform in enumerate(known.platforms):
        for k, name in enumerate(platform.names):
            key = name.strip().lower()
            if owner.get(key, platform.id) != platform.id:
                raise CatalogError(
                    PLATFORM_NAMES_FILE,
                    f"platforms.{i}.names.{k}",
                    f"{name!r} already names platform {owner[key]!r}",
                )
            owner[key] = platform.id


def _check_sources(obj: BaseModel, sources: dict[str, Source], file: str) -> None:
    """Every fact in a file outside the platforms names a known source of its own."""
    for path, item, _inherited in walk_sourced(obj):
        for si, sid in enumerate(item.sources):
            if sid not in sources:
                raise CatalogError(file, f"{path}.sources.{si}", f"unknown source {sid!r}")
        if not item.sources:
            raise CatalogError(file, path, "states facts without a source")


def _unique(items: list[Any], what: str, file: str, path: str) -> set[str]:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            raise CatalogError(file, f"{path}.{i}.id", f"duplicate {what} id {item.id!r}")
        seen.add(item.id)
    return seen


def _cross_check(platform: Platform, sources: dict[str, Source], file: str) -> None:
    """References between parts of a platform file must resolve; facts must be sourced."""
    site_ids = _unique(platform.sites, "site", file, "sites")
    _unique(platform.channels, "channel", file, "channels")
    role_ids = _unique(platform.roles, "role", file, "roles")
    template_ids = _unique(platform.templates, "template", file, "templates")

    for ci, channel in enumerate(platform.channels):
        for ri, role_id in enumerate(channel.roles):
            if role_id not in role_ids:
                raise CatalogError(file, f"channels.{ci}.roles.{ri}", f"unknown role {role_id!r}")
        for what, items in (
            ("phones", channel.phones),
            ("hours", channel.hours),
            ("responses", channel.responses),
        ):
            for i, item in enumerate(items):
                site = getattr(item, "site", None)
                if site is not None and site not in site_ids:
                    raise CatalogError(
                        file, f"channels.{ci}.{what}.{i}.site", f"unknown site {site!r}"
                    )
    for ri, role in enumerate(platform.roles):
        _unique(role.issues, "issue", file, f"roles.{ri}.issues")
        for ii, issue in enumerate(role.issues):
            base = f"roles.{ri}.issues.{ii}"
            refs = [
                (f"recommended.{k}.channel", r.channel) for k, r in enumerate(issue.recommended)
            ]
            refs += [(f"channels.{k}", c) for k, c in enumerate(issue.channels)]
            for where, cid in refs:
                found = next((c for c in platform.channels if c.id == cid), None)
                if found is None:
                    raise CatalogError(file, f"{base}.{where}", f"unknown channel {cid!r}")
                if role.id not in found.roles:
                    raise CatalogError(
                        file, f"{base}.{where}", f"channel {cid!r} is not for role {role.id!r}"
                    )
            if issue.template is not None and issue.template not in template_ids:
                raise CatalogError(file, f"{base}.template", f"unknown template {issue.template!r}")

    for fact in platform_facts(platform):
        for role_id in fact.roles:
            if role_id not in role_ids:
                raise CatalogError(file, f"{fact.path}.roles", f"unknown role {role_id!r}")

    rounds: set[tuple[str, int]] = set()
    for fi, followup in enumerate(platform.followups):
        for ri, role_id in enumerate(followup.roles):
            if role_id not in role_ids:
                raise CatalogError(file, f"followups.{fi}.roles.{ri}", f"unknown role {role_id!r}")
            if (role_id, followup.round) in rounds:
                raise CatalogError(
                    file, f"followups.{fi}.round", f"round {followup.round} twice for {role_id!r}"
                )
            rounds.add((role_id, followup.round))

    for path, obj, inherited in walk_sourced(platform):
        own = obj.sources
        for si, sid in enumerate(own):
            if sid not in sources:
                where = f"{path}.sources.{si}" if path else f"sources.{si}"
                raise CatalogError(file, where, f"unknown source {sid!r}")
        if not own and not inherited:
            raise CatalogError(file, path or "sources", "states facts without a source")


# Containers that must name their own sources; facts inside them inherit from them.
_OWN_SOURCES = (Platform, Channel, Issue, Site, Template, FollowUp)


def walk_sourced(
    obj: BaseModel, path: str = "", inherited: tuple[str, ...] = ()
) -> Iterator[tuple[str, Sourced, tuple[str, ...]]]:
    """Every sourced object with its path and the sources it inherits from its container."""
    if isinstance(obj, Sourced):
        yield path, obj, (() if isinstance(obj, _OWN_SOURCES) else inherited)
        inherited = tuple(obj.sources) or (() if isinstance(obj, _OWN_SOURCES) else inherited)
    for name in type(obj).model_fields:
        value = getattr(obj, name)
        child = f"{path}.{name}" if path else name
        if isinstance(value, BaseModel):
            yield from walk_sourced(value, child, inherited)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from walk_sourced(item, f"{child}.{i}", inherited)


def effective_sources(obj: Sourced, inherited: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(obj.sources) or inherited


# --- what each fact answers ----------------------------------------------------------------

FactKind = Literal["fact", "phone", "hours", "response", "languages", "channel", "holiday"]

# A channel of these kinds answers the aspect of the same name by being there at all.
_KIND_ASPECT: dict[ChannelKind, Aspect] = {
    ChannelKind.email: Aspect.email,
    ChannelKind.chat: Aspect.chat,
    ChannelKind.callback: Aspect.callback,
    ChannelKind.phone: Aspect.phone,
}


@dataclass(frozen=True)
class AspectFact:
    """One statement the knowledge makes, with what it answers and where it sits.

    `aspects` joins what the fact's place implies (a phone number answers "phone", a step
    "entry", a warning "safety") with the aspects an editor listed on it. `roles` is empty
    for platform-wide facts; `channel`, `site` and `issue` say where else it belongs.
    """

    platform: str
    path: str
    kind: FactKind
    item: Fact | Phone | Hours | Response | Site | Channel | Holiday
    aspects: frozenset[Aspect]
    sources: tuple[str, ...]
    roles: tuple[str, ...] = ()
    channel: str | None = None
    site: str | None = None
    issue: str | None = None
    # the sites a site-less fact's words name ("美国、欧洲和日本站 7×24 小时"): about those
    # places, not the one a question names
    names_sites: frozenset[str] = frozenset()


def _fact(
    platform: str, path: str, fact: Fact, derived: tuple[Aspect, ...], owner: Sequence[str],
    **where: Any,
) -> AspectFact:
    if fact.roles and "roles" not in where:
        where = {**where, "roles": tuple(fact.roles)}
    return AspectFact(
        platform, path, "fact", fact, frozenset((*derived, *fact.aspects)),
        tuple(fact.sources or owner), **where,
    )


def platform_facts(platform: Platform) -> Iterator[AspectFact]:
    """Every fact of a platform with its effective aspects, in file order.

    A fact that opens with a site's name and a colon ("越南：…", "US: …") is that
    site's, wherever it sits: a playbook step or a tip may speak for one country only,
    and a question naming another must not get it first. So is every fact of a channel
    whose description opens so."""
    labels = _site_labels(platform)
    named = _han_site_names(platform)
    # (a channel whose description opens so is one site's, with all its facts: "US
    # money-back guarantee — US: …")
    channels = {c.id: site for c in platform.channels
                if (site := _labelled_site(c.summary, labels)) is not None}
    for fact in _platform_facts(platform):
        if fact.site is None:
            site = (_labelled_site(fact.item.text, labels) if isinstance(fact.item, Fact)
                    else None) or channels.get(fact.channel or "")
            if site is not None:
                fact = replace(fact, site=site)
            elif isinstance(fact.item, Fact) and not _stepwise(fact.path):
                places = frozenset(s for name, s in named.items() if name in fact.item.text.zh)
                if places:
                    fact = replace(fact, names_sites=places)
        yield fact


def labelled_site(platform: Platform, text: Text) -> str | None:
    """The site of the platform whose name opens the text as a label, if any."""
    return _labelled_site(text, _site_labels(platform))


def _site_labels(platform: Platform) -> dict[str, str]:
    return {name.casefold(): site.id for site in platform.sites
            for name in (site.name.zh, site.name.en, *site.keywords)}


def _han_site_names(platform: Platform) -> dict[str, str]:
    """Site names and keywords in Chinese characters (two or more), read in a fact's zh
    text: Latin ones ("us", "de") are words of their own in English."""
    return {name: site.id for site in platform.sites
            for name in (site.name.zh, *site.keywords) if len(name) >= 2 and has_han(name)}


def _stepwise(path: str) -> bool:
    """A step of a sequence: it stays in its place whatever place it names."""
    return any(f".{field}." in path for field in ("steps_web", "steps_app", "path"))


def _labelled_site(text: Text, labels: dict[str, str]) -> str | None:
    """The site whose name opens the text as a label ("越南：", "Vietnam: "), if any."""
    for line, colons in ((text.zh, "：:"), (text.en, ":")):
        for colon in colons:
            head, found, _ = line.partition(colon)
            if found and head.strip().casefold() in labels:
                return labels[head.strip().casefold()]
    return None


def _platform_facts(platform: Platform) -> Iterator[AspectFact]:
    pid = platform.id
    own = tuple(platform.sources)
    yield _fact(pid, "official_entry", platform.official_entry, (Aspect.entry,), own)
    for si, site in enumerate(platform.sites):
        base = f"sites.{si}"
        if site.languages is not None:
            yield AspectFact(pid, f"{base}.languages", "languages", site,
                             frozenset({Aspect.languages}), tuple(site.sources), site=site.id)
        for ni, note in enumerate(site.notes):
            yield _fact(pid, f"{base}.notes.{ni}", note, (), site.sources, site=site.id)
    # where no channel of a role is a phone line, its call-back is what "can I phone
    # them" gets: Etsy's phone support is requested through a form
    phoned = {r for c in platform.channels if c.kind == ChannelKind.phone for r in c.roles}
    for ci, channel in enumerate(platform.channels):
        base = f"channels.{ci}"
        where: dict[str, Any] = {"roles": tuple(channel.roles), "channel": channel.id}
        csrc = tuple(channel.sources)
        kind = (_KIND_ASPECT[channel.kind],) if channel.kind in _KIND_ASPECT else ()
        if channel.kind == ChannelKind.callback and not set(channel.roles) & phoned:
            kind = (*kind, Aspect.phone)
        human = (Aspect.human,) if channel.human == "yes" else ()
        # a channel states what it is by its kind; one of no contact kind (self-service,
        # social media) at least where to go ("亚马逊有微博客服吗")
        channel_aspects = frozenset((*kind, *human, *channel.aspects)) or {Aspect.entry}
        yield AspectFact(pid, base, "channel", channel, frozenset(channel_aspects), csrc, **where)
        for field_name in ("steps_web", "steps_app"):
            for i, step in enumerate(getattr(channel, field_name)):
                yield _fact(pid, f"{base}.{field_name}.{i}", step, (Aspect.entry,), csrc, **where)
        for i, phone in enumerate(channel.phones):
            # a line whose note states its hours ("NSRC, 8:00 AM to 8:00 PM") answers
            # "几点能打" too: those hours are nowhere else in the files
            timed = phone.note is not None and _states_hours(phone.note.en)
            yield AspectFact(pid, f"{base}.phones.{i}", "phone", phone,
                             frozenset({Aspect.phone, *((Aspect.hours,) if timed else ())}),
                             tuple(phone.sources or csrc), site=phone.site, **where)
        for i, hours in enumerate(channel.hours):
            yield AspectFact(pid, f"{base}.hours.{i}", "hours", hours, frozenset({Aspect.hours}),
                             tuple(hours.schedule.sources or hours.sources or csrc),
                             site=hours.site, **where)
        for i, response in enumerate(channel.responses):
            yield AspectFact(pid, f"{base}.responses.{i}", "response", response,
                             frozenset({Aspect.response_time}),
                             tuple(response.sources or csrc), site=response.site, **where)
        for i, note in enumerate(channel.notes):
            yield _fact(pid, f"{base}.notes.{i}", note, (), csrc, **where)
    for ri, role in enumerate(platform.roles):
        base = f"roles.{ri}"
        rsrc = tuple(role.sources) or own
        if role.official_entry is not None:
            yield _fact(pid, f"{base}.official_entry", role.official_entry, (Aspect.entry,), rsrc,
                        roles=(role.id,))
        if role.one_case_advice is not None:
            yield _fact(pid, f"{base}.one_case_advice", role.one_case_advice, (), rsrc,
                        roles=(role.id,))
        for ii, issue in enumerate(role.issues):
            ibase = f"{base}.issues.{ii}"
            isrc = tuple(issue.sources)
            for field_name, derived in _ISSUE_FIELDS:
                for i, fact in enumerate(getattr(issue, field_name)):
                    yield _fact(pid, f"{ibase}.{field_name}.{i}", fact, derived, isrc,
                                roles=(role.id,), issue=issue.id)
    for i, warning in enumerate(platform.warnings):
        yield _fact(pid, f"warnings.{i}", warning, (Aspect.safety,), own)
    for i, holiday in enumerate(platform.holidays):
        yield AspectFact(pid, f"holidays.{i}", "holiday", holiday, frozenset({Aspect.holiday}),
                         tuple(holiday.sources) or own)
    for fi, followup in enumerate(platform.followups):
        for i, step in enumerate(followup.steps):
            yield _fact(pid, f"followups.{fi}.steps.{i}", step, (Aspect.followup,),
                        followup.sources, roles=tuple(followup.roles))


# a span of the day in a note's English: "8:00 AM to 8:00 PM", "09:00–18:00"
_CLOCK = r"\d{1,2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?"
_SPAN = re.compile(rf"\b{_CLOCK}\s*(?:to|–|-|until)\s*{_CLOCK}")
_CLOCK_MARK = re.compile(r":\d{2}|[AaPp]\.?[Mm]")


def _states_hours(text: str) -> bool:
    """Whether a note states a span of the day (a colon or AM/PM in it, so that no range
    of numbers, "1-800", reads as hours)."""
    return any(_CLOCK_MARK.search(m.group()) for m in _SPAN.finditer(text))


# issue fields and what a fact in them answers (tips say for themselves)
_ISSUE_FIELDS: tuple[tuple[str, tuple[Aspect, ...]], ...] = (
    ("path", (Aspect.entry,)),
    ("prepare", (Aspect.prepare,)),
    ("escalation", (Aspect.escalation,)),
    ("tips", ()),
    ("warnings", (Aspect.safety,)),
)


def catalog_facts(catalog: Catalog) -> Iterator[AspectFact]:
    for platform in catalog.platforms.values():
        yield from platform_facts(platform)


@dataclass(frozen=True)
class AspectCoverage:
    """Facts per aspect per platform, and the facts that answer nothing (must be none)."""

    counts: dict[str, dict[Aspect, int]]
    unanswered: tuple[AspectFact, ...]


def aspect_coverage(catalog: Catalog) -> AspectCoverage:
    counts: dict[str, dict[Aspect, int]] = {}
    unanswered: list[AspectFact] = []
    for fact in catalog_facts(catalog):
        per = counts.setdefault(fact.platform, dict.fromkeys(Aspect, 0))
        for aspect in fact.aspects:
            per[aspect] += 1
        if not fact.aspects:
            unanswered.append(fact)
    return AspectCoverage(counts, tuple(unanswered))
