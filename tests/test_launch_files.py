"""The course's files travel with the toolkit: banks and bibliography resolve from the working directory,
the checkout's ``book/``, or the wheel's copy ``immunokit/_book/``; the bootstrap cell is current."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from immunokit import bookfiles
from immunokit.quiz import Quiz
from immunokit_build import bootstrap

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
    monkeypatch.delenv("IMMUNOKIT_REPOSITORY_URL", raising=False)  # current = consistent with what is baked
    version = bootstrap.toolkit_version()
    notebooks = bootstrap.checked()
    assert len(notebooks) >= 20
    assert [p for p in (bootstrap.problem(nb, version) for nb in notebooks) if p] == []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        first_code = next(c for c in nb.cells if c.cell_type == "code")
        assert bootstrap.TAG in first_code.metadata.get("tags", []), path


def test_bootstrap_inserts_once_refreshes_and_keeps_the_baked_repository(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("IMMUNOKIT_REPOSITORY_URL", raising=False)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("import immunokit")]
    path = tmp_path / "chapter.ipynb"
    nbformat.write(nb, path)
    assert bootstrap.refresh_file(path, "9.9.9") is True
    assert bootstrap.refresh_file(path, "9.9.9") is False
    cells = nbformat.read(path, as_version=4).cells
    assert [c.cell_type for c in cells] == ["markdown", "code", "code"]
    assert '"immunokit") == "9.9.9"' in cells[1].source and bootstrap.baked_source(cells[1].source) == ""
    monkeypatch.setenv("IMMUNOKIT_REPOSITORY_URL", "https://github.com/example-org/course/")
    monkeypatch.setenv("IMMUNOKIT_REPOSITORY_BRANCH", "spring-2027")
    assert bootstrap.refresh_file(path, "9.9.9") is True
    baked = "immunokit @ git+https://github.com/example-org/course.git@spring-2027"
    assert bootstrap.baked_source(nbformat.read(path, as_version=4).cells[1].source) == baked
    monkeypatch.delenv("IMMUNOKIT_REPOSITORY_URL")
    assert bootstrap.refresh_file(path, "9.9.9") is False  # unset later: what was baked stays
    assert bootstrap.problem(path, "9.9.9") is None
    assert "out of date" in (bootstrap.problem(path, "9.9.10") or "")


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


def _run_cell(source: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMMUNOKIT_")}
    env.update(IMMUNOKIT_INSTALL_SOURCE=str(cwd / "no-such-toolkit.whl"), PIP_NO_INDEX="1")
    return subprocess.run(
        [sys.executable, "-c", source], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_cell_does_nothing_in_the_repository_whatever_version_it_names() -> None:
    proc = _run_cell(bootstrap.cell_source("9.9.9"), ROOT / "book")
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout + proc.stderr


def test_the_cell_elsewhere_installs_and_a_failure_names_what_to_set(tmp_path: Path) -> None:
    proc = _run_cell(bootstrap.cell_source("9.9.9"), tmp_path)
    assert f"Installing the course toolkit from {tmp_path / 'no-such-toolkit.whl'}" in proc.stdout
    assert proc.returncode != 0 and "set IMMUNOKIT_INSTALL_SOURCE" in proc.stderr
