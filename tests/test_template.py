"""The chapter template and the CONTRIBUTING recipe work as written.

* the template chapter (``templates/chapter/``), copied into a temporary ``book/`` with the real
  bibliography, passes every rule a chapter passes (:func:`immunokit.chapters.check_chapter`), and a
  copy that breaks a rule is caught;
* the template notebook runs top to bottom (quiz, stepper, explorer) in a kernel;
* the recipe's stepper and explorer code (the blocks after ``<!-- recipe: save as ... -->`` in
  CONTRIBUTING.md) run, register themselves, and render both ways;
* the whole recipe, followed literally in a fresh clone (its ``<!-- recipe: shell -->`` blocks run and its
  "save as" blocks saved, in order), adds a working chapter: the recipe's own checks pass (chapter
  rules, diagram and explorer tests, the bank, the notebook under nbval) and the chapter is in the
  table of contents with every file the build would need.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from immunokit.chapters import check_chapter, toc_files
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
    stated = re.search(r"About \d+(–\d+)? minutes", nb.read_text(encoding="utf-8"))
    assert stated, "the template states no time to break"
    nb.write_text(nb.read_text(encoding="utf-8").replace(stated.group(0), "Three quarters of an hour"))
    problems = "\n".join(_check(book))
    assert "4 questions; a chapter quiz has 6–14" in problems
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


#: A recipe step in CONTRIBUTING.md: a marker, then a fenced block (shell, or a file to save).
RECIPE_STEP = re.compile(r"<!-- recipe: (shell|save as (\S+)) -->\n```(\w+)\n(.*?)\n```", re.S)


def _recipe_steps() -> list[tuple[str | None, str]]:
    """The recipe's steps in order: ``(None, shell code)`` or ``(path to save as, file content)``."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    return [(m.group(2), m.group(4) + "\n") for m in RECIPE_STEP.finditer(text)]


def _recipe(path: str) -> str:
    saved = [code for target, code in _recipe_steps() if target == path]
    assert saved, f"CONTRIBUTING.md has no block after <!-- recipe: save as {path} -->"
    return saved[0]


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
    exec(compile(_recipe("immunokit/diagrams/my_topic.py"), "CONTRIBUTING.md", "exec"), namespace)
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
    exec(compile(_recipe("immunokit/models/my_topic.py"), "CONTRIBUTING.md", "exec"), namespace)
    explorer = registry._ENTRIES["explorer"]["recipe_check"]()
    assert isinstance(explorer, Explorer)
    assert explorer.to_html().count('class="ik-frame"') == 5
    view = explorer.widget()
    state = view.set("half_life_h", 12.0)
    assert state.spec is not None and "halving every 12 hours" in state.spec.alt
    view.close()
    assert EXPLORERS["recipe_check"].summary == "first-order decay of a dose"  # derived: no list to edit


def _clone(into: Path) -> Path:
    """A fresh clone of this repository with the working tree's uncommitted changes, sharing its .venv."""
    git = ["git", "-C", str(ROOT)]
    subprocess.run(["git", "clone", "--quiet", "--shared", str(ROOT), str(into)], check=True)
    changed = subprocess.run(
        [*git, "diff", "--name-only", "HEAD"], capture_output=True, text=True, check=True
    )
    new = subprocess.run(
        [*git, "ls-files", "--others", "--exclude-standard"], capture_output=True, text=True, check=True
    )
    for name in {*changed.stdout.split(), *new.stdout.split()}:
        source, target = ROOT / name, into / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        elif target.exists():
            target.unlink()
    (into / ".venv").symlink_to(ROOT / ".venv")  # `make setup` would install the same pinned packages
    return into


@pytest.mark.slow
def test_recipe_followed_literally_in_a_fresh_clone_adds_a_working_chapter(tmp_path: Path) -> None:
    steps = _recipe_steps()
    assert [p for p, _ in steps if p] == ["immunokit/diagrams/my_topic.py", "immunokit/models/my_topic.py"]
    clone = _clone(tmp_path / "clone")
    # The shared .venv has this repository installed in editable mode; the clone's own toolkit comes
    # first, for the recipe's commands and for the kernels they start (as `make setup` in the clone would).
    env = {
        **os.environ,
        "PYTHONPATH": f"{clone}{os.pathsep}{clone / 'tooling'}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for target, code in steps:
        if target is not None:
            (clone / target).write_text(code, encoding="utf-8")
            continue
        run = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", code], cwd=clone, env=env, capture_output=True, text=True
        )
        assert run.returncode == 0, (
            f"the recipe's step\n{code}\nfailed:\n{run.stdout[-3000:]}{run.stderr[-3000:]}"
        )

    chapter = clone / "book" / "ch12_my_topic.ipynb"
    assert (
        check_chapter(chapter, bib_keys=bib_keys(clone / "book" / "references.bib"), load_bank=load_bank)
        == []
    )
    # the chapter shows the recipe's own stepper and explorer, and is committed without outputs
    notebook = nbformat.read(chapter, as_version=4)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "t_cell_attack()" in code and "my_topic.explorer()" in code and "my_topic.plot_decay()" in code
    assert not any(c.get("outputs") for c in notebook.cells if c.cell_type == "code")
    # what the build would reject: a table of contents entry without a file
    listed = toc_files(clone / "_toc.yml")
    assert "book/ch12_my_topic" in listed
    assert [
        f for f in listed if not any((clone / f).with_suffix(s).exists() for s in (".md", ".ipynb"))
    ] == []
    registered = subprocess.run(
        [
            str(clone / ".venv" / "bin" / "python"),
            "-c",
            "from immunokit.interactive import DIAGRAMS, EXPLORERS;"
            "print(DIAGRAMS['t_cell_attack'].chapter, EXPLORERS['my_topic'].chapter)",
        ],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
    )
    assert registered.stdout.split() == ["12", "12"], registered.stderr


def test_newchapter_lists_the_chapter_after_its_entry_and_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    from immunokit_build.newchapter import NewChapterError, new_chapter

    shutil.copytree(TEMPLATE, tmp_path / "templates" / "chapter")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "ch11_taken.ipynb").write_text("{}", encoding="utf-8")
    toc = tmp_path / "_toc.yml"
    toc.write_text(
        "root: book/intro\nparts:\n  - caption: Part\n    chapters:\n      - file: book/ch11_taken\n"
        "        sections:\n          - file: book/ch11_more\n      - file: book/review\n",
        encoding="utf-8",
    )
    with pytest.raises(NewChapterError, match=r"ch11 exists already: book/ch11_taken\.ipynb"):
        new_chapter(tmp_path, "ch11", "other", "book/ch11_taken")
    with pytest.raises(NewChapterError, match="slug 'My-Topic'"):
        new_chapter(tmp_path, "ch12", "My-Topic", "book/ch11_taken")
    with pytest.raises(NewChapterError, match="no entry '- file: book/nowhere'"):
        new_chapter(tmp_path, "ch12", "my_topic", "nowhere")
    assert not list((tmp_path / "book").glob("ch12_*")), "a refused chapter leaves no files behind"
    new_chapter(tmp_path, "ch12", "my_topic", "ch11_taken")
    assert toc.read_text(encoding="utf-8").splitlines()[-2:] == [
        "      - file: book/ch12_my_topic",
        "      - file: book/review",
    ]
    bank = (tmp_path / "book" / "ch12_my_topic.quiz.yml").read_text(encoding="utf-8")
    assert "ch99" not in bank and "chapter: ch12" in bank


def test_the_template_banks_stated_question_range_is_the_rule() -> None:
    """The template tells authors how many questions a bank may have: the number the check enforces."""
    import re as _re

    from immunokit.chapters import QUESTIONS_PER_CHAPTER

    text = (ROOT / "templates" / "chapter" / "ch99_template.quiz.yml").read_text(encoding="utf-8")
    stated = _re.search(r"#\s+- (\d+) to (\d+) questions", text)
    assert stated, "the template no longer states the question range"
    assert range(int(stated[1]), int(stated[2]) + 1) == QUESTIONS_PER_CHAPTER
