"""Notebooks that bring their toolkit: a chapter alone in an empty folder, and the course bundle, run in
a fresh Python that has no ``immunokit``.

The fresh environment is one virtual environment (made once for the module) created without the toolkit.
To stay offline it sees, through a ``.pth`` file pointing at a folder of links, only what a Jupyter
elsewhere would have or pip would fetch: the distributions the toolkit *declares* (``pyproject.toml``)
with their own dependencies, plus ipykernel, nbclient and pip to run the notebook. A module the toolkit
imports without declaring it fails here as it would in Colab.

pip runs with no configuration file and its default index pointed at a closed port on 127.0.0.1: the one
place it can reach is the copy of the site's package index (``simple/``, written by
:mod:`immunokit_build.siteindex` as the book's build writes it) that the test serves on 127.0.0.1. The
notebook's first cell (:mod:`immunokit_build.bootstrap`) downloads the toolkit's wheel from that index and
installs it; its dependencies are already there (a real student's pip takes them from PyPI). The notebook
must then run to the end, quiz banks and bibliography coming from the wheel.
"""

from __future__ import annotations

import email.parser
import json
import os
import re
import socket
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement

from immunokit_build import bootstrap, bundle, localserver, siteindex

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "book" / "ch04_bispecific_engagers.ipynb"
EXERCISE = "exercises/ch07_kaplan_meier.ipynb"

_RUN = """
import sys, nbformat, nbclient
path, out = sys.argv[1], sys.argv[2]
nb = nbformat.read(path, as_version=4)
client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                 resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}})
client.execute()
nbformat.write(nb, out)
"""


#: What any Jupyter has, besides the toolkit's own dependencies.
RUNNERS = ("ipykernel", "nbclient", "nbformat", "pip")


def _closure(roots: list[str]) -> set[str]:
    """Installed distributions needed by ``roots`` (requirements with markers evaluated, no extras)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = canonicalize_name(stack.pop())
        if name in seen:
            continue
        seen.add(name)
        for raw in metadata.distribution(name).requires or []:
            req = Requirement(raw)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                stack.append(req.name)
    return seen


def declared(wheel: Path) -> list[str]:
    """The ``Requires-Dist`` of the toolkit's wheel (what pip installs with it), extras left out."""
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        message = email.parser.Parser().parsestr(z.read(name).decode("utf-8"))
    return [r for r in message.get_all("Requires-Dist") or [] if "extra ==" not in r]


def fresh_python(where: Path, wheel: Path) -> Path:
    """A virtual environment at ``where`` without the toolkit, seeing only what ``wheel`` declares (and
    what runs a notebook); returns its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    links = where / "borrowed"
    links.mkdir()
    wanted = _closure([*(Requirement(r).name for r in declared(wheel)), *RUNNERS]) - {"immunokit"}
    ours = Path(sysconfig.get_paths()["purelib"]).resolve()
    for name in sorted(wanted):
        dist = metadata.distribution(name)
        for file in dist.files or []:
            if file.parts[0] == ".." or file.parts[0].endswith(".pth"):
                continue
            top = ours / file.parts[0]
            if top.exists() and not (links / top.name).exists():
                (links / top.name).symlink_to(top)
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "borrowed.pth").write_text(f"{links}\n", encoding="utf-8")
    probe = subprocess.run([str(python), "-c", "import immunokit"], cwd=where, capture_output=True, text=True)
    assert probe.returncode != 0, "the fresh environment must not see the toolkit before the notebook runs"
    return python


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def offline_env(python: Path) -> dict[str, str]:
    """The environment of a student's kernel, offline: no pip configuration, pip's default index a closed
    local port (so nothing but the served copy of the site can be reached), no retries."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER", "IMMUNOKIT_", "PIP_", "BOOK_"))
    }
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_INDEX_URL=f"http://127.0.0.1:{closed_port()}/simple/",
        PIP_RETRIES="0",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        JUPYTER_DATA_DIR=str(python.parents[1] / "jupyter-data"),
        MPLBACKEND="Agg",
    )
    return env


def run_notebook(python: Path, notebook: Path) -> nbformat.NotebookNode:
    env = offline_env(python)
    out = notebook.with_suffix(".out.ipynb")
    proc = subprocess.run(
        [str(python), "-c", _RUN, str(notebook), str(out)],
        cwd=notebook.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"{notebook.name} failed in the fresh environment:\n{proc.stderr[-4000:]}"
    return nbformat.read(out, as_version=4)


def text_of(cell: nbformat.NotebookNode) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.append(json.dumps(output.get("data", {})))
    return "".join(parts)


def installed_in(python: Path) -> bool:
    proc = subprocess.run(
        [str(python), "-c", "import immunokit; print(immunokit.__file__)"],
        cwd=python.parents[1],
        capture_output=True,
        text=True,
    )
    return proc.returncode == 0 and str(python.parents[1]) in proc.stdout


def uninstall(python: Path) -> None:
    """Take the toolkit out of the fresh environment again (the next test starts without it)."""
    subprocess.run(
        [str(python), "-m", "pip", "uninstall", "--yes", "--quiet", "immunokit"],
        env=offline_env(python),
        capture_output=True,
        check=True,
    )
    assert not installed_in(python)


@pytest.fixture(scope="module")
def wheel() -> Path:
    """The toolkit's wheel as the build makes it (cached per state of its sources)."""
    return bundle.toolkit_wheel()


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Iterator[Path]:
    """One fresh environment for the module; each test leaves it without the toolkit."""
    python = fresh_python(tmp_path_factory.mktemp("fresh") / "venv", wheel)
    yield python


@pytest.fixture(scope="module")
def served_site(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Iterator[str]:
    """A copy of the site's package index (``simple/``), served on 127.0.0.1; its address ends in /."""
    site = tmp_path_factory.mktemp("site")
    siteindex.write(site, wheel)
    server = localserver.start(site)
    try:
        yield server.url.rstrip("/") + "/"
    finally:
        server.stop()


def test_wheel_carries_the_question_banks_and_the_bibliography(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    banks = sorted(p.name for p in (ROOT / "book").glob("*.quiz.yml"))
    assert banks and all(f"immunokit/_book/{b}" in names for b in banks)
    assert "immunokit/_book/references.bib" in names
    if (ROOT / "book" / "data").is_dir():
        assert any(n.startswith("immunokit/_book/data/") for n in names)


def test_a_students_wheel_carries_no_build_or_instructor_code(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"immunokit"}, tops
    tooling = [
        n
        for n in names
        if re.search(r"(sphinx|grader|buildcache|pdfbook|bundle|newchapter|qti|gift|course_map)", n)
    ]
    assert tooling == [], tooling
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "License-Expression: CC-BY-4.0 AND MIT" in meta
    requires = [line for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    assert requires and all(">=" in line or "extra ==" in line for line in requires), requires
    assert not any(re.search(r"text2qti|sphinx|jupyter-book|pypdf", line) for line in requires), requires


@pytest.mark.slow
def test_a_chapter_alone_in_an_empty_folder_installs_its_toolkit_from_the_sites_index_and_runs(
    tmp_path: Path, fresh: Path, served_site: str
) -> None:
    folder = tmp_path / "alone"
    folder.mkdir()
    notebook = folder / CHAPTER.name
    nb = nbformat.read(CHAPTER, as_version=4)
    bootstrap.apply(nb, served_site)  # what the build does to the notebooks the site offers for download
    nbformat.write(nb, notebook)
    try:
        done = run_notebook(fresh, notebook)
        first = next(c for c in done.cells if c.cell_type == "code")
        assert "immunokit-bootstrap" in first.metadata.get("tags", [])
        assert f"Installing the course toolkit from {served_site}simple/ ..." in text_of(first)
        assert "The course toolkit is installed." in text_of(first)
        assert installed_in(fresh), "the toolkit was not installed into the fresh environment"
        quiz = [c for c in done.cells if c.cell_type == "code" and "Quiz.from_bank" in c.source]
        assert quiz and "ik-quiz" in text_of(quiz[0]), (
            "the chapter's quiz did not render from the wheel's bank"
        )
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            [CHAPTER.name, notebook.name[:-6] + ".out.ipynb"]
        )
    finally:
        uninstall(fresh)


@pytest.mark.slow
def test_the_course_bundle_unzipped_in_a_fresh_folder_runs_an_exercise(tmp_path: Path, fresh: Path) -> None:
    archive = bundle.build_bundle(tmp_path / bundle.FILENAME)
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path / "student")
    top = tmp_path / "student" / bundle.FOLDER
    assert (top / "README.md").is_file()
    assert len(list(top.glob("immunokit-*.whl"))) == 1
    assert {p.name for p in (top / "exercises").glob("*.ipynb")} == {
        p.name for p in (ROOT / "exercises").glob("*.ipynb")
    }
    try:
        done = run_notebook(fresh, top / EXERCISE)
        first = next(c for c in done.cells if c.cell_type == "code")
        assert "Installing the course toolkit from ../immunokit-" in text_of(first)
        assert installed_in(fresh)
        checks = [c for c in done.cells if c.cell_type == "code" and c.source.startswith("check(")]
        assert checks and all("not attempted" in text_of(c).lower() for c in checks), [
            text_of(c)[:200] for c in checks
        ]
    finally:
        uninstall(fresh)
