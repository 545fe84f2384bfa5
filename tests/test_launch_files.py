"""The course's files travel with the toolkit: banks and bibliography resolve from the working directory,
the checkout's ``book/``, or the wheel's copy ``immunokit/_book/``; the bootstrap cell is current."""

from __future__ import annotations

import ast
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import tomllib
from collections.abc import Sequence
from pathlib import Path

import nbformat
import pytest

from immunokit import bookfiles
from immunokit.quiz import Quiz
from immunokit_build import bootstrap, course

ROOT = Path(__file__).resolve().parents[1]
BANK = "ch04_bispecific_engagers.quiz.yml"


def test_a_bank_named_by_a_chapter_resolves_outside_its_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    quiz = Quiz.from_bank(BANK)
    assert quiz.bibfile == ROOT / "book" / "references.bib"
    assert len(quiz.questions) >= 6


def test_without_a_checkout_the_wheel_copy_is_used(tmp_path, monkeypatch) -> None:
    packaged = tmp_path / "site" / "immunokit" / "_book"
    packaged.mkdir(parents=True)
    for name in (BANK, "references.bib"):
        shutil.copyfile(ROOT / "book" / name, packaged / name)
    shutil.copytree(ROOT / "book" / "data", packaged / "data")  # the data layer travels in the wheel too
    monkeypatch.setattr(bookfiles, "CHECKOUT_BOOK", tmp_path / "no-checkout" / "book")
    monkeypatch.setattr(bookfiles, "PACKAGED_BOOK", packaged)
    monkeypatch.chdir(tmp_path)
    quiz = Quiz.from_bank(BANK)
    assert quiz.bibfile == packaged / "references.bib"
    with pytest.raises(FileNotFoundError, match="working directory"):
        Quiz.from_bank("ch99_nothing.quiz.yml")


def test_with_neither_the_message_names_both_places(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(bookfiles, "CHECKOUT_BOOK", tmp_path / "a")
    monkeypatch.setattr(bookfiles, "PACKAGED_BOOK", tmp_path / "b")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"neither in .*a.* nor in .*b"):
        bookfiles.find(BANK)


def test_every_chapter_solution_and_exercise_starts_with_the_current_bootstrap_cell(monkeypatch) -> None:
    monkeypatch.delenv("BOOK_BASE_URL", raising=False)  # current = consistent with what is baked
    notebooks = bootstrap.checked()
    assert len(notebooks) >= 20
    assert [p for p in (bootstrap.problem(nb) for nb in notebooks) if p] == []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        first_code = next(c for c in nb.cells if c.cell_type == "code")
        assert bootstrap.TAG in first_code.metadata.get("tags", []), path
        assert first_code.metadata.get("jupyter") == {"source_hidden": True}, path  # one line in JupyterLab
        assert first_code.metadata.get("cellView") == "form", path  # and in Colab: its title


def test_the_cell_bakes_no_version_and_the_check_command_says_whether_notebooks_are_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("BOOK_BASE_URL", raising=False)
    source = bootstrap.cell_source("https://org.example.org/course/")
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert version not in source and "git+" not in source
    assert source.splitlines()[0] == bootstrap.TITLE and source.splitlines()[0].startswith("#@title ")
    ast.parse(source, feature_version=(3, 8))  # an old kernel reads it and gets the version message
    from immunokit_build.notebooks import main

    assert main(["bootstrap", "--check"]) == 0
    assert "notebooks with a bootstrap cell: current" in capsys.readouterr().out
    monkeypatch.setenv("BOOK_BASE_URL", "https://org.github.io/course")  # published elsewhere: stale
    assert main(["bootstrap", "--check"]) == 1
    err = capsys.readouterr().err
    assert "out of date (run make bootstrap); it should name the site https://org.github.io/course/" in err


def test_bootstrap_inserts_once_refreshes_and_keeps_the_baked_site(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("BOOK_BASE_URL", raising=False)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("import immunokit")]
    path = tmp_path / "chapter.ipynb"
    nbformat.write(nb, path)
    assert bootstrap.refresh_file(path, root=tmp_path) is True
    assert bootstrap.refresh_file(path, root=tmp_path) is False
    cells = nbformat.read(path, as_version=4).cells
    assert [c.cell_type for c in cells] == ["markdown", "code", "code"]
    assert bootstrap.baked_site(cells[1].source) == "" and cells[1].source.endswith(
        '_install_toolkit(site="")'
    )
    monkeypatch.setenv("BOOK_BASE_URL", "https://example-org.github.io/course")
    assert bootstrap.refresh_file(path, root=tmp_path) is True
    site = "https://example-org.github.io/course/"
    assert bootstrap.baked_site(nbformat.read(path, as_version=4).cells[1].source) == site
    monkeypatch.delenv("BOOK_BASE_URL")
    assert bootstrap.refresh_file(path, root=tmp_path) is False  # unset later: what was baked stays
    assert bootstrap.problem(path, root=tmp_path) is None
    (tmp_path / "_config.yml").write_text("html:\n  baseurl: https://course.example.edu/ik\n")
    assert "should name the site https://course.example.edu/ik/" in (bootstrap.problem(path, tmp_path) or "")
    (tmp_path / "_config.yml").write_text("html:\n  baseurl: http://course.example.edu/\n")
    with pytest.raises(course.SettingError, match=r"html\.baseurl must be an https:// address"):
        bootstrap.problem(path, tmp_path)


def test_the_repository_is_a_binder_environment_that_installs_the_toolkit() -> None:
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert "-e ." in requirements  # repo2docker copies the repository first, then installs it
    assert any(line.lower().startswith("jupyterlab==") for line in requirements)  # the urlpath=lab UI
    runtime = (ROOT / "runtime.txt").read_text(encoding="utf-8").strip()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert runtime == "python-3.11" and 'requires-python = ">=3.11"' in pyproject


def test_the_repository_setting_is_read_checked_and_never_invented() -> None:
    from immunokit_build import course

    assert course.repository({}) is None
    repo = course.repository({"IMMUNOKIT_REPOSITORY_URL": " https://github.com/org/course.git/ "})
    assert repo == course.Repository("https://github.com/org/course", "main")
    assert (
        repo.clone_command
        == "git clone --branch main https://github.com/org/course.git leukemia-immunotherapy && cd leukemia-immunotherapy"
    )
    assert (
        repo.colab_url("book/x.ipynb")
        == "https://colab.research.google.com/github/org/course/blob/main/book/x.ipynb"
    )
    lab = course.repository(
        {"IMMUNOKIT_REPOSITORY_URL": "https://gitlab.com/org/course", "IMMUNOKIT_REPOSITORY_BRANCH": "v2"}
    )
    assert lab is not None and lab.colab_url("book/x.ipynb") is None  # Colab reads GitHub only
    assert (
        lab.binder_url("book/x.ipynb")
        == "https://mybinder.org/v2/gl/org%2Fcourse/v2?urlpath=lab/tree/book/x.ipynb"
    )
    for bad, variable in [
        ({"IMMUNOKIT_REPOSITORY_URL": "github.com/org/course"}, "IMMUNOKIT_REPOSITORY_URL"),
        ({"IMMUNOKIT_REPOSITORY_URL": "http://github.com/org/course"}, "IMMUNOKIT_REPOSITORY_URL"),
        (
            {"IMMUNOKIT_REPOSITORY_URL": "https://github.com/o/c", "IMMUNOKIT_REPOSITORY_BRANCH": "a b"},
            "BRANCH",
        ),
    ]:
        with pytest.raises(course.SettingError, match=variable):
            course.repository(bad)
    with pytest.raises(course.SettingError, match="IMMUNOKIT_JUPYTERHUB_URL"):
        course.jupyterhub({"IMMUNOKIT_JUPYTERHUB_URL": "hub.example.edu"})


def test_a_bad_setting_stops_the_build_with_a_message_naming_it(monkeypatch) -> None:
    from sphinx.errors import ConfigError

    from immunokit_build.sphinx import launch

    class Config:
        def __init__(self) -> None:
            self.html_theme_options = {"use_repository_button": True, "launch_buttons": {"colab_url": "x"}}

    monkeypatch.setenv("IMMUNOKIT_REPOSITORY_URL", "not a url")
    with pytest.raises(ConfigError, match="IMMUNOKIT_REPOSITORY_URL"):
        launch.apply_setting(None, Config())
    monkeypatch.delenv("IMMUNOKIT_REPOSITORY_URL")
    config = Config()
    launch.apply_setting(None, config)  # unset: whatever _config.yml says, no button and no launcher
    assert config.html_theme_options["use_repository_button"] is False
    assert not any(config.html_theme_options["launch_buttons"].get(k) for k in ("colab_url", "binderhub_url"))


def _pip_only(where: Path) -> Path:
    """A folder holding only pip (a link to this environment's), for a Python started without site-packages."""
    folder = where / "pip-only"
    folder.mkdir(exist_ok=True)
    if not (folder / "pip").exists():
        (folder / "pip").symlink_to(Path(sysconfig.get_paths()["purelib"]) / "pip")
    return folder


def _run_cell(
    source: str, cwd: Path, python: Sequence[str] = (sys.executable, "-S")
) -> subprocess.CompletedProcess[str]:
    """Run a cell's code as a kernel elsewhere would: by default this Python without its site-packages
    (so ``immunokit`` is not found, as in Colab), pip alone on its path, no pip configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMMUNOKIT_", "PIP_", "PYTHON", "BOOK_"))}
    env.update(PYTHONPATH=str(_pip_only(cwd)), PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1")
    return subprocess.run(
        [*python, "-c", source], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_cell_does_nothing_where_the_toolkit_imports_and_reaches_no_network() -> None:
    site = f"http://127.0.0.1:{_closed_port()}/"  # were it contacted, the cell would fail
    proc = subprocess.run(
        [sys.executable, "-c", bootstrap.cell_source(site)], cwd=ROOT / "book", capture_output=True, text=True
    )
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == "", proc.stdout + proc.stderr


def _message(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode != 0, proc.stdout
    last = proc.stderr.strip().split("RuntimeError: ", 1)
    assert len(last) == 2, proc.stderr[-2000:]
    return last[1]


def test_an_old_python_is_told_its_version_and_the_remedy(tmp_path: Path) -> None:
    source = bootstrap.cell_source("https://org.example.org/course/")
    call = source.splitlines()[-1]
    faked = source.replace(call, call[:-1] + ", python=(3, 10, 12))")  # the version check's input
    message = _message(_run_cell(faked, tmp_path))
    assert message.startswith("The course toolkit needs Python 3.11 or newer; this kernel runs Python 3.10.")
    assert "Remedy: choose a Python 3.11+ kernel" in message


def test_without_a_wheel_or_a_site_it_says_no_source_is_known(tmp_path: Path) -> None:
    message = _message(_run_cell(bootstrap.cell_source(""), tmp_path))
    assert message.startswith("No source of the course toolkit is known")
    assert "Remedy: open it from the unzipped course bundle" in message


def test_an_unreachable_site_index_is_named_with_its_remedy(tmp_path: Path) -> None:
    site = f"http://127.0.0.1:{_closed_port()}/course/"
    message = _message(_run_cell(bootstrap.cell_source(site), tmp_path))
    assert message.startswith(f"The course's package index {site}simple/ is not reachable (")
    assert "Connection refused" in message and "Remedy: check the internet connection" in message
    assert f"use the course bundle from {site}" in message


def _managed_python(where: Path) -> Path:
    """A Python that is not a virtual environment and whose standard library (in the temporary prefix
    ``where``) holds an ``EXTERNALLY-MANAGED`` marker (PEP 668): this interpreter's binary copied into
    ``where/bin``, its standard library linked file by file."""
    base = sys.base_prefix
    stdlib = Path(sysconfig.get_path("stdlib", vars={"installed_base": base, "base": base}))
    lib = where / stdlib.relative_to(base)
    lib.mkdir(parents=True)
    for entry in stdlib.iterdir():
        if entry.name != "EXTERNALLY-MANAGED":
            (lib / entry.name).symlink_to(entry)
    (lib / "EXTERNALLY-MANAGED").write_text("[externally-managed]\nError=Managed by the test.\n")
    (where / "bin").mkdir()
    python = where / "bin" / "python3"
    shutil.copy2(os.path.realpath(getattr(sys, "_base_executable", sys.executable)), python)
    return python


def test_an_externally_managed_python_is_named_with_its_remedy(tmp_path: Path) -> None:
    python = _managed_python(tmp_path / "prefix")
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import sys, sysconfig; print(sys.prefix == sys.base_prefix, sysconfig.get_path('stdlib'))",
        ],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0 or not probe.stdout.startswith("True " + str(tmp_path / "prefix")):
        pytest.skip(f"this Python cannot run from a copied prefix: {probe.stdout}{probe.stderr}")
    folder = tmp_path / "notebook"
    folder.mkdir()
    (folder / "immunokit-0.0.0-py3-none-any.whl").write_bytes(b"pip refuses before reading it")
    message = _message(_run_cell(bootstrap.cell_source(""), folder, (str(python),)))
    assert message.startswith(f"This kernel's Python ({python}) is managed by the operating system (PEP 668)")
    assert "Remedy: make a virtual environment and start Jupyter from it: python3 -m venv" in message


def test_a_pip_failure_shows_pips_last_lines(tmp_path: Path) -> None:
    (tmp_path / "immunokit-0.0.0-py3-none-any.whl").write_bytes(b"not a zip")
    message = _message(_run_cell(bootstrap.cell_source(""), tmp_path))
    assert message.startswith(
        "pip could not install the course toolkit from immunokit-0.0.0-py3-none-any.whl (exit code "
    )
    assert "its last lines:" in message and "Remedy: these lines say why" in message
    assert "ERROR: Wheel 'immunokit' located at" in message and "is invalid" in message  # pip's own words
