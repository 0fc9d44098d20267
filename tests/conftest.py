"""Fixtures every test package shares."""

from __future__ import annotations

import pytest

from knowledge.catalog import Catalog, load_catalog
from knowledge.reply import Responder


# The real knowledge files and the answering path built on them, once for the whole run:
# both are read-only, and every module asking them needs the same (a module may still
# define its own, as a module's fixture overrides these).
@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def responder(catalog: Catalog) -> Responder:
    return Responder(catalog)
