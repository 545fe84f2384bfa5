"""Student copies of the question banks: model answers and rubric texts replaced by a placeholder.

The toolkit's wheel (and the course bundle that carries it, which the published site offers for download)
needs the banks to show the quizzes in a student's kernel. A written item's model answer and its rubric's
texts are instructor artifacts (issue 23), so the wheel gets this copy: the same bank, valid for
:func:`immunokit.quiz.bank.load_bank`, with every such text replaced by :data:`PLACEHOLDER` and the rubric's
points kept (the book tells a student what the answer is worth). The instructor's files come from the
repository's own banks (``make export``).
"""

from __future__ import annotations

from typing import Any

import yaml

PLACEHOLDER = "Held by your instructor (make export)."
#: Fields of a written item that a student may see; any other text field of it is replaced.
PUBLIC_FIELDS = frozenset(
    {"id", "objective", "level", "hint", "type", "prompt", "explanation", "cite", "cross_chapter"}
)


def _blank(value: Any) -> Any:
    """Every string inside ``value`` replaced by the placeholder; numbers and booleans kept."""
    if isinstance(value, str):
        return PLACEHOLDER
    if isinstance(value, list):
        return [_blank(v) for v in value]
    if isinstance(value, dict):
        return {k: _blank(v) for k, v in value.items()}
    return value


def student_bank(text: str) -> str:
    """The YAML of a bank with its written items' model answers and rubric texts replaced."""
    bank = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml's: 5× faster
    for q in bank.get("questions", []) if isinstance(bank, dict) else []:
        if isinstance(q, dict) and q.get("type") == "written":
            for key in list(q):
                if key not in PUBLIC_FIELDS:
                    q[key] = _blank(q[key])
    return str(yaml.safe_dump(bank, sort_keys=False, allow_unicode=True, width=100))


__all__ = ["PLACEHOLDER", "student_bank"]
