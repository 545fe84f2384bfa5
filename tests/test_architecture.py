"""The code is split by who runs it, and imports flow one way.

Read from the code itself (grimp's import graph, import-linter's contracts in ``pyproject.toml``, the
packages on disk), never from a list the code keeps about itself.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
from harness import ROOT

PACKAGES = ("immunokit", "immunokit_build", "immunokit_instructor")


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of modules (Tarjan), a package's import of its own children excepted."""
    adjacency = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in adjacency[v]:
            if w not in adjacency:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(adjacency):
        if module not in index:
            visit(module)
    return cycles


def test_no_import_cycles() -> None:
    assert import_cycles(grimp.build_graph(*PACKAGES, cache_dir=None)) == []


def test_the_cycle_finder_finds_a_planted_cycle(tmp_path: Path) -> None:
    pkg = tmp_path / "planted"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from planted import b\n")
    (pkg / "b.py").write_text("from planted import a\n")
    sys.path.insert(0, str(tmp_path))
    try:
        assert import_cycles(grimp.build_graph("planted", cache_dir=None)) == [["planted.a", "planted.b"]]
    finally:
        sys.path.remove(str(tmp_path))


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_the_wheel_lists_every_package_folder_of_the_toolkit() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    declared = set(config["packages"])
    on_disk = {"immunokit"} | {
        f"immunokit.{p.relative_to(ROOT / 'immunokit').as_posix().replace('/', '.')}"
        for p in (ROOT / "immunokit").rglob("*")
        if p.is_dir() and p.name != "__pycache__" and any(p.iterdir())
    }
    mapped = {name for name in declared if name.startswith("immunokit._book")}
    assert declared - mapped == on_disk


def test_diagrams_are_public_names_that_editors_and_mypy_resolve() -> None:
    import immunokit.diagrams as diagrams
    from immunokit.interactive.registry import registered_in

    for info in pkgutil.iter_modules(diagrams.__path__):
        __import__(f"immunokit.diagrams.{info.name}")
    registered = set(registered_in("immunokit.diagrams", "diagram"))
    source = (ROOT / "immunokit" / "diagrams" / "__init__.py").read_text(encoding="utf-8")
    assert "globals()" not in source
    assert registered <= set(diagrams.__all__), registered - set(diagrams.__all__)
    assert all(callable(getattr(diagrams, name)) for name in registered)


def test_the_diagram_exports_are_written_from_the_registry() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "immunokit_build.diagram_exports", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
