"""The package's layers, checked on its import graph.

Every module under ``src/security_equation`` is parsed (not imported) and every import
statement counts, at module level or inside a function (a function-level import still
makes one module depend on another; it must not be the way a cycle is hidden):

- the import graph has no cycle;
- ``engine/`` (arrays in, arrays out) imports nothing of the layers above it, nor
  pydantic: it is given numbers, never files, schemas or results;
- ``present/`` draws and formats results it is given: it never imports the exchange or
  the stability indices of the engine, nor the model's ``evaluate``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "security_equation"


@dataclass(frozen=True)
class Import:
    importer: str
    module: str  # the module imported (a submodule where ``from package import submodule``)
    names: tuple[str, ...]  # names taken from it (empty for ``import module``)
    line: int
    in_function: bool


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


def _imports(name: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    out: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    out.append(Import(name, alias.name, (), child.lineno, inside))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:  # relative import
                    anchor = name.split(".") if is_package else name.split(".")[:-1]
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join([*anchor, *([base] if base else [])])
                plain = []
                for alias in child.names:
                    sub = f"{base}.{alias.name}"
                    if sub in modules:  # ``from package import submodule``
                        out.append(Import(name, sub, (), child.lineno, inside))
                    else:
                        plain.append(alias.name)
                if plain or not child.names:
                    out.append(Import(name, base, tuple(plain), child.lineno, inside))
            visit(child, inside)

    visit(tree, False)
    return out


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    modules = _modules()
    return [imp for name, path in modules.items() for imp in _imports(name, path, modules)]


def _in(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each as a
    sorted list, plus modules that import themselves."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in edges.get(v, ()):
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return found


def test_the_import_graph_has_no_cycle(imports):
    """Function-level imports count: no module imports (even lazily) one that imports it back."""
    edges: dict[str, set[str]] = {}
    for imp in imports:
        if _in(imp.module, PACKAGE) and imp.module != imp.importer:
            edges.setdefault(imp.importer, set()).add(imp.module)
    cycles = _cycles(edges)
    where = []
    for component in cycles:
        members = set(component)
        lines = [
            f"  {i.importer}:{i.line} -> {i.module}{' (in a function)' if i.in_function else ''}"
            for i in imports
            if i.importer in members and i.module in members
        ]
        where.append("cycle " + " ⇄ ".join(component) + "\n" + "\n".join(lines))
    assert not cycles, "\n".join(where)


#: What the engine may not import: it works on arrays, never on files, schemas or results.
ENGINE_FORBIDDEN = (
    "pydantic",
    "pandas",
    "xarray",
    f"{PACKAGE}.schema",
    f"{PACKAGE}.io",
    f"{PACKAGE}.model",
    f"{PACKAGE}.treaty",
    f"{PACKAGE}.analysis",
    f"{PACKAGE}.present",
    f"{PACKAGE}.cli",
    f"{PACKAGE}.web",
)


def test_the_engine_imports_no_layer_above_it(imports):
    bad = [
        f"{i.importer}:{i.line} imports {i.module}"
        for i in imports
        if _in(i.importer, f"{PACKAGE}.engine") and (_in(i.module, *ENGINE_FORBIDDEN) or i.module == PACKAGE)
    ]
    assert not bad, "\n".join(bad)


#: Modules that compute results; presenters are given the results instead.
MODEL_RUNNERS = (f"{PACKAGE}.engine.exchange", f"{PACKAGE}.engine.stability", f"{PACKAGE}.model.evaluation")


def test_presenters_never_run_the_model(imports):
    """Figures and reports take results (an ``Evaluation``, a dataset, a table); they never
    run the exchange, the stability indices or ``evaluate`` themselves."""
    found = {
        (i.importer, i.module): f"{i.importer}:{i.line} imports {i.module}"
        + (f" ({', '.join(i.names)})" if i.names else "")
        for i in imports
        if _in(i.importer, f"{PACKAGE}.present")
        and (
            _in(i.module, *MODEL_RUNNERS)
            or (i.module in (PACKAGE, f"{PACKAGE}.model") and "evaluate" in i.names)
        )
    }
    assert not found, "\n".join(found.values())


def test_the_graph_sees_function_level_imports(imports):
    """The checks above are only as good as the parser: it must find lazy imports."""
    lazy = [i for i in imports if i.in_function and _in(i.module, PACKAGE)]
    assert lazy, "no function-level import found: the import parser is broken"
    assert any(i.importer == f"{PACKAGE}.cli" and i.module == f"{PACKAGE}.cli.analysis" for i in lazy)
