"""Safe inline markup for prompts, captions and feedback.

Everything is HTML-escaped first; then a small inline syntax is turned into tags:

===================  =====================  =========================
write                get                    example
===================  =====================  =========================
``*text*``           emphasis               *continuous* infusion
``**text**``         strong                 **not** approved
```code```           ``<code>``             ``Css = R0 / CL``
``^text^``           superscript            10^-4^ → 10⁻⁴ style
``~text~``           subscript              t~1/2~
===================  =====================  =========================

Nothing else is interpreted: raw HTML in a bank is shown as text, never executed.

:func:`stable_id` gives the ids of the rendered HTML (free of the plotting stack, like all of this module).
"""

from __future__ import annotations

import hashlib
import html
import re


def stable_id(prefix: str, *parts: str) -> str:
    """Return an HTML id that is the same on every build for the same content."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:10]
    return f"{prefix}-{digest}"


_CODE = re.compile(r"`([^`\n]+)`")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM = re.compile(r"(?<![\*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\*\w])")
_SUP = re.compile(r"\^([^\^\s][^\^\n]*?)\^")
_SUB = re.compile(r"(?<!~)~([^~\s][^~\n]*?)~(?!~)")


def inline_html(text: str) -> str:
    """Return ``text`` escaped for HTML, with the inline markup above turned into tags."""
    escaped = html.escape(text, quote=True)
    pieces: list[str] = []
    last = 0
    # Code spans are protected from the other rules.
    for match in _CODE.finditer(escaped):
        pieces.append(_format_rest(escaped[last : match.start()]))
        pieces.append(f"<code>{match.group(1)}</code>")
        last = match.end()
    pieces.append(_format_rest(escaped[last:]))
    return "".join(pieces)


def _format_rest(text: str) -> str:
    text = _STRONG.sub(r"<strong>\1</strong>", text)
    text = _EM.sub(r"<em>\1</em>", text)
    text = _SUP.sub(r"<sup>\1</sup>", text)
    return _SUB.sub(r"<sub>\1</sub>", text)


def plain_text(text: str) -> str:
    """Return ``text`` with the inline markup removed (for alt text, GIFT export, plain output)."""
    text = _CODE.sub(r"\1", text)
    text = _STRONG.sub(r"\1", text)
    text = _EM.sub(r"\1", text)
    text = _SUP.sub(r"\1", text)
    return _SUB.sub(r"\1", text)
