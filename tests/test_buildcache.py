"""Incremental builds that are never stale: a notebook runs again exactly when something it runs changed.

The expectations are computed another way than the code under test: which chapters use a model is read
from the chapters' own import lines with a regular expression, not from the import graph.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from harness import ROOT

from immunokit_build.buildcache import KEYS, book_notebooks, refresh


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The parts of the repository a build reads, copied (the test edits them)."""
    for folder in ("immunokit", "tooling", "book"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__", "_build")
        )
    shutil.copyfile(ROOT / "_toc.yml", tmp_path / "_toc.yml")
    return tmp_path


def users_of(model: str, root: Path) -> set[str]:
    """Notebooks whose code imports ``immunokit.models.<model>`` (by their import lines)."""
    pattern = re.compile(rf"from immunokit\.models import [^\n]*\b{model}\b|immunokit\.models\.{model}\b")
    out = set()
    for nb in book_notebooks(root):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        if pattern.search(code):
            out.add(nb.relative_to(root).as_posix())
    return out


def quiz_users_if_generated_from(model: str, root: Path) -> set[str]:
    """Notebooks that show a quiz, when a question generator computes with ``model`` (the quiz's items are
    drawn by immunokit/quiz/generators.py, so their numbers depend on the model)."""
    generators = (root / "immunokit" / "quiz" / "generators.py").read_text(encoding="utf-8")
    if not re.search(rf"models\.{model}\b|models import [^\n]*\b{model}\b", generators):
        return set()
    out = set()
    for nb in book_notebooks(root):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        if re.search(r"from immunokit\.quiz import|import immunokit\.quiz|from immunokit_instructor", code):
            out.add(nb.relative_to(root).as_posix())
    return out


def names(paths: list[Path], root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in paths}


def test_first_build_starts_clean_and_an_unchanged_tree_reruns_nothing(copy: Path) -> None:
    cache = copy / "_build" / ".jupyter_cache"
    cache.mkdir(parents=True)
    assert refresh(copy, copy) == [] and not cache.exists()  # no keys yet: outputs of unknown origin go
    assert (copy / "_build" / KEYS).is_file()
    cache.mkdir()
    assert refresh(copy, copy) == [] and cache.exists()


@pytest.mark.parametrize("model", ["blinatumomab", "occupancy", "cart_kinetics"])
def test_a_model_edit_reruns_exactly_the_chapters_that_use_it(copy: Path, model: str) -> None:
    refresh(copy, copy)
    expected = users_of(model, copy) | quiz_users_if_generated_from(model, copy)
    assert users_of(model, copy), f"no chapter imports {model}"
    source = copy / "immunokit" / "models" / f"{model}.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert names(refresh(copy, copy), copy) == expected
    assert refresh(copy, copy) == []  # and only once


def test_a_data_or_bank_edit_reruns_the_pages_that_read_it(copy: Path) -> None:
    refresh(copy, copy)
    bank = copy / "book" / "ch04_bispecific_engagers.quiz.yml"
    bank.write_text(bank.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    stale = names(refresh(copy, copy), copy)
    assert "book/ch04_bispecific_engagers.ipynb" in stale
    assert "book/instructors/patient_journey.ipynb" not in stale  # imports no quiz
    data = copy / "book" / "data" / "trials.yml"
    data.write_text(data.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert "book/ch07_reading_trials.ipynb" in names(refresh(copy, copy), copy)


def test_a_notebooks_own_edit_reruns_it_alone(copy: Path) -> None:
    refresh(copy, copy)
    nb = copy / "book" / "ch10_road_ahead.ipynb"
    nb.write_text(nb.read_text(encoding="utf-8").replace("\n", "\n ", 1), encoding="utf-8")
    assert names(refresh(copy, copy), copy) == {"book/ch10_road_ahead.ipynb"}


def test_build_code_change_rereads_pages_without_rerunning(copy: Path) -> None:
    refresh(copy, copy)
    environment = copy / "_build" / ".doctrees"
    environment.mkdir()
    refresh(copy, copy)
    assert environment.exists()
    ext = copy / "tooling" / "immunokit_build" / "sphinx" / "reading.py"
    ext.write_text(ext.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert refresh(copy, copy) == [] and not environment.exists()


def test_notebooks_the_cache_lacks_are_executed_ahead_and_found_by_the_builds_lookup(copy: Path) -> None:
    """``make book`` executes what the cache lacks, one kernel per core, before Sphinx (which runs them one
    by one): afterwards the build's own lookup (the notebook as ``source-read`` hands it to myst-nb) finds
    every one, so Sphinx executes nothing."""
    from jupyter_cache import get_cache

    from immunokit_build.buildcache import as_the_build_reads, execute_uncached, uncached

    shutil.copyfile(ROOT / "_config.yml", copy / "_config.yml")
    (copy / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nchapters:\n  - file: book/review1_foundations\n"
        "  - file: book/review3_evidence_safety\n",
        encoding="utf-8",
    )
    wanted = {copy / "book" / "review1_foundations.ipynb", copy / "book" / "review3_evidence_safety.ipynb"}
    refresh(copy, copy)  # as `make book` does first (it writes the keys)
    assert set(uncached(copy, copy)) == wanted
    ran = execute_uncached(copy, copy, jobs=2)
    assert set(ran) == wanted and all(isinstance(s, float) for s in ran.values()), ran
    assert uncached(copy, copy) == []
    store = get_cache(str(copy / "_build" / ".jupyter_cache"))
    for notebook in wanted:
        record = store.match_cache_notebook(as_the_build_reads(notebook))  # type: ignore[arg-type]
        executed = store.get_cache_bundle(record.pk).nb
        code = [c for c in executed.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code) and any(c.outputs for c in code), notebook.name
    assert execute_uncached(copy, copy) == {}  # nothing left to run
    # a changed input (here: the key refresh() compares) drops exactly that notebook's cached outputs,
    # so the build cannot show them again
    keys = json.loads((copy / "_build" / KEYS).read_text(encoding="utf-8"))
    keys["book/review1_foundations.ipynb"] = "an older key"
    (copy / "_build" / KEYS).write_text(json.dumps(keys), encoding="utf-8")
    assert names(refresh(copy, copy), copy) == {"book/review1_foundations.ipynb"}
    assert uncached(copy, copy) == [copy / "book" / "review1_foundations.ipynb"]


@pytest.mark.build
def test_the_strict_build_executed_no_notebook_itself(book_build) -> None:
    """The build log (``make book``'s, or the suite's own build) shows no notebook executed by Sphinx: every
    page it read took its outputs from the cache the step before filled (on a fresh clone, all of them);
    had the two disagreed on a notebook's key, Sphinx would have run it again, one after the other."""
    if "reused prebuilt book" in book_build.log:
        pytest.skip("no log of the prebuilt book's build")
    assert "Executing notebook" not in book_build.log
