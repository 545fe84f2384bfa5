"""How the book writes an author in a citation: ``Kantarjian et al., 2017``, never ``Kantarjian and others``.

``references.bib`` shortens long author lists the BibTeX way, ``Kantarjian, Hagop and others``. pybtex
keeps ``others`` as a person, so sphinxcontrib-bibtex's ``author_year`` style wrote the in-text citation
``(Kantarjian and others, 2017)`` and the plain list ``Hagop Kantarjian and others.``, while the
notebooks' citation links (:mod:`immunokit.citations`) read ``Kantarjian et al.``. Two styles registered
here (``immunokit_author_year`` for references, ``immunokit_plain`` for the list, named in
``_config.yml``) turn a trailing ``others`` into *et al.* and otherwise change nothing.

:func:`render_citation` renders one entry's parenthetical citation with the book's own style, outside
Sphinx, so that tests read what a reader sees (``tests/test_bibliography.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, ClassVar, cast

from pybtex.richtext import Tag, Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import FieldIsMissing, first_of, node, optional, tag
from pybtex.style.template import field as bib_field
from pybtex.style.template import join as pybtex_join
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.template import join

REFERENCE_STYLE = "immunokit_author_year"
FORMATTING_STYLE = "immunokit_plain"

ET_AL = Text(" ", Tag("em", "et al."))

#: pybtex's template decorator (untyped in pybtex).
template: Callable[[Callable[..., Any]], Any] = node


def _is_others(person: Any) -> bool:
    return " ".join(person.last_names).lower() == "others" and not person.first_names


@template
def names_et_al(children: Any, data: Any, role: str, **kwargs: Any) -> Any:
    """sphinxcontrib-bibtex's ``names``, except that a list ending in ``others`` becomes *first et al.*"""
    assert not children
    try:
        persons = data["entry"].persons[role]
    except KeyError:
        raise FieldIsMissing(role, data["entry"]) from None
    style = data["style"]
    formatted = [
        style.person.style_plugin.format(p, style.person.abbreviate) for p in persons if not _is_others(p)
    ]
    if persons and _is_others(persons[-1]) and formatted:
        return Text(join()[formatted[0]].format_data(data), ET_AL)
    return join(**kwargs)[formatted].format_data(data)


@template
def author_or_editor_or_title(children: Any, data: Any, **kwargs: Any) -> Any:
    """The author (or editor) with *et al.* for ``others``; the title only if there is neither."""
    assert not children
    return first_of[
        optional[names_et_al("author", **kwargs)],
        optional[names_et_al("editor", **kwargs)],
        tag("em")[bib_field("title")],
    ].format_data(data)


@dataclass
class CoursePersonStyle(PersonStyle):
    """Person style whose name lists read ``others`` as *et al.*"""

    def names(self, role: str, full: bool) -> Any:
        return names_et_al(
            role=role,
            sep=self.sep,
            sep2=self.sep2,
            last_sep=self.last_sep,
            other=None if full else self.other,
        )

    def author_or_editor_or_title(self, full: bool) -> Any:
        return author_or_editor_or_title(
            sep=self.sep, sep2=self.sep2, last_sep=self.last_sep, other=None if full else self.other
        )


@dataclass
class CourseReferenceStyle(AuthorYearReferenceStyle):
    """sphinxcontrib-bibtex's ``author_year`` with :class:`CoursePersonStyle`."""

    person: PersonStyle = field(default_factory=CoursePersonStyle)


@template
def _plain_names(children: Any, context: Any, role: str, **kwargs: Any) -> Any:
    """pybtex's ``names`` for the reference list, with a trailing ``others`` as *et al.*"""
    assert not children
    try:
        persons = context["entry"].persons[role]
    except KeyError:
        raise FieldIsMissing(role, context["entry"]) from None
    style = context["style"]
    formatted = [style.format_name(p, style.abbreviate_names) for p in persons if not _is_others(p)]
    text = pybtex_join(**kwargs)[formatted].format_data(context)
    if persons and _is_others(persons[-1]) and formatted:
        return Text(text, ET_AL)
    return text


class CoursePlainStyle(PlainStyle):  # type: ignore[misc]
    """pybtex's ``plain`` list style, with ``others`` written *et al.*"""

    default_sorting_style = "author_year_title"

    #: Formatted entries of this build: sphinxcontrib-bibtex formats each entry of a bibliography twice
    #: (the list and its tooltip) and an entry cited in several chapters once per chapter, about 860
    #: formattings of 430 entries (1–2 s of a cold build). Keyed by the style's options, the label and
    #: the entry's id; the value keeps the entry alive, so no other entry can take that id (a changed
    #: entry is a new object, formatted anew).
    _formatted: ClassVar[dict[tuple[str, int, str], tuple[Any, Any]]] = {}

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._options = repr(sorted(options.items()))

    def format_entry(self, label: str, entry: Any, bib_data: Any = None) -> Any:
        if bib_data is not None:  # formatting that reads other entries (cross-references): not kept
            return super().format_entry(label, entry, bib_data)
        key = (self._options, id(entry), label)
        if key not in self._formatted:
            self._formatted[key] = (entry, super().format_entry(label, entry))
        return self._formatted[key][1]

    def format_names(self, role: str, as_sentence: bool = True) -> Any:
        formatted = _plain_names(role, sep=", ", sep2=" and ", last_sep=", and ")
        from pybtex.style.template import sentence

        return sentence[formatted] if as_sentence else formatted


def _keep_plugin_lookups() -> None:
    """pybtex finds a style, backend or name format by reading every installed package's entry points,
    on each use: about 400 times in a build (a citation, an entry of a list), 2–4 s in all. The packages
    do not change while the book builds, so each lookup is made once. Plugins registered at run time are
    looked up before the entry points, as before."""
    import functools

    import pybtex.plugin

    original = pybtex.plugin.entry_points
    if hasattr(original, "cache_info"):  # a second build in one process
        return

    @functools.cache
    def entry_points(**selection: str) -> tuple[Any, ...]:
        return tuple(original(**selection))

    pybtex.plugin.entry_points = entry_points


def register() -> None:
    """Make both styles known to sphinxcontrib-bibtex and pybtex under the names ``_config.yml`` uses."""
    import pybtex.plugin
    import sphinxcontrib.bibtex.plugin

    _keep_plugin_lookups()

    # Both return False, and change nothing, when the name is already taken (a second build in one process).
    sphinxcontrib.bibtex.plugin.register_plugin(
        "sphinxcontrib.bibtex.style.referencing", REFERENCE_STYLE, CourseReferenceStyle
    )
    if FORMATTING_STYLE not in pybtex.plugin.enumerate_plugin_names("pybtex.style.formatting"):
        pybtex.plugin.register_plugin("pybtex.style.formatting", FORMATTING_STYLE, CoursePlainStyle)


def render_citation(key: str, entry: Any) -> str:
    """The parenthetical citation of one pybtex ``entry`` as the book renders it, e.g. ``Zhu et al., 2016``."""
    import pybtex_docutils
    from sphinxcontrib.bibtex.style.referencing import format_references
    from sphinxcontrib.bibtex.style.template import SphinxReferenceInfo

    formatted = CoursePlainStyle().format_entry(key, entry)
    info = SphinxReferenceInfo(
        builder=cast(
            Any, SimpleNamespace(name="rinoh")
        ),  # a bare citation node: no Sphinx application needed
        fromdocname="",
        todocname="",
        citation_id=key,
        title=None,
        pre_text="",
        post_text="",
    )
    text = format_references(CourseReferenceStyle(), "p", [(entry, formatted, info)])
    return "".join(node.astext() for node in text.render(pybtex_docutils.Backend()))


def render_entry(key: str, entry: Any) -> str:
    """The entry as the reference list prints it (plain text)."""
    from pybtex.plugin import find_plugin

    formatted = CoursePlainStyle().format_entry(key, entry)
    return str(formatted.text.render(find_plugin("pybtex.backends", "text")()))


def setup(app: Any) -> dict[str, Any]:
    register()
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
