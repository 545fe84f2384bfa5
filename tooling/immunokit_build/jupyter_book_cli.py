"""``jupyter-book``, as ``make book`` runs it: the same command line, about a second sooner.

``python -m immunokit_build.jupyter_book_cli build . -W -n --keep-going`` is ``jupyter-book build . -W -n
--keep-going``. At start-up jupyter-book imports nbformat, which imports jsonschema, which imports every
optional format checker it finds; one of them (``rfc3987-syntax``, installed with Jupyter's event system)
compiles a grammar at import: 1.2 s of every build, of 10 s for a build with nothing to do. Neither the
notebook schema nor the course's use a ``format`` keyword, so jsonschema is imported first without that
checker (:mod:`immunokit.schemacheck`); everything else is jupyter-book's own command.
"""

from __future__ import annotations

from immunokit import schemacheck  # noqa: F401  (before jupyter-book imports nbformat)


def main() -> None:
    from jupyter_book.cli.main import main as jupyter_book  # type: ignore[import-untyped]

    jupyter_book()


if __name__ == "__main__":
    main()
