"""Calculators: form fields, and one function from their values to a verdict.

A :class:`Calculator` is defined by its :class:`Field` list (select boxes and checkboxes), optional
:class:`Derived` values (e.g. a total computed from several fields) and one method,
:meth:`Calculator.evaluate`, that turns the key values into a :class:`CalcVerdict`. From that single
definition it renders

* **live** (:meth:`Calculator.widget`): dropdowns and checkboxes whose every change calls
  :meth:`~Calculator.evaluate` in the kernel;
* **static** (:meth:`Calculator.to_html`): a native HTML form and, as JSON, the verdict of every
  combination of key values, pre-computed by the same :meth:`~Calculator.evaluate`, which the book's
  script looks up. The browser's verdict is Python's by construction.

The notice (e.g. "teaching tool, never for patient care") and the source line are parameters of each
calculator, not of this module.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypedDict

from ..citations import BOOK_BIB, cite_html
from ..markup import stable_id
from .base import Interactive, LiveView


class CalcVerdict(TypedDict):
    """What a calculator shows: a grade (0 = none), a headline and the reason."""

    grade: int
    headline: str
    text: str


@dataclass(frozen=True)
class Field:
    """One input of a calculator: its id, visible label, and (value id, option label) pairs.

    ``kind="checkbox"`` fields have the options ``("false", …), ("true", …)``; ``default`` is the value
    id shown first (the first option when empty).
    """

    name: str
    label: str
    options: tuple[tuple[str, str], ...]
    kind: Literal["select", "checkbox"] = "select"
    default: str = ""

    @property
    def initial(self) -> str:
        """The value id the form starts with."""
        return self.default or self.options[0][0]


def checkbox_field(name: str, label: str) -> Field:
    """A yes/no field shown as a checkbox."""
    return Field(name, label, (("false", "no"), ("true", "yes")), kind="checkbox")


@dataclass(frozen=True)
class Derived:
    """A value computed from several fields (e.g. a score's total from its items)."""

    name: str
    sources: tuple[str, ...]
    values: tuple[str, ...]
    compute: Callable[[Mapping[str, str]], str]


def verdict(grade: int, text: str, subject: str, error: bool = False) -> CalcVerdict:
    """A verdict whose headline names ``subject``: ``"CRS grade 3"``, ``"No CRS grade"``."""
    if error:
        headline = "Cannot grade these inputs"
    elif grade == 0:
        headline = f"No {subject} grade"
    else:
        headline = f"{subject} grade {grade}"
    return {"grade": grade, "headline": headline, "text": text[:1].upper() + text[1:]}


class Calculator(Interactive):
    """A calculator (see the module docstring). Subclasses set the class attributes and :meth:`evaluate`.

    Attributes
    ----------
    title
        Accessible name, shown above the form.
    kind
        Short id (``"crs"``), written as ``data-ik-calc`` in the static page.
    fields, derived
        The inputs, and values computed from several of them.
    notice
        A sentence shown in bold on both renderings (empty: none).
    source, source_key
        The line under the verdict: words naming the rules (plain text, e.g. ``"ASTCT consensus
        grading."``) and the bibtex key of their publication, shown as "Source: Lee et al. (2019)."
        from ``book/references.bib`` (empty: none).
    """

    title: ClassVar[str]
    kind: ClassVar[str]
    fields: ClassVar[tuple[Field, ...]]
    derived: ClassVar[tuple[Derived, ...]] = ()
    notice: ClassVar[str] = ""
    source: ClassVar[str] = ""
    source_key: ClassVar[str] = ""

    def evaluate(self, values: Mapping[str, str]) -> CalcVerdict:
        """The verdict for the key values (value ids, as the form sends them)."""
        raise NotImplementedError

    def defaults(self) -> dict[str, str]:
        """The value each field starts with."""
        return {f.name: f.initial for f in self.fields}

    def key_values(self, values: Mapping[str, str]) -> dict[str, str]:
        """Field values → key values (derived values computed, their sources dropped)."""
        sources = {name for d in self.derived for name in d.sources}
        keys = {d.name: d.compute(values) for d in self.derived}
        keys.update({f.name: values[f.name] for f in self.fields if f.name not in sources})
        return keys

    def verdict_for(self, values: Mapping[str, str]) -> CalcVerdict:
        """The verdict for a full set of field values (what the live widget shows)."""
        return self.evaluate(self.key_values(values))

    def _key_space(self) -> list[tuple[str, tuple[str, ...]]]:
        sources = {name for d in self.derived for name in d.sources}
        space = [(d.name, d.values) for d in self.derived]
        space += [(f.name, tuple(v for v, _ in f.options)) for f in self.fields if f.name not in sources]
        return space

    def lookup_table(self) -> dict[str, Any]:
        """Every combination of key values → verdict, as embedded in the static page.

        Returns ``{"keys": [names], "derived": {name: {"from": [fields], "table": {key: value}}},
        "fragments": [str], "verdicts": [[grade, headline id, [fragment ids]]], "table": {key: verdict
        index}}``; a key is the value ids joined by ``|`` in the order given. Texts are stored as
        fragment ids (split at punctuation) to keep the page small; :meth:`decode` reads one back.
        """
        derived: dict[str, dict[str, Any]] = {}
        for d in self.derived:
            options = [next(f for f in self.fields if f.name == n).options for n in d.sources]
            sources_table: dict[str, str] = {}
            for combo in itertools.product(*(tuple(v for v, _ in o) for o in options)):
                sources_table["|".join(combo)] = d.compute(dict(zip(d.sources, combo, strict=True)))
            derived[d.name] = {"from": list(d.sources), "table": sources_table}
        space = self._key_space()
        names = [name for name, _ in space]
        fragments: dict[str, int] = {}
        verdicts: list[list[Any]] = []
        index: dict[str, int] = {}
        table: dict[str, int] = {}
        for combo in itertools.product(*(values for _, values in space)):
            result = self.evaluate(dict(zip(names, combo, strict=True)))
            parts = [result["headline"], *fragments_of(result["text"])]
            ids = [fragments.setdefault(part, len(fragments)) for part in parts]
            encoded = [result["grade"], ids[0], ids[1:]]
            blob = json.dumps(encoded)
            if blob not in index:
                index[blob] = len(verdicts)
                verdicts.append(encoded)
            table["|".join(combo)] = index[blob]
        return {
            "keys": names,
            "derived": derived,
            "fragments": list(fragments),
            "verdicts": verdicts,
            "table": table,
        }

    @staticmethod
    def decode(data: Mapping[str, Any], key: str) -> CalcVerdict:
        """Read one verdict back out of :meth:`lookup_table` (what ``immunokit.js`` does)."""
        grade, headline, parts = data["verdicts"][data["table"][key]]
        fragments = data["fragments"]
        return {"grade": grade, "headline": fragments[headline], "text": "".join(fragments[i] for i in parts)}

    # -- static ----------------------------------------------------------------------------------
    def to_html(self) -> str:
        uid = stable_id(f"ik-calc-{self.kind}", self.title)
        default = self.verdict_for(self.defaults())
        controls = "".join(self._field_html(uid, f) for f in self.fields)
        data = json.dumps(self.lookup_table(), ensure_ascii=False, separators=(",", ":")).replace(
            "</", "<\\/"
        )
        notice = (
            f'<p class="ik-calc-notice" role="note"><strong>{html.escape(self.notice)}</strong></p>'
            if self.notice
            else ""
        )
        cite = cite_html(self.source_key, BOOK_BIB) if self.source_key else ""
        line = " ".join(part for part in (html.escape(self.source), cite) if part)
        source = f'<p class="ik-calc-source">{line}</p>' if line else ""
        return (
            f'<section class="ik-calc" id="{uid}" data-ik="calculator" data-ik-calc="{self.kind}" '
            f'aria-labelledby="{uid}-title">'
            f'<p class="ik-calc-title" id="{uid}-title">{html.escape(self.title)}</p>'
            f"{notice}"
            f'<form class="ik-calc-form" action="#" onsubmit="return false">{controls}</form>'
            # Without JavaScript the result would never change: it stays hidden behind a notice,
            # and immunokit.js shows it (and hides the notice) when it starts.
            f'<p class="ik-calc-nojs">This calculator needs JavaScript, which is off: it cannot grade '
            f"what you choose here. The grading rules are in the text and the source below.</p>"
            f'<div class="ik-calc-result" id="{uid}-result" role="status" aria-live="polite" aria-atomic="true" hidden>'
            f"{self._verdict_html(default)}</div>"
            f"{source}"
            f'<script type="application/json" class="ik-calc-data">{data}</script>'
            "</section>"
        )

    @staticmethod
    def _verdict_html(result: CalcVerdict) -> str:
        return (
            f'<p class="ik-calc-grade">{html.escape(result["headline"])}</p>'
            f'<p class="ik-calc-reason">{html.escape(result["text"])}</p>'
        )

    @staticmethod
    def _field_html(uid: str, field: Field) -> str:
        fid = f"{uid}-{field.name}"
        if field.kind == "checkbox":
            return (
                f'<div class="ik-calc-field ik-calc-check"><input type="checkbox" id="{fid}" name="{field.name}" '
                f'value="true"><label for="{fid}">{html.escape(field.label)}</label></div>'
            )
        options = "".join(
            f'<option value="{html.escape(v, quote=True)}"{" selected" if v == field.initial else ""}>'
            f"{html.escape(text)}</option>"
            for v, text in field.options
        )
        return (
            f'<div class="ik-calc-field"><label for="{fid}">{html.escape(field.label)}</label>'
            f'<select id="{fid}" name="{field.name}">{options}</select></div>'
        )

    # -- live ------------------------------------------------------------------------------------
    def widget(self) -> LiveView:
        """Dropdowns and checkboxes (``view.controls`` by field name); ``view.state.verdict`` and
        ``view.state.grade`` follow every change."""
        import ipywidgets as w

        controls: dict[str, Any] = {}
        for f in self.fields:
            if f.kind == "checkbox":
                controls[f.name] = w.Checkbox(
                    value=False, description=f.label, indent=False, layout=w.Layout(width="auto")
                )
            else:
                controls[f.name] = w.Dropdown(
                    options=[(text, v) for v, text in f.options],
                    value=f.initial,
                    description=f.label,
                    style={"description_width": "initial"},
                    layout=w.Layout(width="auto", max_width="100%"),
                )
        out = w.HTML()
        notice = [w.HTML(f"<p><strong>{html.escape(self.notice)}</strong></p>")] if self.notice else []
        view = LiveView(
            [w.HTML(f"<strong>{html.escape(self.title)}</strong>"), *notice, *controls.values(), out],
            controls=controls,
        )

        def values() -> dict[str, str]:
            return {
                name: ("true" if c.value else "false") if isinstance(c, w.Checkbox) else str(c.value)
                for name, c in controls.items()
            }

        def update(_change: object = None) -> None:
            current = values()
            result = self.verdict_for(current)
            out.value = f'<div role="status">{self._verdict_html(result)}</div>'
            view.state.values = dict(current)
            view.state.grade = result["grade"]
            view.state.verdict = f"{result['headline']}. {result['text']}"
            view.state.html = out.value

        for c in controls.values():
            c.observe(update, names="value")
        update()
        return view


_FRAGMENT = re.compile(r"[^,;.]+[,;.]?\s*|[,;.]\s*")


def fragments_of(text: str) -> list[str]:
    """Split ``text`` at punctuation into pieces that join back to it exactly."""
    parts: list[str] = _FRAGMENT.findall(text)
    if "".join(parts) != text:  # pragma: no cover - the pattern matches every character
        raise AssertionError(f"fragments do not rebuild {text!r}")
    return parts
