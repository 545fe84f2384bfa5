"""The one format in which answers leave a sandbox: JSON of plain types, checked on the way back in.

Inside the sandbox, :func:`encode` turns a student's variable into a small JSON-ready dictionary (a
number, a string, a list of numbers or strings, an array's values and shape, the marker ``...``, or
only the *kind* of anything else, e.g. ``function``). Outside, :func:`decode` reads such a dictionary
back into a plain Python value that a checker can judge, and refuses anything else: an unknown kind, a
string longer than :data:`MAX_STRING`, more than :data:`MAX_ITEMS` items, a nested structure. Nothing
from the sandbox is ever unpickled, evaluated or trusted beyond these checks.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

#: Longest string answer kept (characters); a longer one is cut and marked.
MAX_STRING = 2000
#: Most items in a list or array answer.
MAX_ITEMS = 10_000


@dataclass(frozen=True)
class Opaque:
    """An answer that is not a plain value (a function, an object): only its kind and description."""

    kind: str
    description: str

    def __repr__(self) -> str:
        return self.description


class FunctionAnswer(Opaque):
    """A function answer: the grader exercises it in fresh sandboxed processes, one per test case."""


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real):
        try:
            return float(value)
        except (TypeError, ValueError, OverflowError):
            return None
    return None


def _finite_or_tag(x: float) -> float | str:
    return x if math.isfinite(x) else repr(x)  # JSON has no nan/inf: 'nan', 'inf', '-inf'


def encode(value: Any) -> dict[str, Any]:
    """A JSON-ready description of ``value`` (runs inside the sandbox; never raises)."""
    try:
        return _encode(value)
    except Exception as err:  # a hostile object may raise from anything
        return {"kind": "other", "description": f"a value that could not be read ({type(err).__name__})"}


def _encode(value: Any) -> dict[str, Any]:
    if value is Ellipsis:
        return {"kind": "ellipsis"}
    if value is None:
        return {"kind": "none"}
    if isinstance(value, bool):
        return {"kind": "bool", "value": bool(value)}
    if isinstance(value, str):
        return {"kind": "str", "value": str.__str__(value)[:MAX_STRING]}
    if isinstance(value, complex):
        return {"kind": "other", "description": f"the complex number {complex(value)!r}"}
    number = _number(value)
    if number is not None:
        return {"kind": "number", "value": _finite_or_tag(number)}
    try:
        import numpy as np

        if isinstance(value, np.ndarray):
            if value.size > MAX_ITEMS:
                return {"kind": "other", "description": f"a NumPy array of shape {tuple(value.shape)}"}
            if np.issubdtype(value.dtype, np.number) and not np.iscomplexobj(value):
                flat = [_finite_or_tag(float(v)) for v in value.reshape(-1).tolist()]
                return {"kind": "array", "shape": [int(s) for s in value.shape], "value": flat}
            return {"kind": "other", "description": f"a NumPy array of shape {tuple(value.shape)}"}
    except ImportError:
        pass
    if isinstance(value, (list, tuple, set, frozenset)):
        container = type(value).__name__ if type(value) in (list, tuple, set, frozenset) else "list"
        items = list(value)[: MAX_ITEMS + 1]
        if len(items) > MAX_ITEMS:
            return {"kind": "other", "description": f"a {container} of more than {MAX_ITEMS} items"}
        out: list[Any] = []
        for item in items:
            if isinstance(item, str):
                out.append(str.__str__(item)[:MAX_STRING])
                continue
            number = _number(item)
            if number is None:
                return {"kind": "other", "description": f"a {container} of {len(items)} items"}
            out.append(_finite_or_tag(number))
        if container in ("set", "frozenset"):
            if not all(isinstance(i, str) for i in out):
                return {"kind": "other", "description": f"a {container} of {len(items)} items"}
            out = sorted(out)
        return {"kind": container, "value": out}
    if isinstance(value, dict):
        return {"kind": "other", "description": f"a dict of {len(value)} items"}
    if isinstance(value, bytes):
        return {"kind": "other", "description": "a bytes value"}
    if callable(value):
        name = getattr(value, "__name__", "?")
        return {"kind": "function", "description": f"the function {str(name)[:80]}"}
    return {"kind": "other", "description": f"a value of type {type(value).__name__[:80]}"}


class BadAnswer(ValueError):
    """An encoded answer that does not follow the format (the sandbox's output was tampered with)."""


def _float(raw: Any) -> float:
    if isinstance(raw, bool):
        raise BadAnswer("a boolean where a number was expected")
    if isinstance(raw, (int, float)):
        return float(raw)
    if raw in ("nan", "inf", "-inf"):
        return float(raw)
    raise BadAnswer(f"not a number: {type(raw).__name__}")


def _text(raw: Any) -> str:
    if not isinstance(raw, str) or len(raw) > MAX_STRING:
        raise BadAnswer("not a string of at most MAX_STRING characters")
    return raw


def _items(raw: Any) -> list[Any]:
    if not isinstance(raw, list) or len(raw) > MAX_ITEMS:
        raise BadAnswer("not a list of at most MAX_ITEMS items")
    return raw


def decode(raw: Any) -> Any:
    """The plain value an encoded answer stands for (runs in the grader); :class:`BadAnswer` if malformed."""
    if not isinstance(raw, dict) or not isinstance(raw.get("kind"), str):
        raise BadAnswer("an answer must be an object with a 'kind'")
    kind = raw["kind"]
    if kind == "ellipsis":
        return Ellipsis
    if kind == "none":
        return None
    if kind == "bool":
        if not isinstance(raw.get("value"), bool):
            raise BadAnswer("bool answer without a boolean value")
        return raw["value"]
    if kind == "str":
        return _text(raw.get("value"))
    if kind == "number":
        return _float(raw.get("value"))
    if kind in ("list", "tuple", "set", "frozenset"):
        items = [
            i if isinstance(i, str) and len(i) <= MAX_STRING else _float(i) for i in _items(raw.get("value"))
        ]
        if kind == "tuple":
            return tuple(items)
        if kind in ("set", "frozenset"):
            if not all(isinstance(i, str) for i in items):
                raise BadAnswer("a set answer holds strings only")
            return frozenset(items) if kind == "frozenset" else set(items)
        return items
    if kind == "array":
        import numpy as np

        values = [_float(v) for v in _items(raw.get("value"))]
        shape = raw.get("shape")
        if (
            not isinstance(shape, list)
            or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape)
            or len(shape) > 8
        ):
            raise BadAnswer("array answer with a bad shape")
        if math.prod(shape) != len(values):
            raise BadAnswer("array answer whose shape does not match its values")
        return np.asarray(values, dtype=float).reshape(shape)
    if kind in ("function", "other"):
        description = _text(raw.get("description", "a value"))
        return (FunctionAnswer if kind == "function" else Opaque)(kind, description)
    raise BadAnswer(f"unknown answer kind {kind[:40]!r}")
