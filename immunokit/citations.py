"""The course's one reader of ``book/references.bib`` (pybtex), and the short citations made from it.

Every place that turns a bibtex key into words goes through here: the quiz's source lines
(:func:`cite_html`), the trial table's *Source* column (:meth:`Citation.author_year`) and the bank
checks (:func:`bib_keys`). A key that is not in the file is shown as the key itself, never guessed.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: The book's bibliography, when the toolkit runs from the repository.
BOOK_BIB = Path(__file__).resolve().parents[1] / "book" / "references.bib"


@dataclass(frozen=True)
class Citation:
    """One bibliography entry, reduced to what a short citation needs."""

    key: str
    surnames: tuple[str, ...]  #: last names (a corporate author whole), "others" dropped
    et_al: bool  #: the author list ends in "and others" or has more than two names
    year: str
    doi: str

    def who(self) -> str:
        """``"Zhu et al."``, ``"Kaplan and Meier"``, ``"Kite Pharma, Inc."`` (the key if no author)."""
        if not self.surnames:
            return self.key
        if self.et_al or len(self.surnames) > 2:
            return f"{self.surnames[0]} et al."
        return " and ".join(self.surnames)

    def author_year(self) -> str:
        """``"Kantarjian et al. 2017"`` (as in a table's *Source* column)."""
        return f"{self.who()} {self.year}".strip()

    def parenthetical(self) -> str:
        """``"Zhu et al. (2016)"``."""
        return f"{self.who()} ({self.year})" if self.year else self.who()


def _text(latex: str) -> str:
    from pybtex.richtext import Text

    return str(Text.from_latex(latex).render_as("text")).strip()


@lru_cache(maxsize=8)
def _load(path: Path, _mtime: float) -> dict[str, Citation]:
    from pybtex.database import parse_file

    try:
        database = parse_file(str(path), bib_format="bibtex")
    except Exception as err:  # pybtex raises its own error types; name the file and the problem
        raise ValueError(f"{path}: cannot read the bibliography: {err}") from err
    out: dict[str, Citation] = {}
    for key, entry in database.entries.items():
        people = entry.persons.get("author", [])
        names = [_text(" ".join([*p.prelast_names, *p.last_names])) for p in people]
        others = bool(names) and names[-1].lower() == "others"
        surnames = tuple(n for n in names if n.lower() != "others")
        out[key] = Citation(
            key=key,
            surnames=surnames,
            et_al=others,
            year=_text(entry.fields.get("year", "")),
            doi=_text(entry.fields.get("doi", "")),
        )
    return out


def load(bibfile: str | Path = BOOK_BIB) -> dict[str, Citation]:
    """Every entry of ``bibfile`` by key (cached until the file changes)."""
    path = Path(bibfile).resolve()
    if not path.exists():
        raise FileNotFoundError(f"bibliography {path} not found")
    return _load(path, path.stat().st_mtime)


def bib_keys(bibfile: str | Path = BOOK_BIB) -> set[str]:
    """Every entry key of a BibTeX file."""
    return set(load(bibfile))


def find(key: str, bibfile: str | Path | None = BOOK_BIB) -> Citation | None:
    """The entry ``key`` of ``bibfile``, or ``None`` if there is no such file or key."""
    if bibfile is None or not Path(bibfile).exists():
        return None
    return load(bibfile).get(key)


def author_year(key: str, bibfile: str | Path | None = BOOK_BIB) -> str:
    """``"Kantarjian et al. 2017"`` for ``key``, or the key itself if it is not in ``bibfile``."""
    entry = find(key, bibfile)
    return entry.author_year() if entry else key


def cite_html(key: str, bibfile: str | Path | None) -> str:
    """A short source line for a bibtex key (author–year, DOI link), or the key if not found."""
    entry = find(key, bibfile)
    if entry is None:
        return f"Source: {html.escape(key)}."
    label = html.escape(entry.parenthetical())
    if entry.doi:
        return f'Source: <a href="https://doi.org/{html.escape(entry.doi, quote=True)}">{label}</a>.'
    return f"Source: {label}."
