"""Incremental builds that are never stale: an execution key per notebook.

jupyter-cache keys a notebook on its code cells only, and Sphinx re-reads a page only when its source
changed. A notebook's output also depends on the toolkit modules it imports, its question banks, the data
layer and the bibliography; so before each build this module computes, for every notebook of the book,
a key over its own file and everything it runs:

- the ``immunokit`` modules its code cells import, with every module those import in turn (grimp's import
  graph, so a new import is followed without a list kept by hand) and the packages that contain them;
- the question banks its cells name (``*.quiz.yml``) and, when it imports the data layer or the
  bibliography (directly or not), ``book/data/*.yml``, ``book/cases.yml`` and ``book/references.bib``.

A notebook whose key changed loses its jupyter-cache record (so it is executed again) and has its file's
modification time bumped (so Sphinx reads it again); every other notebook keeps its outputs and its saved
page. A change to the build's own code (``immunokit_build/sphinx*``), which Sphinx does not track, clears
Sphinx's environment only: every page is read again, outputs still come from the cache.

Then it executes every notebook the cache does not hold, several at a time (one kernel per core, or
``IMMUNOKIT_BUILD_JOBS``), and stores each result in jupyter-cache exactly as myst-nb would (same
record, same working folder, same cell timeout from ``_config.yml``): Sphinx executes notebooks one after
the other, so on two cores a cold build's execution takes about half as long. Its kernels build no live
widget views (:data:`STATIC_ONLY`), which the static book drops: the pages are the same bytes. A notebook
that fails here is left to the build, which runs it again and reports the error as usual.

``make book`` runs this first; so does the test suite's build. Usage::

    python -m immunokit_build.buildcache [BUILD_ROOT]     # prints which notebooks will run again
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

# jsonschema imported first without the format checker that takes 1 s to import (see immunokit.schemacheck);
# jupyter-cache's nbformat then finds it loaded, here and in the forked workers.
from immunokit import schemacheck  # noqa: F401
from immunokit_build import ROOT

KEYS = ".immunokit-notebook-keys.json"
BUILD_CODE_STAMP = ".immunokit-build-code.sha256"
#: The data layer's readers: a notebook that imports either (directly or not) depends on the data files.
DATA_READERS = ("immunokit.facts", "immunokit.citations", "immunokit.bookfiles", "immunokit.cases")
#: The course's own packages (the student toolkit and the tooling, whose modules some instructor pages run).
PACKAGES = ("immunokit", "immunokit_build", "immunokit_instructor")
_BANK = re.compile(r"""["']([^"']+\.quiz\.yml)["']""")


def _code_cells(notebook: Path) -> list[str]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    out = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            out.append("".join(source) if isinstance(source, list) else source)
    return out


def imported_modules(code: Iterable[str]) -> set[str]:
    """The course's modules named by import statements in ``code`` (IPython magics and shell lines skipped)."""
    found: set[str] = set()
    for source in code:
        lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.split(".")[0] in PACKAGES)
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES:
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


@cache
def _graph(source_root: Path) -> object:
    import grimp

    folders = [str(source_root), str(source_root / "tooling")]
    sys.path[:0] = folders
    try:
        return grimp.build_graph(*PACKAGES, cache_dir=None)
    finally:
        for folder in folders:
            sys.path.remove(folder)


def module_closure(modules: Iterable[str], source_root: Path = ROOT) -> set[str]:
    """``modules`` with every module they import, directly or not, and every package containing one."""
    graph = _graph(source_root)
    known = graph.modules  # type: ignore[attr-defined]
    start = {m for m in modules if m in known}
    closure = set(start)
    for module in start:
        closure |= graph.find_upstream_modules(module)  # type: ignore[attr-defined]
    while True:
        before = len(closure)
        for module in list(closure):
            parts = module.split(".")
            closure.update(".".join(parts[:i]) for i in range(1, len(parts)))
            # a package that imports all its modules at run time (``import_package(__name__)``, which
            # the import graph cannot see) depends on every one of them
            init = module_file(module, source_root)
            if (
                init is not None
                and init.name == "__init__.py"
                and "import_package(__name__)" in init.read_text(encoding="utf-8")
            ):
                for child in graph.find_children(module):  # type: ignore[attr-defined]
                    closure |= {child} | graph.find_upstream_modules(child)  # type: ignore[attr-defined]
        if len(closure) == before:
            return closure


def module_file(module: str, source_root: Path) -> Path | None:
    top = source_root if module.split(".")[0] == "immunokit" else source_root / "tooling"
    base = top.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def notebook_inputs(notebook: Path, source_root: Path = ROOT) -> list[Path]:
    """Every file whose content the notebook's executed output depends on (the notebook itself first)."""
    code = _code_cells(notebook)
    modules = module_closure(imported_modules(code), source_root)
    files = [notebook]
    files += sorted(p for m in modules if (p := module_file(m, source_root)) is not None)
    static_data = source_root / "immunokit"
    files += sorted(p for p in static_data.rglob("*.json") if "__pycache__" not in p.parts) if modules else []
    for name in sorted({m for source in code for m in _BANK.findall(source)}):
        for candidate in (notebook.parent / name, source_root / "book" / Path(name).name):
            if candidate.is_file():
                files.append(candidate)
                break
    if modules & set(DATA_READERS):
        book = source_root / "book"
        files += [*sorted((book / "data").glob("*.yml")), book / "cases.yml", book / "references.bib"]
        if any(m == "immunokit.quiz" or m.startswith("immunokit.quiz.") for m in modules):
            files += sorted(book.glob("*.quiz.yml"))  # banks cross-reference each other's items
    return [p for p in dict.fromkeys(files) if p.is_file()]


def notebook_key(notebook: Path, source_root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for path in notebook_inputs(notebook, source_root):
        digest.update(path.relative_to(source_root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def book_notebooks(source_root: Path = ROOT) -> list[Path]:
    """The notebooks the book executes (those of ``_toc.yml``, read by the course's one reader of it)."""
    from immunokit.chapters import toc_files

    return [p for f in toc_files(source_root / "_toc.yml") if (p := source_root / f"{f}.ipynb").is_file()]


def build_code_digest(source_root: Path = ROOT) -> str:
    """SHA-256 over the book build's own Sphinx code (which Sphinx does not track)."""
    digest = hashlib.sha256()
    package = source_root / "tooling" / "immunokit_build"
    for path in sorted([*package.glob("sphinx/*.py"), package / "sphinx_ext.py"]):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _forget_execution(cache_dir: Path, notebook: Path) -> None:
    """Drop the cached outputs jupyter-cache holds for ``notebook``, matched as myst-nb matches them: by the
    notebook as the build reads it (its code and the reading tags ``source-read`` adds), not the raw file,
    whose hash no record carries."""
    if not cache_dir.exists():
        return
    from jupyter_cache import get_cache

    store = get_cache(str(cache_dir))
    try:
        pks = {store.match_cache_notebook(as_the_build_reads(notebook)).pk}
    except KeyError:
        pks = set()
    # and by path: should a build step ever change the notebook before myst-nb hashes it in a way
    # as_the_build_reads does not repeat, the match above finds nothing, yet the old outputs still go.
    pks |= {r.pk for r in store.list_cache_records() if Path(r.uri).resolve() == notebook.resolve()}
    for pk in sorted(pks):
        store.remove_cache(pk)


def refresh(build_root: Path = ROOT, source_root: Path = ROOT) -> list[Path]:
    """Make the next build re-execute exactly the notebooks whose key changed; return them."""
    build = build_root / "_build"
    keys_file = build / KEYS
    try:
        previous = json.loads(keys_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    current = {
        nb.relative_to(source_root).as_posix(): notebook_key(nb, source_root)
        for nb in book_notebooks(source_root)
    }
    stale = [source_root / name for name, key in current.items() if previous.get(name) != key]
    if not previous:  # outputs of unknown provenance (no keys yet): start clean
        shutil.rmtree(build / ".jupyter_cache", ignore_errors=True)
        shutil.rmtree(build / ".doctrees", ignore_errors=True)
    else:
        for notebook in stale:
            _forget_execution(build / ".jupyter_cache", notebook)
            os.utime(notebook)  # Sphinx reads a page again when its source is newer than the saved one
    build.mkdir(parents=True, exist_ok=True)
    tmp = keys_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, keys_file)

    stamp = build / BUILD_CODE_STAMP
    code = build_code_digest(source_root)
    if (stamp.read_text().strip() if stamp.exists() else None) != code:
        shutil.rmtree(build / ".doctrees", ignore_errors=True)
        stamp.write_text(code + "\n")
    return stale if previous else []


def _cell_timeout(source_root: Path) -> int:
    import yaml

    config = yaml.safe_load((source_root / "_config.yml").read_text(encoding="utf-8")) or {}
    return int((config.get("execute") or {}).get("timeout", 30))


def as_the_build_reads(notebook: Path) -> object:
    """The notebook as myst-nb receives it: after the build's ``source-read`` retagging, whose cell tags
    jupyter-cache hashes along with the code."""
    import nbformat

    from immunokit_build.sphinx.reading import retag_notebook

    return nbformat.reads(retag_notebook(notebook.read_text(encoding="utf-8")), as_version=4)


#: Run in each kernel before the notebook (not in its history): displays build no live widget view,
#: which the book drops (:data:`immunokit.interactive.base.LIVE_VIEWS`).
STATIC_ONLY = "import immunokit.interactive.base as _ik_base; _ik_base.LIVE_VIEWS = False; del _ik_base"


def _execute(job: tuple[str, int]) -> tuple[str, str | None, float, str | None]:
    """Run one notebook as myst-nb's cache mode does; (path, executed JSON or None, seconds, error)."""
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    path, timeout = Path(job[0]), job[1]
    notebook = as_the_build_reads(path)
    result = single_nb_execution(
        notebook,
        cwd=str(path.parent),
        timeout=timeout,
        allow_errors=False,
        meta_override=True,
        extra_arguments=[f"--InteractiveShellApp.exec_lines={STATIC_ONLY}"],
    )
    if result.err is not None:
        return str(path), None, result.time, f"{result.err.__class__.__name__}"
    return str(path), nbformat.writes(notebook), result.time, None


def uncached(build_root: Path = ROOT, source_root: Path = ROOT) -> list[Path]:
    """The book's notebooks whose code jupyter-cache holds no executed copy of (myst-nb would run them)."""
    from jupyter_cache import get_cache

    store = get_cache(str(build_root / "_build" / ".jupyter_cache"))
    missing = []
    for notebook in book_notebooks(source_root):
        try:
            store.match_cache_notebook(as_the_build_reads(notebook))
        except KeyError:
            missing.append(notebook)
    return missing


def execute_uncached(
    build_root: Path = ROOT, source_root: Path = ROOT, jobs: int | None = None
) -> dict[Path, float | str]:
    """Execute the notebooks the cache lacks, ``jobs`` at a time, and cache them as myst-nb would.

    Returns each notebook's execution seconds, or the error's name for one that failed (not cached: the
    build runs it again and reports the error with its traceback)."""
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    todo = uncached(build_root, source_root)
    if not todo:
        return {}
    jobs = jobs or int(os.environ.get("IMMUNOKIT_BUILD_JOBS", "0") or 0) or os.cpu_count() or 1
    timeout = _cell_timeout(source_root)
    # the largest notebooks first, so the last one to finish is a short one
    todo.sort(key=lambda p: p.stat().st_size, reverse=True)
    store = get_cache(str(build_root / "_build" / ".jupyter_cache"))
    done: dict[Path, float | str] = {}
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
        for path, executed, seconds, error in pool.map(_execute, [(str(p), timeout) for p in todo]):
            if executed is None:
                done[Path(path)] = error or "error"
                continue
            store.cache_notebook_bundle(
                CacheBundleIn(
                    nbformat.reads(executed, as_version=4), path, data={"execution_seconds": seconds}
                ),
                check_validity=False,
                overwrite=True,
            )
            done[Path(path)] = seconds
    return done


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or (args and (args[0].startswith("-") or not Path(args[0]).is_dir())):
        print(
            "usage: python -m immunokit_build.buildcache [BUILD_ROOT]  (an existing folder; default: the course)"
        )
        return 0 if args and args[0] in {"-h", "--help"} else 2
    build_root = Path(args[0]) if args else ROOT
    source_root = build_root if (build_root / "_toc.yml").is_file() else ROOT
    stale = refresh(build_root, source_root)
    for notebook in stale:
        print(f"inputs changed, will run again: {notebook.relative_to(source_root).as_posix()}")
    start = time.perf_counter()
    ran = execute_uncached(build_root, source_root)
    for notebook, outcome in ran.items():
        name = notebook.relative_to(source_root).as_posix()
        if isinstance(outcome, str):
            print(f"{name}: failed ({outcome}); the build runs it again and reports the error")
        else:
            print(f"{name}: executed in {outcome:.1f} s")
    if ran:
        print(f"executed {len(ran)} notebook(s) in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
