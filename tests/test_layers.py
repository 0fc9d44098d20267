"""The layers hold: imports point down (features → core → knowledge/storage), never sideways.

Read from the source with `ast`, so an import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FEATURES = ("menu", "ask", "cases", "groups", "admin")


def imports_of(package: str) -> dict[str, set[str]]:
    """Every module of `package` (a path like 'bot/core') → the modules it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                # `from bot import cases` imports the package bot.cases
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        found[str(path.relative_to(ROOT))] = names
    return found


def offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{module} imports {name}"
        for module, names in imports_of(package).items()
        for name in sorted(names)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


def test_the_layers_are_as_drawn() -> None:
    # the tests below would pass on an empty tree: make sure they read real code
    assert len(imports_of("bot")) > 40
    assert any("telegram" in n for names in imports_of("bot").values() for n in names)


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("knowledge", ("telegram", "bot", "storage", "aiosqlite")),
        ("storage", ("telegram", "bot", "knowledge")),
        # the core knows no feature and no infrastructure
        ("bot/core", tuple(f"bot.{name}" for name in (*FEATURES, "infra", "app"))),
        # infrastructure serves the application, whatever features it has
        ("bot/infra", tuple(f"bot.{name}" for name in (*FEATURES, "app"))),
    ],
)
def test_imports_point_down(package: str, forbidden: tuple[str, ...]) -> None:
    assert offenders(package, forbidden) == []


@pytest.mark.parametrize("feature", FEATURES)
def test_features_do_not_import_each_other(feature: str) -> None:
    others = (*(f"bot.{name}" for name in FEATURES if name != feature), "bot.app")
    assert offenders(f"bot/{feature}", others) == []


def test_every_feature_registers_itself() -> None:
    for feature in FEATURES:
        source = (ROOT / "bot" / feature / "__init__.py").read_text(encoding="utf-8")
        assert "def register(app" in source, feature
