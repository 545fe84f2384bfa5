"""Build tooling of the course: the Sphinx extension, the per-notebook execution cache, the whole-book
PDF, the course bundle, the new-chapter command, notebook hygiene (strip, bootstrap cell), the exercise
generator and the local static server.

Maintainers and the book's build run it; a student's kernel never imports it (the student toolkit is
:mod:`immunokit`; an import-linter contract in ``pyproject.toml`` holds the direction).
"""

from pathlib import Path

#: The repository root (``book/``, ``solutions/``, ``exercises/``, ``_toc.yml``): this tooling only
#: runs from a checkout.
ROOT = Path(__file__).resolve().parents[2]

#: The kernel every notebook of the course names (written by the exercise generator and ``notebooks strip``).
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
