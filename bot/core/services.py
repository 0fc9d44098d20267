"""What handlers work with — settings, clock, database, stores, the knowledge — in one object."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram.ext import Application, CallbackContext

from bot.core.clock import Clock
from bot.core.config import Settings
from bot.core.flood import GroupFlood
from bot.core.presses import ButtonPresses
from knowledge.catalog import DATA_DIR, Catalog, load_catalog
from knowledge.reply import Responder
from knowledge.search import SearchIndex
from knowledge.vocabulary import known_words
from storage.cases import CaseStore
from storage.db import Database
from storage.feedback import FeedbackStore
from storage.groups import GroupStore
from storage.misses import MAX_PLATFORM_LEN, MissKind, MissStore
from storage.redact import Vocabulary
from storage.users import UserStore

logger = logging.getLogger(__name__)

SERVICES_KEY = "services"
# distinct uncovered-platform labels /metrics keeps; more are counted as OTHER_PLATFORM
MAX_PLATFORM_LABELS = 100
OTHER_PLATFORM = "other"


@dataclass
class MissCounts:
    """Misses since the bot started, for /metrics: by kind, and by uncovered platform.

    Counted when a miss is recorded (bot.core.misses.record_miss), whether or not the
    database took it. Platform ids come from knowledge/data/platform_names.yaml; the
    number of labels is bounded all the same.
    """

    by_kind: Counter[str] = field(default_factory=Counter)
    by_platform: Counter[str] = field(default_factory=Counter)

    def count(self, kind: MissKind, platform: str | None) -> None:
        self.by_kind[kind.value] += 1
        if kind is not MissKind.UNCOVERED or not platform:
            return
        label = platform if len(platform) <= MAX_PLATFORM_LEN else OTHER_PLATFORM
        if label not in self.by_platform and len(self.by_platform) >= MAX_PLATFORM_LABELS:
            label = OTHER_PLATFORM
        self.by_platform[label] += 1


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db: Database
    users: UserStore
    cases: CaseStore
    groups: GroupStore
    # the catalog, its search index and the answering path, swapped as one on /reload
    responder: Responder
    flood: GroupFlood  # group-chat anti-flood state, in memory
    presses: ButtonPresses  # group buttons: a member's pace, cached admin checks
    misses: MissStore  # questions the bot could not answer, anonymous, 30 days
    feedback: FeedbackStore  # votes and reply times users report, anonymous, 90 days
    miss_counts: MissCounts = field(default_factory=MissCounts)  # since start, /metrics

    @property
    def catalog(self) -> Catalog:
        return self.responder.catalog

    @property
    def search(self) -> SearchIndex:
        return self.responder.index

    async def close(self) -> None:
        await self.db.close()


_BUILT: dict[tuple[object, ...], Responder] = {}  # the last answering path built, by its files


def answering_path(knowledge_dir: Path | None) -> Responder:
    """The catalog and everything the answering path builds on it (search, the facts'
    index, the number book: about 0.3 s), once per process for the same files.

    A Responder is read-only, so every application of a process shares it (the test
    suite starts hundreds); a file changed since (an editor's fix before /reload) builds
    a new one. CatalogError as load_catalog.
    """
    data_dir = knowledge_dir or DATA_DIR
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                for folder in dict.fromkeys((data_dir, DATA_DIR)) if folder.is_dir()
                for p in sorted(folder.glob("*.yaml")))
    built = _BUILT.get(key)
    if built is None:
        built = Responder(load_catalog(data_dir))
        _BUILT.clear()
        _BUILT[key] = built
    return built


async def open_services(settings: Settings, clock: Clock) -> Services:
    """Load the catalog and its index, then open the database (CatalogError, DatabaseError)."""
    # the catalog first: a broken knowledge file should not leave a database open
    # BOT_KNOWLEDGE_DIR: files kept outside the package, which /reload re-reads
    responder = answering_path(settings.knowledge_dir)
    catalog = responder.catalog
    vocabulary = miss_vocabulary(catalog)
    db = await Database.open(settings.db)
    logger.debug(
        "services open",
        extra={"platforms": len(catalog.platforms), "cards": len(responder.index.refs)},
    )
    return Services(
        settings=settings,
        clock=clock,
        db=db,
        users=UserStore(db, clock),
        cases=CaseStore(db, clock),
        groups=GroupStore(db, clock),
        responder=responder,
        flood=GroupFlood(clock),
        presses=ButtonPresses(clock),
        misses=MissStore(db, clock, vocabulary),
        feedback=FeedbackStore(db, clock),
    )


def miss_vocabulary(catalog: Catalog) -> Vocabulary:
    """The words a stored miss may keep: the catalog's and the common-word list."""
    return Vocabulary.of(known_words(catalog))


AnyContext = CallbackContext[Any, Any, Any, Any]
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def services_of(context: AnyContext | AnyApplication) -> Services:
    """The services post_init stored in bot_data; a RuntimeError if it has not run."""
    bot_data = context.bot_data
    services = bot_data.get(SERVICES_KEY) if isinstance(bot_data, dict) else None
    if not isinstance(services, Services):
        raise RuntimeError("services are not open: post_init has not run")
    return services
