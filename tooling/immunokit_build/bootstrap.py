"""The first code cell of every chapter and exercise notebook: it brings the course toolkit when it is missing.

Where ``immunokit`` imports (``importlib.util.find_spec``: this repository's environment, Binder, a
JupyterHub that installed it) the cell does nothing and touches no network. Elsewhere (Colab, a notebook
downloaded alone, the course bundle) it installs the toolkit with pip, from the first of:

1. a wheel ``immunokit-*.whl`` beside the notebook or one folder up (the course bundle,
   :mod:`immunokit_build.bundle`), dependencies from pip's usual index;
2. the published site's package index, ``<site>/simple/`` (PEP 503, written by
   :mod:`immunokit_build.siteindex`): the toolkit's wheel is downloaded from that index only (pip checks its
   ``#sha256=``), then installed with its dependencies from pip's usual index (PyPI for a student). The site
   index is never an *extra* index: a package of the same name elsewhere cannot take the toolkit's place.

Otherwise it stops with a message that says what failed and what to do: a Python older than 3.11, a Python
managed by the operating system (PEP 668: pip refuses), the site's index not reachable, no source known, or
pip failing (its last lines shown).

The version is nowhere in the cell: it lives in ``pyproject.toml`` alone and reaches the notebook through
the wheel. The only thing baked into the cell is the site's address, :func:`immunokit_build.course.site_url`
(``html.baseurl`` in ``_config.yml`` or ``BOOK_BASE_URL``); the build writes it into the notebooks it
publishes and into the bundle, and ``make bootstrap`` into the committed ones when it is known (Colab opens
those). A refresh without a known site keeps whatever address a notebook already names.

The installer's source is in the cell itself, because the cell has to work before anything of the course
exists on the machine and has to explain the failures that prevent fetching anything. It is shown as one
line: Colab's form title (``#@title``, ``cellView: form``) and JupyterLab's collapsed input
(``jupyter.source_hidden``); the book's pages do not show it (``remove-cell``). It is written, never
edited by hand: ``python -m immunokit_build.notebooks bootstrap`` inserts or refreshes it in
``book/chNN_*.ipynb``, the chapter template and ``solutions/*.ipynb`` and regenerates ``exercises/``
(whose generator keeps the cell); ``--check`` says whether every notebook is current.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: nbformat costs ~1 s (jsonschema's format checkers), and the
    import nbformat  # grader, which reads only TAG and TITLE from here, would pay it in every run

from immunokit_build import ROOT, course

#: Tags of the cell: found by ``immunokit-bootstrap``; ``remove-cell`` keeps it off the book's pages (the
#: reader of the web page has the launch buttons; the cell is for the notebook).
TAG = "immunokit-bootstrap"
TAGS = ["remove-cell", TAG]
#: Shown as its title line: collapsed input in JupyterLab / Notebook 7, a form in Colab.
DISPLAY: dict[str, Any] = {"jupyter": {"source_hidden": True}, "cellView": "form"}
#: The cell's first line (the grader recognises the cell by it too, when a hand-in lost its tags).
TITLE = "#@title Course toolkit: installs immunokit where this Python lacks it (run me first)"

#: The installer, as the cell carries it. Its syntax stays readable by old Pythons (no walrus, no match),
#: so that a Python 3.8 kernel gets the version message rather than a SyntaxError.
INSTALLER = """\
# Written by `make bootstrap` (tooling/immunokit_build/bootstrap.py); do not edit. Where immunokit imports it
# does nothing; elsewhere it installs it from the course bundle's wheel beside this notebook or from the
# course site's package index, and otherwise says what failed and what to do.
def _install_toolkit(site, python=None):
    import glob
    import importlib.util
    import os
    import subprocess
    import sys
    import tempfile
    import urllib.request

    if importlib.util.find_spec("immunokit"):
        return
    python = tuple(python or sys.version_info)[:2]
    if python < (3, 11):
        raise RuntimeError(
            f"The course toolkit needs Python 3.11 or newer; this kernel runs Python {python[0]}.{python[1]}. "
            "Remedy: choose a Python 3.11+ kernel (Colab: Runtime > Change runtime type), or install "
            "Python 3.11+ and start Jupyter from it."
        )
    wheels = sorted(glob.glob("immunokit-*.whl") + glob.glob("../immunokit-*.whl"))
    index = site.rstrip("/") + "/simple/" if site else ""
    source = wheels[-1] if wheels else index
    if not source:
        raise RuntimeError(
            "No source of the course toolkit is known: there is no immunokit wheel beside this notebook "
            "(the course bundle) and the notebook names no published course site. Remedy: open it from the "
            "unzipped course bundle, or download it from the course's site, or install the toolkit's wheel "
            "yourself (pip install immunokit-VERSION-py3-none-any.whl)."
        )
    if not wheels:
        try:
            urllib.request.urlopen(index + "immunokit/", timeout=30).close()
        except OSError as err:
            raise RuntimeError(
                f"The course's package index {index} is not reachable ({err}). Remedy: check the internet "
                f"connection (or proxy) and run this cell again; offline, use the course bundle from {site}: "
                "its notebooks install the toolkit from the wheel beside them."
            ) from None

    def pip(*args):
        run = subprocess.run(
            [sys.executable, "-m", "pip", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        if "externally-managed-environment" in run.stdout:
            raise RuntimeError(
                f"This kernel's Python ({sys.executable}) is managed by the operating system (PEP 668), so "
                "pip will not install into it. Remedy: make a virtual environment and start Jupyter from it: "
                "python3 -m venv ~/course-env && ~/course-env/bin/pip install jupyterlab && "
                "~/course-env/bin/jupyter lab"
            )
        if run.returncode:
            tail = "\\n".join(run.stdout.strip().splitlines()[-12:])
            raise RuntimeError(
                f"pip could not install the course toolkit from {source} (exit code {run.returncode}); its "
                f"last lines:\\n{tail}\\nRemedy: these lines say why; most often a dependency (numpy, scipy, "
                "...) could not be downloaded: check the internet connection (or proxy) and run this cell again."
            )

    print(f"Installing the course toolkit from {source} ...", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        if not wheels:  # the toolkit from the course's index only, then installed like a wheel beside
            pip("download", "--no-deps", "--only-binary", ":all:", "--index-url", index, "-d", tmp, "immunokit")
            wheels = glob.glob(os.path.join(tmp, "immunokit-*.whl"))
        pip("install", wheels[-1])
    importlib.invalidate_caches()
    if not importlib.util.find_spec("immunokit"):
        raise RuntimeError(
            "The course toolkit was installed but this kernel does not see it yet. Remedy: restart the "
            "kernel (Colab: Runtime > Restart session) and run the notebook again."
        )
    print("The course toolkit is installed.")
"""

_CALL = re.compile(r'^_install_toolkit\(site=(?P<site>"(?:[^"\\]|\\.)*")\)$', re.M)


def cell_source(site: str = "") -> str:
    """The cell's code; ``site`` is the published book's address ("" when unknown)."""
    return f"{TITLE}\n{INSTALLER}\n\n_install_toolkit(site={json.dumps(site)})"


def baked_site(source: str) -> str:
    """The site address written into a bootstrap cell's code ("" when it names none)."""
    match = _CALL.search(source)
    return str(json.loads(match.group("site"))) if match else ""


def find_cell(nb: nbformat.NotebookNode) -> int | None:
    """Index of the bootstrap cell in ``nb`` (None when it has none)."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and TAG in cell.metadata.get("tags", []):
            return index
    return None


def wanted_site(nb: nbformat.NotebookNode, root: Path = ROOT) -> str:
    """The site a refreshed cell should name: the setting if it is known, else whatever the notebook's
    cell already names (so a refresh without the setting keeps it)."""
    site = course.site_url(root)
    if site:
        return site
    index = find_cell(nb)
    return baked_site(nb.cells[index].source) if index is not None else ""


def _position(cells: list[nbformat.NotebookNode]) -> int:
    """Where the cell goes among ``cells`` (without it): after the title cell, before any code."""
    return 1 if cells and cells[0].cell_type == "markdown" else 0


def _current(cell: nbformat.NotebookNode, source: str) -> bool:
    meta = cell.metadata
    display = all(meta.get(key) == value for key, value in DISPLAY.items())
    return cell.source == source and meta.get("tags") == TAGS and display and not cell.outputs


def apply(nb: nbformat.NotebookNode, site: str) -> bool:
    """Make ``nb``'s first code cell the current bootstrap cell naming ``site``, right after the title
    cell; return True if the notebook changed."""
    source = cell_source(site)
    index = find_cell(nb)
    if index is not None:
        cell = nb.cells.pop(index)
        if index == _position(nb.cells) and _current(cell, source):
            nb.cells.insert(index, cell)
            return False
        cell.source = source
        cell.outputs = []
        cell.execution_count = None
    else:
        import nbformat

        cell = nbformat.v4.new_code_cell(source)
        cell["id"] = "immunokit-bootstrap"
    cell.metadata["tags"] = list(TAGS)
    cell.metadata.update(json.loads(json.dumps(DISPLAY)))
    nb.cells.insert(_position(nb.cells), cell)
    return True


def refresh_file(path: Path, site: str | None = None, root: Path = ROOT) -> bool:
    """Insert or refresh the bootstrap cell of the notebook at ``path`` (naming ``site``, default
    :func:`wanted_site`); return True if it changed."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    if not apply(nb, wanted_site(nb, root) if site is None else site):
        return False
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    return True


def problem(path: Path, root: Path = ROOT) -> str | None:
    """What is wrong with the bootstrap cell of ``path`` (None when it is current)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    index = find_cell(nb)
    if index is None:
        return f"{path}: no bootstrap cell (run make bootstrap)"
    site = wanted_site(nb, root)
    if not _current(nb.cells[index], cell_source(site)):
        return f"{path}: the bootstrap cell is out of date (run make bootstrap)" + (
            f"; it should name the site {site}" if site else ""
        )
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
    """The command ``python -m immunokit_build.notebooks bootstrap [--check]``."""
    import sys

    try:
        if check:
            found = [p for p in (problem(path, root) for path in checked(root)) if p]
            for message in found:
                print(message, file=sys.stderr)
            state = "current" if not found else f"{len(found)} not current"
            print(f"{len(checked(root))} notebooks with a bootstrap cell: {state}")
            return 1 if found else 0
        changed = [path for path in targets(root) if refresh_file(path, root=root)]
    except course.SettingError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for path in changed:
        print(f"bootstrap cell written: {path.relative_to(root)}")
    from immunokit_build.generate_exercises import main as generate

    return generate(["--root", str(root)])
