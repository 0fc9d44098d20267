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
_ENTRY = re.compile(rb'"([a-z][a-z\'-]*)": (\d{3,})')


# ... and about the 47,000 words seen at least this often: English words, however rare
# ("blender", "sketchy", "inauthentic"), where the list's rarer entries are as often
# misspellings or names ("shoppe")
KNOWN = 100


@cache
def word_counts() -> dict[str, int]:
    """Lower-case English words seen at least KNOWN times, with how often; empty if the
    list is missing (typo reading then works with the knowledge files' words alone)."""
    try:
        packed = resources.files("spellchecker").joinpath("resources", "en.json.gz")
        text = gzip.decompress(packed.read_bytes())
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        log.warning("english_words_missing error=%s", type(exc).__name__)
        return {}
    return {word.decode(): count for word, seen in _ENTRY.findall(text)
            if (count := int(seen)) >= KNOWN}


@cache
def common_words() -> frozenset[str]:
    """Lower-case English words seen at least COMMON times (see `word_counts`)."""
    return frozenset(word for word, count in word_counts().items() if count >= COMMON)
