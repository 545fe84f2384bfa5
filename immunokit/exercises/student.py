"""What runs in the student's kernel: ``check`` and ``hint``, and nothing the grader relies on.

In an exercise notebook::

    from immunokit.exercises import check, hint
    hint("pk-01")              # shows the next rung of the hint ladder, wherever the line is in the cell
    check("pk-01", css_pg_ml)  # a Verdict: correct / incorrect (with a targeted message) /
                               # not-attempted / wrong-type — never a traceback

``check`` is for learning only: the grader (:mod:`immunokit_instructor.grader`) never runs it and never reads what
it printed; it computes every verdict itself, outside the student's process.

In IPython (Jupyter, VS Code) importing this module installs two small helpers on the running shell:

* after every cell, the names the cell assigns are remembered together with whether the cell raised,
  so ``check`` can say "your answer cell raised SyntaxError" instead of judging an older value;
* a check cell whose answer variable does not exist yet shows "`washout_90_h` is not defined yet: run
  the cell above" instead of a ``NameError`` traceback.

When nbgrader autogrades or validates a notebook (it sets ``NBGRADER_EXECUTION``), :func:`check` raises
``AssertionError`` for an answer that is not correct, because nbgrader scores a test cell by whether it
raises, and returns a :class:`~.verdict.ScoredVerdict` for a correct one, whose plain text is the points
(the form nbgrader reads as a test cell's score). Everywhere else it only returns the verdict.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..markup import inline_html
from .catalog import Question, find_question, question_ids
from .verdict import ScoredVerdict, Status, Verdict

_UNSET: Any = object()


# --------------------------------------------------------------------------------------------------
# Hints


@dataclass(frozen=True)
class Hint:
    """One rung of a question's hint ladder, as shown to the student."""

    question: str
    rung: int
    total: int
    text: str

    def _heading(self) -> str:
        if self.total == 0:
            return f"{self.question}: no hints for this question"
        return f"{self.question}: hint {self.rung} of {self.total}"

    def __str__(self) -> str:
        return f"{self._heading()} — {self.text}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return (
            '<div class="ik-hint" role="note" style="border-left:6px solid #56B4E9;padding:.4em .8em;'
            f'margin:.3em 0;background:rgba(127,127,127,.08)"><strong>{self._heading()}</strong>'
            f"<div>{inline_html(self.text)}</div></div>"
        )


class HintLadder:
    """Reveals a question's hints one rung per call; remembers where each question is."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def reveal(self, question: str, hints: Sequence[str]) -> Hint:
        """The next hint for ``question`` (the last one again once the ladder is exhausted)."""
        if not hints:
            return Hint(question, 0, 0, "Reread the question and the section of the chapter it names.")
        rung = self._next.get(question, 0)
        if rung >= len(hints):
            return Hint(
                question,
                len(hints),
                len(hints),
                hints[-1] + " (That was the last hint; compare with a classmate, or ask your instructor.)",
            )
        self._next[question] = rung + 1
        return Hint(question, rung + 1, len(hints), hints[rung])

    def reset(self, question: str | None = None) -> None:
        """Start the ladder again for one question, or for all."""
        if question is None:
            self._next.clear()
        else:
            self._next.pop(question, None)


_LADDER = HintLadder()


def next_hint(question_id: str) -> Hint:
    """The next rung of the hint ladder for ``question_id`` (one more per call), without showing it."""
    question = _find(question_id)
    if question is None:
        return Hint(
            str(question_id), 0, 0, f"There is no question {question_id!r}; copy the id from the exercise."
        )
    return _LADDER.reveal(question.id, question.hints)


def hint(question_id: str) -> None:
    """Show the next rung of the hint ladder for ``question_id``, wherever the call is in the cell.

    In Jupyter the hint is displayed as a box; elsewhere it is printed. Each call shows one more rung.
    """
    shown = next_hint(question_id)
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display(shown)  # type: ignore[no-untyped-call]
            return
    except ImportError:
        pass
    print(shown)


def reset_hints(question_id: str | None = None) -> None:
    """Start the hint ladder again (for one question, or for all)."""
    _LADDER.reset(question_id)


# --------------------------------------------------------------------------------------------------
# Checks


def _find(question_id: object) -> Question | None:
    if not isinstance(question_id, str):
        return None
    try:
        return find_question(question_id)
    except ImportError:  # inside the grader's sandbox the catalogue's references are absent
        return None


#: Variable name -> the error its last answer cell raised (cleared when a cell assigning it succeeds).
_FAILED_CELLS: dict[str, str] = {}


def run_check(question_id: str, answer: Any) -> Verdict:
    """Check ``answer`` for the question ``question_id``; never raises."""
    question = _find(question_id)
    if question is None:
        try:
            known = ", ".join(question_ids()[:6])
        except ImportError:
            known = "pk-01"
        return Verdict(
            str(question_id),
            Status.NOT_ATTEMPTED,
            f"There is no question {question_id!r}. Question ids look like {known}, …; copy the id from "
            "the exercise cell.",
            0.0,
            0.0,
        )
    failed = _FAILED_CELLS.get(question.variable)
    if failed is not None:
        return Verdict(
            question.id,
            Status.NOT_ATTEMPTED,
            f"Your answer cell raised {failed}: fix it and run it again. (This check did not look at any "
            f"older value of `{question.variable}`.)",
            0.0,
            question.points,
        )
    return question.judge(answer)


def check(question_id: str, answer: Any = _UNSET) -> Verdict:
    """Check a student's ``answer`` to ``question_id`` and return a :class:`Verdict` that displays itself.

    Without ``answer`` the question's variable is read from the notebook's namespace. Under nbgrader
    (``NBGRADER_EXECUTION`` set) an answer that is not correct raises ``AssertionError`` so that
    nbgrader's test-cell scoring works; otherwise this never raises.
    """
    if answer is _UNSET:
        question = _find(question_id)
        namespace = _user_namespace()
        if question is not None and question.variable not in namespace:
            verdict = _not_defined(question)
        else:
            verdict = run_check(question_id, namespace.get(question.variable) if question else None)
    else:
        verdict = run_check(question_id, answer)
    if os.environ.get("NBGRADER_EXECUTION"):
        if not verdict.correct:
            raise AssertionError(verdict.text())
        return ScoredVerdict(
            verdict.question, verdict.status, verdict.message, verdict.points, verdict.max_points
        )
    return verdict


def _not_defined(question: Question) -> Verdict:
    return Verdict(
        question.id,
        Status.NOT_ATTEMPTED,
        f"`{question.variable}` is not defined yet: run the cell above (and fix it if it shows an error).",
        0.0,
        question.points,
    )


def _user_namespace() -> dict[str, Any]:
    try:
        from IPython import get_ipython

        shell = get_ipython()
        return dict(shell.user_ns) if shell is not None else {}
    except ImportError:
        return {}


# --------------------------------------------------------------------------------------------------
# IPython integration: remember failed answer cells, explain an undefined answer variable

_ASSIGNED = re.compile(r"^([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)", re.MULTILINE)
_CHECK_CALL = re.compile(r"""^\s*check\(\s*["']([a-z]+-\d{2})["']\s*,\s*([A-Za-z_]\w*)\s*\)\s*$""")


def assigned_names(source: str) -> set[str]:
    """Top-level names a cell assigns or defines (by a regular expression when it does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(_ASSIGNED.findall(source))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            for element in target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]:
                if isinstance(element, ast.Name):
                    names.add(element.id)
    return names


def _after_cell(result: Any) -> None:
    """IPython ``post_run_cell`` hook: remember which assigned names come from a cell that raised."""
    source = getattr(getattr(result, "info", None), "raw_cell", "") or ""
    error = getattr(result, "error_before_exec", None) or getattr(result, "error_in_exec", None)
    for name in assigned_names(source):
        if error is None:
            _FAILED_CELLS.pop(name, None)
        else:
            _FAILED_CELLS[name] = type(error).__name__


def _explain_name_error(shell: Any, etype: Any, value: Any, tb: Any, tb_offset: Any = None) -> Any:
    """IPython custom exception handler: a check cell whose answer variable is undefined explains itself."""
    cell = shell.user_ns.get("In", [""])[-1] if isinstance(shell.user_ns.get("In"), list) else ""
    match = _CHECK_CALL.match(cell or "")
    question = _find(match.group(1)) if match else None
    if question is not None and match and match.group(2) == question.variable:
        from IPython.display import display

        failed = _FAILED_CELLS.get(question.variable)
        if failed is not None:
            display(  # type: ignore[no-untyped-call]
                Verdict(
                    question.id,
                    Status.NOT_ATTEMPTED,
                    f"Your answer cell raised {failed}: fix it and run it again.",
                    0.0,
                    question.points,
                )
            )
        else:
            display(_not_defined(question))  # type: ignore[no-untyped-call]
        return None
    return shell.showtraceback((etype, value, tb), tb_offset=tb_offset)


def install(shell: Any = None) -> bool:
    """Install the two helpers on ``shell`` (the running IPython by default); True when installed."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = shell or get_ipython()
    if shell is None or getattr(shell, "_immunokit_student", False):
        return False
    shell.events.register("post_run_cell", _after_cell)
    shell.set_custom_exc((NameError,), _explain_name_error)
    shell._immunokit_student = True
    return True


install()
