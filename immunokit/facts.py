"""The course's clinical data layer: one place for every clinical number, with its source.

``book/data/*.yml`` holds the facts the course states — drugs and approvals, trials and their results,
antigens and their expression, grading rules, dosing rules. Each fact has an ``id``, a ``label`` (what
it is), a ``value`` (with a ``unit`` where there is one), a ``source`` (a key of
``book/references.bib``), the date it was ``checked`` against that source, and optionally a ``note``,
the ``chapters`` that state it and ``patterns`` that find it written as a literal number.

Everything that states a fact reads it from here:

- chapter prose, with the Sphinx role ``{fact}`e1910-hr-nejm``` (``tooling/immunokit_build/sphinx/facts.py``), which
  renders the value with its unit and fails the build on an unknown id; chapter notebooks write the same
  fact as a Markdown link JupyterLab can show, ``[0.41](data/trials.yml#e1910-hr-nejm)`` (bare value:
  ``[85](data/trials.yml#e1910-os3-blina:value)``), which the build turns into the role's output
  (:mod:`immunokit_build.sphinx.notebookmarkup`);
- question banks, with the placeholder ``{fact:e1910-hr-nejm}`` (value and unit) or
  ``{fact:e1910-hr-nejm:value}`` (the bare value; a field that is only this placeholder becomes the
  number itself, e.g. a numeric ``answer``), expanded when the bank loads so the quiz, the GIFT export
  and the answer checks all see the value;
- notebooks, models and tables, with :func:`value`, :func:`text` and :func:`get`.

The data are checked in three layers and *every* problem is reported together in one
:class:`FactsError`, each message naming the file, the entry (number and id) and the field: YAML
syntax (a key written twice is an error), the JSON Schema ``facts.schema.json``, and meaning the
schema cannot express (ids unique across files, source keys present in ``references.bib``, real
dates not in the future, patterns that compile with one capture group).

Command line::

    python -m immunokit.facts validate            # every problem, or "N facts OK"
    python -m immunokit.facts stale [--months 12] # facts not re-checked for more than 12 months
    python -m immunokit.facts check               # numbers in chapters and banks that contradict the data
                                                  # (and fact links whose text is stale), and facts whose
                                                  # source has no DOI, PMID or URL in references.bib
    python -m immunokit.facts list                # id, value, source, checked
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from . import bookfiles
from .yamlstrict import StrictLoader

__all__ = [
    "Fact",
    "FactSet",
    "FactsError",
    "contradictions",
    "data_dir",
    "expand",
    "expand_data",
    "fact_link",
    "format_value",
    "get",
    "load",
    "stale",
    "text",
    "unresolvable_sources",
    "value",
]

_ROOT = Path(__file__).resolve().parents[1]
#: Placeholder in banks and other text: ``{fact:ID}`` or ``{fact:ID:value}``.
PLACEHOLDER = re.compile(r"\{fact:([a-z0-9]+(?:-[a-z0-9]+)*)(?::(value))?\}")
#: The Sphinx role as written in MyST source: ``{fact}`ID``` or ``{fact}`ID:value```.
ROLE = re.compile(r"\{fact\}`([a-z0-9]+(?:-[a-z0-9]+)*)(?::(value))?`")
#: The same use as a Markdown link (chapter notebooks, which JupyterLab renders without the role): the
#: link text is the rendered value, the target the fact's data file (relative to the page) with the id as
#: fragment, ``:value`` appended for the bare value. ``[0.41](data/trials.yml#e1910-hr-nejm)``. (One written
#: as code, right after a backtick, is an example, not a use.)
LINK = re.compile(
    r"(?<!`)\[(?P<text>(?:[^\[\]\\]|\\.)*)\]"
    r"\((?P<path>(?:[\w.-]+/)*data/[\w.-]+\.yml)#(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*)(?::(?P<fmt>value))?\)"
)
_MD_SPECIAL = re.compile(r"([\\\[\]*_`<])")


class FactsError(ValueError):
    """The data layer is invalid, or an id is unknown. ``messages`` lists every problem."""

    def __init__(self, messages: Sequence[str], head: str = "problems in the clinical data layer") -> None:
        self.messages = list(messages)
        count = len(self.messages)
        text = f"{count} {head}" if count != 1 else f"1 {head.replace('problems', 'problem')}"
        super().__init__(text + "\n" + "\n".join(f"  - {m}" for m in self.messages))


@dataclass(frozen=True)
class Fact:
    """One clinical fact of the data layer."""

    id: str
    label: str
    value: float | int | str | bool
    source: str
    checked: _dt.date
    file: str
    unit: str = ""
    note: str = ""
    chapters: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The value as a reader sees it, with its unit (``0.41``, ``9 mg/m²``, ``> 90 %``)."""
        return format_value(self.value, self.unit)


def format_value(v: float | int | str | bool, unit: str = "") -> str:
    """Format a value as the book prints it: integral floats without ``.0``, a space before the unit."""
    if isinstance(v, bool):
        out = "yes" if v else "no"
    elif isinstance(v, float) and v.is_integer():
        out = f"{int(v)}"
    else:
        out = str(v)
    return f"{out} {unit}" if unit else out


# --------------------------------------------------------------------------------------------
# Loading and validation
# --------------------------------------------------------------------------------------------


class _Loader(StrictLoader):
    """The strict loader (no key written twice), leaving dates as text (the schema checks them)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def data_dir() -> Path:
    """The data layer's folder: ``$IMMUNOKIT_DATA`` if set, else ``data/`` of the course files
    (``book/`` of this repository, or the copy inside an installed toolkit: :mod:`immunokit.bookfiles`)."""
    env = os.environ.get("IMMUNOKIT_DATA")
    return Path(env) if env else bookfiles.book_dir() / "data"


def _default_bib() -> Path:
    return bookfiles.bibliography()


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The JSON Schema of a data file (``immunokit/facts.schema.json``)."""
    from .schemacheck import Draft202012Validator  # jsonschema: only when a check really runs

    raw = resources.files("immunokit").joinpath("facts.schema.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(raw)
    Draft202012Validator.check_schema(data)
    return data


_BIB_KEY = re.compile(r"^\s*@\s*\w+\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)


def _bib_keys(bibfile: Path) -> set[str] | None:
    if not bibfile.exists():
        return None
    return set(_BIB_KEY.findall(bibfile.read_text(encoding="utf-8")))


_BIB_ENTRY = re.compile(r"^\s*@\s*\w+\s*\{\s*([^,\s]+)\s*,(.*?)(?=^\s*@|\Z)", re.MULTILINE | re.DOTALL)
#: Fields that make a bibliography entry resolvable: a DOI, a PubMed id or the URL of the document.
_IDENTIFIER = re.compile(r"^\s*(doi|pmid|url)\s*=\s*[{\"]\s*\S", re.MULTILINE | re.IGNORECASE)


def _bib_identifiers(bibfile: Path) -> dict[str, list[str]] | None:
    """Each entry's identifying fields (``doi``, ``pmid``, ``url``) that are present and not empty."""
    if not bibfile.exists():
        return None
    text = bibfile.read_text(encoding="utf-8")
    return {
        m.group(1): sorted({f.lower() for f in _IDENTIFIER.findall(m.group(2))})
        for m in _BIB_ENTRY.finditer(text)
    }


def unresolvable_sources(
    facts: Mapping[str, Fact] | None = None, *, bibfile: str | Path | None = None
) -> list[str]:
    """Every fact whose source entry in ``references.bib`` carries no DOI, PMID or URL.

    A reader (or a reviewer) must be able to open the document a number rests on; an entry with only
    an author and a title cannot be checked, so a fact resting on it is refused by ``check``.
    """
    table = current() if facts is None else facts
    path = Path(bibfile) if bibfile is not None else _default_bib()
    ids = _bib_identifiers(path)
    if ids is None:
        return [f"{path}: the bibliography does not exist"]
    out: list[str] = []
    for f in table.values():
        if f.source not in ids:
            out.append(f"{f.file}: fact {f.id!r}: source {f.source!r} is not in {path.name}")
        elif not ids[f.source]:
            out.append(
                f"{f.file}: fact {f.id!r}: source {f.source!r} has no DOI, PMID or URL in {path.name}; "
                "add the identifier of the document the number comes from (or change the source)"
            )
    return out


def _entry_label(entries: Any, index: int) -> str:
    raw = entries[index] if isinstance(entries, list) and index < len(entries) else None
    fid = raw.get("id") if isinstance(raw, dict) else None
    return f"entry {index + 1} ({fid!r})" if isinstance(fid, str) else f"entry {index + 1} (no id)"


def _where(file: str, data: Any, path: Sequence[Any]) -> str:
    """``file: entry N ('id'), field 'x'`` for a JSON path into a data file."""
    if len(path) >= 2 and path[0] == "facts" and isinstance(path[1], int):
        entries = data.get("facts") if isinstance(data, dict) else None
        field = ".".join(str(p) for p in path[2:]) or "(the entry)"
        return f"{file}: {_entry_label(entries, path[1])}, field {field!r}"
    return f"{file}: field {'.'.join(str(p) for p in path) or '(top level)'!r}"


def _schema_message(error: Any) -> str:
    if error.validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        return f"missing required field {missing[0]!r}" if missing else error.message
    if error.validator == "additionalProperties":
        extra = re.findall(r"'([^']+)'", error.message)
        return f"unknown field(s) {', '.join(repr(e) for e in extra)}" if extra else error.message
    if error.validator == "pattern" and error.absolute_path and error.absolute_path[-1] == "checked":
        return f"{error.instance!r} is not a date written YYYY-MM-DD"
    if error.validator == "pattern" and error.absolute_path and error.absolute_path[-1] == "id":
        return f"{error.instance!r} is not a kebab-case id (lower-case letters, digits, single hyphens)"
    if error.validator == "type":
        return f"{error.instance!r} is not of type {error.validator_value}"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {error.validator_value}"
    return str(error.message)


def _check_file(path: Path, keys: set[str] | None, today: _dt.date) -> tuple[list[dict[str, Any]], list[str]]:
    """Validate one file; return (its valid raw entries, messages)."""
    name = path.name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "unknown position"
        return [], [f"{name}: YAML syntax error at {where}: {exc.problem or exc}"]
    except yaml.YAMLError as exc:
        return [], [f"{name}: YAML syntax error: {exc}"]
    except UnicodeDecodeError as exc:
        return [], [f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})"]
    if not isinstance(data, dict):
        return [], [f"{name}: a data file is a mapping with 'version', 'kind' and 'facts'"]
    messages: list[str] = []
    bad_entries: set[int] = set()
    from .schemacheck import Draft202012Validator

    validator = Draft202012Validator(schema())
    for error in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        p = list(error.absolute_path)
        if len(p) >= 2 and p[0] == "facts" and isinstance(p[1], int):
            bad_entries.add(p[1])
        messages.append(f"{_where(name, data, p)}: {_schema_message(error)}")
    entries: list[Any] = data["facts"] if isinstance(data.get("facts"), list) else []
    good: list[dict[str, Any]] = []
    for i, raw in enumerate(entries):
        if not isinstance(raw, dict):
            continue
        here = _where(name, data, ["facts", i])
        sem: list[str] = []
        checked = raw.get("checked")
        if isinstance(checked, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", checked):
            try:
                day = _dt.date.fromisoformat(checked)
            except ValueError:
                sem.append(f"{here.rsplit(', field', 1)[0]}, field 'checked': {checked!r} is not a real date")
            else:
                if day > today:
                    sem.append(f"{here.rsplit(', field', 1)[0]}, field 'checked': {checked} is in the future")
        source = raw.get("source")
        if isinstance(source, str) and keys is not None and source not in keys:
            sem.append(
                f"{here.rsplit(', field', 1)[0]}, field 'source': unknown source key {source!r} "
                "(not in book/references.bib)"
            )
        for j, pattern in enumerate(raw.get("patterns") or []):
            if not isinstance(pattern, str):
                continue
            try:
                groups = re.compile(pattern).groups
            except re.error as exc:
                sem.append(
                    f"{here.rsplit(', field', 1)[0]}, field 'patterns.{j}': not a regular expression ({exc})"
                )
                continue
            if groups != 1:
                sem.append(
                    f"{here.rsplit(', field', 1)[0]}, field 'patterns.{j}': needs exactly one capture group "
                    f"(the number), has {groups}"
                )
        if isinstance(raw.get("value"), str) and raw.get("unit") and not raw["value"].strip():
            sem.append(f"{here.rsplit(', field', 1)[0]}, field 'value': empty")
        messages.extend(sem)
        if sem or i in bad_entries:
            continue
        good.append(raw)
    return good, messages


class FactSet(Mapping[str, Fact]):
    """Every fact of the data layer, by id (a read-only mapping)."""

    def __init__(self, facts: Mapping[str, Fact], files: Sequence[Path]) -> None:
        self._facts = dict(facts)
        self.files = tuple(files)

    def __getitem__(self, key: str) -> Fact:
        try:
            return self._facts[key]
        except KeyError:
            close = [k for k in self._facts if key.split("-")[0] in k][:5]
            hint = f"; similar ids: {', '.join(close)}" if close else ""
            raise FactsError([f"unknown fact id {key!r}: not in {data_dir()}{hint}"], "problems") from None

    def __contains__(self, key: object) -> bool:
        return key in self._facts

    def get(self, key: str, default: Any = None) -> Any:
        return self._facts.get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._facts)

    def __len__(self) -> int:
        return len(self._facts)


def check(
    directory: str | Path | None = None,
    *,
    bibfile: str | Path | None = None,
    today: _dt.date | None = None,
) -> tuple[dict[str, Fact], list[str], list[Path]]:
    """Validate every ``*.yml`` in ``directory``; return (valid facts by id, every problem, files)."""
    folder = Path(directory) if directory is not None else data_dir()
    if not folder.is_dir():
        return {}, [f"{folder}: the data layer's folder does not exist"], []
    keys = _bib_keys(Path(bibfile) if bibfile is not None else _default_bib())
    day = today or _dt.date.today()
    files = sorted(folder.glob("*.yml"))
    if not files:
        return {}, [f"{folder}: no data files (*.yml)"], []
    facts: dict[str, Fact] = {}
    messages: list[str] = []
    digest = _digest(files, keys, day)
    checked = _read_checked(digest)
    valid: dict[str, list[dict[str, Any]]] = {}
    for path in files:
        good, msgs = (checked[path.name], []) if checked is not None else _check_file(path, keys, day)
        valid[path.name] = good
        messages.extend(msgs)
        for i, raw in enumerate(good):
            fid = raw["id"]
            if fid in facts:
                messages.append(
                    f"{path.name}: entry {i + 1} ({fid!r}), field 'id': duplicate id (also in {facts[fid].file})"
                )
                continue
            facts[fid] = Fact(
                id=fid,
                label=raw["label"],
                value=raw["value"],
                source=raw["source"],
                checked=_dt.date.fromisoformat(raw["checked"]),
                file=path.name,
                unit=raw.get("unit", ""),
                note=raw.get("note", ""),
                chapters=tuple(raw.get("chapters") or ()),
                patterns=tuple(raw.get("patterns") or ()),
            )
    if checked is None and not messages:
        _write_checked(digest, valid)
    return facts, messages, files


def _digest(files: Sequence[Path], keys: set[str] | None, today: _dt.date) -> str:
    """What a check's outcome depends on: the data files, the bibliography's keys, the day (no date may
    lie in the future), and the checking code and schema themselves."""
    h = hashlib.sha256()
    for part in (
        Path(__file__).read_bytes(),
        resources.files("immunokit").joinpath("facts.schema.json").read_bytes(),
    ):
        h.update(len(part).to_bytes(8, "big") + part)
    h.update(repr((sorted(keys) if keys is not None else None, today.isoformat())).encode("utf-8"))
    for path in files:
        data = path.read_bytes()
        h.update(path.name.encode("utf-8") + b"\0" + len(data).to_bytes(8, "big") + data)
    return h.hexdigest()[:24]


def _checked_file(digest: str) -> Path:
    """Where the valid entries of a data layer that passed every check are kept between processes."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "immunokit" / f"facts-{digest}.json"


def _read_checked(digest: str) -> dict[str, list[dict[str, Any]]] | None:
    """The entries of an earlier check of exactly these inputs (a new process reads JSON instead of
    parsing YAML and validating the schema again), or None."""
    try:
        data = json.loads(_checked_file(digest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        return None
    return data


def _write_checked(digest: str, valid: dict[str, list[dict[str, Any]]]) -> None:
    """Keep a clean check's entries, only when JSON gives them back unchanged (else nothing is kept)."""
    try:
        text = json.dumps(valid)
        if json.loads(text) != valid:
            return
        target = _checked_file(digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except (OSError, TypeError, ValueError):
        pass


def load(
    directory: str | Path | None = None, *, bibfile: str | Path | None = None, today: _dt.date | None = None
) -> FactSet:
    """Load and validate the data layer; raise :class:`FactsError` listing every problem."""
    facts, messages, files = check(directory, bibfile=bibfile, today=today)
    if messages:
        raise FactsError(messages)
    return FactSet(facts, files)


@lru_cache(maxsize=4)
def _cached(folder: str, stamp: tuple[tuple[str, float], ...]) -> FactSet:
    return load(folder)


def current() -> FactSet:
    """The data layer of :func:`data_dir`, re-read when a file changes."""
    folder = data_dir()
    stamp = (
        tuple((p.name, p.stat().st_mtime) for p in sorted(folder.glob("*.yml"))) if folder.is_dir() else ()
    )
    return _cached(str(folder), stamp)


def get(fact_id: str) -> Fact:
    """The :class:`Fact` with this id (raises :class:`FactsError` naming an unknown id)."""
    return current()[fact_id]


def value(fact_id: str) -> Any:
    """The value of a fact, e.g. ``value("e1910-hr-nejm")`` → ``0.41``; for notebooks and models."""
    return get(fact_id).value


def text(fact_id: str) -> str:
    """The value with its unit, as the book prints it."""
    return get(fact_id).text


# --------------------------------------------------------------------------------------------
# Placeholders
# --------------------------------------------------------------------------------------------


def expand(s: str, facts: Mapping[str, Fact] | None = None, *, where: str = "") -> str:
    """Replace every ``{fact:ID}`` (value and unit) and ``{fact:ID:value}`` in ``s``.

    Raises :class:`FactsError` naming ``where`` and every unknown id.
    """
    table = current() if facts is None else facts
    unknown = [m.group(1) for m in PLACEHOLDER.finditer(s) if m.group(1) not in table]
    if unknown:
        prefix = f"{where}: " if where else ""
        raise FactsError([f"{prefix}unknown fact id {u!r} in placeholder {{fact:{u}}}" for u in unknown])

    def sub(m: re.Match[str]) -> str:
        fact = table[m.group(1)]
        return format_value(fact.value) if m.group(2) else fact.text

    return PLACEHOLDER.sub(sub, s)


def expand_data(
    data: Any, facts: Mapping[str, Fact] | None = None
) -> tuple[Any, list[tuple[list[Any], str]]]:
    """Expand placeholders in every string of a parsed YAML/JSON structure.

    A string that is only ``{fact:ID:value}`` becomes the value itself (a number stays a number, so a
    numeric answer can come from the data layer). Returns (new data, [(path, message)] for unknown ids).
    """
    problems: list[tuple[list[Any], str]] = []
    try:
        table: Mapping[str, Fact] = current() if facts is None else facts
    except FactsError as exc:
        return data, [([], f"the clinical data layer is invalid: {m}") for m in exc.messages]

    def walk(node: Any, path: list[Any]) -> Any:
        if isinstance(node, str):
            if "{fact:" not in node:
                return node
            whole = PLACEHOLDER.fullmatch(node.strip())
            if whole and whole.group(2) and whole.group(1) in table:
                return table[whole.group(1)].value
            unknown = [m.group(0) for m in PLACEHOLDER.finditer(node) if m.group(1) not in table]
            if unknown:
                problems.extend((path, f"unknown fact id in placeholder {u}") for u in unknown)
                return node
            return expand(node, table)
        if isinstance(node, list):
            return [walk(v, [*path, i]) for i, v in enumerate(node)]
        if isinstance(node, dict):
            return {k: walk(v, [*path, k]) for k, v in node.items()}
        return node

    return walk(data, []), problems


def shown(fact: Fact, bare: bool | str | None = False) -> str:
    """What a use of ``fact`` renders: the value with its unit, or the bare value (``:value``)."""
    return format_value(fact.value) if bare else fact.text


def link_text(raw: str) -> str:
    """A fact link's text as a reader sees it: Markdown backslash escapes removed, spaces collapsed."""
    return " ".join(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", raw).split())


def fact_link(fact: Fact, bare: bool | str | None, folder: str | Path) -> str:
    """The Markdown link for a use of ``fact`` on a page in ``folder`` (its path relative to that folder)."""
    path = Path(os.path.relpath(data_dir() / fact.file, folder)).as_posix()
    text = _MD_SPECIAL.sub(r"\\\1", shown(fact, bare))
    return f"[{text}]({path}#{fact.id}{':value' if bare else ''})"


def link_problems(s: str, facts: Mapping[str, Fact] | None = None) -> list[str]:
    """Every fact link in ``s`` whose id is unknown, whose text differs from what the data layer renders
    (the data changed, or a number was typed) or whose path names another file than the fact's."""
    table = current() if facts is None else facts
    out: list[str] = []
    for m in LINK.finditer(s):
        fact = table.get(m["id"])
        if fact is None:
            out.append(
                f"link {m[0]!r}: unknown fact id {m['id']!r} (python -m immunokit.facts list shows every id)"
            )
            continue
        found, expected = link_text(m["text"]), shown(fact, m["fmt"])
        if found != expected:
            out.append(f"link to fact {fact.id!r} reads {found!r} but the data layer renders {expected!r}")
        if Path(m["path"]).name != fact.file:
            out.append(f"link to fact {fact.id!r} points to {m['path']!r} but the fact is in {fact.file!r}")
    return out


def uses(s: str) -> list[tuple[str, bool]]:
    """Every fact ``s`` states through the data layer, in order: (id, bare value?) for each ``{fact}``
    role, fact link and ``{fact:…}`` placeholder."""
    found = [(m.start(), m.group(1), bool(m.group(2))) for m in ROLE.finditer(s)]
    found += [(m.start(), m["id"], bool(m["fmt"])) for m in LINK.finditer(s)]
    found += [(m.start(), m.group(1), bool(m.group(2))) for m in PLACEHOLDER.finditer(s)]
    return [(fid, bare) for _, fid, bare in sorted(found)]


def expand_roles(s: str, facts: Mapping[str, Fact] | None = None) -> str:
    """Replace the MyST role ``{fact}`ID``` and the fact link ``[…](data/FILE.yml#ID)`` by what the book
    renders: the data layer's text, whatever the link's text says (unknown ids are left as written)."""
    table = current() if facts is None else facts

    def sub(m: re.Match[str]) -> str:
        fact = table.get(m.group(1))
        if fact is None:
            return m.group(0)
        return shown(fact, m.group(2))

    def sub_link(m: re.Match[str]) -> str:
        fact = table.get(m["id"])
        return m[0] if fact is None else shown(fact, m["fmt"])

    return LINK.sub(sub_link, ROLE.sub(sub, s))


def rendered(s: str, facts: Mapping[str, Fact] | None = None) -> str:
    """``s`` as a reader sees it: roles and placeholders replaced (unknown ids left as written)."""
    table = current() if facts is None else facts
    body = expand_roles(s, table)

    def sub(m: re.Match[str]) -> str:
        fact = table.get(m.group(1))
        if fact is None:
            return m.group(0)
        return format_value(fact.value) if m.group(2) else fact.text

    return PLACEHOLDER.sub(sub, body)


# --------------------------------------------------------------------------------------------
# Staleness and consistency
# --------------------------------------------------------------------------------------------


def _months_before(day: _dt.date, months: int) -> _dt.date:
    year, month = divmod(day.year * 12 + (day.month - 1) - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return _dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def stale(
    months: int = 12, *, today: _dt.date | None = None, facts: Mapping[str, Fact] | None = None
) -> list[Fact]:
    """Facts last checked more than ``months`` months before ``today``, oldest first."""
    table = current() if facts is None else facts
    limit = _months_before(today or _dt.date.today(), months)
    return sorted((f for f in table.values() if f.checked < limit), key=lambda f: (f.checked, f.id))


def _texts(path: Path) -> Iterator[tuple[str, str]]:
    """(where, text) pieces of a chapter notebook (one per cell), a Markdown page or a bank."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb.get("cells", [])):
            src = cell.get("source", "")
            yield (
                f"{path.name}: cell {i + 1} ({cell.get('cell_type')})",
                "".join(src) if isinstance(src, list) else str(src),
            )
    else:
        yield path.name, path.read_text(encoding="utf-8")


_WORDS = (("more than", ">"), ("over", ">"), ("at least", "≥"), ("less than", "<"), ("under", "<"))


def _normal(text: str) -> str:
    out = text.strip().lower().replace(",", "")
    for word, sign in _WORDS:
        out = out.replace(word, sign)
    return "".join(out.split())


def _same(found: str, fact: Fact) -> bool:
    a = _normal(found)
    b = _normal(format_value(fact.value))
    try:
        return abs(float(a) - float(b)) < 1e-9
    except ValueError:
        return a == b


def contradictions(paths: Iterable[str | Path], facts: Mapping[str, Fact] | None = None) -> list[str]:
    """Every place in ``paths`` where a fact's pattern finds a value other than the data layer's, and
    every fact link whose text or file differs from the data layer's (or whose id is unknown).

    Roles, links and placeholders are expanded first, so text that reads the value from the data layer is
    consistent by construction; a number typed by hand that differs is reported with the fact, its
    value and its source.
    """
    table = current() if facts is None else facts
    compiled = [(f, re.compile(p, re.IGNORECASE | re.DOTALL)) for f in table.values() for p in f.patterns]
    out: list[str] = []
    for p in paths:
        for where, raw in _texts(Path(p)):
            out.extend(
                f"{where}: {problem}; run python -m immunokit_build.sphinx.notebookmarkup"
                for problem in link_problems(raw, table)
            )
            body = rendered(raw, table)
            for fact, rx in compiled:
                for m in rx.finditer(body):
                    if not _same(m.group(1), fact):
                        start = max(m.start(), m.start(1) - 70)
                        snippet = " ".join(body[start : m.end(1) + 10].split())
                        out.append(
                            f"{where}: {snippet!r} says {m.group(1)!r} but fact {fact.id!r} is "
                            f"{fact.text!r} ({fact.source}, checked {fact.checked}); write "
                            f"{{fact}}`{fact.id}` (prose) or {{fact:{fact.id}}} (bank)"
                        )
    return out


def book_sources(root: Path = _ROOT) -> list[Path]:
    """The chapter notebooks, Markdown pages and banks the consistency check reads."""
    book = root / "book"
    return sorted([*book.glob("*.ipynb"), *book.glob("*.md"), *book.glob("*.quiz.yml")])


def reviewed(chapter: str, facts: Mapping[str, Fact] | None = None) -> _dt.date | None:
    """The date a chapter's evidence was last reviewed: the latest check of the facts it states."""
    table = current() if facts is None else facts
    dates = [f.checked for f in table.values() if chapter in f.chapters]
    return max(dates) if dates else None


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m immunokit.facts", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="data folder (default: book/data)")
    parser.add_argument(
        "--bib", help="bibliography the sources are checked against (default: book/references.bib)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="validate the data layer; list every problem")
    st = sub.add_parser("stale", help="facts not re-checked for more than --months months")
    st.add_argument("--months", type=int, default=12)
    st.add_argument("--today", help="reference date YYYY-MM-DD (default: today)")
    sub.add_parser(
        "check",
        help="numbers in chapters and banks that contradict the data layer, stale fact links, and facts "
        "whose source has no DOI, PMID or URL",
    )
    sub.add_parser("list", help="every fact: id, value, source, checked")
    args = parser.parse_args(argv)
    try:
        table = load(args.data, bibfile=args.bib) if args.data or args.bib else current()
    except FactsError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.command == "validate":
        print(f"{len(table)} facts in {len(table.files)} files: OK")
        return 0
    if args.command == "stale":
        try:
            today = _dt.date.fromisoformat(args.today) if args.today else None
        except ValueError:
            print(f"--today {args.today!r} is not a date written YYYY-MM-DD", file=sys.stderr)
            return 2
        old = stale(args.months, today=today, facts=table)
        for f in old:
            print(f"{f.checked}  {f.id}  ({f.file}, source {f.source}): {f.label}")
        print(f"{len(old)} of {len(table)} facts not re-checked for more than {args.months} months")
        return 1 if old else 0
    if args.command == "check":
        problems = contradictions(book_sources(), table)
        unresolved = unresolvable_sources(table, bibfile=args.bib)
        for line in [*problems, *unresolved]:
            print(line)
        print(f"{len(problems)} contradiction(s) with the data layer")
        print(f"{len(unresolved)} fact(s) whose source cannot be opened (no DOI, PMID or URL)")
        return 1 if problems or unresolved else 0
    for f in table.values():
        print(f"{f.id}\t{f.text}\t{f.source}\t{f.checked}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
