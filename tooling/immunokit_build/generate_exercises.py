"""Generate the student notebooks in ``exercises/`` from their single source in ``solutions/``.

Usage::

    python -m immunokit_build.generate_exercises            # (re)write exercises/ from solutions/
    python -m immunokit_build.generate_exercises --check    # exit 1 naming every stale, missing or extra file

What generation does to each ``solutions/<name>.ipynb`` (nbgrader's conventions, without nbgrader):

* in code cells, every ``### BEGIN SOLUTION`` … ``### END SOLUTION`` region becomes a stub that still
  runs: each variable the region assigns becomes ``name = ...`` with a comment saying what to write
  (taken from the question's check, e.g. "a number in pg/mL"), and each function it defines keeps its
  signature and docstring with a body of ``...``;
* in markdown cells, a ``BEGIN SOLUTION`` … ``END SOLUTION`` region becomes "*Write your answer here.*"
  (a cell that is nothing but a solution is removed);
* a cell tagged ``solution-only`` is refused: nbgrader's ``generate_assignment`` does not know the tag
  and would release it, so a solution note goes inside the answer's solution region (as a comment);
* outputs, execution counts and solution metadata (the ``solution-only`` tag, the notebook's
  ``immunokit.solution`` flag) are removed; nbgrader cell metadata (``grade_id``, ``points``,
  ``grade``, ``solution``, ``locked``, ``schema_version``, ``task``) is kept and validated, so the
  generated notebooks are valid nbgrader release notebooks.

The output is deterministic, so ``--check`` can compare bytes.
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat

from immunokit.exercises.catalog import Exercise, find_exercise
from immunokit_build import KERNELSPEC, ROOT

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
MD_BEGIN = re.compile(r"^\s*(?:<!--\s*)?(?:#+\s*)?BEGIN SOLUTION(?:\s*-->)?\s*$")
MD_END = re.compile(r"^\s*(?:<!--\s*)?(?:#+\s*)?END SOLUTION(?:\s*-->)?\s*$")
SOLUTION_ONLY_TAG = "solution-only"
#: Cell metadata about how a front end shows the cell, kept in the exercise: collapsed input (JupyterLab,
#: Notebook 7) and Colab's form view.
DISPLAY_KEYS = ("jupyter", "cellView")
MD_STUB = "*Write your answer here.*"

NBGRADER_KEYS = ("grade", "grade_id", "locked", "points", "schema_version", "solution", "task")
NBGRADER_SCHEMA_VERSION = 3


class GenerationError(ValueError):
    """A solution notebook cannot be turned into an exercise (the message names the file and cell)."""


# --------------------------------------------------------------------------------------------------
# Code cells


def _assigned_names(node: ast.stmt) -> list[str]:
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    names: list[str] = []
    for target in targets:
        elements = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
        names.extend(e.id for e in elements if isinstance(e, ast.Name))
    return names


def _function_stub(node: ast.FunctionDef, source: str, what: str) -> list[str]:
    """The signature and docstring of ``node`` with a body of ``...``."""
    lines = source.splitlines()
    first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
    body0 = node.body[0]
    if body0.lineno == node.lineno:  # one-line function: rebuild the header
        return [f"def {node.name}({ast.unparse(node.args)}):", f"    # YOUR CODE HERE: {what}", "    ..."]
    has_doc = ast.get_docstring(node, clean=False) is not None
    header = lines[first - 1 : (body0.end_lineno or body0.lineno) if has_doc else body0.lineno - 1]
    indent = " " * body0.col_offset
    return [*header, f"{indent}# YOUR CODE HERE: {what}", f"{indent}..."]


def stub_for(region: str, describe: dict[str, str]) -> list[str]:
    """The stub lines that replace a solution ``region`` (dedented source).

    ``describe`` maps a variable or function name to what the student should write there.
    """
    try:
        tree = ast.parse(region)
    except SyntaxError as err:
        raise GenerationError(f"the solution region does not parse: {err}") from err
    out: list[str] = []
    seen: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            what = describe.get(node.name, "write the body of this function")
            out.extend(_function_stub(node, region, what))
            seen.add(node.name)
            continue
        for name in _assigned_names(node):
            if name in seen:
                continue
            seen.add(name)
            what = describe.get(name, "compute this value")
            out.append(f"{name} = ...  # YOUR ANSWER: {what}")
    if not out:
        out.append("# YOUR CODE HERE")
    return out


def strip_code_solutions(source: str, describe: dict[str, str]) -> str:
    """``source`` with every solution region replaced by its stub."""
    lines = source.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == BEGIN:
            indent = line[: len(line) - len(line.lstrip())]
            j = i + 1
            while j < len(lines) and lines[j].strip() != END:
                if lines[j].strip() == BEGIN:
                    raise GenerationError(f"nested {BEGIN!r} at line {j + 1}")
                j += 1
            if j == len(lines):
                raise GenerationError(f"{BEGIN!r} at line {i + 1} has no {END!r}")
            region = textwrap.dedent("\n".join(lines[i + 1 : j]))
            out.extend(
                indent + stub_line if stub_line else stub_line for stub_line in stub_for(region, describe)
            )
            i = j + 1
            continue
        if line.strip() == END:
            raise GenerationError(f"{END!r} at line {i + 1} has no {BEGIN!r}")
        out.append(line)
        i += 1
    return "\n".join(out)


def strip_markdown_solutions(source: str) -> str:
    """``source`` with every markdown solution region replaced by "*Write your answer here.*"."""
    lines = source.splitlines()
    out: list[str] = []
    inside = False
    for number, line in enumerate(lines, 1):
        if MD_BEGIN.match(line):
            if inside:
                raise GenerationError(f"nested BEGIN SOLUTION at markdown line {number}")
            inside = True
            out.append(MD_STUB)
        elif MD_END.match(line):
            if not inside:
                raise GenerationError(f"END SOLUTION without BEGIN at markdown line {number}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise GenerationError("markdown BEGIN SOLUTION has no END SOLUTION")
    return "\n".join(out).strip("\n")


def has_solution(source: str) -> bool:
    """True when ``source`` contains a solution region marker."""
    return any(line.strip() in (BEGIN, END) or MD_BEGIN.match(line) for line in source.splitlines())


# --------------------------------------------------------------------------------------------------
# Metadata


def clean_nbgrader(meta: dict[str, Any], where: str) -> dict[str, Any]:
    """The nbgrader metadata of a cell, checked, with only nbgrader's own keys."""
    unknown = sorted(set(meta) - set(NBGRADER_KEYS) - {"cell_type", "checksum"})
    if unknown:
        raise GenerationError(f"{where}: unknown nbgrader keys {unknown}")
    for key in ("grade", "grade_id", "locked", "solution"):
        if key not in meta:
            raise GenerationError(f"{where}: nbgrader metadata lacks {key!r}")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", str(meta["grade_id"])):
        raise GenerationError(f"{where}: grade_id {meta['grade_id']!r} may only use letters, digits, - and _")
    if meta["grade"] and not isinstance(meta.get("points"), (int, float)):
        raise GenerationError(f"{where}: a graded cell needs numeric 'points'")
    out = {k: meta[k] for k in NBGRADER_KEYS if k in meta}
    out["schema_version"] = NBGRADER_SCHEMA_VERSION
    out.setdefault("task", False)
    return out


def _describe_map(exercise: Exercise | None) -> dict[str, str]:
    if exercise is None:
        return {}
    return {q.variable: q.checker.expects() for q in exercise.questions}


def generate_notebook(solution: Path) -> str:
    """The text of the exercise notebook generated from ``solution``."""
    try:
        nb = nbformat.read(solution, as_version=4)
    except Exception as err:
        raise GenerationError(f"{solution}: cannot be read as a notebook ({err})") from err
    meta = nb.metadata.get("immunokit", {})
    exercise = find_exercise(meta.get("exercise", "")) if isinstance(meta, dict) else None
    if exercise is None:
        raise GenerationError(
            f"{solution}: metadata immunokit.exercise {meta.get('exercise')!r} is not in the catalog"
        )
    if exercise.notebook != solution.name:
        raise GenerationError(f"{solution}: exercise {exercise.id} is registered for {exercise.notebook}")
    describe = _describe_map(exercise)
    cells = []
    for index, cell in enumerate(nb.cells):
        where = f"{solution.name} cell {index}"
        tags = list(cell.metadata.get("tags", []))
        if SOLUTION_ONLY_TAG in tags:
            raise GenerationError(
                f"{where}: a cell tagged {SOLUTION_ONLY_TAG!r} would reach nbgrader's release (nbgrader does not "
                f"know the tag): put the note inside the answer's {BEGIN!r} region, as a comment"
            )
        new = copy.deepcopy(cell)
        new.pop("id", None)
        try:
            if cell.cell_type == "code":
                new.source = strip_code_solutions(cell.source, describe)
                new.outputs = []
                new.execution_count = None
            elif cell.cell_type == "markdown":
                new.source = strip_markdown_solutions(cell.source)
                if (
                    has_solution(cell.source)
                    and new.source.strip() in ("", MD_STUB)
                    and not cell.metadata.get("nbgrader")
                ):
                    continue
        except GenerationError as err:
            raise GenerationError(f"{where}: {err}") from err
        new.metadata = {}
        kept_tags = [t for t in tags if t != SOLUTION_ONLY_TAG]
        if kept_tags:
            new.metadata["tags"] = kept_tags
        for key in DISPLAY_KEYS:  # e.g. the bootstrap cell shown as its title line
            if key in cell.metadata:
                new.metadata[key] = copy.deepcopy(cell.metadata[key])
        if "nbgrader" in cell.metadata:
            new.metadata["nbgrader"] = clean_nbgrader(dict(cell.metadata["nbgrader"]), where)
            marks = new.metadata["nbgrader"]
            if cell.cell_type == "markdown" and marks["solution"] and not marks["grade"]:
                raise GenerationError(
                    f"{where}: nbgrader refuses a markdown solution cell that is not a grade cell: give it "
                    "grade: true and points (0 for a self-assessed answer)"
                )
            if new.metadata["nbgrader"]["locked"]:
                new.metadata["deletable"] = False
                new.metadata["editable"] = False
        cells.append(new)
    out = nbformat.v4.new_notebook()
    out.cells = cells
    out.metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
        "immunokit": {"exercise": exercise.id, "generated_from": f"solutions/{solution.name}"},
    }
    # Stable cell ids derived from the position and nbgrader id, so the bytes never change by accident.
    for index, cell in enumerate(out.cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        cell["id"] = grade_id or f"cell-{index:02d}"
    nbformat.validate(out)
    return nbformat.writes(out) + "\n"


def plan(root: Path) -> dict[Path, str]:
    """Every exercise file that generation would write, with its text."""
    solutions = sorted((root / "solutions").glob("*.ipynb"))
    return {root / "exercises" / s.name: generate_notebook(s) for s in solutions}


def stale(root: Path) -> list[str]:
    """What is out of date in ``exercises/``: stale, missing and extra files (empty when current)."""
    found: list[str] = []
    wanted = plan(root)
    for path, text in wanted.items():
        if not path.exists():
            found.append(
                f"missing: {path.relative_to(root)} (run python -m immunokit_build.generate_exercises)"
            )
        elif path.read_text(encoding="utf-8") != text:
            found.append(f"stale: {path.relative_to(root)} differs from what solutions/{path.name} generates")
    for path in sorted((root / "exercises").glob("*.ipynb")):
        if path not in wanted:
            found.append(f"extra: {path.relative_to(root)} has no source in solutions/")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m immunokit_build.generate_exercises", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--check", action="store_true", help="only check that exercises/ is current")
    parser.add_argument("--root", type=Path, default=None, help="repository root (default: this checkout)")
    args = parser.parse_args(argv)
    root = args.root or ROOT
    try:
        if args.check:
            problems = stale(root)
            for problem in problems:
                print(problem, file=sys.stderr)
            print(f"exercises/: {len(problems)} problem(s)")
            return 1 if problems else 0
        wanted = plan(root)
    except GenerationError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    (root / "exercises").mkdir(exist_ok=True)
    for path, text in wanted.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(root)}")
    extra = [p for p in (root / "exercises").glob("*.ipynb") if p not in wanted]
    for path in extra:
        print(f"warning: {path.relative_to(root)} has no source in solutions/ (delete it)", file=sys.stderr)
    print(f"{len(wanted)} exercise notebook(s) current")
    return 1 if extra else 0


if __name__ == "__main__":
    raise SystemExit(main())
