"""The data flow reads from the file names: each module imports only modules earlier in this
order (a package counts as one), so no import runs back up. A new module takes its place here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dedupe"

ORDER = [
    "_version", "relations", "errors", "config", "models", "_infra", "documents", "normalize", "clean", "shingles",
    "signatures", "citation_words", "registry", "citations", "provenance", "locate", "slots", "sentences", "facts", "prepare", "headlines", "furniture", "boilerplate",
    "candidates", "pairs", "verify", "passages", "origin", "clusters", "links", "policy", "index", "report", "pipeline", "server",
    "cli", "__init__", "__main__",
]


def _unit(path: Path) -> str:
    """The ORDER entry a module belongs to: its package under dedupe/, or its own name."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imported(path: Path) -> set[str]:
    """The dedupe units a module imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside = path.relative_to(PACKAGE).parts[:-1]  # the packages the module sits in
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if node.module and (node.module == "dedupe" or node.module.startswith("dedupe.")):
                    rest = node.module.split(".")[1:]
                    found.add(rest[0] if rest else "__init__")
                continue
            base = list(inside[: len(inside) - (node.level - 1)])
            target = base + (node.module.split(".") if node.module else [])
            if target:
                found.add(target[0])
            else:  # "from . import x" at the top of the package
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("dedupe."):
                    found.add(alias.name.split(".")[1])
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "schema" not in p.parts and "data" not in p.parts)


def test_every_module_has_a_place_in_the_order() -> None:
    assert {_unit(p) for p in MODULES} <= set(ORDER)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_import_only_earlier_ones(path: Path) -> None:
    unit = _unit(path)
    later = {u for u in _imported(path) - {unit} if ORDER.index(u) > ORDER.index(unit)}
    assert not later, f"{path.relative_to(PACKAGE)} ({unit}) imports later units: {sorted(later)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_say_what_they_own_and_stay_readable(path: Path) -> None:
    """A docstring on every module; none over ~400 lines unless its docstring says why."""
    source = path.read_text(encoding="utf-8")
    doc = ast.get_docstring(ast.parse(source))
    assert doc or path.name == "__main__.py" or (path.name == "__init__.py" and not source.strip()), path
    if source.count("\n") > 420:
        assert doc is not None and "over 400 lines" in doc, f"{path.relative_to(PACKAGE)}: {source.count(chr(10))} lines"
