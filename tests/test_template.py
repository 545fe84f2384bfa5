"""The chapter template and the CONTRIBUTING recipe work as written.

* the template chapter (``templates/chapter/``), copied into a temporary ``book/`` with the real
  bibliography, passes every rule a chapter passes (:func:`immunokit.chapters.check_chapter`), and a
  copy that breaks a rule is caught;
* the template notebook runs top to bottom (quiz, stepper, explorer) in a kernel;
* the recipe's stepper and explorer code (the blocks after ``<!-- recipe: ... -->`` in CONTRIBUTING.md)
  run, register themselves, and render both ways.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from immunokit.chapters import check_chapter
from immunokit.citations import bib_keys
from immunokit.interactive import DIAGRAMS, EXPLORERS, Explorer, Stepper, registry
from immunokit.quiz import load_bank

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "chapter"
NOTEBOOK = "ch99_template.ipynb"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    folder = tmp_path / "book"
    shutil.copytree(TEMPLATE, folder)
    shutil.copy(ROOT / "book" / "references.bib", folder / "references.bib")
    return folder


def _check(folder: Path) -> list[str]:
    return check_chapter(folder / NOTEBOOK, bib_keys=bib_keys(folder / "references.bib"), load_bank=load_bank)


def test_template_passes_every_chapter_rule(book: Path) -> None:
    assert _check(book) == []


def test_a_broken_copy_of_the_template_is_caught(book: Path) -> None:
    bank = book / "ch99_template.quiz.yml"
    text = bank.read_text(encoding="utf-8")
    # Drop the two questions on objective ch99-o2: four questions left, one objective untested.
    kept = re.sub(r"\n  - id: ch99-(steps|synapse)\n.*?(?=\n  # ----|\n  - id:)", "", text, flags=re.S)
    bank.write_text(kept, encoding="utf-8")
    nb = book / NOTEBOOK
    nb.write_text(nb.read_text(encoding="utf-8").replace("About 45 minutes", "Three quarters of an hour"))
    problems = "\n".join(_check(book))
    assert "4 questions; a chapter quiz has 6–10" in problems
    assert "no question tests ['ch99-o2']" in problems
    assert "'About N minutes'" in problems


def test_template_notebook_runs(book: Path) -> None:
    nb = nbformat.read(book / NOTEBOOK, as_version=4)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(book)}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html = " ".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert (
        'data-ik="quiz"' in html
        and 'data-ik-control="buttons"' in html
        and 'data-ik-control="slider"' in html
    )


def _recipe(kind: str) -> str:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- recipe: {kind} -->\n```python\n(.*?)\n```", text, re.S)
    assert match, f"CONTRIBUTING.md has no python block after <!-- recipe: {kind} -->"
    return match.group(1)


@pytest.fixture
def recipe_module() -> Iterator[str]:
    """A module name for the recipe code; its registrations are removed afterwards."""
    assert DIAGRAMS and EXPLORERS  # every domain module registered first, so the snapshot is complete
    before = {kind: dict(entries) for kind, entries in registry._ENTRIES.items()}
    yield "immunokit.recipe_check"
    for kind, entries in registry._ENTRIES.items():
        entries.clear()
        entries.update(before[kind])


def test_recipe_stepper_registers_and_renders(recipe_module: str) -> None:
    from immunokit.diagrams import kit

    namespace = {"__name__": recipe_module}
    exec(compile(_recipe("diagram"), "CONTRIBUTING.md", "exec"), namespace)
    entry = registry._ENTRIES["diagram"]["t_cell_attack"]
    stepper = entry()
    assert isinstance(stepper, Stepper) and len(stepper.labels) == 2
    for i in range(2):
        figure = stepper.draw(i)
        assert kit.layout_problems(figure.fig) == [] and len(figure.alt) > 60
        for term in entry.key_terms:
            assert term in figure.alt
    assert stepper.widget().click("next").step == 1
    assert stepper.to_html().count('class="ik-frame"') == 2
    assert DIAGRAMS["t_cell_attack"] is entry  # derived: no list to edit


def test_recipe_explorer_registers_and_renders(recipe_module: str) -> None:
    namespace = {"__name__": recipe_module}
    exec(compile(_recipe("model"), "CONTRIBUTING.md", "exec"), namespace)
    explorer = registry._ENTRIES["explorer"]["recipe_check"]()
    assert isinstance(explorer, Explorer)
    assert explorer.to_html().count('class="ik-frame"') == 5
    view = explorer.widget()
    state = view.set("half_life_h", 12.0)
    assert state.spec is not None and "halving every 12 hours" in state.spec.alt
    view.close()
    assert EXPLORERS["recipe_check"].summary == "first-order decay of a dose"  # derived: no list to edit
