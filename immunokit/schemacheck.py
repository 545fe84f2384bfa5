"""JSON Schema validation for the course's YAML (question banks, the data layer), imported quickly.

``jsonschema`` imports every optional format checker it can find when it is first imported; one of them,
``rfc3987-syntax`` (installed with Jupyter's event system), compiles a grammar at import and costs
1–4 s in every process that loads a bank: each chapter kernel, ``quiz validate``, the grader's sandbox.
Neither schema of the course uses a ``format`` keyword, so that checker is kept out while jsonschema is
first imported, and the module stays importable afterwards for anyone else.
"""

from __future__ import annotations

import sys
from typing import Any


def _import_jsonschema() -> Any:
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        import jsonschema

        return jsonschema
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # makes its import raise ImportError
    try:
        import jsonschema
    finally:
        del sys.modules["rfc3987_syntax"]
    return jsonschema


_jsonschema = _import_jsonschema()
Draft202012Validator: Any = _jsonschema.Draft202012Validator
ValidationError: Any = _jsonschema.exceptions.ValidationError

__all__ = ["Draft202012Validator", "ValidationError"]
