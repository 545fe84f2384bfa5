"""The :class:`Quiz`: one question bank, two renderings, one score.

In a chapter notebook::

    from immunokit.quiz import Quiz
    quiz = Quiz.from_bank("ch04_bispecific_engagers.quiz.yml")
    quiz

Live in Jupyter the last line shows ipywidgets (Check / Try again, feedback, explanation, hints);
in the built book it shows the static HTML that ``immunokit.js`` grades in the browser by the same
rules (:mod:`immunokit.quiz.grading`). ``quiz.score`` and ``quiz.results()`` record the live attempts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import bookfiles
from ..interactive.base import Interactive, LiveView
from .bank import Bank, BankError, QuizQuestion, load_bank
from .grading import QuizVerdict, format_score, grade


@dataclass(frozen=True)
class Attempt:
    """One graded (not invalid) answer to one question."""

    question: str
    objective: str
    attempt: int
    answer: str
    status: str
    score: float


class ResultsTable(list[dict[str, Any]]):
    """The attempts as a list of dicts that also prints as a table (no pandas needed)."""

    COLUMNS = ("question", "objective", "attempt", "answer", "status", "score")

    def __str__(self) -> str:
        rows = [list(self.COLUMNS)] + [[str(r[c]) for c in self.COLUMNS] for r in self]
        widths = [max(len(row[i]) for row in rows) for i in range(len(self.COLUMNS))]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows
        ]
        return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])

    def _repr_html_(self) -> str:
        import html

        head = "".join(f"<th>{c}</th>" for c in self.COLUMNS)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(r[c]))}</td>" for c in self.COLUMNS) + "</tr>"
            for r in self
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class Quiz(Interactive):
    """A quiz over questions of one bank.

    Parameters
    ----------
    questions
        Validated questions, in the order shown.
    source
        Where they came from (a bank file name); seeds the static element ids.
    title
        Optional visible title (the chapter's "Check your understanding" heading usually suffices).
    bibfile
        ``references.bib`` for the author–year source lines of ``cite`` keys.
    uid
        Root id of the static HTML; derived from the source and the question ids when omitted. Give
        one when the same questions appear twice on a page.
    """

    def __init__(
        self,
        questions: Sequence[QuizQuestion],
        *,
        source: str = "quiz",
        title: str | None = None,
        bibfile: Path | None = None,
        uid: str | None = None,
    ) -> None:
        if not questions:
            raise ValueError("a quiz needs at least one question")
        # Written answers are not auto-scored: they are shown after the graded questions.
        self.questions: tuple[QuizQuestion, ...] = tuple(q for q in questions if q.auto_scored)
        self.written: tuple[QuizQuestion, ...] = tuple(q for q in questions if not q.auto_scored)
        self.written_views: list[Any] = []
        self.source = source
        self.title = title
        self.bibfile = bibfile
        self.uid = uid
        self._attempts: list[Attempt] = []
        self._latest: dict[str, float] = {}

    # ---- construction -----------------------------------------------------------------------
    @classmethod
    def from_bank(
        cls,
        path: str | Path,
        ids: Sequence[str] | None = None,
        *,
        title: str | None = None,
        uid: str | None = None,
    ) -> Quiz:
        """Load a bank (validated; :class:`BankError` lists every problem) and make a quiz of it.

        Parameters
        ----------
        path
            The ``.quiz.yml`` file (relative paths are relative to the working directory, which is
            the notebook's folder when a chapter runs).
        ids
            Question ids to include, in this order; default: every question of the bank.
        """
        try:  # the working directory first, then the course's book/ (a checkout or the wheel's copy)
            path = bookfiles.find(path)
        except FileNotFoundError as err:
            raise FileNotFoundError(f"question bank {str(path)!r} not found: {err}") from None
        bank: Bank = load_bank(path)
        questions = list(bank.questions)
        if ids is not None:
            known = {q.id: q for q in questions}
            unknown = [i for i in ids if i not in known]
            if unknown:
                raise BankError(path, [f"{path.name}: no question with id {i!r}" for i in unknown])
            questions = [known[i] for i in ids]
        bib = path.with_name("references.bib")
        return cls(questions, source=path.name, title=title, bibfile=bib if bib.exists() else None, uid=uid)

    def question(self, qid: str) -> QuizQuestion:
        """The question with id ``qid``."""
        for q in (*self.questions, *self.written):
            if q.id == qid:
                return q
        raise KeyError(f"no question {qid!r} in this quiz; ids: {', '.join(q.id for q in self.questions)}")

    # ---- grading and records ----------------------------------------------------------------
    def check(self, qid: str, answer: Any) -> QuizVerdict:
        """Grade ``answer`` to question ``qid`` and record it (invalid answers are not recorded).

        Answers use bank indices (see :mod:`immunokit.quiz.grading`).
        """
        q = self.question(qid)
        verdict = grade(q, answer)
        if verdict.status != "invalid":
            n = sum(1 for a in self._attempts if a.question == qid) + 1
            self._attempts.append(
                Attempt(qid, q.objective, n, _describe_answer(q, answer), verdict.status, verdict.score)
            )
            self._latest[qid] = verdict.score
        return verdict

    @property
    def score(self) -> float:
        """Sum over questions of the score of the latest checked answer (0–1 each)."""
        return sum(self._latest.values())

    @property
    def max_score(self) -> int:
        """The number of questions."""
        return len(self.questions)

    @property
    def answered(self) -> int:
        """How many questions have a checked answer."""
        return len(self._latest)

    def score_text(self) -> str:
        """``"Score: 3 of 8"`` — the same words as the static page."""
        return f"Score: {format_score(self.score)} of {self.max_score}"

    def results(self) -> ResultsTable:
        """Every checked attempt, oldest first: question, objective, attempt, answer, status, score."""
        return ResultsTable(
            {
                "question": a.question,
                "objective": a.objective,
                "attempt": a.attempt,
                "answer": a.answer,
                "status": a.status,
                "score": a.score,
            }
            for a in self._attempts
        )

    def reset(self) -> None:
        """Forget every attempt."""
        self._attempts.clear()
        self._latest.clear()

    # ---- renderings -------------------------------------------------------------------------
    def widget(self) -> LiveView:
        from .written import written_widget

        written, self.written_views = written_widget(self.written)
        if not self.questions:
            return LiveView([written])
        from ..interactive.quiz_live import quiz_widget

        view = quiz_widget(self)
        if self.written:  # written answers are not scored: they follow the graded questions
            view.box.children = (*view.box.children, written)
        return view

    def to_html(self) -> str:
        from .written import written_html

        written = written_html(self.written, key=self.uid or self.source)
        if not self.questions:
            return written
        from ..interactive.quiz_static import quiz_html

        return (
            quiz_html(self.questions, key=self.source, title=self.title, bibfile=self.bibfile, uid=self.uid)
            + written
        )

    def __repr__(self) -> str:
        written = f", {len(self.written)} written" if self.written else ""
        return f"<Quiz {self.source}: {self.max_score} questions{written}, {self.score_text().lower()}>"


def _describe_answer(q: QuizQuestion, answer: Any) -> str:
    """The answer as readable text for the results table."""
    from ..markup import plain_text

    if q.type == "single":
        return plain_text(q.options[answer].text)
    if q.type == "multiple":
        return "; ".join(plain_text(q.options[i].text) for i in sorted(set(answer)))
    if q.type == "numeric":
        return str(answer).strip()
    return " → ".join(plain_text(q.items[i]) for i in answer)
