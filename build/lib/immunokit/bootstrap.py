"""The first code cell of every chapter and exercise notebook: it brings the course toolkit when it is missing.

Opened in this repository's environment the cell does nothing: ``immunokit`` imports from the checkout
one folder up (whatever version its metadata says), or its installed version is the notebook's. Opened
anywhere else (Colab, a downloaded notebook, the course bundle, a JupyterHub) it installs the toolkit's
matching version with pip, from the first of:

1. the environment variable ``IMMUNOKIT_INSTALL_SOURCE`` (a wheel, a folder or a pip requirement: tests
   and institutions point it at a local copy);
2. a wheel ``immunokit-<version>-*.whl`` beside the notebook or one folder up (the course bundle);
3. a checkout of the repository one folder up (``../immunokit/__init__.py``: nbgitpuller, a clone);
4. the course's repository, ``immunokit @ git+URL.git@BRANCH``, when the notebook was bootstrapped with
   the setting :mod:`immunokit.course` (``IMMUNOKIT_REPOSITORY_URL``) known.

Without any of them it stops with a message saying what to set. The cell is the first code cell, right after the title cell. It is written, never edited by
hand: ``python -m immunokit.notebooks bootstrap`` inserts or refreshes it in ``book/chNN_*.ipynb`` and
``solutions/*.ipynb`` and regenerates ``exercises/`` (whose generator keeps the cell).
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import tomllib
from pathlib import Path

import nbformat

from . import course

#: Tags of the cell: found by ``immunokit-bootstrap``; ``remove-cell`` keeps it off the book's pages (the
#: reader of the web page has the launch buttons; the cell is for the notebook).
TAG = "immunokit-bootstrap"
TAGS = ["remove-cell", TAG]

ROOT = Path(__file__).resolve().parents[1]

_TEMPLATE = """\
# Course toolkit: nothing to do when immunokit {version} is installed. Elsewhere (Colab, a downloaded
# notebook) it installs it from $IMMUNOKIT_INSTALL_SOURCE, a wheel or checkout beside this notebook,
# or the course's repository. Written by `python -m immunokit.notebooks bootstrap`; do not edit.
import glob
import importlib.metadata
import os
import subprocess
import sys

try:
    import immunokit

    # this repository's own toolkit (a notebook in book/, exercises/, …), else the installed version
    _ready = os.path.realpath(os.path.dirname(immunokit.__file__)) == os.path.realpath("../immunokit")
    _ready = _ready or importlib.metadata.version("immunokit") == "{version}"
except ImportError:
    _ready = False
if not _ready:
    _found = [*glob.glob("immunokit-{version}-*.whl"), *glob.glob("../immunokit-{version}-*.whl")]
    _found += [d for d in (".", "..") if os.path.isfile(f"{{d}}/immunokit/__init__.py")]
    _source = os.environ.get("IMMUNOKIT_INSTALL_SOURCE") or next(iter(_found), {repository})
    if not _source:
        raise RuntimeError("immunokit {version} is missing: set IMMUNOKIT_INSTALL_SOURCE to its wheel or folder")
    print(f"Installing the course toolkit from {{_source}} …")
    if subprocess.call([sys.executable, "-m", "pip", "install", "--quiet", _source]) != 0:
        raise RuntimeError(f"pip could not install immunokit from {{_source!r}}: set IMMUNOKIT_INSTALL_SOURCE")
    if "immunokit" in sys.modules:
        print("Another version was loaded: restart the kernel and run the notebook again.")
"""

_BAKED = re.compile(r"next\(iter\(_found\), (?P<source>\"(?:[^\"\\\\]|\\\\.)*\")\)")


def toolkit_version(root: Path = ROOT) -> str:
    """The toolkit's version: ``pyproject.toml`` of the checkout, else the installed distribution's."""
    pyproject = root / "pyproject.toml"
    if pyproject.exists():
        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    return importlib.metadata.version("immunokit")


def cell_source(version: str, repository: str = "") -> str:
    """The cell's code for toolkit ``version``; ``repository`` is the pip requirement of last resort."""
    return _TEMPLATE.format(version=version, repository=json.dumps(repository)).rstrip("\n")


def baked_source(source: str) -> str:
    """The repository requirement written into a bootstrap cell's code ("" when it names none)."""
    match = _BAKED.search(source)
    return str(json.loads(match.group("source"))) if match else ""


def find_cell(nb: nbformat.NotebookNode) -> int | None:
    """Index of the bootstrap cell in ``nb`` (None when it has none)."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and TAG in cell.metadata.get("tags", []):
            return index
    return None


def wanted_repository(nb: nbformat.NotebookNode) -> str:
    """The repository requirement a refreshed cell should name: from the setting if it is set, else
    whatever the notebook's cell already names (so a refresh without the setting keeps it)."""
    repo = course.repository()
    if repo is not None:
        return repo.install_source
    index = find_cell(nb)
    return baked_source(nb.cells[index].source) if index is not None else ""


def _position(cells: list[nbformat.NotebookNode]) -> int:
    """Where the cell goes among ``cells`` (without it): after the title cell, before any code."""
    return 1 if cells and cells[0].cell_type == "markdown" else 0


def apply(nb: nbformat.NotebookNode, version: str, repository: str) -> bool:
    """Make ``nb``'s first code cell the current bootstrap cell, right after the title cell; return
    True if the notebook changed."""
    source = cell_source(version, repository)
    index = find_cell(nb)
    if index is not None:
        cell = nb.cells.pop(index)
        others = list(nb.cells)
        nb.cells.insert(index, cell)
        if (
            index == _position(others)
            and cell.source == source
            and cell.metadata.get("tags") == TAGS
            and not cell.outputs
        ):
            return False
        nb.cells.pop(index)
        cell.source = source
        cell.metadata["tags"] = list(TAGS)
        cell.outputs = []
        cell.execution_count = None
    else:
        cell = nbformat.v4.new_code_cell(source, metadata={"tags": list(TAGS)})
        cell["id"] = "immunokit-bootstrap"
    nb.cells.insert(_position(nb.cells), cell)
    return True


def refresh_file(path: Path, version: str, repository: str | None = None) -> bool:
    """Insert or refresh the bootstrap cell of the notebook at ``path``; return True if it changed."""
    nb = nbformat.read(path, as_version=4)
    repo = wanted_repository(nb) if repository is None else repository
    if not apply(nb, version, repo):
        return False
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    return True


def problem(path: Path, version: str) -> str | None:
    """What is wrong with the bootstrap cell of ``path`` (None when it is current)."""
    nb = nbformat.read(path, as_version=4)
    index = find_cell(nb)
    if index is None:
        return f"{path}: no bootstrap cell (run python -m immunokit.notebooks bootstrap)"
    wanted = cell_source(version, wanted_repository(nb))
    if nb.cells[index].source != wanted:
        return f"{path}: the bootstrap cell is out of date (run python -m immunokit.notebooks bootstrap)"
    if index != _position([c for i, c in enumerate(nb.cells) if i != index]):
        return f"{path}: the bootstrap cell is cell {index}, not the first after the title"
    return None


def targets(root: Path = ROOT) -> list[Path]:
    """The notebooks that carry the cell and are not generated: chapters, the chapter template (so a
    new chapter starts with it) and solutions."""
    return [
        *sorted((root / "book").glob("ch[0-9][0-9]_*.ipynb")),
        *sorted((root / "templates" / "chapter").glob("*.ipynb")),
        *sorted((root / "solutions").glob("*.ipynb")),
    ]


def checked(root: Path = ROOT) -> list[Path]:
    """Every notebook that must start with the cell: chapters, solutions and the generated exercises."""
    return [*targets(root), *sorted((root / "exercises").glob("*.ipynb"))]


def run(*, check: bool = False, root: Path = ROOT) -> int:
    """The command ``python -m immunokit.notebooks bootstrap [--check]``."""
    import sys

    from .course import SettingError

    try:
        version = toolkit_version(root)
        if check:
            found = [p for p in (problem(path, version) for path in checked(root)) if p]
            for message in found:
                print(message, file=sys.stderr)
            print(f"{len(checked(root))} notebooks, {len(found)} without a current bootstrap cell")
            return 1 if found else 0
        changed = [path for path in targets(root) if refresh_file(path, version)]
    except SettingError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for path in changed:
        print(f"bootstrap cell written: {path.relative_to(root)}")
    from .exercises.generate import main as generate

    return generate(["--root", str(root)])
