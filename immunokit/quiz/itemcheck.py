"""Checks on question items that read the items' text, never the labels the banks declare about themselves.

Three families of rule (issue 23), each returning its problems as sentences naming the bank and the item:

* **Honest levels** (:func:`level_problems`, :func:`checked_rows`): a label of *apply* or above requires
  new material — an item with a ``generator:`` (its numbers are drawn anew for every variant), or an
  item whose answer is printed nowhere in the course. "Printed" is decided against the course's text
  (:func:`course_corpus`): every chapter's and review's prose, every prose page of ``book/`` (the
  numbers primer ``reading_the_numbers.md`` included), the exercise notebooks, and the **outputs** of the
  executed chapters (``_build/jupyter_execute``, written by the book's build; the quiz renderings are
  left out, as they are the items themselves):

  - a numeric answer is printed when a passage of the corpus holds a number the item would accept as
    correct (within its tolerance) *and* shares at least :data:`CONTEXT_WORDS` content words with the
    item's prompt (so a "7" in an unrelated table does not count, a "7" beside "ICE score" does);
  - a keyed option of a choice item, a model answer's sentence or an ordering's sequence is printed
    when one sentence of the corpus holds at least :data:`PHRASE_COVER` of its content words.

  The *checked* level of an item is its label when the label is below apply or the item passes this
  rule, and "printed" otherwise; the course map reports the checked share of apply-or-above items.

* **Item-writing lint** (:func:`lint_bank`, :func:`lint_course`): cues a test-wise student uses — the
  keyed option uniquely longest in more than :data:`MAX_LONGEST_SHARE` of a bank's single-answer items;
  multiple-answer items that all key the same number of options; two numeric items of one bank with the
  same answer; "all/none of the above"; an explanation that gives away another item's key.

* **Spaced reviews** (:func:`review_problems`): a Part review draws at least half of its items from
  earlier Parts; the whole-course review draws on every Part; no review item is a near-copy of a
  chapter item (:func:`similarity` ≥ :data:`NEAR_COPY`).

``python -m immunokit_instructor.quiz lint`` prints every problem of the three families (exit 1 if any).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bank import HIGHER_ORDER, check_bank

#: Distinctive content words a passage must share with a numeric item's prompt for a number in it to
#: be "its" answer (two for a passage of up to eight words); a word is distinctive when fewer than
#: :data:`COMMON_SHARE` of all passages hold it.
CONTEXT_WORDS = 3
COMMON_SHARE = 0.03
#: Share of a phrase's content words one corpus sentence must hold for the phrase to count as printed.
PHRASE_COVER = 0.75
#: A phrase needs at least this many content words to be checked at all (shorter keys say too little).
MIN_PHRASE_WORDS = 3
#: A keyed option gives itself away in another item's explanation when one sentence there holds all of
#: its content words, and it has at least this many.
GIVEAWAY_WORDS = 4
#: Most single-answer items of a bank whose keyed option may be the uniquely longest.
MAX_LONGEST_SHARE = 0.35
#: Two items this similar (0–1, :func:`similarity`) are near-copies.
NEAR_COPY = 0.5
#: Share of apply-or-above items (by the checked rule) every bank must reach.
MIN_HIGHER_SHARE = 0.40

_STOP = frozenset(
    """a about above after again against all also an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers him his how i if in into is it its itself just me more most my no nor
    not now of off on once only or other our out over own same she should so some such than that the
    their them then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yes one two three per vs versus may
    might must shall which whose it's than rather still every many much less lower higher new first
    give gives given use used using show shows shown say says said make makes made""".split()
)
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_NUMBER = re.compile(r"(?<![\w.])[-−–]?\d[\d,]*(?:\.\d+)?(?![\w])")
_ALL_NONE = re.compile(r"\b(all|none|both|neither) of the (above|options|answers)\b", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
#: Ends of HTML blocks (a table row, a paragraph): an HTML output is read row by row, like printed text.
_BLOCK_END = re.compile(r"</(?:tr|p|li|h[1-6]|caption|div|figcaption)>|<br\s*/?>", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n\s*\n|\n\s*[-*|]")


def _places(x: float) -> int:
    """Decimal places of ``x`` as a bank writes it (0.375 → 3, 41.0 → 0)."""
    text = f"{x:.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def content_words(text: str) -> list[str]:
    """Lower-case, lightly stemmed words of ``text`` without stop words, markup or pure numbers."""
    text = _TAG.sub(" ", text).lower().replace("’", "'")
    return [_stem(w) for w in _WORD.findall(text) if w not in _STOP and not w[0].isdigit() and len(w) > 1]


def numbers_in(text: str) -> list[float]:
    """Every number written in ``text`` (thousands separators, Unicode minus and en dash read)."""
    out = []
    for token in _NUMBER.findall(text):
        token = token.replace(",", "").replace("−", "-").replace("–", "-")
        try:
            out.append(float(token))
        except ValueError:
            continue
    return out


# --------------------------------------------------------------------------------------------
# The course's text
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """One sentence (or output line) of the course, with where it comes from."""

    source: str
    text: str
    words: frozenset[str]
    numbers: tuple[float, ...]


@dataclass
class Corpus:
    """The course's text, split into passages; ``outputs`` says whether code outputs are in it."""

    passages: list[Passage] = field(default_factory=list, repr=False)
    outputs: bool = False
    sources: list[str] = field(default_factory=list)
    _frequency: Counter[str] | None = field(default=None, repr=False)

    def distinctive(self, words: set[str]) -> set[str]:
        """The words of ``words`` that fewer than ``COMMON_SHARE`` of the passages hold."""
        if self._frequency is None or sum(self._frequency.values()) == 0:
            self._frequency = Counter(w for p in self.passages for w in p.words)
        limit = max(2.0, COMMON_SHARE * len(self.passages))
        return {w for w in words if self._frequency[w] < limit}

    def add(self, source: str, text: str, *, lines: bool = False) -> None:
        """Add ``text`` split into sentences (``lines``: into lines, for printed code output)."""
        self.sources.append(source)
        text = _TAG.sub(" ", _BLOCK_END.sub("\n", text))
        for piece in text.splitlines() if lines else _SENTENCE.split(text):
            piece = piece.strip()
            if piece:
                self._frequency = None
                self.passages.append(
                    Passage(source, piece, frozenset(content_words(piece)), tuple(numbers_in(piece)))
                )

    def printed_number(self, answer: float, tolerance: float, context: set[str]) -> Passage | None:
        """A passage holding ``answer`` (as written, more precisely or rounded, within the tolerance) beside
        ``CONTEXT_WORDS`` distinctive words of the prompt, in it or in the sentence before it."""
        slack = max(tolerance, 1e-9 * max(1.0, abs(answer)))
        places = _places(answer)

        def shown(n: float) -> bool:
            """``n`` is the answer as written, more precisely (40.6 for 41) or rounded (55 for 54.8)."""
            eps = 1e-9 * max(1.0, abs(answer))
            if abs(round(n, places) - answer) <= eps or abs(round(answer, _places(n)) - n) <= eps:
                return abs(n - answer) <= max(slack, 1e-9)
            return False

        context = self.distinctive(context)
        small = answer == int(answer) and abs(answer) < 10
        for i, p in enumerate(self.passages):
            exact = any(abs(n - answer) <= 1e-9 * max(1.0, abs(answer)) for n in p.numbers)
            if not (exact or any(shown(n) for n in p.numbers)):
                continue
            if small and len({n for n in p.numbers if n == int(n) and abs(n) < 10}) >= 3:
                continue  # a scale or a list ("Grade 1 | Grade 2 | Grade 3"), not an answer
            before = self.passages[i - 1] if i and self.passages[i - 1].source == p.source else None
            words = p.words | (before.words if before else frozenset())
            # a short output line ("90% occupancy needs 72 nM") holds few words: it needs fewer, but never
            # fewer than two; a small whole number stands in many passages, so it needs twice the context
            # a value that is only close to the answer (55 for 54.8) needs twice the context, too
            need = min(CONTEXT_WORDS, max(2, math.ceil(len(p.words) / 4))) * (2 if small or not exact else 1)
            if len(words & context) >= need:
                return p
        return None

    def printed_phrase(self, phrase: str) -> Passage | None:
        """A passage holding at least ``PHRASE_COVER`` of the phrase's content words (``None`` if none)."""
        words = set(content_words(phrase))
        if len(words) < MIN_PHRASE_WORDS:
            return None
        need = math.ceil(PHRASE_COVER * len(words))
        for p in self.passages:
            if len(p.words & words) >= need:
                return p
        return None


def _cell_text(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _output_text(output: dict[str, Any]) -> str:
    """The text a reader sees of one code output, or "" for a quiz's own rendering."""
    if output.get("output_type") == "stream":
        text = output.get("text", "")
        return "".join(text) if isinstance(text, list) else str(text)
    data = output.get("data", {})
    for mime in ("text/html", "text/markdown", "text/plain"):
        if mime in data:
            value = data[mime]
            text = "".join(value) if isinstance(value, list) else str(value)
            if 'data-ik="quiz"' in text or "ik-written" in text:
                return ""  # the item itself, not course material
            return text
    return ""


def executed_dir(root: Path) -> Path:
    """Where the book's build leaves the executed notebooks (with outputs)."""
    return root / "_build" / "jupyter_execute" / "book"


def course_corpus(root: Path, *, executed: Path | None = None) -> Corpus:
    """The course's text: prose of chapters, reviews, pages and exercises, and executed outputs.

    ``executed`` is the folder of executed chapter notebooks (default :func:`executed_dir`); when it
    holds none, the corpus has no code outputs and ``Corpus.outputs`` is False.
    """
    book = root / "book"
    corpus = Corpus()
    executed = executed if executed is not None else executed_dir(root)
    for nb in sorted(book.glob("ch[0-9][0-9]_*.ipynb")) + sorted(book.glob("review[0-9]*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8")).get("cells", [])
        for cell in cells:
            if cell.get("cell_type") == "markdown":
                corpus.add(nb.name, _cell_text(cell))
        ran = executed / nb.name
        if ran.exists():
            for cell in json.loads(ran.read_text(encoding="utf-8")).get("cells", []):
                for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
                    text = _output_text(output)
                    if text:
                        corpus.add(f"{nb.name} (output)", text, lines=True)
                        corpus.outputs = True
    for page in sorted(book.glob("*.md")):
        corpus.add(page.name, page.read_text(encoding="utf-8"))
    for nb in sorted((root / "solutions").glob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8")).get("cells", []):
            if cell.get("cell_type") == "markdown":
                corpus.add(f"solutions/{nb.name}", _cell_text(cell))
    return corpus


# --------------------------------------------------------------------------------------------
# Honest levels
# --------------------------------------------------------------------------------------------


def _tolerance(raw: dict[str, Any]) -> float:
    answer = float(raw.get("answer", 0.0))
    if "tolerance" in raw:
        return float(raw["tolerance"])
    return abs(answer) * float(raw.get("tolerance_percent", 0.0)) / 100.0


def _keys(raw: dict[str, Any]) -> list[str]:
    return [
        str(o.get("text", "")) for o in raw.get("options") or [] if isinstance(o, dict) and o.get("correct")
    ]


def printed(raw: dict[str, Any], corpus: Corpus) -> str | None:
    """Why the item's answer counts as printed in the course (a sentence), or None if it is new.

    An item with a ``generator`` is never printed: its numbers are drawn for each variant.
    """
    if raw.get("generator"):
        return None
    qtype = raw.get("type")
    context = set(content_words(str(raw.get("prompt", "")) + " " + str(raw.get("units", ""))))
    if qtype == "numeric":
        answer = float(raw.get("answer", 0.0))
        hit = corpus.printed_number(answer, _tolerance(raw), context)
        if hit:
            return f"its answer {answer:g} is printed in {hit.source}: {hit.text[:120]!r}"
        return None
    phrases: list[str] = []
    if qtype in ("single", "multiple"):
        phrases = _keys(raw)
    elif qtype == "ordering":
        phrases = [" ".join(str(i) for i in raw.get("items") or [])]
    elif qtype == "written":
        sentences = [s for s in re.split(r"(?<=[.;])\s+", str(raw.get("model_answer", ""))) if s.strip()]
        hits = [corpus.printed_phrase(s) for s in sentences]
        found = [h for h in hits if h is not None]
        if sentences and len(found) * 2 > len(sentences):
            return f"{len(found)} of {len(sentences)} sentences of its model answer are printed ({found[0].source})"
        return None
    for phrase in phrases:
        telling = [n for n in numbers_in(phrase) if abs(n) >= 10 or n != int(n)]
        hit_n = corpus.printed_number(telling[0], 0.0, context) if telling else None
        # a key with several numbers ("20 % to 70 %") is printed when one passage holds them all
        if hit_n and all(any(abs(m - n) < 1e-9 for m in hit_n.numbers) for n in telling):
            return f"the numbers of its key are printed in {hit_n.source}: {hit_n.text[:120]!r}"
        hit = corpus.printed_phrase(phrase)
        if hit:
            return f"its key {phrase[:60]!r} is printed in {hit.source}: {hit.text[:120]!r}"
    return None


@dataclass
class CheckedRow:
    """One bank: items per declared level, and the items at apply or above by the checked rule."""

    bank: str
    label: str
    total: int = 0
    declared_higher: int = 0
    checked_higher: int = 0
    printed: list[tuple[str, str, str]] = field(default_factory=list)  # (id, level, why)
    generated: int = 0

    @property
    def share(self) -> float:
        return self.checked_higher / self.total if self.total else 0.0


def _banks(root: Path) -> list[Path]:
    book = root / "book"
    return sorted(book.glob("ch[0-9][0-9]_*.quiz.yml")) + sorted(book.glob("review[0-9]*.quiz.yml"))


def _raw_questions(path: Path) -> tuple[str, list[dict[str, Any]]]:
    data, _problems = check_bank(path)
    if data is None:
        return path.name, []
    questions = [q for q in data.get("questions") or [] if isinstance(q, dict)]
    return str(data.get("chapter", path.name)), questions


def checked_rows(root: Path, corpus: Corpus | None = None) -> list[CheckedRow]:
    """One row per bank (chapters, then reviews) with the apply-or-above share the text supports."""
    corpus = corpus or course_corpus(root)
    rows = []
    for path in _banks(root):
        label, questions = _raw_questions(path)
        row = CheckedRow(path.name.removesuffix(".quiz.yml"), label)
        for raw in questions:
            row.total += 1
            level = str(raw.get("level", ""))
            if level not in HIGHER_ORDER:
                continue
            row.declared_higher += 1
            row.generated += bool(raw.get("generator"))
            why = printed(raw, corpus)
            if why is None:
                row.checked_higher += 1
            else:
                row.printed.append((str(raw.get("id")), level, why))
        rows.append(row)
    return rows


def level_problems(rows: Sequence[CheckedRow]) -> list[str]:
    """Items labelled apply or above whose answer is printed, and banks under the 40 % target."""
    out = [
        f"{r.bank}.quiz.yml: question {qid!r} is labelled {level!r}, but {why}; give it new material "
        "(new numbers or a new case, or a generator) or label it remember/understand"
        for r in rows
        for qid, level, why in r.printed
    ]
    out += [
        f"{r.bank}.quiz.yml: {r.checked_higher} of {r.total} items ({r.share:.0%}) ask for apply or above "
        f"with new material; at least {MIN_HIGHER_SHARE:.0%} are needed"
        for r in rows
        if r.share < MIN_HIGHER_SHARE
    ]
    return out


# --------------------------------------------------------------------------------------------
# Item-writing lint
# --------------------------------------------------------------------------------------------


def _key_text(raw: dict[str, Any]) -> str:
    if raw.get("type") == "numeric":
        return f"{float(raw.get('answer', 0.0)):g}"
    return " ".join(_keys(raw))


def lint_bank(path: Path) -> list[str]:
    """Item-writing problems of one bank (each a sentence naming the bank and the item)."""
    name = path.name
    _label, questions = _raw_questions(path)
    out: list[str] = []
    singles = [q for q in questions if q.get("type") == "single"]
    longest = []
    for q in singles:
        options = [o for o in q.get("options") or [] if isinstance(o, dict)]
        lengths = [len(str(o.get("text", ""))) for o in options]
        keyed = [i for i, o in enumerate(options) if o.get("correct")]
        if len(keyed) == 1 and all(lengths[keyed[0]] > n for i, n in enumerate(lengths) if i != keyed[0]):
            longest.append(str(q.get("id")))
    if singles and len(longest) > MAX_LONGEST_SHARE * len(singles):
        out.append(
            f"{name}: the keyed option is the uniquely longest in {len(longest)} of {len(singles)} "
            f"single-answer items (at most {MAX_LONGEST_SHARE:.0%} allowed): {', '.join(longest)}"
        )
    multiples = [q for q in questions if q.get("type") == "multiple"]
    counts = [sum(bool(o.get("correct")) for o in q.get("options") or []) for q in multiples]
    if len(multiples) >= 2 and len(set(counts)) == 1:
        out.append(
            f"{name}: every multiple-answer item keys {counts[0]} options "
            f"({', '.join(str(q.get('id')) for q in multiples)}); vary how many are keyed"
        )
    seen: dict[float, str] = {}
    # Generated items are left out of the answer and give-away checks: their numbers, key and explanation
    # are drawn anew for every variant, so no fixed answer of theirs can repeat or leak.
    fixed = [q for q in questions if not q.get("generator")]
    for q in fixed:
        if q.get("type") == "numeric":
            answer = float(q.get("answer", 0.0))
            if answer in seen:
                out.append(
                    f"{name}: questions {seen[answer]!r} and {q.get('id')!r} have the same answer {answer:g}"
                )
            seen.setdefault(answer, str(q.get("id")))
    for q in questions:
        for o in q.get("options") or []:
            if isinstance(o, dict) and _ALL_NONE.search(str(o.get("text", ""))):
                out.append(
                    f"{name}: question {q.get('id')!r} has the option {o.get('text')!r}: no all/none of the above"
                )
    for q in fixed:
        explanation = str(q.get("explanation", ""))
        for other in fixed:
            if other is q:
                continue
            why = gives_away(explanation, other)
            if why:
                out.append(
                    f"{name}: the explanation of {q.get('id')!r} gives away the key of {other.get('id')!r} ({why})"
                )
    return out


def gives_away(text: str, item: dict[str, Any]) -> str | None:
    """Whether ``text`` (another item's explanation, seen first) contains ``item``'s key."""
    if item.get("type") == "numeric":
        answer = float(item.get("answer", 0.0))
        if answer == int(answer) and abs(answer) < 10:
            return None  # a small whole number is in every explanation
        context = set(content_words(str(item.get("prompt", ""))))
        corpus = Corpus()
        corpus.add("explanation", text)
        hit = corpus.printed_number(answer, _tolerance(item), context)
        return f"{answer:g} beside {hit.text[:60]!r}" if hit else None
    if item.get("type") in ("single", "multiple"):
        corpus = Corpus()
        corpus.add("explanation", text)
        for key in _keys(item):
            words = set(content_words(key))
            if len(words) < GIVEAWAY_WORDS:
                continue  # a short key ("Hematopoietic stem cells") is a topic, not an answer given away
            hit = next((p for p in corpus.passages if words <= p.words), None)
            if hit:
                return f"{key[:50]!r} in {hit.text[:60]!r}"
    return None


def lint_course(root: Path) -> list[str]:
    """The lint of every bank, and across the course: the keyed counts of multiple-answer items vary."""
    out = [m for path in _banks(root) for m in lint_bank(path)]
    counts: Counter[int] = Counter()
    for path in _banks(root):
        for q in _raw_questions(path)[1]:
            if q.get("type") == "multiple":
                counts[sum(bool(o.get("correct")) for o in q.get("options") or [])] += 1
    total = sum(counts.values())
    if total and counts.most_common(1)[0][1] > total / 2:
        n, k = counts.most_common(1)[0]
        out.append(f"course: {k} of {total} multiple-answer items key {n} options (at most half may)")
    return out


# --------------------------------------------------------------------------------------------
# Spaced reviews
# --------------------------------------------------------------------------------------------


def _item_text(raw: dict[str, Any]) -> str:
    parts = [str(raw.get("prompt", ""))]
    parts += [str(o.get("text", "")) for o in raw.get("options") or [] if isinstance(o, dict)]
    parts += [str(i) for i in raw.get("items") or []]
    return " ".join(parts)


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = content_words(text)
    return {tuple(words[i : i + 2]) for i in range(len(words) - 1)} | {(w,) for w in words}


def similarity(a: dict[str, Any], b: dict[str, Any]) -> float:
    """How much of the smaller item's wording (words and word pairs of stem and options) the other holds."""
    sa, sb = _shingles(_item_text(a)), _shingles(_item_text(b))
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def _parts(root: Path) -> list[tuple[str, list[str], str | None]]:
    """(caption, chapter ids, review bank stem) of every Part of ``_toc.yml`` in reading order."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    out = []
    for part in toc.get("parts", []):
        caption = str(part.get("caption", ""))
        if not caption.startswith("Part "):
            continue
        files = [Path(str(c["file"])).name for c in part.get("chapters", [])]
        review = next((f for f in files if f.startswith("review")), None)
        out.append((caption, [f[:4] for f in files if re.match(r"ch\d{2}_", f)], review))
    return out


def review_problems(root: Path) -> list[str]:
    """Spacing of the Part reviews and near-copies of chapter items (each problem a sentence)."""
    parts = _parts(root)
    chapter_items = [
        q for path in _banks(root) if path.name.startswith("ch") for q in _raw_questions(path)[1]
    ]
    out: list[str] = []
    earlier: set[str] = set()
    for index, (caption, chapters, review) in enumerate(parts):
        if review is None:
            earlier |= set(chapters)
            continue
        _label, items = _raw_questions(root / "book" / f"{review}.quiz.yml")
        where = [str(q.get("objective", ""))[:4] for q in items]
        if index > 0:
            back = sum(c in earlier for c in where)
            if back * 2 < len(items):
                out.append(
                    f"{review}.quiz.yml ({caption}): {back} of {len(items)} items revisit earlier Parts; "
                    "at least half must"
                )
        if index == len(parts) - 1:
            for other_caption, other_chapters, _r in parts:
                if not set(other_chapters) & set(where):
                    out.append(f"{review}.quiz.yml ({caption}): no item draws on {other_caption}")
        for q in items:
            if q.get("generator"):  # new numbers or a new patient on every draw: asked anew by construction
                continue
            for c in chapter_items:
                if c.get("generator"):  # its text is drawn per variant; the bank holds no stem to compare
                    continue
                s = similarity(q, c)
                if s >= NEAR_COPY:
                    out.append(
                        f"{review}.quiz.yml: question {q.get('id')!r} is a near-copy of {c.get('id')!r} "
                        f"(similarity {s:.2f}); a review item asks anew"
                    )
        earlier |= set(chapters)
    return out


def levels_markdown(rows: Sequence[CheckedRow]) -> str:
    """The checked apply-or-above share per bank as a Markdown table."""
    out = [
        "| Bank | Items | Labelled apply or above | Apply or above, checked | Share (checked) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        out.append(f"| {r.label} | {r.total} | {r.declared_higher} | {r.checked_higher} | {r.share:.0%} |")
    return "\n".join(out) + "\n"


def all_problems(root: Path, corpus: Corpus | None = None) -> list[str]:
    """Every problem of the three families for the course at ``root``."""
    return level_problems(checked_rows(root, corpus)) + lint_course(root) + review_problems(root)


__all__ = [
    "CheckedRow",
    "Corpus",
    "all_problems",
    "checked_rows",
    "content_words",
    "course_corpus",
    "gives_away",
    "level_problems",
    "levels_markdown",
    "lint_bank",
    "lint_course",
    "numbers_in",
    "printed",
    "review_problems",
    "similarity",
]
