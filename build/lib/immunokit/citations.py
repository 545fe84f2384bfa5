"""The course's one reader of ``book/references.bib`` (pybtex), and the short citations made from it.

Every place that turns a bibtex key into words goes through here: the quiz's source lines
(:func:`cite_html`), the trial table's *Source* column (:meth:`Citation.author_year`) and the bank
checks (:func:`bib_keys`). A key that is not in the file is shown as the key itself, never guessed.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from . import bookfiles

#: The book's bibliography: the repository's ``book/``, or the copy in the installed wheel.
BOOK_BIB = bookfiles.bibliography()


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


@lru_cache(maxsize=1)
def _plain_text_backend() -> object:
    """pybtex's plain-text backend, looked up once.

    ``Text.render_as("text")`` looks the backend up again on every call, and each look-up scans every
    installed distribution's entry points: about 500 calls made loading the bibliography take 10–26 s.
    """
    from pybtex.plugin import find_plugin

    return find_plugin("pybtex.backends", "text")()


def _text(latex: str) -> str:
    from pybtex.richtext import Text

    return str(Text.from_latex(latex).render(_plain_text_backend())).strip()


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


def _index_file(digest: str) -> Path:
    """Where the parsed index of a bibliography with this content hash is kept between processes."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "immunokit" / f"citations-{digest}.json"


@lru_cache(maxsize=8)
def _load_indexed(path: Path, _mtime: float) -> dict[str, Citation]:
    """``_load`` through an on-disk index keyed by the file's content (a new process reads JSON, not
    BibTeX: milliseconds instead of pybtex's parse). A missing, unreadable or unwritable index only
    costs the parse."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:20]
    index = _index_file(digest)
    try:
        rows = json.loads(index.read_text(encoding="utf-8"))
        return {r["key"]: Citation(r["key"], tuple(r["surnames"]), r["et_al"], r["year"], r["doi"]) for r in rows}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    out = _load(path, _mtime)
    try:
        index.parent.mkdir(parents=True, exist_ok=True)
        tmp = index.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps([asdict(c) for c in out.values()]), encoding="utf-8")
        os.replace(tmp, index)
    except OSError:
        pass
    return out


def load(bibfile: str | Path = BOOK_BIB) -> dict[str, Citation]:
    """Every entry of ``bibfile`` by key (cached until the file changes)."""
    path = Path(bibfile).resolve()
    if not path.exists():
        raise FileNotFoundError(f"bibliography {path} not found")
    return _load_indexed(path, path.stat().st_mtime)


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


# ---------------------------------------------------------------------------------------------
# Citations in chapter prose: the ``{cite:p}``/``{cite:t}`` role and the citation link
# ---------------------------------------------------------------------------------------------

#: A MyST citation role: ``{cite:p}`key1,key2``` (``{cite}`` alone is ``{cite:p}``).
ROLE = re.compile(r"(?<!`)\{cite(?::(?P<kind>[a-z]+))?\}`(?P<keys>[^`]+)`")
#: The same citation as a Markdown link (chapter notebooks, which JupyterLab renders without a
#: bibliography): the text is the author–year citation, the target the bibliography file (relative to the
#: page) with the key(s) as fragment, comma-separated, ``:t`` appended for a textual citation::
#:
#:     [(Kantarjian et al., 2017)](references.bib#kantarjian2017tower)                 {cite:p}
#:     [(Kantarjian et al., 2017; Maude et al., 2018)](references.bib#kantarjian2017tower,maude2018eliana)
#:     [Clopper and Pearson (1934)](references.bib#clopper1934use:t)                   {cite:t}
#:
#: (One written as code, right after a backtick, is an example, not a use.)
LINK = re.compile(
    r"(?<!`)\[(?P<text>(?:[^\[\]\\]|\\.)*)\]"
    r"\((?P<path>(?:[\w.-]+/)*[\w.-]+\.bib)#(?P<keys>[\w-]+(?:,[\w-]+)*)(?::(?P<kind>t))?\)"
)
_MD_SPECIAL = re.compile(r"([\\\[\]*_`<])")


def cited_keys(text: str) -> list[str]:
    """Every key cited in ``text`` (MyST Markdown), by role or citation link, in order of appearance."""
    found = [(m.start(), m["keys"]) for m in ROLE.finditer(text)]
    found += [(m.start(), m["keys"]) for m in LINK.finditer(text)]
    return [key.strip() for _, keys in sorted(found) for key in keys.split(",") if key.strip()]


def citation_text(keys: Sequence[str], textual: bool, entries: Mapping[str, Citation]) -> str:
    """What a citation link reads: ``(Kantarjian et al., 2017; Maude et al., 2018)`` for ``{cite:p}``,
    ``Clopper and Pearson (1934)`` for ``{cite:t}``. ``KeyError`` names a key not in ``entries``."""
    missing = [key for key in keys if key not in entries]
    if missing:
        raise KeyError(", ".join(missing))
    cited = [entries[key] for key in keys]
    if textual:
        return "; ".join(c.parenthetical() for c in cited)
    return "(" + "; ".join(f"{c.who()}, {c.year}" if c.year else c.who() for c in cited) + ")"


def link_text(raw: str) -> str:
    """A link's text as a reader sees it: Markdown backslash escapes removed, spaces collapsed."""
    return " ".join(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", raw).split())


def citation_link(keys: Sequence[str], textual: bool, path: str, entries: Mapping[str, Citation]) -> str:
    """The Markdown link for a citation of ``keys`` (``path``: the bibliography relative to the page)."""
    text = _MD_SPECIAL.sub(r"\\\1", citation_text(keys, textual, entries))
    return f"[{text}]({path}#{','.join(keys)}{':t' if textual else ''})"
