"""Message catalogs: every user-facing string in Chinese and English, looked up by key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from knowledge.schema import LANGS, Lang

LOCALE_DIR = Path(__file__).parent / "locale"


class MessageCatalogError(Exception):
    """A catalog file is broken or incomplete; the message names the file and the key."""


class Messages:
    """Strings for one catalog file; both languages must define every key."""

    def __init__(self, entries: dict[str, dict[Lang, str]], name: str) -> None:
        self._entries = entries
        self.name = name

    @classmethod
    def load(cls, path: Path) -> Messages:
        try:
            raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise MessageCatalogError(f"{path.name}: cannot be read: {exc}") from exc
        if not isinstance(raw, dict):
            raise MessageCatalogError(f"{path.name}: must be a mapping of key → {{zh, en}}")
        entries: dict[str, dict[Lang, str]] = {}
        for key, value in raw.items():
            if not isinstance(value, dict) or set(value) != set(LANGS):
                raise MessageCatalogError(f"{path.name}: {key}: needs exactly `zh` and `en`")
            if not all(isinstance(value[lang], str) and value[lang] for lang in LANGS):
                raise MessageCatalogError(f"{path.name}: {key}: texts must be non-empty strings")
            entries[str(key)] = {lang: value[lang] for lang in LANGS}
        return cls(entries, path.name)

    def keys(self) -> set[str]:
        return set(self._entries)

    def get(self, key: str, lang: Lang, **values: object) -> str:
        """The text for `key` in `lang`, with `{name}` placeholders filled in.

        A missing key is our bug, not the user's: it raises rather than showing a key.
        """
        try:
            text = self._entries[key][lang]
        except KeyError as exc:
            raise KeyError(f"{self.name}: no message {key!r}") from exc
        return text.format(**values) if values else text


def normalize_lang(code: str | None) -> Lang:
    """Telegram's `language_code` (e.g. 'zh-hans', 'en-US') → one of our languages."""
    if code and code.lower().startswith("zh"):
        return "zh"
    if code is None:
        # the bot's users are Chinese-speaking first
        return "zh"
    # anyone else is likelier to read English than Chinese
    return "en"


LABELS = Messages.load(LOCALE_DIR / "labels.yaml")
