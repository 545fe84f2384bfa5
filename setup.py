"""Build step of the toolkit's wheel: the course's question banks, bibliography and data travel with it.

``pyproject.toml`` holds the metadata; this file only adds one step to ``build_py``: copy
``book/*.quiz.yml``, ``book/references.bib`` and ``book/data/`` (when present) into the wheel as
``immunokit/_book/``, where :mod:`immunokit.bookfiles` finds them when the repository's ``book/`` is not
beside the toolkit (a notebook opened in Colab, the course bundle). Editable installs skip it: they read
``book/`` itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def course_files(book: Path) -> list[Path]:
    """The files of ``book/`` a notebook needs at run time, relative to ``book/``."""
    files = [*book.glob("*.quiz.yml"), book / "references.bib"]
    data = book / "data"
    if data.is_dir():
        files += [p for p in data.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return sorted(p.relative_to(book) for p in files if p.is_file())


class BuildWithCourseData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        book = HERE / "book"
        files = course_files(book)
        if not any(f.name == "references.bib" for f in files):
            raise SystemExit(f"cannot build the toolkit: {book / 'references.bib'} is missing")
        target = Path(self.build_lib) / "immunokit" / "_book"
        for rel in files:
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(book / rel, target / rel)


setup(cmdclass={"build_py": BuildWithCourseData})
