"""Names cannot speak: student and file names shown escaped, and no CSV cell a spreadsheet reads as a formula.

A student's name is a folder or file name they chose (or an LMS made from what they typed), so it may
hold newlines, terminal escape sequences (``ESC [ 2 J`` clears the screen), bidirectional overrides
that reorder what is shown, or look like a formula to a spreadsheet. :func:`shown` is the one form in
which the grader shows any such text — in the terminal, the summary file and the CSV: every control
character (C0, DEL, C1), line and paragraph separator, bidirectional control and zero-width character,
and the backslash itself, is written as a ``\\xNN`` / ``\\uNNNN`` escape, so two different names never
look alike and no name can draw on the screen.

:func:`neutral` is what a CSV cell gets: text that a spreadsheet would start to evaluate — after
leading spaces of any kind (including NBSP), and with fullwidth forms read as their ASCII twins
(``＝``, ``＋``, ``－``, ``＠``) — starting with ``= + - @ | %`` or a control character, gets a leading
apostrophe (the OWASP "CSV injection" rule, extended to the variants spreadsheets also accept).
"""

from __future__ import annotations

import unicodedata

#: Characters that are escaped although they are not in a control category.
_INVISIBLE = set(
    "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\ufff9\ufffa\ufffb"
)
_FORMULA_START = set("=+-@|%")


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shown(text: str) -> str:
    """``text`` with every character that could draw, hide or reorder written as an escape."""
    out = []
    for char in str(text):
        if char == "\\":
            out.append("\\\\")
        elif char in _INVISIBLE or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
            out.append(_escape(char))
        else:
            out.append(char)
    return "".join(out)


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (or a DDE call)."""
    stripped = text.lstrip(
        " \t\r\n\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
        "\u2009\u200a\u202f\u205f\u3000\ufeff"
    )
    if stripped != text and stripped == "":
        return False
    if text[:1] in ("\t", "\r", "\n"):
        return True
    if not stripped:
        return False
    first = unicodedata.normalize("NFKC", stripped[0])[:1]
    return first in _FORMULA_START or unicodedata.category(first) == "Cc"


def neutral(text: str) -> str:
    """``text`` as a CSV cell that a spreadsheet shows literally."""
    text = str(text).replace("\x00", "")
    return "'" + text if formula_like(text) else text
