"""Everyday English words: a word people use every day is that word, never a typo of
another ("deal" is no misspelt "dial", "stuff" no "staff", "lose" no "log").

The words are pyspellchecker's English word-frequency list (MIT), read once per process.
Only words seen often count: a rarer spelling that happens to be listed ("shoppe") may
still be a platform's name typed wrong, and search leaves out those near a name anyway.
"""

from __future__ import annotations

import gzip
import logging
import re
from functools import cache
from importlib import resources

log = logging.getLogger(__name__)

# times a word is seen in the list's corpus: about the 7,700 commonest words. On the dev
# questions 1,000 to 20,000 made the same answers; every false bend went (stuff→staff,
# lose→log, luck→lock, fine→find, pending→paid) and every real typo stayed a typo
COMMON = 5000
# the list's lines, '"word": count,': read by a pattern (half the time of json.loads)
_ENTRY = re.compile(rb'"([a-z][a-z\'-]*)": (\d{4,})')


@cache
def common_words() -> frozenset[str]:
    """Lower-case English words seen at least COMMON times; empty if the list is missing
    (typo reading then works as before, with the knowledge files' words alone)."""
    try:
        packed = resources.files("spellchecker").joinpath("resources", "en.json.gz")
        text = gzip.decompress(packed.read_bytes())
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        log.warning("english_words_missing error=%s", type(exc).__name__)
        return frozenset()
    return frozenset(word.decode() for word, seen in _ENTRY.findall(text)
                     if int(seen) >= COMMON)
