"""Sortable tables: rows of cells, rendered as an HTML table the book's script sorts.

A :class:`SortableTable` is defined by its :class:`Column` list and rows of :class:`Cell`. It renders

* **static** (:meth:`SortableTable.to_html`): a complete ``<table>`` inside a ``data-ik="sortable"``
  wrapper; the book's script (component ``sortable``) turns each column header into a keyboard-operable
  sort button with ``aria-sort`` and announces the new order in a polite live region. Without the
  script the table is still a complete, readable table;
* **live** (:meth:`SortableTable.widget`): the same table under a *Sort by* dropdown, sorted in the
  kernel by the same sort values.

Number columns sort by each cell's ``sort_value``; text columns by the text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..markup import stable_id
from .base import Interactive, LiveView


@dataclass(frozen=True)
class Column:
    """A column: its header, how it sorts (``"number"`` by value, ``"text"`` alphabetically) and whether it
    is a key column. When a table has columns that are not key columns, the book's script shows the key
    columns only, with a *Show all columns* toggle; print and pages without JavaScript show every column.
    The first column (the row header) is always shown."""

    header: str
    kind: Literal["text", "number"] = "text"
    key: bool = True


@dataclass(frozen=True)
class Cell:
    """One cell: its text, an optional small note after it, and the value a number column sorts by."""

    text: str
    note: str = ""
    sort_value: float | None = None

    def sort_key(self) -> tuple[float, str]:
        return (self.sort_value if self.sort_value is not None else 0.0, self.text.lower())


class SortableTable(Interactive):
    """A sortable table (see the module docstring).

    Parameters
    ----------
    caption
        Caption (plain text); its first sentence names the table for screen readers.
    columns
        The columns, left to right.
    rows
        One cell per column for each row; the first cell of a row is its row header.
    """

    def __init__(self, caption: str, columns: Sequence[Column], rows: Sequence[Sequence[Cell]]) -> None:
        if not rows:
            raise ValueError("a sortable table needs at least one row")
        for i, row in enumerate(rows):
            if len(row) != len(columns):
                raise ValueError(f"row {i + 1} has {len(row)} cells for {len(columns)} columns")
        self.caption = caption
        self.columns = tuple(columns)
        self.rows = tuple(tuple(row) for row in rows)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {len(self.rows)} rows>"

    def _cell_html(self, cell: Cell, column: Column, first: bool) -> str:
        note = f' <span class="ik-note">{html.escape(cell.note)}</span>' if cell.note else ""
        if first:
            return f'<th scope="row">{html.escape(cell.text)}{note}</th>'
        # data-label names the column on narrow screens, where each row becomes a card (immunokit.css).
        extra = "" if column.key else ' class="ik-col-extra"'
        td = f'<td{extra} data-label="{html.escape(column.header, quote=True)}"'
        if column.kind == "number" and cell.sort_value is not None:
            return f'{td} data-sort-value="{cell.sort_value:g}">{html.escape(cell.text)}{note}</td>'
        return f"{td}>{html.escape(cell.text)}{note}</td>"

    def table_html(self, rows: Sequence[Sequence[Cell]] | None = None, *, short_caption: bool = False) -> str:
        """The ``<table>`` itself, with the rows in the order given (default: as defined).

        ``short_caption``: the caption is only the first sentence, for screen readers (the static page
        shows the whole caption above its scroller); otherwise the whole caption, visible."""
        extra = ' class="ik-col-extra"'
        head = "".join(
            f'<th scope="col"{"" if c.key or i == 0 else extra}>{html.escape(c.header)}</th>'
            for i, c in enumerate(self.columns)
        )
        body = "".join(
            "<tr>"
            + "".join(
                self._cell_html(cell, col, j == 0)
                for j, (cell, col) in enumerate(zip(row, self.columns, strict=True))
            )
            + "</tr>"
            for row in (self.rows if rows is None else rows)
        )
        caption = (
            f'<caption class="ik-sr-only">{html.escape(self.caption.split(".")[0])}</caption>'
            if short_caption
            else f"<caption>{html.escape(self.caption)}</caption>"
        )
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def sorted_rows(self, column: int, descending: bool = False) -> list[tuple[Cell, ...]]:
        """The rows sorted by ``column`` (an index), as the book's script sorts them."""
        kind = self.columns[column].kind
        return sorted(
            self.rows,
            key=lambda row: row[column].sort_key() if kind == "number" else (0.0, row[column].text.lower()),
            reverse=descending,
        )

    def to_html(self) -> str:
        """The table inside a ``data-ik="sortable"`` scroller with a polite live region.

        The whole caption (with any warning in it) is a paragraph *above* the scroller, so it wraps at
        any width and never scrolls away; the table's own ``<caption>`` (its first sentence) names it
        for screen readers. Narrow containers turn each row into a card (``immunokit.css``).
        """
        uid = stable_id("ik-table", self.caption, *(row[0].text for row in self.rows))
        return (
            f'<div class="ik-table-block">'
            f'<p class="ik-table-caption" id="{uid}-caption">{html.escape(self.caption)}'
            # Said only where it can be done: the book's script shows it once the headers sort (not on
            # paper, not without JavaScript).
            '<span class="ik-sort-hint" hidden> Select a column header to sort.</span></p>'
            f'<div class="ik-sortable" id="{uid}" data-ik="sortable" role="region" tabindex="0" '
            f'aria-label="{html.escape(self.caption.split(".")[0], quote=True)}" aria-describedby="{uid}-caption">'
            f"{self.table_html(short_caption=True)}"
            '<p class="ik-sr-only ik-live" aria-live="polite"></p></div></div>'
        )

    def widget(self) -> LiveView:
        """A *Sort by* dropdown (``controls["sort"]``, column indices; ``-1`` keeps the defined order)
        above the table; ``state.values["sort"]`` and ``state.html`` follow it."""
        import ipywidgets as w

        options = [("as listed", -1)] + [(c.header, i) for i, c in enumerate(self.columns)]
        sort = w.Dropdown(options=options, value=-1, description="Sort by")
        shown = w.HTML()
        view = LiveView([sort, shown], controls={"sort": sort})

        def update(_change: object = None) -> None:
            column = int(sort.value)
            rows = self.rows if column < 0 else self.sorted_rows(column)
            shown.value = self.table_html(rows)
            view.state.values = {"sort": column}
            view.state.html = shown.value

        sort.observe(update, names="value")
        update()
        return view
