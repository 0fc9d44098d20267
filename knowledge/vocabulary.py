"""The words the knowledge files use: what a stored miss may keep (storage/redact.py).

Why: an operator reading the questions the bot missed needs their wording ("京东客服电话",
"walmart seller appeal"), and the words the knowledge files already use are words about
platforms and support, never about a person. Every string value of the loaded files is
read (platforms with their sites, issues and channels; synonyms; aspect words; platform
names; safety; small talk); the sources file is left out (titles and authors of pages).
The strings are returned as they are: the redactor splits them into words and drops any
with a digit, so a phone number in a knowledge file can never become an allowed word.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from knowledge.catalog import Catalog

__all__ = ["known_words"]


def known_words(catalog: Catalog) -> frozenset[str]:
    """Every string value of the catalog's files except the sources (ids and keys too)."""
    parts: list[Any] = [
        list(catalog.platforms.values()),
        catalog.synonyms,
        catalog.aspect_words,
        list(catalog.known_platforms),
        catalog.safety,
        catalog.smalltalk,
    ]
    return frozenset(_strings(parts))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, BaseModel):
        yield from _strings(value.model_dump(mode="json"))
    elif isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item)
