"""Every message key the bot uses exists in Chinese and English, and none is left unused."""

from __future__ import annotations

import ast
import string
from pathlib import Path

from bot.app import COMMANDS
from bot.ask.callbacks import REASONS
from bot.core.texts import MESSAGES
from bot.core.zones import COMMON_ZONES
from knowledge.schema import LANGS

BOT = Path(__file__).resolve().parents[2] / "bot"

# (call name, position of the key argument)
KEY_ARGUMENT = {"get": 0, "msg": 0, "reply_message": 2}
# the f-string keys the code builds, and what fills them in
DYNAMIC = {
    "command.": COMMANDS,
    "lang.name.": LANGS,
    "zone.": COMMON_ZONES,
    "feedback.reason.": tuple(reason.value for reason in REASONS),
}


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "MESSAGES"):
        return node.func.attr
    return None


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in BOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node)
            if name not in KEY_ARGUMENT or len(node.args) <= KEY_ARGUMENT[name]:
                continue
            argument = node.args[KEY_ARGUMENT[name]]
            for part in ast.walk(argument):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    keys.add(part.value)
                elif isinstance(part, ast.JoinedStr):
                    prefix = part.values[0]
                    assert isinstance(prefix, ast.Constant), ast.unparse(part)
                    pattern = str(prefix.value)
                    assert pattern in DYNAMIC, f"{path.name}: unknown key {pattern}…"
                    keys.update(f"{pattern}{value}" for value in DYNAMIC[pattern])
    # f-string parts were added whole; drop their bare prefixes
    return keys - set(DYNAMIC)


def test_every_key_used_exists_in_both_languages() -> None:
    used = used_keys()
    assert len(used) > 40  # the scan finds the keys at all
    missing = used - MESSAGES.keys()
    assert not missing, f"keys used but not in messages.yaml: {sorted(missing)}"
    for key in used:
        for lang in LANGS:
            assert MESSAGES.get(key, lang).strip()


def test_no_message_is_left_unused() -> None:
    unused = MESSAGES.keys() - used_keys()
    assert not unused, f"messages.yaml keys no code uses: {sorted(unused)}"


def test_both_languages_take_the_same_placeholders() -> None:
    formatter = string.Formatter()
    for key in sorted(MESSAGES.keys()):
        fields = [
            {name for _, name, _, _ in formatter.parse(MESSAGES.get(key, lang)) if name}
            for lang in LANGS
        ]
        assert fields[0] == fields[1], key
