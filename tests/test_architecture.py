"""Architecture rules that import-linter cannot see: no module of planner reaches into another
module's private names (the layers, cycles and forbidden imports are `lint-imports`' contracts in
pyproject.toml, run by .ci/run)."""

from __future__ import annotations

import ast
from pathlib import Path

import planner

PACKAGE = Path(planner.__file__).resolve().parent

# No exceptions: the frontier drives the engine through GroupSolver's public interface.
ALLOWED: set[tuple[str, str, str]] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _private(name: str) -> bool:
    if name == "_":  # gettext's translation function (planner.i18n._): public by convention
        return False
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses() -> set[tuple[str, str, str]]:
    """(module, other planner module, private name) for every import of a private name and
    every `module._name` on an imported planner module."""
    found: set[tuple[str, str, str]] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases: dict[str, str] = {}  # local name -> planner module it stands for
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("planner"):
                for alias in node.names:
                    if _private(alias.name):
                        found.add((module, node.module or "", alias.name))
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("planner") and alias.asname:
                        aliases[alias.asname] = alias.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and _private(node.attr)
            ):
                found.add((module, aliases[node.value.id], node.attr))
    return found


def test_no_module_uses_another_modules_private_names():
    """Only the two known frontier imports reach into a private name of another module."""
    assert private_uses() == ALLOWED
