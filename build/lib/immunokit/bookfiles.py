"""Where the course's files live at run time: the repository's ``book/``, or the copy inside the wheel.

A notebook opened in this repository reads its question bank and ``references.bib`` from ``book/``. A
notebook opened anywhere else (Colab, a download, the course bundle) has only the installed toolkit:
``setup.py`` copies ``book/*.quiz.yml``, ``book/references.bib`` and ``book/data/`` into the wheel as
``immunokit/_book/``. :func:`book_dir` picks the first that exists; :func:`find` resolves a file name
the way a chapter gives it (relative to the working directory first).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
#: ``book/`` of the checkout the toolkit was imported from (an editable install or a clone).
CHECKOUT_BOOK = PACKAGE.parent / "book"
#: The copy of the course files inside an installed wheel.
PACKAGED_BOOK = PACKAGE / "_book"


def book_dir() -> Path:
    """The folder holding the course's banks and bibliography (raises naming both places when neither)."""
    for folder in (CHECKOUT_BOOK, PACKAGED_BOOK):
        if (folder / "references.bib").is_file():
            return folder
    raise FileNotFoundError(
        f"the course files are neither in {CHECKOUT_BOOK} (a checkout) nor in {PACKAGED_BOOK} "
        "(an installed wheel): reinstall the toolkit from the course's repository or its wheel"
    )


def bibliography() -> Path:
    """``references.bib`` of :func:`book_dir` (the checkout's path when there is neither, for messages)."""
    try:
        return book_dir() / "references.bib"
    except FileNotFoundError:
        return CHECKOUT_BOOK / "references.bib"


def find(name: str | Path) -> Path:
    """``name`` as given if it exists (relative to the working directory), else the course's copy of it.

    Raises FileNotFoundError naming the working directory and the course folder when neither has it.
    """
    path = Path(name)
    if path.exists():
        return path
    if path.is_absolute():
        raise FileNotFoundError(f"{str(name)!r} does not exist")
    folder = book_dir()
    for candidate in (folder / path, folder / path.name):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(
        f"{str(name)!r} is neither in the working directory ({Path.cwd()}) nor in the course's files ({folder})"
    )
