"""Registration by decorator: the lists of diagrams and explorers are derived, never kept by hand.

A diagram function (no arguments, returns a :class:`~immunokit.Figure` or a
:class:`~immunokit.interactive.Stepper`) is registered where it is written::

    @register_diagram(chapter=4, summary="blinatumomab bridging CD3ε and CD19",
                      key_terms=("CD19", "CD3ε", "T cell"))
    def bite_synapse() -> Stepper: ...

and an explorer factory (no arguments, returns an :class:`~immunokit.interactive.Explorer`) the same
way with :func:`register_explorer`. :data:`DIAGRAMS` and :data:`EXPLORERS` map names to
:class:`Entry` records (call one to make the diagram or explorer); the first access imports every
module of :data:`DOMAINS`, so nothing is missed. The package docstrings of ``immunokit.diagrams`` and
``immunokit.models``, the tests and the benchmark all read these two mappings.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

#: The packages and modules whose import registers every diagram and explorer.
DOMAINS: tuple[str, ...] = ("immunokit.diagrams", "immunokit.models", "immunokit.evidence")

Kind = Literal["diagram", "explorer"]
F = TypeVar("F", bound=Callable[[], Any])


@dataclass(frozen=True)
class Entry:
    """One registered diagram or explorer. Calling it makes a fresh one."""

    name: str
    kind: Kind
    make: Callable[[], Any]
    chapter: int
    summary: str
    module: str
    key_terms: tuple[str, ...] = ()

    def __call__(self) -> Any:
        return self.make()

    @property
    def returns(self) -> str:
        """The name of the type the function returns (from its annotation)."""
        annotation = inspect.signature(self.make).return_annotation
        return annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "?")


_ENTRIES: dict[Kind, dict[str, Entry]] = {"diagram": {}, "explorer": {}}


def _register(
    kind: Kind, name: str, func: Callable[[], Any], chapter: int, summary: str, terms: tuple[str, ...]
) -> None:
    known = _ENTRIES[kind].get(name)
    if known is not None and known.module != func.__module__:
        raise ValueError(f"{kind} {name!r} is registered twice: in {known.module} and {func.__module__}")
    _ENTRIES[kind][name] = Entry(name, kind, func, chapter, summary, func.__module__, terms)


def register_diagram(*, chapter: int, summary: str, key_terms: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Register a diagram function under its own name.

    ``key_terms`` are words the figure must label *and* its alt text or caption must name (the
    diagram tests check every one).
    """

    def decorate(func: F) -> F:
        _register("diagram", func.__name__, func, chapter, summary, tuple(key_terms))
        return func

    return decorate


def register_explorer(*, chapter: int, summary: str, name: str | None = None) -> Callable[[F], F]:
    """Register an explorer factory.

    Its name is ``name``, else the function's name without ``_explorer`` (``response_ci_explorer`` →
    ``response_ci``), else, for a function called ``explorer``, its module's name (``occupancy``).
    """

    def decorate(func: F) -> F:
        derived = func.__name__.removesuffix("_explorer")
        if func.__name__ == "explorer":
            derived = func.__module__.rsplit(".", 1)[-1]
        _register("explorer", name or derived, func, chapter, summary, ())
        return func

    return decorate


def import_package(package: str) -> None:
    """Import every module of ``package`` (which registers what they define)."""
    module = importlib.import_module(package)
    for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
        importlib.import_module(f"{package}.{info.name}")


def registered_in(package: str, kind: Kind) -> dict[str, Entry]:
    """The entries of ``kind`` defined in ``package`` so far, in chapter order."""
    found = [e for e in _ENTRIES[kind].values() if e.module == package or e.module.startswith(package + ".")]
    return {e.name: e for e in sorted(found, key=lambda e: e.chapter)}


def table(entries: Mapping[str, Entry]) -> str:
    """An reStructuredText table of ``entries`` (name, returns, chapter, summary) for a docstring."""
    rows = [(name, e.returns, str(e.chapter), e.summary) for name, e in entries.items()]
    header = ("function", "returns", "chapter", "what it shows")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    rule = "  ".join("=" * w for w in widths)

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()

    return "\n".join([rule, line(header), rule, *(line(r) for r in rows), rule])


class _Registry(Mapping[str, Entry]):
    """A read-only view of the registered entries of one kind, complete on first access."""

    def __init__(self, kind: Kind) -> None:
        self._kind: Kind = kind
        self._loaded = False

    def _entries(self) -> dict[str, Entry]:
        if not self._loaded:
            for domain in DOMAINS:
                import_package(domain)
            self._loaded = True
        return dict(sorted(_ENTRIES[self._kind].items(), key=lambda item: item[1].chapter))

    def __getitem__(self, name: str) -> Entry:
        entries = self._entries()
        if name not in entries:
            raise KeyError(f"no {self._kind} called {name!r}; registered: {', '.join(entries)}")
        return entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries())

    def __len__(self) -> int:
        return len(self._entries())

    def __repr__(self) -> str:
        return f"<{self._kind}s: {', '.join(self)}>"


#: Every registered diagram, by function name, in chapter order.
DIAGRAMS: Mapping[str, Entry] = _Registry("diagram")
#: Every registered explorer, by name, in chapter order.
EXPLORERS: Mapping[str, Entry] = _Registry("explorer")
