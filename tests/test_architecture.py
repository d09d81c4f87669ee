"""The package's shape: imports flow one way through the layers (model, rules, judging,
explaining, screening, reports, store, authoring, service, web and CLI), there is no import
cycle (at module level or inside functions), and only the engine wrapper touches
durable_rules. Read from the source with the ast module, so a lazy import counts too."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

from helpers import ROOT

# Each layer may import from the layers before it (and from itself), never after.
LAYERS = [
    {"ccrules.errors", "ccrules.suggestions", "ccrules.resources", "ccrules.kept"},
    {"ccrules.proposal"},
    {"ccrules.rulebook"},
    {"ccrules.judging"},
    {"ccrules.explaining"},
    {"ccrules.screening"},
    {"ccrules.report"},
    {"ccrules.panel"},
    {"ccrules.store"},
    {"ccrules.authoring"},
    {"ccrules.service"},
    {"ccrules.sheets"},
    {"ccrules.intake"},
    {"ccrules.web"},
    {"ccrules.cli", "ccrules.__main__"},
]
PACKAGE = {"ccrules": ROOT / "ccrules", "ccrules.web": ROOT / "api"}


def _modules() -> dict[str, Path]:
    found = {}
    for name, folder in PACKAGE.items():
        for path in folder.rglob("*.py"):
            rel = path.relative_to(folder).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            if name == "ccrules" and parts[:1] == ["web"]:
                continue
            found[".".join([name, *parts])] = path
    return found


MODULES = _modules()


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
    return f"{base}.{node.module}" if node.module else base


def imports(module: str) -> set[str]:
    """Every module this module imports, anywhere in its body (TYPE_CHECKING blocks aside)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text())
    checking = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in checking:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, path, node)
            for alias in node.names:  # `from pkg import module` imports the module
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in MODULES else target)
    if module.startswith("ccrules.web"):  # the web app imports itself as ccrules.web
        found = {f.replace("api.", "ccrules.web.", 1) if f.startswith("api.") else f
                 for f in found}
    return {f for f in found if f in MODULES or not f.startswith("ccrules")}


def _layer(module: str) -> int:
    for i, layer in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in layer):
            return i
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


@functools.cache
def graph() -> dict[str, set[str]]:
    """Each module's imports of the project's modules (read when a test first asks, not
    while the suite is collected: parsing every module costs each worker about 0.5 s)."""
    return {m: {t for t in imports(m) if t in MODULES and t != m} for m in MODULES}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "ccrules"))
def test_imports_only_flow_down_the_layers(module):
    wrong = sorted(t for t in graph()[module] if t != "ccrules" and _layer(t) > _layer(module))
    assert not wrong, f"{module} (layer {_layer(module)}) imports higher layers: {wrong}"


def test_no_import_cycles():
    edges = {m: targets - {"ccrules"} for m, targets in graph().items() if m != "ccrules"}
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            raise AssertionError("import cycle: " + " -> ".join(path[path.index(node):]
                                                                 + [node]))
        if node in done:
            return
        for nxt in sorted(edges.get(node, ())):
            if nxt in edges:
                visit(nxt, path + [node])
        done.add(node)
    for start in sorted(edges):
        visit(start, [])


def test_only_the_wrapper_touches_durable_rules():
    users = sorted(m for m in MODULES
                   if any(i.split(".")[0].startswith("durable") for i in imports(m)))
    assert users == ["ccrules.rulebook.durable"]
    engine = imports("ccrules.rulebook.durable")
    assert "durable_rules_engine" in engine
    assert not {"durable.lang", "durable.engine"} & engine  # never the global host


def test_the_public_api_is_exported():
    import ccrules
    for name in ("evaluate", "load_rulebook", "Proposal", "Evaluation", "CcrulesError"):
        assert name in ccrules.__all__ and getattr(ccrules, name)


def test_modules_are_small():
    sizes = {m: len(p.read_text().splitlines()) for m, p in MODULES.items()}
    assert max(sizes.values()) <= 500, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
