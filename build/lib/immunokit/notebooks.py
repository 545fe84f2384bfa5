"""Notebook hygiene: strip outputs and check that notebooks are stored clean.

Usage::

    python -m immunokit.notebooks strip [PATH ...]   # remove outputs and execution counts in place
    python -m immunokit.notebooks check [PATH ...]   # exit 1 and name every notebook that is not clean
    python -m immunokit.notebooks bootstrap [--check] # first cell that installs the toolkit (immunokit.bootstrap)

PATH may be a notebook or a folder (searched recursively); the default is ``book solutions exercises``.
A clean notebook is valid nbformat 4, uses the ``python3`` kernelspec, and stores no outputs and no
execution counts.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import nbformat

DEFAULT_FOLDERS = ("book", "solutions", "exercises")
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def find_notebooks(paths: Iterable[str | Path]) -> list[Path]:
    """Every ``.ipynb`` under ``paths`` (checkpoints and build folders left out), sorted."""
    found: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for nb in path.rglob("*.ipynb"):
                if not any(part in {".ipynb_checkpoints", "_build"} for part in nb.parts):
                    found.add(nb)
        elif path.suffix == ".ipynb" and path.exists():
            found.add(path)
    return sorted(found)


def problems(path: Path) -> list[str]:
    """What is wrong with the stored notebook at ``path`` (empty when it is clean)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        return [f"{path}: not a readable JSON notebook ({err})"]
    try:
        nb = nbformat.from_dict(raw)
        nbformat.validate(nb)
    except nbformat.ValidationError as err:
        return [f"{path}: not valid nbformat: {err.message}"]
    found = []
    if raw.get("nbformat") != 4:
        found.append(f"{path}: nbformat {raw.get('nbformat')} (expected 4)")
    spec = raw.get("metadata", {}).get("kernelspec", {})
    if spec.get("name") != "python3":
        found.append(f"{path}: kernelspec is {spec.get('name')!r}, expected 'python3'")
    for index, cell in enumerate(raw.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            found.append(f"{path}: cell {index} has stored outputs (run `make strip`)")
        if cell.get("execution_count") is not None:
            found.append(f"{path}: cell {index} has an execution count (run `make strip`)")
    return found


def strip(path: Path) -> bool:
    """Remove outputs and execution counts, set the kernelspec; return True if the file changed."""
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.pop("widgets", None)
    after = nbformat.writes(nb) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
        return True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m immunokit.notebooks", description=__doc__.splitlines()[0]
    )
    parser.add_argument("command", choices=["strip", "check", "bootstrap"])
    parser.add_argument("paths", nargs="*", default=list(DEFAULT_FOLDERS))
    parser.add_argument("--check", action="store_true", help="bootstrap: only report notebooks to refresh")
    args = parser.parse_args(argv)
    if args.command == "bootstrap":
        from .bootstrap import run

        return run(check=args.check)
    notebooks = find_notebooks(args.paths)
    if args.command == "strip":
        changed = [nb for nb in notebooks if strip(nb)]
        for nb in changed:
            print(f"stripped {nb}")
        print(f"{len(notebooks)} notebooks, {len(changed)} changed")
        return 0
    issues = [msg for nb in notebooks for msg in problems(nb)]
    for msg in issues:
        print(msg, file=sys.stderr)
    print(f"{len(notebooks)} notebooks, {len(issues)} problems")
    return 1 if issues else 0


if __name__ == "__main__":
    raise SystemExit(main())
